import CMnl
import DCONetlink
import Glibc

/// A connection to the socket keeper of one interface: the small process
/// that holds the transport sockets of the peers ovpnctl added, so the
/// peers outlive the command and later commands can share a UDP port.
///
/// The keeper listens on the abstract unix socket `@ovpnctl/keeper/IFINDEX`
/// (abstract names belong to the network namespace, as ifindexes do) and
/// speaks one request per SOCK_SEQPACKET message:
///
///     GET udp ENDPOINT           -> "FD" with the socket attached, or "NONE"
///     ADOPT udp ENDPOINT ID      (socket attached) -> "OK"
///     ADD udp ENDPOINT ID        -> "OK" | "ERR …"
///     ADOPT tcp - ID             (socket attached) -> "OK"
///     LIST                       -> "IDS id id …"
final class KeeperClient {
  let fd: Int32

  private init(fd: Int32) { self.fd = fd }
  deinit { close(fd) }

  static func address(ifindex: Int32) -> sockaddr_un {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let name = Array("ovpnctl/keeper/\(ifindex)".utf8)
    withUnsafeMutableBytes(of: &addr.sun_path) { path in
      path[0] = 0  // abstract namespace
      for (i, b) in name.enumerated() { path[i + 1] = b }
    }
    return addr
  }

  static func addressLength(ifindex: Int32) -> socklen_t {
    socklen_t(MemoryLayout<sa_family_t>.size + 1 + "ovpnctl/keeper/\(ifindex)".utf8.count)
  }

  /// Connects to the interface's keeper; nil when there is none.
  static func connect(ifindex: Int32) -> KeeperClient? {
    let fd = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return nil }
    var addr = address(ifindex: ifindex)
    let rc = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, addressLength(ifindex: ifindex))
      }
    }
    if rc != 0 {
      close(fd)
      return nil
    }
    return KeeperClient(fd: fd)
  }

  /// Connects to the keeper, starting one if the interface has none yet.
  static func connectOrSpawn(ifindex: Int32) throws(CommandError) -> KeeperClient {
    for _ in 0..<3 {
      if let c = connect(ifindex: ifindex) { return c }
      let listener = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
      guard listener >= 0 else { throw .failure("socket(AF_UNIX): \(errnoDescription(cmnl_errno()))") }
      var addr = address(ifindex: ifindex)
      let rc = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(listener, $0, addressLength(ifindex: ifindex))
        }
      }
      if rc != 0 {
        let e = cmnl_errno()
        close(listener)
        if e == EADDRINUSE { continue }  // another command just started one
        throw .failure("binding the keeper socket: \(errnoDescription(e))")
      }
      guard listen(listener, 16) == 0 else {
        let e = cmnl_errno()
        close(listener)
        throw .failure("listen: \(errnoDescription(e))")
      }
      Terminal.flush()
      let pid = fork()
      if pid < 0 {
        let e = cmnl_errno()
        close(listener)
        throw .failure("fork: \(errnoDescription(e))")
      }
      if pid == 0 {
        Keeper.run(listener: listener, ifindex: ifindex)
      }
      close(listener)
    }
    guard let c = connect(ifindex: ifindex) else {
      throw .failure("cannot reach the socket keeper of interface \(ifindex)")
    }
    return c
  }

  /// Sends a request (optionally with a descriptor) and waits for the answer.
  func request(_ text: String, passing descriptor: Int32 = -1) throws(CommandError) -> (String, Int32) {
    let bytes = Array(text.utf8)
    let sent = bytes.withUnsafeBytes { cmnl_send_fd(fd, descriptor, $0.baseAddress, $0.count) }
    guard sent == bytes.count else {
      throw .failure("talking to the socket keeper: \(errnoDescription(cmnl_errno()))")
    }
    var buffer = [UInt8](repeating: 0, count: 4096)
    var received: Int32 = -1
    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&pfd, 1, 10_000) == 1 else { throw .failure("the socket keeper did not answer") }
    let n = buffer.withUnsafeMutableBytes { cmnl_recv_fd(fd, &received, $0.baseAddress, $0.count) }
    guard n > 0 else { throw .failure("the socket keeper closed the connection") }
    return (String(decoding: buffer[0..<n], as: UTF8.self), received)
  }

  /// The peer ids the keeper of `ifindex` holds sockets for, or nil if none runs.
  static func peerIDs(ifindex: Int32) -> [UInt32]? {
    guard let c = connect(ifindex: ifindex),
      let (reply, _) = try? c.request("LIST"), reply.hasPrefix("IDS")
    else { return nil }
    return reply.split(separator: " ").dropFirst().compactMap { UInt32($0) }
  }
}
