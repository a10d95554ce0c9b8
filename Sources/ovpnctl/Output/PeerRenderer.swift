import DCONetlink

/// `peer show` and `stats`: wg-style blocks for people, one JSON array for scripts.
/// `names` are common names from an OpenVPN status file, by peer id.
enum PeerRenderer {
  static func render(
    _ rows: [(Link, Peer)], _ o: Options, configuration: Bool = true, names: [UInt32: String] = [:]
  ) -> String {
    o.json
      ? json(rows, o, configuration: configuration, names: names)
      : text(rows, configuration: configuration, names: names)
  }

  static func json(
    _ rows: [(Link, Peer)], _ o: Options, configuration: Bool, names: [UInt32: String] = [:]
  ) -> String {
    var w = JSONWriter(pretty: o.pretty)
    w.beginArray()
    for (link, p) in rows {
      w.beginObject()
      w.field("ifname", link.name)
      w.field("ifindex", link.index)
      w.field("id", p.id)
      if let name = names[p.id] { w.field("common-name", name) }
      if configuration { fields(p, &w) }
      counterFields(p.stats, &w)
      w.endObject()
    }
    w.endArray()
    return w.output + "\n"
  }

  /// Configuration keys; absent values are omitted.
  static func fields(_ p: Peer, _ w: inout JSONWriter) {
    if let tx = p.txID { w.field("tx-id", tx) }
    if let r = p.remote {
      let a = r.address.unmapped
      w.field(a.isV4 ? "remote-ipv4" : "remote-ipv6", a.description)
      if a.isV6 && r.scopeID != 0 { w.field("remote-ipv6-scope-id", r.scopeID) }
      w.field("remote-port", r.port)
    }
    if let l = p.localAddress {
      w.field(l.unmapped.isV4 ? "local-ipv4" : "local-ipv6", l.unmapped.description)
    }
    if let port = p.localPort { w.field("local-port", port) }
    if let v4 = p.vpnIPv4 { w.field("vpn-ipv4", v4.description) }
    if let v6 = p.vpnIPv6 { w.field("vpn-ipv6", v6.description) }
    if let i = p.keepaliveInterval { w.field("keepalive-interval", i) }
    if let t = p.keepaliveTimeout { w.field("keepalive-timeout", t) }
    if let n = p.socketNetnsID { w.field("socket-netnsid", n) }
  }

  static func counterFields(_ s: PeerStats, _ w: inout JSONWriter) {
    w.field("vpn-rx-bytes", s.vpnRxBytes)
    w.field("vpn-tx-bytes", s.vpnTxBytes)
    w.field("vpn-rx-packets", s.vpnRxPackets)
    w.field("vpn-tx-packets", s.vpnTxPackets)
    w.field("link-rx-bytes", s.linkRxBytes)
    w.field("link-tx-bytes", s.linkTxBytes)
    w.field("link-rx-packets", s.linkRxPackets)
    w.field("link-tx-packets", s.linkTxPackets)
  }

  static func text(_ rows: [(Link, Peer)], configuration: Bool, names: [UInt32: String] = [:])
    -> String
  {
    var out = ""
    var lastLink: Int32?
    for (link, p) in rows {
      if lastLink != link.index {
        if lastLink != nil { out += "\n" }
        out += "interface: \(link.name)\n"
        lastLink = link.index
      }
      out += "\npeer: \(p.id)\n"
      if let name = names[p.id] { out += "  common-name: \(name)\n" }
      if configuration {
        if let tx = p.txID, tx != p.id { out += "  tx-id: \(tx)\n" }
        if let r = p.remote { out += "  remote: \(r)\n" }
        if p.localAddress != nil || p.localPort != nil {
          let address = p.localAddress?.unmapped
          let port = p.localPort.map(String.init) ?? "?"
          if let address, address.isV6 {
            out += "  local: [\(address)]:\(port)\n"
          } else {
            out += "  local: \(address?.description ?? "*"):\(port)\n"
          }
        }
        let vpn = [p.vpnIPv4, p.vpnIPv6].compactMap { $0?.description }
        if !vpn.isEmpty { out += "  vpn-ip: \(vpn.joined(separator: ", "))\n" }
        if let i = p.keepaliveInterval, let t = p.keepaliveTimeout, i != 0 || t != 0 {
          out += "  keepalive: every \(Format.seconds(i)), timeout \(Format.seconds(t))\n"
        }
      }
      let s = p.stats
      out += "  transfer: \(Format.bytes(s.vpnRxBytes)) received, \(Format.bytes(s.vpnTxBytes)) sent"
      out += " (\(s.vpnRxPackets)/\(s.vpnTxPackets) packets)\n"
      out += "  link: \(Format.bytes(s.linkRxBytes)) received, \(Format.bytes(s.linkTxBytes)) sent"
      out += " (\(s.linkRxPackets)/\(s.linkTxPackets) packets)\n"
    }
    return out
  }
}
