// Attributes a newer kernel adds never break a dump: both decoders keep
// them by number and size, next to everything they do know. Golden bytes.

import Testing

@testable import DCONetlink

@Suite struct UnknownAttributeTests {
  /// An upstream PEER_GET dump part: ID 5, TX_ID 5, then attribute 27
  /// (8 bytes, e.g. a counter a later kernel adds), attribute 25 (4 bytes)
  /// and an empty nested attribute 26 (NLA_F_NESTED set).
  static let upstreamReply = hex(
    """
    40000000 1b00 0200 01000000 42420000  // nlmsghdr: 64 bytes, family 0x1b, MULTI, seq 1
    03010000                              // genlmsghdr: PEER_GET, version 1
    2c00 0280                             // OVPN_A_PEER (nested), 44 bytes
      0800 0100 05000000                  //   ID 5
      0800 1800 05000000                  //   TX_ID 5
      0c00 1b00 0102030405060708          //   attribute 27: 8 bytes
      0800 1900 00000000                  //   attribute 25: 4 bytes
      0400 1a80                           //   attribute 26: empty nest
    """)

  /// A legacy GET_PEER reply: PEER_ID 3 and attribute 17 (4 bytes).
  static let legacyReply = hex(
    """
    28000000 1a00 0200 01000000 42420000  // nlmsghdr: 40 bytes, family 0x1a, MULTI, seq 1
    07010000                              // genlmsghdr: GET_PEER, version 1
    1400 0880                             // OVPN_ATTR_GET_PEER (nested), 20 bytes
      0800 0100 03000000                  //   PEER_ID 3
      0800 1100 2a000000                  //   attribute 17: 4 bytes
    """)

  @Test func theGoldenBytesAreWellFormed() {
    #expect(Self.upstreamReply.count == 64)
    #expect(Self.legacyReply.count == 40)
  }

  @Test func upstreamDumpKeepsUnknownAttributesByNumber() throws {
    let p = try #require(try decodeOne(Self.upstreamReply, upstream.decodePeer))
    #expect(p.id == 5 && p.txID == 5)
    #expect(
      p.unknownAttributes == [
        UnknownAttribute(type: 27, length: 8), UnknownAttribute(type: 25, length: 4),
        UnknownAttribute(type: 26, length: 0),
      ])
  }

  @Test func legacyDumpKeepsUnknownAttributesByNumber() throws {
    let p = try #require(try decodeOne(Self.legacyReply, legacy.decodePeer))
    #expect(p.id == 3)
    #expect(p.unknownAttributes == [UnknownAttribute(type: 17, length: 4)])
  }

  @Test func knownRepliesHaveNone() throws {
    let p = try #require(try decodeOne(Canned.upstreamPeer(id: 2), upstream.decodePeer))
    #expect(p.unknownAttributes.isEmpty)
  }
}
