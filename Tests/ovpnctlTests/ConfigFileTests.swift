// The configuration file parser: statements → the model, and every mistake
// named with its file and line before anything reaches the kernel.

import DCONetlink
import NetlinkFakes
import Testing

@testable import ovpnctl

private func parse(_ text: String, path: String = "/etc/ovpnctl/t.conf") throws(ConfigFile.LineError) -> ConfigFile {
  try ConfigFile.parse(text, path: path, checkKeyFiles: false)
}

/// The LineError a text raises, or nil.
private func lineError(_ text: String) -> ConfigFile.LineError? {
  do throws(ConfigFile.LineError) {
    _ = try parse(text)
    return nil
  } catch {
    return error
  }
}

@Suite struct ConfigFileTests {
  @Test func fullFile() throws {
    let f = try parse(
      """
      # a server
      interface kind ovpn mode mp mtu 1400
      address 10.200.0.1/24
      address fd00:200::1/64
      route 10.201.0.0/24 via 10.200.0.2

      peer id 1 remote 10.10.1.2:1194 local [::]:1194 vpn-ip 10.200.0.2 keepalive 10 60   # client 1
      key peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt keys/1.enc decrypt /k/1.dec
      peer id 2 proto tcp listen :1195 vpn-ip 10.200.0.3 vpn-ip fd00:200::3
      key peer 2 slot secondary key-id 5 cipher chacha20-poly1305 encrypt "a b" decrypt c\r
      """)
    #expect(f.interface == .init(kind: .ovpn, mode: .mp, mtu: 1400, line: 2))
    #expect(f.addresses.map(\.address) == ["10.200.0.1/24", "fd00:200::1/64"])
    #expect(f.routes == [.init(prefix: "10.201.0.0/24", via: "10.200.0.2", line: 5)])
    #expect(f.peers.map(\.id) == [1, 2])
    #expect(f.peers[0].line == 7)
    #expect(
      f.peers[0].words == argv("id 1 remote 10.10.1.2:1194 local [::]:1194 vpn-ip 10.200.0.2 keepalive 10 60"))
    #expect(f.peers[0].request.socketSource == .udp(local: ep("[::]:1194")))
    #expect(f.peers[0].request.config.keepaliveTimeout == 60)
    #expect(f.peers[1].request.socketSource == .tcpListen(local: ep("[::]:1195")))
    #expect(f.peers[1].request.config.vpnIPv6 == ip("fd00:200::3"))
    // Relative key files are the config file's neighbours; quotes group.
    #expect(f.keys[0].encrypt == "/etc/ovpnctl/keys/1.enc")
    #expect(f.keys[0].decrypt == "/k/1.dec")
    #expect(f.keys[1].encrypt == "/etc/ovpnctl/a b")
    #expect(f.keys[1].decrypt == "/etc/ovpnctl/c")
    #expect(
      f.keys[1].words
        == argv("peer 2 slot secondary key-id 5 cipher chacha20-poly1305 encrypt").map { $0 }
        + ["/etc/ovpnctl/a b", "decrypt", "/etc/ovpnctl/c"])
  }

  @Test func emptyFileIsNoPeers() throws {
    let f = try parse("\n# nothing\n\n")
    #expect(f.peers.isEmpty && f.keys.isEmpty && f.interface == nil)
  }

  @Test(
    "each mistake names its line",
    arguments: [
      ("peer id 1 remote 10.0.0.1:1194\nfrobnicate 3", 2, "unknown statement \"frobnicate\""),
      ("interface mode mp\ninterface mtu 1400", 2, "a second \"interface\" line (the first is line 1)"),
      ("interface mode bogus", 1, "argument of \"mode\" must be one of"),
      ("interface mtu 20", 1, "the MTU must be 68..65535"),
      ("\n\npeer id 1 remote nowhere", 3, "argument \"nowhere\" is wrong"),
      ("peer id 1 remote 10.0.0.1:1194\npeer id 1 remote 10.0.0.2:1194", 2, "peer id 1 is already declared on line 1"),
      ("peer dev x id 1 remote 10.0.0.1:1194", 1, "unknown keyword \"dev\""),
      ("peer id 1 fd 3", 1, "unknown keyword \"fd\""),
      (
        "peer id 1 remote 10.0.0.1:1194\nkey peer 1 slot primary key-id 9 cipher aes-256-gcm encrypt a decrypt b", 2,
        "a key id must be 0..7"
      ),
      (
        "peer id 1 remote 10.0.0.1:1194\nkey peer 1 slot primary key-id 1 cipher aes-256-gcm encrypt - decrypt b", 2,
        "standard input (-) is not one"
      ),
      ("key peer 4 slot primary key-id 1 cipher aes-256-gcm encrypt a decrypt b", 1, "which no peer line declares"),
      (
        "peer id 1 remote 10.0.0.1:1194\nkey peer 1 slot primary key-id 1 cipher aes-256-gcm encrypt a decrypt b\n"
          + "key peer 1 slot primary key-id 2 cipher aes-256-gcm encrypt a decrypt b", 3,
        "peer 1 has a primary key already (line 2)"
      ),
      (
        "peer id 1 remote 10.0.0.1:1194\nkey peer 1 slot primary key-id 1 cipher aes-256-gcm encrypt a decrypt b\n"
          + "key peer 1 slot secondary key-id 1 cipher aes-256-gcm encrypt a decrypt b", 3, "need different key ids"
      ),
      ("address 10.0.0.1/40", 1, "the prefix length is out of range"),
      ("route 10.0.0.0/8 via nowhere", 1, "not an IPv4 or IPv6 address"),
    ])
  func mistakes(_ text: String, _ line: Int, _ message: String) {
    let e = lineError(text)
    #expect(e?.line == line, "\(text)")
    #expect(e?.path == "/etc/ovpnctl/t.conf")
    #expect(e?.message.contains(message) == true, "\(e?.message ?? "no error")")
    #expect(e?.usage.message.hasPrefix("/etc/ovpnctl/t.conf:\(line): ") == true)
  }

  @Test func keyFilesAreCheckedWithTheirLength() throws {
    let dir = TempDir()
    dir.file("good", try KeyFile.generate(.aes256GCM).withBytes { String(decoding: $0, as: UTF8.self) })
    dir.file("short", try KeyFile.generate(.aes128GCM).withBytes { String(decoding: $0, as: UTF8.self) })
    let text = """
      peer id 1 remote 10.0.0.1:1194
      key peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt good decrypt good
      key peer 1 slot secondary key-id 1 cipher aes-256-gcm encrypt good decrypt short
      """
    let conf = dir.file("t.conf", text)
    do throws(ConfigFile.LineError) {
      _ = try ConfigFile.parse(text, path: conf)
      Issue.record("a short key file passed")
    } catch {
      #expect(error.line == 3)
      #expect(error.message.contains("decrypt key file \"\(dir.path)/short\" holds 24 bytes"))
    }
    dir.file(
      "t2.conf",
      "peer id 1 remote 10.0.0.1:1194\nkey peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt good decrypt missing\n"
    )
    #expect(throws: UsageError.self) { try ConfigFile.load(dir.path + "/t2.conf") }
    dir.file(
      "t3.conf",
      "peer id 1 remote 10.0.0.1:1194\nkey peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt good decrypt good\n")
    #expect(try ConfigFile.load(dir.path + "/t3.conf").keys.count == 1)
  }

  @Test func missingFileIsAUsageError() {
    #expect(throws: UsageError.self) { try ConfigFile.load("/nonexistent/x.conf") }
  }

  @Test func interfaceNameComesFromTheFileName() throws {
    #expect(try ConfigCommands.interfaceName("/etc/ovpnctl/ovpn0.conf") == "ovpn0")
    #expect(try ConfigCommands.interfaceName("tun3") == "tun3")
    #expect(throws: UsageError.self) { try ConfigCommands.interfaceName("/etc/ovpnctl/a-name-far-too-long.conf") }
  }

  @Test func quotingRoundTripsThroughTheBatchSplitter() {
    for words in [["key", "add", "encrypt", "/a b/c"], ["x", "it's"], ["#hash", ""]] {
      #expect(Batch.split(ConfigPlanner.line(words)) == words)
    }
  }
}
