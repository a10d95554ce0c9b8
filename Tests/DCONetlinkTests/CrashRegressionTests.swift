// Inputs that used to trap. Each runs in a child process (an exit test) that
// must exit successfully: the decoder has to throw `.malformed` instead of
// crashing, and a regression fails one test instead of killing the run.

import Glibc
import NetlinkFakes
import Testing

@testable import DCONetlink

/// Exits 0 if `body` throws `.malformed`, 1 if it returns, 2 on another error.
func exitZeroIfMalformed(_ body: () throws -> Void) -> Never {
  do {
    try body()
    exit(1)
  } catch NetlinkError.malformed {
    exit(0)
  } catch {
    exit(2)
  }
}

@Suite struct CrashRegressionTests {
  /// LegacyCodec.decodeSockaddr checked only `a.length >= 2`, then loaded
  /// the port at offset 2..<4: a 2- or 3-byte SOCKADDR_REMOTE read out of bounds.
  @Test func legacySockaddrOfTwoBytesIsAnError() async {
    await #expect(processExitsWith: .success) {
      exitZeroIfMalformed { _ = try decodeAll(Canned.legacyPeer(id: 1, sockaddr: le16(2)), legacy.decodePeer) }
    }
  }

  @Test func legacySockaddrOfThreeBytesIsAnError() async {
    await #expect(processExitsWith: .success) {
      exitZeroIfMalformed { _ = try decodeAll(Canned.legacyPeer(id: 1, sockaddr: le16(2) + [4]), legacy.decodePeer) }
    }
  }

  /// ReplyReader negated the NLMSG_ERROR code: -Int32.min overflowed.
  @Test func errorCodeOfInt32MinIsAnError() async {
    await #expect(processExitsWith: .success) {
      let msg = nlmsg(
        type: K.error, seq: 1, lei32(Int32.min), nlhdr(len: 16, type: 0x10, flags: 1, seq: 1, pid: K.port))
      exitZeroIfMalformed { _ = try readReply(seq: 1, msg) }
    }
  }

  /// The NLMSG_DONE branch negated the same way.
  @Test func doneCodeOfInt32MinIsAnError() async {
    await #expect(processExitsWith: .success) {
      let msg = nlmsg(type: K.done, flags: K.multi, seq: 1, lei32(Int32.min))
      exitZeroIfMalformed { _ = try readReply(seq: 1, msg) }
    }
  }

  /// forEachMessage trusted libmnl's mnl_nlmsg_ok, which compares
  /// `(int)nlh->nlmsg_len <= len`: an nlmsg_len with the top bit set is
  /// negative there and passed, so the message "payload" ran ~4 GiB past
  /// the datagram. Found by FuzzTests.
  @Test func messageLengthWithTheTopBitSetIsAnError() async {
    await #expect(processExitsWith: .success) {
      var d = Canned.upstreamPeer(id: 1, seq: 1)
      d.replaceSubrange(0..<4, with: le32(0xffff_fff0))
      exitZeroIfMalformed { _ = try decodeAll(d, upstream.decodePeer) }
    }
  }

  @Test func doneWithTheTopBitSetInItsLengthIsAnError() async {
    await #expect(processExitsWith: .success) {
      var d = doneMessage(seq: 1, errno: 22, tlvs: nla(1, cstr("x")))
      d.replaceSubrange(0..<4, with: le32(0xffff_fff0))
      exitZeroIfMalformed { _ = try readReply(seq: 1, d) }
    }
  }

  @Test func notificationWithTheTopBitSetInItsLengthIsAnError() async {
    await #expect(processExitsWith: .success) {
      var d = Canned.upstreamPeerDel()
      d.replaceSubrange(0..<4, with: le32(0x8000_0010))
      exitZeroIfMalformed { _ = try events(d, upstream) }
    }
  }
}
