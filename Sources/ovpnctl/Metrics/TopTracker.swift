import DCONetlink

/// Remembers the previous sample of every peer to turn totals into rates.
struct TopTracker {
  private struct Seen {
    var stats: PeerStats
    var at: Double
    var movedAt: Double?
    var firstAt: Double
  }
  private var seen: [String: Seen] = [:]

  /// The rows for a sample taken at `now` (seconds, monotonic), busiest first.
  mutating func update(_ s: MetricsSnapshot, now: Double) -> [TopRow] {
    var rows: [TopRow] = []
    var next: [String: Seen] = [:]
    for i in s.interfaces {
      for r in i.peers {
        let p = r.peer
        let key = "\(i.link.index)/\(p.id)"
        var rxRate: Double?
        var txRate: Double?
        var entry = Seen(stats: p.stats, at: now, movedAt: nil, firstAt: now)
        if let old = seen[key] {
          entry.firstAt = old.firstAt
          entry.movedAt = old.movedAt
          let dt = now - old.at
          let reset = p.stats.vpnRxBytes < old.stats.vpnRxBytes || p.stats.vpnTxBytes < old.stats.vpnTxBytes
          if dt > 0 && !reset {
            rxRate = Double(p.stats.vpnRxBytes - old.stats.vpnRxBytes) / dt
            txRate = Double(p.stats.vpnTxBytes - old.stats.vpnTxBytes) / dt
          }
          if p.stats != old.stats { entry.movedAt = now }
        }
        next[key] = entry
        let since = entry.movedAt ?? entry.firstAt
        rows.append(
          TopRow(
            ifname: i.link.name, id: p.id,
            remote: p.remote.map {
              Endpoint(address: $0.address.unmapped, port: $0.port, scopeID: $0.scopeID).description
            },
            rxRate: rxRate, txRate: txRate, rxTotal: p.stats.vpnRxBytes, txTotal: p.stats.vpnTxBytes,
            idle: now - since, idleAtLeast: entry.movedAt == nil))
      }
    }
    seen = next
    return TopRenderer.sorted(rows)
  }
}
