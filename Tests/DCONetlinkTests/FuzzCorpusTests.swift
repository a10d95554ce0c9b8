// The seed corpora of the libFuzzer targets (fuzz/corpus/TARGET/seed-NN) are
// the canned kernel messages of these tests. This suite checks that the
// committed files are exactly those bytes, so the two cannot drift apart.
// After changing a seed: OVPNCTL_WRITE_FUZZ_SEEDS=1 swift test --filter FuzzCorpusTests

import Glibc
import NetlinkFakes
import Testing

@testable import DCONetlink

enum FuzzSeeds {
  /// IPv6 sockaddr_in6 for a legacy peer: family, port, flowinfo, address, scope.
  static let sockaddr6 =
    le16(10) + be16(1194) + le32(0) + [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1] + le32(0)

  /// Replies to requests with sequence 1 from port K.port (what the target expects).
  static let ovpnReply: [[UInt8]] = [
    Canned.legacyPeer(id: 1, seq: 1),
    Canned.legacyPeer(id: 2, seq: 1, pads: false) + doneMessage(seq: 1),
    Canned.legacyPeer(id: 3, seq: 1, sockaddr: sockaddr6) + doneMessage(seq: 1),
    Canned.upstreamPeer(id: 1, seq: 1) + Canned.upstreamPeer(id: 2, seq: 1) + doneMessage(seq: 1),
    Canned.upstreamPeer(id: 4, seq: 1, flags: K.multi | K.dumpIntr) + doneMessage(seq: 1),
    Canned.upstreamKey(seq: 1) + ackMessage(seq: 1),
    Canned.upstreamKey(seq: 1, slot: 0, keyID: 7, alg: 1) + ackMessage(seq: 1),
    Canned.extackError(seq: 1, capped: true),
    Canned.extackError(seq: 1, capped: false),
    doneMessage(seq: 1, errno: 22, tlvs: nla(1, cstr("no"))),
    errorMessage(errno: 2, seq: 1, tlvs: nla(K.extMsg, cstr("no key in slot"))),
    GenlControllerTests.familyReply(seq: 1, groups: [("peers", 3), ("x", 4)]) + ackMessage(seq: 1),
    nlmsg(
      type: K.genlCtrl, flags: K.multi, seq: 1, genlhdr(K.ctrlGetPolicy), nest(8, nest(1, nest(24, nla(1, le32(3))))))
      + doneMessage(seq: 1),
  ]

  /// Multicast notifications: sequence 0, port 0.
  static let ovpnEvent: [[UInt8]] = [
    Canned.legacyDelPeer(),
    Canned.legacyDelPeer(ifindex: 7, id: 1, reason: 0) + Canned.legacyDelPeer(id: 2, reason: 4),
    Canned.upstreamPeerDel(),
    Canned.upstreamKeySwap(),
    Canned.upstreamKeySwap(keyID: le32(1)),
    Canned.upstreamFloat(),
    Canned.upstreamPeerDel() + Canned.upstreamKeySwap() + Canned.upstreamFloat(),
  ]

  /// Link dumps and lookups (sequence 1) and rtnl errors with extack.
  static let rtnlLink: [[UInt8]] = [
    Canned.link(seq: 1) + doneMessage(seq: 1),
    Canned.link(seq: 1, stats: [UInt64](repeating: 5, count: 24)) + doneMessage(seq: 1),
    Canned.link(kind: "ovpn-dco", data: nil, seq: 1)
      + Canned.link(index: 6, name: "tun1", data: nla(1, [0]), seq: 1) + doneMessage(seq: 1),
    Canned.link(kind: "veth", data: nla(1, le32(7)), seq: 1) + doneMessage(seq: 1),
    Canned.link(seq: 1, flags: 0) + ackMessage(seq: 1, requestType: K.rtmNewLink),
    errorMessage(errno: K.ENODEV, seq: 1, tlvs: nla(K.extMsg, cstr("no such device")) + nla(K.extOffs, le32(20))),
    Canned.extackError(seq: 1, capped: false),
    doneMessage(seq: 1, errno: K.EEXIST, tlvs: nla(K.extMsg, cstr("exists")) + nla(K.extMissType, le32(3))),
  ]

  static let targets: [(name: String, seeds: [[UInt8]])] = [
    ("ovpn-reply", ovpnReply), ("ovpn-event", ovpnEvent), ("rtnl-link", rtnlLink),
  ]

  /// fuzz/corpus, from this file's place in the tree.
  static var corpusDir: String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/DCONetlinkTests/FuzzCorpusTests.swift
    return parts.joined(separator: "/") + "/fuzz/corpus"
  }

  static func path(_ target: String, _ index: Int) -> String {
    let n = index + 1
    return "\(corpusDir)/\(target)/seed-\(n < 10 ? "0" : "")\(n)"
  }

  static func read(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = fread(&buffer, 1, buffer.count, f)
      if n == 0 { break }
      bytes += buffer[0..<n]
    }
    return bytes
  }

  static func write(_ path: String, _ bytes: [UInt8]) -> Bool {
    guard let f = fopen(path, "wb") else { return false }
    defer { fclose(f) }
    return fwrite(bytes, 1, bytes.count, f) == bytes.count
  }
}

@Suite struct FuzzCorpusTests {
  @Test(arguments: FuzzSeeds.targets.map(\.name))
  func committedSeedsAreTheCannedMessages(target: String) throws {
    let seeds = try #require(FuzzSeeds.targets.first { $0.name == target }).seeds
    if getenv("OVPNCTL_WRITE_FUZZ_SEEDS") != nil {
      mkdir("\(FuzzSeeds.corpusDir)/\(target)", 0o755)
      for (i, s) in seeds.enumerated() { #expect(FuzzSeeds.write(FuzzSeeds.path(target, i), s)) }
    }
    for (i, s) in seeds.enumerated() {
      #expect(FuzzSeeds.read(FuzzSeeds.path(target, i)) == s, "\(FuzzSeeds.path(target, i))")
    }
  }

  /// Each seed gets past the reader into a decoder (or is an error reply).
  @Test func seedsReachTheDecoders() {
    for s in FuzzSeeds.ovpnReply + FuzzSeeds.rtnlLink + FuzzSeeds.ovpnEvent {
      let produced = feedEverywhere(s)
      let isError = (try? readReply(seq: 1, s)) == nil
      #expect(produced > 0 || isError, "\(hexdump(s))")
    }
  }
}
