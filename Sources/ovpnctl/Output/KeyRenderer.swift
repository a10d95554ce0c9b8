import DCONetlink

/// `key show`: slot, key id and cipher; material never.
enum KeyRenderer {
  static func render(_ link: Link, _ keys: [KeyInfo], _ o: Options) -> String {
    if o.json {
      var w = JSONWriter(pretty: o.pretty)
      w.beginArray()
      for k in keys {
        w.beginObject()
        w.field("ifname", link.name)
        w.field("ifindex", link.index)
        w.field("id", k.peerID)
        w.field("slot", k.slot.name)
        w.field("key-id", k.keyID)
        w.field("cipher", Cipher.fromAlgorithm(k.algorithm))
        w.endObject()
      }
      w.endArray()
      return w.output + "\n"
    }
    var out = ""
    for k in keys {
      out += "peer \(k.peerID) \(k.slot.name): key-id \(k.keyID) "
      out += "cipher \(Cipher.fromAlgorithm(k.algorithm) ?? "unknown (\(k.algorithm))")\n"
    }
    return out
  }
}
