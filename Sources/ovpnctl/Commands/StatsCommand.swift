import DCONetlink

/// `stats [dev NAME] [peer ID] [status FILE]`: per-peer VPN and link counters.
enum StatsCommand {
  static func run(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let id: UInt32?
    do throws(UsageError) { id = try args.peerID("peer") } catch { throw .usage(error) }
    if ctx.options.prometheus {
      let snapshot = try MetricsCollector.collect(dev: args.string("dev"), peer: id, withPeers: true, ctx)
      var w = PrometheusWriter()
      MetricsRenderer.write(snapshot, peers: true, into: &w)
      MetricsRenderer.output(w)
      return
    }
    let status = try StatusNames.load(args)
    try PeerListing.show(dev: args.string("dev"), id: id, configuration: false, status: status, ctx)
  }
}
