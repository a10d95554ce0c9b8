import Glibc
import Testing

@testable import ovpnctl

// The man page and the three shell completions are written by hand; these
// tests hold them to the parser's tables (Grammar.swift) in both directions:
// everything the parser accepts is documented and completed, and every
// keyword the documents or completions name is accepted by the real parser.

/// The package root: this file is Tests/ovpnctlTests/DocsDriftTests.swift.
/// (No Foundation here: its Dispatch module and CMnl disagree about fd_set.)
private let root: String = {
  var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)
  return parts.joined(separator: "/")
}()

struct ReadError: Error, CustomStringConvertible {
  let description: String
}

private func read(_ path: String) throws -> String {
  guard let f = fopen(root + "/" + path, "r") else {
    throw ReadError(description: "cannot open \(root)/\(path)")
  }
  defer { fclose(f) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&chunk, 1, chunk.count, f)
    if n <= 0 { break }
    bytes += chunk[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

private func trimmed(_ s: some StringProtocol) -> String {
  String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
}

private let completionFiles = [
  "completions/ovpnctl.bash", "completions/_ovpnctl", "completions/ovpnctl.fish",
]

// MARK: - The completions' grammar block

/// The data block every completion script carries between
/// `# >>> ovpnctl grammar` and `# <<< ovpnctl grammar` (format described at
/// the top of completions/ovpnctl.bash).
struct CompletionGrammar {
  struct Keyword: Equatable {
    var name: String
    var repeatable: Bool
    var kinds: [String]
  }
  struct Command {
    var positional: (kind: String, required: Bool)?
    var keywords: [Keyword]
  }

  /// object → verb groups; the first name of a group is the verb ("-": none).
  var objects: [(name: String, groups: [[String]])] = []
  var commands: [String: Command] = [:]
  var choices: [String: [String]] = [:]
  var conflicts: [(command: String, keyword: String, others: [String])] = []
  var options: [(names: [String], kind: String?)] = []
  /// Lines of the block that are neither data nor the string's delimiters.
  var strayLines: [String] = []

  init(script text: String) {
    var inside = false
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = trimmed(raw)
      if line.hasPrefix("# >>> ovpnctl grammar") {
        inside = true
        continue
      }
      if line.hasPrefix("# <<< ovpnctl grammar") { break }
      guard inside else { continue }
      let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      switch f.first {
      case "object" where f.count >= 3:
        objects.append((f[1], f[2...].map { $0.split(separator: "|").map(String.init) }))
      case "command" where f.count >= 2:
        var c = Command(positional: nil, keywords: [])
        for token in f[2...] {
          if token.hasPrefix("<") && token.hasSuffix(">") {
            c.positional = (String(token.dropFirst().dropLast()), true)
          } else if token.hasPrefix("[") && token.hasSuffix("]") {
            c.positional = (String(token.dropFirst().dropLast()), false)
          } else if let eq = token.firstIndex(of: "=") {
            var name = String(token[..<eq])
            let repeatable = name.hasSuffix("*")
            if repeatable { name.removeLast() }
            let kinds = token[token.index(after: eq)...].split(separator: ",").map(String.init)
            c.keywords.append(Keyword(name: name, repeatable: repeatable, kinds: kinds))
          } else {
            strayLines.append(line)
          }
        }
        commands[f[1]] = c
      case "choice" where f.count >= 3:
        choices[f[1]] = Array(f[2...])
      case "conflict" where f.count >= 4:
        conflicts.append((f[1], f[2], Array(f[3...])))
      case "option" where f.count >= 2:
        for word in f[1...] {
          let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
          options.append(
            (parts[0].split(separator: "|").map(String.init), parts.count > 1 ? parts[1] : nil))
        }
      default:
        // Only the string's own delimiters may share the block with the data.
        let delimiter =
          line.isEmpty || line == "'" || line.hasSuffix("_grammar='")
          || line.hasPrefix("set -g __ovpnctl_grammar '")
        if !delimiter { strayLines.append(line) }
      }
    }
  }

  var optionNames: [String] { options.flatMap(\.names) }
}

/// The key a command has in the completion block: `object:verb`, `-` for none.
private func key(_ spec: CommandSpec) -> String {
  "\(spec.object):\(spec.verb.isEmpty ? "-" : spec.verb)"
}

/// Whether a completion value kind describes a grammar value kind.
private func kindMatches(_ kind: String, _ value: ValueKind, _ choices: [String: [String]]) -> Bool
{
  switch value {
  case .interface: return kind == "ifname"
  case .newName: return kind == "newname"
  case .peerID: return kind == "peerid" || kind == "newid"
  case .endpoint: return kind == "endpoint"
  case .localEndpoint: return kind == "local"
  case .address: return kind == "addr"
  case .number: return kind == "num" || kind == "keyid"
  case .file: return kind == "file"
  case .choice(let values):
    return kind.hasPrefix("@") && choices[String(kind.dropFirst())] == values
  }
}

/// A value of the kind that the parser accepts, for probing it.
private func sample(_ kind: String, _ choices: [String: [String]]) -> String {
  switch kind {
  case "ifname", "newname": return "ovpn0"
  case "peerid", "newid": return "1"
  case "num": return "3"
  case "keyid": return "0"
  case "addr": return "10.8.0.2"
  case "endpoint": return "192.0.2.1:1194"
  case "local": return ":1194"
  case "file": return "k.key"
  default:
    if kind.hasPrefix("@"), let first = choices[String(kind.dropFirst())]?.first { return first }
    return "x"
  }
}

/// Runs the real parser (Dispatch.parse, which resolves the object, the verb
/// or alias and the keywords) on a command line.
private func parses(_ words: [String]) -> CommandSpec? {
  (try? Dispatch.parse(words))?.0
}

@Suite("Completions and man page follow Grammar")
struct DocsDriftTests {

  // MARK: completions: Grammar → script

  @Test(
    "every object, command, alias, keyword and value is in the completion",
    arguments: completionFiles)
  func completionCoversGrammar(_ file: String) throws {
    let g = CompletionGrammar(script: try read(file))
    #expect(g.strayLines == [], "\(file): lines in the grammar block that are not data")
    #expect(g.objects.map(\.name) == Grammar.objects.map(\.name), "\(file): objects")
    var problems: [String] = []
    for object in Grammar.objects {
      guard let groups = g.objects.first(where: { $0.name == object.name })?.groups else {
        continue
      }
      let verbs = object.commands.map { $0.verb.isEmpty ? "-" : $0.verb }
      if groups.map({ $0[0] }) != verbs {
        problems.append("\(object.name): verbs \(groups.map { $0[0] }), want \(verbs)")
      }
      for spec in object.commands {
        let verb = spec.verb.isEmpty ? "-" : spec.verb
        let aliases = groups.first { $0[0] == verb }.map { Array($0.dropFirst()) } ?? []
        if Set(aliases) != Set(spec.aliases) {
          problems.append("\(key(spec)): aliases \(aliases), want \(spec.aliases)")
        }
        guard let c = g.commands[key(spec)] else {
          problems.append("\(key(spec)): no command line")
          continue
        }
        switch (spec.positional, c.positional) {
        case (nil, nil): break
        case (let want?, let have?):
          if have.required != spec.positionalRequired
            || !kindMatches(have.kind, want.kind, g.choices)
          {
            let required = spec.positionalRequired
            problems.append(
              "\(key(spec)): positional \(have), want \(want.kind) required=\(required)")
          }
        default:
          let have = c.positional.map { "\($0)" } ?? "none"
          let want = spec.positional.map { "\($0.kind)" } ?? "none"
          problems.append("\(key(spec)): positional \(have), want \(want)")
        }
        for k in spec.keywords {
          guard let have = c.keywords.first(where: { $0.name == k.name }) else {
            problems.append("\(key(spec)): keyword \(k.name) missing")
            continue
          }
          if have.repeatable != k.repeatable {
            problems.append("\(key(spec)) \(k.name): repeatable \(have.repeatable)")
          }
          if have.kinds.count != k.values.count
            || zip(have.kinds, k.values).contains(where: { !kindMatches($0, $1.kind, g.choices) })
          {
            problems.append(
              "\(key(spec)) \(k.name): values \(have.kinds), want \(k.values.map(\.kind))")
          }
        }
      }
    }
    let known = Set(Grammar.objects.flatMap { $0.commands.map(key) })
    for extra in Set(g.commands.keys).subtracting(known) {
      problems.append("\(extra): not a command")
    }
    for (names, _) in Grammar.options {
      for name in names where !g.optionNames.contains(name) {
        problems.append("option \(name) missing")
      }
    }
    #expect(problems == [], "\(file)")
  }

  // MARK: completions: script → parser

  @Test(
    "every keyword and value the completion offers is accepted by the parser",
    arguments: completionFiles)
  func completionWordsParse(_ file: String) throws {
    let g = CompletionGrammar(script: try read(file))
    var problems: [String] = []
    for (object, groups) in g.objects {
      for group in groups {
        let cmdKey = "\(object):\(group[0])"
        guard let c = g.commands[cmdKey] else {
          problems.append("\(cmdKey): object line names it, no command line")
          continue
        }
        // Each spelling of the verb (none, for "-"), each keyword alone with
        // sample values, and for a choice each of its values.
        var spellings = group.map { $0 == "-" ? [] : [$0] }
        if group[0] == "-" { spellings = [[]] + group.dropFirst().map { [$0] } }
        let lead = c.positional.map { [sample($0.kind, g.choices)] } ?? []
        for verb in spellings {
          let base = [object] + verb
          guard let spec = parses(base + lead) else {
            problems.append("\((base + lead).joined(separator: " ")): rejected")
            continue
          }
          if key(spec) != cmdKey {
            problems.append("\(base.joined(separator: " ")) is \(key(spec)), not \(cmdKey)")
          }
          for k in c.keywords {
            let words = base + lead + [k.name] + k.kinds.map { sample($0, g.choices) }
            guard parses(words) != nil else {
              problems.append("\(words.joined(separator: " ")): rejected")
              continue
            }
            if k.repeatable, parses(words + [k.name] + k.kinds.map { sample($0, g.choices) }) == nil
            {
              problems.append("\(cmdKey) \(k.name): claimed repeatable, parser refuses a second")
            }
            if !k.repeatable,
              parses(words + [k.name] + k.kinds.map { sample($0, g.choices) }) != nil
            {
              problems.append("\(cmdKey) \(k.name): claimed not repeatable, parser takes a second")
            }
            for (index, kind) in k.kinds.enumerated() where kind.hasPrefix("@") {
              for value in g.choices[String(kind.dropFirst())] ?? ["(no such choice \(kind))"] {
                // The choice at its place among the keyword's values (rekey ID SLOT).
                var values = k.kinds.map { sample($0, g.choices) }
                values[index] = value
                let line = base + lead + [k.name] + values
                let ok = (try? Dispatch.parse(line)).map {
                  index == 0 ? (try? $0.1.choice(k.name)) == value : $0.1.all(k.name).first?[index] == value
                }
                if ok != true { problems.append("\(line.joined(separator: " ")): value rejected") }
              }
            }
          }
        }
      }
    }
    #expect(problems == [], "\(file)")
  }

  @Test(
    "keywords the completion treats as exclusive are refused together", arguments: completionFiles)
  func completionConflictsAreRefused(_ file: String) throws {
    let g = CompletionGrammar(script: try read(file))
    var problems: [String] = []
    for (cmd, first, others) in g.conflicts {
      guard cmd == "peer:add", let spec = Grammar.peer.command("add"), let c = g.commands[cmd]
      else {
        problems.append("conflict on \(cmd): this test only knows how to check peer:add")
        continue
      }
      func words(_ k: String) -> [String] {
        guard let kw = c.keywords.first(where: { $0.name == k }) else { return ["(unknown \(k))"] }
        return [k] + kw.kinds.map { $0 == "@proto" ? "tcp" : sample($0, g.choices) }
      }
      for other in others {
        // proto tcp unless one of the two is proto, so that TCP-only keywords
        // are refused for their combination and not for the transport.
        var line = ["dev", "ovpn0", "id", "1"] + words(first) + words(other)
        if first != "proto" && other != "proto" { line += ["proto", "tcp"] }
        let refused: Bool
        do {
          _ = try PeerCommands.parseAdd(try Arguments(line, spec: spec))
          refused = false
        } catch {
          refused = true
        }
        if !refused { problems.append("peer add \(line.joined(separator: " ")): accepted") }
      }
    }
    #expect(problems == [], "\(file)")
  }

  @Test(
    "the completion's options are the parser's, with and without two dashes",
    arguments: completionFiles)
  func completionOptionsParse(_ file: String) throws {
    let g = CompletionGrammar(script: try read(file))
    var problems: [String] = []
    for (names, kind) in g.options {
      for name in names {
        for spelling in [name, "-" + name] {
          if kind == nil {
            let rest = (try? Options.parse([spelling, "link"]))?.1
            if rest != ["link"] { problems.append("\(spelling): not a plain option") }
          } else {
            if (try? Options.parse([spelling])) != nil {
              problems.append("\(spelling): takes no value")
            }
            let rest = (try? Options.parse([spelling, Self.sampleValue, "link"]))?.1
            if rest != ["link"] { problems.append("\(spelling) VALUE: rejected") }
          }
        }
        let grammar = Grammar.options.first { $0.names.contains(name) }
        if let grammar, grammar.takesValue != (kind != nil) {
          problems.append("\(name): Grammar.options says takesValue \(grammar.takesValue)")
        }
      }
    }
    #expect(problems == [], "\(file)")
  }

  // MARK: man page

  /// Sections of the man page: title → lines.
  private func manSections() throws -> [(title: String, lines: [String])] {
    var sections: [(String, [String])] = []
    for line in try read("man/ovpnctl.8").split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix(".SH ") {
        let title = String(line.dropFirst(4).filter { $0 != "\"" })
        sections.append((title, []))
      } else if !sections.isEmpty {
        sections[sections.count - 1].1.append(String(line))
      }
    }
    return sections
  }

  /// The literal (bold) words of a roff line: the text after each \fB up to
  /// the next font change, with \- read as -.
  static func boldWords(_ line: String) -> [String] {
    var words: [String] = []
    var rest = Substring(line)
    while let start = rest.firstRange(of: "\\fB") {
      rest = rest[start.upperBound...]
      let end = rest.firstRange(of: "\\f")?.lowerBound ?? rest.endIndex
      let text = rest[..<end].replacing("\\-", with: "-")
      words += text.split(separator: " ").map(String.init)
      rest = rest[end...]
    }
    return words
  }

  /// The tag lines (the line after each .TP) of a section.
  private func tags(_ lines: [String]) -> [String] {
    zip(lines, lines.dropFirst()).filter { $0.0 == ".TP" }.map(\.1)
  }

  /// Each object section's tag lines, resolved to the command they show.
  private func manCommands() throws -> (found: [String: [[String]]], problems: [String]) {
    var found: [String: [[String]]] = [:]
    var problems: [String] = []
    for (title, lines) in try manSections() {
      guard let object = Grammar.object(title.lowercased()) else { continue }
      for tag in tags(lines) {
        var words = Self.boldWords(tag)
        guard !words.isEmpty else { continue }  // a placeholder definition
        guard words.removeFirst() == object.name else {
          problems.append("\(title): tag does not start with \(object.name): \(tag)")
          continue
        }
        // The verb and its aliases come next (optional for stats/monitor).
        var spec: CommandSpec? = object.commands.first { $0.verb.isEmpty }
        while let w = words.first, w != "help", let s = object.command(w),
          !(s.verb.isEmpty && s.keyword(w) != nil)
        {
          if let previous = spec, !previous.verb.isEmpty, key(previous) != key(s) {
            problems.append("\(tag): mixes \(key(previous)) and \(key(s))")
          }
          spec = s
          words.removeFirst()
        }
        guard let spec else {
          problems.append("\(title): no command in: \(tag)")
          continue
        }
        for w in words where w != "help" {
          let isKeyword = spec.keyword(w) != nil
          let isValue = spec.keywords.contains {
            $0.values.contains {
              if case .choice(let values) = $0.kind { return values.contains(w) }
              return false
            }
          }
          if !isKeyword && !isValue {
            problems.append("\(key(spec)): \"\(w)\" is not accepted: \(tag)")
          }
        }
        found[key(spec), default: []].append(Self.boldWords(tag))
      }
    }
    return (found, problems)
  }

  @Test("every object, command, alias, keyword and value is on a man page grammar line")
  func manPageCoversGrammar() throws {
    let (found, _) = try manCommands()
    var problems: [String] = []
    for object in Grammar.objects {
      for spec in object.commands {
        guard let tags = found[key(spec)] else {
          problems.append(
            "\(key(spec)): no .TP grammar line in section \(object.name.uppercased())")
          continue
        }
        let words = Set(tags.flatMap { $0 })
        var wanted = ([spec.verb] + spec.aliases + spec.keywords.map(\.name)).filter { !$0.isEmpty }
        for k in spec.keywords {
          for v in k.values { if case .choice(let values) = v.kind { wanted += values } }
        }
        for w in wanted where !words.contains(w) { problems.append("\(key(spec)): \(w) missing") }
      }
    }
    let synopsis = try manSections().first { $0.title == "SYNOPSIS" }?.lines ?? []
    let synopsisWords = Set(synopsis.flatMap(Self.boldWords))
    for object in Grammar.objects where !synopsisWords.contains(object.name) {
      problems.append("SYNOPSIS: object \(object.name) missing")
    }
    #expect(problems == [])
  }

  /// A value every valued option accepts (a namespace name, a file name, a size).
  static let sampleValue = "65536"

  @Test("every literal word on a man page grammar line is accepted by the parser")
  func manPageWordsParse() throws {
    let (_, problems) = try manCommands()
    var all = problems
    let synopsis = try manSections().first { $0.title == "SYNOPSIS" }?.lines ?? []
    for w in synopsis.flatMap(Self.boldWords) {
      let ok =
        w == "ovpnctl" || w == "help" || Grammar.object(w) != nil
        || (w.hasPrefix("-") && ((try? Options.parse([w, Self.sampleValue, "link"]))?.1.last == "link"))
      if !ok { all.append("SYNOPSIS: \"\(w)\" is not accepted") }
    }
    #expect(all == [])
  }

  @Test("the man page's OPTIONS are the parser's")
  func manPageOptions() throws {
    let lines = try manSections().first { $0.title == "OPTIONS" }?.lines ?? []
    let words = tags(lines).flatMap(Self.boldWords)
    var problems: [String] = []
    for w in words where w.hasPrefix("-") {
      let plain = (try? Options.parse([w, "link"]))?.1 == ["link"]
      let valued = (try? Options.parse([w, Self.sampleValue, "link"]))?.1 == ["link"]
      if !plain && !valued { problems.append("\(w): not an option") }
    }
    for (names, _) in Grammar.options {
      for name in names where !words.contains(name) { problems.append("\(name): not in OPTIONS") }
    }
    for file in completionFiles {
      for name in CompletionGrammar(script: try read(file)).optionNames where !words.contains(name)
      {
        problems.append("\(name) (completed by \(file)): not in OPTIONS")
      }
    }
    #expect(problems == [])
  }

  // MARK: help text

  @Test("each object's usage names every verb, keyword and value of its commands")
  func usageMentionsEveryKeyword() {
    var problems: [String] = []
    for object in Grammar.objects {
      let words = Set(
        object.usage.split { $0.isWhitespace || "[]{}|".contains($0) }.map {
          $0.hasSuffix("...") ? String($0.dropLast(3)) : String($0)
        })
      for spec in object.commands {
        var wanted = spec.keywords.map(\.name) + (spec.verb.isEmpty ? [] : [spec.verb])
        for k in spec.keywords {
          for v in k.values { if case .choice(let values) = v.kind { wanted += values } }
        }
        for w in wanted where !words.contains(w) {
          problems.append("ovpnctl \(object.name) help: \(key(spec)) \(w) missing")
        }
      }
    }
    #expect(problems == [])
  }
}
