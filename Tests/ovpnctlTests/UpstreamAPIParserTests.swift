// The upstream-API keywords of `peer add` and `peer set` (tx-id, mark,
// link-local remotes): argv → the exact request, and the usage errors.

import DCONetlink
import NetlinkFakes
import Testing

@testable import ovpnctl

@Suite struct UpstreamAPIParserTests {
  @Test func txIDOnEveryFormOfPeerAdd() throws {
    let udp = try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 tx-id 7")
    let connect = try parsePeerAdd("dev tun0 id 1 proto tcp remote 192.0.2.1:1194 tx-id 7")
    let listen = try parsePeerAdd("dev tun0 id 1 proto tcp listen :1194 tx-id 7")
    let fd = try parsePeerAdd("dev tun0 id 1 fd 3 tx-id 7")
    #expect(udp.config.txID == 7)
    #expect(
      connect
        == .init(
          dev: "tun0", config: config(1) { $0.txID = 7 },
          socketSource: .tcpConnect(remote: ep("192.0.2.1:1194"), local: nil)))
    #expect(
      listen == .init(dev: "tun0", config: config(1) { $0.txID = 7 }, socketSource: .tcpListen(local: ep("[::]:1194"))))
    #expect(fd == .init(dev: "tun0", config: config(1) { $0.txID = 7 }, socketSource: .descriptor(3)))
  }

  @Test func txIDIsAPeerID() {
    #expect(throws: UsageError.self) { try parsePeerAdd("dev tun0 id 1 fd 3 tx-id 16777216") }
    #expect(throws: UsageError.self) { try parsePeerAdd("dev tun0 id 1 proto tcp listen :1194 tx-id x") }
  }
}

@Suite struct MarkTests {
  @Test func markOnUDPAndTCP() throws {
    #expect(try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 mark 1056").mark == 1056)
    #expect(try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 mark 0xffffffff").mark == 0xffff_ffff)
    #expect(try parsePeerAdd("dev tun0 id 1 proto tcp remote 192.0.2.1:1194 mark 0x420").mark == 0x420)
    #expect(try parsePeerAdd("dev tun0 id 1 proto tcp listen :1194 mark 0").mark == 0)
    #expect(try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194").mark == nil)
  }

  @Test func markErrors() {
    #expect(throws: UsageError.wrong("4294967296", "a mark must be 0..0xffffffff")) {
      try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 mark 4294967296")
    }
    #expect(throws: UsageError.wrong("0x", "a mark must be 0..0xffffffff")) {
      try parsePeerAdd("dev tun0 id 1 remote 192.0.2.1:1194 mark 0x")
    }
    #expect(
      throws: UsageError("\"mark\" applies to the sockets ovpnctl opens; set SO_MARK on the socket given with \"fd\"")
    ) {
      try parsePeerAdd("dev tun0 id 1 fd 3 mark 5")
    }
  }

  @Test func markedKeeperRequests() throws {
    let v4 = Endpoint(address: IPAddress("192.0.2.1")!, port: 1194)
    #expect(
      KeeperProtocol.encode(.udpSocket(v4, mark: 0x420)) == [0x06, 4, 0xaa, 0x04, 192, 0, 2, 1, 0x20, 0x04, 0, 0])
    #expect(KeeperProtocol.encode(.udpSocket(v4, mark: 0)) == KeeperProtocol.encode(.udpSocket(v4)))
    #expect(
      KeeperProtocol.encode(.attach(v4, mark: 1, peer: 9)) == [
        0x07, 4, 0xaa, 0x04, 192, 0, 2, 1, 1, 0, 0, 0, 9, 0, 0, 0,
      ])
    for r in [KeeperProtocol.Request.udpSocket(v4, mark: 7), .attach(v4, mark: 0xffff_ffff, peer: 3)] {
      #expect(try KeeperProtocol.decodeRequest(KeeperProtocol.encode(r)[...]) == r)
    }
    // A marked request must carry a mark: 0 has its own, shorter form.
    #expect(throws: KeeperProtocol.Malformed("mark 0 in a marked request")) {
      try KeeperProtocol.decodeRequest([0x06, 4, 0xaa, 0x04, 192, 0, 2, 1, 0, 0, 0, 0][...])
    }
  }

  @Test func marksNeverShareASocket() {
    let e = Endpoint(address: .any(v6: false), port: 1194)
    var h = KeeperHoldings()
    h.reserve(e, mark: 0, newSocket: 10)
    #expect(h.udpSocket(e, mark: 0) == 10)
    #expect(h.udpSocket(e, mark: 1056) == nil)
    #expect(h.otherMark(on: e, than: 1056) == 0)
    #expect(h.otherMark(on: e, than: 0) == nil)
    let other = Endpoint(address: .any(v6: false), port: 1195)
    h.reserve(other, mark: 1056, newSocket: 11)
    #expect(h.udpSocket(other, mark: 1056) == 11)
    #expect(h.attach(1, to: other, mark: 1056) == [])
    #expect(h.attach(1, to: other, mark: 0) == nil)
  }

  @Test func wildcardPortsAreOneDualStackSocket() {
    let v4 = Endpoint(address: .any(v6: false), port: 1194)
    let v6 = Endpoint(address: .any(v6: true), port: 1194)
    #expect(KeeperHoldings.shared(v4) == v6)
    #expect(KeeperHoldings.shared(v6) == v6)
    let specific = Endpoint(address: IPAddress("192.0.2.1")!, port: 1194)
    #expect(KeeperHoldings.shared(specific) == specific)
    var h = KeeperHoldings()
    h.reserve(v6, newSocket: 10)
    #expect(h.udpSocket(v4) == 10)
    #expect(h.attach(1, to: v4) == [])
    #expect(h.attach(2, to: v6) == [])
    #expect(h.udp.count == 1)
  }
}
