// Malformed input is an error, never a crash: message framing, attribute
// framing, scalar widths, sockaddrs, error codes. (Inputs that used to crash
// are also in CrashRegressionTests, as exit tests.)

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct MalformedInputTests {
  @Test func truncatedMessageHeader() {
    let d = Array(ackMessage(seq: 1).prefix(10))
    #expect(netlinkError { _ = try readReply(seq: 1, d) } == .malformed("truncated netlink message at offset 0"))
    #expect(isMalformed(netlinkError { _ = try decodeAll(d, upstream.decodePeer) }))
  }

  @Test func messageLengthLargerThanTheDatagram() {
    var d = Canned.upstreamPeer(id: 1, seq: 1)
    d.replaceSubrange(0..<4, with: le32(UInt32(d.count + 4)))
    #expect(netlinkError { _ = try readReply(seq: 1, d) } == .malformed("truncated netlink message at offset 0"))
    #expect(isMalformed(netlinkError { _ = try decodeAll(d, upstream.decodePeer) }))
  }

  @Test(arguments: [0, 4, 15] as [UInt32])
  func messageLengthSmallerThanTheHeader(len: UInt32) {
    var d = ackMessage(seq: 1)
    d.replaceSubrange(0..<4, with: le32(len))
    #expect(netlinkError { _ = try readReply(seq: 1, d) } == .malformed("truncated netlink message at offset 0"))
  }

  @Test func truncatedSecondMessage() {
    let d = Canned.upstreamPeer(id: 1, seq: 1) + Array(doneMessage(seq: 1).prefix(12))
    let offset = Canned.upstreamPeer(id: 1, seq: 1).count
    #expect(
      netlinkError { _ = try readReply(seq: 1, d) } == .malformed("truncated netlink message at offset \(offset)"))
  }

  @Test(arguments: [0, 1, 2, 3] as [UInt16])
  func attributeShorterThanItsHeader(len: UInt16) {
    let run = nla(1, le32(1)) + rawNLA(len: len, type: 2, [0, 0, 0, 0])
    #expect(netlinkError { _ = try attributes(run) } == .malformed("truncated attribute at offset 8"))
  }

  @Test func attributeLongerThanItsContainer() {
    let run = rawNLA(len: 12, type: 1, [1, 2, 3, 4])
    #expect(netlinkError { _ = try attributes(run) } == .malformed("truncated attribute at offset 0"))
    // Inside a message: the peer nest claims more than the message holds.
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), rawNLA(len: 64, type: 0x8002, nla(1, le32(1))))
    #expect(isMalformed(netlinkError { _ = try decodeAll(msg, upstream.decodePeer) }))
  }

  @Test func attributeHeaderCutShort() {
    #expect(netlinkError { _ = try attributes(nla(1, [1]) + [8, 0]) } == .malformed("truncated attribute at offset 8"))
  }

  @Test func nestedAttributeOverflowingItsNest() {
    // The nest says 12 bytes; the attribute inside claims 16.
    let peer = le16(12) + le16(0x8002) + rawNLA(len: 16, type: 1, le32(1)) + le32(0)
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), peer)
    #expect(isMalformed(netlinkError { _ = try decodeAll(msg, upstream.decodePeer) }))
    let legacyMsg = nlmsg(
      type: K.legacyFamily, seq: 0, genlhdr(7), le16(12) + le16(0x8008) + rawNLA(len: 16, type: 1, le32(1)) + le32(0))
    #expect(isMalformed(netlinkError { _ = try decodeAll(legacyMsg, legacy.decodePeer) }))
  }

  @Test(arguments: [3, 5] as [Int])
  func peerIDOfWrongWidth(n: Int) {
    let id = [UInt8](repeating: 1, count: n)
    let up = nlmsg(type: K.upstreamFamily, seq: 0, genlhdr(3), nest(2, nla(1, id)))
    let old = nlmsg(type: K.legacyFamily, seq: 0, genlhdr(7), nest(8, nla(1, id)))
    #expect(
      netlinkError { _ = try decodeAll(up, upstream.decodePeer) }
        == .malformed("attribute 1: \(n) bytes where 4 expected"))
    #expect(
      netlinkError { _ = try decodeAll(old, legacy.decodePeer) }
        == .malformed("attribute 1: \(n) bytes where 4 expected"))
  }

  @Test func familyNameWithoutNUL() {
    let msg = nlmsg(type: K.genlCtrl, seq: 0, genlhdr(K.ctrlNewFamily), nla(1, le16(1)), nla(2, Array("ovpn".utf8)))
    #expect(
      netlinkError { _ = try decodeAll(msg, GenlController.decodeFamily) }
        == .malformed("attribute 2: string without terminator"))
  }

  @Test func interfaceNameWithoutNUL() {
    let ifinfo = [UInt8](repeating: 0, count: 16)
    let msg = nlmsg(type: K.rtmNewLink, seq: 0, ifinfo, nla(K.iflaIfname, Array("tun0".utf8)))
    #expect(isMalformed(netlinkError { _ = try decodeAll(msg, LinkMessages.decodeLink) }))
  }

  @Test func shortErrorMessages() {
    for payload in [[], lei32(-22), lei32(-22) + [1, 2, 3], lei32(-22) + [UInt8](repeating: 0, count: 15)] {
      let msg = nlmsg(type: K.error, seq: 1, payload)
      #expect(netlinkError { _ = try readReply(seq: 1, msg) } == .malformed("short NLMSG_ERROR"))
    }
  }

  @Test func messageLengthWithTheTopBitSet() {
    var d = ackMessage(seq: 1)
    d.replaceSubrange(0..<4, with: le32(0x8000_0000))
    #expect(netlinkError { _ = try readReply(seq: 1, d) } == .malformed("truncated netlink message at offset 0"))
  }

  @Test(arguments: [Int32(1), 5, -4096, Int32.min, Int32.max])
  func errorCodesOutsideTheErrnoRange(raw: Int32) {
    let error = nlmsg(type: K.error, seq: 1, lei32(raw), nlhdr(len: 16, type: 0x10, flags: 1, seq: 1, pid: K.port))
    let done = nlmsg(type: K.done, flags: K.multi, seq: 1, lei32(raw))
    #expect(netlinkError { _ = try readReply(seq: 1, error) } == .malformed("error code \(raw) out of range"))
    #expect(netlinkError { _ = try readReply(seq: 1, done) } == .malformed("error code \(raw) out of range"))
  }

  @Test func largestErrnoIsAKernelError() {
    #expect(
      netlinkError { _ = try readReply(seq: 1, errorMessage(errno: 4095, seq: 1)) }
        == .kernel(errno: 4095, extack: ExtAck()))
  }

  @Test func shortDoneMessageJustEnds() throws {
    // NLMSG_DONE with fewer than 4 payload bytes carries no error code.
    #expect(try readReply(seq: 1, nlmsg(type: K.done, seq: 1, [1, 2])).finished)
  }

  @Test func sockaddrOfWrongSizeOrFamily() {
    let cases: [(String, [UInt8])] = [
      ("AF_INET in 28 bytes", le16(2) + [UInt8](repeating: 0, count: 26)),
      ("AF_INET6 in 16 bytes", le16(10) + [UInt8](repeating: 0, count: 14)),
      ("AF_INET in 15 bytes", le16(2) + [UInt8](repeating: 0, count: 13)),
      ("AF_INET6 in 27 bytes", le16(10) + [UInt8](repeating: 0, count: 25)),
      ("AF_UNIX in 16 bytes", le16(1) + [UInt8](repeating: 0, count: 14)),
      ("family 0 in 16 bytes", [UInt8](repeating: 0, count: 16)),
      ("AF_INET in 4 bytes", le16(2) + be16(1)),
      ("empty", []),
      ("one byte", [2]),
    ]
    for (what, sockaddr) in cases {
      let msg = Canned.legacyPeer(id: 1, sockaddr: sockaddr)
      #expect(isMalformed(netlinkError { _ = try decodeAll(msg, legacy.decodePeer) }), "\(what)")
    }
  }

  @Test func legacyVPNAddressesOfWrongSize() {
    for (type, n) in [(UInt16(3), 16), (3, 3), (4, 4), (4, 15)] {
      let msg = nlmsg(
        type: K.legacyFamily, seq: 0, genlhdr(7), nest(8, nla(1, le32(1)), nla(type, [UInt8](repeating: 1, count: n))))
      #expect(
        isMalformed(netlinkError { _ = try decodeAll(msg, legacy.decodePeer) }), "attribute \(type) of \(n) bytes")
    }
  }

  @Test func upstreamAddressesOfWrongSize() {
    for (type, n) in [(UInt16(2), 16), (3, 4), (8, 5), (9, 4), (10, 16), (11, 4), (5, 4), (12, 1)] {
      let msg = nlmsg(
        type: K.upstreamFamily, seq: 0, genlhdr(3), nest(2, nla(1, le32(1)), nla(type, [UInt8](repeating: 1, count: n)))
      )
      #expect(
        isMalformed(netlinkError { _ = try decodeAll(msg, upstream.decodePeer) }), "attribute \(type) of \(n) bytes")
    }
  }

  @Test func notificationsWithBadWidths() {
    let swap = Canned.upstreamKeySwap(keyID: [1, 2, 3])
    #expect(isMalformed(netlinkError { _ = try events(swap, upstream) }))
    let ifindex = nlmsg(type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(5), nla(1, le16(5)), nest(2, nla(1, le32(1))))
    #expect(isMalformed(netlinkError { _ = try events(ifindex, upstream) }))
  }
}
