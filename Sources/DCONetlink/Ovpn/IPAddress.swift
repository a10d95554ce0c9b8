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
    var buf = [UInt8](repeating: 0, count: 16)
    if inet_pton(AF_INET, text, &buf) == 1 {
      bytes = Array(buf[0..<4])
    } else if inet_pton(AF_INET6, text, &buf) == 1 {
      bytes = buf
    } else {
      return nil
    }
  }

  /// The wildcard address: `0.0.0.0`, or `::` when `v6`.
  public static func any(v6: Bool) -> IPAddress {
    IPAddress(bytes: [UInt8](repeating: 0, count: v6 ? 16 : 4))!
  }

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
    var host = Substring(text)
    var portText: Substring?
    if host.hasPrefix("[") {
      guard let close = host.firstIndex(of: "]") else { return nil }
      let rest = host[host.index(after: close)...]
      host = host[host.index(after: host.startIndex)..<close]
      if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { return nil }
    } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
      portText = host[host.index(after: colon)...]
      host = host[..<colon]
    }
    var scope: UInt32 = 0
    if let pct = host.firstIndex(of: "%") {
      let name = String(host[host.index(after: pct)...])
      if let n = UInt32(name) {
        scope = n
      } else {
        scope = if_nametoindex(name)
        guard scope != 0 else { return nil }
      }
      host = host[..<pct]
    }
    guard let address = IPAddress(String(host)) else { return nil }
    if scope != 0 && !address.isV6 { return nil }
    if let portText {
      guard let p = UInt16(portText), p != 0 else { return nil }
      port = p
    } else if let defaultPort {
      port = defaultPort
    } else {
      return nil
    }
    self.address = address
    self.scopeID = scope
  }
}
