// `peer add`: argv → the exact request (peer config and transport), and
// every usage error with its exact text.

import DCONetlink
import NetlinkFakes
import Testing

@testable import ovpnctl

func parsePeerAdd(_ line: String) throws -> PeerCommands.AddRequest {
  try PeerCommands.parseAdd(arguments("peer add " + line))
}

func config(_ id: UInt32, remote: String? = nil, _ edit: (inout PeerConfig) -> Void = { _ in }) -> PeerConfig {
  var c = PeerConfig(id: id)
  c.remote = remote.map(ep)
  edit(&c)
  return c
}

@Suite struct PeerAddParserTests {
  @Test func udpIPv4Defaults() throws {
    #expect(
      try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194")
        == .init(
          dev: "tun0", config: config(1, remote: "192.0.2.1:1194"),
          socketSource: .udp(local: ep("0.0.0.0:1194"))))
  }

  @Test func udpIPv6Defaults() throws {
    #expect(
      try parsePeerAdd("dev tun0 id 2 remote [2001:db8::1]:51820")
        == .init(
          dev: "tun0", config: config(2, remote: "[2001:db8::1]:51820"),
          socketSource: .udp(local: ep("[::]:1194"))))
  }

  @Test func v4MappedRemoteBindsIPv4() throws {
    let r = try parsePeerAdd("dev tun0 id 2 remote [::ffff:192.0.2.1]:1194")
    #expect(r.socketSource == .udp(local: ep("0.0.0.0:1194")))
    #expect(r.config.remote == ep("[::ffff:192.0.2.1]:1194"))
  }

  @Test func localPortOnly() throws {
    #expect(
      try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 local :5000").socketSource
        == .udp(local: ep("0.0.0.0:5000")))
    #expect(
      try parsePeerAdd("dev tun0 id 1 remote [2001:db8::1]:1194 local :5000").socketSource
        == .udp(local: ep("[::]:5000")))
    #expect(try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 local :5000").config.localAddress == nil)
  }

  @Test func localAddressAndPort() throws {
    let r = try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 local 192.0.2.10:5000")
    #expect(r.socketSource == .udp(local: ep("192.0.2.10:5000")))
    #expect(r.config.localAddress == ip("192.0.2.10"))
    #expect(r.config.remote == ep("192.0.2.1:1194"))
  }

  @Test func localAddressTakesTheDefaultPort() throws {
    let r = try parsePeerAdd("dev tun0 id 1 remote [2001:db8::1]:1194 local 2001:db8::a")
    #expect(r.socketSource == .udp(local: ep("[2001:db8::a]:1194")))
    #expect(r.config.localAddress == ip("2001:db8::a"))
  }

  @Test func wildcardLocalIsNotSentAsALocalIP() throws {
    let r = try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 local 0.0.0.0:6000")
    #expect(r.socketSource == .udp(local: ep("0.0.0.0:6000")))
    #expect(r.config.localAddress == nil)
  }

  @Test func everythingTogether() throws {
    let r = try parsePeerAdd(
      "dev tun0 id 16777215 remote 192.0.2.1:1194 vpn-ip 10.8.0.2 vpn-ip fd00::2 keepalive 10 60 tx-id 7")
    #expect(
      r.config
        == config(16_777_215, remote: "192.0.2.1:1194") {
          $0.vpnIPv4 = ip("10.8.0.2")
          $0.vpnIPv6 = ip("fd00::2")
          $0.keepaliveInterval = 10
          $0.keepaliveTimeout = 60
          $0.txID = 7
        })
  }

  @Test func explicitUDPIsTheDefault() throws {
    #expect(
      try parsePeerAdd("dev t id 1 proto udp remote 192.0.2.1:1194") == parsePeerAdd("dev t id 1 remote 192.0.2.1:1194")
    )
  }

  @Test func tcpConnect() throws {
    #expect(
      try parsePeerAdd("dev tun0 id 3 proto tcp remote 192.0.2.1:1194 vpn-ip 10.8.0.3")
        == .init(
          dev: "tun0", config: config(3) { $0.vpnIPv4 = ip("10.8.0.3") },  // no remote for TCP peers
          socketSource: .tcpConnect(remote: ep("192.0.2.1:1194"), local: nil)))
  }

  @Test func tcpConnectFromALocalPort() throws {
    #expect(
      try parsePeerAdd("dev t id 3 proto tcp remote 192.0.2.1:1194 local :5000").socketSource
        == .tcpConnect(remote: ep("192.0.2.1:1194"), local: ep("0.0.0.0:5000")))
    #expect(
      try parsePeerAdd("dev t id 3 proto tcp remote [2001:db8::1]:1194 local :5000").socketSource
        == .tcpConnect(remote: ep("[2001:db8::1]:1194"), local: ep("[::]:5000")))
  }

  /// The IPv6 wildcard serves both families, so an IPv4 peer may share it.
  @Test func ipv6WildcardServesIPv4Peers() throws {
    let r = try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 local [::]:1194")
    #expect(r.socketSource == .udp(local: ep("[::]:1194")))
    #expect(r.config.localAddress == nil)
    #expect(r.config.remote == ep("192.0.2.1:1194"))
  }

  @Test func tcpListen() throws {
    #expect(
      try parsePeerAdd("dev tun0 id 4 proto tcp listen :1194 keepalive 5 30")
        == .init(
          dev: "tun0",
          config: config(4) {
            $0.keepaliveInterval = 5
            $0.keepaliveTimeout = 30
          }, socketSource: .tcpListen(local: ep("[::]:1194"))))
    #expect(try parsePeerAdd("dev t id 4 proto tcp listen [::]:443").socketSource == .tcpListen(local: ep("[::]:443")))
    #expect(
      try parsePeerAdd("dev t id 4 proto tcp listen 192.0.2.10").socketSource
        == .tcpListen(local: ep("192.0.2.10:1194")))
  }

  @Test func existingDescriptor() throws {
    #expect(
      try parsePeerAdd("dev tun0 id 5 fd 3") == .init(dev: "tun0", config: config(5), socketSource: .descriptor(3)))
    #expect(
      try parsePeerAdd("dev tun0 id 5 fd 7 remote 192.0.2.1:1194 vpn-ip 10.8.0.5")
        == .init(
          dev: "tun0", config: config(5, remote: "192.0.2.1:1194") { $0.vpnIPv4 = ip("10.8.0.5") },
          socketSource: .descriptor(7)))
  }

  @Test(arguments: [
    ("id 1 remote 192.0.2.1:1194", "argument \"dev\" is required"),
    ("dev tun0 remote 192.0.2.1:1194", "argument \"id\" is required"),
    ("dev tun0 id 1", "argument \"remote\" is required"),
    ("dev tun0 id 1 vpn-ip 10.8.0.2 keepalive 1 2", "argument \"remote\" is required"),
    ("dev tun0 id 16777216 remote 192.0.2.1:1194", "argument \"16777216\" is wrong: a peer id must be 0..16777215"),
    (
      "dev tun0 id 1 tx-id 16777216 remote 192.0.2.1:1194",
      "argument \"16777216\" is wrong: a peer id must be 0..16777215"
    ),
    (
      "dev tun0 id 1 remote 300.0.0.1:1194",
      "argument \"300.0.0.1:1194\" is wrong: expected ADDR:PORT, e.g. 192.0.2.1:1194 or [2001:db8::1]:1194"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:0",
      "argument \"192.0.2.1:0\" is wrong: expected ADDR:PORT, e.g. 192.0.2.1:1194 or [2001:db8::1]:1194"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:70000",
      "argument \"192.0.2.1:70000\" is wrong: expected ADDR:PORT, e.g. 192.0.2.1:1194 or [2001:db8::1]:1194"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1",
      "argument \"192.0.2.1\" is wrong: expected ADDR:PORT, e.g. 192.0.2.1:1194 or [2001:db8::1]:1194"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:1194 local :0",
      "argument \":0\" is wrong: expected [ADDR]:PORT, e.g. 0.0.0.0:1194, [::]:1194 or :1194"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:1194 local [2001:db8::5]:5000",
      "argument \"[2001:db8::5]:5000\" is wrong: local and remote addresses are of different families"
    ),
    (
      "dev tun0 id 1 remote [2001:db8::1]:1194 local 192.0.2.10",
      "argument \"192.0.2.10\" is wrong: local and remote addresses are of different families"
    ),
    (
      "dev tun0 id 1 proto tcp remote [2001:db8::1]:1194 local 192.0.2.10:5000",
      "argument \"192.0.2.10:5000\" is wrong: local and remote addresses are of different families"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:1194 vpn-ip 10.8.0.2 vpn-ip 10.8.0.3",
      "duplicate \"vpn-ip\": \"10.8.0.3\" is the second value"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:1194 vpn-ip fd00::2 vpn-ip fd00::3",
      "duplicate \"vpn-ip\": \"fd00::3\" is the second value"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:1194 vpn-ip 10.8.0.256",
      "argument \"10.8.0.256\" is wrong: not an IPv4 or IPv6 address"
    ),
    (
      "dev tun0 id 1 remote 192.0.2.1:1194 keepalive 10 90000",
      "argument \"90000\" is wrong: the keepalive timeout (seconds) must be 0..86400"
    ),
    (
      "dev tun0 id 1 proto tcp remote 192.0.2.1:1194 listen :1194",
      "proto tcp takes either \"remote\" or \"listen\", not both"
    ),
    ("dev tun0 id 1 proto tcp", "proto tcp needs \"remote ADDR:PORT\" or \"listen [ADDR]:PORT\""),
    ("dev tun0 id 1 proto tcp listen :1194 local :5000", "\"listen\" already names the local address; drop \"local\""),
    ("dev tun0 id 1 listen :1194", "\"listen\" needs \"proto tcp\""),
    ("dev tun0 id 1 proto udp listen :1194 remote 192.0.2.1:1194", "\"listen\" needs \"proto tcp\""),
    (
      "dev tun0 id 1 proto tcp listen :0",
      "argument \":0\" is wrong: expected [ADDR]:PORT, e.g. 0.0.0.0:1194, [::]:1194 or :1194"
    ),
    (
      "dev tun0 id 1 proto sctp remote 192.0.2.1:1194",
      "argument of \"proto\" must be one of \"udp\", \"tcp\", not \"sctp\""
    ),
    ("dev tun0 id 1 fd 3 proto tcp", "\"fd\" takes an existing socket: proto, listen and local do not apply"),
    ("dev tun0 id 1 fd 3 local :5000", "\"fd\" takes an existing socket: proto, listen and local do not apply"),
    ("dev tun0 id 1 fd 3 listen :5000", "\"fd\" takes an existing socket: proto, listen and local do not apply"),
    ("dev tun0 id 1 fd -1", "argument \"-1\" is wrong: a file descriptor must be 0..2147483647"),
    ("dev tun0 id 1 fd three", "argument \"three\" is wrong: a file descriptor must be 0..2147483647"),
  ])
  func usageErrors(line: String, message: String) {
    #expect(usageError { _ = try parsePeerAdd(line) } == message)
  }
}
