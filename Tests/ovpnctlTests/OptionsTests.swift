// Global options, parsed before the object as ip(8) does.

import Testing

@testable import ovpnctl

@Suite struct OptionsTests {
  @Test func noOptions() throws {
    let (o, rest) = try Options.parse(["link", "show"])
    #expect(o == Options())
    #expect(rest == ["link", "show"])
  }

  @Test(arguments: ["-j", "-json", "--json"])
  func json(flag: String) throws {
    let (o, rest) = try Options.parse([flag, "peer", "show"])
    #expect(o.json && !o.pretty)
    #expect(rest == ["peer", "show"])
  }

  @Test(arguments: ["-prom", "-prometheus", "--prometheus"])
  func prometheus(flag: String) throws {
    let (o, rest) = try Options.parse([flag, "stats"])
    #expect(o.prometheus && !o.json)
    #expect(rest == ["stats"])
  }

  @Test func prometheusExcludesJSON() {
    #expect(
      usageError { _ = try Options.parse(["-j", "-prometheus", "stats"]) }
        == "options \"-json\" and \"-prometheus\" exclude each other")
  }

  @Test func prettyStatsDetailsForce() throws {
    let (o, rest) = try Options.parse(["-p", "-s", "-s", "-d", "-force", "stats"])
    #expect(o.pretty && o.details && o.force)
    #expect(o.stats == 2)
    #expect(rest == ["stats"])
    #expect(try Options.parse(["-pretty", "-stats", "-statistics", "-details"]).0.stats == 2)
  }

  @Test func netnsTakesAName() throws {
    #expect(try Options.parse(["-n", "blue", "link", "show"]) == (withNetns("blue"), ["link", "show"]))
    #expect(try Options.parse(["-netns", "red"]).0.netns == "red")
    #expect(try Options.parse(["--netns", "red"]).0.netns == "red")
  }

  @Test func batchTakesAFileOrStdin() throws {
    #expect(try Options.parse(["-batch", "cmds.txt"]).0.batch == "cmds.txt")
    #expect(try Options.parse(["-b", "-"]).0.batch == "-")
    let (o, rest) = try Options.parse(["-force", "-batch", "f"])
    #expect(o.force && o.batch == "f" && rest.isEmpty)
  }

  @Test func versionAndHelp() throws {
    for v in ["-V", "-Version", "-version"] { #expect(try Options.parse([v]).0.version) }
    for h in ["-h", "-help", "--help"] { #expect(try Options.parse([h]).0.help) }
  }

  @Test func missingOptionValue() {
    #expect(usageError { _ = try Options.parse(["-n"]) } == "option \"-n\" needs an argument")
    #expect(usageError { _ = try Options.parse(["-j", "-batch"]) } == "option \"-batch\" needs an argument")
  }

  @Test(arguments: ["-x", "--frob", "-js", "-jsonx", "-S"])
  func unknownOption(flag: String) {
    #expect(
      usageError { _ = try Options.parse([flag, "link"]) } == "option \"\(flag)\" is unknown, try \"ovpnctl -help\"")
  }

  @Test func doubleDashEndsOptionsAndDashIsAWord() throws {
    #expect(try Options.parse(["-j", "--", "-p"]) == (withJSON(), ["-p"]))
    #expect(try Options.parse(["-"]).1 == ["-"])
  }

  @Test func optionsStopAtTheObject() throws {
    let (o, rest) = try Options.parse(["link", "-j", "show"])
    #expect(!o.json)
    #expect(rest == ["link", "-j", "show"])
  }

  func withNetns(_ n: String) -> Options {
    var o = Options()
    o.netns = n
    return o
  }

  func withJSON() -> Options {
    var o = Options()
    o.json = true
    return o
  }
}
