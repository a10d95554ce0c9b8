/// Number formatting for people, in the manner of `wg show`.
enum Format {
  private static let units: [StaticString] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]

  /// IEC sizes: "0 B", "1.50 KiB", "2.15 MiB".
  static func bytes(_ n: UInt64) -> String {
    var out = OutputBuffer()
    appendBytes(n, to: &out)
    return out.string
  }

  static func appendBytes(_ n: UInt64, to out: inout OutputBuffer) {
    if n < 1024 {
      out.appendDecimal(n)
      out.append(" B")
      return
    }
    var value = Double(n) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    appendFixed2(value, to: &out)
    out.append(byte: UInt8(ascii: " "))
    out.append(units[unit])
  }

  /// Two decimals without Foundation's String(format:).
  static func fixed2(_ v: Double) -> String {
    var out = OutputBuffer()
    appendFixed2(v, to: &out)
    return out.string
  }

  static func appendFixed2(_ v: Double, to out: inout OutputBuffer) {
    let hundredths = UInt64((v * 100).rounded())
    let frac = hundredths % 100
    out.appendDecimal(hundredths / 100)
    out.append(frac < 10 ? ".0" : ".")
    out.appendDecimal(frac)
  }

  static func seconds(_ s: UInt32) -> String { s == 1 ? "1 second" : "\(s) seconds" }

  static func appendSeconds(_ s: UInt32, to out: inout OutputBuffer) {
    out.append(s)
    out.append(s == 1 ? " second" : " seconds")
  }
}
