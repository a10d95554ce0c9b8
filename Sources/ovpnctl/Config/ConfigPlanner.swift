import DCONetlink

/// What the kernel says about an interface, as the planner needs it.
struct RunningState: Equatable {
  var kind: OvpnKind
  /// Nil where the kernel cannot say (ovpn-dco reports no mode) and the peers do not tell.
  var mode: OvpnMode?
  var mtu: UInt32?
  var peers: [Peer]
  /// Keys by peer id, for the peers the planner may keep; nil where the API cannot read keys.
  var keys: [UInt32: [KeyInfo]]?
}

/// A (peer, slot) whose key `syncconf … rekey ID SLOT` installs whatever the kernel reports.
struct SlotRef: Hashable {
  var peer: UInt32
  var slot: KeySlot
}

/// Old state + file → the ordinary ovpnctl command lines that turn one into
/// the other. Pure: no kernel, no files. The executor runs these lines
/// through the same dispatcher as a batch line, and -dry-run prints them.
enum ConfigPlanner {
  enum Mode { case set, sync }

  struct Plan: Equatable {
    var steps: [[String]] = []
    /// What the plan leaves alone and why (printed to stderr).
    var notes: [String] = []
  }

  /// The mode the file is planned for: the running interface's, else the file's.
  static func mode(_ file: ConfigFile, _ running: RunningState) -> OvpnMode {
    running.mode ?? file.interface?.mode ?? (file.peers.count > 1 ? .mp : .p2p)
  }

  /// Checks the file against what the interface is: a mismatch names the
  /// file's line, and nothing is applied.
  static func check(_ file: ConfigFile, _ running: RunningState) throws(ConfigFile.LineError) {
    func fail(_ line: Int, _ m: String) -> ConfigFile.LineError {
      ConfigFile.LineError(path: file.path, line: line, message: m)
    }
    if let i = file.interface {
      if let k = i.kind, k != running.kind {
        throw fail(i.line, "the file says kind \(k.rawValue), the interface is \(running.kind.rawValue)")
      }
      if let m = i.mode, let have = running.mode, m != have {
        throw fail(i.line, "the file says mode \(m.name), the interface is \(have.name)")
      }
    }
    let mode = mode(file, running)
    if mode == .p2p, file.peers.count > 1 {
      throw fail(file.peers[1].line, "a p2p interface has one peer; this is the second")
    }
    for p in file.peers {
      let c = p.request.config
      let hasVPN = c.vpnIPv4 != nil || c.vpnIPv6 != nil
      if mode == .mp, !hasVPN { throw fail(p.line, "a peer of an mp interface needs a vpn-ip") }
      if mode == .p2p, hasVPN, running.kind == .ovpn {
        throw fail(p.line, "the ovpn API takes no vpn-ip for the peer of a p2p interface")
      }
      if c.txID != nil, running.kind == .ovpnDCO {
        throw fail(p.line, "tx-id needs the upstream ovpn API; ovpn-dco-v2 has no transmit id")
      }
    }
  }

  static func plan(
    _ file: ConfigFile, dev: String, running: RunningState, mode planMode: Mode,
    rekey: Set<SlotRef> = []
  ) throws(ConfigFile.LineError) -> Plan {
    try check(file, running)
    var plan = Plan()
    let mp = mode(file, running) == .mp
    let have = Dictionary(running.peers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    if let mtu = file.interface?.mtu, let now = running.mtu, mtu != now {
      plan.notes.append(
        "\(dev) has mtu \(now), the file says \(mtu): left as it is (ip link set dev \(dev) mtu \(mtu))")
    }

    func add(_ p: ConfigFile.PeerEntry) {
      plan.steps.append(["peer", "add", "dev", dev] + p.words)
      for k in file.keys(of: p.id) { plan.steps.append(["key", "add", "dev", dev] + k.words) }
    }
    func replace(_ p: ConfigFile.PeerEntry) {
      // A p2p interface replaces its peer on add; an mp one refuses a duplicate id.
      if mp { plan.steps.append(["peer", "del", "dev", dev, "id", String(p.id)]) }
      add(p)
    }

    // New peers first: they join the transport sockets the kept peers hold.
    for p in file.peers where have[p.id] == nil { add(p) }
    var untouchedKeys = 0
    for p in file.peers {
      guard let old = have[p.id] else { continue }
      if planMode == .set {
        replace(p)
        continue
      }
      switch change(p.request, old, kind: running.kind) {
      case .replace:
        replace(p)
        continue
      case .set(let words):
        plan.steps.append(["peer", "set", "dev", dev, "id", String(p.id)] + words)
      case .none:
        break
      }
      var reported = running.keys?[p.id]
      let mine = file.keys(of: p.id)
      // The file's primary key is the kernel's secondary: swap, never
      // install it again (that would restart its nonces with the same key).
      if let r = reported, let wantPrimary = mine.first(where: { $0.slot == .primary }),
        let secondary = r.first(where: { $0.slot == .secondary }), same(wantPrimary, secondary),
        !rekey.contains(SlotRef(peer: p.id, slot: .primary))
      {
        plan.steps.append(["key", "swap", "dev", dev, "peer", String(p.id)])
        reported = r.map {
          var k = $0
          k.slot = k.slot == .primary ? .secondary : .primary
          return k
        }
      }
      for k in mine {
        let forced = rekey.contains(SlotRef(peer: p.id, slot: k.slot))
        var differs = false
        if let reported {
          let current = reported.first { $0.slot == k.slot }
          differs = current.map { !same(k, $0) } ?? true
        } else if !forced {
          untouchedKeys += 1
        }
        if forced || differs { plan.steps.append(["key", "add", "dev", dev] + k.words) }
      }
    }
    if untouchedKeys > 0 {
      plan.notes.append(
        "the \(running.kind.familyName) API cannot report keys: \(untouchedKeys) key line(s) of kept "
          + "peers left as installed (syncconf … rekey ID SLOT installs one)")
    }
    // Peers the file does not name go last. On p2p a new peer has replaced the old one already.
    let wanted = Set(file.peers.map(\.id))
    for old in running.peers.sorted(by: { $0.id < $1.id }) where !wanted.contains(old.id) {
      if !mp && !file.peers.isEmpty { continue }
      plan.steps.append(["peer", "del", "dev", dev, "id", String(old.id)])
    }
    return plan
  }

  enum Change: Equatable {
    case none
    /// `peer set` words after `id ID`.
    case set([String])
    case replace
  }

  /// How a kept peer becomes what the file says: nothing, a `peer set`, or
  /// delete and add again where the API cannot change the attribute.
  static func change(_ want: PeerCommands.AddRequest, _ have: Peer, kind: OvpnKind) -> Change {
    let c = want.config
    let upstream = kind == .ovpn
    var words: [String] = []
    switch want.socketSource {
    case .udp(let bind):
      guard let remote = have.remote else { return .replace }  // a TCP peer now
      if let port = have.localPort, port != bind.port { return .replace }
      if let pinned = c.localAddress, let l = have.localAddress, l.unmapped != pinned.unmapped {
        return .replace
      }
      if let r = c.remote, !sameEndpoint(r, remote) {
        guard upstream else { return .replace }
        words += ["remote", r.description]
      }
    case .tcpConnect, .tcpListen:
      // Upstream TCP peers report no remote; ovpn-dco cannot tell TCP from UDP.
      if upstream, have.remote != nil { return .replace }
    case .descriptor:
      return .replace
    }
    if c.vpnIPv4 != have.vpnIPv4 || c.vpnIPv6 != have.vpnIPv6 {
      // peer set can change a vpn IP, not remove one.
      let removes = (c.vpnIPv4 == nil && have.vpnIPv4 != nil) || (c.vpnIPv6 == nil && have.vpnIPv6 != nil)
      guard upstream, !removes else { return .replace }
      for a in [c.vpnIPv4, c.vpnIPv6].compactMap({ $0 }) { words += ["vpn-ip", a.description] }
    }
    let wantKeepalive = (c.keepaliveInterval ?? 0, c.keepaliveTimeout ?? 0)
    let haveKeepalive = (have.keepaliveInterval ?? 0, have.keepaliveTimeout ?? 0)
    if wantKeepalive != haveKeepalive {
      words += ["keepalive", String(wantKeepalive.0), String(wantKeepalive.1)]
    }
    if (c.txID ?? c.id) != (have.txID ?? have.id) {
      guard upstream else { return .replace }
      words += ["tx-id", String(c.txID ?? c.id)]
    }
    return words.isEmpty ? .none : .set(words)
  }

  /// A key line and a reported key agree as far as the kernel can tell.
  static func same(_ k: ConfigFile.KeyEntry, _ info: KeyInfo) -> Bool {
    info.keyID == UInt32(k.keyID) && info.algorithm == k.cipher.algorithm
  }

  static func sameEndpoint(_ a: Endpoint, _ b: Endpoint) -> Bool {
    let x = a.address.unmapped
    let y = b.address.unmapped
    return x == y && a.port == b.port && (x.isV4 || a.scopeID == b.scopeID)
  }

  /// One command line as -batch reads it back: words quoted where needed.
  static func line(_ words: [String]) -> String {
    words.map(quote).joined(separator: " ")
  }

  static func quote(_ w: String) -> String {
    let special = w.isEmpty || w.unicodeScalars.contains { " \t\"'#\r\n".unicodeScalars.contains($0) }
    guard special else { return w }
    return w.contains("'") ? "\"\(w)\"" : "'\(w)'"
  }
}
