import CMnl
import DCONetlink

/// What one read of the kernel found: the ovpn interfaces with their own
/// counters and, where asked for, their peers.
struct MetricsSnapshot {
  struct Interface {
    var link: Link
    /// The peers, when they were read (`stats`, a scrape); empty for `link show`.
    var peers: [PeerRow] = []
    /// How many peers the interface has, or nil where the kernel cannot say.
    var peerCount: Int?
  }

  struct PeerRow {
    var peer: Peer
    /// The name OpenVPN gives the client (from its status file), once known.
    var commonName: String?
  }

  var interfaces: [Interface] = []

  /// Gives each peer the common name an OpenVPN status file lists for it.
  mutating func name(from file: StatusFile) {
    let name = file.namer()
    for i in interfaces.indices {
      for j in interfaces[i].peers.indices {
        interfaces[i].peers[j].commonName = name(interfaces[i].peers[j].peer)
      }
    }
  }
}

/// Reads a snapshot. Interfaces that vanish while they are read are left
/// out rather than failing the whole read: a scrape survives `link del`.
enum MetricsCollector {
  static func collect(dev: String?, peer: UInt32?, withPeers: Bool, _ ctx: Context)
    throws(CommandError) -> MetricsSnapshot
  {
    var snapshot = MetricsSnapshot()
    if peer != nil {
      // One peer: selected exactly as `stats peer ID` selects it.
      var byLink: [UInt32: Int] = [:]
      try PeerListing.forEachSelected(dev: dev, id: peer, ctx) { link, p in
        if byLink[link.index] == nil {
          byLink[link.index] = snapshot.interfaces.count
          snapshot.interfaces.append(.init(link: link, peerCount: count(link, ctx)))
        }
        snapshot.interfaces[byLink[link.index]!].peers.append(.init(peer: p))
      }
      return snapshot
    }
    for (link, codec) in try ctx.ovpnLinks(dev, .peerGet(dev: dev ?? "", id: nil)) {
      var entry = MetricsSnapshot.Interface(link: link)
      do throws(CommandError) {
        let r = try PeerListing.list(link, codec, ctx)
        if r.complete { entry.peerCount = r.peers.count }
        if withPeers { entry.peers = r.peers.map { .init(peer: $0) } }
      } catch .netlink(.kernel(let e, _), _) where dev == nil && (e == ENODEV || e == EINVAL) {
        continue  // deleted (or its index reused) since the link dump
      } catch .netlink(.kernel(let e, _), _) where e == EPERM || e == EACCES {
        // Without CAP_NET_ADMIN the interface counters are still readable.
      }
      snapshot.interfaces.append(entry)
    }
    return snapshot
  }

  private static func count(_ link: Link, _ ctx: Context) -> Int? {
    guard let kind = link.ovpnKind, let codec = try? ctx.client.codec(for: kind) else { return nil }
    return PeerListing.count(link, codec, ctx)
  }
}
