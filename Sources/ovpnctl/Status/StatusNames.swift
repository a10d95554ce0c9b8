import CMnl
import DCONetlink
import Glibc

/// The `status FILE` keyword of `peer show`, `stats` and `monitor`: reads an
/// OpenVPN server's status file and names the peers of its interface.
/// Problems with the file are the command line's (exit 1), like a key file's.
enum StatusNames {
  /// Far more than the status file of any real server.
  static let maxFileSize = 16 << 20

  /// `status` names the peers of one interface, so it needs `dev`.
  static func check(status: String?, dev: String?) throws(UsageError) {
    if status != nil, dev == nil {
      throw UsageError("\"status\" names the peers of one OpenVPN server: give its interface with \"dev NAME\"")
    }
  }

  /// The file the command line names, read and parsed; nil without one.
  static func load(_ path: String?) throws(CommandError) -> StatusFile? {
    guard let path else { return nil }
    return try usage { () throws(UsageError) in try read(path) }
  }

  /// Reads and parses `path`. OpenVPN rewrites the file in place, so a read
  /// that lands in the middle of a rewrite is retried a few times before its
  /// problem is reported.
  static func read(_ path: String, attempts: Int = 4) throws(UsageError) -> StatusFile {
    var last = StatusFile.Problem(line: 0, message: "")
    for attempt in 0..<max(attempts, 1) {
      if attempt > 0 { usleep(25_000) }
      let text = try contents(path)
      do throws(StatusFile.Problem) {
        return try StatusFile.parse(text)
      } catch {
        last = error
      }
    }
    throw UsageError("status file \"\(path)\", line \(last.line): \(last.message)")
  }

  static func contents(_ path: String) throws(UsageError) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw UsageError("cannot open status file \"\(path)\": \(errnoDescription(cmnl_errno()))")
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n == 0 { break }
      if n < 0 {
        if cmnl_errno() == EINTR { continue }
        throw UsageError("cannot read status file \"\(path)\": \(errnoDescription(cmnl_errno()))")
      }
      bytes += chunk[0..<n]
      guard bytes.count <= maxFileSize else {
        throw UsageError("status file \"\(path)\" is larger than \(maxFileSize >> 20) MiB")
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// `monitor dev NAME status FILE`: the names of the interface's peers,
/// re-read from the file at each event. Names are remembered, so the
/// peer-del of a client OpenVPN has already dropped from its file (or the
/// kernel from its peers) still carries the client's name.
struct StatusWatch {
  let path: String
  let link: Link
  let codec: any OvpnCodec
  private(set) var names: [UInt32: String] = [:]
  private var warned = false

  init(path: String, link: Link, codec: any OvpnCodec) {
    self.path = path
    self.link = link
    self.codec = codec
  }

  /// Reads the file again; a problem is reported once and the names known so far are kept.
  mutating func refresh(_ ctx: Context) {
    do throws(UsageError) {
      update(try StatusNames.read(path), ctx)
      warned = false
    } catch {
      if !warned { Terminal.err("Warning: keeping the names read before: \(error.message).") }
      warned = true
    }
  }

  mutating func update(_ file: StatusFile, _ ctx: Context) {
    if file.hasPeerIDs {
      for c in file.clients {
        if let id = c.peerID, let n = c.commonName { names[id] = n }
      }
      return
    }
    // Without peer ids, match the kernel's peers by address.
    guard let peers = try? PeerListing.list(link, codec, ctx).peers else { return }
    for p in peers {
      if let n = file.commonName(of: p) { names[p.id] = n }
    }
  }
}
