import DCONetlink

/// Finds a command line's entry in the grammar table and runs its handler.
enum Router {
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
    if let error = optionError(spec, context.options) { throw .usage(error) }
    try spec.request(args).run(context)
  }

  /// What the global options refuse for `spec`, if anything (a batch asks
  /// too, before a line joins its window).
  static func optionError(_ spec: CommandSpec, _ options: Options) -> UsageError? {
    guard options.prometheus && !spec.prometheus else { return nil }
    return UsageError("option \"-prometheus\" applies to stats and link show only")
  }
}
