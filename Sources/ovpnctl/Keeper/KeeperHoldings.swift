import DCONetlink

/// What a keeper holds: UDP sockets by local endpoint and mark (shared by
/// every peer on that port with that mark), TCP sockets by peer id, and which
/// peers use each. Pure
/// bookkeeping: every change returns the descriptors that nobody needs any
/// more, and the caller closes them.
struct KeeperHoldings {
  struct Held: Equatable {
    var fd: Int32
    var peers: Set<UInt32> = []
    /// Clients that obtained the socket and may still attach a peer to it.
    var reservations = 0
    /// False once the socket reached EOF or an error: it is kept for its
    /// peers but no longer polled.
    var watched = true
  }

  /// Where a UDP socket is: its local endpoint and its SO_MARK (0: none).
  struct Place: Hashable {
    var local: Endpoint
    var mark: UInt32
  }

  private(set) var udp: [Place: Held] = [:]
  private(set) var tcp: [UInt32: Held] = [:]

  var isEmpty: Bool { udp.isEmpty && tcp.isEmpty }
  var peerCount: Int { udp.values.reduce(0) { $0 + $1.peers.count } + tcp.count }

  func allPeers() -> [UInt32] {
    var ids = Set(tcp.keys)
    for h in udp.values { ids.formUnion(h.peers) }
    return ids.sorted()
  }

  /// The one rule for both families on one port: a wildcard local address
  /// means one dual-stack IPv6 socket, so `0.0.0.0:P` is held as `[::]:P`
  /// and IPv4 and IPv6 peers on port P share it. Specific addresses stay as
  /// they are.
  static func shared(_ e: Endpoint) -> Endpoint {
    guard e.address.isV4, e.address.bytes.allSatisfy({ $0 == 0 }) else { return e }
    return Endpoint(address: .any(v6: true), port: e.port)
  }

  func udpSocket(_ e: Endpoint, mark: UInt32 = 0) -> Int32? {
    udp[Place(local: Self.shared(e), mark: mark)]?.fd
  }

  /// The mark of another socket already on `e`, if any: one local address
  /// and port carries one mark.
  func otherMark(on e: Endpoint, than mark: UInt32) -> UInt32? {
    let local = Self.shared(e)
    return udp.keys.first { $0.local == local && $0.mark != mark }?.mark
  }

  /// A client obtained the socket of `e` (a new one is `fd`).
  mutating func reserve(_ e: Endpoint, mark: UInt32 = 0, newSocket fd: Int32? = nil) {
    let p = Place(local: Self.shared(e), mark: mark)
    if let fd, udp[p] == nil { udp[p] = Held(fd: fd) }
    udp[p]?.reservations += 1
  }

  /// A client that reserved `e` went away.
  mutating func release(_ e: Endpoint, mark: UInt32 = 0) -> [Int32] {
    let p = Place(local: Self.shared(e), mark: mark)
    guard var h = udp[p] else { return [] }
    h.reservations = max(0, h.reservations - 1)
    udp[p] = h
    return dropUnused(p)
  }

  /// The kernel now has peer `id` on the socket of `e`. A peer id lives on
  /// one socket only: a re-added id leaves its old socket.
  mutating func attach(_ id: UInt32, to e: Endpoint, mark: UInt32 = 0) -> [Int32]? {
    let e = Place(local: Self.shared(e), mark: mark)
    guard udp[e] != nil else { return nil }
    var unused = remove(id, except: e)
    udp[e]!.peers.insert(id)
    unused += dropUnused(e)
    return unused
  }

  /// Peer `id` runs over the TCP socket `fd`.
  mutating func adoptTCP(_ id: UInt32, fd: Int32) -> [Int32] {
    let unused = remove(id, except: nil)
    tcp[id] = Held(fd: fd, peers: [id])
    return unused
  }

  /// Forgets the peers that are gone.
  mutating func forget(_ gone: Set<UInt32>) -> [Int32] {
    var unused: [Int32] = []
    for id in gone { unused += remove(id, except: nil) }
    return unused
  }

  /// Keeps only the peers in `present` (after a dump).
  mutating func keepOnly(_ present: Set<UInt32>) -> [Int32] {
    forget(Set(allPeers()).subtracting(present))
  }

  /// Everything, for an interface that is gone.
  mutating func removeAll() -> [Int32] {
    let fds = udp.values.map(\.fd) + tcp.values.map(\.fd)
    udp = [:]
    tcp = [:]
    return fds
  }

  /// Stops polling a socket that reached EOF or an error.
  mutating func unwatch(fd: Int32) {
    for (k, h) in udp where h.fd == fd { udp[k]!.watched = false }
    for (k, h) in tcp where h.fd == fd { tcp[k]!.watched = false }
  }

  /// The sockets to poll for control packets, and whether each is TCP.
  func watchedDescriptors() -> [(Int32, Bool)] {
    udp.values.filter(\.watched).map { ($0.fd, false) } + tcp.values.filter(\.watched).map { ($0.fd, true) }
  }

  private mutating func remove(_ id: UInt32, except keep: Place?) -> [Int32] {
    var unused: [Int32] = []
    if let h = tcp.removeValue(forKey: id) { unused.append(h.fd) }
    for (e, h) in udp where e != keep && h.peers.contains(id) {
      udp[e]!.peers.remove(id)
      unused += dropUnused(e)
    }
    return unused
  }

  private mutating func dropUnused(_ e: Place) -> [Int32] {
    guard let h = udp[e], h.peers.isEmpty, h.reservations == 0 else { return [] }
    udp[e] = nil
    return [h.fd]
  }
}
