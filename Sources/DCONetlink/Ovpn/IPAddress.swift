import CMnl

/// An IPv4 or IPv6 address held as its network-order bytes.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
  /// 4 or 16 bytes.
  public let bytes: [UInt8]

  /// An address from 4 (IPv4) or 16 (IPv6) network-order bytes; nil for any other count.
  public init?(bytes: [UInt8]) {
    guard bytes.count == 4 || bytes.count == 16 else { return nil }
    self.bytes = bytes
  }

  /// Parses dotted-quad or RFC 4291 text (inet_pton).
  public init?(_ text: String) {
    guard let a = text.withCString({ IPAddress(cString: $0) }) else { return nil }
    self = a
  }

  /// Parses NUL-terminated text, as inet_pton(3) does.
  init?(cString text: UnsafePointer<CChar>) {
    var raw: (UInt64, UInt64) = (0, 0)
    let count = withUnsafeMutableBytes(of: &raw) { buf -> Int in
      if inet_pton(AF_INET, text, buf.baseAddress) == 1 { return 4 }
      if inet_pton(AF_INET6, text, buf.baseAddress) == 1 { return 16 }
      return 0
    }
    guard count != 0 else { return nil }
    bytes = withUnsafeBytes(of: &raw) { Array($0.prefix(count)) }
  }

  /// The wildcard address: `0.0.0.0`, or `::` when `v6`.
  public static func any(v6: Bool) -> IPAddress { v6 ? anyV6 : anyV4 }
  private static let anyV4 = IPAddress(bytes: [0, 0, 0, 0])!
  private static let anyV6 = IPAddress(bytes: [UInt8](repeating: 0, count: 16))!

  /// Whether this is an IPv4 address (4 bytes).
  public var isV4: Bool { bytes.count == 4 }
  /// Whether this is an IPv6 address (16 bytes), v4-mapped ones included.
  public var isV6: Bool { bytes.count == 16 }
  /// AF_INET or AF_INET6.
  public var family: Int32 { isV4 ? AF_INET : AF_INET6 }

  /// ::ffff:a.b.c.d
  public var isV4Mapped: Bool {
    isV6 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
  }

  /// The IPv4 address inside a v4-mapped IPv6 address; otherwise self.
  public var unmapped: IPAddress { isV4Mapped ? IPAddress(bytes: Array(bytes[12..<16]))! : self }

  /// The address as inet_ntop(3) writes it: `192.0.2.1`, `2001:db8::1`.
  public var description: String {
    var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    _ = inet_ntop(family, bytes, &out, socklen_t(out.count))
    return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// A transport endpoint: address, port, and the IPv6 scope where it matters.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
  /// The IPv4 or IPv6 address.
  public var address: IPAddress
  /// The port, in host byte order.
  public var port: UInt16
  /// The IPv6 scope (an interface index) of a link-local address; 0 for none.
  public var scopeID: UInt32

  /// An endpoint; `scopeID` applies to IPv6 only.
  public init(address: IPAddress, port: UInt16, scopeID: UInt32 = 0) {
    self.address = address
    self.port = port
    self.scopeID = scopeID
  }

  /// `192.0.2.1:1194`, `[2001:db8::1]:1194`, `[fe80::1%2]:1194`.
  public var description: String {
    // Concatenation rather than interpolation: interpolating a
    // CustomStringConvertible value looks up its conformance at run time,
    // which a dump of thousands of peers pays for on every one.
    if address.isV4 { return address.description + ":" + String(port) }
    let scope = scopeID != 0 ? "%" + String(scopeID) : ""
    return "[" + address.description + scope + "]:" + String(port)
  }

  /// Parses `ADDR:PORT` or `[ADDR]:PORT`. With `portOptional`, a bare
  /// address takes `defaultPort`, and `:PORT` alone means the wildcard
  /// address (family chosen by the caller later).
  public init?(parsing text: String, defaultPort: UInt16? = nil) {
    var text = text
    guard let e = text.withUTF8({ Endpoint.parse($0, defaultPort: defaultPort) }) else { return nil }
    self = e
  }

  /// The parser behind `init(parsing:)`, on the text's UTF-8 bytes: every
  /// byte it looks for is ASCII.
  private static func parse(_ s: UnsafeBufferPointer<UInt8>, defaultPort: UInt16?) -> Endpoint? {
    let colon = UInt8(ascii: ":")
    var host = 0..<s.count
    var portBytes: Range<Int>?
    if s.first == UInt8(ascii: "[") {
      guard let close = s.firstIndex(of: UInt8(ascii: "]")) else { return nil }
      host = 1..<close
      if close + 1 < s.count {
        guard s[close + 1] == colon else { return nil }
        portBytes = (close + 2)..<s.count
      }
    } else if let last = s.lastIndex(of: colon), s.firstIndex(of: colon) == last {
      portBytes = (last + 1)..<s.count
      host = 0..<last
    }
    var scope: UInt32 = 0
    if let pct = s[host].firstIndex(of: UInt8(ascii: "%")) {
      let name = String(decoding: s[(pct + 1)..<host.upperBound], as: UTF8.self)
      if let n = UInt32(name) {
        scope = n
      } else {
        scope = if_nametoindex(name)
        guard scope != 0 else { return nil }
      }
      host = host.lowerBound..<pct
    }
    // The longest address text is 45 bytes; anything longer is no address.
    guard host.count < 64, !s[host].contains(0) else { return nil }
    var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    let parsed = withUnsafeMutableBytes(of: &text) { buf -> IPAddress? in
      UnsafeMutableRawBufferPointer(rebasing: buf[0..<host.count]).copyBytes(from: s[host])
      return IPAddress(cString: buf.baseAddress!.assumingMemoryBound(to: CChar.self))
    }
    guard let address = parsed else { return nil }
    if scope != 0 && !address.isV6 { return nil }
    let port: UInt16
    if let portBytes {
      guard let p = decimalPort(s[portBytes]) else { return nil }
      port = p
    } else if let defaultPort {
      port = defaultPort
    } else {
      return nil
    }
    return Endpoint(address: address, port: port, scopeID: scope)
  }

  /// 1..65535 in decimal, as `UInt16(text)` reads it (a leading `+` allowed).
  private static func decimalPort(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt16? {
    var d = digits[...]
    if d.first == UInt8(ascii: "+") { d = d.dropFirst() }
    guard !d.isEmpty else { return nil }
    var value: UInt32 = 0
    for c in d {
      guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + UInt32(c - UInt8(ascii: "0"))
      guard value <= 65535 else { return nil }
    }
    return value == 0 ? nil : UInt16(value)
  }
}
