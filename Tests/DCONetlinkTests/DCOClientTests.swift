// DCOClient over mock channels: family resolution and caching, the kind
// choice, the legacy keepalive follow-up, key reads, link lookups.

import NetlinkFakes
import Testing

@testable import DCONetlink

/// Answers genl requests like a kernel with the given families registered.
/// Everything that is not a GETFAMILY is acknowledged, or answered by `other`.
func genlKernel(
  families: [String: UInt16], other: ((_ request: [UInt8]) -> [[UInt8]]?)? = nil
) -> MockChannel {
  let t = MockChannel()
  t.responder = { req, _ in
    let seq = sequenceOf(req)
    let type = UInt16(req[4]) | UInt16(req[5]) << 8
    if type == K.genlCtrl, req[16] == 3 {
      // CTRL_ATTR_FAMILY_NAME starts at offset 24.
      let nameBytes = req[24...].prefix { $0 != 0 }
      let name = String(decoding: nameBytes, as: UTF8.self)
      guard let id = families[name] else { return [errorMessage(errno: K.ENOENT, seq: seq)] }
      let reply = nlmsg(
        type: K.genlCtrl, seq: seq, genlhdr(K.ctrlNewFamily), nla(1, le16(id)), nla(2, cstr(name)),
        nest(7, nest(1, nla(2, le32(UInt32(id) + 100)), nla(1, cstr("peers")))))
      return [reply, ackMessage(seq: seq)]
    }
    if let answer = other?(req) { return answer }
    return [ackMessage(seq: seq)]
  }
  return t
}

func genlCommand(_ request: [UInt8]) -> (type: UInt16, cmd: UInt8) {
  (UInt16(request[4]) | UInt16(request[5]) << 8, request[16])
}

@Suite struct DCOClientTests {
  @Test func familiesAreResolvedOnceAndCached() throws {
    let g = genlKernel(families: ["ovpn": 0x1b])
    let c = DCOClient(genl: g, rtnl: nil)
    let f1 = try c.family("ovpn")
    let f2 = try c.family("ovpn")
    #expect(f1 == f2)
    #expect(f1.multicastGroups == ["peers": 0x1b + 100])
    #expect(g.sent.count == 1)
  }

  @Test func missingFamiliesAreRememberedToo() {
    let g = genlKernel(families: [:])
    let c = DCOClient(genl: g, rtnl: nil)
    #expect(netlinkError { _ = try c.family("ovpn") } == .familyNotFound("ovpn"))
    #expect(netlinkError { _ = try c.family("ovpn") } == .familyNotFound("ovpn"))
    #expect(g.sent.count == 1)
  }

  @Test func codecFollowsTheKind() throws {
    let c = DCOClient(genl: genlKernel(families: ["ovpn": 0x1b, "ovpn-dco-v2": 0x1a]), rtnl: nil)
    let up = try c.codec(for: .ovpn)
    let old = try c.codec(for: .ovpnDCO)
    #expect(up is UpstreamCodec && up.family.id == 0x1b && up.kind == .ovpn)
    #expect(old is LegacyCodec && old.family.id == 0x1a && old.kind == .ovpnDCO)
  }

  @Test func thePre2023FamilyIsRefusedByName() {
    let c = DCOClient(genl: genlKernel(families: ["ovpn-dco": 0x1c]), rtnl: nil)
    #expect(netlinkError { _ = try c.family(for: .ovpnDCO) } == .obsoleteAPI)
  }

  @Test func legacyFamilyMissingWithoutTheOldOneIsFamilyNotFound() {
    let c = DCOClient(genl: genlKernel(families: [:]), rtnl: nil)
    #expect(netlinkError { _ = try c.family(for: .ovpnDCO) } == .familyNotFound("ovpn-dco-v2"))
  }

  @Test func linkAddWithoutTypePrefersOvpn() throws {
    let rtnl = ackingChannel()
    let c = DCOClient(genl: genlKernel(families: ["ovpn": 0x1b, "ovpn-dco-v2": 0x1a]), rtnl: rtnl)
    #expect(try c.addLink(name: "tun0", kind: nil, mode: .mp, mtu: nil) == .ovpn)
    let want = try LinkMessages.newLink(name: "tun0", kind: .ovpn, mode: .mp, mtu: nil)
    want.sequence = 1
    #expect(rtnl.sent == [want.bytes])
  }

  @Test func linkAddWithoutTypeFallsBackToOvpnDCO() throws {
    let rtnl = ackingChannel()
    let c = DCOClient(genl: genlKernel(families: ["ovpn-dco-v2": 0x1a]), rtnl: rtnl)
    #expect(try c.addLink(name: "tun0", kind: nil, mode: nil, mtu: 1400) == .ovpnDCO)
    let want = try LinkMessages.newLink(name: "tun0", kind: .ovpnDCO, mode: nil, mtu: 1400)
    want.sequence = 1
    #expect(rtnl.sent == [want.bytes])
  }

  @Test func linkAddWithoutAnyModuleIsNoKernelSupport() {
    let rtnl = ackingChannel()
    let c = DCOClient(genl: genlKernel(families: [:]), rtnl: rtnl)
    #expect(netlinkError { _ = try c.addLink(name: "tun0", kind: nil, mode: nil, mtu: nil) } == .noKernelSupport)
    #expect(netlinkError { _ = try c.addLink(name: "tun0", kind: .ovpn, mode: nil, mtu: nil) } == .noKernelSupport)
    #expect(rtnl.sent.isEmpty)
  }

  @Test func legacyAddPeerFollowsWithASetForKeepalive() throws {
    let g = genlKernel(families: ["ovpn-dco-v2": 0x1a])
    let c = DCOClient(genl: g, rtnl: nil)
    let codec = try c.codec(for: .ovpnDCO)
    var config = PeerConfig(id: 4)
    config.remote = ep("192.0.2.1:1194")
    config.socket = 3
    config.keepaliveInterval = 10
    config.keepaliveTimeout = 60
    try c.addPeer(Link(name: "tun0", index: 5, kind: "ovpn-dco"), codec: codec, config)
    let commands = g.sent.dropFirst().map(genlCommand)  // after GETFAMILY
    #expect(commands.map(\.cmd) == [1, 2])  // NEW_PEER, SET_PEER
    var set = PeerConfig(id: 4)
    set.keepaliveInterval = 10
    set.keepaliveTimeout = 60
    let want = try legacy.setPeer(ifindex: 5, set)
    #expect(g.sent[2] == withSequence(want.bytes, sequenceOf(g.sent[2])))
  }

  @Test func legacyAddPeerIsUndoneWhenTheKeepaliveSetFails() throws {
    let g = genlKernel(families: ["ovpn-dco-v2": 0x1a]) { req in
      genlCommand(req).cmd == 2 ? [errorMessage(errno: K.EINVAL, seq: sequenceOf(req))] : nil
    }
    let c = DCOClient(genl: g, rtnl: nil)
    let codec = try c.codec(for: .ovpnDCO)
    var config = PeerConfig(id: 4)
    config.socket = 3
    config.keepaliveInterval = 10
    config.keepaliveTimeout = 60
    let e = netlinkError { try c.addPeer(Link(name: "tun0", index: 5, kind: "ovpn-dco"), codec: codec, config) }
    #expect(e == .kernel(errno: K.EINVAL, extack: ExtAck()))
    #expect(g.sent.dropFirst().map(genlCommand).map(\.cmd) == [1, 2, 3])  // NEW, SET, DEL
    let del = try legacy.deletePeer(ifindex: 5, id: 4)
    #expect(g.sent[3] == withSequence(del.bytes, sequenceOf(g.sent[3])))
  }

  @Test func legacyAddPeerWithoutKeepaliveSendsOneMessage() throws {
    let g = genlKernel(families: ["ovpn-dco-v2": 0x1a])
    let c = DCOClient(genl: g, rtnl: nil)
    var config = PeerConfig(id: 4)
    config.socket = 3
    try c.addPeer(Link(name: "tun0", index: 5), codec: try c.codec(for: .ovpnDCO), config)
    #expect(g.sent.count == 2)
  }

  /// Upstream too: PEER_NEW without keepalive, then PEER_SET with both values.
  @Test func upstreamAddPeerFollowsWithASetForKeepalive() throws {
    let g = genlKernel(families: ["ovpn": 0x1b])
    let c = DCOClient(genl: g, rtnl: nil)
    var config = PeerConfig(id: 4)
    config.socket = 3
    config.keepaliveInterval = 10
    config.keepaliveTimeout = 60
    try c.addPeer(Link(name: "tun0", index: 5), codec: try c.codec(for: .ovpn), config)
    #expect(g.sent.dropFirst().map(genlCommand).map(\.cmd) == [1, 2])  // PEER_NEW, PEER_SET
    var new = config
    new.keepaliveInterval = nil
    new.keepaliveTimeout = nil
    let upstream = UpstreamCodec(family: GenlFamily(name: "ovpn", id: 0x1b))
    #expect(g.sent[1] == withSequence(try upstream.newPeer(ifindex: 5, new).bytes, sequenceOf(g.sent[1])))
    var set = PeerConfig(id: 4)
    set.keepaliveInterval = 10
    set.keepaliveTimeout = 60
    #expect(g.sent[2] == withSequence(try upstream.setPeer(ifindex: 5, set).bytes, sequenceOf(g.sent[2])))
  }

  @Test func keyReadBackIsRefusedOnLegacy() throws {
    let g = genlKernel(families: ["ovpn-dco-v2": 0x1a])
    let c = DCOClient(genl: g, rtnl: nil)
    let e = netlinkError {
      _ = try c.key(Link(name: "tun0", index: 5), codec: try c.codec(for: .ovpnDCO), peerID: 1, slot: .primary)
    }
    #expect(e == .unsupported("the ovpn-dco-v2 API cannot read keys back"))
    #expect(g.sent.count == 1)  // only the family lookup
  }

  @Test func upstreamKeyIsDecoded() throws {
    let g = genlKernel(families: ["ovpn": 0x1b]) { req in
      genlCommand(req).cmd == 7 ? [Canned.upstreamKey(seq: sequenceOf(req)), ackMessage(seq: sequenceOf(req))] : nil
    }
    let c = DCOClient(genl: g, rtnl: nil)
    let k = try c.key(Link(name: "tun0", index: 5), codec: try c.codec(for: .ovpn), peerID: 1, slot: .secondary)
    #expect(k == KeyInfo(peerID: 1, slot: .secondary, keyID: 5, algorithm: 2))
  }

  @Test func emptyKeySlotIsNil() throws {
    let g = genlKernel(families: ["ovpn": 0x1b]) { req in
      [
        errorMessage(
          errno: K.ENOENT, seq: sequenceOf(req),
          tlvs: nla(K.extMsg, cstr("ovpn: cannot extract key from slot 1 for peer 1")))
      ]
    }
    let c = DCOClient(genl: g, rtnl: nil)
    let k = try c.key(Link(name: "tun0", index: 5), codec: try c.codec(for: .ovpn), peerID: 1, slot: .secondary)
    #expect(k == nil)
  }

  @Test func missingPeerOnKeyReadIsAnError() throws {
    let g = genlKernel(families: ["ovpn": 0x1b]) { req in
      [
        errorMessage(
          errno: K.ENOENT, seq: sequenceOf(req), tlvs: nla(K.extMsg, cstr("ovpn: cannot find peer with id 1")))
      ]
    }
    let c = DCOClient(genl: g, rtnl: nil)
    let codec = try c.codec(for: .ovpn)
    let e = netlinkError { _ = try c.key(Link(name: "tun0", index: 5), codec: codec, peerID: 1, slot: .primary) }
    #expect(e?.errno == K.ENOENT)
  }

  @Test func peerLookupDecodesTheReply() throws {
    let g = genlKernel(families: ["ovpn": 0x1b]) { req in
      genlCommand(req).cmd == 3
        ? [Canned.upstreamPeer(id: 9, seq: sequenceOf(req), flags: 0), ackMessage(seq: sequenceOf(req))] : nil
    }
    let c = DCOClient(genl: g, rtnl: nil)
    let p = try c.peer(Link(name: "tun0", index: 5), codec: try c.codec(for: .ovpn), id: 9)
    #expect(p.id == 9)
  }

  @Test func linksAreDumpedOverRtnetlink() throws {
    let rtnl = MockChannel()
    rtnl.responder = { req, _ in
      let seq = sequenceOf(req)
      return [
        Canned.link(index: 1, name: "lo", kind: "none", data: nil, seq: seq)
          + Canned.link(index: 5, name: "tun0", seq: seq),
        Canned.link(index: 6, name: "tun1", kind: "ovpn-dco", data: nil, seq: seq),
        doneMessage(seq: seq),
      ]
    }
    let c = DCOClient(genl: nil, rtnl: rtnl)
    let links = try c.links()
    #expect(links.map(\.name) == ["lo", "tun0", "tun1"])
    #expect(links.map(\.ovpnKind) == [nil, .ovpn, .ovpnDCO])
    let want = LinkMessages.dumpLinks()
    want.sequence = 1
    #expect(rtnl.sent == [want.bytes])
  }

  @Test func linkByNameMapsENODEV() {
    let rtnl = MockChannel()
    rtnl.responder = { req, _ in [errorMessage(errno: K.ENODEV, seq: sequenceOf(req))] }
    let c = DCOClient(genl: nil, rtnl: rtnl)
    #expect(netlinkError { _ = try c.link(named: "nope") } == .noSuchDevice("nope"))
  }

  @Test func overlongOrEmptyNamesAreNotSent() {
    let rtnl = ackingChannel()
    let c = DCOClient(genl: nil, rtnl: rtnl)
    #expect(netlinkError { _ = try c.link(named: "0123456789abcdef") } == .noSuchDevice("0123456789abcdef"))
    #expect(netlinkError { _ = try c.link(named: "") } == .noSuchDevice(""))
    #expect(rtnl.sent.isEmpty)
  }

  @Test func nonOvpnLinkIsRefused() {
    let rtnl = MockChannel()
    rtnl.responder = { req, _ in
      [
        Canned.link(index: 3, name: "eth0", kind: "veth", data: nil, seq: sequenceOf(req), flags: 0),
        ackMessage(seq: sequenceOf(req)),
      ]
    }
    let c = DCOClient(genl: genlKernel(families: ["ovpn": 0x1b]), rtnl: rtnl)
    #expect(netlinkError { _ = try c.ovpnLink(named: "eth0") } == .notOvpn(name: "eth0", kind: "veth"))
  }

  @Test func ovpnLinkComesWithItsCodec() throws {
    let rtnl = MockChannel()
    rtnl.responder = { req, _ in
      [Canned.link(index: 5, seq: sequenceOf(req), flags: 0), ackMessage(seq: sequenceOf(req))]
    }
    let c = DCOClient(genl: genlKernel(families: ["ovpn": 0x1b]), rtnl: rtnl)
    let (link, codec) = try c.ovpnLink(named: "tun0")
    #expect(link.index == 5 && codec.kind == .ovpn)
    let want = try LinkMessages.getLink(name: "tun0")
    want.sequence = 1
    #expect(rtnl.sent == [want.bytes])
  }

  @Test func policyProbeFindsAttribute24() throws {
    let g = genlKernel(families: ["ovpn": 0x1b]) { req in
      guard req[16] == K.ctrlGetPolicy else { return nil }
      let seq = sequenceOf(req)
      return [
        nlmsg(
          type: K.genlCtrl, flags: K.multi, seq: seq, genlhdr(K.ctrlGetPolicy),
          nest(8, nest(1, nest(24, nla(1, le32(3)))))),
        doneMessage(seq: seq),
      ]
    }
    let c = DCOClient(genl: g, rtnl: nil)
    #expect(try c.familyPolicyHasAttribute(upstreamFamily, 24))
    #expect(try c.familyPolicyHasAttribute(upstreamFamily, 25) == false)
  }
}
