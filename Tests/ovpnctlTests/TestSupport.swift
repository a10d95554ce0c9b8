// Shared helpers for the ovpnctl tests: argv parsing shortcuts, usage-error
// capture, temporary files, and a tiny strict JSON reader that keeps key
// order and value types exactly as written.

import DCONetlink
import Glibc
import NetlinkFakes
import Testing

@testable import ovpnctl

// MARK: - Command lines

/// Splits a test command line on spaces (no quoting needed in these tests).
func argv(_ line: String) -> [String] { line.split(separator: " ").map(String.init) }

/// Parses `line` (after global options) into its spec and arguments.
func parsed(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (CommandSpec, Arguments) {
  guard let p = try Router.parse(argv(line)) else {
    Issue.record("\"\(line)\" parsed as a help request", sourceLocation: sourceLocation)
    throw UsageError("help")
  }
  return p
}

/// The arguments of `line`, which must parse.
func arguments(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Arguments {
  try parsed(line, sourceLocation: sourceLocation).1
}

/// The message of the UsageError `body` throws; nil (and an issue) if none.
func usageError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> String? {
  do {
    try body()
    Issue.record("expected a usage error", sourceLocation: sourceLocation)
    return nil
  } catch let e as UsageError {
    return e.message
  } catch let e as CommandError {
    if case .usage(let u) = e { return u.message }
    Issue.record("expected a usage error, got \(e)", sourceLocation: sourceLocation)
    return nil
  } catch {
    Issue.record("expected a usage error, got \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

// MARK: - Fixtures

func options(json: Bool = false, pretty: Bool = false, stats: Int = 0, details: Bool = false) -> Options {
  var o = Options()
  o.json = json
  o.pretty = pretty
  o.stats = stats
  o.details = details
  return o
}

// MARK: - Temporary files

/// A private temporary directory, removed (with its files) on deinit.
final class TempDir {
  let path: String

  init() {
    var template = Array("/tmp/ovpnctl-tests-XXXXXX".utf8CString)
    let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(p != nil, "mkdtemp failed")
    path = String(cString: p!)
  }

  deinit {
    if let d = opendir(path) {
      while let e = readdir(d) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
          String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { unlink(path + "/" + name) }
      }
      closedir(d)
    }
    rmdir(path)
  }

  /// Writes `contents` to a new file and returns its path.
  @discardableResult
  func file(_ name: String, _ contents: String) -> String {
    file(name, bytes: Array(contents.utf8))
  }

  @discardableResult
  func file(_ name: String, bytes: [UInt8]) -> String {
    let p = path + "/" + name
    let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(p)")
    bytes.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
    close(fd)
    return p
  }
}

// MARK: - A tiny strict JSON reader (RFC 8259)

indirect enum JSON: Equatable, CustomStringConvertible {
  case null
  case bool(Bool)
  /// The number exactly as written.
  case number(String)
  case string(String)
  case array([JSON])
  /// Members in their written order.
  case object([Member])

  struct Member: Equatable {
    let key: String
    let value: JSON
  }

  var keys: [String] { if case .object(let m) = self { return m.map(\.key) } else { return [] } }
  subscript(key: String) -> JSON? {
    if case .object(let m) = self { return m.first { $0.key == key }?.value }
    return nil
  }
  subscript(index: Int) -> JSON? {
    if case .array(let a) = self, a.indices.contains(index) { return a[index] }
    return nil
  }
  var array: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
  var string: String? { if case .string(let s) = self { return s } else { return nil } }
  var isNumber: Bool { if case .number = self { return true } else { return false } }
  var isString: Bool { if case .string = self { return true } else { return false } }
  /// An integer number (no fraction or exponent).
  var integer: Int64? { if case .number(let t) = self { return Int64(t) } else { return nil } }
  var unsigned: UInt64? { if case .number(let t) = self { return UInt64(t) } else { return nil } }

  var description: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return "\(b)"
    case .number(let n): return n
    case .string(let s): return "\"\(s)\""
    case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
    case .object(let m): return "{" + m.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }
  }

  struct ParseError: Error, CustomStringConvertible {
    let offset: Int
    let reason: String
    var description: String { "JSON error at byte \(offset): \(reason)" }
  }

  /// Parses exactly one JSON value (surrounded by optional whitespace).
  static func parse(_ text: String) throws -> JSON {
    var p = Parser(bytes: Array(text.utf8))
    p.skipSpace()
    let v = try p.value()
    p.skipSpace()
    guard p.at == p.bytes.count else { throw ParseError(offset: p.at, reason: "trailing bytes") }
    return v
  }

  private struct Parser {
    let bytes: [UInt8]
    var at = 0

    func fail(_ reason: String) -> ParseError { ParseError(offset: at, reason: reason) }
    var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func skipSpace() {
      while let c = peek, c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 { at += 1 }
    }

    mutating func expect(_ word: String) throws {
      for c in word.utf8 {
        guard peek == c else { throw fail("expected \(word)") }
        at += 1
      }
    }

    mutating func value() throws -> JSON {
      guard let c = peek else { throw fail("unexpected end") }
      switch c {
      case UInt8(ascii: "{"): return try object()
      case UInt8(ascii: "["): return try array()
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"):
        try expect("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try expect("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try expect("null")
        return .null
      default: return try number()
      }
    }

    mutating func object() throws -> JSON {
      at += 1
      var members: [Member] = []
      skipSpace()
      if peek == UInt8(ascii: "}") {
        at += 1
        return .object([])
      }
      while true {
        skipSpace()
        guard peek == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try string()
        guard !members.contains(where: { $0.key == key }) else { throw fail("duplicate key \(key)") }
        skipSpace()
        try expect(":")
        skipSpace()
        members.append(Member(key: key, value: try value()))
        skipSpace()
        if peek == UInt8(ascii: ",") {
          at += 1
          continue
        }
        try expect("}")
        return .object(members)
      }
    }

    mutating func array() throws -> JSON {
      at += 1
      var items: [JSON] = []
      skipSpace()
      if peek == UInt8(ascii: "]") {
        at += 1
        return .array([])
      }
      while true {
        skipSpace()
        items.append(try value())
        skipSpace()
        if peek == UInt8(ascii: ",") {
          at += 1
          continue
        }
        try expect("]")
        return .array(items)
      }
    }

    mutating func hex4() throws -> UInt32 {
      guard at + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16)
      else { throw fail("bad \\u escape") }
      at += 4
      return v
    }

    mutating func string() throws -> String {
      at += 1
      var scalars = String.UnicodeScalarView()
      var raw: [UInt8] = []
      func flush() {
        scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
        raw = []
      }
      while true {
        guard let c = peek else { throw fail("unterminated string") }
        at += 1
        switch c {
        case UInt8(ascii: "\""):
          flush()
          return String(scalars)
        case 0..<0x20:
          throw fail("raw control character \(c) in a string")
        case UInt8(ascii: "\\"):
          flush()
          guard let e = peek else { throw fail("unterminated escape") }
          at += 1
          switch e {
          case UInt8(ascii: "\""): scalars.append("\"")
          case UInt8(ascii: "\\"): scalars.append("\\")
          case UInt8(ascii: "/"): scalars.append("/")
          case UInt8(ascii: "b"): scalars.append("\u{08}")
          case UInt8(ascii: "f"): scalars.append("\u{0C}")
          case UInt8(ascii: "n"): scalars.append("\n")
          case UInt8(ascii: "r"): scalars.append("\r")
          case UInt8(ascii: "t"): scalars.append("\t")
          case UInt8(ascii: "u"):
            var v = try hex4()
            if (0xd800..<0xdc00).contains(v) {
              try expect("\\u")
              let low = try hex4()
              guard (0xdc00..<0xe000).contains(low) else { throw fail("bad surrogate pair") }
              v = 0x10000 + ((v - 0xd800) << 10) + (low - 0xdc00)
            }
            guard let s = Unicode.Scalar(v) else { throw fail("bad scalar") }
            scalars.append(s)
          default: throw fail("bad escape")
          }
        default:
          raw.append(c)
        }
      }
    }

    mutating func number() throws -> JSON {
      let start = at
      func digits() -> Int {
        let s = at
        while let c = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { at += 1 }
        return at - s
      }
      if peek == UInt8(ascii: "-") { at += 1 }
      if peek == UInt8(ascii: "0") {
        at += 1
      } else {
        guard digits() > 0 else { throw fail("bad number") }
      }
      if peek == UInt8(ascii: ".") {
        at += 1
        guard digits() > 0 else { throw fail("bad fraction") }
      }
      if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
        at += 1
        if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
        guard digits() > 0 else { throw fail("bad exponent") }
      }
      return .number(String(decoding: bytes[start..<at], as: UTF8.self))
    }
  }
}

// MARK: - A context on fake kernels

/// A context whose client talks to fake kernels only.
func fakeContext(_ genl: FakeKernel, _ rtnl: FakeKernel, _ o: Options = Options()) -> Context {
  Context(options: o, client: DCOClient(genl: genl, rtnl: rtnl))
}
