// `peer show` of the newer upstream attributes: unknown attributes with -d,
// link-local zones, socket-netnsid.

import DCONetlink
import NetlinkFakes
import Testing

@testable import ovpnctl

@Suite struct UpstreamAPIRendererTests {
  static var peer: Peer {
    var p = Peer(id: 7)
    p.unknownAttributes = [UnknownAttribute(type: 27, length: 8), UnknownAttribute(type: 30, length: 1)]
    return p
  }

  @Test func unknownAttributesOnlyWithDetails() throws {
    let plain = PeerRenderer.render([(Fixture.tun0, Self.peer)], options())
    #expect(!plain.contains("attr 27"))
    let detailed = PeerRenderer.render([(Fixture.tun0, Self.peer)], options(details: true))
    #expect(detailed.contains("  attr 27: 8 bytes\n  attr 30: 1 byte\n"))
    let json = PeerRenderer.render([(Fixture.tun0, Self.peer)], options(json: true, details: true))
    #expect(json.contains(#""unknown-attributes":[{"type":27,"length":8},{"type":30,"length":1}]"#))
    #expect(!PeerRenderer.render([(Fixture.tun0, Self.peer)], options(json: true)).contains("unknown"))
  }

  @Test func zoneByNameWhereTheIndexHasOne() throws {
    var p = Peer(id: 1)
    p.remote = Endpoint(address: IPAddress("fe80::1")!, port: 1194, scopeID: 1)  // lo is index 1
    #expect(PeerRenderer.render([(Fixture.tun0, p)], options()).contains("  remote: [fe80::1%lo]:1194\n"))
    p.remote?.scopeID = 0x7fff_fff0
    #expect(PeerRenderer.render([(Fixture.tun0, p)], options()).contains("  remote: [fe80::1%2147483632]:1194\n"))
    let json = PeerRenderer.render([(Fixture.tun0, p)], options(json: true))
    #expect(json.contains(#""remote-ipv6":"fe80::1","remote-ipv6-scope-id":2147483632,"remote-port":1194"#))
  }

  @Test func socketNetnsID() throws {
    var p = Peer(id: 1)
    p.socketNetnsID = 0
    #expect(PeerRenderer.render([(Fixture.tun0, p)], options()).contains("  socket-netnsid: 0\n"))
    #expect(PeerRenderer.render([(Fixture.tun0, p)], options(json: true)).contains(#""socket-netnsid":0"#))
  }

  @Test func linkLocalRemotes() throws {
    let byName = try parsePeerAdd("dev tun0 id 1 remote [fe80::1%lo]:1194")
    #expect(byName.config.remote == Endpoint(address: IPAddress("fe80::1")!, port: 1194, scopeID: 1))
    let byIndex = try parsePeerAdd("dev tun0 id 1 remote [fe80::1%3]:1194")
    #expect(byIndex.config.remote?.scopeID == 3)
    #expect(byIndex.socketSource == .udp(local: ep("[::]:1194")))
    let tcp = try parsePeerAdd("dev tun0 id 1 proto tcp remote [fe80::1%3]:1194")
    #expect(
      tcp.socketSource
        == .tcpConnect(remote: Endpoint(address: IPAddress("fe80::1")!, port: 1194, scopeID: 3), local: nil)
    )
  }

  @Test func badZonesAreUsageErrors() {
    #expect(throws: UsageError.wrong("[fe80::1%nosuch0]:1194", "no interface named \"nosuch0\" for the zone")) {
      try parsePeerAdd("dev tun0 id 1 remote [fe80::1%nosuch0]:1194")
    }
    #expect(throws: UsageError.wrong("192.0.2.1%lo:1194", "a zone (%lo:1194) needs an IPv6 address")) {
      try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1%lo:1194")
    }
    #expect(throws: UsageError.wrong("[fe80::1%]:1194", "an empty zone after %")) {
      try parsePeerAdd("dev tun0 id 1 remote [fe80::1%]:1194")
    }
  }
}
