// Whole commands, argv → the exact netlink requests, against a fake kernel
// that answers lookups and ACKs the rest. This checks what ovpnctl asks for,
// not what a kernel would do with it (the kernel tests do that).

import NetlinkFakes
import Testing

@testable import DCONetlink
@testable import ovpnctl

/// Runs one command line (after global options) against the fakes.
func run(_ line: String, genl: FakeKernel, rtnl: FakeKernel) throws {
  try Router.run(argv(line), fakeContext(genl, rtnl))
}

/// The CommandError a command line fails with.
func commandError(_ line: String, genl: FakeKernel, rtnl: FakeKernel, sourceLocation: SourceLocation = #_sourceLocation)
  -> CommandError?
{
  do {
    try run(line, genl: genl, rtnl: rtnl)
    Issue.record("\"\(line)\" succeeded", sourceLocation: sourceLocation)
    return nil
  } catch let e as CommandError {
    return e
  } catch {
    Issue.record("not a CommandError: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

let upstreamFamily = GenlFamily(name: "ovpn", id: 0x1b)
let legacyFamily = GenlFamily(name: "ovpn-dco-v2", id: 0x1a)

/// Compares a sent request with the expected encoding, ignoring the sequence number.
func expectRequest(_ sent: [UInt8]?, _ want: NetlinkMessage, sourceLocation: SourceLocation = #_sourceLocation) {
  guard let sent else {
    Issue.record("no request was sent", sourceLocation: sourceLocation)
    return
  }
  #expect(sent == withSequence(want.bytes, sequenceOf(sent)), sourceLocation: sourceLocation)
}

@Suite struct CommandRequestTests {
  let genl = FakeKernel()
  let rtnl = FakeKernel(links: ["tun0": (5, "ovpn"), "dco0": (6, "ovpn-dco"), "eth0": (2, "veth")])

  @Test func linkAddSendsNewLink() throws {
    try run("link add vpn1 type ovpn-dco mode mp mtu 1400", genl: genl, rtnl: rtnl)
    expectRequest(rtnl.commands.last, try LinkMessages.newLink(name: "vpn1", kind: .ovpnDCO, mode: .mp, mtu: 1400))
    try run("link add vpn2 mode p2p", genl: genl, rtnl: rtnl)  // without type: ovpn
    expectRequest(rtnl.commands.last, try LinkMessages.newLink(name: "vpn2", kind: .ovpn, mode: .p2p, mtu: nil))
  }

  @Test(arguments: [
    ("link add tun/0", "argument \"tun/0\" is wrong: not a valid interface name"),
    ("link add a:b", "argument \"a:b\" is wrong: not a valid interface name"),
    ("link add .", "argument \".\" is wrong: not a valid interface name"),
    ("link add ..", "argument \"..\" is wrong: not a valid interface name"),
    ("link add 0123456789abcdef", "argument \"0123456789abcdef\" is wrong: an interface name has 1 to 15 bytes"),
    ("link add tun0 mtu 67", "argument \"67\" is wrong: the MTU must be 68..65535"),
    ("link add tun0 mtu 65536", "argument \"65536\" is wrong: the MTU must be 68..65535"),
    ("link add tun0 type tun", "argument of \"type\" must be one of \"ovpn\", \"ovpn-dco\", not \"tun\""),
  ])
  func linkAddUsageErrorsSendNothing(line: String, message: String) {
    #expect(usageError { try run(line, genl: genl, rtnl: rtnl) } == message)
    #expect(genl.sent.isEmpty && rtnl.sent.isEmpty)
  }

  @Test func interfaceNameRules() throws {
    try LinkCommands.validateName("0123456789abcde")  // 15 bytes
    try LinkCommands.validateName("tun-0.x_y")
    #expect(
      usageError { try LinkCommands.validateName("") } == "argument \"\" is wrong: an interface name has 1 to 15 bytes")
    #expect(
      usageError { try LinkCommands.validateName("a b") } == "argument \"a b\" is wrong: not a valid interface name")
    #expect(
      usageError { try LinkCommands.validateName("a\tb") } == "argument \"a\tb\" is wrong: not a valid interface name")
  }

  @Test func linkDelSendsDelLinkByIndex() throws {
    try run("link del tun0", genl: genl, rtnl: rtnl)
    expectRequest(rtnl.commands.last, LinkMessages.deleteLink(index: 5))
  }

  @Test func linkDelRefusesOtherKinds() {
    guard
      case .netlink(.notOvpn(name: "eth0", kind: "veth"), _)? = commandError("link del eth0", genl: genl, rtnl: rtnl)
    else {
      Issue.record("expected notOvpn")
      return
    }
    #expect(rtnl.commands.isEmpty)
  }

  @Test func peerAddWithADescriptorOnUpstream() throws {
    try run("peer add dev tun0 id 5 fd 3 remote 192.0.2.1:1194 vpn-ip 10.8.0.5 keepalive 10 60", genl: genl, rtnl: rtnl)
    var c = PeerConfig(id: 5)
    c.socket = 3
    c.remote = Endpoint(address: IPAddress("192.0.2.1")!, port: 1194)
    c.vpnIPv4 = IPAddress("10.8.0.5")
    // PEER_NEW without keepalive, then PEER_SET with both values.
    var set = PeerConfig(id: 5)
    set.keepaliveInterval = 10
    set.keepaliveTimeout = 60
    #expect(genl.commands.count == 2)
    let codec = UpstreamCodec(family: upstreamFamily)
    expectRequest(genl.commands.first, try codec.newPeer(ifindex: 5, c))
    expectRequest(genl.commands.dropFirst().first, try codec.setPeer(ifindex: 5, set))
  }

  @Test func peerAddWithADescriptorOnLegacySetsKeepaliveAfterwards() throws {
    try run("peer add dev dco0 id 5 fd 3 remote 192.0.2.1:1194 keepalive 10 60", genl: genl, rtnl: rtnl)
    let codec = LegacyCodec(family: legacyFamily)
    var c = PeerConfig(id: 5)
    c.socket = 3
    c.remote = Endpoint(address: IPAddress("192.0.2.1")!, port: 1194)
    var set = PeerConfig(id: 5)
    set.keepaliveInterval = 10
    set.keepaliveTimeout = 60
    #expect(genl.commands.count == 2)
    expectRequest(genl.commands.first, try codec.newPeer(ifindex: 6, c))
    expectRequest(genl.commands.last, try codec.setPeer(ifindex: 6, set))
  }

  @Test func txIDIsRefusedOnLegacyBeforeAnythingIsSent() {
    let e = commandError("peer add dev dco0 id 5 fd 3 tx-id 9", genl: genl, rtnl: rtnl)
    guard case .netlink(.unsupported(let text), _)? = e else {
      Issue.record("expected unsupported, got \(String(describing: e))")
      return
    }
    #expect(text == "tx-id needs the upstream ovpn API; ovpn-dco-v2 has no transmit id")
    #expect(genl.commands.isEmpty)
  }

  @Test func peerSetOnUpstream() throws {
    try run("peer set dev tun0 id 5 remote [2001:db8::1]:1194 local 2001:db8::a keepalive 5 30", genl: genl, rtnl: rtnl)
    var c = PeerConfig(id: 5)
    c.remote = Endpoint(address: IPAddress("2001:db8::1")!, port: 1194)
    c.localAddress = IPAddress("2001:db8::a")
    c.keepaliveInterval = 5
    c.keepaliveTimeout = 30
    expectRequest(genl.commands.last, try UpstreamCodec(family: upstreamFamily).setPeer(ifindex: 5, c))
  }

  @Test func peerSetOnLegacyChangesOnlyKeepalive() throws {
    try run("peer set dev dco0 id 5 keepalive 5 30", genl: genl, rtnl: rtnl)
    var c = PeerConfig(id: 5)
    c.keepaliveInterval = 5
    c.keepaliveTimeout = 30
    expectRequest(genl.commands.last, try LegacyCodec(family: legacyFamily).setPeer(ifindex: 6, c))
    let e = commandError("peer set dev dco0 id 5 remote 192.0.2.1:1194", genl: genl, rtnl: rtnl)
    guard case .netlink(.unsupported(let text), _)? = e else {
      Issue.record("expected unsupported")
      return
    }
    #expect(text == "the ovpn-dco-v2 API can change only keepalive of an existing peer")
  }

  @Test func peerSetWithNothingToChange() {
    #expect(
      usageError { try run("peer set dev tun0 id 5", genl: genl, rtnl: rtnl) }
        == "nothing to change: give remote, local, vpn-ip, keepalive or tx-id")
    #expect(
      usageError { try run("peer set dev tun0 id 5 local 1.2.3", genl: genl, rtnl: rtnl) }
        == "argument \"1.2.3\" is wrong: not an IPv4 or IPv6 address")
  }

  @Test func peerDel() throws {
    try run("peer del dev dco0 id 7", genl: genl, rtnl: rtnl)
    expectRequest(genl.commands.last, try LegacyCodec(family: legacyFamily).deletePeer(ifindex: 6, id: 7))
    try run("peer delete dev tun0 id 8", genl: genl, rtnl: rtnl)
    expectRequest(genl.commands.last, try UpstreamCodec(family: upstreamFamily).deletePeer(ifindex: 5, id: 8))
  }

  @Test func kernelErrorsCarryTheOperation() {
    genl.failing[0x1a] = 2  // ENOENT for every legacy command
    let e = commandError("peer del dev dco0 id 7", genl: genl, rtnl: rtnl)
    guard case .netlink(let ne, let op)? = e else {
      Issue.record("expected a netlink error")
      return
    }
    #expect(ne == .kernel(errno: 2, extack: ExtAck()))
    #expect(op.dev == "dco0" && op.peer == 7)
    #expect(ErrorMessages.describe(e!) == "Error: no peer with id 7 on dco0.")
    #expect(e?.exitStatus == 2)
  }

  @Test(arguments: [
    (Cipher.aes256GCM, "aes-256-gcm"), (.chacha20Poly1305, "chacha20-poly1305"), (.aes128GCM, "aes-128-gcm"),
  ])
  func keyAddReadsBothFilesIntoNewKey(cipher: Cipher, name: String) throws {
    let dir = TempDir()
    let enc = material(cipher.materialLength, 0x10)
    let dec = material(cipher.materialLength, 0x80)
    let e = dir.file("enc.key", b64encode(enc) + "\n")
    let d = dir.file("dec.key", b64encode(dec) + "\n")
    for (dev, index, codec) in [
      ("tun0", UInt32(5), UpstreamCodec(family: upstreamFamily) as any OvpnCodec),
      ("dco0", 6, LegacyCodec(family: legacyFamily)),
    ] {
      try run(
        "key add dev \(dev) peer 1 slot secondary key-id 3 cipher \(name) encrypt \(e) decrypt \(d)", genl: genl,
        rtnl: rtnl)
      let key = KeyConfig(
        peerID: 1, slot: .secondary, keyID: 3, cipher: cipher, encrypt: SecretBytes(enc), decrypt: SecretBytes(dec))
      expectRequest(genl.commands.last, try codec.newKey(ifindex: index, key))
    }
  }

  @Test func keyAddWithABadFileSendsNothing() {
    let dir = TempDir()
    let good = dir.file("good.key", b64encode(material(24)))
    let bad = dir.file("bad.key", b64encode(material(40)))
    #expect(
      usageError {
        try run(
          "key add dev tun0 peer 1 slot primary key-id 0 cipher aes-128-gcm encrypt \(good) decrypt \(bad)", genl: genl,
          rtnl: rtnl)
      }
        == "decrypt key file \"\(bad)\" holds 40 bytes; aes-128-gcm needs 24 (16-byte key + 8-byte nonce tail)")
    #expect(genl.sent.isEmpty && rtnl.sent.isEmpty)
  }

  @Test func keySwapAndDel() throws {
    try run("key swap dev tun0 peer 2", genl: genl, rtnl: rtnl)
    expectRequest(genl.commands.last, try UpstreamCodec(family: upstreamFamily).swapKeys(ifindex: 5, peerID: 2))
    try run("key del dev dco0 peer 2 slot secondary", genl: genl, rtnl: rtnl)
    expectRequest(
      genl.commands.last, try LegacyCodec(family: legacyFamily).deleteKey(ifindex: 6, peerID: 2, slot: .secondary))
    #expect(
      usageError { try run("key del dev dco0 peer 2", genl: genl, rtnl: rtnl) } == "argument \"slot\" is required")
  }

  @Test func keyShowIsRefusedOnLegacy() {
    let e = commandError("key show dev dco0 peer 1", genl: genl, rtnl: rtnl)
    guard case .netlink(.unsupported(let text), _)? = e else {
      Issue.record("expected unsupported")
      return
    }
    #expect(text == "the ovpn-dco-v2 API cannot read keys back; key show needs the ovpn module")
    #expect(e?.exitStatus == 2)
    #expect(genl.commands.isEmpty)
  }

  @Test func obsoleteFamilyIsRefusedByName() {
    let old = FakeKernel(families: ["ovpn-dco": 0x1c])
    let e = commandError("peer del dev dco0 id 1", genl: old, rtnl: rtnl)
    guard case .netlink(.obsoleteAPI, _)? = e else {
      Issue.record("expected obsoleteAPI, got \(String(describing: e))")
      return
    }
  }
}
