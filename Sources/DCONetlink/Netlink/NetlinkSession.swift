import CMnl

/// Request/response over one transport: numbers requests, follows replies
/// across datagrams, and restarts interrupted dumps.
public final class NetlinkSession {
  public let transport: NetlinkTransport
  private var nextSequence: UInt32
  private var buffer: UnsafeMutableRawBufferPointer
  /// How much of `buffer` replies have ever filled (what deinit wipes:
  /// touching all 32 KiB would cost page faults for nothing).
  private var used = 0
  /// How often an interrupted dump is restarted before giving up.
  public var dumpRetries = 8

  /// Large enough for any dump datagram the kernel builds (it caps them at 32 KiB).
  public static let receiveBufferSize = 32768

  public init(transport: NetlinkTransport, firstSequence: UInt32? = nil) {
    self.transport = transport
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    nextSequence = firstSequence ?? UInt32(truncatingIfNeeded: t.tv_nsec ^ t.tv_sec)
    buffer = .allocate(byteCount: Self.receiveBufferSize, alignment: 8)
  }

  deinit {
    cmnl_explicit_bzero(buffer.baseAddress, used)
    buffer.deallocate()
  }

  /// Sends `message` and collects what `decode` makes of each data reply.
  /// `decode` returns nil for messages it does not want.
  public func transact<T>(
    _ message: NetlinkMessage, decode: (ReceivedMessage) throws(NetlinkError) -> T?
  ) throws(NetlinkError) -> [T] {
    var attempt = 0
    while true {
      var results: [T] = []
      do throws(NetlinkError) {
        try once(message) { (msg) throws(NetlinkError) in
          if let value = try decode(msg) { results.append(value) }
        }
        return results
      } catch .dumpInterrupted where attempt < dumpRetries {
        attempt += 1
      }
    }
  }

  /// Sends `message` and hands each data reply to `body` as it arrives,
  /// holding none of them: memory stays flat however long the dump. The
  /// caller has acted on the replies already, so an interrupted dump
  /// (NLM_F_DUMP_INTR) is not restarted but thrown, after the rest of the
  /// reply has been drained. Nothing in the ovpn families' peer dumps sets it.
  public func stream(
    _ message: NetlinkMessage, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) {
    try once(message, body)
  }

  /// Sends `message` and waits for its ACK.
  public func perform(_ message: NetlinkMessage) throws(NetlinkError) {
    try once(message) { (_) throws(NetlinkError) in }
  }

  private func once(
    _ message: NetlinkMessage, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) {
    if nextSequence == 0 { nextSequence = 1 }
    message.sequence = nextSequence
    nextSequence &+= 1
    try message.withBytes { (bytes) throws(NetlinkError) in try transport.send(bytes) }
    var reader = ReplyReader(sequence: message.sequence, portID: transport.portID)
    var failure: NetlinkError?
    while !reader.finished {
      let n = try transport.receive(into: buffer)
      guard n > 0 else { throw .malformed("empty datagram") }
      used = max(used, min(n, buffer.count))
      _ = try reader.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) {
        (msg) throws(NetlinkError) in
        // After a decode failure keep draining so the socket stays usable.
        guard failure == nil else { return }
        do throws(NetlinkError) {
          try body(msg)
        } catch {
          failure = error
        }
      }
    }
    if let failure { throw failure }
  }
}
