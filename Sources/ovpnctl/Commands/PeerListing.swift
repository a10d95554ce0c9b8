import CMnl
import DCONetlink

/// Lists the peers of an interface, streaming them as the kernel's dump
/// delivers them. The legacy module dumps nothing for a p2p interface, so
/// there the peers ovpnctl's keeper knows are fetched by id instead; a p2p
/// peer nobody told ovpnctl about cannot be found.
enum PeerListing {
  struct Result {
    var peers: [Peer]
    /// False when the kernel could not list every peer (legacy p2p).
    var complete: Bool
  }

  /// Hands every peer of `link` to `body`, holding none. Returns false when
  /// the kernel could not list every peer (legacy p2p).
  static func forEach(_ link: Link, _ codec: any OvpnCodec, _ ctx: Context, _ body: (Peer) -> Void)
    throws(CommandError) -> Bool
  {
    let op = Operation.peerGet(dev: link.name, id: nil)
    let dumped = try kernel(op) { () throws(NetlinkError) in
      try ctx.client.forEachPeer(link, codec: codec, body)
    }
    guard dumped == 0, codec.kind == .ovpnDCO else { return true }
    guard let ids = KeeperClient.peerIDs(link) else { return false }
    for id in ids {
      do {
        body(try ctx.client.peer(link, codec: codec, id: id))
      } catch .kernel(let e, _) where e == ENOENT {
        continue
      } catch {
        throw .netlink(error, .peerGet(dev: link.name, id: id))
      }
    }
    return true
  }

  /// Every peer of `link`, in one array (the monitor's resync).
  static func list(_ link: Link, _ codec: any OvpnCodec, _ ctx: Context) throws(CommandError) -> Result {
    var peers: [Peer] = []
    let complete = try forEach(link, codec, ctx) { peers.append($0) }
    return Result(peers: complete ? peers : [], complete: complete)
  }

  /// The number of peers, or nil where the kernel cannot say.
  static func count(_ link: Link, _ codec: any OvpnCodec, _ ctx: Context) -> Int? {
    var n = 0
    guard let complete = try? forEach(link, codec, ctx, { _ in n += 1 }), complete else { return nil }
    return n
  }

  /// Hands the peers `peer show` and `stats` report, one by id or all of
  /// them, to `body`, interface by interface as the kernel delivers them.
  static func forEachSelected(
    dev: String?, id: UInt32?, _ ctx: Context, _ body: (Link, Peer) -> Void
  ) throws(CommandError) {
    var found = false
    for (link, codec) in try ctx.ovpnLinks(dev, .peerGet(dev: dev ?? "", id: id)) {
      if let id {
        do {
          body(link, try ctx.client.peer(link, codec: codec, id: id))
          found = true
        } catch .kernel(let e, let ack) where e == ENOENT && dev == nil {
          _ = ack  // looking through every interface: absent here is not an error
          continue
        } catch {
          throw .netlink(error, .peerGet(dev: link.name, id: id))
        }
        continue
      }
      let complete = try forEach(link, codec, ctx) { body(link, $0) }
      if !complete {
        Terminal.err(
          "Note: \(link.name) is an ovpn-dco p2p interface; its module cannot list peers. "
            + "Name the peer: ovpnctl peer show dev \(link.name) id ID")
      }
    }
    if let id, dev == nil, !found {
      throw .netlink(.kernel(errno: ENOENT, extack: ExtAck()), .peerGet(dev: "any interface", id: id))
    }
  }

  /// `peer show` and `stats`: renders the selected peers as they arrive,
  /// handing the output to stdout in chunks. Until the first chunk is full
  /// nothing is written, so a small listing that fails prints nothing.
  /// `status` names the peers it knows (`status FILE`).
  static func show(
    dev: String?, id: UInt32?, configuration: Bool, status: StatusFile? = nil, _ ctx: Context
  ) throws(CommandError) {
    let name = status?.namer()
    var r = PeerRenderer(ctx.options, configuration: configuration, into: .stdout()) { name?($0) }
    r.begin()
    try forEachSelected(dev: dev, id: id, ctx) { r.add($0, $1) }
    r.end()
    r.flush()
  }
}

/// Which peers `peer show` and `stats` list: `[dev NAME] [id|peer ID]
/// [status FILE]`. The status file is only named here; it is read when the
/// listing runs.
struct PeerSelection: Equatable, Sendable {
  var dev: String?
  var id: UInt32?
  var status: String?

  /// `id` is the keyword that names the peer (`id` or `peer`).
  static func parse(_ args: Arguments, id keyword: String) throws(UsageError) -> PeerSelection {
    let selection = PeerSelection(
      dev: args.string("dev"), id: try args.peerID(keyword), status: args.string("status"))
    try StatusNames.check(status: selection.status, dev: selection.dev)
    return selection
  }
}
