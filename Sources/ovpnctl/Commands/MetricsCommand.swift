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

  static func serve(_ args: Arguments, _ ctx: Context) throws(CommandError) {
    let (address, port): (IPAddress?, UInt16)
    do throws(UsageError) { (address, port) = try listenAddress(args.string("listen")) } catch {
      throw .usage(error)
    }
    signal(SIGPIPE, SIG_IGN)
    var mask = sigset_t()
    sigemptyset(&mask)
    sigaddset(&mask, SIGINT)
    sigaddset(&mask, SIGTERM)
    sigprocmask(SIG_BLOCK, &mask, nil)
    let signals = signalfd(-1, &mask, Int32(SFD_CLOEXEC))
    guard signals >= 0 else { throw .failure("signalfd: \(errnoDescription(cmnl_errno()))") }
    defer { close(signals) }

    let server = try HTTPServer(address: address, port: port)
    let exporter = try Exporter(ctx)
    let shown = server.localEndpoint.map { "\($0)" } ?? "port \(port)"
    Terminal.err("ovpnctl: serving metrics on http://\(shown)/metrics")

    while true {
      var fds = [
        pollfd(fd: server.listener, events: Int16(POLLIN), revents: 0),
        pollfd(fd: exporter.feed.fileDescriptor, events: Int16(POLLIN), revents: 0),
        pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
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

/// The exporter's state between scrapes: the event subscription, the
/// counters it feeds, and the interface names events are counted under.
final class Exporter {
  let feed: EventFeed
  private(set) var counters = EventCounters()
  private var names: [UInt32: String] = [:]
  private let options: Options

  init(_ ctx: Context) throws(CommandError) {
    options = ctx.options
    feed = try EventFeed(receiveBuffer: ctx.options.receiveBuffer ?? 1 << 20)
    feed.join(ctx.client)
    for (link, _) in (try? ctx.ovpnLinks(nil, .monitor)) ?? [] { learn(link) }
  }

  private func learn(_ link: Link) {
    names[UInt32(link.index)] = link.name
    counters.know(link.name)
  }

  /// The name events of `index` are counted under: the last name seen for
  /// it (a deleted interface's last events arrive after its name is gone).
  private func name(_ index: UInt32) -> String {
    if let n = names[index] { return n }
    var buf = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
    if if_indextoname(index, &buf) != nil {
      let n = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      names[index] = n
      return n
    }
    return "ifindex:\(index)"
  }

  func readEvents() {
    for n in feed.drain({ Terminal.err("Warning: skipped a notification: \($0).") }) {
      switch n {
      case .event(let e): counters.count(e, interface: name(e.ifindex))
      case .lost: counters.countLost()
      }
    }
  }

  func respond(_ r: HTTPRequest) -> HTTPResponse {
    guard r.method == "GET" || r.method == "HEAD" else {
      var e = HTTPResponse.error(.methodNotAllowed)
      e.extraHeaders = ["Allow: GET, HEAD"]
      return e
    }
    var response: HTTPResponse
    switch r.path {
    case "/metrics":
      response = HTTPResponse(
        status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: scrape())
    case "/":
      response = HTTPResponse(status: .ok, body: Array("ovpnctl metrics: see /metrics\n".utf8))
    default:
      response = .error(.notFound)
    }
    response.omitBody = r.method == "HEAD"
    return response
  }

  /// One scrape: events that arrived so far, then a fresh read of the kernel.
  func scrape() -> [UInt8] {
    readEvents()
    let fresh = Context(options: options)
    feed.join(fresh.client)
    var w = PrometheusWriter()
    var ok = true
    do throws(CommandError) {
      let s = try MetricsCollector.collect(dev: nil, peer: nil, withPeers: true, fresh)
      for i in s.interfaces { learn(i.link) }
      MetricsRenderer.write(s, peers: true, into: &w)
    } catch {
      ok = false
      Terminal.err("ovpnctl: scrape failed: \(ErrorMessages.describe(error))")
    }
    MetricsRenderer.write(counters, scrapeSucceeded: ok, into: &w)
    return w.bytes
  }
}
