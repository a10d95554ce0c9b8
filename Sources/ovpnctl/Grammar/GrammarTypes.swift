/// The shapes of the command grammar. The tables themselves are in
/// Grammar.swift; the parser (Arguments, Options), the router, the help
/// text, the completion data (CompletionBlock) and the man page check all
/// read them.

/// A named set of literal values (`slot { primary | secondary }`).
struct Choice: Equatable, Sendable {
  /// The name the completion data refers to it by (`@slot`).
  let name: String
  let values: [String]
}

/// What a keyword's value is: what the parser expects and what a shell
/// completes there.
enum ValueKind: Equatable, Sendable {
  /// An existing interface.
  case interface
  /// A name that does not exist yet (link add NAME).
  case newName
  /// An existing peer's id.
  case peerID
  /// A peer id that is being given out (peer add id, tx-id).
  case newPeerID
  /// A key id, 0..7.
  case keyID
  case endpoint
  case localEndpoint
  case address
  case number
  case choice(Choice)
  case file
  /// A network namespace name (ip netns).
  case netns

  /// The kind's name in the completion data (see completions/ovpnctl.bash).
  var completionName: String {
    switch self {
    case .interface: "ifname"
    case .newName: "newname"
    case .peerID: "peerid"
    case .newPeerID: "newid"
    case .keyID: "keyid"
    case .endpoint: "endpoint"
    case .localEndpoint: "local"
    case .address: "addr"
    case .number: "num"
    case .choice(let c): "@" + c.name
    case .file: "file"
    case .netns: "netns"
    }
  }
}

/// One value that follows a keyword, or a command's positional value.
struct ValueSpec: Sendable {
  /// The placeholder in usage text: NAME, ID, ADDR:PORT, …
  let metavar: String
  let kind: ValueKind
}

/// A keyword of a command and the values that follow it.
struct KeywordSpec: Sendable {
  let name: String
  /// In order: `keepalive INTERVAL TIMEOUT` takes two.
  let values: [ValueSpec]
  /// It may be given more than once (`vpn-ip`, `rekey`).
  var repeatable = false
}

/// Two keywords that a command refuses together, and what it says then.
struct Conflict: Sendable {
  let keyword: String
  let other: String
  let message: String
}

/// A rule between keywords, checked by Arguments before any value is read.
enum Rule: Sendable {
  case conflict(Conflict)
  /// `keyword` needs `other` with the value `value`.
  case requires(keyword: String, other: String, value: String, message: String)

  static func conflict(_ keyword: String, _ other: String, _ message: String) -> Rule {
    .conflict(Conflict(keyword: keyword, other: other, message: message))
  }
}

/// What follows the verb of a command, or the first word of a
/// configuration statement: an optional positional value and keywords.
struct Syntax: Sendable {
  /// The object whose help an error points to (`try "ovpnctl peer help"`).
  let object: String
  /// A positional value (link NAME), before or after the keywords.
  var positional: ValueSpec? = nil
  var positionalRequired = false
  let keywords: [KeywordSpec]
  /// Checked by Arguments before any value is read, in this order: the
  /// first that is broken is the error.
  var rules: [Rule] = []

  func keyword(_ name: String) -> KeywordSpec? { keywordIndex(name).map { keywords[$0] } }
  func keywordIndex(_ name: String) -> Int? { keywords.firstIndex { $0.name == name } }

  var conflicts: [Conflict] {
    rules.compactMap { if case .conflict(let c) = $0 { c } else { nil } }
  }
}

/// A command line parsed and checked without the kernel or any file: a
/// value, unit-tested as such. Running it is the only step that acts.
protocol CommandRequest: Sendable {
  static func parse(_ args: Arguments) throws(UsageError) -> Self
  func run(_ ctx: Context) throws(CommandError)
}

/// One command of the grammar: its words, its request, and what it allows.
/// A class: the router and a batch pass it around for every line.
final class CommandSpec: Sendable {
  typealias Parser = @Sendable (Arguments) throws(UsageError) -> any CommandRequest

  let object: String
  /// The verb; "" for objects that take keywords directly (stats, monitor).
  let verb: String
  let aliases: [String]
  let syntax: Syntax
  /// Makes the command's request from its checked words.
  let parse: Parser
  /// It honours -prometheus.
  let prometheus: Bool
  /// It plans its changes, so it honours -dry-run.
  let plans: Bool

  init(
    _ object: String, _ verb: String, aliases: [String] = [], positional: ValueSpec? = nil,
    positionalRequired: Bool = false, keywords: [KeywordSpec] = [], rules: [Rule] = [],
    prometheus: Bool = false, plans: Bool = false, request: (some CommandRequest).Type
  ) {
    self.object = object
    self.verb = verb
    self.aliases = aliases
    self.syntax = Syntax(
      object: object, positional: positional, positionalRequired: positionalRequired,
      keywords: keywords, rules: rules)
    self.parse = { (args) throws(UsageError) -> any CommandRequest in try request.parse(args) }
    self.prometheus = prometheus
    self.plans = plans
  }

  /// The request for `args`; the one place a usage error becomes a
  /// command error.
  func request(_ args: Arguments) throws(CommandError) -> any CommandRequest {
    do throws(UsageError) { return try parse(args) } catch { throw .usage(error) }
  }

  var positional: ValueSpec? { syntax.positional }
  var positionalRequired: Bool { syntax.positionalRequired }
  var keywords: [KeywordSpec] { syntax.keywords }
  func keyword(_ name: String) -> KeywordSpec? { syntax.keyword(name) }

  /// The command's key in the completion data: `object:verb`, `-` for none.
  var key: String { "\(object):\(verb.isEmpty ? "-" : verb)" }
}

struct ObjectSpec: Sendable {
  let name: String
  let commands: [CommandSpec]
  /// The grammar as printed by `ovpnctl OBJECT help`.
  let usage: String

  func command(_ verb: String) -> CommandSpec? {
    commands.first { $0.verb == verb || $0.aliases.contains(verb) }
  }
}

/// A global option (before the object, as in ip(8)).
struct OptionSpec: Sendable {
  enum Name: Sendable {
    case json, pretty, prometheus, stats, details, netns, force, dryRun, batch, rcvbuf, version,
      help
  }
  let name: Name
  /// Every spelling, the short one first; each also with two dashes.
  let spellings: [String]
  /// The kind of the option's value, if it takes one.
  var value: ValueKind? = nil
}
