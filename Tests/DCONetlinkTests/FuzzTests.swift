// A small deterministic fuzz loop: mutated valid replies and random bytes go
// through ReplyReader, NotificationReader and every decoder. Each input must
// return or throw; a crash fails the whole run.

import NetlinkFakes
import Testing

@testable import DCONetlink

/// SplitMix64: small, fast, and the same sequence on every run.
struct SplitMix64 {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
  mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// Runs every decoder on one message; counts the values they produced.
/// Each decoder's error is swallowed: only "returns or throws" matters.
func decodeWithEverything(_ m: ReceivedMessage) -> Int {
  var n = 0
  if (try? upstream.decodePeer(m)) != nil { n += 1 }
  if (try? legacy.decodePeer(m)) != nil { n += 1 }
  if (try? upstream.decodeKey(m)) != nil { n += 1 }
  if (try? upstream.decodeEvent(m)) != nil { n += 1 }
  if (try? legacy.decodeEvent(m)) != nil { n += 1 }
  if (try? GenlController.decodeFamily(m)) != nil { n += 1 }
  if (try? GenlController.policyHasAttribute(m, 24)) == true { n += 1 }
  if (try? LinkMessages.decodeLink(m)) != nil { n += 1 }
  return n
}

/// Feeds one input to everything that reads kernel bytes. Returns how many
/// values the decoders produced (to check the fuzz reaches them at all).
func feedEverywhere(_ input: [UInt8]) -> Int {
  var produced = 0
  input.withUnsafeBytes { raw in
    try? forEachMessage(in: raw) { (m) throws(NetlinkError) in produced += decodeWithEverything(m) }
    var reader = ReplyReader(sequence: 1, portID: K.port)
    _ = try? reader.consume(raw) { (m) throws(NetlinkError) in produced += decodeWithEverything(m) }
    try? NotificationReader.forEach(raw) { (m) throws(NetlinkError) in produced += decodeWithEverything(m) }
  }
  return produced
}

@Suite struct FuzzTests {
  /// Valid inputs; the last ones are errors that yield no values.
  static let seeds: [[UInt8]] = [
    Canned.legacyPeer(id: 1, seq: 1),
    Canned.legacyPeer(id: 2, seq: 1, pads: false) + doneMessage(seq: 1),
    Canned.upstreamPeer(id: 1, seq: 1) + Canned.upstreamPeer(id: 2, seq: 1),
    Canned.upstreamKey(seq: 1) + ackMessage(seq: 1),
    Canned.legacyDelPeer(),
    Canned.upstreamPeerDel() + Canned.upstreamKeySwap() + Canned.upstreamFloat(),
    Canned.upstreamKeySwap(keyID: le32(1)),
    GenlControllerTests.familyReply(seq: 1, groups: [("peers", 3), ("x", 4)]) + ackMessage(seq: 1),
    Canned.link(seq: 1, stats: [UInt64](repeating: 5, count: 24)) + doneMessage(seq: 1),
    nlmsg(
      type: K.genlCtrl, flags: K.multi, seq: 1, genlhdr(K.ctrlGetPolicy), nest(8, nest(1, nest(24, nla(1, le32(3)))))),
    Canned.extackError(seq: 1, capped: true),
    Canned.extackError(seq: 1, capped: false),
    doneMessage(seq: 1, errno: 22, tlvs: nla(1, cstr("no"))),
  ]
  static let errorSeeds = 3

  @Test func seedsDecodeCleanly() {
    for (i, s) in Self.seeds.enumerated() {
      if i < Self.seeds.count - Self.errorSeeds {
        #expect(feedEverywhere(s) > 0, "seed \(i) produced nothing")
      } else {
        #expect(throws: NetlinkError.self) { _ = try readReply(seq: 1, s) }
      }
    }
  }

  @Test func mutatedRepliesNeverCrash() {
    var rng = SplitMix64(state: 0x0f0f_1194_dc0d_2026)
    var produced = 0
    let iterations = 20_000
    for _ in 0..<iterations {
      var d = Self.seeds[rng.below(Self.seeds.count)]
      switch rng.below(6) {
      case 0:  // flip a few bits
        for _ in 0...rng.below(4) { d[rng.below(d.count)] ^= 1 << UInt8(rng.below(8)) }
      case 1:  // overwrite a few bytes
        for _ in 0...rng.below(4) { d[rng.below(d.count)] = rng.byte() }
      case 2:  // truncate
        d = Array(d.prefix(rng.below(d.count + 1)))
      case 3:  // plant a small little-endian length at an even offset
        let at = rng.below(d.count / 2) * 2
        if at + 1 < d.count {
          let v = UInt16(rng.below(80))
          d[at] = UInt8(v & 0xff)
          d[at + 1] = UInt8(v >> 8)
        }
      case 4:  // splice two seeds and damage the joint
        d += Self.seeds[rng.below(Self.seeds.count)]
        d[rng.below(d.count)] = rng.byte()
      default:  // random bytes, sometimes behind a valid-looking header
        let n = rng.below(160)
        var r = (0..<n).map { _ in rng.byte() }
        if rng.below(2) == 0, r.count >= 16 {
          r.replaceSubrange(0..<4, with: le32(UInt32(r.count)))
          r.replaceSubrange(
            4..<6,
            with: le16([K.legacyFamily, K.upstreamFamily, K.genlCtrl, K.rtmNewLink, K.error, K.done][rng.below(6)]))
        }
        d = r
      }
      produced += feedEverywhere(d)
    }
    // The mutations must still reach the decoders.
    #expect(produced > iterations / 4)
  }
}
