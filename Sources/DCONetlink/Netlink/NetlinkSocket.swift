import CMnl

/// A netlink socket owned by this value: opened with extended ACKs on,
/// bound to an automatic port id, closed exactly once on release.
package final class NetlinkSocket: NetlinkChannel {
  private let handle: OpaquePointer
  package let portID: UInt32
  package var fileDescriptor: Int32 { mnl_socket_get_fd(handle) }

  /// - Parameter bus: NETLINK_GENERIC or NETLINK_ROUTE.
  package init(bus: Int32) throws(NetlinkError) {
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

  package func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError) {
    while true {
      let n = mnl_socket_sendto(handle, message.baseAddress, message.count)
      if n >= 0 { return }
      let e = cmnl_errno()
      if e != EINTR { throw .system(operation: "sendto", errno: e) }
    }
  }

  /// libmnl rejects datagrams not sent by the kernel (ESRCH) and truncated
  /// ones (ENOSPC); both surface as errors.
  package func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
    while true {
      let n = mnl_socket_recvfrom(handle, buffer.baseAddress, buffer.count)
      if n >= 0 { return n }
      let e = cmnl_errno()
      if e == EINTR { continue }
      if e == ESRCH { throw .malformed("datagram from a sender other than the kernel") }
      throw .system(operation: "recvfrom", errno: e)
    }
  }

  /// Up to `max` (at most 64) datagrams with one recvmmsg(2), blocking only
  /// for the first; the same checks as `receive`.
  package func receive(many max: Int, into buffer: UnsafeMutableRawBufferPointer, slot: Int)
    throws(NetlinkError) -> [Int]
  {
    let count = Swift.min(max, 64, buffer.count / slot)
    precondition(count >= 1)
    var lengths = [Int](repeating: 0, count: count)
    while true {
      let n = lengths.withUnsafeMutableBufferPointer {
        cmnl_netlink_recv_many(fileDescriptor, buffer.baseAddress, slot, UInt32(count), $0.baseAddress)
      }
      if n > 0 { return Array(lengths[0..<Int(n)]) }
      let e = cmnl_errno()
      if n < 0 && e == EINTR { continue }
      if n < 0 && e == ESRCH { throw .malformed("datagram from a sender other than the kernel") }
      if n < 0 && e == ENOSPC { throw .malformed("datagram larger than \(slot) bytes truncated") }
      throw .system(operation: "recvmmsg", errno: n < 0 ? e : EIO)
    }
  }

  /// Receives one datagram if one is queued; nil when none is. Like
  /// `receive`, it accepts only the kernel as sender and refuses truncation.
  /// ENOBUFS (notifications lost) surfaces as `.system(errno: ENOBUFS)`.
  package func receiveNow(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int? {
    var from = sockaddr_nl()
    var length = socklen_t(MemoryLayout<sockaddr_nl>.size)
    while true {
      let n = withUnsafeMutablePointer(to: &from) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          recvfrom(fileDescriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT | MSG_TRUNC), $0, &length)
        }
      }
      if n < 0 {
        let e = cmnl_errno()
        if e == EINTR { continue }
        if e == EAGAIN || e == EWOULDBLOCK { return nil }
        throw .system(operation: "recvfrom", errno: e)
      }
      guard length == socklen_t(MemoryLayout<sockaddr_nl>.size), from.nl_pid == 0 else {
        throw .malformed("datagram from a sender other than the kernel")
      }
      guard n <= buffer.count else { throw .malformed("datagram of \(n) bytes truncated to \(buffer.count)") }
      return n
    }
  }

  /// Subscribes to a multicast group by its id.
  package func join(group: UInt32) throws(NetlinkError) {
    var g = group
    guard mnl_socket_setsockopt(handle, NETLINK_ADD_MEMBERSHIP, &g, socklen_t(4)) == 0 else {
      throw .system(operation: "setsockopt(NETLINK_ADD_MEMBERSHIP)", errno: cmnl_errno())
    }
  }

  /// Asks for a larger receive buffer (SO_RCVBUFFORCE when privileged).
  package func setReceiveBuffer(bytes: Int32) {
    var size = bytes
    let fd = fileDescriptor
    if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, 4) != 0 {
      _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, 4)
    }
  }
}
