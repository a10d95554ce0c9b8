// `peer show` / `stats` output: JSON keys and types, text blocks.

import DCONetlink
import Testing

@testable import ovpnctl

@Suite struct PeerRendererTests {
  static let counters = [
    "vpn-rx-bytes", "vpn-tx-bytes", "vpn-rx-packets", "vpn-tx-packets", "link-rx-bytes", "link-tx-bytes",
    "link-rx-packets", "link-tx-packets",
  ]

  func render(_ rows: [(Link, Peer)], configuration: Bool = true) throws -> JSON {
    try JSON.parse(PeerRenderer.render(rows, options(json: true), configuration: configuration))
  }

  @Test func fullPeerHasTheDesignKeysWithTheirTypes() throws {
    let j = try render([(Fixture.tun0, Fixture.fullPeer)])
    let p = try #require(j[0])
    #expect(
      p.keys
        == [
          "ifname", "ifindex", "id", "remote-ipv4", "remote-port", "local-ipv4", "local-port", "vpn-ipv4",
          "vpn-ipv6", "keepalive-interval", "keepalive-timeout",
        ] + Self.counters)
    #expect(p["ifname"] == .string("tun0"))
    #expect(p["ifindex"] == .number("5"))
    #expect(p["id"] == .number("1"))
    #expect(p["remote-ipv4"] == .string("192.0.2.1"))
    #expect(p["remote-port"] == .number("1194"))
    #expect(p["local-ipv4"] == .string("192.0.2.10"))
    #expect(p["local-port"] == .number("51820"))
    #expect(p["vpn-ipv4"] == .string("10.8.0.2"))
    #expect(p["vpn-ipv6"] == .string("fd00::2"))
    #expect(p["keepalive-interval"] == .number("10"))
    #expect(p["keepalive-timeout"] == .number("60"))
    #expect(p["vpn-rx-bytes"] == .number("1536"))
    #expect(p["vpn-tx-bytes"] == .number("2097152"))
    #expect(p["link-tx-packets"] == .number("6"))
  }

  @Test func ipv6PeerUsesTheIPv6Keys() throws {
    let p = try #require(try render([(Fixture.tun0, Fixture.v6Peer)])[0])
    #expect(p["remote-ipv6"] == .string("fe80::1"))
    #expect(p["remote-ipv6-scope-id"] == .number("2147483635"))
    #expect(p["local-ipv6"] == .string("fe80::2"))
    #expect(p["vpn-ipv6"] == .string("fd00::3"))
    #expect(p["tx-id"] == .number("20"))
    #expect(p["socket-netnsid"] == .number("1"))
    #expect(p["remote-ipv4"] == nil && p["local-ipv4"] == nil && p["vpn-ipv4"] == nil)
  }

  @Test func v4MappedAddressesAreShownAsIPv4() throws {
    var peer = Peer(id: 4)
    peer.remote = Endpoint(address: IPAddress("::ffff:192.0.2.1")!, port: 1194)
    peer.localAddress = IPAddress("::ffff:192.0.2.10")
    let p = try #require(try render([(Fixture.tun1, peer)])[0])
    #expect(p["remote-ipv4"] == .string("192.0.2.1"))
    #expect(p["local-ipv4"] == .string("192.0.2.10"))
  }

  @Test func absentValuesAreOmittedNeverEmptyStrings() throws {
    let p = try #require(try render([(Fixture.tun0, Fixture.barePeer)])[0])
    #expect(p.keys == ["ifname", "ifindex", "id"] + Self.counters)
    #expect(p["vpn-rx-bytes"] == .number("18446744073709551615"))
    for k in p.keys { #expect(p[k] != .string(""), "\(k)") }
  }

  @Test func everyCounterAndIDIsANumberAndEveryAddressAString() throws {
    let j = try render([
      (Fixture.tun0, Fixture.fullPeer), (Fixture.tun0, Fixture.v6Peer), (Fixture.tun1, Fixture.barePeer),
    ])
    for p in try #require(j.array) {
      for k in p.keys {
        let v = try #require(p[k])
        if k == "ifname" || k.hasSuffix("-ipv4") || k.hasSuffix("-ipv6") {
          #expect(v.isString, "\(k) is \(v)")
        } else {
          #expect(v.unsigned != nil || v.integer != nil, "\(k) is \(v)")
        }
      }
    }
  }

  @Test func statsOutputHasIdentityAndCountersOnly() throws {
    let j = try render([(Fixture.tun0, Fixture.fullPeer), (Fixture.tun1, Fixture.v6Peer)], configuration: false)
    for p in try #require(j.array) { #expect(p.keys == ["ifname", "ifindex", "id"] + Self.counters) }
    #expect(j[1]?["ifname"] == .string("tun1"))
  }

  @Test func noPeersIsAnEmptyArray() {
    #expect(PeerRenderer.render([], options(json: true)) == "[]\n")
    #expect(PeerRenderer.render([], options()) == "")
  }

  @Test func textBlocks() {
    let out = PeerRenderer.render(
      [(Fixture.tun0, Fixture.fullPeer), (Fixture.tun0, Fixture.v6Peer), (Fixture.tun1, Fixture.barePeer)], options())
    #expect(
      out == """
        interface: tun0

        peer: 1
          remote: 192.0.2.1:1194
          local: 192.0.2.10:51820
          vpn-ip: 10.8.0.2, fd00::2
          keepalive: every 10 seconds, timeout 60 seconds
          transfer: 1.50 KiB received, 2.00 MiB sent (3/4 packets)
          link: 0 B received, 1023 B sent (5/6 packets)

        peer: 2
          tx-id: 20
          remote: [fe80::1%2147483635]:1194
          local: [fe80::2]:1194
          vpn-ip: fd00::3
          socket-netnsid: 1
          transfer: 0 B received, 0 B sent (0/0 packets)
          link: 0 B received, 0 B sent (0/0 packets)

        interface: tun1

        peer: 3
          transfer: 16.00 EiB received, 0 B sent (0/0 packets)
          link: 0 B received, 0 B sent (0/0 packets)

        """)
  }

  @Test func statsTextHasNoConfiguration() {
    let out = PeerRenderer.render([(Fixture.tun0, Fixture.fullPeer)], options(), configuration: false)
    #expect(
      out == """
        interface: tun0

        peer: 1
          transfer: 1.50 KiB received, 2.00 MiB sent (3/4 packets)
          link: 0 B received, 1023 B sent (5/6 packets)

        """)
  }

  @Test func textLocalWithPortOnlyAndOneSecondKeepalive() {
    var p = Peer(id: 9)
    p.localPort = 1194
    p.keepaliveInterval = 1
    p.keepaliveTimeout = 0
    let out = PeerRenderer.render([(Fixture.tun0, p)], options())
    #expect(out.contains("  local: *:1194\n"))
    #expect(out.contains("  keepalive: every 1 second, timeout 0 seconds\n"))
    var off = Peer(id: 9)
    off.keepaliveInterval = 0
    off.keepaliveTimeout = 0
    #expect(!PeerRenderer.render([(Fixture.tun0, off)], options()).contains("keepalive"))
  }

  @Test func compactJSONBytes() {
    let out = PeerRenderer.render([(Fixture.tun0, Fixture.v6Peer)], options(json: true))
    #expect(
      out
        == #"[{"ifname":"tun0","ifindex":5,"id":2,"tx-id":20,"remote-ipv6":"fe80::1","remote-ipv6-scope-id":2147483635,"#
        + #""remote-port":1194,"local-ipv6":"fe80::2","local-port":1194,"vpn-ipv6":"fd00::3","socket-netnsid":1,"#
        + #""vpn-rx-bytes":0,"vpn-tx-bytes":0,"vpn-rx-packets":0,"vpn-tx-packets":0,"link-rx-bytes":0,"#
        + #""link-tx-bytes":0,"link-rx-packets":0,"link-tx-packets":0}]"# + "\n")
  }

  @Test func prettyJSONBytes() {
    let counters = Self.counters.enumerated().map { i, k in
      "    \"\(k)\": \(i == 0 ? "18446744073709551615" : "0")"
    }
    let out = PeerRenderer.render(
      [(Fixture.tun1, Fixture.barePeer), (Fixture.tun1, Peer(id: 4))], options(json: true, pretty: true),
      configuration: false)
    let first = ["    \"ifname\": \"tun1\"", "    \"ifindex\": 6", "    \"id\": 3"] + counters
    let second =
      ["    \"ifname\": \"tun1\"", "    \"ifindex\": 6", "    \"id\": 4"]
      + Self.counters.map { "    \"\($0)\": 0" }
    #expect(
      out
        == "[\n  {\n" + first.joined(separator: ",\n") + "\n  },\n  {\n" + second.joined(separator: ",\n")
        + "\n  }\n]\n")
    #expect(PeerRenderer.render([], options(json: true, pretty: true)) == "[]\n")
  }
}
