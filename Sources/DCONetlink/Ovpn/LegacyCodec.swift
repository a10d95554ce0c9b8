import CMnl

/// The out-of-tree `ovpn-dco-v2` API (OpenVPN 2.6): one container attribute
/// per command, each with its own numbering.
package struct LegacyCodec: OvpnCodec {
  package let family: GenlFamily
  package var kind: OvpnKind { .ovpnDCO }

  package init(family: GenlFamily) { self.family = family }

  package func newPeer(ifindex: UInt32, _ c: PeerConfig) throws(NetlinkError) -> NetlinkMessage {
    if c.txID != nil {
      throw .unsupported("tx-id needs the upstream ovpn API; ovpn-dco-v2 has no transmit id")
    }
    return try request(Command.newPeer, ifindex: ifindex, nest: Container.newPeer) { (m) throws(NetlinkError) in
      try m.put(NewPeer.peerID, c.id)
      if let remote = c.remote {
        try m.put(NewPeer.sockaddrRemote, bytes: Self.sockaddr(remote))
      }
      if let fd = c.socket { try m.put(NewPeer.socket, UInt32(bitPattern: fd)) }
      if let v4 = c.vpnIPv4 { try m.put(NewPeer.ipv4, bytes: v4.bytes) }
      if let v6 = c.vpnIPv6 { try m.put(NewPeer.ipv6, bytes: v6.bytes) }
      if let local = c.localAddress { try m.put(NewPeer.localIP, bytes: local.bytes) }
    }
  }

  /// The legacy SET_PEER knows only keepalive; it needs both values.
  /// Anything else in `c` is refused, never dropped.
  package func setPeer(ifindex: UInt32, _ c: PeerConfig) throws(NetlinkError) -> NetlinkMessage {
    var keepaliveOnly = PeerConfig(id: c.id)
    keepaliveOnly.keepaliveInterval = c.keepaliveInterval
    keepaliveOnly.keepaliveTimeout = c.keepaliveTimeout
    guard c == keepaliveOnly else {
      throw .unsupported("the ovpn-dco-v2 API can change only keepalive of an existing peer")
    }
    return try request(Command.setPeer, ifindex: ifindex, nest: Container.setPeer) { (m) throws(NetlinkError) in
      try m.put(SetPeer.peerID, c.id)
      if let i = c.keepaliveInterval, let t = c.keepaliveTimeout {
        try m.put(SetPeer.interval, i)
        try m.put(SetPeer.timeout, t)
      }
    }
  }

  package func deletePeer(ifindex: UInt32, id: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.delPeer, ifindex: ifindex, nest: Container.delPeer) { (m) throws(NetlinkError) in
      try m.put(DelPeer.peerID, id)
    }
  }

  package func getPeer(ifindex: UInt32, id: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.getPeer, ifindex: ifindex, nest: Container.getPeer) { (m) throws(NetlinkError) in
      try m.put(1, id)
    }
  }

  package func dumpPeers(ifindex: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.getPeer, ifindex: ifindex, dump: true)
  }

  package func decodePeer(_ msg: ReceivedMessage) throws(NetlinkError) -> Peer? {
    try decodeReply(msg, command: Command.getPeer, container: Container.getPeer) { (top) throws(NetlinkError) in
      var p = Peer(id: 0)
      var haveID = false
      var remote: (IPAddress, UInt16, UInt32)?
      try top.nested.forEach { (a) throws(NetlinkError) in
        typealias R = GetPeerReply
        switch a.type {
        case R.peerID:
          p.id = try a.u32()
          haveID = true
        case R.sockaddrRemote: remote = try Self.decodeSockaddr(a)
        case R.ipv4: p.vpnIPv4 = IPAddress(bytes: try a.bytes(count: 4))
        case R.ipv6: p.vpnIPv6 = IPAddress(bytes: try a.bytes(count: 16))
        case R.localIP:
          guard let ip = IPAddress(bytes: a.bytes()) else {
            throw .malformed("local IP of \(a.length) bytes")
          }
          p.localAddress = ip
        case R.localPort: p.localPort = try a.be16()
        case R.interval: p.keepaliveInterval = try a.u32()
        case R.timeout: p.keepaliveTimeout = try a.u32()
        case R.vpnRxBytes...R.linkTxPackets: try p.stats.set(a, first: R.vpnRxBytes)
        default: p.unknownAttributes.append(UnknownAttribute(type: a.type, length: a.length))
        }
      }
      guard haveID else { throw .malformed("peer without PEER_ID") }
      if let (addr, port, scope) = remote {
        p.remote = Endpoint(address: addr, port: port, scopeID: scope)
      }
      return p
    }
  }

  package func newKey(ifindex: UInt32, _ k: KeyConfig) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.newKey, ifindex: ifindex, nest: Container.newKey) { (m) throws(NetlinkError) in
      try m.put(NewKey.peerID, k.peerID)
      try m.put(NewKey.slot, k.slot.rawValue)
      try m.put(NewKey.keyID, k.keyID)
      try m.put(NewKey.cipher, UInt16(k.cipher.algorithm))
      try putKeyDirection(m, NewKey.encrypt, k.encrypt, k.cipher)
      try putKeyDirection(m, NewKey.decrypt, k.decrypt, k.cipher)
    }
  }

  package func swapKeys(ifindex: UInt32, peerID: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.swapKeys, ifindex: ifindex, nest: Container.swapKeys) { (m) throws(NetlinkError) in
      try m.put(1, peerID)
    }
  }

  package func deleteKey(ifindex: UInt32, peerID: UInt32, slot: KeySlot) throws(NetlinkError)
    -> NetlinkMessage
  {
    try request(Command.delKey, ifindex: ifindex, nest: Container.delKey) { (m) throws(NetlinkError) in
      try m.put(1, peerID)
      try m.put(2, slot.rawValue)
    }
  }

  /// The legacy module has no KEY_GET; callers check `canReadKeys` first.
  package func getKey(ifindex: UInt32, peerID: UInt32, slot: KeySlot) throws(NetlinkError)
    -> NetlinkMessage
  {
    throw .kernel(errno: EOPNOTSUPP, extack: ExtAck())
  }

  package func decodeKey(_ msg: ReceivedMessage) throws(NetlinkError) -> KeyInfo? { nil }

  package func decodeEvent(_ msg: ReceivedMessage) throws(NetlinkError) -> OvpnEvent? {
    guard msg.type == family.id, try msg.genlCommand() == Command.delPeer else { return nil }
    var ifindex: UInt32?
    var id: UInt32?
    var reason: DeleteReason?
    try msg.genlAttributes().forEach { (a) throws(NetlinkError) in
      switch a.type {
      case 1: ifindex = try a.u32()
      case Container.delPeer:
        try a.nested.forEach { (n) throws(NetlinkError) in
          switch n.type {
          case DelPeer.reason: reason = DeleteReason(rawValue: UInt32(try n.u8()))
          case DelPeer.peerID: id = try n.u32()
          default: break
          }
        }
      default: break
      }
    }
    guard let ifindex, let id else { throw .malformed("peer notification without ifindex or id") }
    return .peerDeleted(ifindex: ifindex, peerID: id, reason: reason)
  }

  /// `struct sockaddr_in` / `sockaddr_in6` in host layout, port in network order.
  static func sockaddr(_ e: Endpoint) -> [UInt8] {
    let a = e.address.unmapped
    var out: [UInt8]
    let family = UInt16(a.isV4 ? AF_INET : AF_INET6)
    out = withUnsafeBytes(of: family) { Array($0) }
    out += withUnsafeBytes(of: e.port.bigEndian) { Array($0) }
    if a.isV4 {
      out += a.bytes + [UInt8](repeating: 0, count: 8)
    } else {
      out += [0, 0, 0, 0] + a.bytes + withUnsafeBytes(of: e.scopeID) { Array($0) }
    }
    return out
  }

  static func decodeSockaddr(_ a: Attribute) throws(NetlinkError) -> (IPAddress, UInt16, UInt32) {
    guard a.length == 16 || a.length == 28 else { throw .malformed("sockaddr of \(a.length) bytes") }
    let family = Int32(a.payload.loadUnaligned(as: UInt16.self))
    let port = UInt16(bigEndian: a.payload.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
    switch (family, a.length) {
    case (AF_INET, 16):
      return (IPAddress(bytes: Array(a.payload[4..<8]))!, port, 0)
    case (AF_INET6, 28):
      let scope = a.payload.loadUnaligned(fromByteOffset: 24, as: UInt32.self)
      return (IPAddress(bytes: Array(a.payload[8..<24]))!, port, scope)
    default:
      throw .malformed("sockaddr of family \(family) and \(a.length) bytes")
    }
  }
}
