// ReplyReader: sequence and port checks, ACKs, errors with extack, NLMSG_DONE
// (with and without an error), dump interruption, replies over many datagrams.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct ReplyReaderTests {
  @Test func ackFinishesWithoutData() throws {
    let r = try readReply(seq: 7, ackMessage(seq: 7))
    #expect(r.types.isEmpty)
    #expect(r.finished)
  }

  @Test func consumeReportsCompletionPerDatagram() throws {
    var reader = ReplyReader(sequence: 7, portID: K.port)
    let first = Canned.upstreamPeer(id: 1, seq: 7)
    let second = doneMessage(seq: 7)
    var n = 0
    let a = try first.withUnsafeBytes { try reader.consume($0) { _ in n += 1 } }
    #expect(a == false)
    #expect(!reader.finished)
    let b = try second.withUnsafeBytes { try reader.consume($0) { _ in n += 1 } }
    #expect(b == true)
    #expect(reader.finished)
    #expect(n == 1)
  }

  @Test func dataSpreadOverDatagramsIsDeliveredInOrder() throws {
    let d1 = Canned.legacyPeer(id: 1, seq: 9) + Canned.legacyPeer(id: 2, seq: 9)
    let d2 = Canned.legacyPeer(id: 3, seq: 9)
    let d3 = doneMessage(seq: 9)
    let peers = try decodeAll(d1 + d2, legacy.decodePeer).map(\.id)
    #expect(peers == [1, 2, 3])
    let r = try readReply(seq: 9, d1, d2, d3)
    #expect(r.types == [K.legacyFamily, K.legacyFamily, K.legacyFamily])
    #expect(r.finished)
  }

  @Test func errorWithoutExtackIsKernelError() {
    let e = netlinkError { _ = try readReply(seq: 3, errorMessage(errno: K.ENOENT, seq: 3)) }
    #expect(e == .kernel(errno: K.ENOENT, extack: ExtAck()))
  }

  @Test func extackWithCappedEchoIsParsed() {
    let e = netlinkError { _ = try readReply(seq: 3, Canned.extackError(seq: 3, capped: true)) }
    #expect(
      e
        == .kernel(
          errno: K.EINVAL,
          extack: ExtAck(
            message: "ovpn: cannot find peer with id 5", offset: 36, missingType: 1)))
  }

  @Test func extackAfterTheFullEchoedRequestIsParsed() {
    let e = netlinkError { _ = try readReply(seq: 3, Canned.extackError(seq: 3, capped: false)) }
    #expect(
      e
        == .kernel(
          errno: K.EINVAL,
          extack: ExtAck(
            message: "ovpn: cannot find peer with id 5", offset: 36, missingType: 1)))
  }

  @Test func extackAfterAnUnalignedEchoedRequestIsFoundAtTheAlignedOffset() {
    // An echoed request whose nlmsg_len (26) is not a multiple of 4: the
    // TLVs start after it, aligned to 4 (28).
    var echo = nlhdr(len: 26, type: K.upstreamFamily, flags: K.request, seq: 3, pid: K.port)
    echo += genlhdr(3) + le16(6) + le16(1) + [0xaa, 0xbb] + [0, 0]  // 26 bytes + 2 padding
    let msg = errorMessage(errno: K.EINVAL, seq: 3, echo: echo, tlvs: nla(K.extMsg, cstr("bad")))
    let e = netlinkError { _ = try readReply(seq: 3, msg) }
    #expect(e == .kernel(errno: K.EINVAL, extack: ExtAck(message: "bad")))
  }

  @Test func uncappedErrorWithoutTLVFlagHasNoExtack() {
    let msg = errorMessage(errno: K.EEXIST, seq: 3, echo: Canned.upstreamRequestEcho(seq: 3))
    let e = netlinkError { _ = try readReply(seq: 3, msg) }
    #expect(e == .kernel(errno: K.EEXIST, extack: ExtAck()))
  }

  @Test func unknownExtackAttributesAreIgnored() {
    let msg = errorMessage(
      errno: K.EINVAL, seq: 3, tlvs: nla(3, le32(1)) + nla(9, [1, 2, 3]) + nla(K.extOffs, le32(4)))
    let e = netlinkError { _ = try readReply(seq: 3, msg) }
    #expect(e == .kernel(errno: K.EINVAL, extack: ExtAck(offset: 4)))
  }

  @Test func doneFinishesADump() throws {
    let r = try readReply(seq: 4, Canned.upstreamPeer(id: 1, seq: 4) + doneMessage(seq: 4))
    #expect(r.types == [K.upstreamFamily])
    #expect(r.finished)
  }

  @Test func doneWithoutPayloadFinishes() throws {
    let r = try readReply(seq: 4, nlmsg(type: K.done, flags: K.multi, seq: 4))
    #expect(r.finished)
  }

  @Test func doneCarryingAnErrorIsKernelError() {
    let e = netlinkError { _ = try readReply(seq: 4, doneMessage(seq: 4, errno: K.ENODEV)) }
    #expect(e == .kernel(errno: K.ENODEV, extack: ExtAck()))
  }

  @Test func doneCarryingAnErrorWithExtack() {
    let msg = doneMessage(
      seq: 4, errno: K.EINVAL, tlvs: nla(K.extMsg, cstr("ovpn: ifindex does not match any interface")))
    let e = netlinkError { _ = try readReply(seq: 4, msg) }
    #expect(e == .kernel(errno: K.EINVAL, extack: ExtAck(message: "ovpn: ifindex does not match any interface")))
  }

  @Test func dumpInterruptedIsReportedAtTheEndAfterDeliveringData() {
    var reader = ReplyReader(sequence: 4, portID: K.port)
    var delivered = 0
    let datagram =
      Canned.upstreamPeer(id: 1, seq: 4, flags: K.multi | K.dumpIntr) + doneMessage(seq: 4, flags: K.multi | K.dumpIntr)
    let e = netlinkError {
      _ = try datagram.withUnsafeBytes { try reader.consume($0) { _ in delivered += 1 } }
    }
    #expect(e == .dumpInterrupted)
    #expect(delivered == 1)
    #expect(reader.finished)
  }

  @Test func dumpInterruptedFlagInAnEarlierDatagramIsRemembered() {
    let e = netlinkError {
      _ = try readReply(
        seq: 4, Canned.upstreamPeer(id: 1, seq: 4, flags: K.multi | K.dumpIntr),
        Canned.upstreamPeer(id: 2, seq: 4), doneMessage(seq: 4))
    }
    #expect(e == .dumpInterrupted)
  }

  @Test func wrongSequenceIsAnError() {
    let e = netlinkError { _ = try readReply(seq: 7, ackMessage(seq: 8)) }
    #expect(e == .malformed("reply carries sequence 8, expected 7"))
  }

  @Test func wrongPortIsAnError() {
    let e = netlinkError { _ = try readReply(seq: 7, pid: K.port, ackMessage(seq: 7, pid: 99)) }
    #expect(e == .malformed("reply addressed to port 99, expected \(K.port)"))
  }

  @Test func portZeroIsAccepted() throws {
    // As libmnl's mnl_nlmsg_portid_ok does.
    #expect(try readReply(seq: 7, pid: K.port, ackMessage(seq: 7, pid: 0)).finished)
  }

  @Test func dataAfterTheEndOfAReplyIsAnError() {
    let e = netlinkError { _ = try readReply(seq: 7, ackMessage(seq: 7) + Canned.upstreamPeer(id: 1, seq: 7)) }
    #expect(e == .malformed("data after the end of a reply"))
  }

  @Test func noopIsSkippedAndOverrunIsAnError() throws {
    let r = try readReply(seq: 7, nlmsg(type: K.noop, seq: 7) + ackMessage(seq: 7))
    #expect(r.types.isEmpty && r.finished)
    let e = netlinkError { _ = try readReply(seq: 7, nlmsg(type: K.overrun, seq: 7)) }
    #expect(e == .malformed("netlink overrun"))
  }

  @Test func shortErrorMessageIsMalformed() {
    // NLMSG_ERROR must hold the error code and at least the echoed nlmsghdr (20 bytes).
    let short = nlmsg(type: K.error, seq: 7, lei32(-K.EINVAL), [0, 0, 0, 0])
    #expect(netlinkError { _ = try readReply(seq: 7, short) } == .malformed("short NLMSG_ERROR"))
    let codeOnly = nlmsg(type: K.error, seq: 7, lei32(0))
    #expect(netlinkError { _ = try readReply(seq: 7, codeOnly) } == .malformed("short NLMSG_ERROR"))
  }

  @Test func echoedRequestShorterThanAHeaderIsMalformed() {
    // Uncapped, with the echoed nlmsg_len claiming 8 bytes.
    let msg = nlmsg(
      type: K.error, flags: K.ackTLVs, seq: 7, lei32(-K.EINVAL),
      nlhdr(len: 8, type: 0x10, flags: 1, seq: 7, pid: K.port), nla(1, cstr("x")))
    #expect(netlinkError { _ = try readReply(seq: 7, msg) } == .malformed("bad echoed request"))
  }

  @Test func extackBeyondTheMessageEndIsMalformed() {
    // Uncapped, with the echoed nlmsg_len larger than what is there.
    let msg = nlmsg(
      type: K.error, flags: K.ackTLVs, seq: 7, lei32(-K.EINVAL),
      nlhdr(len: 200, type: 0x10, flags: 1, seq: 7, pid: K.port))
    #expect(netlinkError { _ = try readReply(seq: 7, msg) } == .malformed("extack beyond message end"))
  }

  @Test func extackMessageWithoutNULIsMalformed() {
    let msg = errorMessage(errno: K.EINVAL, seq: 7, tlvs: nla(K.extMsg, Array("oops".utf8)))
    #expect(isMalformed(netlinkError { _ = try readReply(seq: 7, msg) }))
  }
}
