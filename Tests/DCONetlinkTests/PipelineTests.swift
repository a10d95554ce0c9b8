// Pipelined requests on one session: submit sends at once, nextAck reads
// the replies later, oldest first, each held to its own sequence number
// and this socket's port id, as perform is.

import NetlinkFakes
import Testing

@testable import DCONetlink

private func request(_ id: UInt32) throws -> NetlinkMessage {
  try upstream.deletePeer(ifindex: 3, id: id)
}

@Suite struct PipelineTests {
  @Test func acksAreReadAfterAllRequestsAndMatchedInOrder() throws {
    let t = ManyAtOnceChannel()
    // Request 2 fails with extack text; the others are acknowledged.
    t.responder = { r in
      let seq = sequenceOf(r)
      if seq == 11 { return [errorMessage(errno: K.ENOENT, seq: seq, tlvs: nla(K.extMsg, cstr("no such peer")))] }
      return [ackMessage(seq: seq)]
    }
    let s = NetlinkSession(channel: t, firstSequence: 10)
    var seqs: [UInt32] = []
    for id in 1...3 as ClosedRange<UInt32> { seqs.append(try s.submit(try request(id))) }
    #expect(seqs == [10, 11, 12])
    #expect(t.sent.count == 3 && s.pendingCount == 3)
    #expect(try s.nextAck() == nil)
    let second = try s.nextAck()
    guard case .kernel(let e, let ack)? = second else {
      Issue.record("no kernel error: \(String(describing: second))")
      return
    }
    #expect(e == K.ENOENT && ack.message == "no such peer")
    #expect(try s.nextAck() == nil)
    #expect(s.pendingCount == 0)
    // All three replies came with one receive, and never a single one.
    #expect(t.receives == 1 && t.singleReceives == 0)
  }

  @Test func aReplyWithAnotherSequenceIsMalformedAndAbandonsThePipeline() throws {
    let t = ManyAtOnceChannel()
    t.responder = { r in [ackMessage(seq: sequenceOf(r) + 1)] }
    let s = NetlinkSession(channel: t, firstSequence: 5)
    try s.submit(try request(1))
    try s.submit(try request(2))
    #expect(throws: NetlinkError.malformed("reply carries sequence 6, expected 5")) { try s.nextAck() }
    #expect(s.pendingCount == 0 && t.singleReceives == 0)
  }

  @Test func aReplyToAnotherPortIsMalformed() throws {
    let t = ManyAtOnceChannel()
    t.responder = { r in [ackMessage(seq: sequenceOf(r), pid: K.port + 1)] }
    let s = NetlinkSession(channel: t, firstSequence: 5)
    try s.submit(try request(1))
    #expect(throws: NetlinkError.malformed("reply addressed to port \(K.port + 1), expected \(K.port)")) {
      try s.nextAck()
    }
  }

  @Test func repliesComeOneAtATimeThroughAPlainTransport() throws {
    let t = MockChannel()
    t.responder = { r, _ in
      sequenceOf(r) == 2 ? [errorMessage(errno: K.EEXIST, seq: 2)] : [ackMessage(seq: sequenceOf(r))]
    }
    let s = NetlinkSession(channel: t, firstSequence: 1)
    for id in 1...3 as ClosedRange<UInt32> { try s.submit(try request(id)) }
    #expect(try s.nextAck() == nil)
    #expect(try s.nextAck() == .kernel(errno: K.EEXIST, extack: ExtAck()))
    #expect(try s.nextAck() == nil)
    // The socket is in step again: an ordinary request works.
    try s.perform(try request(4))
    #expect(t.sent.count == 4)
  }

  @Test func aSystemErrorAbandonsWhatIsPending() throws {
    let t = ManyAtOnceChannel()  // answers nothing
    let s = NetlinkSession(channel: t, firstSequence: 1)
    try s.submit(try request(1))
    try s.submit(try request(2))
    #expect(throws: NetlinkError.system(operation: "recvmmsg (nothing queued)", errno: 11)) { try s.nextAck() }
    #expect(s.pendingCount == 0)
  }
}
