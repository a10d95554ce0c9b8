import CMnl

/// Request/response over one channel: numbers requests, follows replies
/// across datagrams, and restarts interrupted dumps. Requests can also be
/// pipelined: `submit` sends without waiting, `nextAck` reads the replies
/// later, oldest first, each checked against its own sequence number.
package final class NetlinkSession {
  package let channel: NetlinkChannel
  private var nextSequence: UInt32
  private var buffer: UnsafeMutableRawBufferPointer
  /// How much of `buffer` replies have ever filled (what deinit wipes:
  /// touching all 32 KiB would cost page faults for nothing).
  private var used = 0
  /// How often an interrupted dump is restarted before giving up.
  package var dumpRetries = 8
  /// Sequence numbers of submitted requests whose replies are unread, oldest first.
  private var pending: [UInt32] = []
  private var pendingHead = 0
  /// Datagrams received ahead for `nextAck`: slots of `ackSlot` bytes.
  private var acks: UnsafeMutableRawBufferPointer?
  private var ackLengths: [Int] = []
  private var ackNext = 0
  private var acksUsed = 0

  /// Replies read with one receive while draining a pipeline (and so at
  /// most that many requests are worth keeping in flight).
  package static let ackBatch = 64
  /// Room for one reply to a pipelined request: an ACK, or an error with
  /// its extack and the echoed request.
  package static let ackSlot = 4096

  /// Large enough for any dump datagram the kernel builds (it caps them at 32 KiB).
  package static let receiveBufferSize = 32768

  package init(channel: NetlinkChannel, firstSequence: UInt32? = nil) {
    self.channel = channel
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    nextSequence = firstSequence ?? UInt32(truncatingIfNeeded: t.tv_nsec ^ t.tv_sec)
    buffer = .allocate(byteCount: Self.receiveBufferSize, alignment: 8)
  }

  deinit {
    cmnl_explicit_bzero(buffer.baseAddress, used)
    buffer.deallocate()
    if let acks {
      // Error replies may echo key requests.
      cmnl_explicit_bzero(acks.baseAddress, acksUsed)
      acks.deallocate()
    }
  }

  /// How many submitted requests still await `nextAck`.
  package var pendingCount: Int { pending.count - pendingHead }

  /// Sends `message` now, without waiting for its reply; returns its
  /// sequence number. The kernel acts on it before this returns (generic
  /// netlink runs requests in the sender's send call, in order), so only
  /// the reading of the reply is deferred.
  @discardableResult
  package func submit(_ message: NetlinkMessage) throws(NetlinkError) -> UInt32 {
    let seq = number(message)
    try message.withBytes { (bytes) throws(NetlinkError) in try channel.send(bytes) }
    if pendingHead == pending.count {
      pending.removeAll(keepingCapacity: true)
      pendingHead = 0
    }
    pending.append(seq)
    return seq
  }

  /// Reads the reply to the oldest submitted request: nil for an ACK, the
  /// kernel's error otherwise. The reply must carry that request's sequence
  /// number and this socket's port id, as in `perform`; data replies are
  /// ignored. It throws only when the replies cannot be read on (a system
  /// error, a malformed reply); the requests still pending are then
  /// abandoned, and `pendingCount` is 0.
  package func nextAck() throws(NetlinkError) -> NetlinkError? {
    guard pendingHead < pending.count else { preconditionFailure("nextAck without a pending request") }
    let seq = pending[pendingHead]
    pendingHead += 1
    var reader = ReplyReader(sequence: seq, portID: channel.portID)
    do throws(NetlinkError) {
      while !reader.finished {
        let datagram = try nextDatagram()
        _ = try reader.consume(datagram) { (_) throws(NetlinkError) in }
      }
      return nil
    } catch .kernel(let e, let ack) {
      return .kernel(errno: e, extack: ack)
    } catch {
      pending.removeAll()
      pendingHead = 0
      ackLengths = []
      ackNext = 0
      throw error
    }
  }

  /// The next received datagram for `nextAck`, receiving as many as are
  /// queued (up to what is pending) when none is left.
  private func nextDatagram() throws(NetlinkError) -> UnsafeRawBufferPointer {
    let slab: UnsafeMutableRawBufferPointer
    if let acks {
      slab = acks
    } else {
      slab = .allocate(byteCount: Self.ackBatch * Self.ackSlot, alignment: 8)
      acks = slab
    }
    if ackNext == ackLengths.count {
      let want = max(1, min(Self.ackBatch, pending.count - pendingHead + 1))
      ackLengths = try channel.receive(many: want, into: slab, slot: Self.ackSlot)
      ackNext = 0
      guard !ackLengths.isEmpty else { throw .malformed("no datagram received") }
      acksUsed = max(acksUsed, (ackLengths.count - 1) * Self.ackSlot + ackLengths.last!)
    }
    let i = ackNext
    ackNext += 1
    let n = ackLengths[i]
    guard n > 0 else { throw .malformed("empty datagram") }
    guard n <= Self.ackSlot else { throw .malformed("datagram of \(n) bytes truncated to \(Self.ackSlot)") }
    return UnsafeRawBufferPointer(rebasing: slab[i * Self.ackSlot..<i * Self.ackSlot + n])
  }

  private func number(_ message: NetlinkMessage) -> UInt32 {
    if nextSequence == 0 { nextSequence = 1 }
    message.sequence = nextSequence
    nextSequence &+= 1
    return message.sequence
  }

  /// Sends `message` and collects what `decode` makes of each data reply.
  /// `decode` returns nil for messages it does not want.
  package func transact<T>(
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
  package func stream(
    _ message: NetlinkMessage, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) {
    try once(message, body)
  }

  /// Sends `message` and waits for its ACK.
  package func perform(_ message: NetlinkMessage) throws(NetlinkError) {
    try once(message) { (_) throws(NetlinkError) in }
  }

  private func once(
    _ message: NetlinkMessage, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
  ) throws(NetlinkError) {
    // Replies are read in order: a pipeline must be drained first.
    precondition(pendingCount == 0, "request while a pipeline is pending")
    ackLengths = []
    ackNext = 0
    _ = number(message)
    try message.withBytes { (bytes) throws(NetlinkError) in try channel.send(bytes) }
    var reader = ReplyReader(sequence: message.sequence, portID: channel.portID)
    var failure: NetlinkError?
    while !reader.finished {
      let n = try channel.receive(into: buffer)
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
