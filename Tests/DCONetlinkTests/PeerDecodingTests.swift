// GET_PEER / PEER_GET replies of both APIs: addresses, counters of every
// width, pads, absent fields.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct PeerDecodingTests {
  @Test func legacyPeerWithPadsAndU64Counters() throws {
    let p = try #require(try decodeOne(Canned.legacyPeer(id: 1, pads: true), legacy.decodePeer))
    var want = Peer(id: 1)
    want.remote = Endpoint(address: ip("192.0.2.1"), port: 1194)
    want.vpnIPv4 = ip("10.8.0.2")
    want.vpnIPv6 = ip("fd00::2")
    want.localAddress = ip("192.0.2.10")
    want.localPort = 1194
    want.keepaliveInterval = 10
    want.keepaliveTimeout = 60
    want.stats.vpnRxBytes = 0x1_0000_0001
    want.stats.vpnTxBytes = 2000
    want.stats.vpnRxPackets = 11
    want.stats.vpnTxPackets = 12
    want.stats.linkRxBytes = 3000
    want.stats.linkTxBytes = 4000
    want.stats.linkRxPackets = 15
    want.stats.linkTxPackets = 16
    #expect(p == want)
  }

  @Test func legacyPeerWithoutPadsDecodesTheSame() throws {
    let a = try decodeOne(Canned.legacyPeer(id: 1, pads: true), legacy.decodePeer)
    let b = try decodeOne(Canned.legacyPeer(id: 1, pads: false), legacy.decodePeer)
    #expect(a != nil && a == b)
  }

  @Test func legacyIPv6SockaddrWithScope() throws {
    let sin6 =
      le16(10) + be16(51820) + le32(0)
      + [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1] + le32(3)
    let p = try #require(try decodeOne(Canned.legacyPeer(id: 2, sockaddr: sin6), legacy.decodePeer))
    #expect(p.remote == Endpoint(address: ip("fe80::1"), port: 51820, scopeID: 3))
  }

  @Test func legacyIPv4SockaddrIgnoresSinZero() throws {
    let sin = le16(2) + be16(1) + [198, 51, 100, 7] + [1, 2, 3, 4, 5, 6, 7, 8]
    let p = try #require(try decodeOne(Canned.legacyPeer(id: 2, sockaddr: sin), legacy.decodePeer))
    #expect(p.remote == Endpoint(address: ip("198.51.100.7"), port: 1))
  }

  @Test func legacyMinimalPeerHasOnlyAnID() throws {
    let msg = nlmsg(type: K.legacyFamily, seq: 0, genlhdr(7), nest(8, nla(1, le32(77))))
    let p = try #require(try decodeOne(msg, legacy.decodePeer))
    #expect(p == Peer(id: 77))
  }

  @Test func legacyU32ByteCountersAreAccepted() throws {
    let msg = nlmsg(
      type: K.legacyFamily, seq: 0, genlhdr(7), nest(8, nla(1, le32(1)), nla(9, le32(5)), nla(11, le64(6))))
    let p = try #require(try decodeOne(msg, legacy.decodePeer))
    #expect(p.stats.vpnRxBytes == 5 && p.stats.vpnRxPackets == 6)
  }

  @Test func legacyReplyOfAnotherCommandOrFamilyIsNotAPeer() throws {
    let otherCommand = nlmsg(type: K.legacyFamily, seq: 0, genlhdr(3), nest(8, nla(1, le32(1))))
    let otherFamily = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(7), nest(8, nla(1, le32(1))))
    #expect(try decodeOne(otherCommand, legacy.decodePeer) == nil)
    #expect(try decodeOne(otherFamily, legacy.decodePeer) == nil)
  }

  @Test func legacyPeerWithoutIDIsMalformed() {
    let msg = nlmsg(type: K.legacyFamily, seq: 0, genlhdr(7), nest(8, nla(3, [10, 0, 0, 1])))
    #expect(netlinkError { _ = try decodeOne(msg, legacy.decodePeer) } == .malformed("peer without PEER_ID"))
  }

  @Test func legacyLocalIPOfOddSizeIsMalformed() {
    let msg = nlmsg(type: K.legacyFamily, seq: 0, genlhdr(7), nest(8, nla(1, le32(1)), nla(5, [1, 2, 3])))
    #expect(netlinkError { _ = try decodeOne(msg, legacy.decodePeer) } == .malformed("local IP of 3 bytes"))
  }

  @Test func upstreamPeerWithMixedWidthCounters() throws {
    let p = try #require(try decodeOne(Canned.upstreamPeer(id: 1), upstream.decodePeer))
    var want = Peer(id: 1)
    want.vpnIPv4 = ip("10.8.0.1")
    want.keepaliveInterval = 10
    want.keepaliveTimeout = 60
    want.remote = Endpoint(address: ip("192.0.2.1"), port: 1194)
    want.localAddress = ip("192.0.2.10")
    want.localPort = 51820
    want.stats.vpnRxBytes = 100
    want.stats.vpnTxBytes = 0x2_0000_0000
    want.stats.vpnRxPackets = 3
    want.stats.vpnTxPackets = 4
    want.stats.linkRxBytes = 0xffff_ffff_ffff_fffe
    want.stats.linkTxBytes = 0xffff_ffff
    want.stats.linkRxPackets = 7
    want.stats.linkTxPackets = 8
    #expect(p == want)
  }

  @Test func upstreamIPv6PeerWithScopeNetnsAndTxID() throws {
    let msg = nlmsg(
      type: K.upstreamFamily, seq: 0, genlhdr(3),
      nest(
        2, nla(7, lei32(-2)),  // SOCKET_NETNSID
        nla(1, le32(3)), nla(24, le32(300)),  // ID, TX_ID
        nla(9, [0xfd] + [UInt8](repeating: 0, count: 14) + [3]),  // VPN_IPV6
        nla(3, [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]),  // REMOTE_IPV6
        nla(4, le32(2)), nla(5, be16(1194)),  // SCOPE_ID, REMOTE_PORT
        nla(11, [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [2])))  // LOCAL_IPV6
    let p = try #require(try decodeOne(msg, upstream.decodePeer))
    #expect(p.id == 3)
    #expect(p.txID == 300)
    #expect(p.socketNetnsID == -2)
    #expect(p.vpnIPv6 == ip("fd00::3"))
    #expect(p.remote == Endpoint(address: ip("fe80::1"), port: 1194, scopeID: 2))
    #expect(p.localAddress == ip("fe80::2"))
    #expect(p.stats == PeerStats())
  }

  @Test func upstreamRemoteWithoutPortIsNoRemote() throws {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), nest(2, nla(1, le32(3)), nla(2, [192, 0, 2, 1])))
    let p = try #require(try decodeOne(msg, upstream.decodePeer))
    #expect(p.remote == nil)
  }

  @Test func upstreamCounterOfThreeBytesIsMalformed() {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), nest(2, nla(1, le32(3)), nla(16, [1, 2, 3])))
    #expect(netlinkError { _ = try decodeOne(msg, upstream.decodePeer) } == .malformed("attribute 16: 3-byte uint"))
  }

  @Test func upstreamRemoteIPv4OfWrongSizeIsMalformed() {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), nest(2, nla(1, le32(3)), nla(2, [192, 0, 2])))
    #expect(isMalformed(netlinkError { _ = try decodeOne(msg, upstream.decodePeer) }))
  }

  @Test func upstreamPeerWithoutIDIsMalformed() {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), nest(2, nla(13, le32(3))))
    #expect(netlinkError { _ = try decodeOne(msg, upstream.decodePeer) } == .malformed("peer without ID"))
  }

  /// Unknown top-level attributes are skipped; unknown peer attributes are
  /// kept by number and size only (shown with -d).
  @Test func upstreamUnknownAttributesAreIgnored() throws {
    let msg = nlmsg(
      type: K.upstreamFamily, seq: 0, genlhdr(3), nla(99, [1, 2, 3]),
      nest(2, nla(1, le32(3)), nla(200, [9, 9, 9, 9, 9])))
    var want = Peer(id: 3)
    want.unknownAttributes = [UnknownAttribute(type: 200, length: 5)]
    #expect(try decodeOne(msg, upstream.decodePeer) == want)
  }

  @Test func upstreamReplyOfAnotherCommandIsNotAPeer() throws {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(1), nest(2, nla(1, le32(3))))
    #expect(try decodeOne(msg, upstream.decodePeer) == nil)
  }

  @Test func genlMessageWithoutItsHeaderIsMalformed() {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, [3, 1])
    #expect(
      netlinkError { _ = try decodeOne(msg, upstream.decodePeer) }
        == .malformed("generic netlink message without its header"))
  }
}
