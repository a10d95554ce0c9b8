import DCONetlink

/// `stats [dev NAME] [peer ID] [status FILE]`: per-peer VPN and link counters.
enum StatsCommand {
  static func run(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let id: UInt32?
    do throws(UsageError) { id = try args.peerID("peer") } catch { throw .usage(error) }
    let status = try StatusNames.load(args)
    let rows = try PeerListing.select(dev: args.string("dev"), id: id, ctx)
    Terminal.write(
      PeerRenderer.render(rows, ctx.options, configuration: false, names: StatusNames.names(rows, status)))
  }
}
