// Base64 (RFC 4648) for key material.

import DCONetlink
import Testing

@testable import ovpnctl

func b64decode(_ text: String) -> [UInt8]? {
  Array(text.utf8).withUnsafeBytes { raw in Base64.decode(raw).map { s in s.withBytes { Array($0) } } }
}

func b64encode(_ bytes: [UInt8]) -> String {
  bytes.withUnsafeBytes { Base64.encode($0) }.withBytes { String(decoding: $0, as: UTF8.self) }
}

@Suite struct Base64Tests {
  @Test(arguments: [
    ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
  ])
  func rfc4648Vectors(plain: String, encoded: String) {
    #expect(b64encode(Array(plain.utf8)) == encoded)
    #expect(b64decode(encoded) == Array(plain.utf8))
  }

  @Test func allByteValuesRoundTrip() {
    for n in 0...66 {
      let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
      #expect(b64decode(b64encode(bytes)) == bytes, "\(n) bytes")
    }
    let all = (0...255).map { UInt8($0) }
    #expect(b64decode(b64encode(all)) == all)
    #expect(b64encode([0xfb, 0xff, 0xbf]) == "+/+/")
  }

  @Test(arguments: [
    "Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm=v", "Zm9v!A==", "Zm9 v", "Zm9v\n", "-_-_", "Zg=\u{00}",
    "Zm9vYmFy=", "é===",
  ])
  func invalidInputIsRefused(text: String) {
    #expect(b64decode(text) == nil)
  }
}
