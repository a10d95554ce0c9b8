import DCONetlink

/// `stats [dev NAME] [peer ID] [status FILE]`: per-peer VPN and link counters.
enum StatsCommand {
  struct Request: CommandRequest, Equatable {
    var peers: PeerSelection

    static func parse(_ args: Arguments) throws(UsageError) -> Request {
      Request(peers: try PeerSelection.parse(args, id: "peer"))
    }

    func run(_ ctx: Context) throws(CommandError) {
      let (dev, peer) = (peers.dev, peers.id)
      let names = try StatusNames.load(peers.status)
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
