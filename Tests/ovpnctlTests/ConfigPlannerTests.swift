// The planner (old state + file → the command lines that make the one the
// other) and showconf's round trip, without a kernel.

import NetlinkFakes
import Testing

@testable import DCONetlink
@testable import ovpnctl

private func file(_ text: String) throws(ConfigFile.LineError) -> ConfigFile {
  try ConfigFile.parse(text, path: "t.conf", checkKeyFiles: false)
}

private func peer(
  _ id: UInt32, remote: String? = nil, localPort: UInt16? = 1194, vpn4: String? = nil,
  vpn6: String? = nil, keepalive: (UInt32, UInt32)? = nil
) -> Peer {
  var p = Peer(id: id)
  p.remote = remote.map(ep)
  p.localPort = remote == nil ? nil : localPort
  p.vpnIPv4 = vpn4.map(ip)
  p.vpnIPv6 = vpn6.map(ip)
  p.keepaliveInterval = keepalive?.0 ?? 0
  p.keepaliveTimeout = keepalive?.1 ?? 0
  return p
}

private func key(_ peer: UInt32, _ slot: KeySlot, _ id: UInt32, chacha: Bool = false) -> KeyInfo {
  KeyInfo(peerID: peer, slot: slot, keyID: id, algorithm: chacha ? 2 : 1)
}

private func plan(
  _ text: String, _ state: RunningState, _ mode: ConfigPlanner.Mode = .sync, rekey: Set<SlotRef> = []
) throws -> [String] {
  try ConfigPlanner.plan(file(text), dev: "ovpn0", running: state, mode: mode, rekey: rekey).steps.map(
    ConfigPlanner.line)
}

private let three = """
  interface mode mp
  peer id 1 remote 10.10.1.2:1194 local [::]:1194 vpn-ip 10.200.0.2 keepalive 10 60
  key peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt /k/1e decrypt /k/1d
  peer id 2 remote 10.10.2.2:1194 local [::]:1194 vpn-ip 10.200.0.3
  key peer 2 slot primary key-id 0 cipher aes-256-gcm encrypt /k/2e decrypt /k/2d
  peer id 3 remote [fd00:3::2]:1194 local [::]:1194 vpn-ip 10.200.0.4
  key peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d
  """

/// The kernel's view of `three`, fully applied.
private func threeRunning(_ kind: OvpnKind) -> RunningState {
  RunningState(
    kind: kind, mode: .mp, mtu: 1416,
    peers: [
      peer(1, remote: "10.10.1.2:1194", vpn4: "10.200.0.2", keepalive: (10, 60)),
      peer(2, remote: "10.10.2.2:1194", vpn4: "10.200.0.3"),
      peer(3, remote: "[fd00:3::2]:1194", vpn4: "10.200.0.4"),
    ],
    keys: kind == .ovpn ? [1: [key(1, .primary, 0)], 2: [key(2, .primary, 0)], 3: [key(3, .primary, 0)]] : nil)
}

@Suite struct ConfigPlannerTests {
  @Test func setconfOnAFreshInterfaceAddsEverything() throws {
    let empty = RunningState(kind: .ovpn, mode: .mp, mtu: 1416, peers: [], keys: [:])
    #expect(
      try plan(three, empty, .set) == [
        "peer add dev ovpn0 id 1 remote 10.10.1.2:1194 local [::]:1194 vpn-ip 10.200.0.2 keepalive 10 60",
        "key add dev ovpn0 peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt /k/1e decrypt /k/1d",
        "peer add dev ovpn0 id 2 remote 10.10.2.2:1194 local [::]:1194 vpn-ip 10.200.0.3",
        "key add dev ovpn0 peer 2 slot primary key-id 0 cipher aes-256-gcm encrypt /k/2e decrypt /k/2d",
        "peer add dev ovpn0 id 3 remote [fd00:3::2]:1194 local [::]:1194 vpn-ip 10.200.0.4",
        "key add dev ovpn0 peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d",
      ])
  }

  @Test(arguments: [OvpnKind.ovpn, .ovpnDCO])
  func syncconfOfTheSameStateDoesNothing(_ kind: OvpnKind) throws {
    #expect(try plan(three, threeRunning(kind)) == [])
  }

  @Test func setconfReplacesEveryPeerAndDropsTheRest() throws {
    var state = threeRunning(.ovpn)
    state.peers.append(peer(9, remote: "10.10.9.2:1194", vpn4: "10.200.0.9"))
    let steps = try plan(three, state, .set)
    #expect(
      steps.filter { $0.hasPrefix("peer del") } == [
        "peer del dev ovpn0 id 1", "peer del dev ovpn0 id 2", "peer del dev ovpn0 id 3", "peer del dev ovpn0 id 9",
      ])
    #expect(steps.filter { $0.hasPrefix("peer add") }.count == 3)
    #expect(steps.filter { $0.hasPrefix("key add") }.count == 3)
    // Each replaced peer is deleted just before it is added again; the extra one goes last.
    #expect(
      steps.firstIndex(of: "peer del dev ovpn0 id 2")! + 1
        == steps.firstIndex { $0.hasPrefix("peer add dev ovpn0 id 2") }!)
    #expect(steps.last == "peer del dev ovpn0 id 9")
  }

  /// The scenario of the kernel test: one added, one removed, one keepalive
  /// changed and one key rotated (a new key-id in the secondary slot).
  @Test func syncconfChangesOnlyWhatDiffers() throws {
    let edited = """
      interface mode mp
      peer id 1 remote 10.10.1.2:1194 local [::]:1194 vpn-ip 10.200.0.2 keepalive 5 30
      key peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt /k/1e decrypt /k/1d
      peer id 3 remote [fd00:3::2]:1194 local [::]:1194 vpn-ip 10.200.0.4
      key peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d
      key peer 3 slot secondary key-id 1 cipher aes-256-gcm encrypt /k/3e2 decrypt /k/3d2
      peer id 4 remote 10.10.4.2:1194 local [::]:1194 vpn-ip 10.200.0.5
      key peer 4 slot primary key-id 0 cipher aes-256-gcm encrypt /k/4e decrypt /k/4d
      """
    let expected = [
      "peer add dev ovpn0 id 4 remote 10.10.4.2:1194 local [::]:1194 vpn-ip 10.200.0.5",
      "key add dev ovpn0 peer 4 slot primary key-id 0 cipher aes-256-gcm encrypt /k/4e decrypt /k/4d",
      "peer set dev ovpn0 id 1 keepalive 5 30",
      "key add dev ovpn0 peer 3 slot secondary key-id 1 cipher aes-256-gcm encrypt /k/3e2 decrypt /k/3d2",
      "peer del dev ovpn0 id 2",
    ]
    #expect(try plan(edited, threeRunning(.ovpn)) == expected)
    // ovpn-dco cannot report keys: the rotation happens only when named.
    let legacy = try ConfigPlanner.plan(file(edited), dev: "ovpn0", running: threeRunning(.ovpnDCO), mode: .sync)
    #expect(legacy.steps.map(ConfigPlanner.line) == expected.filter { !$0.contains("peer 3 slot secondary") })
    #expect(legacy.notes.count == 1 && legacy.notes[0].contains("cannot report keys"))
    #expect(
      try plan(edited, threeRunning(.ovpnDCO), rekey: [SlotRef(peer: 3, slot: .secondary)]) == expected)
  }

  @Test func keysDifferByIdOrCipher() throws {
    var state = threeRunning(.ovpn)
    state.keys![1] = [key(1, .primary, 3)]
    state.keys![2] = [key(2, .primary, 0, chacha: true)]
    state.keys![3] = []
    #expect(
      try plan(three, state) == [
        "key add dev ovpn0 peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt /k/1e decrypt /k/1d",
        "key add dev ovpn0 peer 2 slot primary key-id 0 cipher aes-256-gcm encrypt /k/2e decrypt /k/2d",
        "key add dev ovpn0 peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d",
      ])
  }

  /// After a rotation the file names the new key primary and the old one
  /// secondary; the kernel holds them the other way round: swap, never
  /// install a key again.
  @Test func aKeyInTheOtherSlotIsSwappedNotReinstalled() throws {
    var state = threeRunning(.ovpn)
    state.keys![3] = [key(3, .primary, 0), key(3, .secondary, 1)]
    let rotated = three.replacing(
      "key peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d",
      with: "key peer 3 slot primary key-id 1 cipher aes-256-gcm encrypt /k/3e2 decrypt /k/3d2\n"
        + "key peer 3 slot secondary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d")
    #expect(try plan(rotated, state) == ["key swap dev ovpn0 peer 3"])
    // With the old key dropped from the file, the swap is all there is too.
    let only = three.replacing(
      "key peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d",
      with: "key peer 3 slot primary key-id 1 cipher aes-256-gcm encrypt /k/3e2 decrypt /k/3d2")
    #expect(try plan(only, state) == ["key swap dev ovpn0 peer 3"])
    // A new key for the secondary slot after the swap is installed there.
    let next = rotated.replacing(
      "slot secondary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d",
      with: "slot secondary key-id 2 cipher aes-256-gcm encrypt /k/3e3 decrypt /k/3d3")
    #expect(
      try plan(next, state) == [
        "key swap dev ovpn0 peer 3",
        "key add dev ovpn0 peer 3 slot secondary key-id 2 cipher aes-256-gcm encrypt /k/3e3 decrypt /k/3d3",
      ])
  }

  @Test func whatPeerSetCanChangeOnEachAPI() throws {
    let moved = three.replacing("remote 10.10.2.2:1194", with: "remote 10.10.2.9:1200")
      .replacing("vpn-ip 10.200.0.4", with: "vpn-ip 10.200.0.40")
    #expect(
      try plan(moved, threeRunning(.ovpn)) == [
        "peer set dev ovpn0 id 2 remote 10.10.2.9:1200",
        "peer set dev ovpn0 id 3 vpn-ip 10.200.0.40",
      ])
    // ovpn-dco changes only keepalive: the others are deleted and added again, keys included.
    #expect(
      try plan(moved, threeRunning(.ovpnDCO)) == [
        "peer del dev ovpn0 id 2",
        "peer add dev ovpn0 id 2 remote 10.10.2.9:1200 local [::]:1194 vpn-ip 10.200.0.3",
        "key add dev ovpn0 peer 2 slot primary key-id 0 cipher aes-256-gcm encrypt /k/2e decrypt /k/2d",
        "peer del dev ovpn0 id 3",
        "peer add dev ovpn0 id 3 remote [fd00:3::2]:1194 local [::]:1194 vpn-ip 10.200.0.40",
        "key add dev ovpn0 peer 3 slot primary key-id 0 cipher aes-256-gcm encrypt /k/3e decrypt /k/3d",
      ])
    // A vpn IP removed, or a new local port, needs a new peer on both.
    var dual = threeRunning(.ovpn)
    dual.peers[1].vpnIPv6 = ip("fd00::3")
    let ported = three.replacing("10.10.1.2:1194 local [::]:1194", with: "10.10.1.2:1194 local [::]:1195")
    let steps = try plan(ported, dual)
    #expect(steps.contains("peer del dev ovpn0 id 1") && steps.contains("peer del dev ovpn0 id 2"))
    #expect(!steps.contains("peer del dev ovpn0 id 3"))
  }

  @Test func p2pReplacesThePeerByAddingIt() throws {
    let state = RunningState(
      kind: .ovpnDCO, mode: .p2p, mtu: 1428, peers: [peer(1, remote: "10.10.0.2:1194")], keys: nil)
    #expect(
      try plan("peer id 2 remote 10.10.0.2:1194", state) == [
        "peer add dev ovpn0 id 2 remote 10.10.0.2:1194"
      ])
    #expect(
      try plan("peer id 1 remote 10.10.0.3:1194", state) == [
        "peer add dev ovpn0 id 1 remote 10.10.0.3:1194"
      ])
    #expect(try plan("", state) == ["peer del dev ovpn0 id 1"])
  }

  @Test(
    "the file is checked against the interface",
    arguments: [
      ("interface kind ovpn-dco", 1, "the file says kind ovpn-dco, the interface is ovpn"),
      ("interface mode p2p", 1, "the file says mode p2p, the interface is mp"),
      ("peer id 1 remote 10.0.0.1:1194", 1, "needs a vpn-ip"),
      ("peer id 1 remote 10.0.0.1:1194 vpn-ip 10.8.0.2\npeer id 2 remote 10.0.0.2:1194", 2, "needs a vpn-ip"),
    ])
  func mismatches(_ text: String, _ line: Int, _ message: String) throws {
    let state = RunningState(kind: .ovpn, mode: .mp, mtu: 1416, peers: [], keys: [:])
    do throws(ConfigFile.LineError) {
      _ = try ConfigPlanner.plan(try file(text), dev: "ovpn0", running: state, mode: .set)
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.line == line)
      #expect(error.message.contains(message), "\(error.message)")
    }
  }

  @Test func p2pRules() throws {
    let p2p = RunningState(kind: .ovpn, mode: .p2p, mtu: 1416, peers: [], keys: [:])
    #expect(throws: ConfigFile.LineError.self) {
      try ConfigPlanner.plan(
        try file("peer id 1 remote 10.0.0.1:1194\npeer id 2 remote 10.0.0.2:1194"),
        dev: "x", running: p2p, mode: .set)
    }
    #expect(throws: ConfigFile.LineError.self) {
      try ConfigPlanner.plan(
        try file("peer id 1 remote 10.0.0.1:1194 vpn-ip 10.8.0.2"), dev: "x", running: p2p, mode: .set)
    }
    var legacy = p2p
    legacy.kind = .ovpnDCO
    #expect(throws: ConfigFile.LineError.self) {
      try ConfigPlanner.plan(try file("peer id 1 remote 10.0.0.1:1194 tx-id 4"), dev: "x", running: legacy, mode: .set)
    }
  }

  // MARK: showconf

  /// showconf's output parses, describes the same peers, and syncing it
  /// back onto the interface it came from changes nothing.
  @Test(arguments: [OvpnKind.ovpn, .ovpnDCO])
  func showconfRoundTrip(_ kind: OvpnKind) throws {
    var state = threeRunning(kind)
    state.peers[0].localAddress = ip("10.10.1.1")
    state.peers[2].remote = Endpoint(address: ip("fe80::2"), port: 1194, scopeID: 3)
    if kind == .ovpn { state.peers[1].txID = 7 }
    let text = ConfigRenderer.render(dev: "ovpn0", state, complete: true)
    let parsed = try file(text)
    #expect(parsed.interface?.kind == kind && parsed.interface?.mode == .mp && parsed.interface?.mtu == 1416)
    #expect(parsed.peers.map(\.id) == [1, 2, 3])
    #expect(parsed.keys.isEmpty, "keys are comments: the kernel reports no key files")
    for (p, q) in zip(parsed.peers, state.peers) {
      #expect(p.request.config.remote == q.remote)
      #expect(p.request.config.vpnIPv4 == q.vpnIPv4)
      #expect(p.request.config.keepaliveInterval ?? 0 == q.keepaliveInterval)
      // Peers on one port that include an IPv6 one share the IPv6 wildcard socket.
      #expect(p.request.socketSource == .udp(local: ep("[::]:1194")))
    }
    #expect(try ConfigPlanner.plan(parsed, dev: "ovpn0", running: state, mode: .sync).steps == [])
    if kind == .ovpn {
      #expect(text.contains("# key peer 1 slot primary key-id 0 cipher aes-gcm encrypt FILE decrypt FILE"))
      #expect(parsed.peers[1].request.config.txID == 7)
    } else {
      #expect(text.contains("cannot report them"))
    }
    #expect(text.contains("# local address in use: 10.10.1.1"))
  }

  @Test func showconfOfATCPPeerIsACommentedLine() throws {
    var tcp = Peer(id: 5)
    tcp.vpnIPv4 = ip("10.200.0.6")
    let state = RunningState(kind: .ovpn, mode: .mp, mtu: 1416, peers: [tcp], keys: [:])
    let text = ConfigRenderer.render(dev: "ovpn0", state, complete: true)
    #expect(text.contains("# peer id 5 vpn-ip 10.200.0.6 proto tcp"))
    #expect(try file(text).peers.isEmpty)
  }

  @Test func showconfOfIPv4OnlyPeersBindsTheIPv4Wildcard() throws {
    let state = RunningState(
      kind: .ovpnDCO, mode: nil, mtu: 1428, peers: [peer(1, remote: "10.0.0.2:1194", keepalive: (10, 60))], keys: nil)
    let text = ConfigRenderer.render(dev: "tun0", state, complete: true)
    #expect(text.contains("\ninterface kind ovpn-dco mtu 1428\n"))
    #expect(text.contains("\npeer id 1 remote 10.0.0.2:1194 local :1194 keepalive 10 60\n"))
    #expect(try file(text).peers[0].request.socketSource == .udp(local: ep("0.0.0.0:1194")))
  }
}
