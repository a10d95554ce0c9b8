import DCONetlink

struct LinkView {
  var link: Link
  /// The generic netlink family that serves it, if loaded.
  var family: GenlFamily?
  /// Peer count, or nil where the kernel cannot say.
  var peers: Int?
  /// The module's optional features (with -d), from its policy.
  var features: OvpnFeatures? = nil
}

/// `link show` for people (wg-style blocks) and as JSON.
enum LinkRenderer {
  static func render(_ views: [LinkView], _ o: Options) -> String {
    o.json ? json(views, o) : text(views, o)
  }

  static func json(_ views: [LinkView], _ o: Options) -> String {
    var w = JSONWriter(pretty: o.pretty)
    w.beginArray()
    for v in views {
      w.beginObject()
      w.field("ifname", v.link.name)
      w.field("ifindex", v.link.index)
      w.field("kind", v.link.kind)
      w.field("family", v.family?.name)
      w.field("mode", v.link.mode?.name)
      w.field("mtu", v.link.mtu)
      w.field("up", v.link.isUp)
      w.field("peers", v.peers)
      if o.details {
        w.field("operstate", v.link.operState.map(operState))
        w.field("family-id", v.family?.id)
        w.field("family-version", v.family?.version)
        w.field("peers-group", v.family?.multicastGroups["peers"])
        if let f = v.features {
          w.beginArray("features")
          for name in f.names { w.value(name) }
          w.endArray()
        }
      }
      if o.stats > 0, let s = v.link.stats {
        w.beginObject("stats")
        for (f, value) in jsonOrder(s) { w.field(named: f.name, value) }
        w.endObject()
      }
      w.endObject()
    }
    w.endArray()
    return w.output + "\n"
  }

  /// RFC 2863 operational states as iproute2 names them.
  static func operState(_ s: UInt8) -> String {
    let names = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"]
    return Int(s) < names.count ? names[Int(s)] : "\(s)"
  }

  static func text(_ views: [LinkView], _ o: Options) -> String {
    var out = ""
    for (i, v) in views.enumerated() {
      if i > 0 { out += "\n" }
      out += "interface: \(v.link.name)\n"
      out += "  index: \(v.link.index)\n"
      out += "  kind: \(v.link.kind ?? "unknown")"
      out += v.family.map { " (family \($0.name))\n" } ?? " (module not loaded)\n"
      out += "  mode: \(v.link.mode?.name ?? "unknown (not reported by this kind)")\n"
      if let mtu = v.link.mtu { out += "  mtu: \(mtu)\n" }
      out += "  state: \(v.link.isUp ? "up" : "down")\n"
      out += "  peers: \(v.peers.map(String.init) ?? "unknown")\n"
      if o.details {
        out += "  operstate: \(v.link.operState.map(operState) ?? "unknown")\n"
        if let f = v.family {
          let group = f.multicastGroups["peers"].map { ", peers group \($0)" } ?? ""
          out += "  family: \(f.name) id \(f.id) version \(f.version)\(group)\n"
        }
        if let f = v.features {
          out += "  features: \(f.names.isEmpty ? "none" : f.names.joined(separator: ", "))\n"
        }
      }
      if o.stats > 0, let s = v.link.stats { out += statsTable(s, detail: o.stats > 1) }
    }
    return out
  }

  /// The eight basic counters first (rx, then tx), then the others in the
  /// kernel's order: the keys of the JSON `stats` object.
  static func jsonOrder(_ s: LinkStats) -> [(LinkStats.Field, UInt64)] {
    let first: [LinkStats.Field] = [
      .rxBytes, .rxPackets, .rxErrors, .rxDropped, .txBytes, .txPackets, .txErrors, .txDropped,
    ]
    let rest = s.reported.filter { !first.contains($0.0) }
    return first.map { ($0, s[$0] ?? 0) } + rest
  }

  /// The counters as `ip -s link` lays them out: a row of names over a row
  /// of numbers, each column as wide as its widest cell; with -s -s, the
  /// error breakdown too. Counters this kernel does not report are left out.
  static func statsTable(_ s: LinkStats, detail: Bool) -> String {
    typealias Column = (String, LinkStats.Field)
    var rows: [(String, [Column])] = [
      (
        "RX:",
        [
          ("bytes", .rxBytes), ("packets", .rxPackets), ("errors", .rxErrors), ("dropped", .rxDropped),
          ("missed", .rxMissedErrors), ("mcast", .multicast), ("nohandler", .rxNohandler),
          ("otherhost", .rxOtherhostDropped),
        ]
      ),
      (
        "TX:",
        [
          ("bytes", .txBytes), ("packets", .txPackets), ("errors", .txErrors), ("dropped", .txDropped),
          ("carrier", .txCarrierErrors), ("collsns", .collisions),
        ]
      ),
    ]
    if detail {
      rows.append(
        (
          "RX errors:",
          [
            ("length", .rxLengthErrors), ("crc", .rxCRCErrors), ("frame", .rxFrameErrors),
            ("fifo", .rxFIFOErrors), ("overrun", .rxOverErrors),
          ]
        ))
      rows.append(
        (
          "TX errors:",
          [
            ("aborted", .txAbortedErrors), ("fifo", .txFIFOErrors), ("window", .txWindowErrors),
            ("heartbt", .txHeartbeatErrors),
          ]
        ))
    }
    let labelWidth = rows.map(\.0.count).max() ?? 0
    var out = ""
    for (label, columns) in rows {
      let cells = columns.compactMap { c in s[c.1].map { (c.0, String($0)) } }
      guard !cells.isEmpty else { continue }
      var names = "  " + label + String(repeating: " ", count: labelWidth - label.count)
      var values = "  " + String(repeating: " ", count: labelWidth)
      for (name, value) in cells {
        let w = max(name.count, value.count)
        names += " " + String(repeating: " ", count: w - name.count) + name
        values += " " + String(repeating: " ", count: w - value.count) + value
      }
      out += names + "\n" + values + "\n"
    }
    return out
  }
}
