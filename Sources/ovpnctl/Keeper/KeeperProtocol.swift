import DCONetlink

/// The one protocol between ovpnctl and the socket keeper of an interface:
/// one SOCK_SEQPACKET message per request and per reply, integers
/// little-endian, at most one descriptor attached (SCM_RIGHTS).
///
///     request  := op:u8 body
///       0x01 hello      ifindex:u32                   -> ready | retry | error
///       0x02 udpSocket  endpoint                      -> socket (fd) | error
///       0x03 attach     endpoint peer:u32             -> ok | error
///       0x04 adoptTCP   peer:u32  (stream socket fd)  -> ok | error
///       0x05 list                                     -> ids… (more = 0 on the last)
///       0x06 udpSocket  endpoint mark:u32             -> socket (fd) | error
///       0x07 attach     endpoint mark:u32 peer:u32    -> ok | error
///     reply    := op:u8 body
///       0x81 ready      ifindex:u32 pid:u32
///       0x82 socket     (the UDP socket attached)
///       0x83 ok
///       0x84 ids        more:u8 count:u16 peer:u32 × count
///       0x85 retry      (this keeper is exiting: connect again)
///       0xee error      errno:i32 length:u16 text
///     endpoint := 4 port:u16 addr:4 bytes | 6 port:u16 addr:16 bytes scope:u32
///
/// A mark of 0 (no SO_MARK) is sent as 0x02 / 0x03, any other as 0x06 / 0x07.
/// Every decoder checks every length and refuses trailing bytes.
enum KeeperProtocol {
  /// Longest request: adoptTCP is 5 bytes, attach of an IPv6 endpoint 28.
  static let maxRequest = 64
  /// Longest reply: an ids chunk.
  static let maxReply = 4 + idsPerReply * 4
  static let idsPerReply = 4096
  /// Longest text of an error reply, in bytes.
  static let maxErrorText = 1024
  /// Longest reply to attach or any request but list: an error with the
  /// longest text.
  static let maxShortReply = 7 + maxErrorText

  enum Request: Equatable {
    case hello(ifindex: UInt32)
    case udpSocket(Endpoint, mark: UInt32 = 0)
    case attach(Endpoint, mark: UInt32 = 0, peer: UInt32)
    case adoptTCP(peer: UInt32)
    case list

    /// Whether the request carries a descriptor.
    var takesDescriptor: Bool { if case .adoptTCP = self { return true } else { return false } }
  }

  enum Reply: Equatable {
    case ready(ifindex: UInt32, pid: UInt32)
    case socket
    case ok
    case ids([UInt32], more: Bool)
    case retry
    case error(errno: Int32, String)

    var carriesDescriptor: Bool { self == .socket }
  }

  struct Malformed: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
  }

  // MARK: encoding

  static func encode(_ r: Request) -> [UInt8] {
    var w = Writer()
    switch r {
    case .hello(let i):
      w.u8(0x01)
      w.u32(i)
    case .udpSocket(let e, let mark):
      w.u8(mark == 0 ? 0x02 : 0x06)
      w.endpoint(e)
      if mark != 0 { w.u32(mark) }
    case .attach(let e, let mark, let p):
      w.u8(mark == 0 ? 0x03 : 0x07)
      w.endpoint(e)
      if mark != 0 { w.u32(mark) }
      w.u32(p)
    case .adoptTCP(let p):
      w.u8(0x04)
      w.u32(p)
    case .list:
      w.u8(0x05)
    }
    return w.bytes
  }

  static func encode(_ r: Reply) -> [UInt8] {
    var w = Writer()
    switch r {
    case .ready(let i, let pid):
      w.u8(0x81)
      w.u32(i)
      w.u32(pid)
    case .socket: w.u8(0x82)
    case .ok: w.u8(0x83)
    case .ids(let ids, let more):
      precondition(ids.count <= idsPerReply)
      w.u8(0x84)
      w.u8(more ? 1 : 0)
      w.u16(UInt16(ids.count))
      for id in ids { w.u32(id) }
    case .retry: w.u8(0x85)
    case .error(let e, let text):
      let t = Array(text.utf8.prefix(maxErrorText))
      w.u8(0xee)
      w.u32(UInt32(bitPattern: e))
      w.u16(UInt16(t.count))
      w.bytes += t
    }
    return w.bytes
  }

  // MARK: decoding

  static func decodeRequest(_ bytes: ArraySlice<UInt8>) throws(Malformed) -> Request {
    var r = Reader(bytes)
    let request: Request
    switch try r.u8() {
    case 0x01: request = .hello(ifindex: try r.u32())
    case 0x02: request = .udpSocket(try r.endpoint())
    case 0x03: request = .attach(try r.endpoint(), peer: try r.peerID())
    case 0x04: request = .adoptTCP(peer: try r.peerID())
    case 0x05: request = .list
    case 0x06:
      let e = try r.endpoint()
      let mark = try r.u32()
      guard mark != 0 else { throw Malformed("mark 0 in a marked request") }
      request = .udpSocket(e, mark: mark)
    case 0x07:
      let e = try r.endpoint()
      let mark = try r.u32()
      guard mark != 0 else { throw Malformed("mark 0 in a marked request") }
      request = .attach(e, mark: mark, peer: try r.peerID())
    case let op: throw Malformed("unknown request \(op)")
    }
    try r.end()
    return request
  }

  static func decodeReply(_ bytes: ArraySlice<UInt8>) throws(Malformed) -> Reply {
    var r = Reader(bytes)
    let reply: Reply
    switch try r.u8() {
    case 0x81: reply = .ready(ifindex: try r.u32(), pid: try r.u32())
    case 0x82: reply = .socket
    case 0x83: reply = .ok
    case 0x84:
      let more = try r.u8()
      guard more <= 1 else { throw Malformed("bad continuation flag") }
      let count = Int(try r.u16())
      guard count <= idsPerReply else { throw Malformed("\(count) ids in one reply") }
      var ids: [UInt32] = []
      ids.reserveCapacity(count)
      for _ in 0..<count { ids.append(try r.peerID()) }
      reply = .ids(ids, more: more == 1)
    case 0x85: reply = .retry
    case 0xee:
      let e = Int32(bitPattern: try r.u32())
      let n = Int(try r.u16())
      let text = try r.take(n)
      reply = .error(errno: e, String(decoding: text, as: UTF8.self))
    case let op: throw Malformed("unknown reply \(op)")
    }
    try r.end()
    return reply
  }

  private struct Writer {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func endpoint(_ e: Endpoint) {
      u8(e.address.isV4 ? 4 : 6)
      u16(e.port)
      bytes += e.address.bytes
      if e.address.isV6 { u32(e.scopeID) }
    }
  }

  private struct Reader {
    var rest: ArraySlice<UInt8>
    init(_ b: ArraySlice<UInt8>) { rest = b }

    mutating func take(_ n: Int) throws(Malformed) -> ArraySlice<UInt8> {
      guard n >= 0, rest.count >= n else { throw Malformed("message ends early") }
      let out = rest.prefix(n)
      rest = rest.dropFirst(n)
      return out
    }
    mutating func u8() throws(Malformed) -> UInt8 { try take(1).first! }
    mutating func u16() throws(Malformed) -> UInt16 {
      let b = try take(2)
      return UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
    }
    mutating func u32() throws(Malformed) -> UInt32 {
      let b = try take(4)
      var v: UInt32 = 0
      for (i, x) in b.enumerated() { v |= UInt32(x) << (8 * UInt32(i)) }
      return v
    }
    mutating func peerID() throws(Malformed) -> UInt32 {
      let id = try u32()
      guard id <= 0xFF_FFFF else { throw Malformed("peer id \(id) out of range") }
      return id
    }
    mutating func endpoint() throws(Malformed) -> Endpoint {
      let family = try u8()
      guard family == 4 || family == 6 else { throw Malformed("address family \(family)") }
      let port = try u16()
      let address = IPAddress(bytes: Array(try take(family == 4 ? 4 : 16)))!
      let scope = family == 6 ? try u32() : 0
      return Endpoint(address: address, port: port, scopeID: scope)
    }
    func end() throws(Malformed) {
      guard rest.isEmpty else { throw Malformed("\(rest.count) bytes after the end") }
    }
  }
}
