/// The grammar as the shell completions read it: the data block that each
/// of completions/ovpnctl.bash, _ovpnctl and ovpnctl.fish carries between
/// `# >>> ovpnctl grammar` and `# <<< ovpnctl grammar` (the format is
/// described at the top of completions/ovpnctl.bash). The block is written
/// from these tables, never by hand: `scripts/completions` puts it into the
/// three files and a unit test keeps them equal to it.
enum CompletionBlock {
  /// The block's lines, without the shell's string delimiters.
  static func render() -> String {
    var lines: [String] = []
    for object in Grammar.objects {
      let groups = object.commands.map { spec in
        ([spec.verb.isEmpty ? "-" : spec.verb] + spec.aliases).joined(separator: "|")
      }
      lines.append(row("object", object.name, groups))
    }
    for spec in Grammar.objects.flatMap(\.commands) {
      var words: [String] = []
      if let p = spec.positional {
        let kind = p.kind.completionName
        words.append(spec.positionalRequired ? "<\(kind)>" : "[\(kind)]")
      }
      for k in spec.keywords {
        let kinds = k.values.map(\.kind.completionName).joined(separator: ",")
        words.append("\(k.name)\(k.repeatable ? "*" : "")=\(kinds)")
      }
      lines.append(row("command", spec.key, words, width: 13))
    }
    for choice in Grammar.choices {
      lines.append(row("choice", choice.name, choice.values))
    }
    for spec in Grammar.objects.flatMap(\.commands) {
      // Consecutive rules of one keyword share a line: KW OTHER...
      var groups: [(String, [String])] = []
      for c in spec.syntax.conflicts {
        if groups.last?.0 == c.keyword {
          groups[groups.count - 1].1.append(c.other)
        } else {
          groups.append((c.keyword, [c.other]))
        }
      }
      for (keyword, others) in groups {
        lines.append((["conflict", spec.key, keyword] + others).joined(separator: " "))
      }
    }
    let plain = Grammar.options.filter { $0.value == nil }
    let valued = Grammar.options.filter { $0.value != nil }
    lines.append(
      "option   " + plain.map { $0.spellings.joined(separator: "|") }.joined(separator: " "))
    lines.append(
      "option   "
        + valued.map { option in
          option.spellings.joined(separator: "|") + "=" + (option.value?.completionName ?? "")
        }.joined(separator: " "))
    return lines.joined(separator: "\n") + "\n"
  }

  private static func row(_ kind: String, _ name: String, _ rest: [String], width: Int = 8)
    -> String
  {
    let padded = name + String(repeating: " ", count: max(0, width - name.count))
    return ([kind.padded(to: 8), padded] + rest).joined(separator: " ")
  }

  static let begin = "# >>> ovpnctl grammar"
  static let end = "# <<< ovpnctl grammar"

  /// `script` with the lines between the block's opening string line (the
  /// line after `begin`) and its closing `'` replaced by `body`; nil if the
  /// markers are missing.
  static func splice(_ body: String, into script: String) -> String? {
    let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let b = lines.firstIndex(of: begin), let e = lines.firstIndex(of: end), b + 2 < e,
      lines[e - 1] == "'"
    else { return nil }
    let bodyLines = body.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    return (lines[...(b + 1)] + bodyLines + lines[(e - 1)...]).joined(separator: "\n")
  }
}

extension String {
  fileprivate func padded(to width: Int) -> String {
    self + String(repeating: " ", count: max(0, width - count))
  }
}
