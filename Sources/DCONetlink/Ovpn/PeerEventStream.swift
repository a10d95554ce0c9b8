import CMnl

/// One thing read from the `peers` multicast groups.
public enum PeerEventItem: Equatable, Sendable {
  /// A decoded notification.
  case event(OvpnEvent)
  /// The kernel dropped notifications (ENOBUFS): whoever tracks peers must
  /// resynchronise with a dump.
  case lost
  /// A notification that does not decode; it is skipped.
  case malformed(NetlinkError)
}

/// A subscription to the `peers` group of one or more ovpn families: the one
/// code path `monitor`, the socket keeper and the metrics endpoint read
/// kernel events through. The receive buffer is sized for the burst a
/// `link del` of thousands of peers causes (one notification per peer).
public final class PeerEventStream {
  /// Default receive buffer: enough for 10,000 queued peer-del
  /// notifications. Root gets it (SO_RCVBUFFORCE); others get what
  /// net.core.rmem_max allows.
  public static let defaultReceiveBuffer: Int32 = 64 << 20

  private let socket: NetlinkSocket
  private var codecs: [UInt16: any OvpnCodec] = [:]
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)

  /// The socket's descriptor, to poll for input before `drain`; it belongs to the stream.
  public var fileDescriptor: Int32 { socket.fileDescriptor }

  deinit { buffer.deallocate() }

  package init(codecs: [any OvpnCodec], receiveBuffer: Int32? = nil) throws(NetlinkError) {
    socket = try NetlinkSocket(bus: NETLINK_GENERIC)
    socket.setReceiveBuffer(bytes: receiveBuffer ?? Self.defaultReceiveBuffer)
    for c in codecs { try join(c) }
  }

  /// A subscription to the `peers` group of every ovpn API whose module
  /// is loaded (`.noKernelSupport` if none is).
  public convenience init(client: DCOClient, receiveBuffer: Int32? = nil) throws(NetlinkError) {
    var codecs: [any OvpnCodec] = []
    for kind in OvpnKind.allCases {
      if let c = try? client.codec(for: kind) { codecs.append(c) }
    }
    guard !codecs.isEmpty else { throw .noKernelSupport }
    try self.init(codecs: codecs, receiveBuffer: receiveBuffer)
  }

  /// Joins the `peers` group of `codec`'s family, if not joined yet (a
  /// module loaded after the stream was opened). Returns whether the family
  /// is joined now.
  @discardableResult
  package func join(_ codec: any OvpnCodec) throws(NetlinkError) -> Bool {
    if codecs[codec.family.id] != nil { return true }
    guard let group = codec.family.multicastGroups["peers"] else { return false }
    try socket.join(group: group)
    codecs[codec.family.id] = codec
    return true
  }

  /// Reads what is queued, without blocking, at most `limit` datagrams, and
  /// hands each decoded item to `body`. Returns whether anything was read.
  @discardableResult
  public func drain(limit: Int = Int.max, _ body: (PeerEventItem) -> Void) throws(NetlinkError) -> Bool {
    var any = false
    var count = 0
    while count < limit {
      let n: Int?
      do throws(NetlinkError) {
        n = try socket.receiveNow(into: buffer)
      } catch .system(_, let e) where e == ENOBUFS {
        body(.lost)
        any = true
        continue
      }
      guard let n else { return any }
      any = true
      count += 1
      var items: [PeerEventItem] = []
      do throws(NetlinkError) {
        try NotificationReader.forEach(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
          (msg) throws(NetlinkError) in
          guard let codec = codecs[msg.type] else { return }
          do throws(NetlinkError) {
            if let e = try codec.decodeEvent(msg) { items.append(.event(e)) }
          } catch {
            items.append(.malformed(error))
          }
        }
      } catch {
        items.append(.malformed(error))
      }
      for i in items { body(i) }
    }
    return any
  }
}
