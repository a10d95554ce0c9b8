// `link show` output: JSON keys and types, and the text blocks.

import Testing

@testable import DCONetlink
@testable import ovpnctl

@Suite struct LinkRendererTests {
  static let views = [
    LinkView(
      link: Fixture.tun0, family: GenlFamily(name: "ovpn", id: 0x1b, version: 1, multicastGroups: ["peers": 9]),
      peers: 2),
    LinkView(link: Fixture.tun1, family: nil, peers: nil),
  ]

  @Test func jsonIsAnArrayOfObjectsWithTheDesignKeys() throws {
    let j = try JSON.parse(LinkRenderer.render(Self.views, options(json: true)))
    let items = try #require(j.array)
    #expect(items.count == 2)
    for item in items {
      #expect(item.keys == ["ifname", "ifindex", "kind", "family", "mode", "mtu", "up", "peers"])
    }
    let a = items[0]
    #expect(a["ifname"] == .string("tun0"))
    #expect(a["ifindex"] == .number("5"))
    #expect(a["kind"] == .string("ovpn"))
    #expect(a["family"] == .string("ovpn"))
    #expect(a["mode"] == .string("mp"))
    #expect(a["mtu"] == .number("1416"))
    #expect(a["up"] == .bool(true))
    #expect(a["peers"] == .number("2"))
    let b = items[1]
    #expect(b["kind"] == .string("ovpn-dco"))
    #expect(b["family"] == .null)
    #expect(b["mode"] == .null)  // ovpn-dco cannot report it
    #expect(b["up"] == .bool(false))
    #expect(b["peers"] == .null)
  }

  @Test func emptyListIsAnEmptyArray() throws {
    #expect(LinkRenderer.render([], options(json: true)) == "[]\n")
  }

  @Test func statsAddAStatsObject() throws {
    var link = Fixture.tun0
    link.stats = LinkStats(
      rxPackets: 1, txPackets: 2, rxBytes: 3, txBytes: 4, rxErrors: 5, txErrors: 6, rxDropped: 7, txDropped: 8)
    let j = try JSON.parse(
      LinkRenderer.render([LinkView(link: link, family: nil, peers: 0)], options(json: true, stats: 1)))
    let stats = try #require(j[0]?["stats"])
    #expect(
      stats.keys == [
        "rx-bytes", "rx-packets", "rx-errors", "rx-dropped", "tx-bytes", "tx-packets", "tx-errors", "tx-dropped",
      ])
    #expect(stats["rx-bytes"] == .number("3") && stats["tx-dropped"] == .number("8"))
    // Without -s there is no stats object even when the kernel sent counters.
    #expect(
      try JSON.parse(LinkRenderer.render([LinkView(link: link, family: nil, peers: 0)], options(json: true)))[0]?[
        "stats"] == nil)
  }

  @Test func detailsAddOperstateAndFamily() throws {
    let j = try JSON.parse(LinkRenderer.render(Self.views, options(json: true, details: true)))
    #expect(j[0]?["operstate"] == .string("UP"))
    #expect(j[0]?["family-id"] == .number("27"))
    #expect(j[0]?["peers-group"] == .number("9"))
    #expect(j[1]?["operstate"] == .string("DOWN"))
    #expect(j[1]?["family-id"] == .null)
  }

  @Test func prettyJSONParsesToTheSameValue() throws {
    let compact = try JSON.parse(LinkRenderer.render(Self.views, options(json: true)))
    let pretty = LinkRenderer.render(Self.views, options(json: true, pretty: true))
    #expect(pretty.contains("\n  {\n    \"ifname\": \"tun0\","))
    #expect(try JSON.parse(pretty) == compact)
  }

  @Test func textBlocks() {
    #expect(
      LinkRenderer.render(Self.views, options()) == """
        interface: tun0
          index: 5
          kind: ovpn (family ovpn)
          mode: mp
          mtu: 1416
          state: up
          peers: 2

        interface: tun1
          index: 6
          kind: ovpn-dco (module not loaded)
          mode: unknown (not reported by this kind)
          mtu: 1428
          state: down
          peers: unknown

        """)
  }

  @Test func textWithStatsIsLaidOutLikeIPLink() throws {
    var link = Fixture.tun0
    link.stats = try LinkStats(values: [10, 20, 1536, 3 * 1024 * 1024, 0, 1, 2, 3] + (9...23).map { UInt64($0) })
    let out = LinkRenderer.render([LinkView(link: link, family: nil, peers: 0)], options(stats: 1))
    // Right-aligned under their names, as ip -s link does.
    #expect(
      out.hasSuffix(
        "  RX: bytes packets errors dropped missed mcast\n"
          + "       1536      10      0       2     16     9\n"
          + "  TX:   bytes packets errors dropped carrier collsns\n"
          + "      3145728      20      1       3      18      10\n"))
    let detailed = LinkRenderer.render([LinkView(link: link, family: nil, peers: 0)], options(stats: 2))
    #expect(
      detailed.hasSuffix(
        "  RX errors: length crc frame fifo overrun\n"
          + "                 11  13    14   15      12\n"
          + "  TX errors: aborted fifo window heartbt\n"
          + "                  17   19     21      20\n"))
  }

  @Test func jsonStatsCarryEveryCounterTheKernelReports() throws {
    var link = Fixture.tun0
    link.stats = try LinkStats(values: (1...25).map { UInt64($0) })
    let j = try JSON.parse(
      LinkRenderer.render([LinkView(link: link, family: nil, peers: 0)], options(json: true, stats: 1)))
    let stats = try #require(j[0]?["stats"])
    #expect(stats.keys.count == 25)
    #expect(
      Array(stats.keys.prefix(9)) == [
        "rx-bytes", "rx-packets", "rx-errors", "rx-dropped", "tx-bytes", "tx-packets", "tx-errors", "tx-dropped",
        "multicast",
      ])
    #expect(stats["rx-crc-errors"] == .number("13") && stats["rx-otherhost-dropped"] == .number("25"))
  }
}
