import CMnl
import DCONetlink

/// `peer show` and `stats`: wg-style blocks for people, one JSON array for
/// scripts. Peers are rendered one at a time, as the dump delivers them,
/// straight into one output buffer: `begin`, `add` for each peer, `end`.
/// `commonName` names a peer from an OpenVPN status file (`status FILE`).
struct PeerRenderer {
  let json: Bool
  /// Whether to show configuration (peer show) or identity and counters only (stats).
  let configuration: Bool
  /// -d: also the attributes this version does not know, by number.
  let details: Bool
  private var w: JSONWriter
  private var lastLink: UInt32?
  private let commonName: (Peer) -> String?

  init(
    _ o: Options, configuration: Bool = true, into buffer: OutputBuffer = OutputBuffer(),
    commonName: @escaping (Peer) -> String? = { _ in nil }
  ) {
    json = o.json
    self.configuration = configuration
    details = o.details
    self.commonName = commonName
    w = JSONWriter(pretty: o.pretty, into: buffer)
  }

  /// The whole output for `rows` as one String (tests, small outputs);
  /// `names` are common names by peer id.
  static func render(
    _ rows: [(Link, Peer)], _ o: Options, configuration: Bool = true, names: [UInt32: String] = [:]
  ) -> String {
    var r = PeerRenderer(o, configuration: configuration) { names[$0.id] }
    r.begin()
    for (link, p) in rows { r.add(link, p) }
    r.end()
    return r.output
  }

  /// What has been rendered and not flushed.
  var output: String { w.output }

  mutating func begin() {
    if json { w.beginArray() }
  }

  mutating func add(_ link: Link, _ p: Peer) {
    if json { addJSON(link, p) } else { addText(link, p) }
    w.flushIfFull()
  }

  mutating func end() {
    if json {
      w.endArray()
      w.raw("\n")
    }
  }

  /// Writes whatever is buffered to stdout.
  mutating func flush() { w.flush() }

  private mutating func addJSON(_ link: Link, _ p: Peer) {
    w.beginObject()
    w.field("ifname", link.name)
    w.field("ifindex", link.index)
    w.field("id", p.id)
    if let name = commonName(p) { w.field("common-name", name) }
    if configuration { configurationFields(p) }
    let s = p.stats
    w.field("vpn-rx-bytes", s.vpnRxBytes)
    w.field("vpn-tx-bytes", s.vpnTxBytes)
    w.field("vpn-rx-packets", s.vpnRxPackets)
    w.field("vpn-tx-packets", s.vpnTxPackets)
    w.field("link-rx-bytes", s.linkRxBytes)
    w.field("link-tx-bytes", s.linkTxBytes)
    w.field("link-rx-packets", s.linkRxPackets)
    w.field("link-tx-packets", s.linkTxPackets)
    if details && !p.unknownAttributes.isEmpty {
      w.beginArray("unknown-attributes")
      for u in p.unknownAttributes {
        w.beginObject()
        w.field("type", u.type)
        w.field("length", u.length)
        w.endObject()
      }
      w.endArray()
    }
    w.endObject()
  }

  /// Configuration keys; absent values are omitted.
  private mutating func configurationFields(_ p: Peer) {
    if let tx = p.txID { w.field("tx-id", tx) }
    if let r = p.remote {
      let a = r.address.unmapped
      w.field(a.isV4 ? "remote-ipv4" : "remote-ipv6", address: a)
      if a.isV6 && r.scopeID != 0 { w.field("remote-ipv6-scope-id", r.scopeID) }
      w.field("remote-port", r.port)
    }
    if let l = p.localAddress {
      let a = l.unmapped
      w.field(a.isV4 ? "local-ipv4" : "local-ipv6", address: a)
    }
    if let port = p.localPort { w.field("local-port", port) }
    if let v4 = p.vpnIPv4 { w.field("vpn-ipv4", address: v4) }
    if let v6 = p.vpnIPv6 { w.field("vpn-ipv6", address: v6) }
    if let i = p.keepaliveInterval { w.field("keepalive-interval", i) }
    if let t = p.keepaliveTimeout { w.field("keepalive-timeout", t) }
    if let n = p.socketNetnsID { w.field("socket-netnsid", n) }
  }

  private mutating func addText(_ link: Link, _ p: Peer) {
    if lastLink != link.index {
      if lastLink != nil { w.buffer.append("\n") }
      w.buffer.append("interface: ")
      w.buffer.append(link.name)
      w.buffer.append("\n")
      lastLink = link.index
    }
    w.buffer.append("\npeer: ")
    w.buffer.append(p.id)
    w.buffer.append("\n")
    if let name = commonName(p) {
      w.buffer.append("  common-name: ")
      w.buffer.append(name)
      w.buffer.append("\n")
    }
    if configuration { configurationText(p) }
    let s = p.stats
    w.buffer.append("  transfer: ")
    traffic(s.vpnRxBytes, s.vpnTxBytes, s.vpnRxPackets, s.vpnTxPackets)
    w.buffer.append("  link: ")
    traffic(s.linkRxBytes, s.linkTxBytes, s.linkRxPackets, s.linkTxPackets)
    if details {
      for u in p.unknownAttributes {
        w.buffer.append("  attr ")
        w.buffer.append(u.type)
        w.buffer.append(": ")
        w.buffer.append(u.length)
        w.buffer.append(u.length == 1 ? " byte\n" : " bytes\n")
      }
    }
  }

  /// "1.50 KiB received, 2.00 MiB sent (3/4 packets)\n"
  private mutating func traffic(_ rx: UInt64, _ tx: UInt64, _ rxPackets: UInt64, _ txPackets: UInt64) {
    Format.appendBytes(rx, to: &w.buffer)
    w.buffer.append(" received, ")
    Format.appendBytes(tx, to: &w.buffer)
    w.buffer.append(" sent (")
    w.buffer.appendDecimal(rxPackets)
    w.buffer.append("/")
    w.buffer.appendDecimal(txPackets)
    w.buffer.append(" packets)\n")
  }

  /// An IPv6 zone as people write it: the interface's name where this
  /// namespace has one with that index, else the index.
  static func zone(_ index: UInt32) -> String {
    var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
    guard if_indextoname(index, &name) != nil else { return String(index) }
    return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private mutating func configurationText(_ p: Peer) {
    if let tx = p.txID, tx != p.id {
      w.buffer.append("  tx-id: ")
      w.buffer.append(tx)
      w.buffer.append("\n")
    }
    if let r = p.remote {
      // `192.0.2.1:1194`, `[2001:db8::1]:1194`, `[fe80::1%2]:1194`
      w.buffer.append("  remote: ")
      if r.address.isV4 {
        w.buffer.append(r.address)
      } else {
        w.buffer.append("[")
        w.buffer.append(r.address)
        if r.scopeID != 0 {
          w.buffer.append("%")
          w.buffer.append(Self.zone(r.scopeID))
        }
        w.buffer.append("]")
      }
      w.buffer.append(":")
      w.buffer.append(r.port)
      w.buffer.append("\n")
    }
    if p.localAddress != nil || p.localPort != nil {
      w.buffer.append("  local: ")
      if let a = p.localAddress?.unmapped {
        if a.isV6 {
          w.buffer.append("[")
          w.buffer.append(a)
          w.buffer.append("]")
        } else {
          w.buffer.append(a)
        }
      } else {
        w.buffer.append("*")
      }
      w.buffer.append(":")
      if let port = p.localPort { w.buffer.append(port) } else { w.buffer.append("?") }
      w.buffer.append("\n")
    }
    if p.vpnIPv4 != nil || p.vpnIPv6 != nil {
      w.buffer.append("  vpn-ip: ")
      if let v4 = p.vpnIPv4 {
        w.buffer.append(v4)
        if p.vpnIPv6 != nil { w.buffer.append(", ") }
      }
      if let v6 = p.vpnIPv6 { w.buffer.append(v6) }
      w.buffer.append("\n")
    }
    if let n = p.socketNetnsID {
      w.buffer.append("  socket-netnsid: ")
      w.buffer.append(n)
      w.buffer.append("\n")
    }
    if let i = p.keepaliveInterval, let t = p.keepaliveTimeout, i != 0 || t != 0 {
      w.buffer.append("  keepalive: every ")
      Format.appendSeconds(i, to: &w.buffer)
      w.buffer.append(", timeout ")
      Format.appendSeconds(t, to: &w.buffer)
      w.buffer.append("\n")
    }
  }
}
