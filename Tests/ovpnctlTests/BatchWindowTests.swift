// The batch window without a kernel: which lines may join, how replies are
// tied to their lines, what is undone after a failure without -force, and
// when Batch drains the window.

import Glibc
import NetlinkFakes
import Testing

@testable import DCONetlink
@testable import ovpnctl

private enum Cmd {
  static let peerNew: UInt8 = 1, peerSet: UInt8 = 2, peerDel: UInt8 = 4, keySwap: UInt8 = 8
}

private let mp = Link(name: "mp0", index: 7, kind: "ovpn", mode: .mp)
private let codec = UpstreamCodec(family: GenlFamily(name: "ovpn", id: 0x1b))

private func peer(_ id: UInt32, keepalive: Bool = false) -> PeerConfig {
  var c = PeerConfig(id: id)
  c.socket = 5
  c.remote = Endpoint(address: IPAddress("192.0.2.\(id)")!, port: 1194)
  c.vpnIPv4 = IPAddress("10.9.0.\(id)")
  if keepalive {
    c.keepaliveInterval = 10
    c.keepaliveTimeout = 60
  }
  return c
}

/// A window on `kernel` with peer adds of `ids`, one per line from 1.
private func window(_ kernel: PipelineKernel, force: Bool, adds ids: [UInt32], keepalive: Set<UInt32> = [])
  throws -> BatchWindow
{
  let w = BatchWindow(session: NetlinkSession(channel: kernel, firstSequence: 1), force: force)
  for (i, id) in ids.enumerated() {
    w.line = i + 1
    try w.addPeer(.peerAdd(dev: "mp0", id: id), mp, codec, peer(id, keepalive: keepalive.contains(id)), record: nil)
  }
  return w
}

private func failedLines(_ reports: [BatchWindow.Report]) -> [Int] {
  reports.compactMap { if case .failed(let l, _, _) = $0 { return l } else { return nil } }
}

@Suite struct BatchWindowTests {
  @Test func onlyUndoablePeerAddsJoinWithoutForce() {
    let p2p = Link(name: "p0", index: 8, kind: "ovpn", mode: .p2p)
    let legacy = Link(name: "d0", index: 9, kind: "ovpn-dco")
    #expect(BatchWindow.admits(object: "peer", verb: "add", link: mp, force: false))
    #expect(!BatchWindow.admits(object: "peer", verb: "add", link: p2p, force: false))
    #expect(!BatchWindow.admits(object: "peer", verb: "add", link: legacy, force: true))  // mode unknown
    for (o, v) in [("peer", "set"), ("peer", "del"), ("key", "add"), ("key", "swap"), ("key", "del")] {
      #expect(!BatchWindow.admits(object: o, verb: v, link: mp, force: false))
      #expect(BatchWindow.admits(object: o, verb: v, link: nil, force: true))
    }
    for (o, v) in [("link", "add"), ("link", "del"), ("peer", "show"), ("key", "show"), ("stats", "")] {
      #expect(!BatchWindow.admits(object: o, verb: v, link: mp, force: true))
    }
  }

  /// What a batch may decide from the words alone, before parsing a line.
  @Test func mayJoinAgreesWithAdmits() {
    #expect(BatchWindow.mayJoin(object: "peer", verb: "add", force: false))
    for (o, v) in [("peer", "set"), ("peer", "del"), ("key", "add"), ("key", "swap"), ("key", "del")] {
      #expect(!BatchWindow.mayJoin(object: o, verb: v, force: false))
      #expect(BatchWindow.mayJoin(object: o, verb: v, force: true))
    }
    for (o, v) in [("link", "add"), ("peer", "show"), ("key", "show"), ("stats", ""), ("monitor", "")] {
      #expect(!BatchWindow.mayJoin(object: o, verb: v, force: true))
    }
  }

  @Test func requestsGoBackToBackAndRepliesAreReadAfter() throws {
    let k = PipelineKernel()
    let w = try window(k, force: false, adds: [1, 2, 3])
    #expect(k.log == ["s1", "s2", "s3"])
    #expect(w.drain().isEmpty)
    #expect(k.log == ["s1", "s2", "s3", "r1", "r2", "r3"])
    #expect(w.isEmpty)
  }

  @Test func withoutForceTheFirstFailureIsReportedAndLaterAddsAreUndone() throws {
    let k = PipelineKernel()
    k.errno = { cmd, id in cmd == Cmd.peerNew && id == 3 ? EEXIST : 0 }
    let w = try window(k, force: false, adds: [1, 2, 3, 4, 5])
    let reports = w.drain()
    guard case .failed(line: 3, let text, status: 2)? = reports.first else {
      Issue.record("no failure of line 3: \(reports)")
      return
    }
    #expect(text.hasPrefix("Error: "))
    #expect(reports.count == 1)
    // Five adds, then the two after the failure are removed again.
    #expect(k.requests.map(\.command) == [1, 1, 1, 1, 1, 4, 4])
    #expect(k.requests.suffix(2).map(\.peer) == [4, 5])
  }

  @Test func withForceEveryFailureIsReportedWithItsLineAndNothingUndone() throws {
    let k = PipelineKernel()
    k.errno = { cmd, id in cmd == Cmd.peerNew && (id == 2 || id == 4) ? ENOENT : 0 }
    let w = try window(k, force: true, adds: [1, 2, 3, 4, 5])
    let reports = w.drain()
    #expect(failedLines(reports) == [2, 4])
    #expect(k.requests.map(\.command) == [1, 1, 1, 1, 1])
  }

  @Test func keepaliveFollowsTheAckAndItsFailureRemovesThePeer() throws {
    let k = PipelineKernel()
    k.errno = { cmd, id in cmd == Cmd.peerSet && id == 2 ? EINVAL : 0 }
    let w = try window(k, force: false, adds: [1, 2, 3], keepalive: [1, 2])
    let reports = w.drain()
    #expect(failedLines(reports) == [2])
    // NEW×3; SET for 1 and 2 only after their ACKs; 2's failure removes 2,
    // and 3 (after the failure) is undone too.
    #expect(k.requests.map(\.command) == [1, 1, 1, 2, 2, 4, 4])
    #expect(k.requests.map(\.peer) == [1, 2, 3, 1, 2, 2, 3])
  }

  @Test func aFailedNewPeerNeverGetsItsKeepalive() throws {
    let k = PipelineKernel()
    // A duplicate id: the SET would change the existing peer.
    k.errno = { cmd, id in cmd == Cmd.peerNew && id == 1 ? EEXIST : 0 }
    let w = try window(k, force: true, adds: [1, 2], keepalive: [1, 2])
    #expect(failedLines(w.drain()) == [1])
    #expect(k.requests.map(\.command) == [1, 1, 2])
    #expect(k.requests.last!.peer == 2)
  }

  @Test func anUndoThatFailsIsSaid() throws {
    let k = PipelineKernel()
    k.errno = { cmd, id in (cmd == Cmd.peerNew && id == 1) || (cmd == Cmd.peerDel && id == 2) ? EEXIST : 0 }
    let w = try window(k, force: false, adds: [1, 2, 3])
    let reports = w.drain()
    #expect(failedLines(reports) == [1])
    #expect(reports.count == 2)
    guard case .notUndone(line: 2, _)? = reports.last else {
      Issue.record("no report of the line that stayed: \(reports)")
      return
    }
  }

  @Test func keyOperationsWithForceKeepTheirLines() throws {
    let k = PipelineKernel()
    k.errno = { cmd, id in cmd == Cmd.keySwap && id == 20 ? ENOENT : 0 }
    let w = BatchWindow(session: NetlinkSession(channel: k, firstSequence: 1), force: true)
    for (line, id) in [(4, UInt32(10)), (6, 20), (9, 30)] {
      w.line = line
      try w.submit(.keySwap(dev: "mp0", peer: id), mp, codec, peer: id) { () throws(NetlinkError) in
        try codec.swapKeys(ifindex: 7, peerID: id)
      }
    }
    #expect(w.holds(BatchWindow.Key(dev: "mp0", peer: 20)))
    #expect(!w.holds(BatchWindow.Key(dev: "mp0", peer: 40)))
    let reports = w.drain()
    #expect(failedLines(reports) == [6])
    #expect(!w.holds(BatchWindow.Key(dev: "mp0", peer: 20)))
  }

  // Batch.run: when the window is drained.
  @Test func aSecondLineForThePeerDrainsTheWindowFirst() throws {
    let (k, status) = runBatch(
      "key swap dev tun0 peer 1\nkey swap dev tun0 peer 2\nkey swap dev tun0 peer 1\npeer del dev tun0 id 3\n",
      force: true)
    #expect(status == 0)
    #expect(k.log == ["s1", "s2", "r1", "r2", "s3", "s4", "r3", "r4"])
  }

  @Test func anotherCommandDrainsTheWindowAndTheFailedLineIsTheOneNamed() throws {
    let (k, status) = runBatch(
      "key swap dev tun0 peer 1\nkey swap dev tun0 peer 2\nkey swap dev tun0 peer 3\n", force: true, failing: 2)
    #expect(status == 2)
    #expect(k.log == ["s1", "s2", "s3", "r1", "r2", "r3"])
  }

  @Test func withoutForceKeyLinesRunOneByOne() throws {
    let (k, status) = runBatch("key swap dev tun0 peer 1\nkey swap dev tun0 peer 2\n", force: false)
    #expect(status == 0)
    // Not in the window: they went over the main socket, one by one.
    #expect(k.log.isEmpty)
  }
}

/// Runs a batch file over fake kernels; the window's socket is the returned
/// kernel. `failing` makes that peer's requests fail with ENOENT.
private func runBatch(_ text: String, force: Bool, failing: UInt32? = nil) -> (PipelineKernel, Int32) {
  let dir = TempDir()
  let file = dir.file("b.batch", text)
  let k = PipelineKernel()
  if let failing { k.errno = { _, id in id == failing ? ENOENT : 0 } }
  var o = Options()
  o.force = force
  o.batch = file
  let genl = FakeKernel()
  let rtnl = FakeKernel(links: ["tun0": (3, "ovpn")])
  let ctx = Context(options: o, client: DCOClient(genl: genl, rtnl: rtnl, pipeline: k))
  let status = Batch.run(file: file, context: ctx)
  return (k, status)
}

@Suite struct BatchWindowSizeTests {
  @Test func aFullWindowIsDrainedBeforeTheNextLine() throws {
    var text = ""
    for i in 1...100 { text += "key swap dev tun0 peer \(i)\n" }
    let (k, status) = runBatch(text, force: true, failing: 50)
    #expect(status == 2)
    let firstRead = k.log.firstIndex(of: "r1")
    #expect(firstRead == BatchWindow.capacity)
    #expect(k.log.count == 200)
  }
}
