import CMnl

/// The upstream `ovpn` API (Linux ≥ 6.16): one `peer` nest for all peer
/// operations, one `keyconf` nest for all key operations.
package struct UpstreamCodec: OvpnCodec {
  package let family: GenlFamily
  package var kind: OvpnKind { .ovpn }

  package init(family: GenlFamily) { self.family = family }

  private func putPeerFields(_ m: NetlinkMessage, _ c: PeerConfig) throws(NetlinkError) {
    typealias P = PeerAttr
    try m.put(P.id, c.id)
    if let tx = c.txID { try m.put(P.txID, tx) }
    if let remote = c.remote {
      let a = remote.address.unmapped
      if a.isV4 {
        try m.put(P.remoteIPv4, bytes: a.bytes)
      } else {
        try m.put(P.remoteIPv6, bytes: a.bytes)
        if remote.scopeID != 0 { try m.put(P.remoteScopeID, remote.scopeID) }
      }
      try m.put(P.remotePort, bigEndian: remote.port)
    }
    if let fd = c.socket { try m.put(P.socket, UInt32(bitPattern: fd)) }
    if let v4 = c.vpnIPv4 { try m.put(P.vpnIPv4, bytes: v4.bytes) }
    if let v6 = c.vpnIPv6 { try m.put(P.vpnIPv6, bytes: v6.bytes) }
    if let local = c.localAddress?.unmapped {
      try m.put(local.isV4 ? P.localIPv4 : P.localIPv6, bytes: local.bytes)
    }
    if let i = c.keepaliveInterval { try m.put(P.keepaliveInterval, i) }
    if let t = c.keepaliveTimeout { try m.put(P.keepaliveTimeout, t) }
  }

  package func newPeer(ifindex: UInt32, _ c: PeerConfig) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.peerNew, ifindex: ifindex, nest: Top.peer) { (m) throws(NetlinkError) in
      try putPeerFields(m, c)
    }
  }

  package func setPeer(ifindex: UInt32, _ c: PeerConfig) throws(NetlinkError) -> NetlinkMessage {
    var c = c
    c.socket = nil  // "socket cannot be modified"
    return try request(Command.peerSet, ifindex: ifindex, nest: Top.peer) { (m) throws(NetlinkError) in
      try putPeerFields(m, c)
    }
  }

  package func deletePeer(ifindex: UInt32, id: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.peerDel, ifindex: ifindex, nest: Top.peer) { (m) throws(NetlinkError) in
      try m.put(PeerAttr.id, id)
    }
  }

  package func getPeer(ifindex: UInt32, id: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.peerGet, ifindex: ifindex, nest: Top.peer) { (m) throws(NetlinkError) in
      try m.put(PeerAttr.id, id)
    }
  }

  /// The dump policy accepts IFINDEX only: no (empty) peer nest.
  package func dumpPeers(ifindex: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.peerGet, ifindex: ifindex, dump: true)
  }

  package func decodePeer(_ msg: ReceivedMessage) throws(NetlinkError) -> Peer? {
    try decodeReply(msg, command: Command.peerGet, container: Top.peer, Self.decodePeerNest)
  }

  static func decodePeerNest(_ top: Attribute) throws(NetlinkError) -> Peer {
    typealias P = PeerAttr
    var p = Peer(id: 0)
    var haveID = false
    var remoteAddress: IPAddress?
    var remotePort: UInt16?
    var scope: UInt32 = 0
    try top.nested.forEach { (a) throws(NetlinkError) in
      switch a.type {
      case P.id:
        p.id = try a.u32()
        haveID = true
      case P.txID: p.txID = try a.u32()
      case P.remoteIPv4: remoteAddress = IPAddress(bytes: try a.bytes(count: 4))
      case P.remoteIPv6: remoteAddress = IPAddress(bytes: try a.bytes(count: 16))
      case P.remoteScopeID: scope = try a.u32()
      case P.remotePort: remotePort = try a.be16()
      case P.socketNetnsID: p.socketNetnsID = try a.s32()
      case P.vpnIPv4: p.vpnIPv4 = IPAddress(bytes: try a.bytes(count: 4))
      case P.vpnIPv6: p.vpnIPv6 = IPAddress(bytes: try a.bytes(count: 16))
      case P.localIPv4: p.localAddress = IPAddress(bytes: try a.bytes(count: 4))
      case P.localIPv6: p.localAddress = IPAddress(bytes: try a.bytes(count: 16))
      case P.localPort: p.localPort = try a.be16()
      case P.keepaliveInterval: p.keepaliveInterval = try a.u32()
      case P.keepaliveTimeout: p.keepaliveTimeout = try a.u32()
      case P.vpnRxBytes...P.linkTxPackets: try p.stats.set(a, first: P.vpnRxBytes)
      case P.delReason: break  // notifications only
      default: p.unknownAttributes.append(UnknownAttribute(type: a.type, length: a.length))
      }
    }
    guard haveID else { throw .malformed("peer without ID") }
    if let remoteAddress, let remotePort {
      p.remote = Endpoint(address: remoteAddress, port: remotePort, scopeID: scope)
    }
    return p
  }

  package func newKey(ifindex: UInt32, _ k: KeyConfig) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.keyNew, ifindex: ifindex, nest: Top.keyconf) { (m) throws(NetlinkError) in
      try m.put(KeyAttr.peerID, k.peerID)
      try m.put(KeyAttr.slot, UInt32(k.slot.rawValue))
      try m.put(KeyAttr.keyID, UInt32(k.keyID))
      try m.put(KeyAttr.cipher, k.cipher.algorithm)
      try putKeyDirection(m, KeyAttr.encrypt, k.encrypt, k.cipher)
      try putKeyDirection(m, KeyAttr.decrypt, k.decrypt, k.cipher)
    }
  }

  package func swapKeys(ifindex: UInt32, peerID: UInt32) throws(NetlinkError) -> NetlinkMessage {
    try request(Command.keySwap, ifindex: ifindex, nest: Top.keyconf) { (m) throws(NetlinkError) in
      try m.put(KeyAttr.peerID, peerID)
    }
  }

  package func deleteKey(ifindex: UInt32, peerID: UInt32, slot: KeySlot) throws(NetlinkError)
    -> NetlinkMessage
  {
    try keySlotRequest(Command.keyDel, ifindex, peerID, slot)
  }

  package func getKey(ifindex: UInt32, peerID: UInt32, slot: KeySlot) throws(NetlinkError)
    -> NetlinkMessage
  {
    try keySlotRequest(Command.keyGet, ifindex, peerID, slot)
  }

  /// KEY_DEL and KEY_GET: a keyconf nest naming the peer and the slot.
  private func keySlotRequest(_ command: UInt8, _ ifindex: UInt32, _ peerID: UInt32, _ slot: KeySlot)
    throws(NetlinkError) -> NetlinkMessage
  {
    try request(command, ifindex: ifindex, nest: Top.keyconf) { (m) throws(NetlinkError) in
      try m.put(KeyAttr.peerID, peerID)
      try m.put(KeyAttr.slot, UInt32(slot.rawValue))
    }
  }

  package func decodeKey(_ msg: ReceivedMessage) throws(NetlinkError) -> KeyInfo? {
    try decodeReply(msg, command: Command.keyGet, container: Top.keyconf) { (top) throws(NetlinkError) in
      var peerID: UInt32?
      var slot: UInt32?
      var keyID: UInt32?
      var alg: UInt32?
      try top.nested.forEach { (a) throws(NetlinkError) in
        switch a.type {
        case KeyAttr.peerID: peerID = try a.u32()
        case KeyAttr.slot: slot = try a.u32()
        case KeyAttr.keyID: keyID = try a.u32()
        case KeyAttr.cipher: alg = try a.u32()
        default: break
        }
      }
      guard let peerID, let slot, let s = KeySlot(rawValue: UInt8(truncatingIfNeeded: slot)),
        slot <= 1, let keyID, let alg
      else { throw .malformed("incomplete key description") }
      return KeyInfo(peerID: peerID, slot: s, keyID: keyID, algorithm: alg)
    }
  }

  package func decodeEvent(_ msg: ReceivedMessage) throws(NetlinkError) -> OvpnEvent? {
    guard msg.type == family.id else { return nil }
    let command = try msg.genlCommand()
    guard [Command.peerDelNtf, Command.keySwapNtf, Command.peerFloatNtf].contains(command) else {
      return nil
    }
    var ifindex: UInt32?
    var event: OvpnEvent?
    try msg.genlAttributes().forEach { (top) throws(NetlinkError) in
      switch top.type {
      case Top.ifindex: ifindex = try top.u32()
      case Top.peer where command == Command.peerDelNtf:
        var id: UInt32?
        var reason: DeleteReason?
        try top.nested.forEach { (a) throws(NetlinkError) in
          if a.type == PeerAttr.id { id = try a.u32() }
          if a.type == PeerAttr.delReason { reason = DeleteReason(rawValue: try a.u32()) }
        }
        guard let id else { throw .malformed("peer-del notification without id") }
        event = .peerDeleted(ifindex: 0, peerID: id, reason: reason)
      case Top.peer where command == Command.peerFloatNtf:
        let p = try Self.decodePeerNest(top)
        event = .peerFloat(ifindex: 0, peerID: p.id, remote: p.remote)
      case Top.keyconf where command == Command.keySwapNtf:
        var id: UInt32?
        var keyID: UInt32?
        try top.nested.forEach { (a) throws(NetlinkError) in
          if a.type == KeyAttr.peerID { id = try a.u32() }
          // The kernel puts the key id with nla_put_u16 although the spec says u32.
          if a.type == KeyAttr.keyID { keyID = a.length == 2 ? UInt32(try a.u16()) : try a.u32() }
        }
        guard let id, let keyID else { throw .malformed("key-swap notification incomplete") }
        event = .keySwap(ifindex: 0, peerID: id, keyID: keyID)
      default: break
      }
    }
    guard let ifindex, let e = event else { throw .malformed("notification without ifindex") }
    switch e {
    case .peerDeleted(_, let p, let r): return .peerDeleted(ifindex: ifindex, peerID: p, reason: r)
    case .keySwap(_, let p, let k): return .keySwap(ifindex: ifindex, peerID: p, keyID: k)
    case .peerFloat(_, let p, let r): return .peerFloat(ifindex: ifindex, peerID: p, remote: r)
    }
  }
}
