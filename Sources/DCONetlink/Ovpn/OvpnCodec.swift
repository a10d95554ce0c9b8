import CMnl

/// Encodes requests and decodes replies for one of the two kernel APIs.
/// Both speak in the shared value types; the numbers stay inside each codec.
package protocol OvpnCodec: Sendable {
  var kind: OvpnKind { get }
  var family: GenlFamily { get }

  func newPeer(ifindex: UInt32, _ config: PeerConfig) throws(NetlinkError) -> NetlinkMessage
  func setPeer(ifindex: UInt32, _ config: PeerConfig) throws(NetlinkError) -> NetlinkMessage
  func deletePeer(ifindex: UInt32, id: UInt32) throws(NetlinkError) -> NetlinkMessage
  func getPeer(ifindex: UInt32, id: UInt32) throws(NetlinkError) -> NetlinkMessage
  func dumpPeers(ifindex: UInt32) throws(NetlinkError) -> NetlinkMessage
  func decodePeer(_ msg: ReceivedMessage) throws(NetlinkError) -> Peer?

  func newKey(ifindex: UInt32, _ key: KeyConfig) throws(NetlinkError) -> NetlinkMessage
  func swapKeys(ifindex: UInt32, peerID: UInt32) throws(NetlinkError) -> NetlinkMessage
  func deleteKey(ifindex: UInt32, peerID: UInt32, slot: KeySlot) throws(NetlinkError)
    -> NetlinkMessage
  func getKey(ifindex: UInt32, peerID: UInt32, slot: KeySlot) throws(NetlinkError)
    -> NetlinkMessage
  func decodeKey(_ msg: ReceivedMessage) throws(NetlinkError) -> KeyInfo?

  /// Decodes a `peers` multicast notification; other messages yield nil.
  func decodeEvent(_ msg: ReceivedMessage) throws(NetlinkError) -> OvpnEvent?

  /// The optional features the family's policy shows.
  func features(_ policy: GenlPolicy) -> OvpnFeatures
}

extension OvpnCodec {
  /// Whether the kernel can report key slots: only the upstream API has KEY_GET.
  package var canReadKeys: Bool { kind == .ovpn }

  /// A generic netlink request to this family with IFINDEX already in place.
  func request(_ command: UInt8, ifindex: UInt32, dump: Bool = false) throws(NetlinkError)
    -> NetlinkMessage
  {
    let flags = dump ? NLM_F_REQUEST | NLM_F_DUMP : NLM_F_REQUEST | NLM_F_ACK
    let m = NetlinkMessage(type: family.id, flags: UInt16(flags))
    m.putGenlHeader(command: command, version: 1)
    try m.put(1, ifindex)  // IFINDEX is attribute 1 in both APIs
    return m
  }

  /// A request whose content is one `container` nest that `fields` fills:
  /// the shape of every peer and key request of both APIs.
  func request(
    _ command: UInt8, ifindex: UInt32, nest container: UInt16,
    _ fields: (NetlinkMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) -> NetlinkMessage {
    let m = try request(command, ifindex: ifindex)
    try m.nest(container) { () throws(NetlinkError) in try fields(m) }
    return m
  }

  /// The `container` nest of a reply to `command` from this family,
  /// decoded (the last one, should there be more); nil for other messages.
  func decodeReply<T>(
    _ msg: ReceivedMessage, command: UInt8, container: UInt16,
    _ decode: (Attribute) throws(NetlinkError) -> T
  ) throws(NetlinkError) -> T? {
    guard msg.type == family.id, try msg.genlCommand() == command else { return nil }
    var result: T?
    try msg.genlAttributes().forEach { (top) throws(NetlinkError) in
      guard top.type == container else { return }
      result = try decode(top)
    }
    return result
  }

  /// Puts one key direction: CIPHER_KEY (1) and NONCE_TAIL (2), split from the material.
  func putKeyDirection(_ m: NetlinkMessage, _ type: UInt16, _ material: SecretBytes, _ cipher: Cipher)
    throws(NetlinkError)
  {
    guard material.count == cipher.materialLength else {
      throw .malformed("key material of \(material.count) bytes for \(cipher.name)")
    }
    try m.nest(type) { () throws(NetlinkError) in
      try material.withBytes { (raw) throws(NetlinkError) in
        try m.put(1, bytes: UnsafeRawBufferPointer(rebasing: raw[0..<cipher.keyLength]))
        try m.put(2, bytes: UnsafeRawBufferPointer(rebasing: raw[cipher.keyLength...]))
      }
    }
  }
}

extension PeerStats {
  /// Sets the counter that `a` carries. Both APIs number the eight counter
  /// attributes on from `first` in one order: vpn rx/tx bytes, vpn rx/tx
  /// packets, link rx/tx bytes, link rx/tx packets (each a u32 or u64, as
  /// the kernel's uint attributes are).
  mutating func set(_ a: Attribute, first: UInt16) throws(NetlinkError) {
    let value = try a.uint()
    switch Int(a.type) - Int(first) {
    case 0: vpnRxBytes = value
    case 1: vpnTxBytes = value
    case 2: vpnRxPackets = value
    case 3: vpnTxPackets = value
    case 4: linkRxBytes = value
    case 5: linkTxBytes = value
    case 6: linkRxPackets = value
    case 7: linkTxPackets = value
    default: throw .malformed("attribute \(a.type) is not a counter")
    }
  }
}
