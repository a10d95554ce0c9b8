// IEC sizes and durations for people.

import Testing

@testable import ovpnctl

@Suite struct FormatTests {
  static let sizes: [(UInt64, String)] = [
    (0, "0 B"), (1, "1 B"), (1023, "1023 B"), (1024, "1.00 KiB"), (1536, "1.50 KiB"),
    (10 * 1024 + 5, "10.00 KiB"), (1_048_576, "1.00 MiB"), (2_254_438, "2.15 MiB"),
    (5 * 1024 * 1024 * 1024, "5.00 GiB"), (1 << 40, "1.00 TiB"), (1 << 50, "1.00 PiB"), (1 << 60, "1.00 EiB"),
    (UInt64.max, "16.00 EiB"),
  ]

  @Test(arguments: sizes)
  func bytes(n: UInt64, text: String) {
    #expect(Format.bytes(n) == text)
  }

  @Test func fixedTwoDecimals() {
    #expect(Format.fixed2(0) == "0.00")
    #expect(Format.fixed2(1.005) == "1.00" || Format.fixed2(1.005) == "1.01")
    #expect(Format.fixed2(2.5) == "2.50")
    #expect(Format.fixed2(9.999) == "10.00")
  }

  @Test func seconds() {
    #expect(Format.seconds(0) == "0 seconds")
    #expect(Format.seconds(1) == "1 second")
    #expect(Format.seconds(60) == "60 seconds")
  }
}
