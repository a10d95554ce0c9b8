import DCONetlink

/// `showconf`: the running interface as a configuration file. Everything
/// the kernel reports becomes a statement; what it cannot report is said in
/// comments, so the output is always valid input for setconf and syncconf.
enum ConfigRenderer {
  static func render(dev: String, _ running: RunningState, complete: Bool) -> String {
    var out = "# \(dev): \(running.kind.rawValue) interface (\(running.kind.familyName) API), from ovpnctl showconf\n"
    var interface = ["interface", "kind", running.kind.rawValue]
    if let m = running.mode { interface += ["mode", m.name] }
    if let mtu = running.mtu { interface += ["mtu", String(mtu)] }
    out += ConfigPlanner.line(interface) + "\n"
    if running.mode == nil {
      out += "# mode: ovpn-dco-v2 does not report it, and no peer tells (p2p unless the link was made mp)\n"
    }
    out += "# address and route lines (used by ovpnctl up) are not read back from the kernel\n"
    if !complete {
      out += "# peers: ovpn-dco-v2 cannot list the peers of a p2p interface that ovpnctl did not add\n"
    }
    // Peers on one local port share one socket: bind it as the IPv6 wildcard
    // if any of them speaks IPv6, so that one socket serves them all again.
    var v6Ports: Set<UInt16> = []
    for p in running.peers {
      if let port = p.localPort, let r = p.remote, r.address.unmapped.isV6 { v6Ports.insert(port) }
    }
    for p in running.peers.sorted(by: { $0.id < $1.id }) {
      out += "\n"
      var words = ["peer", "id", String(p.id)]
      if let tx = p.txID, tx != p.id { words += ["tx-id", String(tx)] }
      if let r = p.remote {
        words += ["remote", Endpoint(address: r.address.unmapped, port: r.port, scopeID: r.scopeID).description]
        if let port = p.localPort { words += ["local", v6Ports.contains(port) ? "[::]:\(port)" : ":\(port)"] }
      }
      for a in [p.vpnIPv4, p.vpnIPv6].compactMap({ $0 }) { words += ["vpn-ip", a.description] }
      if let i = p.keepaliveInterval, let t = p.keepaliveTimeout, i != 0 || t != 0 {
        words += ["keepalive", String(i), String(t)]
      }
      if p.remote == nil {
        out += "# transport: no remote reported, so a TCP peer; the kernel does not say whether\n"
        out += "# it connected or listened: complete this line with remote ADDR:PORT or listen [ADDR]:PORT\n"
        out += "# " + ConfigPlanner.line(words + ["proto", "tcp"]) + "\n"
      } else {
        if let l = p.localAddress, !PeerCommands.isWildcard(l) {
          out += "# local address in use: \(l.unmapped) (the kernel does not say whether it was pinned)\n"
        }
        out += ConfigPlanner.line(words) + "\n"
      }
      if let keys = running.keys {
        let mine = (keys[p.id] ?? []).sorted { $0.slot.rawValue < $1.slot.rawValue }
        if mine.isEmpty { out += "# no keys installed\n" }
        for k in mine {
          let cipher = Cipher.fromAlgorithm(k.algorithm) ?? "algorithm-\(k.algorithm)"
          out +=
            "# key peer \(p.id) slot \(k.slot.name) key-id \(k.keyID) cipher \(cipher)"
            + " encrypt FILE decrypt FILE\n"
        }
        if !mine.isEmpty {
          out += "# (the kernel reports neither the key files nor the AES key size)\n"
        }
      } else {
        out += "# keys: the \(running.kind.familyName) API cannot report them\n"
      }
    }
    return out
  }
}
