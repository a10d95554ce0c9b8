import CMnl
import DCONetlink
import Glibc

/// The socket keeper of one interface: a root process, started by exec of
/// this binary as `ovpnctl-keeper IFINDEX`, that holds the transport sockets
/// of the peers ovpnctl added, so they outlive the command and later
/// commands share a UDP port. One poll loop serves every client at once
/// (non-blocking, each with a deadline), drains the control packets the
/// kernel passes up on the sockets, follows the `peers` events to release
/// sockets whose peers are gone, and exits when it holds nothing or its
/// interface is deleted. Protocol: KeeperProtocol; address and trust:
/// KeeperPlace, KeeperTrust.
final class Keeper {
  /// A client is dropped after this long without a request or progress.
  static let clientTimeout: Int64 = 30_000
  /// Longest wait for a first client after start.
  static let startGrace: Int64 = 10_000
  /// Seconds between checks that the held peers still exist.
  static let resyncInterval: Int64 = 30_000
  /// Events are confirmed against the kernel once they stop arriving for this long.
  static let settleDelay: Int64 = 50
  static let maxClients = 256
  /// Candidate deletions confirmed one GET each; more take one dump.
  static let maxSingleLookups = 16

  final class Client {
    let fd: Int32
    var deadline: Int64
    var reservations: [KeeperHoldings.Place] = []
    /// Replies not sent yet (with the descriptor each carries, or -1).
    var outbox: [([UInt8], Int32)] = []
    init(fd: Int32) {
      self.fd = fd
      deadline = Clock.now() + Keeper.clientTimeout
    }
  }

  let ifindex: UInt32
  let link: Link
  let codec: any OvpnCodec
  let client = DCOClient()
  let events: PeerEventStream
  let links: LinkWatch
  let listener: Int32
  let place: KeeperPlace
  /// The inode our listening socket has in the filesystem, so an exiting
  /// keeper never unlinks a successor's socket.
  let socketInode: ino_t
  var holdings = KeeperHoldings()
  var clients: [Int32: Client] = [:]
  /// Opened on start, closed to make room for one accept at the descriptor
  /// limit (so that client is told why, instead of the listener spinning).
  var reserve: Int32
  let started = Clock.now()
  var servedAny = false
  var candidates: Set<UInt32> = []
  var fullResync = false
  var settleAt: Int64?
  var nextResync = Clock.now() + Keeper.resyncInterval
  var buffer = [UInt8](repeating: 0, count: 65536)

  // MARK: start

  /// Entry point of `ovpnctl-keeper IFINDEX`; fd 3 may carry the socket on
  /// which the starting command waits for the keeper to be ready.
  static func main(_ args: [String]) -> Never {
    var st = stat()
    let ready: Int32? = fstat(3, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK ? 3 : nil
    _ = cmnl_close_from(4)
    _ = chdir("/")
    _ = umask(0o022)
    _ = cmnl_set_process_name("ovpnctl-keeper")
    signal(SIGPIPE, SIG_IGN)
    signal(SIGHUP, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    do throws(KeeperStartError) {
      let keeper = try Keeper(args)
      if let ready { sendReady(ready, .ok) }
      keeper.run()
    } catch {
      if let ready { sendReady(ready, .error(errno: error.errno, error.text)) }
      _exit(1)
    }
  }

  struct KeeperStartError: Error {
    let errno: Int32
    let text: String
  }

  static func sendReady(_ fd: Int32, _ reply: KeeperProtocol.Reply) {
    let bytes = KeeperProtocol.encode(reply)
    _ = bytes.withUnsafeBytes { cmnl_send_fd(fd, -1, $0.baseAddress, $0.count) }
    close(fd)
  }

  private init(_ args: [String]) throws(KeeperStartError) {
    guard args.count == 1, let index = UInt32(args[0]), index > 0, index <= Int32.max else {
      throw KeeperStartError(errno: EINVAL, text: "usage: ovpnctl-keeper IFINDEX")
    }
    guard geteuid() == 0 else {
      throw KeeperStartError(errno: EPERM, text: "the socket keeper must run as root")
    }
    ifindex = index
    _ = cmnl_raise_nofile()
    reserve = open("/dev/null", O_RDONLY | O_CLOEXEC)
    func fail(_ e: NetlinkError) -> KeeperStartError {
      KeeperStartError(errno: e.errno ?? EIO, text: ErrorMessages.netlink(e, .other))
    }
    do throws(NetlinkError) {
      links = try LinkWatch()
      guard let l = try client.link(index: index), let kind = l.ovpnKind else {
        throw NetlinkError.noSuchDevice("ifindex \(index)")
      }
      link = l
      codec = try client.codec(for: kind)
      events = try PeerEventStream(codecs: [codec])
    } catch {
      throw fail(error)
    }
    do throws(CommandError) {
      place = try KeeperPlace.current(ifindex: index)
      try KeeperPlace.checkDirectory(create: true)
    } catch {
      throw KeeperStartError(errno: EACCES, text: ErrorMessages.describe(error))
    }
    let s = socket(
      AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard s >= 0 else { throw KeeperStartError(errno: cmnl_errno(), text: "socket(AF_UNIX) failed") }
    listener = s
    let path = place.socketPath
    let bound = KeeperPlace.withAddress(path) { Glibc.bind(s, $0, $1) }
    guard bound == 0 else {
      let e = cmnl_errno()
      throw KeeperStartError(errno: e, text: "cannot bind \(path): \(errnoDescription(e))")
    }
    var st = stat()
    guard chmod(path, 0o666) == 0, lstat(path, &st) == 0, listen(s, 128) == 0 else {
      let e = cmnl_errno()
      unlink(path)
      throw KeeperStartError(errno: e, text: "cannot listen on \(path): \(errnoDescription(e))")
    }
    socketInode = st.st_ino
  }

  // MARK: the loop

  func run() -> Never {
    while true {
      var fds: [pollfd] = []
      func watch(_ fd: Int32, _ events: Int32 = POLLIN) {
        fds.append(pollfd(fd: fd, events: Int16(events), revents: 0))
      }
      watch(links.fileDescriptor)
      watch(events.fileDescriptor)
      watch(listener)
      let clientFDs = Array(clients.keys)
      for fd in clientFDs { watch(fd, clients[fd]!.outbox.isEmpty ? POLLIN : POLLIN | POLLOUT) }
      let transports = holdings.watchedDescriptors()
      for (fd, _) in transports { watch(fd) }

      var wake = nextResync
      if let s = settleAt { wake = min(wake, s) }
      for c in clients.values { wake = min(wake, c.deadline) }
      if wantsToExit { wake = min(wake, Clock.now() + (servedAny ? 100 : Self.startGrace)) }
      let ready = poll(&fds, nfds_t(fds.count), Clock.remaining(wake))
      if ready < 0 && cmnl_errno() != EINTR { _exit(1) }

      // Transports first: serving clients may close and reuse descriptors.
      if fds[0].revents != 0 { followLinks() }
      if fds[1].revents != 0 { followEvents() }
      let first = 3 + clientFDs.count
      for (i, (fd, tcp)) in transports.enumerated() where fds[first + i].revents != 0 {
        drainTransport(fd, tcp: tcp, fds[first + i].revents)
      }
      for (i, fd) in clientFDs.enumerated() where fds[3 + i].revents != 0 {
        serve(fd, fds[3 + i].revents)
      }
      if fds[2].revents != 0 { acceptClients() }
      expireClients()
      let now = Clock.now()
      if let s = settleAt, now >= s { confirm() }
      if now >= nextResync {
        fullResync = true
        confirm()
      }
      if wantsToExit, servedAny || now >= started + Self.startGrace { tryExit() }
    }
  }

  var wantsToExit: Bool { holdings.isEmpty && clients.isEmpty }

  // MARK: kernel events

  func followLinks() {
    guard let changes = try? links.drain() else { return }
    if changes.deleted.contains(ifindex) { shutDown() }
    if changes.lost, case .some(.none) = try? client.link(index: ifindex) { shutDown() }
  }

  /// The interface is gone, and its peers with it.
  func shutDown() -> Never {
    closeAll(holdings.removeAll())
    tryExit(force: true)
    _exit(0)
  }

  func followEvents() {
    _ = try? events.drain(limit: 256) { item in
      switch item {
      case .event(.peerDeleted(let i, let id, _)) where i == ifindex:
        candidates.insert(id)
      case .lost:
        fullResync = true
      default:
        break
      }
    }
    if settleAt == nil, fullResync || !candidates.isEmpty { settleAt = Clock.now() + Self.settleDelay }
  }

  /// Confirms pending deletions against the kernel: a GET for a few ids, one
  /// dump for many (or after lost events). A deletion event can be stale —
  /// the id may have been added again since — so the kernel decides.
  func confirm() {
    settleAt = nil
    nextResync = Clock.now() + Self.resyncInterval
    let held = Set(holdings.allPeers())
    let asked = fullResync ? held : candidates.intersection(held)
    candidates = []
    fullResync = false
    guard !asked.isEmpty else { return }
    var gone: Set<UInt32> = []
    if asked.count <= Self.maxSingleLookups {
      for id in asked where !exists(id) { gone.insert(id) }
    } else {
      do throws(NetlinkError) {
        let present = Set(try client.peers(link, codec: codec).map(\.id))
        if present.isEmpty && codec.kind == .ovpnDCO {
          // A legacy p2p interface dumps nothing: ask for each peer.
          for id in asked where !exists(id) { gone.insert(id) }
        } else {
          gone = asked.subtracting(present)
        }
      } catch .noSuchDevice {
        shutDown()
      } catch .kernel(let e, _) where e == ENODEV {
        shutDown()
      } catch {
        return  // unsure: keep the sockets rather than break a tunnel
      }
    }
    closeAll(holdings.forget(gone))
  }

  func exists(_ id: UInt32) -> Bool {
    do throws(NetlinkError) {
      _ = try client.peer(link, codec: codec, id: id)
      return true
    } catch .kernel(let e, _) where e == ENOENT {
      return false
    } catch .kernel(let e, _) where e == ENODEV {
      shutDown()
    } catch {
      return true
    }
  }

  // MARK: transports

  /// Control packets the kernel passes up: nobody here reads them. A TCP
  /// socket at EOF, hang-up or error is kept for its peer but polled no more
  /// (a UDP socket's error is consumed by the read; an empty datagram is no EOF).
  func drainTransport(_ fd: Int32, tcp: Bool, _ revents: Int16) {
    if revents & Int16(POLLNVAL) != 0 || (tcp && revents & Int16(POLLHUP | POLLERR) != 0) {
      return holdings.unwatch(fd: fd)
    }
    for _ in 0..<64 {
      let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
      if n > 0 || (n == 0 && !tcp) { continue }
      if n < 0 {
        let e = cmnl_errno()
        if e == EAGAIN || e == EINTR { return }
        if !tcp { continue }
      }
      return holdings.unwatch(fd: fd)
    }
  }

  // MARK: clients

  func acceptClients() {
    for _ in 0..<64 {
      var fd = cmnl_accept(listener)
      if fd < 0 {
        let e = cmnl_errno()
        guard e == EMFILE || e == ENFILE, reserve >= 0 else { return }
        // At the descriptor limit: make room for one, say why, hang up.
        close(reserve)
        fd = cmnl_accept(listener)
        if fd >= 0 {
          sendNow(fd, .error(errno: EMFILE, limitText))
          close(fd)
        }
        reserve = open("/dev/null", O_RDONLY | O_CLOEXEC)
        return
      }
      guard let who = KeeperTrust.credentials(fd), KeeperTrust.clientAllowed(who) else {
        sendNow(fd, .error(errno: EPERM, "the socket keeper serves only root and holders of CAP_NET_ADMIN"))
        close(fd)
        continue
      }
      guard clients.count < Self.maxClients else {
        sendNow(fd, .error(errno: EBUSY, "the socket keeper is serving \(Self.maxClients) clients; try again"))
        close(fd)
        continue
      }
      clients[fd] = Client(fd: fd)
      servedAny = true
    }
  }

  var limitText: String {
    "the socket keeper holds as many descriptors as it may (RLIMIT_NOFILE \(cmnl_nofile())); raise its hard limit"
  }

  /// Serves the requests a client has queued: up to 64 per wake-up (a
  /// batch window sends its records back to back), fewer once its replies
  /// back up.
  func serve(_ fd: Int32, _ revents: Int16) {
    guard let c = clients[fd] else { return }
    if revents & Int16(POLLOUT) != 0, !flush(c) { return drop(c) }
    guard revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { return }
    for _ in 0..<64 {
      guard clients[fd] === c, c.outbox.isEmpty, serveOne(c) else { return }
    }
  }

  /// Reads and answers one request; false when none was queued or the
  /// client is gone.
  func serveOne(_ c: Client) -> Bool {
    let fd = c.fd
    var received = [Int32](repeating: -1, count: 8)
    var count: Int32 = 0
    var flags: Int32 = 0
    let n = buffer.withUnsafeMutableBytes {
      cmnl_recv_fds(fd, $0.baseAddress, KeeperProtocol.maxRequest, &received, 8, &count, &flags, 1)
    }
    if n < 0 {
      if cmnl_errno() == EAGAIN || cmnl_errno() == EINTR { return false }
      drop(c)
      return false
    }
    guard n > 0 else {  // the client hung up
      drop(c)
      return false
    }
    let fds = Array(received[0..<Int(count)])
    var reply: KeeperProtocol.Reply
    var attached: Int32 = -1
    do throws(KeeperProtocol.Malformed) {
      if flags & Int32(MSG_CTRUNC) != 0 {
        throw KeeperProtocol.Malformed(atDescriptorLimit ? limitText : "control data truncated")
      }
      if flags & Int32(MSG_TRUNC) != 0 { throw KeeperProtocol.Malformed("request too long") }
      let request = try KeeperProtocol.decodeRequest(buffer[0..<n])
      guard fds.count == (request.takesDescriptor ? 1 : 0) else {
        throw KeeperProtocol.Malformed("\(fds.count) descriptors with this request")
      }
      (reply, attached) = handle(request, c, fds.first)
    } catch {
      for d in fds { close(d) }
      reply = .error(errno: EINVAL, error.reason)
    }
    c.deadline = Clock.now() + Self.clientTimeout
    queue(c, reply, attached)
    return true
  }

  /// Whether one more descriptor would exceed RLIMIT_NOFILE.
  var atDescriptorLimit: Bool {
    let probe = fcntl(reserve, F_DUPFD_CLOEXEC, 0)
    if probe >= 0 { close(probe) }
    return probe < 0 && cmnl_errno() == EMFILE
  }

  /// Carries out one well-formed request. The descriptor of adoptTCP is
  /// taken (kept or closed) here on every path.
  func handle(_ request: KeeperProtocol.Request, _ c: Client, _ fd: Int32?) -> (KeeperProtocol.Reply, Int32) {
    switch request {
    case .hello(let index):
      // A client must not be served by the keeper of a deleted interface
      // whose ifindex its own interface now has.
      followLinks()
      guard index == ifindex else {
        return (.error(errno: ENODEV, "this keeper serves ifindex \(ifindex), not \(index)"), -1)
      }
      return (.ready(ifindex: index, pid: UInt32(getpid())), -1)
    case .udpSocket(let local, let mark):
      let place = KeeperHoldings.Place(local: local, mark: mark)
      if let held = holdings.udpSocket(local, mark: mark) {
        holdings.reserve(local, mark: mark)
        c.reservations.append(place)
        return (.socket, held)
      }
      if let other = holdings.otherMark(on: local, than: mark) {
        let has = other == 0 ? "peers without a mark" : "peers with mark \(other)"
        return (.error(errno: EADDRINUSE, "\(local) already carries \(has): one local port has one mark"), -1)
      }
      do throws(NetlinkError) {
        let s = try Self.openUDP(KeeperHoldings.shared(local), mark: mark)
        holdings.reserve(local, mark: mark, newSocket: s)
        c.reservations.append(place)
        return (.socket, s)
      } catch {
        let e = error.errno ?? EIO
        if e == EMFILE || e == ENFILE { return (.error(errno: e, limitText), -1) }
        if e == EPERM && mark != 0 { return (.error(errno: e, "mark \(mark): \(errnoDescription(e))"), -1) }
        return (.error(errno: e, "bind \(local): \(errnoDescription(e))"), -1)
      }
    case .attach(let local, let mark, let id):
      guard let unused = holdings.attach(id, to: local, mark: mark) else {
        return (.error(errno: ENOENT, "no socket on \(local): ask for it first"), -1)
      }
      closeAll(unused)
      return (.ok, -1)
    case .adoptTCP(let id):
      guard let fd else { return (.error(errno: EINVAL, "adopt without a socket"), -1) }
      guard Self.isStreamSocket(fd) else {
        close(fd)
        return (.error(errno: ENOTSOCK, "the descriptor is not a TCP socket"), -1)
      }
      closeAll(holdings.adoptTCP(id, fd: fd))
      return (.ok, -1)
    case .list:
      let ids = holdings.allPeers()
      var chunks: [KeeperProtocol.Reply] = []
      var start = 0
      repeat {
        let end = min(ids.count, start + KeeperProtocol.idsPerReply)
        chunks.append(.ids(Array(ids[start..<end]), more: end < ids.count))
        start = end
      } while start < ids.count
      for chunk in chunks.dropLast() { queue(c, chunk, -1) }
      return (chunks.last!, -1)
    }
  }

  /// The shared socket of a wildcard port is dual-stack IPv6; on a host
  /// without IPv6 it falls back to the IPv4 wildcard (still held as `[::]`).
  static func openUDP(_ local: Endpoint, mark: UInt32) throws(NetlinkError) -> Int32 {
    do throws(NetlinkError) {
      return try TransportSocket.udp(local: local, mark: mark)
    } catch .system(_, let e)
      where e == EAFNOSUPPORT && local.address.isV6 && local.address.bytes.allSatisfy({ $0 == 0 })
    {
      return try TransportSocket.udp(local: Endpoint(address: .any(v6: false), port: local.port), mark: mark)
    }
  }

  /// Only AF_INET or AF_INET6 stream sockets are kept.
  static func isStreamSocket(_ fd: Int32) -> Bool {
    func option(_ name: Int32) -> Int32? {
      var v: Int32 = 0
      var len = socklen_t(4)
      return getsockopt(fd, SOL_SOCKET, name, &v, &len) == 0 && len == 4 ? v : nil
    }
    guard let domain = option(SO_DOMAIN), domain == AF_INET || domain == AF_INET6 else { return false }
    return option(SO_TYPE) == Int32(SOCK_STREAM.rawValue)
  }

  func queue(_ c: Client, _ reply: KeeperProtocol.Reply, _ fd: Int32) {
    c.outbox.append((KeeperProtocol.encode(reply), fd))
    if !flush(c) { drop(c) }
  }

  /// Sends what it can without blocking; false when the client is lost.
  func flush(_ c: Client) -> Bool {
    while let (bytes, fd) = c.outbox.first {
      let n = bytes.withUnsafeBytes { cmnl_send_fd(c.fd, fd, $0.baseAddress, $0.count) }
      if n < 0 {
        let e = cmnl_errno()
        if e == EAGAIN || e == EINTR { return true }
        return false
      }
      c.outbox.removeFirst()
      c.deadline = Clock.now() + Self.clientTimeout
    }
    return true
  }

  func sendNow(_ fd: Int32, _ reply: KeeperProtocol.Reply) {
    let bytes = KeeperProtocol.encode(reply)
    _ = bytes.withUnsafeBytes { cmnl_send_fd(fd, -1, $0.baseAddress, $0.count) }
  }

  func drop(_ c: Client) {
    clients[c.fd] = nil
    close(c.fd)
    for p in c.reservations { closeAll(holdings.release(p.local, mark: p.mark)) }
  }

  func expireClients() {
    let now = Clock.now()
    for c in clients.values where c.deadline <= now { drop(c) }
  }

  // MARK: exit

  /// Leaves without a race: under the start lock the address is unlinked
  /// first (new clients then start a new keeper), and clients already
  /// queued on the listener are told to retry.
  func tryExit(force: Bool = false) {
    let lock: KeeperPlace.Lock?
    do throws(CommandError) {
      lock = try KeeperPlace.lock(timeout: force ? 2_000 : 0, wait: force)
    } catch {
      lock = nil
      if !force { return }
    }
    if lock == nil && !force { return }
    var st = stat()
    if lstat(place.socketPath, &st) == 0, st.st_ino == socketInode { unlink(place.socketPath) }
    lock?.unlock()
    while true {
      let fd = cmnl_accept(listener)
      if fd < 0 { break }
      sendNow(fd, .retry)
      close(fd)
    }
    for c in clients.values {
      sendNow(c.fd, .retry)
      close(c.fd)
    }
    _exit(0)
  }

  func closeAll(_ fds: [Int32]) {
    for fd in fds { close(fd) }
  }
}
