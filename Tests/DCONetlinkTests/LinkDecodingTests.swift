// RTM_NEWLINK replies: name, index, flags, mtu, kind, ovpn mode, stats.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct LinkDecodingTests {
  @Test func ovpnLinkDecodes() throws {
    let l = try #require(
      try decodeOne(Canned.link(index: 5, name: "tun0", kind: "ovpn", data: nla(1, [1])), LinkMessages.decodeLink))
    #expect(l.name == "tun0")
    #expect(l.index == 5)
    #expect(l.kind == "ovpn")
    #expect(l.ovpnKind == .ovpn)
    #expect(l.mode == .mp)
    #expect(l.mtu == 1416)
    #expect(l.operState == 6)
    #expect(l.flags == 0x1091)  // IFF_UP | IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST (0x1000)
    #expect(l.isUp)
    #expect(l.stats == nil)
  }

  @Test func p2pModeDecodes() throws {
    let l = try decodeOne(Canned.link(data: nla(1, [0])), LinkMessages.decodeLink)
    #expect(l?.mode == .p2p)
  }

  @Test func legacyLinkHasNoMode() throws {
    let l = try #require(try decodeOne(Canned.link(kind: "ovpn-dco", data: nil), LinkMessages.decodeLink))
    #expect(l.ovpnKind == .ovpnDCO)
    #expect(l.mode == nil)
  }

  @Test func unknownModeValueIsNil() throws {
    #expect(try decodeOne(Canned.link(data: nla(1, [7])), LinkMessages.decodeLink)?.mode == nil)
  }

  @Test func modeIsIgnoredForOtherKinds() throws {
    // Another driver's IFLA_INFO_DATA attribute 1 that happens to be a u8.
    let l = try #require(try decodeOne(Canned.link(kind: "dummyish", data: nla(1, [1])), LinkMessages.decodeLink))
    #expect(l.kind == "dummyish")
    #expect(l.ovpnKind == nil)
    #expect(l.mode == nil)
  }

  /// A bridge reports IFLA_BR_FORWARD_DELAY (attribute 1, u32) in its
  /// IFLA_INFO_DATA, a vlan IFLA_VLAN_ID (1, u16): neither is an ovpn mode,
  /// and neither may break a link dump.
  @Test(arguments: [("bridge", le32(1500)), ("vlan", le16(100)), ("vxlan", le32(42))])
  func otherKindsInfoDataOfOtherWidthsDoesNotFailTheDump(kind: String, attr1: [UInt8]) throws {
    let l = try #require(try decodeOne(Canned.link(kind: kind, data: nla(1, attr1)), LinkMessages.decodeLink))
    #expect(l.kind == kind)
    #expect(l.mode == nil)
  }

  @Test func stats64Decodes() throws {
    // A 6.x kernel: 25 fields, the last rx_otherhost_dropped.
    let fields: [UInt64] = (1...25).map { UInt64($0) }
    let l = try #require(try decodeOne(Canned.link(stats: fields), LinkMessages.decodeLink))
    let s = try #require(l.stats)
    #expect(s.values == fields)
    #expect(s.rxPackets == 1 && s.txBytes == 4 && s.txDropped == 8)
    #expect(s[.multicast] == 9 && s[.rxCRCErrors] == 13 && s[.txWindowErrors] == 21)
    #expect(s[.rxNohandler] == 24 && s[.rxOtherhostDropped] == 25)
  }

  @Test func olderKernelsReportFewerCounters() throws {
    // 23 fields (before rx_nohandler): the missing ones are nil, not 0.
    let l = try #require(try decodeOne(Canned.link(stats: [UInt64](repeating: 7, count: 23)), LinkMessages.decodeLink))
    let s = try #require(l.stats)
    #expect(s[.txCompressed] == 7)
    #expect(s[.rxNohandler] == nil && s[.rxOtherhostDropped] == nil)
    #expect(s.reported.count == 23)
  }

  @Test func newerKernelsFieldsBeyondTheKnownOnesAreIgnored() throws {
    let l = try #require(try decodeOne(Canned.link(stats: [UInt64](repeating: 1, count: 30)), LinkMessages.decodeLink))
    #expect(l.stats?.values.count == LinkStats.Field.allCases.count)
  }

  @Test func shortStats64IsMalformed() {
    let msg = Canned.link(stats: [1, 2, 3, 4, 5, 6, 7])
    #expect(netlinkError { _ = try decodeOne(msg, LinkMessages.decodeLink) } == .malformed("IFLA_STATS64 of 56 bytes"))
  }

  @Test func stats64OfPartialFieldsIsMalformed() {
    // 8 whole counters and 4 stray bytes: the length lies about the layout.
    let msg = nlmsg(
      type: K.rtmNewLink, seq: 0, [0, 0] + le16(65534) + lei32(9) + le32(0) + le32(0),
      nla(K.iflaIfname, cstr("x")), nla(K.iflaStats64, [UInt8](repeating: 0, count: 68)))
    #expect(netlinkError { _ = try decodeOne(msg, LinkMessages.decodeLink) } == .malformed("IFLA_STATS64 of 68 bytes"))
  }

  @Test func linkWithoutLinkinfoHasNoKind() throws {
    let ifinfo: [UInt8] = [0, 0] + le16(772) + lei32(1) + le32(0x49) + le32(0)
    let msg = nlmsg(type: K.rtmNewLink, seq: 0, ifinfo, nla(K.iflaIfname, cstr("lo")), nla(K.iflaMTU, le32(65536)))
    let l = try #require(try decodeOne(msg, LinkMessages.decodeLink))
    #expect(l == Link(name: "lo", index: 1, kind: nil, mode: nil, mtu: 65536, flags: 0x49))
  }

  @Test func shortIfinfomsgIsMalformed() {
    let msg = nlmsg(type: K.rtmNewLink, seq: 0, [0, 0, 0, 0, 1, 0, 0, 0])
    #expect(isMalformed(netlinkError { _ = try decodeOne(msg, LinkMessages.decodeLink) }))
  }

  @Test func otherMessageTypesAreNotLinks() throws {
    var msg = Canned.link()
    msg[4] = 20  // RTM_NEWADDR
    #expect(try decodeOne(msg, LinkMessages.decodeLink) == nil)
  }

  @Test func kindNames() {
    #expect(OvpnKind.ovpn.familyName == "ovpn")
    #expect(OvpnKind.ovpnDCO.familyName == "ovpn-dco-v2")
    #expect(OvpnKind(rawValue: "ovpn-dco") == .ovpnDCO)
    #expect(OvpnMode.mp.name == "mp" && OvpnMode.p2p.name == "p2p")
  }
}
