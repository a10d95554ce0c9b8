// OBJECT → COMMAND resolution, aliases, help, unknown objects and verbs.

import Glibc
import Testing

@testable import ovpnctl

@Suite struct RouterTests {
  @Test(arguments: [
    ("link add tun0", "link", "add"), ("link del tun0", "link", "del"), ("link delete tun0", "link", "del"),
    ("link show", "link", "show"), ("link list", "link", "show"), ("link ls tun0", "link", "show"),
    ("peer add dev t id 1", "peer", "add"), ("peer set dev t id 1", "peer", "set"),
    ("peer del dev t id 1", "peer", "del"), ("peer delete dev t id 1", "peer", "del"),
    ("peer show", "peer", "show"), ("peer ls dev t", "peer", "show"),
    ("key add dev t", "key", "add"), ("key swap dev t peer 1", "key", "swap"),
    ("key del dev t", "key", "del"), ("key delete dev t", "key", "del"), ("key show dev t", "key", "show"),
    ("key list dev t", "key", "show"), ("key generate cipher aes-128-gcm", "key", "generate"),
    ("stats", "stats", ""), ("stats dev t", "stats", ""), ("stats show dev t", "stats", ""),
    ("stats ls", "stats", ""), ("monitor", "monitor", ""), ("monitor dev t", "monitor", ""),
    ("metrics serve", "metrics", "serve"), ("metrics serve listen :9176", "metrics", "serve"),
    ("top", "top", ""), ("top dev t interval 1 count 3", "top", ""),
  ])
  func commandsAndAliasesResolve(line: String, object: String, verb: String) throws {
    let (spec, _) = try parsed(line)
    #expect(spec.object == object)
    #expect(spec.verb == verb)
  }

  @Test func aliasIsConsumedBeforeTheKeywords() throws {
    let args = try arguments("stats show dev tun0 peer 4")
    #expect(args.string("dev") == "tun0")
    #expect(try args.peerID("peer") == 4)
  }

  @Test func helpAtEveryLevelIsNotACommand() throws {
    for line in [
      [], ["help"], ["peer"], ["peer", "help"], ["peer", "add", "help"], ["stats", "help"], ["key", "show", "help"],
    ] {
      #expect(try Router.parse(line) == nil, "\(line)")
    }
  }

  @Test func unknownObject() {
    #expect(usageError { _ = try Router.parse(["frob"]) } == "object \"frob\" is unknown, try \"ovpnctl help\"")
    #expect(
      usageError { _ = try Router.parse(["peers", "show"]) } == "object \"peers\" is unknown, try \"ovpnctl help\"")
  }

  @Test func unknownVerb() {
    #expect(
      usageError { _ = try Router.parse(["peer", "frob"]) } == "command \"frob\" is unknown, try \"ovpnctl peer help\"")
    #expect(
      usageError { _ = try Router.parse(["link", "sh"]) } == "command \"sh\" is unknown, try \"ovpnctl link help\"")
  }

  @Test func objectsWithoutVerbsTakeKeywordsDirectly() {
    #expect(
      usageError { _ = try Router.parse(["stats", "frob"]) } == "unknown keyword \"frob\", try \"ovpnctl stats help\"")
    #expect(
      usageError { _ = try Router.parse(["monitor", "peer", "1"]) }
        == "unknown keyword \"peer\", try \"ovpnctl monitor help\"")
  }

  @Test func grammarObjects() {
    #expect(
      Grammar.objects.map(\.name) == [
        "link", "peer", "key", "stats", "monitor", "metrics", "top", "showconf", "setconf", "syncconf",
        "up", "down",
      ])
    #expect(Grammar.object("metrics")?.commands.map(\.verb) == ["serve"])
    #expect(Grammar.object("key")?.commands.map(\.verb) == ["add", "swap", "del", "show", "generate"])
  }

  @Test func metricsAloneIsHelp() throws {
    #expect(try Router.parse(["metrics"]) == nil)
    #expect(try Router.parse(["top", "help"]) == nil)
  }

  @Test(arguments: [
    ("127.0.0.1:9100", "127.0.0.1", 9100), ("[::1]:9176", "::1", 9176), ("10.0.0.1", "10.0.0.1", 9176),
    ("::", "::", 9176),
  ])
  func metricsListenAddresses(text: String, address: String, port: UInt16) throws {
    let (a, p) = try MetricsCommand.listenAddress(text)
    #expect(a?.description == address && p == port)
  }

  @Test func metricsListenDefaultsAndWildcard() throws {
    let (a, p) = try MetricsCommand.listenAddress(nil)
    #expect(a?.description == "127.0.0.1" && p == 9176)
    let (w, wp) = try MetricsCommand.listenAddress(":9100")
    #expect(w == nil && wp == 9100)
    #expect(usageError { _ = try MetricsCommand.listenAddress("localhost:9176") } != nil)
    #expect(usageError { _ = try MetricsCommand.listenAddress("[fe80::1%eth0]:9176") } != nil)
  }

  @Test func prometheusOnlyWhereItApplies() {
    let o = try! Options.parse(["-prometheus"]).0
    let ctx = Context(options: o)
    for line in [["peer", "show"], ["key", "show", "dev", "x", "peer", "1"], ["monitor"], ["top"]] {
      do {
        try Router.run(line, ctx)
        Issue.record("\(line) accepted -prometheus")
      } catch {
        #expect(error.exitStatus == 1, "\(line)")
      }
    }
  }

  @Test func usageErrorsExitWithStatus1AndOthersWith2() {
    #expect(CommandError.usage(UsageError("x")).exitStatus == 1)
    #expect(CommandError.netlink(.noKernelSupport, .other).exitStatus == 2)
    #expect(CommandError.failure("x").exitStatus == 2)
  }
}
