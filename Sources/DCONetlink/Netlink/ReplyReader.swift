import CMnl

/// Follows the replies to one request across as many datagrams as it takes:
/// checks sequence and port id, turns NLMSG_ERROR into errors (with extack),
/// notices NLM_F_DUMP_INTR, and stops at the ACK or NLMSG_DONE.
package struct ReplyReader {
  package let sequence: UInt32
  package let portID: UInt32
  private var interrupted = false
  package private(set) var finished = false

  package init(sequence: UInt32, portID: UInt32) {
    self.sequence = sequence
    self.portID = portID
  }

  /// Feeds one datagram; calls `onData` for each data message. Returns true
  /// once the reply is complete.
  package mutating func consume(
    _ datagram: UnsafeRawBufferPointer, onData: (ReceivedMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) -> Bool {
    let seq = sequence
    let pid = portID
    var done = false
    var interrupted = self.interrupted
    defer { self.interrupted = interrupted }
    try forEachMessage(in: datagram) { (msg) throws(NetlinkError) in
      guard !done else { throw .malformed("data after the end of a reply") }
      guard msg.sequence == seq else {
        throw .malformed("reply carries sequence \(msg.sequence), expected \(seq)")
      }
      guard msg.portID == pid || msg.portID == 0 else {
        throw .malformed("reply addressed to port \(msg.portID), expected \(pid)")
      }
      if msg.flags & UInt16(NLM_F_DUMP_INTR) != 0 { interrupted = true }
      switch Int32(msg.type) {
      case NLMSG_NOOP:
        return
      case NLMSG_OVERRUN:
        throw .malformed("netlink overrun")
      case NLMSG_ERROR:
        let code = try Self.errorCode(msg)
        if code != 0 { throw .kernel(errno: code, extack: try Self.extack(msg)) }
        done = true
      case NLMSG_DONE:
        if msg.payload.count >= 4 {
          let code = try Self.errno(msg.payload.loadUnaligned(as: Int32.self))
          if code > 0 { throw .kernel(errno: code, extack: try Self.extack(doneMessage: msg)) }
        }
        done = true
      default:
        try onData(msg)
      }
    }
    if done {
      finished = true
      if interrupted { throw .dumpInterrupted }
    }
    return done
  }

  /// The positive errno of an NLMSG_ERROR (0 for an ACK).
  static func errorCode(_ msg: ReceivedMessage) throws(NetlinkError) -> Int32 {
    guard msg.payload.count >= MemoryLayout<Int32>.size + MemoryLayout<nlmsghdr>.size else {
      throw .malformed("short NLMSG_ERROR")
    }
    return try errno(msg.payload.loadUnaligned(as: Int32.self))
  }

  /// The kernel sends 0 or a negative errno (-1 … -4095); anything else lies.
  static func errno(_ raw: Int32) throws(NetlinkError) -> Int32 {
    guard raw <= 0, raw >= -4095 else { throw .malformed("error code \(raw) out of range") }
    return -raw
  }

  /// Extack TLVs of an NLMSG_ERROR: after `struct nlmsgerr`, plus the echoed
  /// request unless the kernel capped it.
  static func extack(_ msg: ReceivedMessage) throws(NetlinkError) -> ExtAck {
    guard msg.flags & UInt16(NLM_F_ACK_TLVS) != 0 else { return ExtAck() }
    var start = MemoryLayout<Int32>.size + MemoryLayout<nlmsghdr>.size
    if msg.flags & UInt16(NLM_F_CAPPED) == 0 {
      let echoed = Int(msg.payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
      guard echoed >= MemoryLayout<nlmsghdr>.size else { throw .malformed("bad echoed request") }
      start = MemoryLayout<Int32>.size + ((echoed + 3) & ~3)
    }
    guard start <= msg.payload.count else { throw .malformed("extack beyond message end") }
    return try parseExtAck(AttributeList(UnsafeRawBufferPointer(rebasing: msg.payload[start...])))
  }

  static func extack(doneMessage msg: ReceivedMessage) throws(NetlinkError) -> ExtAck {
    guard msg.flags & UInt16(NLM_F_ACK_TLVS) != 0, msg.payload.count > 4 else { return ExtAck() }
    return try parseExtAck(AttributeList(UnsafeRawBufferPointer(rebasing: msg.payload[4...])))
  }

  static func parseExtAck(_ list: AttributeList) throws(NetlinkError) -> ExtAck {
    var ack = ExtAck()
    try list.forEach { (a) throws(NetlinkError) in
      switch Int(a.type) {
      case Int(NLMSGERR_ATTR_MSG.rawValue): ack.message = try a.string()
      case Int(NLMSGERR_ATTR_OFFS.rawValue): ack.offset = try a.u32()
      case Int(NLMSGERR_ATTR_MISS_TYPE.rawValue): ack.missingType = try a.u32()
      default: break
      }
    }
    return ack
  }
}
