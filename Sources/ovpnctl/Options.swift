/// Global options, parsed before the object in the manner of ip(8).
struct Options: Equatable {
  var json = false
  /// Prometheus text exposition instead of text or JSON (-prom[etheus]).
  var prometheus = false
  var pretty = false
  var stats = 0
  var details = false
  var netns: String?
  var force = false
  /// Print the plan of setconf, syncconf, up or down instead of applying it.
  var dryRun = false
  var batch: String?
  /// Receive buffer of the monitor socket in bytes (-rcvbuf), as ip(8) has it.
  var receiveBuffer: Int32?
  var version = false
  var help = false

  /// Parses leading options; returns them and the remaining words.
  /// `--json` and `-json` are the same option; `--` ends the options.
  static func parse(_ argv: [String]) throws(UsageError) -> (Options, [String]) {
    var o = Options()
    var i = 0
    while i < argv.count, argv[i].hasPrefix("-"), argv[i] != "-" {
      var opt = argv[i]
      if opt == "--" {
        i += 1
        break
      }
      if opt.hasPrefix("--") { opt.removeFirst() }
      func value() throws(UsageError) -> String {
        guard i + 1 < argv.count else { throw UsageError("option \"\(opt)\" needs an argument") }
        i += 1
        return argv[i]
      }
      switch opt {
      case "-j", "-json": o.json = true
      case "-p", "-pretty": o.pretty = true
      case "-prom", "-prometheus": o.prometheus = true
      case "-s", "-stats", "-statistics": o.stats += 1
      case "-d", "-details": o.details = true
      case "-n", "-netns": o.netns = try value()
      case "-force": o.force = true
      case "-dry-run": o.dryRun = true
      case "-b", "-batch": o.batch = try value()
      case "-rcvbuf":
        let text = try value()
        o.receiveBuffer = try Arguments.number(text, Int32(1024)...Int32(1 << 30), what: "the receive buffer size (bytes)")
      case "-V", "-Version", "-version": o.version = true
      case "-h", "-help": o.help = true
      default: throw UsageError("option \"\(argv[i])\" is unknown, try \"ovpnctl -help\"")
      }
      i += 1
    }
    if o.json && o.prometheus {
      throw UsageError("options \"-json\" and \"-prometheus\" exclude each other")
    }
    return (o, Array(argv[i...]))
  }
}
