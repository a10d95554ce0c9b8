import CMnl
import DCONetlink
import Glibc

/// `metrics serve [listen ADDR:PORT]`: a Prometheus endpoint. Every scrape
/// of /metrics reads the kernel afresh (with a new client, so modules and
/// interfaces that came or went since are seen); in between, the process
/// counts the `peers` notifications. SIGINT or SIGTERM ends it, status 0.
enum MetricsCommand {
  static let defaultPort: UInt16 = 9176
  static let defaultAddress = IPAddress("127.0.0.1")!

  /// `[ADDR]:PORT`, `ADDR:PORT`, `:PORT` (every address) or `ADDR`.
  static func listenAddress(_ text: String?) throws(UsageError) -> (IPAddress?, UInt16) {
    guard let text else { return (defaultAddress, defaultPort) }
    if text.hasPrefix(":"), let port = UInt16(text.dropFirst()) { return (nil, port) }
    if let a = IPAddress(text) { return (a, defaultPort) }
    guard let e = Endpoint(parsing: text), e.scopeID == 0 else {
      throw .wrong(text, "expected [ADDR]:PORT, e.g. 127.0.0.1:9176, [::1]:9176 or :9176")
    }
    return (e.address, e.port)
  }

  struct Request: CommandRequest, Equatable {
    /// nil: every address.
    var address: IPAddress?
    var port: UInt16

    static func parse(_ args: Arguments) throws(UsageError) -> Request {
      let (address, port) = try listenAddress(args.string("listen"))
      return Request(address: address, port: port)
    }

    func run(_ ctx: Context) throws(CommandError) { try serve(address, port, ctx) }
  }

  static func serve(_ address: IPAddress?, _ port: UInt16, _ ctx: Context) throws(CommandError) {
    signal(SIGPIPE, SIG_IGN)
    let signals = try SignalFD.open()
    defer { signals.close() }

    let server = try HTTPServer(address: address, port: port)
    let exporter = try Exporter(ctx)
    let shown = server.localEndpoint.map { "\($0)" } ?? "port \(port)"
    Terminal.err("ovpnctl: serving metrics on http://\(shown)/metrics")

    while true {
      var fds = [
        pollfd(fd: server.listener, events: Int16(POLLIN), revents: 0),
        pollfd(fd: exporter.feed.fileDescriptor, events: Int16(POLLIN), revents: 0),
        pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
      ]
      if poll(&fds, 3, -1) < 0 {
        if cmnl_errno() == EINTR { continue }
        throw .failure("poll: \(errnoDescription(cmnl_errno()))")
      }
      if fds[2].revents != 0 { return }
      if fds[1].revents != 0 { exporter.readEvents() }
      if fds[0].revents != 0 {
        let outcome = server.serveOne(exporter.respond)
        if case .served(let status) = outcome, status != .ok {
          Terminal.err("ovpnctl: refused a request: \(status.rawValue) \(status.reason)")
        }
      }
    }
  }
}
