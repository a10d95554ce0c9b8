import CMnl
import DCONetlink
import Glibc

/// A verified connection to the socket keeper of one interface (see Keeper).
/// It connects with a deadline, checks that the listener is a root process
/// running this program and serving the expected ifindex, and starts a
/// keeper (exec of this binary) when none runs. A batch keeps one
/// connection and the UDP sockets it obtained for all of its lines.
final class KeeperClient {
  /// Longest wait for a connection, a reply, or a starting keeper.
  static let timeout: Int64 = 10_000
  /// Reconnect before a request when idle for this long (the keeper drops
  /// clients idle for Keeper.clientTimeout).
  static let idleReconnect: Int64 = 20_000

  let link: Link
  let place: KeeperPlace
  private var fd: Int32 = -1
  private(set) var keeperPID: Int32 = 0
  private var lastUse: Int64 = 0
  /// UDP sockets obtained from the keeper, by local endpoint.
  private var udpSockets: [KeeperHoldings.Place: Int32] = [:]
  private var replyBuffer = [UInt8](repeating: 0, count: KeeperProtocol.maxReply)
  /// Room for 64 replies read at once (attach), allocated when first used.
  private var batchReplies: [UInt8] = []

  private init(link: Link, place: KeeperPlace) {
    self.link = link
    self.place = place
  }

  deinit { disconnect() }

  private func disconnect() {
    if fd >= 0 { close(fd) }
    fd = -1
    for s in udpSockets.values { close(s) }
    udpSockets = [:]
  }

  // MARK: connecting

  /// The keeper of `link`, started if none runs.
  static func connectOrStart(_ link: Link) throws(CommandError) -> KeeperClient {
    let c = KeeperClient(link: link, place: try KeeperPlace.current(ifindex: link.index))
    try c.connect(start: true)
    return c
  }

  /// The running keeper of `link`, or nil if there is none.
  static func existing(_ link: Link) throws(CommandError) -> KeeperClient? {
    let c = KeeperClient(link: link, place: try KeeperPlace.current(ifindex: link.index))
    do throws(CommandError) {
      try c.connect(start: false)
    } catch .failure(let text) where text == noKeeper {
      return nil
    }
    return c
  }

  private static let noKeeper = "no socket keeper runs"

  enum Attempt {
    case connected(Int32)
    /// Nothing listens there (no file, or a stale one).
    case absent(stale: Bool)
    /// The listener's queue is full.
    case busy
  }

  private func connect(start: Bool) throws(CommandError) {
    disconnect()
    try KeeperPlace.checkDirectory(create: start)
    let deadline = Clock.now() + Self.timeout
    while true {
      guard Clock.now() < deadline else {
        throw .failure(
          "timed out after \(Self.timeout / 1000) s reaching the socket keeper of \(link.name) (\(place.socketPath))")
      }
      switch try attempt() {
      case .connected(let s):
        if try greet(s) { return }
      case .busy:
        Clock.sleep(ms: 5)
      case .absent(let stale):
        guard start else { throw .failure(Self.noKeeper) }
        try startKeeper(stale: stale)
      }
    }
  }

  private func attempt() throws(CommandError) -> Attempt {
    let s = socket(
      AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard s >= 0 else { throw .failure("socket(AF_UNIX): \(errnoDescription(cmnl_errno()))") }
    let rc = KeeperPlace.withAddress(place.socketPath) { Glibc.connect(s, $0, $1) }
    if rc == 0 { return .connected(s) }
    let e = cmnl_errno()
    close(s)
    switch e {
    case ENOENT: return .absent(stale: false)
    case ECONNREFUSED: return .absent(stale: true)
    case EAGAIN, EINTR: return .busy
    case EACCES, EPERM:
      throw .failure("permission denied reaching the socket keeper at \(place.socketPath): it serves only root")
    default:
      throw .failure("cannot reach the socket keeper at \(place.socketPath): \(errnoDescription(e))")
    }
  }

  /// Verifies the listener and says hello; false when it asked us to retry.
  private func greet(_ s: Int32) throws(CommandError) -> Bool {
    guard let who = KeeperTrust.credentials(s) else {
      close(s)
      throw .failure("cannot read the credentials of the socket keeper at \(place.socketPath)")
    }
    do throws(CommandError) {
      try KeeperTrust.verifyKeeper(who, at: place.socketPath)
    } catch {
      close(s)
      throw error
    }
    fd = s
    keeperPID = who.pid
    let reply: KeeperProtocol.Reply
    do throws(CommandError) {
      (reply, _) = try exchange(.hello(ifindex: link.index))
    } catch {
      // A keeper that closes the connection at hello is exiting: retry.
      disconnect()
      return false
    }
    switch reply {
    case .ready(let index, let pid) where index == link.index && Int32(bitPattern: pid) == who.pid:
      lastUse = Clock.now()
      return true
    case .retry:
      disconnect()
      return false
    case .error(_, let text):
      disconnect()
      throw .failure("the socket keeper of \(link.name) refused: \(text)")
    default:
      disconnect()
      throw .failure("the socket keeper at \(place.socketPath) (pid \(who.pid)) answered hello with \(reply)")
    }
  }

  /// Starts a keeper under the start lock; it binds the address itself and
  /// says when it is ready (or why it cannot be).
  private func startKeeper(stale: Bool) throws(CommandError) {
    guard geteuid() == 0 else {
      throw .failure("no socket keeper runs for \(link.name), and starting one needs root")
    }
    guard let lock = try KeeperPlace.lock(timeout: Self.timeout) else { return }
    defer { lock.unlock() }
    // Someone may have started one while we waited for the lock.
    switch try attempt() {
    case .connected(let s):
      close(s)
      return
    case .busy:
      return
    case .absent(let isStale):
      if isStale || stale { unlink(place.socketPath) }
    }
    var pair: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
      throw .failure("socketpair: \(errnoDescription(cmnl_errno()))")
    }
    defer { close(pair[0]) }
    var child = pair[1]
    if child == 3 {  // dup2(3, 3) would keep close-on-exec set
      child = fcntl(pair[1], F_DUPFD_CLOEXEC, 4)
      close(pair[1])
    }
    let args = ["ovpnctl-keeper", String(link.index)]
    var cargs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in cargs { free(a) } }
    var pid: Int32 = 0
    Terminal.flush()
    let rc = cmnl_spawn_daemon("/proc/self/exe", &cargs, child, &pid)
    let spawnErrno = cmnl_errno()
    close(child)
    guard rc == 0 else { throw .failure("cannot start the socket keeper: \(errnoDescription(spawnErrno))") }
    // The keeper outlives this command (init reaps it then). SIGCHLD stays
    // as it is: other children (ip(8) for `up`) are waited for.
    var pfd = pollfd(fd: pair[0], events: Int16(POLLIN), revents: 0)
    guard poll(&pfd, 1, Int32(Self.timeout)) == 1 else {
      throw .failure("the socket keeper (pid \(pid)) did not start within \(Self.timeout / 1000) s")
    }
    var buf = [UInt8](repeating: 0, count: 2048)
    let n = recv(pair[0], &buf, buf.count, Int32(MSG_DONTWAIT))
    guard n > 0 else { throw .failure("the socket keeper (pid \(pid)) exited while starting") }
    switch try? KeeperProtocol.decodeReply(buf[0..<n]) {
    case .ok?: return
    case .error(_, let text)?: throw .failure("the socket keeper could not start: \(text)")
    default: throw .failure("the socket keeper (pid \(pid)) sent a malformed start report")
    }
  }

  // MARK: requests

  /// Sends one request and reads its reply within the deadline.
  private func exchange(_ request: KeeperProtocol.Request, passing descriptor: Int32 = -1)
    throws(CommandError) -> (KeeperProtocol.Reply, Int32)
  {
    let deadline = Clock.now() + Self.timeout
    try send(request, passing: descriptor, deadline)
    return try receiveReply(deadline)
  }

  private func send(_ request: KeeperProtocol.Request, passing descriptor: Int32 = -1, _ deadline: Int64)
    throws(CommandError)
  {
    guard fd >= 0 else { throw lost(0) }
    let bytes = KeeperProtocol.encode(request)
    while true {
      let n = bytes.withUnsafeBytes { cmnl_send_fd(fd, descriptor, $0.baseAddress, $0.count) }
      if n == bytes.count { return }
      let e = cmnl_errno()
      guard n < 0, e == EAGAIN || e == EINTR else { throw lost(e) }
      try wait(POLLOUT, deadline)
    }
  }

  /// Reads one reply message, with the descriptor it may carry. A reply
  /// already queued (pipelined requests) is taken without a poll.
  private func receiveReply(_ deadline: Int64) throws(CommandError) -> (KeeperProtocol.Reply, Int32) {
    while true {
      guard fd >= 0 else { throw lost(0) }
      var fds: [Int32] = [-1, -1, -1, -1, -1, -1, -1, -1]
      var count: Int32 = 0
      var flags: Int32 = 0
      let n = replyBuffer.withUnsafeMutableBytes {
        cmnl_recv_fds(fd, $0.baseAddress, $0.count, &fds, 8, &count, &flags, 1)
      }
      if n < 0, cmnl_errno() == EAGAIN || cmnl_errno() == EINTR {
        try wait(POLLIN, deadline)
        continue
      }
      let received = Array(fds[0..<Int(max(0, count))])
      guard n > 0 else {
        for d in received { close(d) }
        throw lost(n == 0 ? 0 : cmnl_errno())
      }
      do throws(KeeperProtocol.Malformed) {
        let reply = try checkedReply(replyBuffer[0..<n], flags: flags, descriptors: received.count)
        lastUse = Clock.now()
        return (reply, received.first ?? -1)
      } catch {
        for d in received { close(d) }
        throw malformed(error)
      }
    }
  }

  /// A received reply, refused when truncated, when it does not decode,
  /// or when it came with other than the descriptors it carries.
  private func checkedReply(_ bytes: ArraySlice<UInt8>, flags: Int32, descriptors: Int)
    throws(KeeperProtocol.Malformed) -> KeeperProtocol.Reply
  {
    guard flags & Int32(MSG_TRUNC | MSG_CTRUNC) == 0 else { throw KeeperProtocol.Malformed("truncated reply") }
    let reply = try KeeperProtocol.decodeReply(bytes)
    guard descriptors == (reply.carriesDescriptor ? 1 : 0) else {
      throw KeeperProtocol.Malformed("\(descriptors) descriptors with the reply")
    }
    return reply
  }

  /// Ends a connection that sent a malformed reply, and says so.
  private func malformed(_ error: KeeperProtocol.Malformed) -> CommandError {
    disconnect()
    return .failure("the socket keeper of \(link.name) (pid \(keeperPID)) sent a malformed reply: \(error.reason)")
  }

  private func wait(_ events: Int32, _ deadline: Int64) throws(CommandError) {
    var pfd = pollfd(fd: fd, events: Int16(events), revents: 0)
    while true {
      let r = poll(&pfd, 1, Clock.remaining(deadline))
      if r > 0 { return }
      if r < 0 && cmnl_errno() == EINTR { continue }
      throw .failure(
        "the socket keeper of \(link.name) (pid \(keeperPID)) did not answer within \(Self.timeout / 1000) s")
    }
  }

  private func lost(_ e: Int32) -> CommandError {
    disconnect()
    return .failure(
      "lost the connection to the socket keeper of \(link.name) (pid \(keeperPID))"
        + (e != 0 ? ": \(errnoDescription(e))" : ""))
  }

  /// A request that leaves nothing behind if the keeper is gone: on a
  /// connection idle long enough for the keeper to have dropped it, connect
  /// again first.
  private func call(_ request: KeeperProtocol.Request, passing descriptor: Int32 = -1)
    throws(CommandError) -> (KeeperProtocol.Reply, Int32)
  {
    if fd < 0 || Clock.now() - lastUse > Self.idleReconnect { try connect(start: true) }
    return try exchange(request, passing: descriptor)
  }

  private func expectOK(_ reply: KeeperProtocol.Reply) throws(CommandError) {
    switch reply {
    case .ok: return
    case .error(_, let text) where text.hasPrefix("the socket keeper"):
      throw .failure(text)  // already a sentence about the keeper
    case .error(_, let text): throw .failure("the socket keeper of \(link.name) refused: \(text)")
    default: throw .failure("the socket keeper of \(link.name) answered \(reply)")
    }
  }

  /// The UDP socket on `local` the interface's peers share, opened by the
  /// keeper if it has none. The descriptor stays owned by this client.
  func udpSocket(_ local: Endpoint, mark: UInt32 = 0) throws(CommandError) -> Int32 {
    let place = KeeperHoldings.Place(local: local, mark: mark)
    if let s = udpSockets[place], fd >= 0, Clock.now() - lastUse <= Self.idleReconnect { return s }
    let (reply, s) = try call(.udpSocket(local, mark: mark))
    switch reply {
    case .socket where s >= 0:
      udpSockets[place] = s
      return s
    case .error(_, let text):
      throw .failure(text)  // the keeper's bind error, as binding here would say it
    default:
      throw .failure("the socket keeper of \(link.name) answered \(reply)")
    }
  }

  /// Records that peer `id` uses the UDP socket on `local`.
  func attach(_ id: UInt32, to local: Endpoint, mark: UInt32 = 0) throws(CommandError) {
    try expectOK(try exchange(.attach(local, mark: mark, peer: id)).0)
  }

  /// Records several peers at once (a batch window): the requests go back
  /// to back, up to 64 a system call, then the replies are read in order,
  /// as many a call as are queued. One result per peer, nil when recorded;
  /// once the connection fails, every later peer fails too.
  func attach(_ peers: [(UInt32, Endpoint, UInt32)]) -> [CommandError?] {
    var results = [CommandError?](repeating: nil, count: peers.count)
    let deadline = Clock.now() + Self.timeout
    let (sent, sendFailure) = sendAttaching(peers, deadline)
    var broken = sendFailure
    var read = 0
    while read < sent {
      let (replies, failure) = receiveReplies(upTo: sent - read, deadline)
      for reply in replies {
        do throws(CommandError) { try expectOK(reply) } catch { results[read] = error }
        read += 1
      }
      if let failure {  // the connection is gone: no reply will come
        for j in read..<sent { results[j] = failure }
        broken = broken ?? failure
        read = sent
      }
    }
    if let broken { for j in sent..<peers.count { results[j] = broken } }
    return results
  }

  /// Sends an attach request for each peer, 64 a system call at most.
  /// Returns how many went, and what stopped the rest, if anything.
  private func sendAttaching(_ peers: [(UInt32, Endpoint, UInt32)], _ deadline: Int64) -> (Int, CommandError?) {
    guard fd >= 0 else { return (0, lost(0)) }
    var bytes: [UInt8] = []
    var lengths: [UInt32] = []
    lengths.reserveCapacity(peers.count)
    for (id, local, mark) in peers {
      let one = KeeperProtocol.encode(.attach(local, mark: mark, peer: id))
      bytes.append(contentsOf: one)
      lengths.append(UInt32(one.count))
    }
    var sent = 0
    var offset = 0
    while sent < peers.count {
      let n = bytes.withUnsafeBytes { b in
        lengths.withUnsafeBufferPointer { l in
          cmnl_send_many(fd, b.baseAddress! + offset, l.baseAddress! + sent, UInt32(min(64, peers.count - sent)))
        }
      }
      if n > 0 {
        for i in sent..<(sent + Int(n)) { offset += Int(lengths[i]) }
        sent += Int(n)
        continue
      }
      let e = cmnl_errno()
      guard n < 0, e == EAGAIN || e == EINTR else { return (sent, lost(e)) }
      do throws(CommandError) { try wait(POLLOUT, deadline) } catch { return (sent, error) }
    }
    return (sent, nil)
  }

  /// Replies queued on the connection, up to `max` (waiting for the first
  /// within the deadline), as one recvmmsg(2) takes them; with the failure
  /// that ended the connection, if one did (the replies before it stand).
  private func receiveReplies(upTo max: Int, _ deadline: Int64) -> ([KeeperProtocol.Reply], CommandError?) {
    let count = Swift.min(max, 64)
    let slot = KeeperProtocol.maxShortReply
    if batchReplies.isEmpty {
      // Only what the kernel writes is read: no need to clear (or touch) it first.
      batchReplies = [UInt8](unsafeUninitializedCapacity: 64 * slot) { _, n in n = 64 * slot }
    }
    var lengths = [UInt32](repeating: 0, count: count)
    var flags = [Int32](repeating: 0, count: count)
    var fds = [Int32](repeating: 0, count: count)
    while true {
      guard fd >= 0 else { return ([], lost(0)) }
      let n = batchReplies.withUnsafeMutableBytes {
        cmnl_recv_many(fd, $0.baseAddress, slot, UInt32(count), &lengths, &flags, &fds)
      }
      if n < 0 {
        let e = cmnl_errno()
        guard e == EAGAIN || e == EINTR else { return ([], lost(e)) }
        do throws(CommandError) {
          try wait(POLLIN, deadline)
        } catch {
          disconnect()  // a reply may still come, and would answer the next request
          return ([], error)
        }
        continue
      }
      guard n > 0 else { return ([], lost(0)) }  // the keeper hung up
      var replies: [KeeperProtocol.Reply] = []
      for i in 0..<Int(n) {
        guard lengths[i] > 0 else { return (replies, lost(0)) }  // the keeper hung up
        do throws(KeeperProtocol.Malformed) {
          guard Int(lengths[i]) <= slot else { throw KeeperProtocol.Malformed("truncated reply") }
          let start = i * slot
          // (any descriptor came closed: a reply to attach carries none)
          replies.append(
            try checkedReply(
              batchReplies[start..<(start + Int(lengths[i]))], flags: flags[i], descriptors: Int(fds[i])))
        } catch {
          return (replies, malformed(error))
        }
      }
      lastUse = Clock.now()
      return (replies, nil)
    }
  }

  /// Hands the keeper the TCP socket of peer `id`.
  func adoptTCP(_ id: UInt32, fd socket: Int32) throws(CommandError) {
    try expectOK(try call(.adoptTCP(peer: id), passing: socket).0)
  }

  /// The peer ids the keeper holds sockets for.
  func peerIDs() throws(CommandError) -> [UInt32] {
    var ids: [UInt32] = []
    var (reply, _) = try call(.list)
    while true {
      guard case .ids(let chunk, let more) = reply else {
        throw .failure("the socket keeper of \(link.name) answered \(reply) to a list")
      }
      ids += chunk
      if !more { return ids }
      (reply, _) = try receiveReply(Clock.now() + Self.timeout)
    }
  }

  /// The peer ids held for `link`, or nil when no keeper runs (or it cannot be asked).
  static func peerIDs(_ link: Link) -> [UInt32]? {
    guard let c = try? existing(link) else { return nil }
    return try? c.peerIDs()
  }
}
