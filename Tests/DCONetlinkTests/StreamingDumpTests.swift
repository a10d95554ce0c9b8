// NetlinkSession.stream and DCOClient.forEachPeer: each reply reaches the
// caller as it arrives, nothing is collected, and the reply is drained
// whatever happens, so the socket stays usable.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct StreamingDumpTests {
  @Test func eachPeerIsHandedOverInOrderAcrossDatagrams() throws {
    let t = MockChannel(queued: [
      Canned.upstreamPeer(id: 1, seq: 30) + Canned.upstreamPeer(id: 2, seq: 30),
      Canned.upstreamPeer(id: 3, seq: 30),
      doneMessage(seq: 30),
    ])
    let s = NetlinkSession(channel: t, firstSequence: 30)
    var ids: [UInt32] = []
    var queuedWhenSeen: [Int] = []
    try s.stream(try upstream.dumpPeers(ifindex: 5)) { (msg) throws(NetlinkError) in
      if let p = try upstream.decodePeer(msg) {
        ids.append(p.id)
        queuedWhenSeen.append(t.queued.count)
      }
    }
    #expect(ids == [1, 2, 3])
    // Peers 1 and 2 arrived while two datagrams were still queued: handed
    // over before the rest of the dump was read.
    #expect(queuedWhenSeen == [2, 2, 1])
    #expect(t.queued.isEmpty)
  }

  @Test func anInterruptedStreamIsNotRestartedButReportedAfterDraining() {
    let t = MockChannel()
    t.responder = { req, _ in
      let seq = sequenceOf(req)
      return [
        Canned.upstreamPeer(id: 1, seq: seq, flags: K.multi | K.dumpIntr),
        doneMessage(seq: seq, flags: K.multi | K.dumpIntr),
      ]
    }
    let s = NetlinkSession(channel: t, firstSequence: 1)
    var seen = 0
    let e = netlinkError {
      try s.stream(try upstream.dumpPeers(ifindex: 5)) { (_) throws(NetlinkError) in seen += 1 }
    }
    #expect(e == .dumpInterrupted)
    #expect(seen == 1)
    #expect(t.sent.count == 1)
  }

  @Test func aFailingBodyIsReportedAfterTheReplyIsDrained() throws {
    let t = MockChannel(queued: [
      Canned.upstreamPeer(id: 1, seq: 40),
      Canned.upstreamPeer(id: 2, seq: 40),
      doneMessage(seq: 40),
      ackMessage(seq: 41),
    ])
    let s = NetlinkSession(channel: t, firstSequence: 40)
    var seen = 0
    let e = netlinkError {
      try s.stream(try upstream.dumpPeers(ifindex: 5)) { (_) throws(NetlinkError) in
        seen += 1
        throw .malformed("stop")
      }
    }
    #expect(e == .malformed("stop"))
    #expect(seen == 1)
    #expect(t.queued.count == 1)
    try s.perform(try upstream.deletePeer(ifindex: 5, id: 1))
  }

  @Test func forEachPeerCountsWhatItHandsOver() throws {
    let t = MockChannel(queued: [
      Canned.upstreamPeer(id: 7, seq: 1) + Canned.upstreamPeer(id: 8, seq: 1),
      doneMessage(seq: 1),
      doneMessage(seq: 2),
    ])
    let c = DCOClient(genl: t, rtnl: nil)
    let link = Link(name: "mp0", index: 5, kind: "ovpn", mode: .mp, mtu: 1420, flags: 0, operState: nil)
    var ids: [UInt32] = []
    #expect(try c.forEachPeer(link, codec: upstream) { ids.append($0.id) } == 2)
    #expect(ids == [7, 8])
    #expect(try c.forEachPeer(link, codec: upstream) { _ in Issue.record("no peers expected") } == 0)
  }
}
