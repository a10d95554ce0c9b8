// The upstream-API keywords of `peer add` and `peer set` (tx-id, mark,
// link-local remotes): argv → the exact request, and the usage errors.

import DCONetlink
import Testing

@testable import ovpnctl

@Suite struct UpstreamAPIParserTests {
  @Test func txIDOnEveryFormOfPeerAdd() throws {
    let udp = try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 tx-id 7")
    let connect = try parsePeerAdd("dev tun0 id 1 proto tcp remote 192.0.2.1:1194 tx-id 7")
    let listen = try parsePeerAdd("dev tun0 id 1 proto tcp listen :1194 tx-id 7")
    let fd = try parsePeerAdd("dev tun0 id 1 fd 3 tx-id 7")
    #expect(udp.config.txID == 7)
    #expect(connect == .init(dev: "tun0", config: config(1) { $0.txID = 7 }, transport: .tcpConnect(remote: ep("192.0.2.1:1194"), local: nil)))
    #expect(listen == .init(dev: "tun0", config: config(1) { $0.txID = 7 }, transport: .tcpListen(local: ep("[::]:1194"))))
    #expect(fd == .init(dev: "tun0", config: config(1) { $0.txID = 7 }, transport: .descriptor(3)))
  }

  @Test func txIDIsAPeerID() {
    #expect(throws: UsageError.self) { try parsePeerAdd("dev tun0 id 1 fd 3 tx-id 16777216") }
    #expect(throws: UsageError.self) { try parsePeerAdd("dev tun0 id 1 proto tcp listen :1194 tx-id x") }
  }
}
