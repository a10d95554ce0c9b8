// A hand-rolled netlink wire builder for the unit tests of both targets,
// independent of the code under test: numbers written out from the uapi
// headers, attributes, messages, acks and errors.
//
// All multi-byte host-order fields are little-endian: the suite, like the
// kernels it targets (x86_64, arm64), assumes a little-endian host.

// MARK: - Numbers, written out by hand from the uapi headers

public enum K {
  // nlmsg types
  public static let noop: UInt16 = 1
  public static let error: UInt16 = 2
  public static let done: UInt16 = 3
  public static let overrun: UInt16 = 4
  // nlmsg flags
  public static let request: UInt16 = 0x1
  public static let multi: UInt16 = 0x2
  public static let ack: UInt16 = 0x4
  public static let dumpIntr: UInt16 = 0x10
  public static let dump: UInt16 = 0x300
  public static let capped: UInt16 = 0x100
  public static let ackTLVs: UInt16 = 0x200
  // NLMSGERR_ATTR_*
  public static let extMsg: UInt16 = 1
  public static let extOffs: UInt16 = 2
  public static let extPolicy: UInt16 = 4
  public static let extMissType: UInt16 = 5
  public static let extMissNest: UInt16 = 6
  // generic netlink controller
  public static let genlCtrl: UInt16 = 0x10
  public static let ctrlNewFamily: UInt8 = 1
  public static let ctrlGetPolicy: UInt8 = 10
  // rtnetlink
  public static let rtmNewLink: UInt16 = 16
  public static let iflaIfname: UInt16 = 3
  public static let iflaMTU: UInt16 = 4
  public static let iflaOperstate: UInt16 = 16
  public static let iflaLinkinfo: UInt16 = 18
  public static let iflaStats64: UInt16 = 23
  public static let infoKind: UInt16 = 1
  public static let infoData: UInt16 = 2
  // errno
  public static let ENOENT: Int32 = 2
  public static let EINVAL: Int32 = 22
  public static let ENODEV: Int32 = 19
  public static let EEXIST: Int32 = 17
  public static let ENOTSOCK: Int32 = 88
  public static let EOPNOTSUPP: Int32 = 95
  public static let EINTR: Int32 = 4

  /// Family ids the tests assign to the two ovpn families.
  public static let legacyFamily: UInt16 = 0x1a
  public static let upstreamFamily: UInt16 = 0x1b
  /// The port id the mock transport claims.
  public static let port: UInt32 = 0x0000_4242
}

// MARK: - Wire builder

public func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
public func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
public func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
public func lei32(_ v: Int32) -> [UInt8] { le32(UInt32(bitPattern: v)) }
public func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
public func cstr(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

public func pad4(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (4 - b.count % 4) % 4) }

/// One attribute: nla_len counts header + payload (unpadded); padding follows.
public func nla(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
  pad4(le16(UInt16(4 + payload.count)) + le16(type) + payload)
}

/// An attribute with a raw, possibly lying, nla_len.
public func rawNLA(len: UInt16, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
  le16(len) + le16(type) + payload
}

/// A nest with NLA_F_NESTED set, as libmnl and the kernel emit them.
public func nest(_ type: UInt16, _ children: [UInt8]...) -> [UInt8] {
  let body = children.flatMap { $0 }
  return le16(UInt16(4 + body.count)) + le16(type | 0x8000) + body
}

public func genlhdr(_ cmd: UInt8, version: UInt8 = 1) -> [UInt8] { [cmd, version, 0, 0] }

/// A netlink message; nlmsg_len is the unpadded length, the bytes are padded.
public func nlmsg(
  type: UInt16, flags: UInt16 = 0, seq: UInt32, pid: UInt32 = K.port, _ parts: [UInt8]...
) -> [UInt8] {
  let payload = parts.flatMap { $0 }
  return pad4(le32(UInt32(16 + payload.count)) + le16(type) + le16(flags) + le32(seq) + le32(pid) + payload)
}

/// A 16-byte nlmsghdr alone (the echoed request of a capped error).
public func nlhdr(len: UInt32, type: UInt16, flags: UInt16, seq: UInt32, pid: UInt32) -> [UInt8] {
  le32(len) + le16(type) + le16(flags) + le32(seq) + le32(pid)
}

/// NLMSG_ERROR with error 0: the ACK of a request.
public func ackMessage(seq: UInt32, pid: UInt32 = K.port, requestType: UInt16 = 0x10) -> [UInt8] {
  nlmsg(
    type: K.error, flags: K.capped, seq: seq, pid: pid, lei32(0),
    nlhdr(len: 16, type: requestType, flags: K.request | K.ack, seq: seq, pid: pid))
}

/// NLMSG_ERROR carrying -errno. With `tlvs` the extack flag is set; `echo`
/// is the full echoed request (uncapped), else only its header is echoed (capped).
public func errorMessage(
  errno: Int32, seq: UInt32, pid: UInt32 = K.port, echo: [UInt8]? = nil, tlvs: [UInt8]? = nil
) -> [UInt8] {
  var flags: UInt16 = 0
  let echoed: [UInt8]
  if let echo {
    echoed = echo
  } else {
    flags |= K.capped
    echoed = nlhdr(len: 16, type: 0x10, flags: K.request | K.ack, seq: seq, pid: pid)
  }
  if tlvs != nil { flags |= K.ackTLVs }
  return nlmsg(type: K.error, flags: flags, seq: seq, pid: pid, lei32(-errno), pad4(echoed), tlvs ?? [])
}

/// NLMSG_DONE; a non-zero `errno` is carried as -errno, with optional extack TLVs.
public func doneMessage(
  seq: UInt32, pid: UInt32 = K.port, errno: Int32 = 0, flags: UInt16 = K.multi, tlvs: [UInt8]? = nil
)
  -> [UInt8]
{
  var f = flags
  if tlvs != nil { f |= K.ackTLVs }
  return nlmsg(type: K.done, flags: f, seq: seq, pid: pid, lei32(-errno), tlvs ?? [])
}

/// The sequence number of an encoded request.
public func sequenceOf(_ request: [UInt8]) -> UInt32 {
  UInt32(request[8]) | UInt32(request[9]) << 8 | UInt32(request[10]) << 16 | UInt32(request[11]) << 24
}

/// A request with its sequence number replaced (to compare resends).
public func withSequence(_ request: [UInt8], _ seq: UInt32) -> [UInt8] {
  var r = request
  r.replaceSubrange(8..<12, with: le32(seq))
  return r
}
