// Peers, links and keys shared by the renderer tests.

@testable import DCONetlink
@testable import ovpnctl

enum Fixture {
  static let tun0 = Link(name: "tun0", index: 5, kind: "ovpn", mode: .mp, mtu: 1416, flags: 0x1091, operState: 6)
  static let tun1 = Link(name: "tun1", index: 6, kind: "ovpn-dco", mode: nil, mtu: 1428, flags: 0x1090, operState: 2)

  /// A UDP peer with everything the kernel can report.
  static var fullPeer: Peer {
    var p = Peer(id: 1)
    p.remote = Endpoint(address: IPAddress("192.0.2.1")!, port: 1194)
    p.localAddress = IPAddress("192.0.2.10")
    p.localPort = 51820
    p.vpnIPv4 = IPAddress("10.8.0.2")
    p.vpnIPv6 = IPAddress("fd00::2")
    p.keepaliveInterval = 10
    p.keepaliveTimeout = 60
    p.stats.vpnRxBytes = 1536
    p.stats.vpnTxBytes = 2 * 1024 * 1024
    p.stats.vpnRxPackets = 3
    p.stats.vpnTxPackets = 4
    p.stats.linkRxBytes = 0
    p.stats.linkTxBytes = 1023
    p.stats.linkRxPackets = 5
    p.stats.linkTxPackets = 6
    return p
  }

  /// An IPv6 peer with a scoped, v4-mapped-free remote and a v6 local address.
  static var v6Peer: Peer {
    var p = Peer(id: 2)
    p.txID = 20
    // An index no host has: shown as a number.
    p.remote = Endpoint(address: IPAddress("fe80::1")!, port: 1194, scopeID: 0x7fff_fff3)
    p.localAddress = IPAddress("fe80::2")
    p.localPort = 1194
    p.vpnIPv6 = IPAddress("fd00::3")
    p.socketNetnsID = 1
    return p
  }

  /// A TCP peer: no remote, no local, no keepalive.
  static var barePeer: Peer {
    var p = Peer(id: 3)
    p.stats.vpnRxBytes = UInt64.max
    return p
  }
}
