import CMnl
import DCONetlink

/// `link add | del | show`: ovpn interfaces over rtnetlink.
enum LinkCommands {
  struct AddRequest: CommandRequest, Equatable {
    var name: String
    var kind: OvpnKind?
    var mode: OvpnMode?
    var mtu: UInt32?

    static func parse(_ args: Arguments) throws(UsageError) -> AddRequest {
      let name = args.positional ?? ""
      try validateName(name)
      return AddRequest(
        name: name, kind: try args.choice("type").flatMap(OvpnKind.init(rawValue:)),
        mode: try args.choice("mode").map { $0 == "mp" ? OvpnMode.mp : OvpnMode.p2p },
        mtu: try args.number("mtu", 68...65535, what: "the MTU"))
    }

    func run(_ ctx: Context) throws(CommandError) {
      ctx.forgetLinks()
      _ = try kernel(.linkAdd(name)) { () throws(NetlinkError) in
        try ctx.client.addLink(name: name, kind: kind, mode: mode, mtu: mtu)
      }
    }
  }

  /// The kernel's dev_valid_name rules, checked before asking it.
  static func validateName(_ name: String) throws(UsageError) {
    let bytes = Array(name.utf8)
    guard !bytes.isEmpty, bytes.count < Int(IFNAMSIZ) else {
      throw .wrong(name, "an interface name has 1 to \(IFNAMSIZ - 1) bytes")
    }
    guard name != ".", name != "..",
      !bytes.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 <= 0x20 })
    else {
      throw .wrong(name, "not a valid interface name")
    }
  }

  struct DeleteRequest: CommandRequest, Equatable {
    var name: String

    static func parse(_ args: Arguments) throws(UsageError) -> DeleteRequest {
      DeleteRequest(name: args.positional ?? "")
    }

    func run(_ ctx: Context) throws(CommandError) {
      let (link, _) = try ctx.ovpnLink(name, .linkDel(name))
      ctx.forgetLinks()
      try kernel(.linkDel(name)) { () throws(NetlinkError) in try ctx.client.deleteLink(index: link.index) }
    }
  }

  struct ShowRequest: CommandRequest, Equatable {
    var name: String?

    static func parse(_ args: Arguments) throws(UsageError) -> ShowRequest {
      ShowRequest(name: args.positional)
    }

    func run(_ ctx: Context) throws(CommandError) {
      if ctx.options.prometheus {
        let snapshot = try MetricsCollector.collect(dev: name, peer: nil, withPeers: false, ctx)
        var w = PrometheusWriter.stdout()
        MetricsRenderer.write(snapshot, peers: false, into: &w)
        MetricsRenderer.output(w)
        return
      }
      var views: [LinkView] = []
      if let name {
        let link = try kernel(.linkShow) { () throws(NetlinkError) in try ctx.client.link(named: name) }
        guard link.ovpnKind != nil else {
          throw .netlink(.notOvpn(name: name, kind: link.kind), .linkShow)
        }
        views.append(view(link, ctx))
      } else {
        let links = try kernel(.linkShow) { () throws(NetlinkError) in try ctx.client.links() }
        views = links.filter { $0.ovpnKind != nil }.map { view($0, ctx) }
      }
      Terminal.write(LinkRenderer.render(views, ctx.options))
    }
  }

  /// Family and peer count are best effort: a link whose module is missing
  /// (or whose peers cannot be listed) shows null rather than failing the listing.
  static func view(_ link: Link, _ ctx: Context) -> LinkView {
    guard let kind = link.ovpnKind, let codec = try? ctx.client.codec(for: kind) else {
      return LinkView(link: link, family: nil, peers: nil)
    }
    let features = ctx.options.details ? try? ctx.client.features(codec) : nil
    return LinkView(
      link: link, family: codec.family, peers: PeerListing.count(link, codec, ctx),
      features: features)
  }
}
