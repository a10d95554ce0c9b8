// Shared helpers for the DCONetlink tests: golden-hex parsing, reading
// canned datagrams, and the canned kernel messages. The wire builder and
// the fake transports are in NetlinkFakes, shared with the ovpnctl tests.

import NetlinkFakes
import Testing

@testable import DCONetlink

// MARK: - Golden hex

/// Parses hex bytes, ignoring whitespace and `//` comments to the end of a line.
func hex(_ text: String) -> [UInt8] {
  var out: [UInt8] = []
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    let code = line.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    let digits = code.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd hex digit count in line: \(line)")
    var i = digits.startIndex
    while i < digits.endIndex {
      let j = digits.index(i, offsetBy: 2)
      out.append(UInt8(digits[i..<j], radix: 16)!)
      i = j
    }
  }
  return out
}

func hexdump(_ bytes: [UInt8]) -> String {
  stride(from: 0, to: bytes.count, by: 16).map { row in
    let line = bytes[row..<min(row + 16, bytes.count)].map { b in
      let s = String(b, radix: 16)
      return s.count == 1 ? "0" + s : s
    }.joined(separator: " ")
    let offset = String(row, radix: 16)
    return String(repeating: "0", count: 4 - offset.count) + offset + ": " + line
  }.joined(separator: "\n")
}

/// Compares encoded bytes with a golden value and says where they first differ.
func expectBytes(
  _ got: [UInt8], _ want: [UInt8], sourceLocation: SourceLocation = #_sourceLocation
) {
  guard got != want else { return }
  let first =
    zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    ?? min(got.count, want.count)
  Issue.record(
    """
    bytes differ at offset \(first) (got \(got.count) bytes, want \(want.count))
    got:
    \(hexdump(got))
    want:
    \(hexdump(want))
    """, sourceLocation: sourceLocation)
}

// MARK: - Reading canned datagrams

/// Runs `decode` over every message of a datagram, collecting non-nil results.
func decodeAll<T>(_ datagram: [UInt8], _ decode: (ReceivedMessage) throws(NetlinkError) -> T?)
  throws -> [T]
{
  var out: [T] = []
  try datagram.withUnsafeBytes { (raw) throws in
    try forEachMessage(in: raw) { (msg) throws(NetlinkError) in
      if let v = try decode(msg) { out.append(v) }
    }
  }
  return out
}

/// Decodes the single message of a datagram.
func decodeOne<T>(_ datagram: [UInt8], _ decode: (ReceivedMessage) throws(NetlinkError) -> T?)
  throws -> T?
{
  try decodeAll(datagram, decode).first
}

/// Feeds datagrams to a fresh ReplyReader; returns the data messages' types
/// and whether the reader finished.
func readReply(seq: UInt32, pid: UInt32 = K.port, _ datagrams: [UInt8]...) throws
  -> (types: [UInt16], finished: Bool)
{
  var reader = ReplyReader(sequence: seq, portID: pid)
  var types: [UInt16] = []
  for d in datagrams {
    _ = try d.withUnsafeBytes { (raw) throws in
      try reader.consume(raw) { (msg) throws(NetlinkError) in types.append(msg.type) }
    }
  }
  return (types, reader.finished)
}

/// Runs `body`, returning the NetlinkError it throws (nil if none).
func netlinkError(
  sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> NetlinkError? {
  do {
    try body()
    return nil
  } catch let e as NetlinkError {
    return e
  } catch {
    Issue.record("not a NetlinkError: \(error)", sourceLocation: sourceLocation)
    return nil
  }
}

func isMalformed(_ e: NetlinkError?) -> Bool {
  if case .malformed? = e { return true }
  return false
}

// MARK: - Fixtures

let legacyFamily = GenlFamily(
  name: "ovpn-dco-v2", id: K.legacyFamily, version: 1,
  multicastGroups: ["peers": 7])
let upstreamFamily = GenlFamily(
  name: "ovpn", id: K.upstreamFamily, version: 1, multicastGroups: ["peers": 8])
let legacy = LegacyCodec(family: legacyFamily)
let upstream = UpstreamCodec(family: upstreamFamily)

// MARK: - Canned kernel messages (also the seeds of the fuzz tests)

enum Canned {
  /// A legacy GET_PEER reply (OVPN_ATTR_GET_PEER response set) with an IPv4
  /// sockaddr, u64 byte counters and u32 packet counters. With `pads`, a
  /// type-0 pad attribute precedes every u64, as nla_put_u64_64bit emits on
  /// architectures without efficient unaligned access.
  static func legacyPeer(
    id: UInt32, seq: UInt32 = 0, flags: UInt16 = K.multi, pads: Bool = true,
    sockaddr: [UInt8]? = nil
  ) -> [UInt8] {
    let pad: [UInt8] = pads ? nla(0, []) : []
    let remote =
      sockaddr ?? (le16(2) + be16(1194) + [192, 0, 2, UInt8(truncatingIfNeeded: id)] + [UInt8](repeating: 0, count: 8))
    return nlmsg(
      type: K.legacyFamily, flags: flags, seq: seq, genlhdr(7),
      nest(
        8,
        nla(1, le32(id)),  // PEER_ID
        nla(2, remote),  // SOCKADDR_REMOTE
        nla(3, [10, 8, 0, 2]),  // IPV4
        nla(4, [0xfd] + [UInt8](repeating: 0, count: 14) + [2]),  // IPV6
        nla(5, [192, 0, 2, 10]),  // LOCAL_IP
        nla(6, be16(1194)),  // LOCAL_PORT
        nla(7, le32(10)),  // KEEPALIVE_INTERVAL
        nla(8, le32(60)),  // KEEPALIVE_TIMEOUT
        pad, nla(9, le64(0x1_0000_0001)),  // VPN_RX_BYTES u64
        pad, nla(10, le64(2000)),  // VPN_TX_BYTES u64
        nla(11, le32(11)),  // VPN_RX_PACKETS u32
        nla(12, le32(12)),  // VPN_TX_PACKETS u32
        pad, nla(13, le64(3000)),  // LINK_RX_BYTES
        pad, nla(14, le64(4000)),  // LINK_TX_BYTES
        nla(15, le32(15)),  // LINK_RX_PACKETS
        nla(16, le32(16))))  // LINK_TX_PACKETS
  }

  /// An upstream PEER_GET reply in the kernel's attribute order, counters as
  /// NLA_UINT: 4 bytes where the value fits, 8 where it does not.
  static func upstreamPeer(id: UInt32, seq: UInt32 = 0, flags: UInt16 = K.multi) -> [UInt8] {
    nlmsg(
      type: K.upstreamFamily, flags: flags, seq: seq, genlhdr(3),
      nest(
        2,
        nla(1, le32(id)),  // ID
        nla(8, [10, 8, 0, UInt8(truncatingIfNeeded: id)]),  // VPN_IPV4
        nla(13, le32(10)),  // KEEPALIVE_INTERVAL
        nla(14, le32(60)),  // KEEPALIVE_TIMEOUT
        nla(2, [192, 0, 2, 1]),  // REMOTE_IPV4
        nla(5, be16(1194)),  // REMOTE_PORT
        nla(10, [192, 0, 2, 10]),  // LOCAL_IPV4
        nla(12, be16(51820)),  // LOCAL_PORT
        nla(16, le32(100)),  // VPN_RX_BYTES, 4 bytes
        nla(17, le64(0x2_0000_0000)),  // VPN_TX_BYTES, 8 bytes
        nla(18, le32(3)),  // VPN_RX_PACKETS
        nla(19, le32(4)),  // VPN_TX_PACKETS
        nla(20, le64(0xffff_ffff_ffff_fffe)),  // LINK_RX_BYTES
        nla(21, le32(0xffff_ffff)),  // LINK_TX_BYTES
        nla(22, le32(7)),  // LINK_RX_PACKETS
        nla(23, le64(8))))  // LINK_TX_PACKETS, 8 bytes although it fits
  }

  static func upstreamKey(seq: UInt32 = 0, slot: UInt32 = 1, keyID: UInt32 = 5, alg: UInt32 = 2)
    -> [UInt8]
  {
    nlmsg(
      type: K.upstreamFamily, seq: seq, genlhdr(7),
      nest(3, nla(1, le32(1)), nla(2, le32(slot)), nla(3, le32(keyID)), nla(4, le32(alg))))
  }

  /// Multicast notifications: sequence 0, port id 0.
  static func legacyDelPeer(ifindex: UInt32 = 5, id: UInt32 = 9, reason: UInt8 = 2) -> [UInt8] {
    nlmsg(
      type: K.legacyFamily, seq: 0, pid: 0, genlhdr(3),
      nla(1, le32(ifindex)), nest(4, nla(1, [reason]), nla(2, le32(id))))
  }

  static func upstreamPeerDel(ifindex: UInt32 = 5, id: UInt32 = 9, reason: UInt32 = 4) -> [UInt8] {
    nlmsg(
      type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(5),
      nla(1, le32(ifindex)), nest(2, nla(15, le32(reason)), nla(1, le32(id))))
  }

  static func upstreamKeySwap(ifindex: UInt32 = 5, id: UInt32 = 9, keyID: [UInt8] = le16(3)) -> [UInt8] {
    nlmsg(
      type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(9),
      nla(1, le32(ifindex)), nest(3, nla(1, le32(id)), nla(3, keyID)))
  }

  static func upstreamFloat(ifindex: UInt32 = 5, id: UInt32 = 9) -> [UInt8] {
    nlmsg(
      type: K.upstreamFamily, seq: 0, pid: 0, genlhdr(11),
      nla(1, le32(ifindex)),
      nest(
        2, nla(1, le32(id)),
        nla(3, [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [0x09]),
        nla(4, le32(3)), nla(5, be16(40000))))
  }

  /// An RTM_NEWLINK as the kernel describes an ovpn interface.
  static func link(
    index: Int32 = 5, name: String = "tun0", kind: String = "ovpn", data: [UInt8]? = nla(1, [1]),
    seq: UInt32 = 0, flags: UInt16 = K.multi, stats: [UInt64]? = nil
  ) -> [UInt8] {
    var info = nla(K.infoKind, cstr(kind))
    if let data { info += nest(K.infoData, data) }
    let ifinfo: [UInt8] = [0, 0] + le16(0xfffe) + lei32(index) + le32(0x1091) + le32(0)
    let statsAttr = stats.map { nla(K.iflaStats64, $0.flatMap(le64)) } ?? []
    return nlmsg(
      type: K.rtmNewLink, flags: flags, seq: seq, ifinfo,
      nla(K.iflaIfname, cstr(name)), nla(K.iflaMTU, le32(1416)), nla(K.iflaOperstate, [6]),
      statsAttr, nest(K.iflaLinkinfo, info))
  }

  /// An NLMSG_ERROR with extack (message, offset, missing type, policy nest).
  static func extackError(seq: UInt32, capped: Bool) -> [UInt8] {
    let echo = capped ? nil : upstreamRequestEcho(seq: seq)
    return errorMessage(
      errno: K.EINVAL, seq: seq, echo: echo,
      tlvs: nla(K.extMsg, cstr("ovpn: cannot find peer with id 5")) + nla(K.extOffs, le32(36))
        + nla(K.extMissType, le32(1)) + nla(K.extMissNest, le32(28))
        + nest(K.extPolicy, nla(1, le32(3))))
  }

  /// The request an uncapped error echoes back: an upstream PEER_GET.
  static func upstreamRequestEcho(seq: UInt32) -> [UInt8] {
    nlmsg(
      type: K.upstreamFamily, flags: K.request | K.ack, seq: seq, genlhdr(3),
      nla(1, le32(5)), nest(2, nla(1, le32(5))))
  }
}
