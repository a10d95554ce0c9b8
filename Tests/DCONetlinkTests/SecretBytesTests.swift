// SecretBytes: owned, fixed-capacity key material.

import Testing

@testable import DCONetlink

func contents(_ s: SecretBytes) -> [UInt8] { s.withBytes { Array($0) } }

@Suite struct SecretBytesTests {
  @Test func copiesItsInput() {
    let s = SecretBytes([1, 2, 3])
    #expect(s.count == 3 && s.capacity == 3)
    #expect(contents(s) == [1, 2, 3])
  }

  @Test func fillSetsTheCount() {
    let s = SecretBytes(capacity: 8)
    #expect(s.count == 0 && contents(s).isEmpty)
    s.fill { dst in
      dst[0] = 9
      dst[1] = 8
      return 2
    }
    #expect(contents(s) == [9, 8])
  }

  @Test func zeroCapacityIsUsable() {
    let s = SecretBytes(capacity: 0)
    #expect(s.count == 0)
    #expect(SecretBytes([]).count == 0)
  }
}
