import DCONetlink

/// `monitor` lines: one JSON object per event with -j, else one text line.
/// `commonName` comes from an OpenVPN status file (`monitor status FILE`).
enum EventRenderer {
  static func render(_ e: OvpnEvent, ifname: String?, _ o: Options, commonName: String? = nil)
    -> String
  {
    if o.json {
      var w = JSONWriter(pretty: false)
      w.beginObject()
      switch e {
      case .peerDeleted(let i, let id, let reason):
        head(&w, "peer-del", ifname, i, id, commonName)
        if let reason { w.field("reason", reason.name) }
      case .keySwap(let i, let id, let keyID):
        head(&w, "key-swap", ifname, i, id, commonName)
        w.field("key-id", keyID)
      case .peerFloat(let i, let id, let remote):
        head(&w, "peer-float", ifname, i, id, commonName)
        if let r = remote {
          let a = r.address.unmapped
          w.field(a.isV4 ? "remote-ipv4" : "remote-ipv6", a.description)
          w.field("remote-port", r.port)
        }
      }
      w.endObject()
      return w.output + "\n"
    }
    let dev = ifname ?? "ifindex \(e.ifindex)"
    let name = commonName.map { " common-name \($0)" } ?? ""
    switch e {
    case .peerDeleted(_, let id, let reason):
      return "peer-del dev \(dev) id \(id)\(name) reason \(reason?.name ?? "unknown")\n"
    case .keySwap(_, let id, let keyID):
      return "key-swap dev \(dev) id \(id)\(name) key-id \(keyID)\n"
    case .peerFloat(_, let id, let remote):
      return "peer-float dev \(dev) id \(id)\(name) remote \(remote?.description ?? "unknown")\n"
    }
  }

  private static func head(
    _ w: inout JSONWriter, _ event: String, _ ifname: String?, _ i: UInt32, _ id: UInt32,
    _ commonName: String?
  ) {
    w.field("event", event)
    w.field("ifname", ifname)
    w.field("ifindex", i)
    w.field("id", id)
    if let commonName { w.field("common-name", commonName) }
  }

  static func lost(_ o: Options) -> String {
    o.json
      ? "{\"event\":\"lost-events\"}\n"
      : "lost-events: the kernel dropped notifications (receive buffer full); resynchronising\n"
  }

  static func resync(_ link: Link, _ ids: [UInt32], complete: Bool, _ o: Options) -> String {
    if o.json {
      var w = JSONWriter(pretty: false)
      w.beginObject()
      w.field("event", "resync")
      w.field("ifname", link.name)
      w.field("ifindex", link.index)
      w.beginArray("peers")
      for id in ids { w.value(id) }
      w.endArray()
      if !complete { w.field("complete", false) }
      w.endObject()
      return w.output + "\n"
    }
    let list = ids.isEmpty ? "none" : ids.map(String.init).joined(separator: " ")
    return "resync dev \(link.name) peers \(list)\(complete ? "" : " (incomplete)")\n"
  }
}
