/// The Prometheus text exposition format (version 0.0.4), written into a
/// byte buffer: one `# HELP` and `# TYPE` line per metric family, then its
/// samples, all of a family's samples together. Names are checked against
/// the format's rules; label values and help text are escaped.
struct PrometheusWriter {
  enum MetricType: String {
    case counter, gauge
  }

  /// A label set, escaped once and reused for every sample that carries it
  /// (a peer's labels appear on eight counters). Labels without a value are
  /// left out, as Prometheus treats an empty label as an absent one.
  struct Labels {
    fileprivate private(set) var encoded: [UInt8] = []

    init(_ pairs: [(String, String?)]) {
      var first = true
      for (name, value) in pairs {
        guard let value else { continue }
        precondition(PrometheusWriter.isValidLabelName(name), "bad label name \(name)")
        encoded.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        encoded += name.utf8
        encoded += "=\"".utf8
        PrometheusWriter.appendLabelValue(value, to: &encoded)
        encoded.append(UInt8(ascii: "\""))
      }
      if !first { encoded.append(UInt8(ascii: "}")) }
    }

    static let none = Labels([])
  }

  private(set) var bytes: [UInt8] = []
  private var current: [UInt8] = []
  private var written: Set<String> = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
  static func isValidMetricName(_ name: String) -> Bool {
    var first = true
    for c in name.utf8 {
      let ok = isLetter(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || (!first && isDigit(c))
      if !ok { return false }
      first = false
    }
    return !first
  }

  /// `[a-zA-Z_][a-zA-Z0-9_]*`, and not `__`, which Prometheus reserves.
  static func isValidLabelName(_ name: String) -> Bool {
    var first = true
    for c in name.utf8 {
      let ok = isLetter(c) || c == UInt8(ascii: "_") || (!first && isDigit(c))
      if !ok { return false }
      first = false
    }
    return !first && !name.hasPrefix("__")
  }

  private static func isLetter(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
  }
  private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

  /// Label values: backslash, double quote and line feed are escaped.
  static func appendLabelValue(_ s: String, to out: inout [UInt8]) {
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "\\"): out += "\\\\".utf8
      case UInt8(ascii: "\""): out += "\\\"".utf8
      case UInt8(ascii: "\n"): out += "\\n".utf8
      default: out.append(c)
      }
    }
  }

  /// Help text: backslash and line feed are escaped (quotes are not).
  static func appendHelp(_ s: String, to out: inout [UInt8]) {
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "\\"): out += "\\\\".utf8
      case UInt8(ascii: "\n"): out += "\\n".utf8
      default: out.append(c)
      }
    }
  }

  /// Starts a metric family; its samples follow. A counter's name ends in
  /// `_total`, a gauge's does not; a family is written once.
  mutating func family(_ name: String, _ type: MetricType, help: String) {
    precondition(Self.isValidMetricName(name), "bad metric name \(name)")
    precondition((type == .counter) == name.hasSuffix("_total"), "\(name): _total is for counters only")
    precondition(written.insert(name).inserted, "metric family \(name) written twice")
    current = Array(name.utf8)
    bytes += "# HELP ".utf8
    bytes += current
    bytes.append(UInt8(ascii: " "))
    Self.appendHelp(help, to: &bytes)
    bytes += "\n# TYPE ".utf8
    bytes += current
    bytes.append(UInt8(ascii: " "))
    bytes += type.rawValue.utf8
    bytes.append(UInt8(ascii: "\n"))
  }

  /// One sample of the current family.
  mutating func sample(_ labels: Labels, _ value: UInt64) {
    precondition(!current.isEmpty, "sample before family")
    bytes += current
    bytes += labels.encoded
    bytes.append(UInt8(ascii: " "))
    Self.appendDecimal(value, to: &bytes)
    bytes.append(UInt8(ascii: "\n"))
  }

  /// Decimal digits without going through String.
  static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
    if value == 0 {
      out.append(UInt8(ascii: "0"))
      return
    }
    var count = 0
    var n = value
    while n > 0 {
      n /= 10
      count += 1
    }
    var i = out.count + count - 1
    out.append(contentsOf: repeatElement(0, count: count))
    n = value
    while n > 0 {
      out[i] = UInt8(ascii: "0") + UInt8(n % 10)
      n /= 10
      i -= 1
    }
  }

  var text: String { String(decoding: bytes, as: UTF8.self) }
}
