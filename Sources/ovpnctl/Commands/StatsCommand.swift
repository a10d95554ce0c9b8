import DCONetlink

/// `stats [dev NAME] [peer ID]`: per-peer VPN and link counters.
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
    let rows = try PeerListing.select(dev: args.string("dev"), id: id, ctx)
    Terminal.write(PeerRenderer.render(rows, ctx.options, configuration: false))
  }
}
