// Upstream KEY_GET replies.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct KeyDecodingTests {
  @Test func keyGetReplyDecodes() throws {
    let k = try decodeOne(Canned.upstreamKey(slot: 1, keyID: 5, alg: 2), upstream.decodeKey)
    #expect(k == KeyInfo(peerID: 1, slot: .secondary, keyID: 5, algorithm: 2))
    let p = try decodeOne(Canned.upstreamKey(slot: 0, keyID: 0, alg: 1), upstream.decodeKey)
    #expect(p == KeyInfo(peerID: 1, slot: .primary, keyID: 0, algorithm: 1))
  }

  @Test(arguments: [2, 0x100] as [UInt32])
  func slotOutOfRangeIsMalformed(slot: UInt32) {
    #expect(
      netlinkError { _ = try decodeOne(Canned.upstreamKey(slot: slot), upstream.decodeKey) }
        == .malformed("incomplete key description"))
  }

  @Test func missingFieldIsMalformed() {
    let msg = nlmsg(
      type: K.upstreamFamily, seq: 0, genlhdr(7), nest(3, nla(1, le32(1)), nla(2, le32(0)), nla(3, le32(1))))
    #expect(netlinkError { _ = try decodeOne(msg, upstream.decodeKey) } == .malformed("incomplete key description"))
  }

  @Test func otherCommandsAreNotKeys() throws {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(6), nest(3, nla(1, le32(1))))
    #expect(try decodeOne(msg, upstream.decodeKey) == nil)
    #expect(try decodeOne(Canned.upstreamKey(), legacy.decodeKey) == nil)
  }

  @Test func cipherNamesOfTheKernelAlgorithms() {
    #expect(Cipher.fromAlgorithm(0) == "none")
    #expect(Cipher.fromAlgorithm(1) == "aes-gcm")
    #expect(Cipher.fromAlgorithm(2) == "chacha20-poly1305")
    #expect(Cipher.fromAlgorithm(3) == nil)
  }

  @Test func cipherTable() {
    #expect(Cipher.allCases.map(\.name) == ["aes-128-gcm", "aes-192-gcm", "aes-256-gcm", "chacha20-poly1305"])
    #expect(Cipher.allCases.map(\.materialLength) == [24, 32, 40, 40])
    #expect(Cipher.allCases.map(\.algorithm) == [1, 1, 1, 2])
    #expect(Cipher(name: "aes-256-gcm") == .aes256GCM)
    #expect(Cipher(name: "AES-256-GCM") == nil)
  }
}
