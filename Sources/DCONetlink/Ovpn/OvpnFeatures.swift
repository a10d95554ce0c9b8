/// The optional parts of an ovpn API that the running module offers, as
/// its genl policy says (CTRL_CMD_GETPOLICY), never guessed from a kernel
/// version. Each codec reads them from the policy with its own numbers.
public struct OvpnFeatures: Equatable, Sendable {
  /// PEER_NEW accepts a transmit id (upstream, Linux 7.1+).
  public var txID = false
  /// PEER_SET accepts it too.
  public var txIDOnSet = false
  /// The largest keepalive interval the policy allows, where it caps it.
  public var keepaliveMax: UInt64?
  /// The module announces floats (PEER_FLOAT_NTF). No policy describes a
  /// notification: this is inferred from tx-id, which came with it.
  public var floatNotification = false

  /// No optional feature.
  public init() {}

  /// The names `link show -d` prints, in a fixed order.
  public var names: [String] {
    var out: [String] = []
    if txID { out.append("tx-id") }
    if txIDOnSet { out.append("tx-id-on-set") }
    if floatNotification { out.append("peer-float-ntf") }
    if let m = keepaliveMax { out.append("keepalive-max-\(m)") }
    return out
  }
}

extension UpstreamCodec {
  public func features(_ policy: GenlPolicy) -> OvpnFeatures {
    var f = OvpnFeatures()
    f.txID = policy.rule(op: Command.peerNew, [Top.peer, PeerAttr.txID]) != nil
    f.txIDOnSet = policy.rule(op: Command.peerSet, [Top.peer, PeerAttr.txID]) != nil
    f.keepaliveMax = policy.rule(op: Command.peerNew, [Top.peer, PeerAttr.keepaliveInterval])?.maxValue
    f.floatNotification = f.txID
    return f
  }
}

extension LegacyCodec {
  /// ovpn-dco-v2 has none of the optional upstream features.
  public func features(_ policy: GenlPolicy) -> OvpnFeatures { OvpnFeatures() }
}
