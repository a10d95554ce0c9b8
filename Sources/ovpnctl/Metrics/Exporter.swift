import CMnl
import DCONetlink
import Glibc

/// The exporter's state between scrapes: the event subscription, the
/// counters it feeds, and the interface names events are counted under.
final class Exporter {
  let feed: PeerEventStream
  private(set) var counters = EventCounters()
  private var names: [UInt32: String] = [:]
  private let options: Options

  init(_ ctx: Context) throws(CommandError) {
    options = ctx.options
    feed = try kernel(.monitor) { () throws(NetlinkError) in
      try PeerEventStream(codecs: [], receiveBuffer: ctx.options.receiveBuffer ?? 1 << 20)
    }
    join(ctx.client)
    for (link, _) in (try? ctx.ovpnLinks(nil, .monitor)) ?? [] { learn(link) }
  }

  private func learn(_ link: Link) {
    names[link.index] = link.name
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

  /// Joins the families not joined yet: a module loaded after the start is
  /// picked up at the next scrape.
  private func join(_ client: DCOClient) {
    for kind in OvpnKind.allCases {
      guard let codec = try? client.codec(for: kind) else { continue }
      _ = try? feed.join(codec)
    }
  }

  /// Counts what has arrived, without waiting; at most 4096 datagrams, so a
  /// flood of events cannot hold the endpoint.
  func readEvents() {
    do throws(NetlinkError) {
      try feed.drain(limit: 4096) { item in
        switch item {
        case .event(let e): counters.count(e, interface: name(e.ifindex))
        case .lost: counters.countLost()
        case .malformed(let error):
          Terminal.err("Warning: skipped a notification: \(ErrorMessages.netlink(error, .monitor)).")
        }
      }
    } catch {
      Terminal.err("Warning: reading events: \(ErrorMessages.netlink(error, .monitor)).")
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
    join(fresh.client)
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
