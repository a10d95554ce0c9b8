import DCONetlink

/// Standard base64 (RFC 4648) for key material: decodes into and encodes
/// from secret buffers so no String copy of a key is ever made on input.
enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  private static func value(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
    case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
    case UInt8(ascii: "+"): return 62
    case UInt8(ascii: "/"): return 63
    default: return nil
    }
  }

  /// Decodes `text` (padding required where the length needs it) into a new
  /// secret; nil if it is not base64.
  static func decode(_ text: UnsafeRawBufferPointer) -> SecretBytes? {
    guard text.count % 4 == 0 else { return nil }
    let out = SecretBytes(capacity: text.count / 4 * 3)
    var ok = true
    out.fill { dst in
      var n = 0
      var i = 0
      while i < text.count {
        let last = i + 4 == text.count
        var quad: UInt32 = 0
        var pad = 0
        for j in 0..<4 {
          let c = text[i + j]
          if c == UInt8(ascii: "="), last, j >= 2 {
            pad += 1
            quad <<= 6
            continue
          }
          guard pad == 0, let v = value(c) else {
            ok = false
            return 0
          }
          quad = quad << 6 | UInt32(v)
        }
        dst[n] = UInt8(truncatingIfNeeded: quad >> 16)
        if pad < 2 { dst[n + 1] = UInt8(truncatingIfNeeded: quad >> 8) }
        if pad < 1 { dst[n + 2] = UInt8(truncatingIfNeeded: quad) }
        n += 3 - pad
        i += 4
      }
      return n
    }
    return ok ? out : nil
  }

  /// Encodes `bytes` into a wiped buffer (key text never becomes a String).
  static func encode(_ bytes: UnsafeRawBufferPointer, newline: Bool = false) -> SecretBytes {
    let out = SecretBytes(capacity: (bytes.count + 2) / 3 * 4 + 1)
    out.fill { dst in
      var n = 0
      var i = 0
      while i < bytes.count {
        let b0 = UInt32(bytes[i])
        let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
        let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
        let triple = b0 << 16 | b1 << 8 | b2
        dst[n] = alphabet[Int(triple >> 18 & 63)]
        dst[n + 1] = alphabet[Int(triple >> 12 & 63)]
        dst[n + 2] = i + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "=")
        dst[n + 3] = i + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "=")
        n += 4
        i += 3
      }
      if newline {
        dst[n] = UInt8(ascii: "\n")
        n += 1
      }
      return n
    }
    return out
  }
}
