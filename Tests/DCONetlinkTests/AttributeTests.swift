// Attribute / AttributeList: typed reads with exact widths, pads, nesting.

import NetlinkFakes
import Testing

@testable import DCONetlink

/// The attributes of a raw attribute run, as (type, payload) pairs.
func attributes(_ bytes: [UInt8]) throws -> [(UInt16, [UInt8])] {
  var out: [(UInt16, [UInt8])] = []
  try bytes.withUnsafeBytes { raw in
    try AttributeList(raw).forEach { (a) throws(NetlinkError) in out.append((a.type, a.bytes())) }
  }
  return out
}

/// Runs `body` on the single attribute encoded in `bytes`.
func withAttribute<R>(_ bytes: [UInt8], _ body: (Attribute) throws(NetlinkError) -> R) throws -> R {
  try bytes.withUnsafeBytes { raw in
    guard let r = try AttributeList(raw).first(AttributeList(raw).firstType(), body) else {
      throw NetlinkError.malformed("test: no attribute")
    }
    return r
  }
}

extension AttributeList {
  /// The type of the first attribute (for tests).
  func firstType() throws(NetlinkError) -> UInt16 {
    var t: UInt16?
    try forEach { (a) throws(NetlinkError) in if t == nil { t = a.type } }
    return t ?? 0
  }
}

@Suite struct AttributeTests {
  @Test func integersOfExactWidth() throws {
    #expect(try withAttribute(nla(1, [0xab])) { (a) throws(NetlinkError) in try a.u8() } == 0xab)
    #expect(try withAttribute(nla(1, le16(0xbeef))) { (a) throws(NetlinkError) in try a.u16() } == 0xbeef)
    #expect(try withAttribute(nla(1, le32(0xdead_beef))) { (a) throws(NetlinkError) in try a.u32() } == 0xdead_beef)
    #expect(try withAttribute(nla(1, lei32(-5))) { (a) throws(NetlinkError) in try a.s32() } == -5)
    #expect(
      try withAttribute(nla(1, le64(0x0102_0304_0506_0708))) { (a) throws(NetlinkError) in try a.u64() }
        == 0x0102_0304_0506_0708)
    #expect(try withAttribute(nla(1, [0x04, 0xaa])) { (a) throws(NetlinkError) in try a.be16() } == 1194)
    #expect(try withAttribute(nla(1, [192, 0, 2, 1])) { (a) throws(NetlinkError) in try a.be32() } == 0xc000_0201)
  }

  @Test func uintAcceptsFourOrEightBytes() throws {
    #expect(try withAttribute(nla(1, le32(7))) { (a) throws(NetlinkError) in try a.uint() } == 7)
    #expect(try withAttribute(nla(1, le64(1 << 40))) { (a) throws(NetlinkError) in try a.uint() } == 1 << 40)
    #expect(try withAttribute(nla(1, le64(7))) { (a) throws(NetlinkError) in try a.uint() } == 7)
    for n in [0, 1, 2, 3, 5, 6, 7, 9, 16] {
      let e = netlinkError {
        _ = try withAttribute(nla(3, [UInt8](repeating: 1, count: n))) { (a) throws(NetlinkError) in try a.uint() }
      }
      #expect(e == .malformed("attribute 3: \(n)-byte uint"))
    }
  }

  @Test(arguments: [3, 5] as [Int])
  func u32OfWrongWidthIsMalformed(n: Int) {
    let e = netlinkError {
      _ = try withAttribute(nla(4, [UInt8](repeating: 1, count: n))) { (a) throws(NetlinkError) in try a.u32() }
    }
    #expect(e == .malformed("attribute 4: \(n) bytes where 4 expected"))
  }

  @Test func otherWidthsAreChecked() {
    #expect(
      isMalformed(netlinkError { _ = try withAttribute(nla(1, [1, 2])) { (a) throws(NetlinkError) in try a.u8() } }))
    #expect(
      isMalformed(netlinkError { _ = try withAttribute(nla(1, [1])) { (a) throws(NetlinkError) in try a.u16() } }))
    #expect(
      isMalformed(netlinkError { _ = try withAttribute(nla(1, le32(1))) { (a) throws(NetlinkError) in try a.u64() } }))
    #expect(
      isMalformed(
        netlinkError { _ = try withAttribute(nla(1, [1, 2, 3])) { (a) throws(NetlinkError) in try a.bytes(count: 4) } })
    )
  }

  @Test func stringsNeedTheirTerminator() throws {
    #expect(try withAttribute(nla(1, cstr("peers"))) { (a) throws(NetlinkError) in try a.string() } == "peers")
    #expect(try withAttribute(nla(1, cstr("ab") + [0x78, 0])) { (a) throws(NetlinkError) in try a.string() } == "ab")
    #expect(try withAttribute(nla(1, [0])) { (a) throws(NetlinkError) in try a.string() } == "")
    let e = netlinkError {
      _ = try withAttribute(nla(2, Array("peers".utf8))) { (a) throws(NetlinkError) in try a.string() }
    }
    #expect(e == .malformed("attribute 2: string without terminator"))
  }

  @Test func padsOfTypeZeroAreSkipped() throws {
    let run = nla(0, []) + nla(1, le32(1)) + nla(0, [0, 0, 0, 0]) + nla(2, le32(2))
    #expect(try attributes(run).map(\.0) == [1, 2])
  }

  @Test func nestedAndByteOrderFlagsAreMasked() throws {
    let run = nest(5, nla(1, [1])) + rawNLA(len: 8, type: 0x4006, le32(9))  // NLA_F_NET_BYTEORDER
    #expect(try attributes(run).map(\.0) == [5, 6])
  }

  @Test func nestedAttributesAreWalked() throws {
    let n = nest(2, nla(1, le32(1)), nest(3, nla(7, [7])))
    let inner = try n.withUnsafeBytes { raw -> [UInt16] in
      var types: [UInt16] = []
      try AttributeList(raw).forEach { (a) throws(NetlinkError) in
        try a.nested.forEach { (b) throws(NetlinkError) in types.append(b.type) }
      }
      return types
    }
    #expect(inner == [1, 3])
  }

  @Test func firstFindsTheFirstOfAType() throws {
    let run = nla(1, le32(10)) + nla(2, le32(20)) + nla(2, le32(30))
    let v = try run.withUnsafeBytes { raw in
      try AttributeList(raw).first(2) { (a) throws(NetlinkError) in try a.u32() }
    }
    #expect(v == 20)
    let none = try run.withUnsafeBytes { raw in
      try AttributeList(raw).first(9) { (a) throws(NetlinkError) in try a.u32() }
    }
    #expect(none == nil)
  }

  @Test func emptyRunHasNoAttributes() throws {
    #expect(try attributes([]).isEmpty)
  }

  @Test func lastAttributeMayOmitItsPadding() throws {
    // A final attribute of 5 bytes with no trailing padding in the buffer.
    #expect(try attributes(le16(5) + le16(1) + [9]).map(\.1) == [[9]])
  }
}
