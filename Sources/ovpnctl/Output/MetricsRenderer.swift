import CMnl
import DCONetlink
import Glibc

/// The metric families of ovpnctl's Prometheus exposition (see OUTPUT in
/// ovpnctl(8)): per-peer counters, per-interface counters and peer counts,
/// and, for the endpoint, event counters and whether the kernel was read.
enum MetricsRenderer {
  struct PeerCounter: Sendable {
    let name: String
    let help: String
    let value: @Sendable (PeerStats) -> UInt64
  }

  static let peerCounters: [PeerCounter] = [
    .init(
      name: "ovpn_peer_vpn_rx_bytes_total", help: "Bytes received from the peer, tunnel side (decrypted; vpn-rx-bytes)."
    ) { $0.vpnRxBytes },
    .init(
      name: "ovpn_peer_vpn_tx_bytes_total",
      help: "Bytes sent to the peer, tunnel side (before encryption; vpn-tx-bytes)."
    ) { $0.vpnTxBytes },
    .init(name: "ovpn_peer_vpn_rx_packets_total", help: "Packets received from the peer, tunnel side (vpn-rx-packets).")
    { $0.vpnRxPackets },
    .init(name: "ovpn_peer_vpn_tx_packets_total", help: "Packets sent to the peer, tunnel side (vpn-tx-packets).") {
      $0.vpnTxPackets
    },
    .init(
      name: "ovpn_peer_link_rx_bytes_total",
      help: "Bytes received from the peer on its transport (encrypted; link-rx-bytes)."
    ) { $0.linkRxBytes },
    .init(
      name: "ovpn_peer_link_tx_bytes_total", help: "Bytes sent to the peer on its transport (encrypted; link-tx-bytes)."
    ) { $0.linkTxBytes },
    .init(
      name: "ovpn_peer_link_rx_packets_total",
      help: "Packets received from the peer on its transport (link-rx-packets)."
    ) { $0.linkRxPackets },
    .init(name: "ovpn_peer_link_tx_packets_total", help: "Packets sent to the peer on its transport (link-tx-packets).")
    { $0.linkTxPackets },
  ]

  /// Interface counters from IFLA_STATS64: the ones `ip -s link` shows first.
  static let interfaceCounters: [(LinkStats.Field, String, String)] = [
    (.rxBytes, "ovpn_interface_rx_bytes_total", "Bytes received by the interface (IFLA_STATS64 rx_bytes)."),
    (.rxPackets, "ovpn_interface_rx_packets_total", "Packets received by the interface (rx_packets)."),
    (.rxErrors, "ovpn_interface_rx_errors_total", "Receive errors of the interface (rx_errors)."),
    (.rxDropped, "ovpn_interface_rx_dropped_total", "Received packets the interface dropped (rx_dropped)."),
    (.txBytes, "ovpn_interface_tx_bytes_total", "Bytes sent by the interface (tx_bytes)."),
    (.txPackets, "ovpn_interface_tx_packets_total", "Packets sent by the interface (tx_packets)."),
    (.txErrors, "ovpn_interface_tx_errors_total", "Transmit errors of the interface (tx_errors)."),
    (.txDropped, "ovpn_interface_tx_dropped_total", "Packets to send that the interface dropped (tx_dropped)."),
  ]

  /// A peer's labels: interface, peer id and what is known of it.
  static func labels(_ link: Link, _ row: MetricsSnapshot.PeerRow) -> PrometheusWriter.Labels {
    let p = row.peer
    return PrometheusWriter.Labels([
      ("interface", link.name), ("peer_id", String(p.id)),
      (
        "remote",
        p.remote.map { Endpoint(address: $0.address.unmapped, port: $0.port, scopeID: $0.scopeID).description }
      ),
      ("vpn_ipv4", p.vpnIPv4?.description), ("vpn_ipv6", p.vpnIPv6?.description),
      ("common_name", row.commonName),
    ])
  }

  static func interfaceLabels(_ link: Link) -> PrometheusWriter.Labels {
    PrometheusWriter.Labels([("interface", link.name), ("kind", link.kind)])
  }

  /// Peer counters, interface counters and peer counts of a snapshot.
  static func write(_ s: MetricsSnapshot, peers: Bool, into w: inout PrometheusWriter) {
    let rows = s.interfaces.flatMap { i in i.peers.map { (i.link, $0) } }
    if peers && !rows.isEmpty {
      let peerLabels = rows.map { labels($0.0, $0.1) }
      for c in peerCounters {
        w.family(c.name, .counter, help: c.help)
        for (i, row) in rows.enumerated() { w.sample(peerLabels[i], c.value(row.1.peer.stats)) }
      }
    }
    let counted = s.interfaces.filter { $0.peerCount != nil }
    if !counted.isEmpty {
      w.family("ovpn_interface_peers", .gauge, help: "Peers the interface has now.")
      for i in counted { w.sample(interfaceLabels(i.link), UInt64(i.peerCount!)) }
    }
    let withStats = s.interfaces.filter { $0.link.stats != nil }
    guard !withStats.isEmpty else { return }
    let linkLabels = withStats.map { interfaceLabels($0.link) }
    for (field, name, help) in interfaceCounters {
      w.family(name, .counter, help: help)
      for (n, i) in withStats.enumerated() { w.sample(linkLabels[n], i.link.stats?[field] ?? 0) }
    }
  }

  /// The endpoint's own families: events since it started, and whether this
  /// scrape could read the kernel.
  static func write(_ e: EventCounters, scrapeSucceeded: Bool, into w: inout PrometheusWriter) {
    let names = e.interfaces
    if !names.isEmpty { perInterface(e, names, into: &w) }
    w.family(
      "ovpn_lost_events_total", .counter,
      help: "Times the kernel dropped notifications because the exporter's socket was full (ENOBUFS).")
    w.sample(.none, e.lost)
    w.family("ovpnctl_scrape_success", .gauge, help: "1 if this scrape read the kernel, else 0.")
    w.sample(.none, scrapeSucceeded ? 1 : 0)
  }

  private static func perInterface(_ e: EventCounters, _ names: [String], into w: inout PrometheusWriter) {
    w.family(
      "ovpn_peer_del_events_total", .counter,
      help: "peer-del notifications seen since the exporter started, by interface and reason.")
    for i in names {
      let counts = e.peerDel[i] ?? [:]
      let reasons = EventCounters.reasons + counts.keys.filter { !EventCounters.reasons.contains($0) }.sorted()
      for r in reasons { w.sample(.init([("interface", i), ("reason", r)]), counts[r] ?? 0) }
    }
    w.family(
      "ovpn_key_swap_events_total", .counter,
      help: "key-swap notifications seen since the exporter started (a key ran out of packet ids).")
    for i in names { w.sample(.init([("interface", i)]), e.keySwap[i] ?? 0) }
    w.family(
      "ovpn_peer_float_events_total", .counter,
      help: "peer-float notifications seen since the exporter started (Linux 7.1 and later).")
    for i in names { w.sample(.init([("interface", i)]), e.peerFloat[i] ?? 0) }
  }

  /// Writes an exposition (or what a stdout writer has left) to standard output.
  static func output(_ w: PrometheusWriter) {
    w.bytes.withUnsafeBufferPointer { b in _ = fwrite(b.baseAddress, 1, b.count, cmnl_stdout()) }
    Terminal.flush()
  }
}
