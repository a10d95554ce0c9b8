import DCONetlink

/// `stats [dev NAME] [peer ID] [status FILE]`: per-peer VPN and link counters.
enum StatsCommand {
  static func run(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let id: UInt32?
    do throws(UsageError) { id = try args.peerID("peer") } catch { throw .usage(error) }
    let status = try StatusNames.load(args)
    if ctx.options.prometheus {
      var snapshot = try MetricsCollector.collect(dev: args.string("dev"), peer: id, withPeers: true, ctx)
      if let status { snapshot.name(from: status) }
      var w = PrometheusWriter()
      MetricsRenderer.write(snapshot, peers: true, into: &w)
      MetricsRenderer.output(w)
      return
    }
    try PeerListing.show(dev: args.string("dev"), id: id, configuration: false, status: status, ctx)
  }
}
