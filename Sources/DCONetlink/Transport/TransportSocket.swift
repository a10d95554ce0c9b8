import CMnl
import Glibc

/// Creates the UDP and TCP sockets handed to the kernel as peer transports.
public enum TransportSocket {
  /// Fills a sockaddr for `e` and calls `body` with it.
  public static func withSockaddr<R>(
    _ e: Endpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R
  ) -> R {
    let a = e.address
    if a.isV4 {
      var sin = sockaddr_in()
      sin.sin_family = sa_family_t(AF_INET)
      sin.sin_port = e.port.bigEndian
      withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: a.bytes) }
      return withUnsafePointer(to: &sin) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
    }
    var sin6 = sockaddr_in6()
    sin6.sin6_family = sa_family_t(AF_INET6)
    sin6.sin6_port = e.port.bigEndian
    sin6.sin6_scope_id = e.scopeID
    withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: a.bytes) }
    return withUnsafePointer(to: &sin6) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
      }
    }
  }

  private static func open(_ family: Int32, _ type: Int32) throws(NetlinkError) -> Int32 {
    let fd = socket(family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .system(operation: "socket", errno: cmnl_errno()) }
    return fd
  }

  private static func fail(_ fd: Int32, _ op: String) -> NetlinkError {
    let e = cmnl_errno()
    close(fd)
    return .system(operation: op, errno: e)
  }

  /// SO_MARK (needs CAP_NET_ADMIN); 0 leaves the socket unmarked.
  private static func setMark(_ fd: Int32, _ mark: UInt32) throws(NetlinkError) {
    guard mark != 0 else { return }
    var m = mark
    if setsockopt(fd, SOL_SOCKET, SO_MARK, &m, 4) != 0 { throw fail(fd, "mark \(mark)") }
  }

  private static func bind(_ fd: Int32, _ local: Endpoint) throws(NetlinkError) {
    let rc = withSockaddr(local) { Glibc.bind(fd, $0, $1) }
    if rc != 0 { throw fail(fd, "bind \(local)") }
  }

  /// A UDP socket bound to `local`, with SO_MARK `mark` unless 0. An IPv6
  /// wildcard socket also serves IPv4.
  public static func udp(local: Endpoint, mark: UInt32 = 0) throws(NetlinkError) -> Int32 {
    let fd = try open(local.address.family, Int32(SOCK_DGRAM.rawValue))
    if local.address.isV6 {
      var off: Int32 = 0
      _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, 4)
    }
    try setMark(fd, mark)
    try bind(fd, local)
    return fd
  }

  /// A TCP connection to `remote`, optionally from `local`.
  public static func tcpConnect(remote: Endpoint, local: Endpoint?, mark: UInt32 = 0)
    throws(NetlinkError) -> Int32
  {
    let fd = try open(remote.address.family, Int32(SOCK_STREAM.rawValue))
    try setMark(fd, mark)
    if let local { try bind(fd, local) }
    let rc = withSockaddr(remote) { connect(fd, $0, $1) }
    if rc != 0 { throw fail(fd, "connect \(remote)") }
    return fd
  }

  /// Listens on `local` and accepts exactly one connection.
  public static func tcpAcceptOne(local: Endpoint, mark: UInt32 = 0) throws(NetlinkError)
    -> (Int32, Endpoint?)
  {
    let fd = try open(local.address.family, Int32(SOCK_STREAM.rawValue))
    defer { close(fd) }
    if mark != 0 {
      var m = mark
      guard setsockopt(fd, SOL_SOCKET, SO_MARK, &m, 4) == 0 else {
        throw .system(operation: "mark \(mark)", errno: cmnl_errno())
      }
    }
    var on: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, 4)
    if local.address.isV6 {
      var off: Int32 = 0
      _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &off, 4)
    }
    let b = withSockaddr(local) { Glibc.bind(fd, $0, $1) }
    guard b == 0 else { throw .system(operation: "bind \(local)", errno: cmnl_errno()) }
    guard listen(fd, 1) == 0 else { throw .system(operation: "listen", errno: cmnl_errno()) }
    var storage = sockaddr_storage()
    var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
    while true {
      let c = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          accept(fd, $0, &len)
        }
      }
      if c >= 0 {
        _ = fcntl(c, F_SETFD, FD_CLOEXEC)
        if mark != 0 {
          // The accepted socket inherits the listener's mark; set it again
          // so that this never depends on that.
          var m = mark
          _ = setsockopt(c, SOL_SOCKET, SO_MARK, &m, 4)
        }
        return (c, endpoint(storage))
      }
      let e = cmnl_errno()
      if e != EINTR { throw .system(operation: "accept", errno: e) }
    }
  }

  /// The address a socket is bound to.
  public static func localEndpoint(_ fd: Int32) -> Endpoint? {
    var storage = sockaddr_storage()
    var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let rc = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return rc == 0 ? endpoint(storage) : nil
  }

  static func endpoint(_ s: sockaddr_storage) -> Endpoint? {
    var s = s
    switch Int32(s.ss_family) {
    case AF_INET:
      return withUnsafeBytes(of: &s) { raw in
        let sin = raw.loadUnaligned(as: sockaddr_in.self)
        let bytes = withUnsafeBytes(of: sin.sin_addr) { Array($0) }
        return Endpoint(address: IPAddress(bytes: bytes)!, port: UInt16(bigEndian: sin.sin_port))
      }
    case AF_INET6:
      return withUnsafeBytes(of: &s) { raw in
        let sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
        let bytes = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
        return Endpoint(
          address: IPAddress(bytes: bytes)!, port: UInt16(bigEndian: sin6.sin6_port),
          scopeID: sin6.sin6_scope_id)
      }
    default:
      return nil
    }
  }
}
