// BatchReadAhead: lines in order from its thread, waiting on a pipe
// reported, lines that may join a window parsed, and key add lines prepared
// with exactly what reading their files would have said.

import DCONetlink
import Glibc
import NetlinkFakes
import Testing

@testable import ovpnctl

/// Each with the reading thread, and without one (start() not called, as
/// when pthread_create fails: the lines are then read when asked for).
@Suite struct BatchReadAheadTests {
  @Test(arguments: [true, false])
  func linesComeOutInOrderThenTheEnd(threaded: Bool) throws {
    let dir = TempDir()
    var text = ""
    var want: [[String]] = []
    for i in 1...1000 {
      let line = i % 7 == 0 ? "# comment \(i)" : i % 11 == 0 ? "" : "peer del dev tun0 id \(i)"
      text += line + "\n"
      want.append(Batch.split(line))
    }
    let reader = try #require(BatchInput(path: dir.file("b.batch", text)))
    let lines = BatchReadAhead(reader, options: Options())
    if threaded { lines.start() }
    defer { lines.stop() }
    var got: [[String]] = []
    while case .line(let l) = lines.next(wait: true) {
      got.append(l.words)
      #expect(l.prepared == nil)
    }
    #expect(got == want)
    guard case .end = lines.next(wait: false) else {
      Issue.record("no end after the last line")
      return
    }
  }

  @Test(arguments: [true, false])
  func keyLinesComePreparedInOrder(threaded: Bool) throws {
    let dir = TempDir()
    let key = dir.file("k.key", b64encode(material(24)) + "\n")
    var text = ""
    for peer in 1...100 {
      text += "key add dev tun0 peer \(peer) slot primary key-id 0 cipher aes-128-gcm encrypt \(key) decrypt \(key)\n"
    }
    let reader = try #require(BatchInput(path: dir.file("b.batch", text)))
    let lines = BatchReadAhead(reader, options: Options())
    if threaded { lines.start() }
    defer { lines.stop() }
    var peers: [UInt32] = []
    while case .line(let l) = lines.next(wait: true) {
      let p = try #require(l.prepared)
      #expect(try p.key.get().peerID == p.request.peer)
      peers.append(p.request.peer)
    }
    #expect(peers == Array(1...100))
  }

  /// The parse a line that may join a window gets on the reader: what
  /// Batch.admit needs, or nil for a line that cannot join; none at all for
  /// a line naming a zone, whose interface is looked up when it runs.
  @Test(arguments: [true, false])
  func linesThatMayJoinComeParsed(threaded: Bool) throws {
    let dir = TempDir()
    let text = """
      peer add dev mp0 id 7 remote 192.0.2.1:1194 vpn-ip 10.8.0.7
      peer add dev mp0 id 8 remote [fe80::1%lo]:1194
      peer add dev mp0 id 9 remote 192.0.2.1:1194 proto tcp
      peer add dev mp0 id 10
      link show
      peer del dev mp0 id 11
      peer add dev mp0 id 12 remote 192.0.2.1:1194 help

      """
    for force in [false, true] {
      let reader = try #require(BatchInput(path: dir.file("b\(force).batch", text)))
      var options = Options()
      options.force = force
      let lines = BatchReadAhead(reader, options: options)
      if threaded { lines.start() }
      defer { lines.stop() }
      var got: [BatchReadAhead.Line] = []
      while case .line(let l) = lines.next(wait: true) { got.append(l) }
      try #require(got.count == 7)
      #expect(got.map(\.parsedAhead) == [true, false, true, true, true, true, true])
      let first = try #require(got[0].parsed)
      #expect((first.spec.object, first.spec.verb) == ("peer", "add"))
      #expect((first.dev, first.peer, first.blocks) == ("mp0", 7, false))
      let add = try #require(first.request as? PeerCommands.AddRequest)
      #expect(add.config.vpnIPv4 == IPAddress("10.8.0.7"))
      #expect(add.config.remote == Endpoint(address: IPAddress("192.0.2.1")!, port: 1194))
      #expect(got[1].parsed == nil)
      #expect(try #require(got[2].parsed).blocks)
      #expect(got[3].parsed == nil)  // no remote: it fails when it runs
      #expect(got[4].parsed == nil)  // never joins
      #expect(got[5].parsed?.peer == (force ? 11 : nil))  // joins with -force only
      #expect(got[6].parsed == nil)  // help prints at once
    }
  }

  @Test(arguments: [true, false])
  func anEmptyPipeIsReportedAsWaitingNotWaitedOn(threaded: Bool) throws {
    var fds: [Int32] = [0, 0]
    try #require(pipe(&fds) == 0)
    defer { close(fds[0]) }
    func put(_ s: String) { _ = Array(s.utf8).withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } }
    put("key swap dev tun0 peer 1\nkey swap dev tun0 peer 2\n")
    let reader = try #require(BatchInput(path: "/proc/self/fd/\(fds[0])"))
    let lines = BatchReadAhead(reader, options: Options())
    if threaded { lines.start() }
    defer { lines.stop() }
    var words: [[String]] = []
    while case .line(let l) = lines.next(wait: false) { words.append(l.words) }
    #expect(words == [["key", "swap", "dev", "tun0", "peer", "1"], ["key", "swap", "dev", "tun0", "peer", "2"]])
    guard case .waiting = lines.next(wait: false) else {
      Issue.record("an empty pipe was not reported as waiting")
      return
    }
    put("key swap dev tun0 peer 3\n")
    guard case .line(let third) = lines.next(wait: true) else {
      Issue.record("the third line did not come")
      return
    }
    #expect(third.words.last == "3")
    close(fds[1])
    guard case .end = lines.next(wait: true) else {
      Issue.record("no end after the pipe closed")
      return
    }
  }

  @Test(arguments: [true, false])
  func stopEndsTheLinesWhateverWasReadAhead(threaded: Bool) throws {
    let dir = TempDir()
    let text = String(repeating: "key swap dev tun0 peer 1\n", count: BatchReadAhead.capacity * 4)
    let reader = try #require(BatchInput(path: dir.file("b.batch", text)))
    let lines = BatchReadAhead(reader, options: Options())
    // With the thread, it then waits for room in the queue.
    if threaded { lines.start() }
    guard case .line = lines.next(wait: true) else {
      Issue.record("no first line")
      return
    }
    lines.stop()
    // Stopped: nothing more is handed out, whatever was read ahead.
    guard case .end = lines.next(wait: true) else {
      Issue.record("a line after stop")
      return
    }
  }
}

@Suite struct BatchKeyPrepareTests {
  let dir = TempDir()
  let enc = material(24, 1)
  let dec = material(24, 9)

  func line(_ e: String, _ d: String, extra: String = "") -> [String] {
    Batch.split("key add dev tun0 peer 5 slot primary key-id 2 cipher aes-128-gcm encrypt \(e) decrypt \(d)\(extra)")
  }

  @Test func regularFilesAreReadAhead() throws {
    let e = dir.file("e.key", b64encode(enc) + "\n")
    let d = dir.file("d.key", b64encode(dec) + "\n")
    let p = try #require(BatchReadAhead.prepare(line(e, d), Options()))
    #expect(
      p.request
        == KeyCommands.AddRequest(
          dev: "tun0", peer: 5, slot: .primary, keyID: 2, cipher: .aes128GCM, encrypt: e, decrypt: d))
    #expect(p.warnings.isEmpty)
    let key = try p.key.get()
    #expect(contents(key.encrypt) == enc && contents(key.decrypt) == dec)
    #expect(key.peerID == 5 && key.keyID == 2 && key.slot == .primary)
  }

  @Test func warningsAreKeptInOrderForTheLine() throws {
    let e = dir.file("e.key", b64encode(enc) + "\n")
    let d = dir.file("d.key", b64encode(dec) + "\n")
    chmod(e, 0o640)
    chmod(d, 0o604)
    let p = try #require(BatchReadAhead.prepare(line(e, d), Options()))
    #expect(
      p.warnings == [
        "Warning: key file \"\(e)\" is readable by group or others (mode 640)",
        "Warning: key file \"\(d)\" is readable by group or others (mode 604)",
      ])
    _ = try p.key.get()
  }

  @Test func theFirstBadFileIsTheErrorAndTheSecondIsNotRead() throws {
    let e = dir.file("e.key", "not base64\n")
    let d = dir.file("d.key", b64encode(dec) + "\n")
    chmod(d, 0o644)
    let p = try #require(BatchReadAhead.prepare(line(e, d), Options()))
    #expect(p.warnings.isEmpty)
    guard case .failure(let error) = p.key else {
      Issue.record("a bad key file was accepted")
      return
    }
    #expect(error.message == "encrypt key file \"\(e)\" is not one line of base64")
  }

  @Test func linesLeftToRunAsBefore() throws {
    let e = dir.file("e.key", b64encode(enc) + "\n")
    let d = dir.file("d.key", b64encode(dec) + "\n")
    let fifo = dir.path + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    defer { unlink(fifo) }
    // Neither standard input nor a FIFO (opening it would block), nor a
    // missing file, a directory, a help request or a line that does not parse.
    for words in [
      line("-", d), line(e, "-"), line(fifo, d), line(e, fifo), line(e, dir.path + "/absent"),
      line(dir.path, d), line(e, d, extra: " help"), line(e, d, extra: " mtu 1"),
      Batch.split("key add dev tun0 peer 5 slot primary key-id 9 cipher aes-128-gcm encrypt \(e) decrypt \(d)"),
      Batch.split("key swap dev tun0 peer 5"), Batch.split("peer add dev tun0 id 1"),
    ] {
      #expect(BatchReadAhead.prepare(words, Options()) == nil, "\(words)")
    }
    // Nor a line the run's options refuse: it fails as it would have,
    // without its files being read.
    var prometheus = Options()
    prometheus.prometheus = true
    #expect(BatchReadAhead.prepare(line(e, d), prometheus) == nil)
    #expect(BatchReadAhead.prepare(line(e, d), Options()) != nil)
  }
}

@Suite struct BatchKeyReadAheadRunTests {
  /// Three key add lines, the second with a bad file: without -force the
  /// batch stops there, with it the third still installs.
  @Test(arguments: [false, true])
  func aBadFileFailsItsOwnLine(force: Bool) throws {
    let dir = TempDir()
    let good = dir.file("good.key", b64encode(material(24)) + "\n")
    let bad = dir.file("bad.key", b64encode(material(12)) + "\n")
    var text = ""
    for (peer, file) in [(1, good), (2, bad), (3, good)] {
      text += "key add dev tun0 peer \(peer) slot primary key-id 0 cipher aes-128-gcm encrypt \(file) decrypt \(good)\n"
    }
    var o = Options()
    o.force = force
    o.batch = dir.file("b.batch", text)
    let genl = FakeKernel()
    let rtnl = FakeKernel(links: ["tun0": (3, "ovpn")])
    let pipeline = PipelineKernel()
    let ctx = Context(options: o, client: DCOClient(genl: genl, rtnl: rtnl, pipeline: pipeline))
    let status = Batch.run(file: o.batch!, context: ctx)
    #expect(status == 1)
    // Without -force key lines go one by one over the main socket; with
    // it they join the window. Upstream requests carry the peer id at 36.
    let peers =
      (force
        ? pipeline.requests.map(\.peer)
        : genl.commands.map { r in
          UInt32(r[36]) | UInt32(r[37]) << 8 | UInt32(r[38]) << 16 | UInt32(r[39]) << 24
        })
    #expect(peers == (force ? [1, 3] : [1]))
    #expect(force ? genl.commands.isEmpty : pipeline.requests.isEmpty)
  }

  /// The run's options reach key lines read ahead as any other line: under
  /// -prometheus a good key add line is refused and sends nothing.
  @Test(arguments: [false, true])
  func optionsAreCheckedForLinesReadAhead(prometheus: Bool) throws {
    let dir = TempDir()
    let good = dir.file("good.key", b64encode(material(24)) + "\n")
    var o = Options()
    o.prometheus = prometheus
    o.batch = dir.file(
      "b.batch",
      "key add dev tun0 peer 1 slot primary key-id 0 cipher aes-128-gcm encrypt \(good) decrypt \(good)\n")
    let genl = FakeKernel()
    let rtnl = FakeKernel(links: ["tun0": (3, "ovpn")])
    let ctx = Context(options: o, client: DCOClient(genl: genl, rtnl: rtnl, pipeline: PipelineKernel()))
    let status = Batch.run(file: o.batch!, context: ctx)
    #expect(status == (prometheus ? 1 : 0))
    #expect(genl.commands.count == (prometheus ? 0 : 1))
  }
}
