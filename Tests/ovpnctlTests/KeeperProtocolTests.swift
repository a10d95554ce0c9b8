// The keeper protocol: exact bytes, round trips, and every malformed shape
// refused without a crash.

import DCONetlink
import Testing

@testable import ovpnctl

private let v4 = Endpoint(address: IPAddress("192.0.2.1")!, port: 1194)
private let v6 = Endpoint(address: IPAddress("fe80::1")!, port: 0x1234, scopeID: 7)

@Suite struct KeeperProtocolTests {
  @Test func requestBytes() {
    #expect(KeeperProtocol.encode(.hello(ifindex: 0x0102_0304)) == [0x01, 0x04, 0x03, 0x02, 0x01])
    #expect(KeeperProtocol.encode(.udpSocket(v4)) == [0x02, 4, 0xaa, 0x04, 192, 0, 2, 1])
    #expect(
      KeeperProtocol.encode(.attach(v6, peer: 5))
        == [0x03, 6, 0x34, 0x12, 0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1, 7, 0, 0, 0, 5, 0, 0, 0])
    #expect(KeeperProtocol.encode(.adoptTCP(peer: 0xFF_FFFF)) == [0x04, 0xff, 0xff, 0xff, 0x00])
    #expect(KeeperProtocol.encode(.list) == [0x05])
  }

  @Test(arguments: [
    KeeperProtocol.Request.hello(ifindex: 9), .udpSocket(v4), .udpSocket(v6), .attach(v4, peer: 1),
    .attach(v6, peer: 0xFF_FFFF), .adoptTCP(peer: 0), .list,
  ])
  func requestRoundTrip(_ r: KeeperProtocol.Request) throws {
    #expect(try KeeperProtocol.decodeRequest(KeeperProtocol.encode(r)[...]) == r)
    #expect(KeeperProtocol.encode(r).count <= KeeperProtocol.maxRequest)
  }

  @Test(arguments: [
    KeeperProtocol.Reply.ready(ifindex: 3, pid: 4242), .socket, .ok, .ids([], more: false),
    .ids([1, 2, 0xFF_FFFF], more: true), .retry, .error(errno: 98, "address in use"),
  ])
  func replyRoundTrip(_ r: KeeperProtocol.Reply) throws {
    #expect(try KeeperProtocol.decodeReply(KeeperProtocol.encode(r)[...]) == r)
  }

  @Test func fullIDChunkFitsTheReplyBuffer() throws {
    let ids = (0..<UInt32(KeeperProtocol.idsPerReply)).map { $0 }
    let bytes = KeeperProtocol.encode(.ids(ids, more: true))
    #expect(bytes.count == KeeperProtocol.maxReply)
    #expect(try KeeperProtocol.decodeReply(bytes[...]) == .ids(ids, more: true))
  }

  @Test(
    arguments: [
      ([], "message ends early"),
      ([0x00], "unknown request 0"),
      ([0x08], "unknown request 8"),
      ([0x01, 1, 0, 0], "message ends early"),
      ([0x01, 1, 0, 0, 0, 9], "1 bytes after the end"),
      ([0x02, 5, 0, 0, 1, 2, 3, 4], "address family 5"),
      ([0x02, 6, 0, 0, 1, 2, 3, 4], "message ends early"),
      ([0x03, 4, 0, 0, 1, 2, 3, 4, 0, 0, 0, 1], "peer id 16777216 out of range"),
      ([0x04, 0xff, 0xff, 0xff, 0xff], "peer id 4294967295 out of range"),
      ([0x05, 0x05], "1 bytes after the end"),
    ] as [([UInt8], String)])
  func malformedRequests(_ bytes: [UInt8], _ reason: String) {
    #expect(throws: KeeperProtocol.Malformed(reason)) { try KeeperProtocol.decodeRequest(bytes[...]) }
  }

  @Test(
    arguments: [
      ([0x84, 2, 0, 0], "bad continuation flag"),
      ([0x84, 0, 1, 0], "message ends early"),
      ([0x84, 0, 0x01, 0x10] + [UInt8](repeating: 0, count: 4097 * 4), "4097 ids in one reply"),
      ([0xee, 0, 0, 0, 0, 5, 0, 0x41], "message ends early"),
      ([0x81, 1, 0, 0, 0], "message ends early"),
      ([0x83, 0], "1 bytes after the end"),
      ([0x7f], "unknown reply 127"),
    ] as [([UInt8], String)])
  func malformedReplies(_ bytes: [UInt8], _ reason: String) {
    #expect(throws: KeeperProtocol.Malformed(reason)) { try KeeperProtocol.decodeReply(bytes[...]) }
  }

  @Test func randomBytesNeverCrashTheDecoders() {
    var rng = Rng(state: 0x6b65_6570)
    for _ in 0..<20_000 {
      let n = rng.below(40)
      let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      if let r = try? KeeperProtocol.decodeRequest(bytes[...]) {
        #expect(KeeperProtocol.encode(r) == bytes)
      }
      _ = try? KeeperProtocol.decodeReply(bytes[...])
    }
  }

  @Test func capEffParsing() {
    let status = Array("Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t0000000000001000\nCapBnd:\tffff\n".utf8)
    #expect(KeeperTrust.capEff(inStatus: status[...]) == 0x1000)
    #expect(KeeperTrust.capEff(inStatus: Array("Name:\tx\n".utf8)[...]) == nil)
    #expect(KeeperTrust.capEff(inStatus: Array("CapEff:\tzz\n".utf8)[...]) == nil)
  }
}
