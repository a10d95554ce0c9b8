import CMnl

/// A subscription to rtnetlink's link group, for a process that must notice
/// when an interface goes (the socket keeper holds to its interface's
/// identity this way: an ifindex reused later is never mistaken for it).
public final class LinkWatch {
  private let socket: NetlinkSocket
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32768, alignment: 8)

  /// The socket's descriptor, to poll for input before `drain`; it belongs to the watch.
  public var fileDescriptor: Int32 { socket.fileDescriptor }

  deinit { buffer.deallocate() }

  /// Opens an rtnetlink socket subscribed to RTNLGRP_LINK.
  public init() throws(NetlinkError) {
    socket = try NetlinkSocket(bus: NETLINK_ROUTE)
    socket.setReceiveBuffer(bytes: 4 << 20)
    try socket.join(group: UInt32(RTNLGRP_LINK.rawValue))
  }

  /// What the queued messages say, read without blocking.
  public struct Changes: Equatable, Sendable {
    /// Interfaces deleted (RTM_DELLINK).
    public var deleted: Set<UInt32> = []
    /// The kernel dropped messages: ask again about anything that matters.
    public var lost = false
  }

  /// Reads every queued message, without blocking, and sums up what they say.
  public func drain() throws(NetlinkError) -> Changes {
    var changes = Changes()
    while true {
      let n: Int?
      do throws(NetlinkError) {
        n = try socket.receiveNow(into: buffer)
      } catch .system(_, let e) where e == ENOBUFS {
        changes.lost = true
        continue
      }
      guard let n else { return changes }
      try NotificationReader.forEach(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
        (msg) throws(NetlinkError) in
        if let index = try LinkMessages.deletedIndex(msg) { changes.deleted.insert(index) }
      }
    }
  }
}
