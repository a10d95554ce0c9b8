import DCONetlink

// The fake kernels of the unit tests, in one place. Each records what it
// is sent and answers from a queue; none stands in for the kernel as proof
// that a command works (the kernel tests are that), only that the right
// bytes are sent and the replies are read as they should be.

/// Records every request and replays queued datagrams. A `responder` can
/// build replies from each request (to echo its sequence number).
public final class MockChannel: NetlinkChannel {
  public let portID: UInt32
  public private(set) var sent: [[UInt8]] = []
  public var queued: [[UInt8]]
  public var responder: ((_ request: [UInt8], _ index: Int) -> [[UInt8]])?

  public init(portID: UInt32 = K.port, queued: [[UInt8]] = []) {
    self.portID = portID
    self.queued = queued
  }

  public func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError) {
    let bytes = Array(message)
    sent.append(bytes)
    if let responder { queued += responder(bytes, sent.count - 1) }
  }

  public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
    guard !queued.isEmpty else {
      throw .system(operation: "recvfrom (mock: nothing queued)", errno: 11)
    }
    let d = queued.removeFirst()
    guard d.count <= buffer.count else { throw .malformed("mock datagram larger than the buffer") }
    d.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[0..<d.count]).copyMemory(from: $0) }
    return d.count
  }
}

/// A channel that answers every request with an ACK.
public func ackingChannel() -> MockChannel {
  let t = MockChannel()
  t.responder = { req, _ in [ackMessage(seq: sequenceOf(req))] }
  return t
}

/// Answers like a kernel with some ovpn families and interfaces: GETFAMILY
/// and RTM_GETLINK by name get real replies, everything else an ACK (or
/// `errno`). It records every request; it proves encoding, not behaviour.
public final class FakeKernel: NetlinkChannel {
  public let portID: UInt32 = 0x77
  public var families: [String: UInt16]
  public var links: [String: (index: UInt32, kind: String)]
  /// Answer requests of this (type, genl command) with -errno instead of an ACK.
  public var failing: [UInt16: Int32] = [:]
  public private(set) var sent: [[UInt8]] = []
  private var queue: [[UInt8]] = []

  public init(
    families: [String: UInt16] = ["ovpn": 0x1b, "ovpn-dco-v2": 0x1a],
    links: [String: (index: UInt32, kind: String)] = [:]
  ) {
    self.families = families
    self.links = links
  }

  /// Requests other than family and link lookups.
  public var commands: [[UInt8]] {
    sent.filter { r in
      let type = UInt16(r[4]) | UInt16(r[5]) << 8
      return !(type == 0x10 && r[16] == 3) && type != 18
    }
  }

  public func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError) {
    let r = Array(message)
    sent.append(r)
    let type = UInt16(r[4]) | UInt16(r[5]) << 8
    let seq = UInt32(r[8]) | UInt32(r[9]) << 8 | UInt32(r[10]) << 16 | UInt32(r[11]) << 24
    func error(_ errno: Int32) -> [UInt8] {
      nlmsg(type: 2, flags: 0x100, seq: seq, pid: portID, le32(UInt32(bitPattern: -errno)) + Array(r[0..<16]))
    }
    if type == 0x10, r[16] == 3 {
      let name = String(decoding: r[24...].prefix { $0 != 0 }, as: UTF8.self)
      guard let id = families[name] else {
        queue.append(error(2))
        return
      }
      queue.append(
        nlmsg(
          type: 0x10, flags: 0, seq: seq, pid: portID, [1, 2, 0, 0] + nla(1, le16(id)) + nla(2, Array(name.utf8) + [0]))
      )
      queue.append(error(0))
      return
    }
    if type == 18 {  // RTM_GETLINK by name
      let name = String(decoding: r[36...].prefix { $0 != 0 }, as: UTF8.self)
      guard let l = links[name] else {
        queue.append(error(19))
        return
      }
      let ifinfo: [UInt8] = [0, 0, 0xfe, 0xff] + le32(l.index) + le32(0x91) + le32(0)
      let info = nla(1, Array(l.kind.utf8) + [0])
      let linkinfo = le16(UInt16(4 + info.count)) + le16(18 | 0x8000) + info
      queue.append(nlmsg(type: 16, flags: 0, seq: seq, pid: portID, ifinfo + nla(3, Array(name.utf8) + [0]) + linkinfo))
      queue.append(error(0))
      return
    }
    queue.append(error(failing[type] ?? 0))
  }

  public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
    guard !queue.isEmpty else { throw .system(operation: "recvfrom (fake kernel: nothing queued)", errno: 11) }
    let d = queue.removeFirst()
    d.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[0..<d.count]).copyMemory(from: $0) }
    return d.count
  }
}

/// A kernel for the window's own socket: ACKs every request unless `errno`
/// says otherwise, and logs "s<seq>" per request and "r<seq>" per reply read.
public final class PipelineKernel: NetlinkChannel {
  public let portID: UInt32 = 0x99
  /// errno for a request (genl command, peer id), 0 for an ACK.
  public var errno: (UInt8, UInt32) -> Int32 = { _, _ in 0 }
  public private(set) var requests: [(command: UInt8, peer: UInt32)] = []
  public private(set) var log: [String] = []
  private var queue: [[UInt8]] = []

  public init() {}

  public func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError) {
    let r = Array(message)
    let seq = UInt32(r[8]) | UInt32(r[9]) << 8 | UInt32(r[10]) << 16 | UInt32(r[11]) << 24
    // Upstream requests: nlmsghdr, genlmsghdr, IFINDEX (8), then the peer or
    // keyconf nest, whose first attribute is the peer id.
    let peer = UInt32(r[36]) | UInt32(r[37]) << 8 | UInt32(r[38]) << 16 | UInt32(r[39]) << 24
    requests.append((r[16], peer))
    log.append("s\(seq)")
    let e = errno(r[16], peer)
    let payload = le32(UInt32(bitPattern: -e)) + Array(r[0..<16])
    queue.append(le32(UInt32(16 + payload.count)) + le16(2) + le16(0x100) + le32(seq) + le32(portID) + payload)
  }

  public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
    guard !queue.isEmpty else { throw .system(operation: "recvfrom (pipeline kernel: nothing queued)", errno: 11) }
    let d = queue.removeFirst()
    log.append("r" + String(UInt32(d[8]) | UInt32(d[9]) << 8))
    d.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[0..<d.count]).copyMemory(from: $0) }
    return d.count
  }
}

/// Hands out every queued datagram it can in one receive(many:), as
/// recvmmsg does.
public final class ManyAtOnceChannel: NetlinkChannel {
  public let portID: UInt32 = K.port
  public private(set) var sent: [[UInt8]] = []
  public var queued: [[UInt8]] = []
  public private(set) var receives = 0
  public var responder: (([UInt8]) -> [[UInt8]])?
  /// receive(into:) calls, which a pipelined reader must not make.
  public private(set) var singleReceives = 0

  public init() {}

  public func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError) {
    let bytes = Array(message)
    sent.append(bytes)
    if let responder { queued += responder(bytes) }
  }

  public func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int {
    singleReceives += 1
    throw .system(operation: "recvfrom (single receive used)", errno: 11)
  }

  public func receive(many max: Int, into buffer: UnsafeMutableRawBufferPointer, slot: Int) throws(NetlinkError)
    -> [Int]
  {
    receives += 1
    guard !queued.isEmpty else { throw .system(operation: "recvmmsg (nothing queued)", errno: 11) }
    var lengths: [Int] = []
    while lengths.count < max, !queued.isEmpty {
      let d = queued.removeFirst()
      let at = lengths.count * slot
      d.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[at..<at + d.count]).copyMemory(from: $0) }
      lengths.append(d.count)
    }
    return lengths
  }
}
