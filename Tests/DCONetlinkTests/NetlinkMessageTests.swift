// NetlinkMessage: the in-place builder (headers, scalars, strings, nests,
// capacity limits, cancelled nests).

import Testing

@testable import DCONetlink

@Suite struct NetlinkMessageTests {
  @Test func emptyMessageIsJustAHeader() {
    let m = NetlinkMessage(type: 0x1234, flags: 0x0305)
    m.sequence = 0xa1b2_c3d4
    #expect(m.length == 16)
    #expect(m.flags == 0x0305)
    #expect(m.sequence == 0xa1b2_c3d4)
    #expect(m.bytes == hex("10 00 00 00 34 12 05 03 d4 c3 b2 a1 00 00 00 00"))
  }

  @Test func scalarsStringsAndBigEndianValues() throws {
    let m = NetlinkMessage(type: 1, flags: 0)
    try m.put(1, UInt8(0xab))
    try m.put(2, UInt16(0x0102))
    try m.put(3, bigEndian: UInt16(0x0102))
    try m.put(4, UInt64(0x0102_0304_0506_0708))
    try m.put(5, string: "")
    try m.put(6, bytes: [])
    expectBytes(
      m.bytes,
      hex(
        """
        40 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00  // len 64
        05 00 01 00 ab 00 00 00  // u8 + zeroed padding
        06 00 02 00 02 01 00 00  // u16, host order
        06 00 03 00 01 02 00 00  // be16
        0c 00 04 00 08 07 06 05 04 03 02 01  // u64
        05 00 05 00 00 00 00 00  // "" is one NUL
        04 00 06 00              // empty payload
        """))
  }

  @Test func nestsSetNLAFNestedAndCoverTheirContents() throws {
    let m = NetlinkMessage(type: 1, flags: 0)
    try m.nest(7) { () throws(NetlinkError) in
      try m.put(1, UInt8(1))
      try m.nest(2) { () throws(NetlinkError) in }
    }
    #expect(Array(m.bytes[16...]) == hex("10 00 07 80  05 00 01 00 01 00 00 00  04 00 02 80"))
  }

  @Test func aFailedNestIsCancelled() throws {
    let m = NetlinkMessage(type: 1, flags: 0)
    try m.put(1, UInt32(1))
    let before = m.bytes
    let e = netlinkError {
      try m.nest(2) { () throws(NetlinkError) in
        try m.put(1, UInt32(2))
        throw NetlinkError.malformed("stop")
      }
    }
    #expect(e == .malformed("stop"))
    #expect(m.bytes == before)
  }

  @Test func whatDoesNotFitIsMessageTooLarge() {
    let m = NetlinkMessage(type: 1, flags: 0, capacity: 32)
    #expect(netlinkError { try m.put(1, bytes: [UInt8](repeating: 0, count: 13)) } == .messageTooLarge)
    #expect(m.length == 16)
    #expect(netlinkError { try m.put(1, bytes: [UInt8](repeating: 0, count: 12)) } == nil)
    #expect(netlinkError { try m.nest(2) { () throws(NetlinkError) in } } == .messageTooLarge)
  }

  @Test func anOversizedKeyDirectionLeavesNoPartialNest() throws {
    // A request that overflows while writing a nest throws and keeps its old length.
    let m = NetlinkMessage(type: 1, flags: 0, capacity: 40)
    try m.put(1, UInt32(1))
    let e = netlinkError {
      try m.nest(5) { () throws(NetlinkError) in try m.put(1, bytes: [UInt8](repeating: 7, count: 32)) }
    }
    #expect(e == .messageTooLarge)
    #expect(m.length == 24)
  }

  @Test func withBytesSeesTheEncodedMessage() throws {
    let m = try upstream.swapKeys(ifindex: 5, peerID: 1)
    let count = try m.withBytes { (raw) throws(NetlinkError) in raw.count }
    #expect(count == m.bytes.count && count == m.length)
  }
}
