/// Number formatting for people, in the manner of `wg show`.
enum Format {
  /// IEC sizes: "0 B", "1.50 KiB", "2.15 MiB".
  static func bytes(_ n: UInt64) -> String {
    if n < 1024 { return "\(n) B" }
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(n) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return "\(fixed2(value)) \(units[unit])"
  }

  /// Two decimals without Foundation's String(format:).
  static func fixed2(_ v: Double) -> String {
    let hundredths = UInt64((v * 100).rounded())
    let frac = hundredths % 100
    return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
  }

  static func seconds(_ s: UInt32) -> String { s == 1 ? "1 second" : "\(s) seconds" }
}
