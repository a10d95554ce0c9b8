import CMnl

/// A message taken from a reply datagram; valid while that datagram lives.
package struct ReceivedMessage {
  package let type: UInt16
  package let flags: UInt16
  package let sequence: UInt32
  package let portID: UInt32
  /// Everything after the nlmsghdr.
  package let payload: UnsafeRawBufferPointer

  /// The generic netlink command of this message.
  package func genlCommand() throws(NetlinkError) -> UInt8 {
    guard payload.count >= MemoryLayout<genlmsghdr>.size else {
      throw .malformed("generic netlink message without its header")
    }
    return payload[0]
  }

  /// The attributes after the genlmsghdr.
  package func genlAttributes() throws(NetlinkError) -> AttributeList {
    try attributes(after: MemoryLayout<genlmsghdr>.size)
  }

  /// The attributes after a fixed header of `size` bytes (aligned to 4).
  package func attributes(after size: Int) throws(NetlinkError) -> AttributeList {
    let start = (size + 3) & ~3
    guard payload.count >= start else {
      throw .malformed("message of \(payload.count) bytes shorter than its \(size)-byte header")
    }
    return AttributeList(UnsafeRawBufferPointer(rebasing: payload[start...]))
  }

  /// Loads a fixed header (ifinfomsg, …) from the start of the payload.
  package func header<T>(as: T.Type) throws(NetlinkError) -> T {
    guard payload.count >= MemoryLayout<T>.size else {
      throw .malformed("message shorter than its \(MemoryLayout<T>.size)-byte header")
    }
    return payload.loadUnaligned(as: T.self)
  }
}

/// Splits a datagram into netlink messages; a length that does not fit is an error.
func forEachMessage(
  in datagram: UnsafeRawBufferPointer, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
) throws(NetlinkError) {
  guard let base = datagram.baseAddress else { return }
  var offset = 0
  let headerSize = MemoryLayout<nlmsghdr>.size
  while offset < datagram.count {
    let remaining = datagram.count - offset
    let nlh = (base + offset).assumingMemoryBound(to: nlmsghdr.self)
    // libmnl compares nlmsg_len as a signed int; the unsigned bounds are
    // checked here too, so a length with the top bit set cannot pass.
    guard remaining >= headerSize, mnl_nlmsg_ok(nlh, Int32(remaining)),
      Int(nlh.pointee.nlmsg_len) >= headerSize, Int(nlh.pointee.nlmsg_len) <= remaining
    else {
      throw .malformed("truncated netlink message at offset \(offset)")
    }
    let length = Int(nlh.pointee.nlmsg_len)
    let payload = UnsafeRawBufferPointer(start: base + offset + headerSize, count: length - headerSize)
    try body(
      ReceivedMessage(
        type: nlh.pointee.nlmsg_type, flags: nlh.pointee.nlmsg_flags,
        sequence: nlh.pointee.nlmsg_seq, portID: nlh.pointee.nlmsg_pid, payload: payload))
    offset += (length + 3) & ~3
  }
}
