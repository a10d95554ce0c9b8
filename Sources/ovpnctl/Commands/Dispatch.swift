import DCONetlink

/// Object → command dispatch. Each handler receives the words after its verb.
enum Dispatch {
  typealias Handler = (Arguments, Context) throws(CommandError) -> Void

  static func handler(_ spec: CommandSpec) -> Handler {
    switch (spec.object, spec.verb) {
    case ("link", "add"): return LinkCommands.add
    case ("link", "del"): return LinkCommands.delete
    case ("link", "show"): return LinkCommands.show
    case ("peer", "add"): return PeerCommands.add
    case ("peer", "set"): return PeerCommands.set
    case ("peer", "del"): return PeerCommands.delete
    case ("peer", "show"): return PeerCommands.show
    case ("key", "add"): return KeyCommands.add
    case ("key", "swap"): return KeyCommands.swap
    case ("key", "del"): return KeyCommands.delete
    case ("key", "show"): return KeyCommands.show
    case ("key", "generate"): return KeyCommands.generate
    case ("stats", _): return StatsCommand.run
    case ("monitor", _): return MonitorCommand.run
    case ("metrics", "serve"): return MetricsCommand.serve
    case ("top", _): return TopCommand.run
    case ("showconf", _): return ConfigCommands.showconf
    case ("setconf", _): return ConfigCommands.setconf
    case ("syncconf", _): return ConfigCommands.syncconf
    case ("up", _): return ConfigCommands.up
    case ("down", _): return ConfigCommands.down
    default: preconditionFailure("no handler for \(spec.object) \(spec.verb)")
    }
  }

  /// Parses `OBJECT [COMMAND] KEYWORDS…`. Returns nil for help requests
  /// after printing the help text.
  static func parse(_ words: [String]) throws(UsageError) -> (CommandSpec, Arguments)? {
    guard let first = words.first else {
      Terminal.out(Grammar.mainUsage)
      return nil
    }
    if first == "help" {
      Terminal.out(Grammar.mainUsage)
      return nil
    }
    guard let object = Grammar.object(first) else {
      throw UsageError("object \"\(first)\" is unknown, try \"ovpnctl help\"")
    }
    var rest = Array(words.dropFirst())
    if rest.first == "help" || (rest.isEmpty && object.commands.first?.verb != "") {
      Terminal.out(object.usage)
      return nil
    }
    let spec: CommandSpec
    if let only = object.commands.first, only.verb == "" {
      spec = only
      if let w = rest.first, only.aliases.contains(w) { rest.removeFirst() }
    } else {
      guard let verb = rest.first, let s = object.command(verb) else {
        throw UsageError("command \"\(rest[0])\" is unknown, try \"ovpnctl \(object.name) help\"")
      }
      spec = s
      rest.removeFirst()
    }
    if rest == ["help"] {
      Terminal.out(object.usage)
      return nil
    }
    return (spec, try Arguments(rest, spec: spec))
  }

  /// Parses and runs one command line (after the global options).
  static func run(_ words: [String], _ context: Context) throws(CommandError) {
    let parsed: (CommandSpec, Arguments)?
    do throws(UsageError) {
      parsed = try parse(words)
    } catch {
      throw .usage(error)
    }
    guard let (spec, args) = parsed else { return }
    if context.options.prometheus && !["stats", "link:show", "metrics"].contains(
      spec.object == "link" ? "link:\(spec.verb)" : spec.object)
    {
      throw .usage(UsageError("option \"-prometheus\" applies to stats and link show only"))
    }
    try handler(spec)(args, context)
  }
}
