// Multicast notifications of the `peers` group, through NotificationReader.

import NetlinkFakes
import Testing

@testable import DCONetlink

/// The events a datagram yields through NotificationReader and `codec`.
func events(_ datagram: [UInt8], _ codec: any OvpnCodec) throws -> [OvpnEvent] {
  var out: [OvpnEvent] = []
  try datagram.withUnsafeBytes { raw in
    try NotificationReader.forEach(raw) { (msg) throws(NetlinkError) in
      if let e = try codec.decodeEvent(msg) { out.append(e) }
    }
  }
  return out
}

@Suite struct NotificationTests {
  @Test func legacyDelPeerWithU8Reason() throws {
    #expect(
      try events(Canned.legacyDelPeer(ifindex: 5, id: 9, reason: 2), legacy) == [
        .peerDeleted(ifindex: 5, peerID: 9, reason: .expired)
      ])
  }

  @Test(arguments: [
    (UInt8(0), DeleteReason.teardown), (1, .userspace), (2, .expired), (3, .transportError),
    (4, .transportDisconnect),
  ])
  func legacyReasons(raw: UInt8, reason: DeleteReason) throws {
    #expect(
      try events(Canned.legacyDelPeer(reason: raw), legacy).first == .peerDeleted(ifindex: 5, peerID: 9, reason: reason)
    )
  }

  @Test func legacyUnknownReasonIsNil() throws {
    #expect(try events(Canned.legacyDelPeer(reason: 9), legacy) == [.peerDeleted(ifindex: 5, peerID: 9, reason: nil)])
  }

  @Test func legacyReasonAsU32IsMalformed() {
    let msg = nlmsg(
      type: K.legacyFamily, seq: 0, pid: 0, genlhdr(3), nla(1, le32(5)), nest(4, nla(1, le32(2)), nla(2, le32(9))))
    #expect(isMalformed(netlinkError { _ = try events(msg, legacy) }))
  }

  @Test func legacyNotificationWithoutIfindexIsMalformed() {
    let msg = nlmsg(type: K.legacyFamily, seq: 0, pid: 0, genlhdr(3), nest(4, nla(1, [1]), nla(2, le32(9))))
    #expect(
      netlinkError { _ = try events(msg, legacy) } == .malformed("peer notification without ifindex or id"))
  }

  @Test func upstreamPeerDelWithU32Reason() throws {
    #expect(
      try events(Canned.upstreamPeerDel(ifindex: 7, id: 3, reason: 4), upstream) == [
        .peerDeleted(ifindex: 7, peerID: 3, reason: .transportDisconnect)
      ])
  }

  @Test func upstreamReasonAsU8IsMalformed() {
    let msg = nlmsg(
      type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(5), nla(1, le32(5)), nest(2, nla(15, [2]), nla(1, le32(9))))
    #expect(isMalformed(netlinkError { _ = try events(msg, upstream) }))
  }

  @Test func keySwapWithU16KeyID() throws {
    #expect(try events(Canned.upstreamKeySwap(keyID: le16(3)), upstream) == [.keySwap(ifindex: 5, peerID: 9, keyID: 3)])
  }

  @Test func keySwapWithU32KeyID() throws {
    #expect(try events(Canned.upstreamKeySwap(keyID: le32(6)), upstream) == [.keySwap(ifindex: 5, peerID: 9, keyID: 6)])
  }

  @Test func keySwapWithoutKeyIDIsMalformed() {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(9), nla(1, le32(5)), nest(3, nla(1, le32(9))))
    #expect(netlinkError { _ = try events(msg, upstream) } == .malformed("key-swap notification incomplete"))
  }

  @Test func peerFloatCarriesTheNewRemote() throws {
    #expect(
      try events(Canned.upstreamFloat(ifindex: 5, id: 9), upstream) == [
        .peerFloat(ifindex: 5, peerID: 9, remote: Endpoint(address: ip("2001:db8::9"), port: 40000, scopeID: 3))
      ])
  }

  @Test func upstreamNotificationWithoutIfindexIsMalformed() {
    let msg = nlmsg(type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(5), nest(2, nla(1, le32(9))))
    #expect(netlinkError { _ = try events(msg, upstream) } == .malformed("notification without ifindex"))
  }

  @Test func severalNotificationsInOneDatagram() throws {
    let d = Canned.upstreamPeerDel(id: 1) + Canned.upstreamKeySwap(id: 2) + Canned.upstreamFloat(id: 3)
    #expect(try events(d, upstream).map(\.peerID) == [1, 2, 3])
  }

  @Test func repliesAndControlMessagesAreNotNotifications() throws {
    // A reply (sequence and port set), an ACK (type below NLMSG_MIN_TYPE), a
    // message with port id set, then a real notification.
    let reply = nlmsg(
      type: K.upstreamFamily, seq: 4, pid: K.port, genlhdr(5), nla(1, le32(5)), nest(2, nla(1, le32(1))))
    let portOnly = nlmsg(type: K.upstreamFamily, seq: 0, pid: 7, genlhdr(5), nla(1, le32(5)), nest(2, nla(1, le32(2))))
    let control = nlmsg(type: K.error, seq: 0, pid: 0, lei32(0), nlhdr(len: 16, type: 0, flags: 0, seq: 0, pid: 0))
    let d = reply + portOnly + control + Canned.upstreamPeerDel(id: 3)
    #expect(try events(d, upstream).map(\.peerID) == [3])
  }

  @Test func otherCommandsAndFamiliesAreIgnored() throws {
    // A legacy DEL_PEER seen by the upstream codec (wrong family id), and an
    // upstream PEER_GET (not a notification command).
    #expect(try events(Canned.legacyDelPeer(), upstream).isEmpty)
    let get = nlmsg(type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(3), nla(1, le32(5)), nest(2, nla(1, le32(1))))
    #expect(try events(get, upstream).isEmpty)
    #expect(try events(Canned.upstreamPeerDel(), legacy).isEmpty)
  }

  @Test func eventAccessors() {
    let e = OvpnEvent.keySwap(ifindex: 4, peerID: 8, keyID: 1)
    #expect(e.ifindex == 4 && e.peerID == 8)
    #expect(DeleteReason.transportError.name == "transport-error")
  }
}
