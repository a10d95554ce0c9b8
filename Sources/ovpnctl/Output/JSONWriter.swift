/// A small streaming JSON writer: objects, arrays, strings with correct
/// escaping, integers and booleans as JSON values, optional indentation.
struct JSONWriter {
  private(set) var output = ""
  let pretty: Bool
  private var depth = 0
  /// Whether the current container already holds a member.
  private var hasMember: [Bool] = [false]

  init(pretty: Bool) { self.pretty = pretty }

  private mutating func separate() {
    if hasMember[hasMember.count - 1] { output += "," }
    hasMember[hasMember.count - 1] = true
    if pretty && depth > 0 {
      output += "\n" + String(repeating: "  ", count: depth)
    }
  }

  private mutating func open(_ bracket: String) {
    output += bracket
    depth += 1
    hasMember.append(false)
  }

  private mutating func close(_ bracket: String) {
    let had = hasMember.removeLast()
    depth -= 1
    if pretty && had { output += "\n" + String(repeating: "  ", count: depth) }
    output += bracket
  }

  private mutating func key(_ name: String) {
    separate()
    Self.appendString(name, to: &output)
    output += pretty ? ": " : ":"
  }

  mutating func beginObject() { if depth > 0 { separate() }; open("{") }
  mutating func beginObject(_ name: String) { key(name); open("{") }
  mutating func endObject() { close("}") }
  mutating func beginArray() { if depth > 0 { separate() }; open("[") }
  mutating func beginArray(_ name: String) { key(name); open("[") }
  mutating func endArray() { close("]") }

  mutating func field(_ name: String, _ value: String?) {
    key(name)
    if let value { Self.appendString(value, to: &output) } else { output += "null" }
  }

  mutating func field<T: BinaryInteger>(_ name: String, _ value: T?) {
    key(name)
    output += value.map { String($0) } ?? "null"
  }

  mutating func field(_ name: String, _ value: Bool) {
    key(name)
    output += value ? "true" : "false"
  }

  mutating func value(_ v: String) {
    separate()
    Self.appendString(v, to: &output)
  }

  mutating func value<T: BinaryInteger>(_ v: T) {
    separate()
    output += String(v)
  }

  /// RFC 8259 string escaping: quote, backslash and every control character.
  static func appendString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
