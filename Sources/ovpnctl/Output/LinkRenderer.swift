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
        w.field("rx-bytes", s.rxBytes)
        w.field("rx-packets", s.rxPackets)
        w.field("rx-errors", s.rxErrors)
        w.field("rx-dropped", s.rxDropped)
        w.field("tx-bytes", s.txBytes)
        w.field("tx-packets", s.txPackets)
        w.field("tx-errors", s.txErrors)
        w.field("tx-dropped", s.txDropped)
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
      if o.stats > 0, let s = v.link.stats {
        out += "  rx: \(Format.bytes(s.rxBytes)), \(s.rxPackets) packets"
        out += ", \(s.rxErrors) errors, \(s.rxDropped) dropped\n"
        out += "  tx: \(Format.bytes(s.txBytes)), \(s.txPackets) packets"
        out += ", \(s.txErrors) errors, \(s.txDropped) dropped\n"
      }
    }
    return out
  }
}
