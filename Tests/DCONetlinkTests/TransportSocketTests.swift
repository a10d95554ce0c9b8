// TransportSocket: sockaddr round trips and a real loopback UDP bind
// (no privileges needed).

import Glibc
import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct TransportSocketTests {
  @Test(arguments: ["192.0.2.1:1194", "[2001:db8::1]:51820", "[fe80::1%3]:1"])
  func sockaddrRoundTrip(text: String) {
    let e = ep(text)
    let back = TransportSocket.withSockaddr(e) { p, len -> Endpoint? in
      var storage = sockaddr_storage()
      withUnsafeMutableBytes(of: &storage) { dst in
        dst.copyMemory(from: UnsafeRawBufferPointer(start: p, count: Int(len)))
      }
      return TransportSocket.endpoint(storage)
    }
    #expect(back == e)
  }

  @Test func sockaddrSizes() {
    #expect(TransportSocket.withSockaddr(ep("192.0.2.1:1")) { _, len in len } == 16)
    #expect(TransportSocket.withSockaddr(ep("[::1]:1")) { _, len in len } == 28)
  }

  @Test func udpSocketIsBoundWhereAsked() throws {
    let fd = try TransportSocket.udp(local: Endpoint(address: ip("127.0.0.1"), port: 0))
    defer { close(fd) }
    let bound = try #require(TransportSocket.localEndpoint(fd))
    #expect(bound.address == ip("127.0.0.1"))
    #expect(bound.port != 0)
  }

  @Test func bindFailureIsASystemError() throws {
    let fd = try TransportSocket.udp(local: Endpoint(address: ip("127.0.0.1"), port: 0))
    defer { close(fd) }
    let taken = try #require(TransportSocket.localEndpoint(fd))
    let e = netlinkError { _ = try TransportSocket.udp(local: taken) }
    #expect(e == .system(operation: "bind 127.0.0.1:\(taken.port)", errno: EADDRINUSE))
  }

  @Test func unknownFamilyIsNoEndpoint() {
    var s = sockaddr_storage()
    s.ss_family = sa_family_t(AF_UNIX)
    #expect(TransportSocket.endpoint(s) == nil)
  }
}
