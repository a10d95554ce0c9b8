import CMnl
import DCONetlink
import Glibc

/// `showconf`, `setconf`, `syncconf`, `up`, `down`: an interface described by
/// a configuration file. Changes are planned as ordinary ovpnctl command
/// lines and run through the dispatcher a batch line goes through.
enum ConfigCommands {
  // MARK: reading the interface

  /// The interface as the kernel reports it; keys are read for the peers
  /// `keysFor` names (nil: every peer).
  static func running(
    _ link: Link, _ codec: any OvpnCodec, _ ctx: Context, keysFor ids: Set<UInt32>?
  ) throws(CommandError) -> (RunningState, complete: Bool) {
    let op = Operation.peerGet(dev: link.name, id: nil)
    var peers = try kernel(op) { () throws(NetlinkError) in try ctx.client.peers(link, codec: codec) }
    var mode = link.mode
    var complete = true
    if codec.kind == .ovpnDCO {
      // ovpn-dco reports no mode, but its dump is empty exactly in p2p mode.
      if !peers.isEmpty {
        mode = .mp
      } else {
        let listed = try PeerListing.list(link, codec, ctx)
        peers = listed.peers
        complete = listed.complete
        if !peers.isEmpty { mode = .p2p }
      }
    }
    var keys: [UInt32: [KeyInfo]]?
    if codec.canReadKeys {
      var found: [UInt32: [KeyInfo]] = [:]
      for p in peers where ids?.contains(p.id) ?? true {
        let kop = Operation.keyGet(dev: link.name, peer: p.id)
        for slot in KeySlot.allCases {
          if let k = try kernel(
            kop,
            { () throws(NetlinkError) in
              try ctx.client.key(link, codec: codec, peerID: p.id, slot: slot)
            })
          {
            found[p.id, default: []].append(k)
          }
        }
      }
      keys = found
    }
    let state = RunningState(kind: codec.kind, mode: mode, mtu: link.mtu, peers: peers, keys: keys)
    return (state, complete)
  }

  struct ShowRequest: CommandRequest, Equatable {
    var dev: String

    static func parse(_ args: Arguments) throws(UsageError) -> ShowRequest {
      ShowRequest(dev: try args.require("dev"))
    }

    func run(_ ctx: Context) throws(CommandError) {
      let (link, codec) = try ctx.ovpnLink(dev, .peerGet(dev: dev, id: nil))
      let (state, complete) = try running(link, codec, ctx, keysFor: nil)
      Terminal.write(ConfigRenderer.render(dev: dev, state, complete: complete))
    }
  }

  // MARK: setconf and syncconf

  struct SetRequest: CommandRequest, Equatable {
    var dev: String
    var path: String

    static func parse(_ args: Arguments) throws(UsageError) -> SetRequest {
      let dev = try args.require("dev")
      guard let path = args.positional else { throw UsageError.missing("FILE") }
      return SetRequest(dev: dev, path: path)
    }

    func run(_ ctx: Context) throws(CommandError) {
      try apply(dev: dev, path: path, rekey: [], ctx, mode: .set)
    }
  }

  struct SyncRequest: CommandRequest, Equatable {
    var dev: String
    var path: String
    /// Key slots to install again although the kernel cannot show them.
    var rekey: [SlotRef]

    static func parse(_ args: Arguments) throws(UsageError) -> SyncRequest {
      let set = try SetRequest.parse(args)
      var rekey: [SlotRef] = []
      for v in args.all("rekey") {
        let id: UInt32 = try Arguments.number(v[0], 0...maxPeerID, what: "a peer id")
        guard Grammar.slots.values.contains(v[1]) else {
          throw UsageError("argument of \"rekey\" must be ID and one of \"primary\", \"secondary\", not \"\(v[1])\"")
        }
        rekey.append(SlotRef(peer: id, slot: v[1] == "primary" ? .primary : .secondary))
      }
      return SyncRequest(dev: set.dev, path: set.path, rekey: rekey)
    }

    func run(_ ctx: Context) throws(CommandError) {
      try apply(dev: dev, path: path, rekey: rekey, ctx, mode: .sync)
    }
  }

  static func apply(
    dev: String, path: String, rekey refs: [SlotRef], _ ctx: Context, mode: ConfigPlanner.Mode
  ) throws(CommandError) {
    let file = try usage { () throws(UsageError) in try ConfigFile.load(path) }
    for r in refs where !file.keys.contains(where: { $0.peer == r.peer && $0.slot == r.slot }) {
      let slot = r.slot == .primary ? "primary" : "secondary"
      throw .usage(UsageError("rekey \(r.peer) \(slot): the file has no \(slot) key for peer \(r.peer)"))
    }
    let rekey = Set(refs)
    let (link, codec) = try ctx.ovpnLink(dev, .peerGet(dev: dev, id: nil))
    let keyed = Set(file.keys.map(\.peer))
    let (state, _) = try running(link, codec, ctx, keysFor: mode == .sync ? keyed : [])
    let plan: ConfigPlanner.Plan
    do throws(ConfigFile.LineError) {
      plan = try ConfigPlanner.plan(file, dev: dev, running: state, mode: mode, rekey: rekey)
    } catch {
      throw .usage(error.usage)
    }
    try PlanRunner.run(plan, dev: dev, ctx)
  }

  // MARK: up and down

  /// The interface a configuration file is for: its name without `.conf`.
  static func interfaceName(_ path: String) throws(UsageError) -> String {
    var name = Substring(path)
    if let slash = name.lastIndex(of: "/") { name = name[name.index(after: slash)...] }
    if name.hasSuffix(".conf") { name = name.dropLast(5) }
    try LinkCommands.validateName(String(name))
    return String(name)
  }

  struct UpRequest: CommandRequest, Equatable {
    var path: String
    /// The interface, named by the file.
    var dev: String

    static func parse(_ args: Arguments) throws(UsageError) -> UpRequest {
      let path = args.positional ?? ""
      return UpRequest(path: path, dev: try interfaceName(path))
    }

    func run(_ ctx: Context) throws(CommandError) { try up(dev: dev, path: path, ctx) }
  }

  static func up(dev: String, path: String, _ ctx: Context) throws(CommandError) {
    let file = try usage { () throws(UsageError) in try ConfigFile.load(path) }
    let exists: Bool
    do throws(NetlinkError) {
      _ = try ctx.client.link(named: dev)
      exists = true
    } catch .noSuchDevice {
      exists = false
    } catch {
      throw .netlink(error, .linkShow)
    }
    if exists { throw .usage(UsageError("\(dev) already exists; ovpnctl down \(dev) first")) }
    let kind: OvpnKind
    if let k = file.interface?.kind {
      kind = k
    } else {
      kind = try kernel(.linkAdd(dev)) { () throws(NetlinkError) in try ctx.client.preferredKind() }
    }
    let mode = ConfigPlanner.mode(file, RunningState(kind: kind, mode: nil, mtu: nil, peers: [], keys: nil))
    let fresh = RunningState(kind: kind, mode: mode, mtu: nil, peers: [], keys: nil)
    var plan = ConfigPlanner.Plan()
    var link = ["link", "add", dev, "type", kind.rawValue, "mode", mode.name]
    if let mtu = file.interface?.mtu { link += ["mtu", String(mtu)] }
    plan.steps.append(link)
    for a in file.addresses { plan.steps.append(["ip", "address", "add", a.address, "dev", dev]) }
    plan.steps.append(["ip", "link", "set", "dev", dev, "up"])
    do throws(ConfigFile.LineError) {
      plan.steps += try ConfigPlanner.plan(file, dev: dev, running: fresh, mode: .set).steps
    } catch {
      throw .usage(error.usage)
    }
    for r in file.routes {
      plan.steps.append(["ip", "route", "add", r.prefix, "dev", dev] + (r.via.map { ["via", $0] } ?? []))
    }
    try PlanRunner.run(plan, dev: dev, ctx, rollback: ["link", "del", dev])
  }

  struct DownRequest: CommandRequest, Equatable {
    var dev: String

    static func parse(_ args: Arguments) throws(UsageError) -> DownRequest {
      DownRequest(dev: try interfaceName(args.positional ?? ""))
    }

    func run(_ ctx: Context) throws(CommandError) { try down(dev, ctx) }
  }

  static func down(_ dev: String, _ ctx: Context) throws(CommandError) {
    let (link, _) = try ctx.ovpnLink(dev, .linkDel(dev))
    var plan = ConfigPlanner.Plan()
    plan.steps.append(["link", "del", dev])
    try PlanRunner.run(plan, dev: dev, ctx)
    if ctx.options.dryRun { return }
    // The keeper leaves once its peers are gone; wait for it so that a
    // following up finds the ports free.
    for _ in 0..<50 {
      guard case .some(.some) = try? KeeperClient.existing(link) else { return }
      usleep(100_000)
    }
  }
}
