import CMnl
import DCONetlink

/// The batch lines whose kernel requests are in flight. Each admitted line
/// sends its request at once, over a socket of its own (so lookups in
/// between never meet its replies); the replies are read when the window
/// is drained, each checked against its own sequence number and tied to
/// its line. The kernel runs every request as it is sent, in order, so
/// only the reading is deferred, and a line after a failing one may
/// already have been applied when the failure is read. Hence what may join
/// (see `admits`):
///   - `peer add` on an MP interface: it either fails or adds an id that
///     did not exist (MP refuses duplicates), so removing it again restores
///     what was there. Without -force the lines after the first failure are
///     undone that way, and the run stops as if they had never been read.
///   - with -force also `peer set`, `peer del`, `key add`, `key swap` and
///     `key del`: every line runs anyway, and the kernel sees them in the
///     same order as one by one.
/// No two lines for one peer share a window, so what a `peer add` still
/// does after its reply (keepalive, the keeper's record of its socket)
/// never passes a later line about the same peer.
final class BatchWindow {
  struct Key: Hashable {
    let dev: String
    let peer: UInt32
  }

  /// What a drained window has to say, in line order.
  enum Report: Equatable {
    /// The line failed (without -force only the first failure is reported).
    case failed(line: Int, String, status: Int32)
    /// The line had been applied after an earlier failure and removing it
    /// again failed: it stays applied.
    case notUndone(line: Int, String)
  }

  /// What a peer add still has to do once the kernel has the peer.
  struct Followups {
    /// Keepalive, set once the peer exists (see DCOClient.addPeer).
    var keepalive: PeerConfig?
    /// The keeper that lent the UDP socket and must record the peer on it.
    var record: (KeeperClient, Endpoint, UInt32)?
  }

  /// One line in flight (a class: a drain passes entries around many times).
  final class Entry {
    let line: Int
    let op: Operation
    let link: Link
    let codec: any OvpnCodec
    let peer: UInt32
    /// Only for `peer add`.
    let followups: Followups?
    var error: CommandError?
    var undone = false

    init(line: Int, op: Operation, link: Link, codec: any OvpnCodec, peer: UInt32, followups: Followups?) {
      self.line = line
      self.op = op
      self.link = link
      self.codec = codec
      self.peer = peer
      self.followups = followups
    }
  }

  static var capacity: Int { NetlinkSession.ackBatch }

  let session: NetlinkSession
  let force: Bool
  /// The batch line being run (set by Batch before each line).
  var line = 0
  private(set) var entries: [Entry] = []
  private var keys: Set<Key> = []

  init(session: NetlinkSession, force: Bool) {
    self.session = session
    self.force = force
    entries.reserveCapacity(Self.capacity)
    keys.reserveCapacity(Self.capacity)
  }

  var isEmpty: Bool { entries.isEmpty }
  var isFull: Bool { entries.count >= Self.capacity }
  func holds(_ key: Key) -> Bool { keys.contains(key) }

  /// Whether a line of `object verb` may join a window on some interface
  /// (a `peer add` only on an MP one: see `admits`).
  static func mayJoin(object: String, verb: String, force: Bool) -> Bool {
    (object, verb) == ("peer", "add") || admits(object: object, verb: verb, link: nil, force: force)
  }

  /// Whether a line of `object verb` on `link` may join a window.
  static func admits(object: String, verb: String, link: Link?, force: Bool) -> Bool {
    switch (object, verb) {
    case ("peer", "add"): return link?.mode == .mp
    case ("peer", "set"), ("peer", "del"), ("key", "add"), ("key", "swap"), ("key", "del"): return force
    default: return false
    }
  }

  // MARK: joining

  /// Sends the request of the current line. A failure to send is the line's
  /// own failure, thrown at once like any other before its request.
  func submit(
    _ op: Operation, _ link: Link, _ codec: any OvpnCodec, peer: UInt32, followups: Followups? = nil,
    _ request: () throws(NetlinkError) -> NetlinkMessage
  ) throws(CommandError) {
    try kernel(op) { () throws(NetlinkError) in _ = try session.submit(try request()) }
    entries.append(Entry(line: line, op: op, link: link, codec: codec, peer: peer, followups: followups))
    if let d = op.dev { keys.insert(Key(dev: d, peer: peer)) }
  }

  /// A `peer add`: the new peer goes first, its keepalive after its reply.
  func addPeer(
    _ op: Operation, _ link: Link, _ codec: any OvpnCodec, _ config: PeerConfig,
    record: (KeeperClient, Endpoint, UInt32)?
  ) throws(CommandError) {
    var new = config
    new.keepaliveInterval = nil
    new.keepaliveTimeout = nil
    var followups = Followups(record: record)
    if config.keepaliveInterval != nil {
      var set = PeerConfig(id: config.id)
      set.keepaliveInterval = config.keepaliveInterval
      set.keepaliveTimeout = config.keepaliveTimeout
      followups.keepalive = set
    }
    try submit(op, link, codec, peer: config.id, followups: followups) { () throws(NetlinkError) in
      try codec.newPeer(ifindex: link.index, new)
    }
  }

  // MARK: draining

  /// Reads every reply, finishes the peer adds that succeeded, undoes what
  /// must not stay (without -force), and says what the user must hear.
  func drain() -> [Report] {
    defer {
      entries.removeAll(keepingCapacity: true)
      keys.removeAll(keepingCapacity: true)
    }
    guard !entries.isEmpty else { return [] }
    var reports: [Report] = []
    // 1. The replies to the lines' own requests (sent already).
    readReplies(Array(entries.indices))

    // 2. Keepalive for the new peers that go on; a failure removes the peer.
    let keepalive = going().filter { entries[$0].followups?.keepalive != nil }
    let setErrors = exchange(keepalive.map { .keepalive($0) })
    var rollback: [Int] = []
    for (i, e) in zip(keepalive, setErrors) where e != nil {
      entries[i].error = .netlink(e!, entries[i].op)
      rollback.append(i)
    }
    remove(rollback)

    // 3. The keeper's record of each new UDP peer, one keeper at a time.
    let records = going().filter { entries[$0].followups?.record != nil }
    var byKeeper: [ObjectIdentifier: [Int]] = [:]
    var order: [ObjectIdentifier] = []
    for i in records {
      let id = ObjectIdentifier(entries[i].followups!.record!.0)
      if byKeeper[id] == nil { order.append(id) }
      byKeeper[id, default: []].append(i)
    }
    rollback = []
    for k in order {
      let indices = byKeeper[k]!
      let keeper = entries[indices[0]].followups!.record!.0
      let results = keeper.attach(
        indices.map { (entries[$0].peer, entries[$0].followups!.record!.1, entries[$0].followups!.record!.2) })
      for (i, r) in zip(indices, results) where r != nil {
        entries[i].error = r
        rollback.append(i)
      }
    }
    // Like a single peer add: a peer the keeper does not hold would die
    // with this process on the upstream API.
    remove(rollback)

    // 4. Without -force nothing after the first failure stays.
    if !force, let cut = firstFailure() {
      let undo = entries.indices.filter { $0 > cut && entries[$0].error == nil && !entries[$0].undone }
      let errors = exchange(undo.map { .delete($0) })
      let e = entries[cut]
      reports.append(.failed(line: e.line, ErrorMessages.describe(e.error!), status: e.error!.exitStatus))
      for (i, err) in zip(undo, errors) {
        entries[i].undone = true
        if let err {
          reports.append(
            .notUndone(
              line: entries[i].line,
              ErrorMessages.netlink(err, .peerDel(dev: entries[i].link.name, id: entries[i].peer))))
        }
      }
      return reports
    }
    for e in entries {
      if let err = e.error {
        reports.append(.failed(line: e.line, ErrorMessages.describe(err), status: err.exitStatus))
      }
    }
    return reports
  }

  /// The entries whose outcome still counts: all with -force, else those
  /// before the first failure; only those that have succeeded so far.
  private func going() -> [Int] {
    let end = force ? entries.count : (firstFailure() ?? entries.count)
    return (0..<end).filter { entries[$0].error == nil }
  }

  private func firstFailure() -> Int? { entries.firstIndex { $0.error != nil } }

  /// Reads the replies of `indices`' requests, in order.
  private func readReplies(_ indices: [Int]) {
    var fatal: NetlinkError?
    for i in indices {
      let result: NetlinkError?
      if let fatal {
        result = fatal
      } else {
        do throws(NetlinkError) {
          result = try session.nextAck()
        } catch {
          fatal = error
          result = error
        }
      }
      if let result { entries[i].error = .netlink(result, entries[i].op) }
    }
  }

  /// Removes peers just added whose follow-up failed (their error stays).
  private func remove(_ indices: [Int]) {
    _ = exchange(indices.map { .delete($0) })
  }

  /// A request a drain sends for entry N.
  private enum Followup {
    case keepalive(Int)
    case delete(Int)
  }

  private func message(_ f: Followup) throws(NetlinkError) -> NetlinkMessage {
    switch f {
    case .keepalive(let i):
      return try entries[i].codec.setPeer(ifindex: UInt32(entries[i].link.index), entries[i].followups!.keepalive!)
    case .delete(let i):
      return try entries[i].codec.deletePeer(ifindex: UInt32(entries[i].link.index), id: entries[i].peer)
    }
  }

  /// Sends every request, then reads every reply: one result per request.
  private func exchange(_ requests: [Followup]) -> [NetlinkError?] {
    var results: [NetlinkError?] = []
    var sent: [Bool] = []
    for f in requests {
      do throws(NetlinkError) {
        _ = try session.submit(try message(f))
        results.append(nil)
        sent.append(true)
      } catch {
        results.append(error)
        sent.append(false)
      }
    }
    var fatal: NetlinkError?
    for i in results.indices where sent[i] {
      if let fatal {
        results[i] = fatal
        continue
      }
      do throws(NetlinkError) {
        results[i] = try session.nextAck()
      } catch {
        fatal = error
        results[i] = error
      }
    }
    return results
  }
}
