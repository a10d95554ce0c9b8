// Arguments: keywords against a command's spec, and the typed accessors
// with their exact usage messages.

import DCONetlink
import NetlinkFakes
import Testing

@testable import ovpnctl

@Suite struct ArgumentsTests {
  @Test func positionalAndKeywords() throws {
    let a = try arguments("link add tun0 type ovpn-dco mode mp mtu 1400")
    #expect(a.positional == "tun0")
    #expect(try a.choice("type") == "ovpn-dco")
    #expect(try a.choice("mode") == "mp")
    #expect(try a.number("mtu", 68...65535, what: "the MTU") == UInt32(1400))
    #expect(a.has("type") && !a.has("dev"))
  }

  @Test func optionalPositionalMayBeAbsent() throws {
    #expect(try arguments("link show").positional == nil)
    #expect(try arguments("link show tun0").positional == "tun0")
  }

  @Test func requiredPositionalMissing() {
    #expect(usageError { _ = try Router.parse(argv("link add")) } == "argument \"NAME\" is required")
    #expect(usageError { _ = try Router.parse(argv("link add type ovpn")) } == "argument \"NAME\" is required")
    #expect(usageError { _ = try Router.parse(argv("link del")) } == "argument \"NAME\" is required")
  }

  @Test func secondPositionalIsAnUnknownKeyword() {
    #expect(
      usageError { _ = try Router.parse(argv("link del tun0 tun1")) }
        == "unknown keyword \"tun1\", try \"ovpnctl link help\"")
  }

  @Test func unknownKeyword() {
    #expect(
      usageError { _ = try Router.parse(argv("peer add dev tun0 frob 1")) }
        == "unknown keyword \"frob\", try \"ovpnctl peer help\"")
    #expect(
      usageError { _ = try Router.parse(argv("key swap dev tun0 id 1")) }
        == "unknown keyword \"id\", try \"ovpnctl key help\"")
  }

  @Test func missingValue() {
    #expect(usageError { _ = try Router.parse(argv("peer add dev")) } == "argument \"dev\" needs NAME")
    #expect(
      usageError { _ = try Router.parse(argv("peer add dev t id 1 keepalive 10")) }
        == "argument \"keepalive\" needs INTERVAL TIMEOUT")
    #expect(usageError { _ = try Router.parse(argv("key add dev t encrypt")) } == "argument \"encrypt\" needs FILE")
  }

  @Test func duplicateKeyword() {
    #expect(
      usageError { _ = try Router.parse(argv("peer add dev a id 1 dev b")) }
        == "duplicate \"dev\": \"b\" is the second value")
    #expect(
      usageError { _ = try Router.parse(argv("peer set dev a id 1 keepalive 1 2 keepalive 5 6")) }
        == "duplicate \"keepalive\": \"5 6\" is the second value")
  }

  @Test func repeatableKeyword() throws {
    let a = try arguments("peer add dev t id 1 vpn-ip 10.8.0.2 vpn-ip fd00::2")
    #expect(a.all("vpn-ip") == [["10.8.0.2"], ["fd00::2"]])
    #expect(a.all("remote").isEmpty)
  }

  @Test func peerIDs() throws {
    #expect(try arguments("peer del dev t id 0").peerID("id") == 0)
    #expect(try arguments("peer del dev t id 16777215").peerID("id") == 16_777_215)
    for bad in ["16777216", "-1", "4294967296", "abc", "0x10", ""] {
      let a = try arguments("peer del dev t id X").replacing("id", with: bad)
      #expect(usageError { _ = try a.peerID("id") } == "argument \"\(bad)\" is wrong: a peer id must be 0..16777215")
    }
  }

  @Test func requiredKeywords() throws {
    let a = try arguments("peer del dev t")
    #expect(usageError { _ = try a.requirePeerID("id") } == "argument \"id\" is required")
    #expect(usageError { _ = try a.require("remote") } == "argument \"remote\" is required")
    #expect(try a.require("dev") == "t")
  }

  @Test func choices() throws {
    #expect(
      usageError { _ = try arguments("link add t mode bridge").choice("mode") }
        == "argument of \"mode\" must be one of \"p2p\", \"mp\", not \"bridge\"")
    #expect(
      usageError { _ = try arguments("link add t type wireguard").choice("type") }
        == "argument of \"type\" must be one of \"ovpn\", \"ovpn-dco\", not \"wireguard\"")
    #expect(try arguments("link add t").choice("mode") == nil)
  }

  @Test func endpoints() throws {
    #expect(try arguments("peer add remote 192.0.2.1:1194").endpoint("remote") == ep("192.0.2.1:1194"))
    #expect(try arguments("peer add remote [2001:db8::1]:1194").endpoint("remote") == ep("[2001:db8::1]:1194"))
    let hint = "expected ADDR:PORT, e.g. 192.0.2.1:1194 or [2001:db8::1]:1194"
    for bad in [
      "192.0.2.1", "192.0.2.1:0", "192.0.2.1:70000", "300.0.0.1:1194", "2001:db8::1:1194", "vpn.example:1194",
    ] {
      #expect(
        usageError { _ = try arguments("peer add remote \(bad)").endpoint("remote") }
          == "argument \"\(bad)\" is wrong: \(hint)")
    }
  }

  @Test func localEndpoints() throws {
    func local(_ text: String) throws -> (IPAddress?, UInt16)? {
      try arguments("peer add local \(text)").localEndpoint("local")
    }
    #expect(try local(":5000").map { [$0.0?.description ?? "*", "\($0.1)"] } == ["*", "5000"])
    #expect(try local("[::]:5000").map { [$0.0?.description ?? "*", "\($0.1)"] } == ["::", "5000"])
    #expect(try local("192.0.2.10").map { [$0.0?.description ?? "*", "\($0.1)"] } == ["192.0.2.10", "1194"])
    #expect(try local("192.0.2.10:7").map { [$0.0?.description ?? "*", "\($0.1)"] } == ["192.0.2.10", "7"])
    let hint = "expected [ADDR]:PORT, e.g. 0.0.0.0:1194, [::]:1194 or :1194"
    for bad in [":0", ":70000", ":", "192.0.2.10:0", "nope:1"] {
      #expect(usageError { _ = try local(bad) } == "argument \"\(bad)\" is wrong: \(hint)")
    }
  }

  @Test func addresses() throws {
    let a = try arguments("peer set dev t")
    #expect(try a.address("10.8.0.2") == ip("10.8.0.2"))
    #expect(usageError { _ = try a.address("10.8.0") } == "argument \"10.8.0\" is wrong: not an IPv4 or IPv6 address")
  }

  @Test func keepalive() throws {
    #expect(try arguments("peer set keepalive 10 60").keepalive().map { [$0.0, $0.1] } == [10, 60])
    #expect(try arguments("peer set keepalive 0 86400").keepalive().map { [$0.0, $0.1] } == [0, 86400])
    #expect(try arguments("peer set dev t").keepalive() == nil)
    #expect(
      usageError { _ = try arguments("peer set keepalive 86401 10").keepalive() }
        == "argument \"86401\" is wrong: the keepalive interval (seconds) must be 0..86400")
    #expect(
      usageError { _ = try arguments("peer set keepalive 10 -1").keepalive() }
        == "argument \"-1\" is wrong: the keepalive timeout (seconds) must be 0..86400")
  }
}

extension Arguments {
  /// The same arguments with `key`'s single value replaced (for values argv() cannot express).
  func replacing(_ key: String, with value: String) throws -> Arguments {
    var words: [String] = []
    if let p = positional { words.append(p) }
    for k in spec.keywords {
      for vals in all(k.name) {
        words.append(k.name)
        words += k.name == key ? [value] : vals
      }
    }
    return try Arguments(words, syntax: spec)
  }
}
