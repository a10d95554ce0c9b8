import Testing

@testable import ovpnctl

/// The grammar table against the parser that reads it: every keyword takes
/// a value of its kind, repeats only if it says so, every choice value is
/// accepted, and every conflict rule is refused with its own message.
@Suite struct GrammarTableTests {
  /// A value of `kind` that the parser accepts.
  static func sample(_ kind: ValueKind) -> String {
    switch kind {
    case .interface, .newName: "ovpn0"
    case .peerID, .newPeerID: "1"
    case .keyID: "0"
    case .number: "3"
    case .address: "10.8.0.2"
    case .endpoint: "192.0.2.1:1194"
    case .localEndpoint: ":1194"
    case .file: "k.key"
    case .netns: "blue"
    case .choice(let c): c.values[0]
    }
  }

  static var commands: [CommandSpec] { Grammar.objects.flatMap(\.commands) }

  /// Each spelling of a command's verb: none for "" (and its aliases).
  static func spellings(_ spec: CommandSpec) -> [[String]] {
    let verbs = spec.verb.isEmpty ? [[]] : [[spec.verb]]
    return verbs + spec.aliases.map { [$0] }
  }

  /// Grammar.object's switch finds every object of the table, and nothing else.
  @Test func everyObjectIsFoundByName() {
    for o in Grammar.objects {
      #expect(Grammar.object(o.name)?.name == o.name)
      #expect(Grammar.object(o.name)?.commands.count == o.commands.count)
    }
    for name in ["", "links", "help", "Link", "-j"] { #expect(Grammar.object(name) == nil) }
  }

  @Test func everyKeywordTakesItsValues() {
    var problems: [String] = []
    for spec in Self.commands {
      let lead = spec.positional.map { [Self.sample($0.kind)] } ?? []
      for verb in Self.spellings(spec) {
        let base = [spec.object] + verb + lead
        guard let (found, _) = (try? Router.parse(base)) ?? nil, found.key == spec.key else {
          problems.append("\(base.joined(separator: " ")): not \(spec.key)")
          continue
        }
        for k in spec.keywords {
          var needs: [String] = []
          for case .requires(k.name, let other, let value, _) in spec.syntax.rules {
            needs += [other, value]
          }
          let once = base + needs + [k.name] + k.values.map { Self.sample($0.kind) }
          guard (try? Router.parse(once)) != nil else {
            problems.append("\(once.joined(separator: " ")): refused")
            continue
          }
          let twice = once + [k.name] + k.values.map { Self.sample($0.kind) }
          if ((try? Router.parse(twice)) != nil) != k.repeatable {
            problems.append("\(spec.key) \(k.name): repeatable is \(k.repeatable), the parser differs")
          }
        }
      }
    }
    #expect(problems == [])
  }

  @Test func everyChoiceValueIsAccepted() throws {
    var problems: [String] = []
    for spec in Self.commands {
      let lead = spec.positional.map { [Self.sample($0.kind)] } ?? []
      for k in spec.keywords {
        for (index, value) in k.values.enumerated() {
          guard case .choice(let c) = value.kind else { continue }
          for v in c.values {
            var values = k.values.map { Self.sample($0.kind) }
            values[index] = v
            let line = [spec.object] + (spec.verb.isEmpty ? [] : [spec.verb]) + lead + [k.name] + values
            let args = (try? Router.parse(line))??.1
            let got = index == 0 ? (try? args?.choice(k.name)) ?? nil : args?.all(k.name).first?[index]
            if got != v { problems.append("\(line.joined(separator: " ")): \(v) refused") }
          }
        }
      }
    }
    #expect(problems == [])
  }

  /// Each rule broken alone (a requirement met where a conflict is probed).
  @Test func everyRuleIsEnforcedWithItsMessage() {
    var problems: [String] = []
    var rules = 0
    for spec in Self.commands {
      func words(_ name: String, _ value: String? = nil) -> [String] {
        [name] + (spec.keyword(name)?.values.map { value ?? Self.sample($0.kind) } ?? ["?"])
      }
      let verb = [spec.object] + (spec.verb.isEmpty ? [] : [spec.verb])
      for rule in spec.syntax.rules {
        rules += 1
        var line = verb
        let message: String
        switch rule {
        case .conflict(let c):
          line += words(c.keyword) + words(c.other)
          for case .requires(let k, let other, let value, _) in spec.syntax.rules
          where [c.keyword, c.other].contains(k) && ![c.keyword, c.other].contains(other) {
            line += words(other, value)
          }
          message = c.message
        case .requires(let keyword, _, _, let m):
          line += words(keyword)
          message = m
        }
        do {
          _ = try Router.parse(line)
          problems.append("\(line.joined(separator: " ")): accepted")
        } catch {
          if error.message != message { problems.append("\(line.joined(separator: " ")): \(error.message)") }
        }
      }
    }
    #expect(rules >= 7)
    #expect(problems == [])
  }

  @Test func everyOptionSpellingParses() {
    for option in Grammar.options {
      for spelling in option.spellings {
        for s in [spelling, "-" + spelling] {
          let words = option.value.map { [s, Self.sample($0 == .number ? .number : $0), "link"] } ?? [s, "link"]
          let value = option.value == .number ? ["65536"] : []
          let line = option.value == .number ? [s] + value + ["link"] : words
          #expect((try? Options.parse(line))?.1 == ["link"], "\(line)")
          if option.value != nil { #expect((try? Options.parse([s])) == nil, "\(s) without a value") }
        }
      }
    }
  }
}
