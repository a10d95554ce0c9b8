import Glibc
import Testing

@testable import ovpnctl

// The man page and the help text are written by hand; these tests hold them
// to the grammar table (Grammar.swift) in both directions: everything the
// parser accepts is documented, and every literal word the man page names is
// accepted by the real parser. (The completions are generated from the same
// table: CompletionBlockTests.)

/// The key a command has in the completion block: `object:verb`, `-` for none.
private func key(_ spec: CommandSpec) -> String { spec.key }

@Suite("The man page and the help text follow Grammar")
struct DocsDriftTests {

  // MARK: man page

  /// Sections of the man page: title → lines.
  private func manSections() throws -> [(title: String, lines: [String])] {
    var sections: [(String, [String])] = []
    for line in try readRepoFile("man/ovpnctl.8").split(separator: "\n", omittingEmptySubsequences: false) {
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
              if case .choice(let c) = $0.kind { return c.values.contains(w) }
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
          for v in k.values { if case .choice(let c) = v.kind { wanted += c.values } }
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
    for option in Grammar.options {
      for name in option.spellings where !words.contains(name) {
        problems.append("\(name): not in OPTIONS")
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
          for v in k.values { if case .choice(let c) = v.kind { wanted += c.values } }
        }
        for w in wanted where !words.contains(w) {
          problems.append("ovpnctl \(object.name) help: \(key(spec)) \(w) missing")
        }
      }
    }
    #expect(problems == [])
  }
}
