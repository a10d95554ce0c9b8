import CMnl
import DCONetlink
import Glibc

/// Runs a plan line by line, each ovpnctl line through the dispatcher a
/// batch line goes through (one shared Context), `ip` lines through ip(8).
/// With -dry-run it only prints the plan. On a failure it stops and says
/// exactly which lines were applied, which one failed and which were not run.
enum PlanRunner {
  static func run(
    _ plan: ConfigPlanner.Plan, dev: String, _ ctx: Context, rollback: [String]? = nil
  ) throws(CommandError) {
    let lines = plan.steps.map(ConfigPlanner.line)
    if !ctx.options.json { for n in plan.notes { Terminal.err("Note: \(n)") } }
    if ctx.options.dryRun {
      if ctx.options.json {
        var w = JSONWriter(pretty: ctx.options.pretty)
        w.beginObject()
        w.field("ifname", dev)
        w.field("dry-run", true)
        array("plan", lines, &w)
        array("notes", plan.notes, &w)
        w.endObject()
        Terminal.out(w.output)
      } else {
        for l in lines { Terminal.out(l) }
      }
      return
    }
    for (i, step) in plan.steps.enumerated() {
      do throws(CommandError) {
        try runStep(step, ctx)
      } catch {
        var rolledBack: String?
        if let rollback {
          rolledBack = ConfigPlanner.line(rollback)
          if (try? runStep(rollback, ctx)) == nil { rolledBack = nil }
        }
        report(
          dev, lines, applied: i, failure: (lines[i], ErrorMessages.describe(error)), plan.notes,
          rolledBack: rolledBack, ctx)
        throw error
      }
    }
    report(dev, lines, applied: lines.count, failure: nil, plan.notes, rolledBack: nil, ctx)
  }

  static func runStep(_ words: [String], _ ctx: Context) throws(CommandError) {
    if words.first == "ip" {
      try spawn(words)
    } else {
      try Router.run(words, ctx)
    }
  }

  static func array(_ name: StaticString, _ values: [String], _ w: inout JSONWriter) {
    w.beginArray(name)
    for v in values { w.value(v) }
    w.endArray()
  }

  /// -j: one object, on success and on failure alike. Text: silent on
  /// success; on failure the three lists on stderr (the error itself
  /// follows, printed by the caller as for any command).
  static func report(
    _ dev: String, _ lines: [String], applied: Int, failure: (line: String, error: String)?,
    _ notes: [String], rolledBack: String?, _ ctx: Context
  ) {
    let notRun = failure == nil ? [] : Array(lines[(applied + 1)...])
    if ctx.options.json {
      var w = JSONWriter(pretty: ctx.options.pretty)
      w.beginObject()
      w.field("ifname", dev)
      w.field("dry-run", false)
      array("applied", Array(lines[..<applied]), &w)
      if let failure {
        w.beginObject("failed")
        w.field("command", failure.line)
        w.field("error", failure.error)
        w.endObject()
      } else {
        w.field("failed", nil as String?)
      }
      array("not-applied", notRun, &w)
      if rolledBack != nil { w.field("rolled-back", rolledBack) }
      array("notes", notes, &w)
      w.endObject()
      Terminal.out(w.output)
      return
    }
    guard let failure else { return }
    Terminal.err("Applied \(applied) of \(lines.count) commands:")
    for l in lines[..<applied] { Terminal.err("  \(l)") }
    Terminal.err("Failed:")
    Terminal.err("  \(failure.line)")
    Terminal.err("Not applied:")
    for l in notRun { Terminal.err("  \(l)") }
    if let rolledBack { Terminal.err("Rolled back with: \(rolledBack)") }
  }

  /// Runs ip(8) with these words, in this process's network namespace.
  static func spawn(_ words: [String]) throws(CommandError) {
    Terminal.flush()
    var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
    argv.append(nil)
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, "ip", nil, nil, argv, environ)
    guard rc == 0 else {
      throw .failure("cannot run ip(8) (iproute2): \(errnoDescription(rc))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      if cmnl_errno() != EINTR { throw .failure("waiting for ip(8): \(errnoDescription(cmnl_errno()))") }
    }
    let exited = (status & 0x7f) == 0
    let code = (status >> 8) & 0xff
    if !exited || code != 0 {
      throw .failure("\(ConfigPlanner.line(words)) failed (exit status \(exited ? code : 128 + (status & 0x7f)))")
    }
  }
}
