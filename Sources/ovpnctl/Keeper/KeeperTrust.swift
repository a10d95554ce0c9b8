import CMnl
import DCONetlink
import Glibc

/// Who is on the other end of a keeper connection, checked both ways with
/// SO_PEERCRED: the keeper serves root and holders of CAP_NET_ADMIN in its
/// own user and network namespace; a client hands sockets only to a root
/// process running this very program.
enum KeeperTrust {
  struct Credentials: Equatable {
    let pid: Int32
    let uid: UInt32
  }

  static func credentials(_ fd: Int32) -> Credentials? {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
    guard cmnl_peer_credentials(fd, &pid, &uid, &gid) == 0 else { return nil }
    return Credentials(pid: pid, uid: uid)
  }

  static let capNetAdmin: UInt64 = 1 << 12

  /// The keeper's check of a client that just connected.
  static func clientAllowed(_ c: Credentials) -> Bool {
    if c.uid == 0 { return true }
    guard sameNamespace("user", c.pid), sameNamespace("net", c.pid),
      let caps = effectiveCapabilities(c.pid)
    else { return false }
    return caps & capNetAdmin != 0
  }

  /// A client's check of the process listening at a keeper's address.
  static func verifyKeeper(_ c: Credentials, at path: String) throws(CommandError) {
    let exe = executable(c.pid)
    let who = "process \(c.pid) (uid \(c.uid)\(exe.map { ", \($0)" } ?? ""))"
    guard c.uid == 0 else {
      throw .failure("the socket keeper address \(path) is held by \(who), not by root; refusing to hand it a socket")
    }
    if let exe, let mine = executable(getpid()), !sameProgram(c.pid, exe, mine) {
      throw .failure(
        "the socket keeper address \(path) is held by \(who), which is not ovpnctl; refusing to hand it a socket")
    }
  }

  /// Same binary, or the same path (a keeper started before an upgrade runs
  /// the replaced file, which /proc shows as "PATH (deleted)").
  static func sameProgram(_ pid: Int32, _ exe: String, _ mine: String) -> Bool {
    var a = stat()
    var b = stat()
    if stat("/proc/\(pid)/exe", &a) == 0, stat("/proc/self/exe", &b) == 0,
      a.st_dev == b.st_dev, a.st_ino == b.st_ino
    {
      return true
    }
    func plain(_ s: String) -> Substring {
      s.hasSuffix(" (deleted)") ? s.dropLast(10) : Substring(s)
    }
    return plain(exe) == plain(mine)
  }

  static func executable(_ pid: Int32) -> String? {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/\(pid)/exe", &buf, buf.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func sameNamespace(_ kind: String, _ pid: Int32) -> Bool {
    var theirs = stat()
    var mine = stat()
    guard stat("/proc/\(pid)/ns/\(kind)", &theirs) == 0, stat("/proc/self/ns/\(kind)", &mine) == 0 else {
      return false
    }
    return theirs.st_ino == mine.st_ino && theirs.st_dev == mine.st_dev
  }

  /// CapEff from /proc/PID/status.
  static func effectiveCapabilities(_ pid: Int32) -> UInt64? {
    let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: 8192)
    let n = read(fd, &buf, buf.count)
    guard n > 0 else { return nil }
    return capEff(inStatus: buf[0..<n])
  }

  /// Parses the `CapEff:` line of a /proc status file.
  static func capEff(inStatus text: ArraySlice<UInt8>) -> UInt64? {
    for line in text.split(separator: UInt8(ascii: "\n")) {
      let s = String(decoding: line, as: UTF8.self)
      guard s.hasPrefix("CapEff:") else { continue }
      return UInt64(s.dropFirst(7).trimmingWhitespace(), radix: 16)
    }
    return nil
  }
}

extension Substring {
  func trimmingWhitespace() -> Substring {
    var s = self
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
    return s
  }
}
