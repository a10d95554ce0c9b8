import CMnl
import DCONetlink

/// Lists the peers of an interface. The legacy module dumps nothing for a
/// p2p interface, so there the peers ovpnctl's keeper knows are fetched by
/// id instead; a p2p peer nobody told ovpnctl about cannot be found.
enum PeerListing {
  struct Result {
    var peers: [Peer]
    /// False when the kernel could not list every peer (legacy p2p).
    var complete: Bool
  }

  static func list(_ link: Link, _ codec: any OvpnCodec, _ ctx: Context) throws(CommandError) -> Result {
    let op = Operation.peerGet(dev: link.name, id: nil)
    let dumped = try kernel(op) { () throws(NetlinkError) in
      try ctx.client.peers(link, codec: codec)
    }
    guard dumped.isEmpty, codec.kind == .ovpnDCO else { return Result(peers: dumped, complete: true) }
    guard let ids = KeeperClient.peerIDs(link) else {
      return Result(peers: [], complete: false)
    }
    var found: [Peer] = []
    for id in ids {
      do {
        found.append(try ctx.client.peer(link, codec: codec, id: id))
      } catch .kernel(let e, _) where e == ENOENT {
        continue
      } catch {
        throw .netlink(error, .peerGet(dev: link.name, id: id))
      }
    }
    return Result(peers: found, complete: true)
  }

  /// The number of peers, or nil where the kernel cannot say.
  static func count(_ link: Link, _ codec: any OvpnCodec, _ ctx: Context) -> Int? {
    guard let r = try? list(link, codec, ctx), r.complete else { return nil }
    return r.peers.count
  }

  /// The peers `peer show` and `stats` report: one by id, or all of them.
  static func select(dev: String?, id: UInt32?, _ ctx: Context) throws(CommandError)
    -> [(Link, Peer)]
  {
    var rows: [(Link, Peer)] = []
    for (link, codec) in try ctx.ovpnLinks(dev, .peerGet(dev: dev ?? "", id: id)) {
      if let id {
        do {
          rows.append((link, try ctx.client.peer(link, codec: codec, id: id)))
        } catch .kernel(let e, let ack) where e == ENOENT && dev == nil {
          _ = ack  // looking through every interface: absent here is not an error
          continue
        } catch {
          throw .netlink(error, .peerGet(dev: link.name, id: id))
        }
        continue
      }
      let r = try list(link, codec, ctx)
      if !r.complete {
        Terminal.err(
          "Note: \(link.name) is an ovpn-dco p2p interface; its module cannot list peers. "
            + "Name the peer: ovpnctl peer show dev \(link.name) id ID")
      }
      rows += r.peers.map { (link, $0) }
    }
    if let id, dev == nil, rows.isEmpty {
      throw .netlink(.kernel(errno: ENOENT, extack: ExtAck()), .peerGet(dev: "any interface", id: id))
    }
    return rows
  }
}
