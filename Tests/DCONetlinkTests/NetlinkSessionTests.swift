// NetlinkSession over a mock channel: sequence numbering, replies spread
// over several datagrams, dump restarts, error draining, family resolution.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct NetlinkSessionTests {
  @Test func performSendsTheRequestWithTheSessionSequenceAndWaitsForTheACK() throws {
    let t = MockChannel(queued: [ackMessage(seq: 100)])
    let s = NetlinkSession(channel: t, firstSequence: 100)
    let m = try upstream.deletePeer(ifindex: 5, id: 1)
    try s.perform(m)
    #expect(t.sent.count == 1)
    #expect(sequenceOf(t.sent[0]) == 100)
    #expect(t.sent[0] == m.bytes)
    #expect(t.queued.isEmpty)
  }

  @Test func sequenceNumbersIncreaseAndSkipZero() throws {
    let t = ackingChannel()
    let s = NetlinkSession(channel: t, firstSequence: UInt32.max)
    for _ in 0..<3 { try s.perform(LinkMessages.deleteLink(index: 1)) }
    #expect(t.sent.map(sequenceOf) == [UInt32.max, 1, 2])
    let t0 = ackingChannel()
    try NetlinkSession(channel: t0, firstSequence: 0).perform(LinkMessages.deleteLink(index: 1))
    #expect(sequenceOf(t0.sent[0]) == 1)
  }

  @Test func peerDumpSplitOverSeveralDatagramsIsCollected() throws {
    let t = MockChannel(queued: [
      Canned.upstreamPeer(id: 1, seq: 50) + Canned.upstreamPeer(id: 2, seq: 50),
      Canned.upstreamPeer(id: 3, seq: 50),
      doneMessage(seq: 50),
    ])
    let s = NetlinkSession(channel: t, firstSequence: 50)
    let peers = try s.transact(try upstream.dumpPeers(ifindex: 5), decode: upstream.decodePeer)
    #expect(peers.map(\.id) == [1, 2, 3])
    #expect(t.queued.isEmpty)
  }

  @Test func legacyPeerDumpSplitOverSeveralDatagramsIsCollected() throws {
    let t = MockChannel(queued: [
      Canned.legacyPeer(id: 4, seq: 50),
      Canned.legacyPeer(id: 5, seq: 50) + Canned.legacyPeer(id: 6, seq: 50),
      doneMessage(seq: 50),
    ])
    let s = NetlinkSession(channel: t, firstSequence: 50)
    let peers = try s.transact(try legacy.dumpPeers(ifindex: 5), decode: legacy.decodePeer)
    #expect(peers.map(\.id) == [4, 5, 6])
  }

  @Test func interruptedDumpIsRestartedAndOnlyTheSecondAttemptCounts() throws {
    let t = MockChannel()
    t.responder = { req, index in
      let seq = sequenceOf(req)
      if index == 0 {
        return [
          Canned.upstreamPeer(id: 1, seq: seq, flags: K.multi | K.dumpIntr),
          doneMessage(seq: seq, flags: K.multi | K.dumpIntr),
        ]
      }
      return [
        Canned.upstreamPeer(id: 2, seq: seq) + Canned.upstreamPeer(id: 3, seq: seq),
        doneMessage(seq: seq),
      ]
    }
    let s = NetlinkSession(channel: t, firstSequence: 10)
    let peers = try s.transact(try upstream.dumpPeers(ifindex: 5), decode: upstream.decodePeer)
    #expect(peers.map(\.id) == [2, 3])
    #expect(t.sent.count == 2)
    #expect(sequenceOf(t.sent[1]) == 11)
    #expect(t.sent[1] == withSequence(t.sent[0], 11))
  }

  @Test func aDumpThatKeepsBeingInterruptedGivesUp() {
    let t = MockChannel()
    t.responder = { req, _ in
      [doneMessage(seq: sequenceOf(req), flags: K.multi | K.dumpIntr)]
    }
    let s = NetlinkSession(channel: t, firstSequence: 1)
    s.dumpRetries = 2
    let e = netlinkError { _ = try s.transact(try upstream.dumpPeers(ifindex: 5), decode: upstream.decodePeer) }
    #expect(e == .dumpInterrupted)
    #expect(t.sent.count == 3)
  }

  @Test func aDecodeFailureIsReportedAfterTheReplyIsDrained() throws {
    let broken = nlmsg(
      type: K.upstreamFamily, flags: K.multi, seq: 20, genlhdr(3), nest(2, nla(8, [10, 8, 0, 1])))  // no ID
    let t = MockChannel(queued: [
      broken + Canned.upstreamPeer(id: 2, seq: 20),
      doneMessage(seq: 20),
      ackMessage(seq: 21),
    ])
    let s = NetlinkSession(channel: t, firstSequence: 20)
    let e = netlinkError { _ = try s.transact(try upstream.dumpPeers(ifindex: 5), decode: upstream.decodePeer) }
    #expect(e == .malformed("peer without ID"))
    // The DONE was consumed, so the next request reads its own ACK.
    #expect(t.queued.count == 1)
    try s.perform(try upstream.deletePeer(ifindex: 5, id: 2))
  }

  @Test func kernelErrorIsThrownFromTransact() {
    let t = MockChannel(queued: [Canned.extackError(seq: 30, capped: true)])
    let s = NetlinkSession(channel: t, firstSequence: 30)
    let e = netlinkError { try s.perform(try upstream.getPeer(ifindex: 5, id: 5)) }
    #expect(e?.errno == K.EINVAL)
    if case .kernel(_, let ack)? = e { #expect(ack.message == "ovpn: cannot find peer with id 5") }
  }

  @Test func replyToAnotherRequestIsAnError() {
    let t = MockChannel(queued: [ackMessage(seq: 99)])
    let s = NetlinkSession(channel: t, firstSequence: 30)
    #expect(
      netlinkError { try s.perform(LinkMessages.deleteLink(index: 1)) }
        == .malformed("reply carries sequence 99, expected 30"))
  }

  @Test func emptyDatagramIsAnError() {
    let t = MockChannel(queued: [[]])
    let s = NetlinkSession(channel: t, firstSequence: 30)
    #expect(netlinkError { try s.perform(LinkMessages.deleteLink(index: 1)) } == .malformed("empty datagram"))
  }

  @Test func transportErrorsPassThrough() {
    let t = MockChannel()  // nothing queued: receive fails
    let s = NetlinkSession(channel: t, firstSequence: 30)
    let e = netlinkError { try s.perform(LinkMessages.deleteLink(index: 1)) }
    #expect(e == .system(operation: "recvfrom (mock: nothing queued)", errno: 11))
  }

  @Test func resolveFamilyDecodesTheReplyBeforeTheACK() throws {
    let t = MockChannel(queued: [
      GenlControllerTests.familyReply(seq: 1, groups: [("peers", 0x21)]),
      ackMessage(seq: 1),
    ])
    let s = NetlinkSession(channel: t, firstSequence: 1)
    let f = try s.resolveFamily("ovpn")
    #expect(f.id == 0x1b && f.multicastGroups == ["peers": 0x21])
    let request = try GenlController.getFamilyRequest(name: "ovpn")
    request.sequence = 1
    #expect(t.sent == [request.bytes])
  }

  @Test func resolveFamilyWithReplyAndACKInOneDatagram() throws {
    let t = MockChannel(queued: [
      GenlControllerTests.familyReply(seq: 1, groups: []) + ackMessage(seq: 1)
    ])
    #expect(try NetlinkSession(channel: t, firstSequence: 1).resolveFamily("ovpn").id == 0x1b)
  }

  @Test func unknownFamilyIsFamilyNotFound() {
    let t = MockChannel(queued: [errorMessage(errno: K.ENOENT, seq: 1)])
    let e = netlinkError { _ = try NetlinkSession(channel: t, firstSequence: 1).resolveFamily("ovpn") }
    #expect(e == .familyNotFound("ovpn"))
  }

  @Test func familyLookupAnsweredWithOnlyAnACKIsMalformed() {
    let t = MockChannel(queued: [ackMessage(seq: 1)])
    let e = netlinkError { _ = try NetlinkSession(channel: t, firstSequence: 1).resolveFamily("ovpn") }
    #expect(e == .malformed("no answer to the family lookup of ovpn"))
  }
}
