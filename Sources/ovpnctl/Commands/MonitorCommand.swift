import CMnl
import DCONetlink
import Glibc

/// `monitor [dev NAME] [status FILE]`: prints the `peers` notifications of
/// both APIs until SIGINT or SIGTERM. Lost notifications (ENOBUFS) are
/// reported and followed by a resync: the current peers of each watched
/// interface. With a status file, each event carries the peer's common name.
enum MonitorCommand {
  struct Request: CommandRequest, Equatable {
    var dev: String?
    /// OpenVPN's status file, read when the request runs and re-read as it changes.
    var status: String?

    static func parse(_ args: Arguments) throws(UsageError) -> Request {
      let request = Request(dev: args.string("dev"), status: args.string("status"))
      try StatusNames.check(status: request.status, dev: request.dev)
      return request
    }

    func run(_ ctx: Context) throws(CommandError) { try monitor(dev, statusPath: status, ctx) }
  }

  static func monitor(_ dev: String?, statusPath: String?, _ ctx: Context) throws(CommandError) {
    var filter: UInt32?
    var watch: StatusWatch?
    let status = try StatusNames.load(statusPath)
    if let dev {
      let (link, codec) = try ctx.ovpnLink(dev, .monitor)
      filter = link.index
      if let status, let path = statusPath {
        watch = StatusWatch(path: path, link: link, codec: codec)
        watch?.update(status, ctx)
      }
    }
    // Every loaded API's peers group (.noKernelSupport when there is none).
    let stream = try kernel(.monitor) { () throws(NetlinkError) in
      try PeerEventStream(client: ctx.client, receiveBuffer: ctx.options.receiveBuffer)
    }

    let signals = try SignalFD.open()
    defer { signals.close() }

    // Names are known up front: a deleted interface's last events arrive
    // after its name is gone.
    var names: [UInt32: String] = [:]
    for (link, _) in (try? ctx.ovpnLinks(nil, .monitor)) ?? [] { names[link.index] = link.name }
    func name(_ index: UInt32) -> String? {
      if let n = names[index] { return n }
      var buf = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
      guard if_indextoname(index, &buf) != nil else { return nil }
      let n = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      names[index] = n
      return n
    }

    while true {
      var fds = [
        pollfd(fd: stream.fileDescriptor, events: Int16(POLLIN), revents: 0),
        pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
      ]
      if poll(&fds, 2, -1) < 0 {
        if cmnl_errno() == EINTR { continue }
        throw .failure("poll: \(errnoDescription(cmnl_errno()))")
      }
      if fds[1].revents != 0 { return }
      guard fds[0].revents != 0 else { continue }
      // A notification that does not parse is reported and skipped: one bad
      // message must not end a monitor that scripts rely on.
      var lost = false
      watch?.refresh(ctx)
      let commonNames = watch?.names ?? [:]
      _ = try kernel(.monitor) { () throws(NetlinkError) in
        try stream.drain(limit: 64) { item in
          switch item {
          case .event(let event):
            if let filter, event.ifindex != filter { return }
            Terminal.write(
              EventRenderer.render(
                event, ifname: name(event.ifindex), ctx.options, commonName: commonNames[event.peerID]))
          case .lost:
            Terminal.write(EventRenderer.lost(ctx.options))
            lost = true
          case .malformed(let error):
            Terminal.err("Warning: skipped a notification: \(ErrorMessages.netlink(error, .monitor)).")
          }
        }
      }
      if lost { resync(filter, ctx) }
      Terminal.flush()
    }
  }

  /// After lost events: the peers each watched interface has now. An
  /// interface that cannot be listed (deleted mid-dump) is reported and
  /// skipped; the monitor goes on.
  static func resync(_ filter: UInt32?, _ ctx: Context) {
    let links: [(Link, any OvpnCodec)]
    do throws(CommandError) {
      links = try ctx.ovpnLinks(nil, .monitor)
    } catch {
      Terminal.err("Warning: resync failed: \(ErrorMessages.describe(error))")
      return
    }
    for (link, codec) in links {
      if let filter, link.index != filter { continue }
      do throws(CommandError) {
        let r = try PeerListing.list(link, codec, ctx)
        Terminal.write(EventRenderer.resync(link, r.peers.map(\.id), complete: r.complete, ctx.options))
      } catch {
        Terminal.err("Warning: resync of \(link.name) failed: \(ErrorMessages.describe(error))")
      }
    }
  }
}
