import CMnl

/// rtnetlink requests and replies for links.
package enum LinkMessages {
  static let ovpnModeAttribute: UInt16 = 1  // IFLA_OVPN_MODE

  private static func header(index: UInt32 = 0) -> ifinfomsg {
    var h = ifinfomsg()
    h.ifi_family = UInt8(AF_UNSPEC)
    h.ifi_index = Int32(bitPattern: index)
    return h
  }

  /// RTM_NEWLINK creating an ovpn interface; fails if the name exists.
  package static func newLink(name: String, kind: OvpnKind, mode: OvpnMode?, mtu: UInt32?)
    throws(NetlinkError) -> NetlinkMessage
  {
    let m = NetlinkMessage(
      type: UInt16(RTM_NEWLINK),
      flags: UInt16(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL))
    m.putExtraHeader(header())
    try m.put(UInt16(IFLA_IFNAME), string: name)
    if let mtu { try m.put(UInt16(IFLA_MTU), mtu) }
    try m.nest(UInt16(IFLA_LINKINFO)) { () throws(NetlinkError) in
      try m.put(UInt16(IFLA_INFO_KIND), string: kind.rawValue)
      if let mode {
        try m.nest(UInt16(IFLA_INFO_DATA)) { () throws(NetlinkError) in
          try m.put(ovpnModeAttribute, mode.rawValue)
        }
      }
    }
    return m
  }

  package static func deleteLink(index: UInt32) -> NetlinkMessage {
    let m = NetlinkMessage(type: UInt16(RTM_DELLINK), flags: UInt16(NLM_F_REQUEST | NLM_F_ACK))
    m.putExtraHeader(header(index: index))
    return m
  }

  /// RTM_GETLINK for every interface (dump).
  package static func dumpLinks() -> NetlinkMessage {
    let m = NetlinkMessage(type: UInt16(RTM_GETLINK), flags: UInt16(NLM_F_REQUEST | NLM_F_DUMP))
    m.putExtraHeader(header())
    return m
  }

  /// RTM_GETLINK for one interface by name.
  package static func getLink(name: String) throws(NetlinkError) -> NetlinkMessage {
    let m = NetlinkMessage(type: UInt16(RTM_GETLINK), flags: UInt16(NLM_F_REQUEST | NLM_F_ACK))
    m.putExtraHeader(header())
    try m.put(UInt16(IFLA_IFNAME), string: name)
    return m
  }

  /// RTM_GETLINK for one interface by index.
  package static func getLink(index: UInt32) -> NetlinkMessage {
    let m = NetlinkMessage(type: UInt16(RTM_GETLINK), flags: UInt16(NLM_F_REQUEST | NLM_F_ACK))
    m.putExtraHeader(header(index: index))
    return m
  }

  /// Decodes an RTM_NEWLINK message; other types yield nil.
  package static func decodeLink(_ msg: ReceivedMessage) throws(NetlinkError) -> Link? {
    guard msg.type == UInt16(RTM_NEWLINK) else { return nil }
    let info = try msg.header(as: ifinfomsg.self)
    var link = Link(name: "", index: UInt32(bitPattern: info.ifi_index), flags: info.ifi_flags)
    // Other drivers number their IFLA_INFO_DATA differently (a bridge's
    // attribute 1 is a u32): keep the raw mode and decide once the kind is known.
    var modeBytes: [UInt8]?
    try msg.attributes(after: MemoryLayout<ifinfomsg>.size).forEach { (a) throws(NetlinkError) in
      switch Int(a.type) {
      case Int(IFLA_IFNAME): link.name = try a.string()
      case Int(IFLA_MTU): link.mtu = try a.u32()
      case Int(IFLA_OPERSTATE): link.operState = try a.u8()
      case Int(IFLA_STATS64): link.stats = try decodeStats64(a)
      case Int(IFLA_LINKINFO):
        try a.nested.forEach { (i) throws(NetlinkError) in
          switch Int(i.type) {
          case Int(IFLA_INFO_KIND): link.kind = try i.string()
          case Int(IFLA_INFO_DATA):
            try i.nested.forEach { (d) throws(NetlinkError) in
              if d.type == ovpnModeAttribute { modeBytes = d.bytes() }
            }
          default: break
          }
        }
      default: break
      }
    }
    if link.ovpnKind != nil, let modeBytes {
      guard modeBytes.count == 1 else { throw .malformed("IFLA_OVPN_MODE of \(modeBytes.count) bytes") }
      link.mode = OvpnMode(rawValue: modeBytes[0])
    }
    return link
  }

  /// The interface an RTM_DELLINK message reports gone; nil for others.
  package static func deletedIndex(_ msg: ReceivedMessage) throws(NetlinkError) -> UInt32? {
    guard msg.type == UInt16(RTM_DELLINK) else { return nil }
    return UInt32(bitPattern: try msg.header(as: ifinfomsg.self).ifi_index)
  }

  /// struct rtnl_link_stats64: whole u64 fields only, at least the eight
  /// basic ones; fields past those this build knows are ignored.
  static func decodeStats64(_ a: Attribute) throws(NetlinkError) -> LinkStats {
    guard a.length >= 8 * 8, a.length % 8 == 0 else {
      throw .malformed("IFLA_STATS64 of \(a.length) bytes")
    }
    let count = min(a.length / 8, LinkStats.Field.allCases.count)
    var values: [UInt64] = []
    values.reserveCapacity(count)
    for i in 0..<count { values.append(a.payload.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
    return try LinkStats(values: values)
  }
}
