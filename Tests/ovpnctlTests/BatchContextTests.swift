// What a batch shares across its lines: interface lookups, and the rule
// that standard input cannot be both the batch and a key file.

import DCONetlink
import NetlinkFakes
import Testing

@testable import ovpnctl

@Suite struct BatchContextTests {
  @Test func keyFileDashIsRefusedInABatchFromStandardInput() {
    var o = Options()
    o.batch = "-"
    let genl = FakeKernel()
    let rtnl = FakeKernel(links: ["tun0": (3, "ovpn")])
    let ctx = fakeContext(genl, rtnl, o)
    let line = "key add dev tun0 peer 1 slot primary key-id 0 cipher aes-128-gcm encrypt - decrypt /nonexistent"
    do {
      try Router.run(argv(line), ctx)
      Issue.record("key add succeeded")
    } catch {
      guard case .usage(let u) = error else {
        Issue.record("not a usage error: \(error)")
        return
      }
      #expect(u.message == "standard input is the batch file; a key file cannot be \"-\" as well")
    }
    #expect(rtnl.sent.isEmpty && genl.commands.isEmpty)
  }

  @Test func interfaceIsLookedUpOncePerRunUntilLinkAddOrDel() throws {
    let genl = FakeKernel()
    let rtnl = FakeKernel(links: ["tun0": (3, "ovpn")])
    let ctx = fakeContext(genl, rtnl)
    try Router.run(argv("peer del dev tun0 id 1"), ctx)
    try Router.run(argv("peer del dev tun0 id 2"), ctx)
    try Router.run(argv("key swap dev tun0 peer 2"), ctx)
    #expect(rtnl.sent.count == 1)
    #expect(genl.commands.count == 3)
    ctx.forgetLinks()
    try Router.run(argv("peer del dev tun0 id 3"), ctx)
    #expect(rtnl.sent.count == 2)
  }
}
