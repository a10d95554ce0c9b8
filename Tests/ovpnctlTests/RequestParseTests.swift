import DCONetlink
import Testing

@testable import ovpnctl

/// Each command line becomes its request value before anything runs: no
/// kernel, no file, no keeper is touched here.
@Suite struct RequestParseTests {
  /// The request `line` parses to, as the router makes it.
  func request<R: CommandRequest>(_ line: String, as _: R.Type) throws -> R? {
    let (spec, args) = try parsed(line)
    return try spec.parse(args) as? R
  }

  @Test func linkCommands() throws {
    #expect(
      try request("link add tun0 type ovpn mode mp mtu 1400", as: LinkCommands.AddRequest.self)
        == LinkCommands.AddRequest(name: "tun0", kind: .ovpn, mode: .mp, mtu: 1400))
    #expect(try request("link del tun0", as: LinkCommands.DeleteRequest.self) == .init(name: "tun0"))
    #expect(try request("link ls", as: LinkCommands.ShowRequest.self) == .init(name: nil))
  }

  @Test func peerCommands() throws {
    var config = PeerConfig(id: 4)
    config.keepaliveInterval = 5
    config.keepaliveTimeout = 30
    config.txID = 9
    #expect(
      try request("peer set dev tun0 id 4 keepalive 5 30 tx-id 9", as: PeerCommands.SetRequest.self)
        == PeerCommands.SetRequest(dev: "tun0", config: config))
    #expect(
      try request("peer delete dev tun0 id 4", as: PeerCommands.DeleteRequest.self)
        == .init(dev: "tun0", id: 4))
    #expect(
      try request("peer show dev tun0 status /run/s.log", as: PeerCommands.ShowRequest.self)
        == .init(peers: PeerSelection(dev: "tun0", id: nil, status: "/run/s.log")))
  }

  @Test func keyCommands() throws {
    #expect(
      try request("key swap dev tun0 peer 4", as: KeyCommands.SwapRequest.self)
        == .init(dev: "tun0", peer: 4))
    #expect(
      try request("key del dev tun0 peer 4 slot secondary", as: KeyCommands.DeleteRequest.self)
        == .init(dev: "tun0", peer: 4, slot: .secondary))
    #expect(
      try request("key show dev tun0 peer 4", as: KeyCommands.ShowRequest.self)
        == .init(dev: "tun0", peer: 4, slot: nil))
    #expect(
      try request("key generate cipher aes-128-gcm", as: KeyCommands.GenerateRequest.self)
        == .init(cipher: .aes128GCM))
  }

  @Test func observingCommands() throws {
    #expect(
      try request("stats dev tun0 peer 2", as: StatsCommand.Request.self)
        == .init(peers: PeerSelection(dev: "tun0", id: 2, status: nil)))
    #expect(
      try request("monitor dev tun0", as: MonitorCommand.Request.self)
        == .init(dev: "tun0", status: nil))
    #expect(
      try request("top interval 5", as: TopCommand.Request.self)
        == .init(dev: nil, interval: 5, count: nil))
    #expect(
      try request("metrics serve listen :9200", as: MetricsCommand.Request.self)
        == .init(address: nil, port: 9200))
    #expect(
      try request("metrics serve", as: MetricsCommand.Request.self)
        == .init(address: IPAddress("127.0.0.1"), port: 9176))
  }

  @Test func configurationCommands() throws {
    #expect(
      try request(
        "syncconf dev tun0 /etc/ovpnctl/tun0.conf rekey 3 primary rekey 4 secondary",
        as: ConfigCommands.SyncRequest.self)
        == .init(
          dev: "tun0", path: "/etc/ovpnctl/tun0.conf",
          rekey: [SlotRef(peer: 3, slot: .primary), SlotRef(peer: 4, slot: .secondary)]))
    #expect(
      try request("up /etc/ovpnctl/tun0.conf", as: ConfigCommands.UpRequest.self)
        == .init(path: "/etc/ovpnctl/tun0.conf", dev: "tun0"))
    #expect(try request("down tun0", as: ConfigCommands.DownRequest.self) == .init(dev: "tun0"))
  }

  /// A status file is read when the request runs, but its need for dev is
  /// the command line's, found at parse time.
  @Test func statusNeedsDevAtParseTime() throws {
    let (spec, args) = try parsed("stats status /nonexistent")
    #expect(
      usageError { _ = try spec.parse(args) }
        == "\"status\" names the peers of one OpenVPN server: give its interface with \"dev NAME\"")
  }
}
