import CMnl

/// The two interface kinds ovpnctl manages, named by their rtnl kind.
public enum OvpnKind: String, Sendable, CaseIterable {
  /// Upstream driver, Linux ≥ 6.16 (genl family `ovpn`).
  case ovpn = "ovpn"
  /// Out-of-tree ovpn-dco-v2 module (genl family `ovpn-dco-v2`).
  case ovpnDCO = "ovpn-dco"

  /// The generic netlink family that serves interfaces of this kind.
  public var familyName: String {
    switch self {
    case .ovpn: return "ovpn"
    case .ovpnDCO: return "ovpn-dco-v2"
    }
  }
}

/// IFLA_OVPN_MODE values.
public enum OvpnMode: UInt8, Sendable {
  /// Point-to-point: one peer per interface.
  case p2p = 0
  /// Multipeer: many peers on one interface, told apart by their tunnel addresses.
  case mp = 1

  /// `p2p` or `mp`.
  public var name: String { self == .p2p ? "p2p" : "mp" }
}

/// One network interface as RTM_GETLINK describes it.
public struct Link: Equatable, Sendable {
  /// The interface name (IFLA_IFNAME).
  public var name: String
  /// The interface index (ifindex).
  public var index: UInt32
  /// IFLA_INFO_KIND, if the interface has one.
  public var kind: String?
  /// IFLA_OVPN_MODE, when the driver reports it (ovpn does, ovpn-dco does not).
  public var mode: OvpnMode?
  /// IFLA_MTU in bytes, if reported.
  public var mtu: UInt32?
  /// Interface flags (IFF_*).
  public var flags: UInt32 = 0
  /// IFLA_OPERSTATE, an RFC 2863 state (`IF_OPER_*`: 6 is up), if reported.
  public var operState: UInt8?
  /// IFLA_STATS64 counters, if reported.
  public var stats: LinkStats?

  /// Whether IFF_UP is set: the interface is administratively up.
  public var isUp: Bool { flags & UInt32(IFF_UP) != 0 }
  /// The ovpn kind of the interface; nil for any other kind or none.
  public var ovpnKind: OvpnKind? { kind.flatMap(OvpnKind.init(rawValue:)) }
}
