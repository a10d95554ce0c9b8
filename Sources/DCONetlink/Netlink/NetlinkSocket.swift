import CMnl

/// A netlink socket owned by this value: opened with extended ACKs on,
/// bound to an automatic port id, closed exactly once on release.
public final class NetlinkSocket: NetlinkTransport {
  private let handle: OpaquePointer
  public let portID: UInt32
  public var fileDescriptor: Int32 { mnl_socket_get_fd(handle) }

  /// - Parameter bus: NETLINK_GENERIC or NETLINK_ROUTE.
  public init(bus: Int32) throws(NetlinkError) {
    guard let nl = mnl_socket_open2(bus, Int32(SOCK_CLOEXEC.rawValue)) else {
      throw .system(operation: "socket", errno: cmnl_errno())
    }
    var on: Int32 = 1
    // Both options are best effort: kernels before 4.12 lack them.
    _ = mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
    _ = mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &on, socklen_t(MemoryLayout<Int32>.size))
    guard mnl_socket_bind(nl, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
      let e = cmnl_errno()
      mnl_socket_close(nl)
      throw .system(operation: "bind", errno: e)
    }
    handle = nl
    portID = mnl_socket_get_portid(nl)
  }

  deinit { mnl_socket_close(handle) }

  public func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError) {
    while true {
      let n = mnl_socket_sendto(handle, message.baseAddress, message.count)
      if n >= 0 { return }
      let e = cmnl_errno()
      if e != EINTR { throw .system(operation: "sendto", errno: e) }
    }
  }

  /// libmnl rejects datagrams not sent by the kernel (ESRCH) and truncated
  /// ones (ENOSPC); both surface as errors.
  public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
    while true {
      let n = mnl_socket_recvfrom(handle, buffer.baseAddress, buffer.count)
      if n >= 0 { return n }
      let e = cmnl_errno()
      if e == EINTR { continue }
      if e == ESRCH { throw .malformed("datagram from a sender other than the kernel") }
      throw .system(operation: "recvfrom", errno: e)
    }
  }

  /// Subscribes to a multicast group by its id.
  public func join(group: UInt32) throws(NetlinkError) {
    var g = group
    guard mnl_socket_setsockopt(handle, NETLINK_ADD_MEMBERSHIP, &g, socklen_t(4)) == 0 else {
      throw .system(operation: "setsockopt(NETLINK_ADD_MEMBERSHIP)", errno: cmnl_errno())
    }
  }

  /// Asks for a larger receive buffer (SO_RCVBUFFORCE when privileged).
  public func setReceiveBuffer(bytes: Int32) {
    var size = bytes
    let fd = fileDescriptor
    if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, 4) != 0 {
      _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, 4)
    }
  }
}
