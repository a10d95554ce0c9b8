// IPAddress and Endpoint: parsing and formatting.

import Glibc
import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct IPAddressTests {
  @Test func ipv4() throws {
    let a = try #require(IPAddress("192.0.2.1"))
    #expect(a.bytes == [192, 0, 2, 1])
    #expect(a.isV4 && !a.isV6 && a.family == AF_INET)
    #expect(a.description == "192.0.2.1")
  }

  @Test func ipv6IsCanonicalisedOnOutput() throws {
    let a = try #require(IPAddress("2001:0db8:0000:0000:0000:0000:0000:0001"))
    #expect(a.bytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
    #expect(a.isV6 && a.family == AF_INET6)
    #expect(a.description == "2001:db8::1")
    #expect(IPAddress("FD00::2")?.description == "fd00::2")
  }

  @Test func v4MappedUnmapsToIPv4() throws {
    let a = try #require(IPAddress("::ffff:192.0.2.1"))
    #expect(a.isV6 && a.isV4Mapped)
    #expect(a.unmapped == IPAddress("192.0.2.1"))
    #expect(a.description == "::ffff:192.0.2.1")
    // Not mapped: v4-compatible, other prefixes, plain IPv4.
    #expect(IPAddress("::192.0.2.1")?.isV4Mapped == false)
    #expect(IPAddress("::fffe:c000:201")?.isV4Mapped == false)
    #expect(IPAddress("192.0.2.1")?.isV4Mapped == false)
    #expect(IPAddress("2001:db8::1")?.unmapped == IPAddress("2001:db8::1"))
  }

  @Test(arguments: [
    "", "1.2.3", "256.0.0.1", "1.2.3.4.5", " 10.0.0.1", "10.0.0.1 ", "gggg::1", "1::2::3", "[::1]", "10.0.0.1/24",
    "fe80::1%2",
  ])
  func badAddressesAreRefused(text: String) {
    #expect(IPAddress(text) == nil)
  }

  @Test func bytesInitAcceptsFourOrSixteen() {
    #expect(IPAddress(bytes: [1, 2, 3, 4])?.description == "1.2.3.4")
    #expect(IPAddress(bytes: [UInt8](repeating: 0, count: 16))?.description == "::")
    for n in [0, 3, 5, 15, 17] { #expect(IPAddress(bytes: [UInt8](repeating: 1, count: n)) == nil) }
  }

  @Test func wildcards() {
    #expect(IPAddress.any(v6: false).description == "0.0.0.0")
    #expect(IPAddress.any(v6: true).description == "::")
  }
}

@Suite struct EndpointTests {
  @Test func ipv4WithPort() throws {
    let e = try #require(Endpoint(parsing: "192.0.2.1:1194"))
    #expect(e == Endpoint(address: ip("192.0.2.1"), port: 1194))
    #expect(e.description == "192.0.2.1:1194")
  }

  @Test func ipv6InBrackets() throws {
    let e = try #require(Endpoint(parsing: "[2001:db8::1]:51820"))
    #expect(e == Endpoint(address: ip("2001:db8::1"), port: 51820))
    #expect(e.description == "[2001:db8::1]:51820")
  }

  @Test func numericScope() throws {
    let e = try #require(Endpoint(parsing: "[fe80::1%2]:1194"))
    #expect(e.scopeID == 2)
    #expect(e.address == ip("fe80::1"))
    #expect(e.description == "[fe80::1%2]:1194")
  }

  @Test func namedScopeIsTheInterfaceIndex() throws {
    let lo = if_nametoindex("lo")
    try #require(lo != 0, "this test needs a loopback interface named lo")
    #expect(Endpoint(parsing: "[fe80::1%lo]:1194")?.scopeID == lo)
    #expect(Endpoint(parsing: "[fe80::1%no-such-if0]:1194") == nil)
  }

  @Test func v4MappedStaysV6ButFormatsItsScope() throws {
    let e = try #require(Endpoint(parsing: "[::ffff:192.0.2.1]:1194"))
    #expect(e.address.isV4Mapped)
    #expect(e.address.unmapped == ip("192.0.2.1"))
    #expect(e.description == "[::ffff:192.0.2.1]:1194")
  }

  @Test func defaultPortOnlyWhenAsked() {
    #expect(Endpoint(parsing: "192.0.2.1") == nil)
    #expect(Endpoint(parsing: "192.0.2.1", defaultPort: 1194) == Endpoint(address: ip("192.0.2.1"), port: 1194))
    #expect(Endpoint(parsing: "[2001:db8::1]", defaultPort: 1194)?.port == 1194)
    // A bare IPv6 address has too many colons to carry a port.
    #expect(Endpoint(parsing: "2001:db8::1", defaultPort: 7)?.port == 7)
    #expect(Endpoint(parsing: "2001:db8::1") == nil)
    // An explicit port wins over the default.
    #expect(Endpoint(parsing: "192.0.2.1:5000", defaultPort: 1194)?.port == 5000)
  }

  @Test(arguments: [
    "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:70000", "192.0.2.1:", "192.0.2.1:-1",
    "192.0.2.1:http", "192.0.2.1:1194x", "[2001:db8::1]:0", "[2001:db8::1]x", "[2001:db8::1]1194",
    "[2001:db8::1", "2001:db8::1]:1194", "[]:1194", ":1194", "", "300.0.0.1:1194",
    "192.0.2.1%2:1194", "[192.0.2.1%2]:1194", "host.example:1194", "[fe80::1%]:1194",
    "192.0.2.1:+", "192.0.2.1:++1", "192.0.2.1\u{0}junk:1194", "[2001:db8::1]:",
    String(repeating: "1", count: 70) + ":1194", "192.0.2.1:١٢",
  ])
  func badEndpointsAreRefused(text: String) {
    #expect(Endpoint(parsing: text) == nil)
  }

  /// The port reads as `UInt16(text)` would: a leading plus is allowed.
  @Test func portWithPlusSign() {
    #expect(Endpoint(parsing: "192.0.2.1:+1194")?.port == 1194)
    #expect(Endpoint(parsing: "[2001:db8::1]:+7")?.port == 7)
  }

  @Test func maximumPort() {
    #expect(Endpoint(parsing: "192.0.2.1:65535")?.port == 65535)
    #expect(Endpoint(parsing: "192.0.2.1:1")?.port == 1)
  }
}
