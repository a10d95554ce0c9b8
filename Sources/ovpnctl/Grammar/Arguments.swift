import CMnl
import DCONetlink

/// The keywords of one command line, checked against its syntax: every word
/// is a known keyword with the right number of values, only repeatable
/// keywords appear twice, and no two conflicting keywords appear together.
/// Typed accessors validate the values themselves.
struct Arguments {
  let spec: Syntax
  private(set) var positional: String?
  /// The words, and where each keyword given stands among them: its
  /// values follow it. Read by scanning: a command has a few keywords, and
  /// a scan costs less than hashing them (a batch parses thousands of lines).
  private var words: [String] = []
  private var given: [(keyword: Int, at: Int)] = []

  init(_ words: [String], spec: CommandSpec) throws(UsageError) {
    try self.init(words, syntax: spec.syntax)
  }

  init(_ words: [String], syntax spec: Syntax) throws(UsageError) {
    self.spec = spec
    self.words = words
    given.reserveCapacity(words.count / 2 + 1)
    var i = 0
    if spec.positional != nil, i < words.count, spec.keywordIndex(words[i]) == nil {
      positional = words[i]
      i += 1
    }
    while i < words.count {
      let word = words[i]
      guard let k = spec.keywordIndex(word) else {
        // The positional may also follow keywords (setconf dev NAME FILE).
        if spec.positional != nil, positional == nil {
          positional = word
          i += 1
          continue
        }
        throw UsageError.unknown(word, object: spec.object)
      }
      let needed = spec.keywords[k].values.count
      guard i + needed < words.count else {
        let metavars = spec.keywords[k].values.map(\.metavar).joined(separator: " ")
        throw UsageError("argument \"\(word)\" needs \(metavars)")
      }
      if !spec.keywords[k].repeatable, given.contains(where: { $0.keyword == k }) {
        throw UsageError.duplicate(word, words[(i + 1)..<(i + 1 + needed)].joined(separator: " "))
      }
      given.append((k, i))
      i += needed + 1
    }
    for rule in spec.rules {
      switch rule {
      case .conflict(let c):
        if has(c.keyword) && has(c.other) { throw UsageError(c.message) }
      case .requires(let keyword, let other, let value, let message):
        if has(keyword) && string(other) != value { throw UsageError(message) }
      }
    }
    if spec.positionalRequired, positional == nil {
      throw UsageError.missing(spec.positional?.metavar ?? "NAME")
    }
  }

  func has(_ key: String) -> Bool { given.contains { words[$0.at] == key } }

  /// The first value of a keyword's first occurrence; nil when it is not
  /// given, or takes no value.
  func string(_ key: String) -> String? {
    for g in given where words[g.at] == key {
      return spec.keywords[g.keyword].values.isEmpty ? nil : words[g.at + 1]
    }
    return nil
  }

  /// The values of every occurrence of `key`, in order.
  func all(_ key: String) -> [[String]] {
    var result: [[String]] = []
    for g in given where words[g.at] == key {
      result.append(Array(words[(g.at + 1)..<(g.at + 1 + spec.keywords[g.keyword].values.count)]))
    }
    return result
  }

  func require(_ key: String) throws(UsageError) -> String {
    guard let v = string(key) else { throw .missing(key) }
    return v
  }

  // MARK: typed values

  static func number<T: FixedWidthInteger>(_ text: String, _ range: ClosedRange<T>, what: String)
    throws(UsageError) -> T
  {
    guard let v = T(text), range.contains(v) else {
      throw .wrong(text, "\(what) must be \(range.lowerBound)..\(range.upperBound)")
    }
    return v
  }

  func number<T: FixedWidthInteger>(_ key: String, _ range: ClosedRange<T>, what: String)
    throws(UsageError) -> T?
  {
    guard let text = string(key) else { return nil }
    return try Self.number(text, range, what: what)
  }

  func peerID(_ key: String) throws(UsageError) -> UInt32? {
    try number(key, 0...maxPeerID, what: "a peer id")
  }

  func requirePeerID(_ key: String) throws(UsageError) -> UInt32 {
    guard let id = try peerID(key) else { throw .missing(key) }
    return id
  }

  func choice(_ key: String) throws(UsageError) -> String? {
    guard let text = string(key) else { return nil }
    var options: [String] = []
    if case .choice(let c)? = spec.keyword(key)?.values.first?.kind { options = c.values }
    guard options.contains(text) else {
      let list = options.map { "\"\($0)\"" }.joined(separator: ", ")
      throw UsageError("argument of \"\(key)\" must be one of \(list), not \"\(text)\"")
    }
    return text
  }

  func endpoint(_ key: String) throws(UsageError) -> Endpoint? {
    guard let text = string(key) else { return nil }
    guard let e = Endpoint(parsing: text) else {
      if let why = Self.badZone(text) { throw .wrong(text, why) }
      throw .wrong(text, "expected ADDR:PORT, e.g. 192.0.2.1:1194 or [2001:db8::1]:1194")
    }
    return e
  }

  /// Why the zone of `[ADDR%ZONE]:PORT` is wrong, if that is what is wrong.
  static func badZone(_ text: String) -> String? {
    guard let pct = text.firstIndex(of: "%") else { return nil }
    let rest = text[text.index(after: pct)...]
    let zone = String(rest.prefix { $0 != "]" })
    let address = String(text[..<pct].drop { $0 == "[" })
    guard let a = IPAddress(address) else { return nil }
    if !a.isV6 { return "a zone (%\(zone)) needs an IPv6 address" }
    if zone.isEmpty { return "an empty zone after %" }
    if UInt32(zone) == nil, if_nametoindex(zone) == 0 { return "no interface named \"\(zone)\" for the zone" }
    return nil
  }

  /// `[ADDR]:PORT`, `ADDR:PORT`, `:PORT` or `ADDR`; nil address means wildcard.
  func localEndpoint(_ key: String) throws(UsageError) -> (IPAddress?, UInt16)? {
    guard let text = string(key) else { return nil }
    if text.hasPrefix(":"), let port = UInt16(text.dropFirst()), port != 0 {
      return (nil, port)
    }
    guard let e = Endpoint(parsing: text, defaultPort: 1194) else {
      throw .wrong(text, "expected [ADDR]:PORT, e.g. 0.0.0.0:1194, [::]:1194 or :1194")
    }
    return (e.address, e.port)
  }

  func address(_ text: String) throws(UsageError) -> IPAddress {
    guard let a = IPAddress(text) else { throw .wrong(text, "not an IPv4 or IPv6 address") }
    return a
  }

  func keepalive() throws(UsageError) -> (UInt32, UInt32)? {
    guard let v = all("keepalive").first else { return nil }
    let interval: UInt32 = try Self.number(v[0], 0...86400, what: "the keepalive interval (seconds)")
    let timeout: UInt32 = try Self.number(v[1], 0...86400, what: "the keepalive timeout (seconds)")
    return (interval, timeout)
  }
}
