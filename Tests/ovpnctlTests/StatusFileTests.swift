// OpenVPN status files: the real ones of the interop scenarios (OpenVPN
// 2.6.14 on the legacy kernel, 2.7.8 on upstream; status-version 2 and 3,
// from --status and from the management interface), and the ways a file
// can be wrong.

import DCONetlink
import Glibc
import Testing

@testable import ovpnctl

private func fixture(_ name: String) throws -> String { try StatusFixtures.text(name) }

private func peer(_ id: UInt32, remote: String? = nil, vpn: String? = nil) -> Peer {
  var p = Peer(id: id)
  p.remote = remote.flatMap { Endpoint(parsing: $0) }
  p.vpnIPv4 = vpn.flatMap { IPAddress($0) }
  return p
}

private func problem(_ text: String) -> StatusFile.Problem? {
  do {
    _ = try StatusFile.parse(text)
    return nil
  } catch {
    return error
  }
}

@Suite struct StatusFileTests {

  @Test(arguments: StatusFixtures.expected.map(\.file))
  func realFiles(name: String) throws {
    let want = StatusFixtures.expected.first { $0.file == name }!.clients
    let file = try StatusFile.parse(try fixture(name))
    #expect(file.hasPeerIDs)
    #expect(file.clients.count == want.count)
    for w in want {
      let c = try #require(file.clients.first { $0.commonName == w.name }, "\(name): no \(w.name)")
      #expect(c.peerID == w.id)
      #expect(c.realAddress == Endpoint(parsing: w.real))
      #expect(c.vpnIPv4 == IPAddress(w.vpn))
      // And the kernel's peer of that id gets the name, wherever it is now.
      #expect(file.commonName(of: peer(w.id, remote: "203.0.113.9:1")) == w.name)
    }
    #expect(file.commonName(of: peer(4242)) == nil)
  }

  @Test func versionTwoAndThreeReadAlike() throws {
    let v2 = try StatusFile.parse(StatusFixtures.sampleV2)
    let v3 = try StatusFile.parse(StatusFixtures.sampleV2.replacing(",", with: "\t"))
    #expect(v2 == v3)
    #expect(v2.clients.map(\.commonName) == ["bob", "alice"])
    // The same server's --status file (version 3) and management answer (version 2).
    #expect(try StatusFile.parse(fixture("openvpn-2.7.8-status-3.txt")) == v2)
  }

  @Test func crlfLinesFromTheManagementInterface() throws {
    let crlf = StatusFixtures.sampleV2
    #expect(crlf.utf8.contains(0x0d))
    #expect(try StatusFile.parse(crlf) == StatusFile.parse(crlf.replacing("\r\n", with: "\n")))
  }

  @Test func withoutPeerIDColumnPeersMatchByAddress() throws {
    // Drop the Peer ID column (an OpenVPN that does not write it).
    let text = StatusFixtures.sampleV2.replacing("\r\n", with: "\n").split(separator: "\n").map { line -> String in
      var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if f.first == "HEADER" && f.count > 13 && f[1] == "CLIENT_LIST" { f.remove(at: 12) }
      if f.first == "CLIENT_LIST" && f.count > 12 { f.remove(at: 11) }
      return f.joined(separator: ",")
    }.joined(separator: "\n")
    let file = try StatusFile.parse(text)
    #expect(!file.hasPeerIDs)
    #expect(file.clients.allSatisfy { $0.peerID == nil })
    #expect(text.contains("Data Channel Cipher") && !text.contains("Peer ID"))
    #expect(file.commonName(of: peer(77, remote: "10.10.2.2:41002")) == "bob")
    #expect(file.commonName(of: peer(78, vpn: "10.8.0.2")) == "alice")
    #expect(file.commonName(of: peer(79, remote: "10.10.9.9:1")) == nil)
  }

  @Test func undefNamesAndPeerIDsAreAbsent() throws {
    let text = StatusFixtures.sampleV2
      .replacing("CLIENT_LIST,bob,", with: "CLIENT_LIST,UNDEF,")
      .replacing(",UNDEF,1,1,AES", with: ",UNDEF,1,16777215,AES")
    let file = try StatusFile.parse(text)
    let bob = try #require(file.clients.first { $0.vpnIPv4 == IPAddress("10.8.0.3") })
    #expect(bob.commonName == nil)
    #expect(bob.peerID == nil)
  }

  @Test func realAddressForms() {
    #expect(StatusFile.endpoint("10.10.1.2:41001") == Endpoint(parsing: "10.10.1.2:41001"))
    #expect(StatusFile.endpoint("[fd00::2]:1194") == Endpoint(parsing: "[fd00::2]:1194"))
    #expect(StatusFile.endpoint("fd00::2:1194") == Endpoint(parsing: "[fd00::2]:1194"))
    #expect(StatusFile.endpoint("udp4:10.10.1.2:41001") == Endpoint(parsing: "10.10.1.2:41001"))
    #expect(StatusFile.endpoint("tcp4-server:10.10.1.2:41001") == Endpoint(parsing: "10.10.1.2:41001"))
    #expect(StatusFile.endpoint("10.10.1.2") == nil)
    #expect(StatusFile.endpoint("nonsense") == nil)
  }

  @Test(arguments: [
    ("", 1, "empty"),
    ("OpenVPN CLIENT LIST\nUpdated,x\n", 1, "status-version 1"),
    ("OpenVPN STATISTICS\nUpdated,x\nEND\n", 1, "p2p instance"),
    ("hello\n", 1, "not an OpenVPN status file"),
    ("TITLE,x\nCLIENT_LIST,a,10.0.0.1:1,,,1,1,x,1,UNDEF,0,0,AES-256-GCM\nEND\n", 2, "before its HEADER"),
    ("TITLE,x\nHEADER,CLIENT_LIST,Real Address\nEND\n", 2, "no \"Common Name\""),
    ("TITLE,x\nHEADER,CLIENT_LIST,Common Name,Peer ID\nCLIENT_LIST,a\nEND\n", 3, "has 1 fields, its HEADER names 2"),
    ("TITLE,x\nHEADER,CLIENT_LIST,Common Name,Peer ID\nCLIENT_LIST,a,seven\nEND\n", 3, "Peer ID \"seven\""),
    ("TITLE,x\nHEADER,CLIENT_LIST,Common Name,Real Address\nCLIENT_LIST,a,here\nEND\n", 3, "Real Address \"here\""),
    ("TITLE,x\nHEADER,CLIENT_LIST,Common Name,Virtual Address\nCLIENT_LIST,a,fd00::1\nEND\n", 3, "not an IPv4"),
    ("TITLE,x\nHEADER,CLIENT_LIST,Common Name,Virtual IPv6 Address\nCLIENT_LIST,a,10.0.0.1\nEND\n", 3, "not an IPv6"),
    ("TITLE,x\nHEADER,CLIENT_LIST,Common Name\n", 2, "ends before its END line"),
    ("TITLE,x\n\nEND\n", 2, "empty line"),
    ("TITLE,x\nEND\nCLIENT_LIST,a\n", 3, "text after END"),
  ])
  func problems(text: String, line: Int, message: String) throws {
    let p = try #require(problem(text))
    #expect(p.line == line)
    #expect(p.message.contains(message), "\(p.message)")
  }

  @Test func truncatedRealFileNamesItsLastLine() throws {
    let name = try #require(StatusFixtures.expected.first?.file)
    let cut = try fixture(name).split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
    #expect(
      problem(cut) == StatusFile.Problem(line: 3, message: "ends before its END line (cut short, or being rewritten)"))
  }

  @Test func readNamesTheFileAndLine() throws {
    do {
      _ = try StatusNames.read("/nonexistent/server.status")
      Issue.record("read a missing file")
    } catch {
      #expect(error.message == "cannot open status file \"/nonexistent/server.status\": No such file or directory")
    }
    var path = Array("/tmp/ovpnctl-status-XXXXXX".utf8CString)
    let fd = mkstemp(&path)
    try #require(fd >= 0)
    let name = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { unlink(name) }
    let text = "TITLE,x\nHEADER,CLIENT_LIST,Common Name\n"
    _ = text.withCString { write(fd, $0, strlen($0)) }
    close(fd)
    do {
      _ = try StatusNames.read(name, attempts: 1)
      Issue.record("read a cut-short file")
    } catch {
      #expect(
        error.message == "status file \"\(name)\", line 2: ends before its END line (cut short, or being rewritten)")
    }
  }

  @Test func namesForRows() throws {
    let file = try StatusFile.parse(StatusFixtures.sampleV2)
    #expect([0, 1, 9].map { file.commonName(of: peer($0)) } == ["alice", "bob", nil])
    let name = file.namer()
    #expect([0, 1, 9].map { name(peer($0)) } == ["alice", "bob", nil])
  }
}
