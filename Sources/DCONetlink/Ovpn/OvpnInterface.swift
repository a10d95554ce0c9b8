/// One ovpn interface, with the kernel API it speaks resolved once: the
/// handle a program uses to manage its peers and keys without choosing a
/// codec or building a request. Each call is one request (or one dump) on
/// the client's generic netlink socket, answered before it returns; what
/// the interface's API cannot do fails with `NetlinkError.unsupported`.
///
///     let tun = try OvpnInterface(named: "tun0")
///     for peer in try tun.peers() { print(peer.id, peer.stats.vpnRxBytes) }
public struct OvpnInterface {
  /// The interface as rtnetlink reported it when the handle was made.
  public let link: Link
  let client: DCOClient
  let codec: any OvpnCodec

  /// The interface `name`, which must be an ovpn interface whose module is
  /// loaded (`.noSuchDevice`, `.notOvpn`, `.noKernelSupport` otherwise).
  public init(named name: String, client: DCOClient = DCOClient()) throws(NetlinkError) {
    (link, codec) = try client.ovpnLink(named: name)
    self.client = client
  }

  init(link: Link, codec: any OvpnCodec, client: DCOClient) {
    self.link = link
    self.codec = codec
    self.client = client
  }

  /// Every ovpn interface whose module is loaded, in rtnetlink's order.
  public static func all(client: DCOClient = DCOClient()) throws(NetlinkError) -> [OvpnInterface] {
    var found: [OvpnInterface] = []
    for link in try client.links() {
      guard let kind = link.ovpnKind, let codec = try? client.codec(for: kind) else { continue }
      found.append(OvpnInterface(link: link, codec: codec, client: client))
    }
    return found
  }

  /// The kernel API the interface speaks.
  public var api: OvpnKind { codec.kind }
  /// Whether the API can report keys (upstream ovpn can, ovpn-dco-v2 cannot).
  public var canReadKeys: Bool { codec.canReadKeys }

  /// The optional features the running module offers, from its policy.
  public func features() throws(NetlinkError) -> OvpnFeatures { try client.features(codec) }

  /// Every peer, with its counters. The ovpn-dco-v2 module lists no peers
  /// of a p2p interface (its dump is empty): ask for those by id.
  public func peers() throws(NetlinkError) -> [Peer] { try client.peers(link, codec: codec) }

  /// Every peer, handed over one at a time as the dump is read (memory
  /// stays flat in the number of peers); as `peers()`, none of an
  /// ovpn-dco-v2 p2p interface.
  public func forEachPeer(_ body: (Peer) -> Void) throws(NetlinkError) {
    try client.forEachPeer(link, codec: codec, body)
  }

  /// One peer (`.kernel(ENOENT, …)` if there is none with that id).
  public func peer(id: UInt32) throws(NetlinkError) -> Peer {
    try client.peer(link, codec: codec, id: id)
  }

  /// Adds a peer; `config.socket` is a transport socket this process owns.
  public func addPeer(_ config: PeerConfig) throws(NetlinkError) {
    try client.addPeer(link, codec: codec, config)
  }

  /// Changes what `config` gives of an existing peer.
  public func setPeer(_ config: PeerConfig) throws(NetlinkError) {
    try client.setPeer(link, codec: codec, config)
  }

  /// Removes a peer; the kernel reports it gone with reason `userspace`.
  public func deletePeer(id: UInt32) throws(NetlinkError) {
    try client.deletePeer(link, codec: codec, id: id)
  }

  /// Installs a key; its material is zeroed when `key` goes.
  public func addKey(_ key: KeyConfig) throws(NetlinkError) {
    try client.addKey(link, codec: codec, key)
  }

  /// Swaps the primary and secondary keys of a peer.
  public func swapKeys(peer: UInt32) throws(NetlinkError) {
    try client.swapKeys(link, codec: codec, peerID: peer)
  }

  /// Removes the key in one slot of a peer.
  public func deleteKey(peer: UInt32, slot: KeySlot) throws(NetlinkError) {
    try client.deleteKey(link, codec: codec, peerID: peer, slot: slot)
  }

  /// The key in a slot (never its material); nil if the slot is empty.
  public func key(peer: UInt32, slot: KeySlot) throws(NetlinkError) -> KeyInfo? {
    try client.key(link, codec: codec, peerID: peer, slot: slot)
  }

  /// A subscription to this API's `peers` notifications (every interface
  /// of the API: filter on `OvpnEvent.ifindex`). Lost notifications arrive
  /// as `.lost`: dump the peers again then.
  public func events(receiveBuffer: Int32? = nil) throws(NetlinkError) -> PeerEventStream {
    try PeerEventStream(codecs: [codec], receiveBuffer: receiveBuffer)
  }
}
