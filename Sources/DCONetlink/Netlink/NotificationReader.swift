import CMnl

/// Reads multicast datagrams: unsolicited messages carry sequence 0 and
/// port id 0; anything else on a monitoring socket is not a notification.
package enum NotificationReader {
  package static func forEach(
    _ datagram: UnsafeRawBufferPointer, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) {
    try forEachMessage(in: datagram) { (msg) throws(NetlinkError) in
      guard msg.sequence == 0, msg.portID == 0 else { return }
      guard Int32(msg.type) >= NLMSG_MIN_TYPE else { return }
      try body(msg)
    }
  }
}
