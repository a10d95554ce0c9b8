import CMnl
import DCONetlink
import Glibc

/// `top [dev NAME] [interval SECS] [count N]`: per-peer rates, refreshed
/// every interval. On a terminal it redraws one screen in place (plain ANSI
/// codes, alternate screen) until `q`, SIGINT or SIGTERM, and restores the
/// terminal; otherwise it prints one block per interval, `count` of them.
enum TopCommand {
  struct Request: CommandRequest, Equatable {
    var dev: String?
    /// Seconds between samples.
    var interval: Int
    /// Blocks to print without a terminal; nil: until stopped.
    var count: Int?

    static func parse(_ args: Arguments) throws(UsageError) -> Request {
      Request(
        dev: args.string("dev"),
        interval: try args.number("interval", 1...3600, what: "the interval (seconds)") ?? 2,
        count: try args.number("count", 1...Int(Int32.max), what: "the count"))
    }

    func run(_ ctx: Context) throws(CommandError) { try top(dev, interval, count, ctx) }
  }

  static func top(_ dev: String?, _ interval: Int, _ count: Int?, _ ctx: Context) throws(CommandError) {
    if ctx.options.json || ctx.options.prometheus {
      throw .usage(UsageError("top prints for people only; use -j stats or -prometheus stats"))
    }
    if let dev { _ = try ctx.ovpnLink(dev, .peerGet(dev: dev, id: nil)) }

    let signals = try SignalFD.open([SIGINT, SIGTERM, SIGWINCH])
    defer { signals.close() }

    let screen = isatty(1) == 1 ? TerminalScreen() : nil
    defer { screen?.restore() }
    var tracker = TopTracker()
    var printed = 0
    var next = HTTPServer.now()
    var rows: [TopRow] = []
    var problem: String?

    func sample() {
      do throws(CommandError) {
        let s = try MetricsCollector.collect(dev: dev, peer: nil, withPeers: true, ctx)
        rows = tracker.update(s, now: Double(HTTPServer.now()) / 1000)
        problem = nil
      } catch {
        problem = ErrorMessages.describe(error)
      }
    }
    func draw() {
      guard let screen else { return }
      let (h, w) = screen.size()
      Terminal.write(TopRenderer.screen(rows, time: clock(), interval: interval, error: problem, width: w, height: h))
      Terminal.flush()
    }

    // The first sample starts the rates; a terminal shows its totals at once.
    sample()
    draw()
    next += Int64(interval) * 1000
    while true {
      let wait = max(next - HTTPServer.now(), 0)
      var fds = [
        pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
        pollfd(fd: screen?.readsKeys == true ? 0 : -1, events: Int16(POLLIN), revents: 0),
      ]
      if poll(&fds, 2, Int32(wait)) < 0 && cmnl_errno() != EINTR {
        throw .failure("poll: \(errnoDescription(cmnl_errno()))")
      }
      if fds[0].revents != 0 {
        var info = signalfd_siginfo()
        _ = read(signals.fd, &info, MemoryLayout<signalfd_siginfo>.size)
        if info.ssi_signo != UInt32(SIGWINCH) { return }
        draw()
      }
      if fds[1].revents != 0 {
        var key: UInt8 = 0
        let n = read(0, &key, 1)
        if n == 0 || key == UInt8(ascii: "q") || key == UInt8(ascii: "Q") { return }
      }
      guard HTTPServer.now() >= next else { continue }
      next += Int64(interval) * 1000
      if HTTPServer.now() > next { next = HTTPServer.now() + Int64(interval) * 1000 }
      sample()
      if screen != nil {
        draw()
      } else {
        Terminal.write(TopRenderer.block(rows, time: clock(), interval: interval, error: problem))
        Terminal.flush()
        printed += 1
        if let count, printed >= count { return }
      }
    }
  }

  /// The wall-clock time, UTC: "2026-12-01 21:40:05 UTC".
  static func clock() -> String {
    var t = time(nil)
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
  }
}

/// The terminal while the live view owns it: no echo, no line buffering
/// (signals still work), the alternate screen, the cursor hidden. Undone
/// exactly once by `restore`.
final class TerminalScreen {
  private var saved = termios()
  private var hasSaved = false
  private var restored = false
  /// Whether keys can be read (standard input is the terminal).
  var readsKeys: Bool { hasSaved }

  init() {
    if isatty(0) == 1, tcgetattr(0, &saved) == 0 {
      hasSaved = true
      var raw = saved
      raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
      withUnsafeMutableBytes(of: &raw.c_cc) { cc in
        cc[Int(VMIN)] = 1
        cc[Int(VTIME)] = 0
      }
      _ = tcsetattr(0, TCSANOW, &raw)
    }
    Terminal.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    Terminal.flush()
  }

  /// Rows and columns (24×80 when the terminal does not say).
  func size() -> (Int, Int) {
    var rows: UInt16 = 0
    var cols: UInt16 = 0
    guard cmnl_window_size(1, &rows, &cols) == 0, rows > 0, cols > 0 else { return (24, 80) }
    return (Int(rows), Int(cols))
  }

  func restore() {
    guard !restored else { return }
    restored = true
    Terminal.write("\u{1B}[?25h\u{1B}[?1049l")
    Terminal.flush()
    if hasSaved { _ = tcsetattr(0, TCSANOW, &saved) }
  }

  deinit { restore() }
}
