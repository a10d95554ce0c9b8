// OutputBuffer: decimals and addresses written as bytes, the same text the
// String conversions give.

import DCONetlink
import Testing

@testable import ovpnctl

@Suite struct OutputBufferTests {
  func text(_ body: (inout OutputBuffer) -> Void) -> String {
    var b = OutputBuffer()
    body(&b)
    return b.string
  }

  @Test(arguments: [UInt64(0), 7, 9, 10, 99, 100, 1194, 4_294_967_295, UInt64.max])
  func unsignedDecimals(v: UInt64) {
    #expect(text { $0.appendDecimal(v) } == String(v))
    #expect(text { $0.append(v) } == String(v))
  }

  @Test(arguments: [Int64.min, -1, 0, 1, Int64.max])
  func signedDecimals(v: Int64) {
    #expect(text { $0.append(v) } == String(v))
    #expect(text { $0.append(Int32(truncatingIfNeeded: v)) } == String(Int32(truncatingIfNeeded: v)))
  }

  @Test(arguments: [
    "0.0.0.0", "10.8.0.2", "192.0.2.1", "255.255.255.255", "::", "::1", "fe80::1", "fd00::2",
    "2001:db8::1:0:0:1", "2001:db8:0:0:1::1", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  ])
  func addressesMatchTheirDescription(t: String) throws {
    let a = try #require(IPAddress(t))
    #expect(text { $0.append(a) } == a.description)
  }

  @Test func staticAndDynamicStringsAndSpaces() {
    #expect(
      text { b in
        b.append("a")
        b.append(String(repeating: "é", count: 3))
        b.append(spaces: 3)
        b.append(byte: UInt8(ascii: "z"))
      } == "aééé   z")
  }
}
