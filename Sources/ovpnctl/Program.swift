import CMnl
import DCONetlink
import Glibc

/// Entry point: global options, then one command line or a batch file.
enum Program {
  static let version = "0.1.0"

  static func run(_ argv: [String]) -> Int32 {
    let options: Options
    let words: [String]
    do {
      (options, words) = try Options.parse(argv)
    } catch {
      return CommandError.usage(error).report()
    }
    if options.version {
      Terminal.out("ovpnctl \(version) (DCONetlink; APIs: ovpn, ovpn-dco-v2)")
      if options.details { Terminal.out(moduleReport(DCOClient())) }
      return 0
    }
    if options.help {
      Terminal.out(Grammar.mainUsage)
      return 0
    }
    if let netns = options.netns {
      if let failure = enterNetns(netns) {
        Terminal.err(ErrorMessages.sentence(failure))
        return 2
      }
    }
    let plans = Grammar.object(words.first ?? "")?.commands.allSatisfy(\.plans) ?? false
    if options.dryRun, options.batch != nil || !plans {
      Terminal.err(ErrorMessages.sentence("-dry-run applies only to setconf, syncconf, up and down"))
      return 1
    }
    let context = Context(options: options)
    if let file = options.batch {
      guard words.isEmpty else {
        Terminal.err(ErrorMessages.sentence("-batch takes a file; \"\(words[0])\" after it is not allowed"))
        return 1
      }
      return Batch.run(file: file, context: context)
    }
    return runOne(words, context)
  }

  /// `-V -d`: each API's module, loaded or not, and the optional features
  /// its policy shows. Best effort: nothing here needs root.
  static func moduleReport(_ client: DCOClient) -> String {
    var out: [String] = []
    for kind in [OvpnKind.ovpn, .ovpnDCO] {
      let name = kind.familyName
      guard let codec = try? client.codec(for: kind) else {
        out.append("\(name): not available")
        continue
      }
      let f = codec.family
      var line = "\(name): family id \(f.id) version \(f.version)"
      if let features = try? client.features(codec) {
        line += ", features: \(features.names.isEmpty ? "none" : features.names.joined(separator: ", "))"
      } else {
        line += ", features: unknown (the policy query failed)"
      }
      out.append(line)
    }
    return out.joined(separator: "\n")
  }

  static func runOne(_ words: [String], _ context: Context) -> Int32 {
    do {
      try Router.run(words, context)
      Terminal.flush()
      return 0
    } catch {
      return error.report()
    }
  }

  /// Joins the named network namespace (ip netns) before any socket exists.
  static func enterNetns(_ name: String) -> String? {
    guard !name.contains("/"), !name.isEmpty, name != ".", name != ".." else {
      return "invalid network namespace name \"\(name)\""
    }
    let path = "/run/netns/\(name)"
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      return "cannot open network namespace \"\(name)\": \(errnoDescription(cmnl_errno()))"
    }
    defer { close(fd) }
    guard cmnl_setns_net(fd) == 0 else {
      let e = cmnl_errno()
      if e == EPERM { return ErrorMessages.permission }
      return "setting the network namespace to \"\(name)\" failed: \(errnoDescription(e))"
    }
    return nil
  }
}
