import DCONetlink

/// A small streaming JSON writer: objects, arrays, strings with correct
/// escaping, integers and booleans as JSON values, optional indentation.
/// It writes straight into an OutputBuffer; a streaming caller flushes that
/// buffer between records (`flushIfFull`).
struct JSONWriter {
  /// Where the JSON goes; a renderer may also write plain text into it.
  var buffer: OutputBuffer
  let pretty: Bool
  private var depth = 0
  /// Bit d: whether the container at depth d already holds a member
  /// (bit 0: the top level). Nesting beyond 63 levels is not needed here.
  private var hasMember: UInt64 = 0

  init(pretty: Bool, into buffer: OutputBuffer = OutputBuffer()) {
    self.pretty = pretty
    self.buffer = buffer
  }

  /// Everything written so far (for writers that are not flushed).
  var output: String { buffer.string }

  mutating func flushIfFull() { buffer.flushIfFull() }
  mutating func flush() { buffer.flush() }
  /// Bytes outside the JSON structure (the final newline).
  mutating func raw(_ s: StaticString) { buffer.append(s) }

  private mutating func separate() {
    let bit: UInt64 = 1 << UInt64(depth)
    if hasMember & bit != 0 { buffer.append(byte: UInt8(ascii: ",")) }
    hasMember |= bit
    if pretty && depth > 0 {
      buffer.append(byte: UInt8(ascii: "\n"))
      buffer.append(spaces: 2 * depth)
    }
  }

  private mutating func open(_ bracket: UInt8) {
    buffer.append(byte: bracket)
    depth += 1
    hasMember &= ~(1 << UInt64(depth))
  }

  private mutating func close(_ bracket: UInt8) {
    let had = hasMember & (1 << UInt64(depth)) != 0
    depth -= 1
    if pretty && had {
      buffer.append(byte: UInt8(ascii: "\n"))
      buffer.append(spaces: 2 * depth)
    }
    buffer.append(byte: bracket)
  }

  private mutating func key(_ name: StaticString) {
    separate()
    name.withUTF8Buffer { Self.appendString($0, to: &buffer) }
    if pretty { buffer.append(": ") } else { buffer.append(byte: UInt8(ascii: ":")) }
  }

  /// An object: a member `name` of the enclosing object, or an element.
  mutating func beginObject(_ name: StaticString? = nil) { begin(UInt8(ascii: "{"), name) }
  mutating func endObject() { close(UInt8(ascii: "}")) }
  /// An array: a member `name` of the enclosing object, or an element.
  mutating func beginArray(_ name: StaticString? = nil) { begin(UInt8(ascii: "["), name) }
  mutating func endArray() { close(UInt8(ascii: "]")) }

  private mutating func begin(_ bracket: UInt8, _ name: StaticString?) {
    if let name {
      key(name)
    } else if depth > 0 {
      separate()
    }
    open(bracket)
  }

  mutating func field(_ name: StaticString, _ value: String?) {
    key(name)
    if let value { Self.appendString(value, to: &buffer) } else { buffer.append("null") }
  }

  mutating func field<T: BinaryInteger>(_ name: StaticString, _ value: T?) {
    key(name)
    if let value { buffer.append(value) } else { buffer.append("null") }
  }

  /// A field whose name is only known at run time (a table of counters).
  mutating func field<T: BinaryInteger>(named name: String, _ value: T) {
    separate()
    Self.appendString(name, to: &buffer)
    if pretty { buffer.append(": ") } else { buffer.append(byte: UInt8(ascii: ":")) }
    buffer.append(value)
  }

  mutating func field(_ name: StaticString, _ value: Bool) {
    key(name)
    buffer.append(value ? "true" : "false")
  }

  /// An address as a JSON string, in its usual text form.
  mutating func field(_ name: StaticString, address: IPAddress) {
    key(name)
    buffer.append(byte: UInt8(ascii: "\""))
    buffer.append(address)
    buffer.append(byte: UInt8(ascii: "\""))
  }

  mutating func value(_ v: String) {
    separate()
    Self.appendString(v, to: &buffer)
  }

  mutating func value<T: BinaryInteger>(_ v: T) {
    separate()
    buffer.append(v)
  }

  /// RFC 8259 string escaping: quote, backslash and every control character.
  static func appendString(_ s: String, to out: inout String) {
    var b = OutputBuffer()
    appendString(s, to: &b)
    out += b.string
  }

  static func appendString(_ s: String, to out: inout OutputBuffer) {
    var s = s
    s.withUTF8 { appendString($0, to: &out) }
  }

  /// The same for UTF-8 bytes: everything from 0x20 up except quote and
  /// backslash is copied as it is, in runs.
  static func appendString(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout OutputBuffer) {
    out.append(byte: UInt8(ascii: "\""))
    var start = 0
    for (i, c) in utf8.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
      if start < i { out.append(bytes: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
      start = i + 1
      switch c {
      case UInt8(ascii: "\""): out.append("\\\"")
      case UInt8(ascii: "\\"): out.append("\\\\")
      case 0x0A: out.append("\\n")
      case 0x0D: out.append("\\r")
      case 0x09: out.append("\\t")
      case 0x08: out.append("\\b")
      case 0x0C: out.append("\\f")
      default:
        let hex: StaticString = "0123456789abcdef"
        out.append("\\u00")
        hex.withUTF8Buffer { h in
          out.append(byte: h[Int(c >> 4)])
          out.append(byte: h[Int(c & 0xF)])
        }
      }
    }
    if start < utf8.count { out.append(bytes: UnsafeBufferPointer(rebasing: utf8[start...])) }
    out.append(byte: UInt8(ascii: "\""))
  }
}
