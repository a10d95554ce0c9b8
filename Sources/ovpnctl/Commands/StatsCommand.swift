import DCONetlink

/// `stats [dev NAME] [peer ID] [status FILE]`: per-peer VPN and link counters.
enum StatsCommand {
  struct Request: CommandRequest, Equatable {
    var dev: String?
    var peer: UInt32?
    /// OpenVPN's status file, read when the request runs.
    var status: String?

    static func parse(_ args: Arguments) throws(UsageError) -> Request {
      let request = Request(
        dev: args.string("dev"), peer: try args.peerID("peer"), status: args.string("status"))
      try StatusNames.check(status: request.status, dev: request.dev)
      return request
    }

    func run(_ ctx: Context) throws(CommandError) {
      let names = try StatusNames.load(status)
      if ctx.options.prometheus {
        var snapshot = try MetricsCollector.collect(dev: dev, peer: peer, withPeers: true, ctx)
        if let names { snapshot.name(from: names) }
        var w = PrometheusWriter.stdout()
        MetricsRenderer.write(snapshot, peers: true, into: &w)
        MetricsRenderer.output(w)
        return
      }
      try PeerListing.show(dev: dev, id: peer, configuration: false, status: names, ctx)
    }
  }
}
