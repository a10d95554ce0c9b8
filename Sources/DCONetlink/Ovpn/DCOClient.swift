import CMnl

/// The library's facade: links over rtnetlink, peers and keys over the
/// generic netlink family that serves each interface's kind. Sockets are
/// opened on first use and reused for every later call (one per bus).
public final class DCOClient {
  private var genlSession: NetlinkSession?
  private var rtnlSession: NetlinkSession?
  private var pipelineSession: NetlinkSession?
  private var families: [String: GenlFamily] = [:]
  private var missingFamilies: Set<String> = []
  private var codecs: [OvpnKind: any OvpnCodec] = [:]
  private var featureCache: [OvpnKind: OvpnFeatures] = [:]

  /// A client; no socket is opened until the first call.
  public init() {}

  /// For tests: fixed channels instead of kernel sockets.
  package init(genl: NetlinkChannel?, rtnl: NetlinkChannel?, pipeline: NetlinkChannel? = nil) {
    genlSession = genl.map { NetlinkSession(channel: $0, firstSequence: 1) }
    rtnlSession = rtnl.map { NetlinkSession(channel: $0, firstSequence: 1) }
    pipelineSession = pipeline.map { NetlinkSession(channel: $0, firstSequence: 1) }
  }

  package func genl() throws(NetlinkError) -> NetlinkSession {
    if let s = genlSession { return s }
    let s = NetlinkSession(channel: try NetlinkSocket(bus: NETLINK_GENERIC))
    genlSession = s
    return s
  }

  /// A second generic netlink socket for pipelined requests (a batch
  /// window), so that lookups on the first never meet their replies.
  package func pipelineGenl() throws(NetlinkError) -> NetlinkSession {
    if let s = pipelineSession { return s }
    let s = NetlinkSession(channel: try NetlinkSocket(bus: NETLINK_GENERIC))
    pipelineSession = s
    return s
  }

  package func rtnl() throws(NetlinkError) -> NetlinkSession {
    if let s = rtnlSession { return s }
    let s = NetlinkSession(channel: try NetlinkSocket(bus: NETLINK_ROUTE))
    rtnlSession = s
    return s
  }

  /// Resolves a family once per client; absence is remembered too.
  package func family(_ name: String) throws(NetlinkError) -> GenlFamily {
    if let f = families[name] { return f }
    if missingFamilies.contains(name) { throw .familyNotFound(name) }
    do throws(NetlinkError) {
      let f = try genl().resolveFamily(name)
      families[name] = f
      return f
    } catch .familyNotFound(let n) {
      missingFamilies.insert(n)
      throw .familyNotFound(n)
    }
  }

  /// The family of `kind`, refusing the pre-2023 API by name.
  package func family(for kind: OvpnKind) throws(NetlinkError) -> GenlFamily {
    do throws(NetlinkError) {
      return try family(kind.familyName)
    } catch .familyNotFound(let name) {
      if kind == .ovpnDCO, (try? family("ovpn-dco")) != nil { throw .obsoleteAPI }
      throw .familyNotFound(name)
    }
  }

  package func codec(for kind: OvpnKind) throws(NetlinkError) -> any OvpnCodec {
    if let c = codecs[kind] { return c }
    let f = try family(for: kind)
    let c: any OvpnCodec
    switch kind {
    case .ovpnDCO: c = LegacyCodec(family: f)
    case .ovpn: c = UpstreamCodec(family: f)
    }
    codecs[kind] = c
    return c
  }

  /// Whether the kernel's policy for `family` knows attribute `type` in any
  /// of its attribute sets (CTRL_CMD_GETPOLICY). Used to detect attributes
  /// newer than the running kernel, such as the upstream peer `tx-id` (24).
  package func familyPolicyHasAttribute(_ family: GenlFamily, _ type: UInt16) throws(NetlinkError) -> Bool {
    let found = try genl().transact(try GenlController.getPolicyRequest(familyID: family.id)) {
      (msg) throws(NetlinkError) in try GenlController.policyHasAttribute(msg, type) ? true : nil
    }
    return !found.isEmpty
  }

  /// The optional features the running module offers for `codec`, from one
  /// policy query per client (the legacy family is not asked: it has none).
  package func features(_ codec: any OvpnCodec) throws(NetlinkError) -> OvpnFeatures {
    if let f = featureCache[codec.kind] { return f }
    let policy = codec.kind == .ovpn ? try genl().policy(of: codec.family) : GenlPolicy()
    let f = codec.features(policy)
    featureCache[codec.kind] = f
    return f
  }

  // MARK: links

  /// Every interface in the network namespace, of any kind (one RTM_GETLINK dump).
  public func links() throws(NetlinkError) -> [Link] {
    try rtnl().transact(LinkMessages.dumpLinks(), decode: LinkMessages.decodeLink)
  }

  /// The interface `name`; `.noSuchDevice` if there is none or the name is empty or too long.
  public func link(named name: String) throws(NetlinkError) -> Link {
    guard name.utf8.count < Int(IFNAMSIZ), !name.isEmpty else { throw .noSuchDevice(name) }
    do throws(NetlinkError) {
      let found = try rtnl().transact(try LinkMessages.getLink(name: name), decode: LinkMessages.decodeLink)
      guard let link = found.first else { throw NetlinkError.noSuchDevice(name) }
      return link
    } catch .kernel(let e, _) where e == ENODEV {
      throw .noSuchDevice(name)
    }
  }

  /// The interface with that index; nil if there is none.
  public func link(index: UInt32) throws(NetlinkError) -> Link? {
    do throws(NetlinkError) {
      return try rtnl().transact(LinkMessages.getLink(index: index), decode: LinkMessages.decodeLink).first
    } catch .kernel(let e, _) where e == ENODEV {
      return nil
    }
  }

  /// An interface ovpnctl manages, with the codec for its kind.
  package func ovpnLink(named name: String) throws(NetlinkError) -> (Link, any OvpnCodec) {
    let l = try link(named: name)
    guard let kind = l.ovpnKind else { throw .notOvpn(name: name, kind: l.kind) }
    return (l, try codec(for: kind))
  }

  /// The kind `link add` uses when none is given: `ovpn` if its family
  /// resolves (which also loads the module), else `ovpn-dco`.
  public func preferredKind() throws(NetlinkError) -> OvpnKind {
    if (try? family("ovpn")) != nil { return .ovpn }
    do throws(NetlinkError) {
      _ = try family(for: .ovpnDCO)
      return .ovpnDCO
    } catch .familyNotFound {
      throw .noKernelSupport
    }
  }

  /// Creates an interface. The genl family is resolved first: `ovpn` has no
  /// rtnl module alias, so that lookup is what loads the module.
  public func addLink(name: String, kind: OvpnKind?, mode: OvpnMode?, mtu: UInt32?)
    throws(NetlinkError) -> OvpnKind
  {
    let k: OvpnKind
    if let kind { k = kind } else { k = try preferredKind() }
    do throws(NetlinkError) {
      _ = try family(for: k)
    } catch .familyNotFound {
      throw .noKernelSupport
    }
    try rtnl().perform(try LinkMessages.newLink(name: name, kind: k, mode: mode, mtu: mtu))
    return k
  }

  /// Deletes the interface (RTM_DELLINK); the kernel removes its peers with reason `teardown`.
  public func deleteLink(index: UInt32) throws(NetlinkError) {
    try rtnl().perform(LinkMessages.deleteLink(index: index))
  }

  // MARK: peers and keys

  package func peers(_ link: Link, codec: any OvpnCodec) throws(NetlinkError) -> [Peer] {
    try genl().transact(try codec.dumpPeers(ifindex: link.index), decode: codec.decodePeer)
  }

  /// The peers of `link`, handed to `body` one at a time as the dump
  /// arrives; none is kept. Returns how many there were.
  @discardableResult
  package func forEachPeer(_ link: Link, codec: any OvpnCodec, _ body: (Peer) -> Void)
    throws(NetlinkError) -> Int
  {
    var count = 0
    try genl().stream(try codec.dumpPeers(ifindex: link.index)) { (msg) throws(NetlinkError) in
      if let p = try codec.decodePeer(msg) {
        count += 1
        body(p)
      }
    }
    return count
  }

  package func peer(_ link: Link, codec: any OvpnCodec, id: UInt32) throws(NetlinkError) -> Peer {
    let found = try genl().transact(
      try codec.getPeer(ifindex: link.index, id: id), decode: codec.decodePeer)
    guard let p = found.first else { throw .malformed("no peer in the reply to a peer lookup") }
    return p
  }

  /// Adds a peer. Keepalive follows as a SET on both APIs: the legacy
  /// NEW_PEER has no keepalive attributes, and the upstream PEER_NEW arms
  /// the device's keepalive worker before it inserts the peer, so a worker
  /// run in between finds no peer and is not rescheduled (seen on 7.3.4: a
  /// 1 s / 3 s keepalive that never expired). If the SET fails the peer is
  /// removed again, so nothing is left half-configured.
  package func addPeer(_ link: Link, codec: any OvpnCodec, _ config: PeerConfig) throws(NetlinkError) {
    let ifindex = link.index
    let g = try genl()
    var new = config
    new.keepaliveInterval = nil
    new.keepaliveTimeout = nil
    try g.perform(try codec.newPeer(ifindex: ifindex, new))
    guard config.keepaliveInterval != nil else { return }
    var set = PeerConfig(id: config.id)
    set.keepaliveInterval = config.keepaliveInterval
    set.keepaliveTimeout = config.keepaliveTimeout
    do throws(NetlinkError) {
      try g.perform(try codec.setPeer(ifindex: ifindex, set))
    } catch {
      try? g.perform(try codec.deletePeer(ifindex: ifindex, id: config.id))
      throw error
    }
  }

  package func setPeer(_ link: Link, codec: any OvpnCodec, _ config: PeerConfig) throws(NetlinkError) {
    try genl().perform(try codec.setPeer(ifindex: link.index, config))
  }

  package func deletePeer(_ link: Link, codec: any OvpnCodec, id: UInt32) throws(NetlinkError) {
    try genl().perform(try codec.deletePeer(ifindex: link.index, id: id))
  }

  package func addKey(_ link: Link, codec: any OvpnCodec, _ key: KeyConfig) throws(NetlinkError) {
    try genl().perform(try codec.newKey(ifindex: link.index, key))
  }

  package func swapKeys(_ link: Link, codec: any OvpnCodec, peerID: UInt32) throws(NetlinkError) {
    try genl().perform(try codec.swapKeys(ifindex: link.index, peerID: peerID))
  }

  package func deleteKey(_ link: Link, codec: any OvpnCodec, peerID: UInt32, slot: KeySlot)
    throws(NetlinkError)
  {
    try genl().perform(try codec.deleteKey(ifindex: link.index, peerID: peerID, slot: slot))
  }

  /// The key in one slot, or nil when the slot is empty.
  package func key(_ link: Link, codec: any OvpnCodec, peerID: UInt32, slot: KeySlot)
    throws(NetlinkError) -> KeyInfo?
  {
    guard codec.canReadKeys else {
      throw .unsupported("the \(codec.family.name) API cannot read keys back")
    }
    do throws(NetlinkError) {
      return try genl().transact(
        try codec.getKey(ifindex: link.index, peerID: peerID, slot: slot),
        decode: codec.decodeKey
      ).first
    } catch .kernel(let e, let ack) where e == ENOENT && ack.message?.contains("slot") == true {
      return nil
    }
  }
}
