import DCONetlink
import Testing

@testable import ovpnctl

@Suite("Prometheus exposition writer")
struct PrometheusWriterTests {
  @Test(arguments: [
    ("plain", "plain"), ("a\\b", "a\\\\b"), ("say \"hi\"", "say \\\"hi\\\""), ("two\nlines", "two\\nlines"),
    ("\\\"\n", "\\\\\\\"\\n"), ("tab\tstays", "tab\tstays"), ("ünïcode", "ünïcode"),
  ])
  func labelValuesAreEscaped(raw: String, escaped: String) {
    var w = PrometheusWriter()
    w.family("x_total", .counter, help: "h")
    w.sample(.init([("name", raw)]), 1)
    #expect(w.text == "# HELP x_total h\n# TYPE x_total counter\nx_total{name=\"\(escaped)\"} 1\n")
  }

  @Test func helpEscapesBackslashAndNewlineButNotQuotes() {
    var w = PrometheusWriter()
    w.family("g", .gauge, help: "a \\ b\nc \"d\"")
    #expect(w.text == "# HELP g a \\\\ b\\nc \"d\"\n# TYPE g gauge\n")
  }

  @Test(arguments: [
    ("ovpn_peer_vpn_rx_bytes_total", true), ("a:b_c", true), ("_x", true), (":x", true), ("x9", true),
    ("9x", false), ("", false), ("a-b", false), ("a b", false), ("a.b", false), ("é", false),
  ])
  func metricNames(name: String, valid: Bool) {
    #expect(PrometheusWriter.isValidMetricName(name) == valid)
  }

  @Test(arguments: [
    ("interface", true), ("peer_id", true), ("_x", true), ("x9", true),
    ("__reserved", false), ("a:b", false), ("9x", false), ("", false), ("a-b", false),
  ])
  func labelNames(name: String, valid: Bool) {
    #expect(PrometheusWriter.isValidLabelName(name) == valid)
  }

  @Test func absentLabelsAreLeftOutAndEmptySetsHaveNoBraces() {
    var w = PrometheusWriter()
    w.family("n", .gauge, help: "h")
    w.sample(.init([("a", "1"), ("b", nil), ("c", "3")]), 0)
    w.sample(.none, 18_446_744_073_709_551_615)
    #expect(w.text.hasSuffix("n{a=\"1\",c=\"3\"} 0\nn 18446744073709551615\n"))
  }

  @Test(arguments: [0, 7, 10, 99, 100, 1_234_567_890, UInt64.max])
  func decimals(v: UInt64) {
    var out: [UInt8] = [UInt8(ascii: "x")]
    PrometheusWriter.appendDecimal(v, to: &out)
    #expect(String(decoding: out, as: UTF8.self) == "x\(v)")
  }
}

@Suite("Metric families of a snapshot")
struct MetricsRendererTests {
  static var snapshot: MetricsSnapshot {
    var link = Fixture.tun0
    link.stats = LinkStats(
      rxPackets: 1, txPackets: 2, rxBytes: 3, txBytes: 4, rxErrors: 5, txErrors: 6, rxDropped: 7, txDropped: 8)
    var odd = Fixture.fullPeer
    odd.id = 9
    odd.remote = Endpoint(address: IPAddress("::ffff:192.0.2.9")!, port: 1194)
    odd.vpnIPv6 = nil
    return MetricsSnapshot(interfaces: [
      .init(link: link, peers: [.init(peer: Fixture.fullPeer), .init(peer: odd, commonName: "c\"n\\1")], peerCount: 2),
      .init(link: Fixture.tun1, peers: [], peerCount: nil),
    ])
  }

  @Test func everyPeerCounterWithItsLabels() {
    var w = PrometheusWriter()
    MetricsRenderer.write(Self.snapshot, peers: true, into: &w)
    let lines = w.text.split(separator: "\n").map(String.init)
    let p1 = "{interface=\"tun0\",peer_id=\"1\",remote=\"192.0.2.1:1194\",vpn_ipv4=\"10.8.0.2\",vpn_ipv6=\"fd00::2\"}"
    // v4-mapped remotes read as IPv4; the common name is escaped.
    let p9 =
      "{interface=\"tun0\",peer_id=\"9\",remote=\"192.0.2.9:1194\",vpn_ipv4=\"10.8.0.2\",common_name=\"c\\\"n\\\\1\"}"
    #expect(lines.contains("ovpn_peer_vpn_rx_bytes_total\(p1) 1536"))
    #expect(lines.contains("ovpn_peer_vpn_tx_bytes_total\(p1) 2097152"))
    #expect(lines.contains("ovpn_peer_link_tx_bytes_total\(p9) 1023"))
    #expect(lines.contains("ovpn_peer_link_tx_packets_total\(p1) 6"))
    #expect(lines.filter { $0.hasPrefix("# TYPE ovpn_peer_") }.count == 8)
    #expect(lines.contains("ovpn_interface_peers{interface=\"tun0\",kind=\"ovpn\"} 2"))
    // tun1's count is unknown: no sample rather than a made-up 0.
    #expect(!lines.contains { $0.hasPrefix("ovpn_interface_peers{interface=\"tun1\"") })
    #expect(lines.contains("ovpn_interface_rx_dropped_total{interface=\"tun0\",kind=\"ovpn\"} 7"))
    #expect(lines.contains("ovpn_interface_tx_bytes_total{interface=\"tun0\",kind=\"ovpn\"} 4"))
    // Each family's samples follow its TYPE line without interruption.
    var seen: Set<String> = []
    var current = ""
    for l in lines {
      if l.hasPrefix("# TYPE ") {
        current = String(l.split(separator: " ")[2])
        #expect(seen.insert(current).inserted)
      } else if !l.hasPrefix("#") {
        #expect(l.hasPrefix(current + "{") || l.hasPrefix(current + " "))
      }
    }
  }

  @Test func statusFileNamesLabelThePeers() throws {
    var s = Self.snapshot
    s.name(from: try StatusFile.parse(StatusFixtures.sampleV2))
    var w = PrometheusWriter()
    MetricsRenderer.write(s, peers: true, into: &w)
    let p1 =
      "{interface=\"tun0\",peer_id=\"1\",remote=\"192.0.2.1:1194\",vpn_ipv4=\"10.8.0.2\",vpn_ipv6=\"fd00::2\",common_name=\"bob\"}"
    #expect(w.text.contains("ovpn_peer_vpn_rx_bytes_total\(p1) 1536\n"))
    // Peer 9 is not in the file: its name is gone, not left from before.
    #expect(!w.text.contains("common_name=\"c"))
  }

  @Test func chunkedWriterWritesTheSameBytes() {
    var rows: [MetricsSnapshot.PeerRow] = []
    for i in 0..<2000 {
      var p = Fixture.fullPeer
      p.id = UInt32(i)
      rows.append(.init(peer: p))
    }
    let s = MetricsSnapshot(interfaces: [.init(link: Fixture.tun0, peers: rows, peerCount: rows.count)])
    var whole = PrometheusWriter()
    MetricsRenderer.write(s, peers: true, into: &whole)
    var out: [UInt8] = []
    var flushes = 0
    var chunked = PrometheusWriter(chunk: 4096) { b in
      out += b
      flushes += 1
    }
    MetricsRenderer.write(s, peers: true, into: &chunked)
    #expect(chunked.bytes.count < 4096 + 512)
    chunked.flush()
    #expect(flushes > whole.bytes.count / 8192)
    #expect(out == whole.bytes)
  }

  @Test func linkShowHasNoPeerFamilies() {
    var w = PrometheusWriter()
    MetricsRenderer.write(Self.snapshot, peers: false, into: &w)
    #expect(!w.text.contains("ovpn_peer_"))
    #expect(w.text.contains("ovpn_interface_peers{"))
  }

  @Test func eventCountersStartAtZeroForKnownInterfaces() {
    var e = EventCounters()
    e.know("tun0")
    var w = PrometheusWriter()
    MetricsRenderer.write(e, scrapeSucceeded: true, into: &w)
    #expect(w.text.contains("ovpn_peer_del_events_total{interface=\"tun0\",reason=\"userspace\"} 0\n"))
    #expect(w.text.contains("ovpn_key_swap_events_total{interface=\"tun0\"} 0\n"))
    e.count(.peerDeleted(ifindex: 5, peerID: 1, reason: .userspace), interface: "tun0")
    e.count(.peerDeleted(ifindex: 5, peerID: 2, reason: nil), interface: "tun0")
    e.count(.keySwap(ifindex: 7, peerID: 1, keyID: 2), interface: "ifindex:7")
    e.countLost()
    w = PrometheusWriter()
    MetricsRenderer.write(e, scrapeSucceeded: false, into: &w)
    #expect(w.text.contains("ovpn_peer_del_events_total{interface=\"tun0\",reason=\"userspace\"} 1\n"))
    #expect(w.text.contains("ovpn_peer_del_events_total{interface=\"tun0\",reason=\"unknown\"} 1\n"))
    #expect(w.text.contains("ovpn_key_swap_events_total{interface=\"ifindex:7\"} 1\n"))
    #expect(w.text.contains("ovpn_lost_events_total 1\n"))
    #expect(w.text.contains("ovpnctl_scrape_success 0\n"))
  }

  @Test func interfaceLabelsAreCapped() {
    var e = EventCounters()
    for i in 0..<(EventCounters.maxInterfaces + 5) {
      e.count(.keySwap(ifindex: UInt32(i), peerID: 1, keyID: 0), interface: "if\(i)")
    }
    #expect(e.interfaces.count == EventCounters.maxInterfaces)
    #expect(e.keySwap[EventCounters.otherInterface] == 5)
  }
}
