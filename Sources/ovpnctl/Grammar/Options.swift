/// Global options, parsed before the object in the manner of ip(8); their
/// spellings are in Grammar.options.
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
      guard let spec = Grammar.option(opt) else {
        throw UsageError("option \"\(argv[i])\" is unknown, try \"ovpnctl -help\"")
      }
      switch spec.name {
      case .json: o.json = true
      case .pretty: o.pretty = true
      case .prometheus: o.prometheus = true
      case .stats: o.stats += 1
      case .details: o.details = true
      case .netns: o.netns = try value()
      case .force: o.force = true
      case .dryRun: o.dryRun = true
      case .batch: o.batch = try value()
      case .rcvbuf:
        let text = try value()
        o.receiveBuffer = try Arguments.number(
          text, Int32(1024)...Int32(1 << 30), what: "the receive buffer size (bytes)")
      case .version: o.version = true
      case .help: o.help = true
      }
      i += 1
    }
    if o.json && o.prometheus {
      throw UsageError("options \"-json\" and \"-prometheus\" exclude each other")
    }
    return (o, Array(argv[i...]))
  }
}
