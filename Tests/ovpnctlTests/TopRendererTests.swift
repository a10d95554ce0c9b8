import DCONetlink
import Testing

@testable import ovpnctl

@Suite("Live view: rates, idle times, order, layout")
struct TopRendererTests {
  private func snapshot(_ peers: [(UInt32, UInt64, UInt64)]) -> MetricsSnapshot {
    MetricsSnapshot(interfaces: [
      .init(
        link: Fixture.tun0,
        peers: peers.map { id, rx, tx in
          var p = Peer(id: id)
          p.stats.vpnRxBytes = rx
          p.stats.vpnTxBytes = tx
          return .init(peer: p)
        })
    ])
  }

  @Test func ratesComeFromTheSecondSampleAndBusiestIsFirst() {
    var t = TopTracker()
    let first = t.update(snapshot([(1, 100, 100), (2, 0, 0)]), now: 10)
    #expect(first.allSatisfy { $0.rxRate == nil && $0.idleAtLeast })
    let rows = t.update(snapshot([(1, 100, 100), (2, 4096, 2048)]), now: 12)
    #expect(rows.map(\.id) == [2, 1])
    #expect(rows[0].rxRate == 2048 && rows[0].txRate == 1024)
    #expect(rows[0].idle == 0 && !rows[0].idleAtLeast)
    #expect(rows[1].rxRate == 0 && rows[1].idle == 2 && rows[1].idleAtLeast)
    // Peer 2 goes quiet: its idle time counts from its last change.
    let later = t.update(snapshot([(1, 100, 100), (2, 4096, 2048)]), now: 17)
    #expect(later.first { $0.id == 2 }?.idle == 5)
  }

  @Test func aCounterResetGivesNoRate() {
    var t = TopTracker()
    _ = t.update(snapshot([(1, 5000, 5000)]), now: 0)
    let rows = t.update(snapshot([(1, 10, 10)]), now: 1)
    #expect(rows[0].rxRate == nil)
  }

  @Test func durations() {
    #expect(TopRenderer.duration(0.4, atLeast: false) == "0s")
    #expect(TopRenderer.duration(119, atLeast: true) == ">119s")
    #expect(TopRenderer.duration(600, atLeast: false) == "10m")
    #expect(TopRenderer.duration(3 * 3600, atLeast: false) == "3h")
    #expect(TopRenderer.duration(5 * 86400, atLeast: false) == "5d")
  }

  @Test func blockForLogs() {
    let row = TopRow(
      ifname: "tun0", id: 7, remote: "192.0.2.1:1194", rxRate: 1536, txRate: nil, rxTotal: 3 * 1024 * 1024,
      txTotal: 0, idle: 3, idleAtLeast: false)
    let b = TopRenderer.block([row], time: "T", interval: 2, error: nil)
    #expect(
      b == """
        T  ovpnctl top, every 2 s: 1 peer on 1 interface
        INTERFACE      PEER  REMOTE                        RX/s        TX/s          RX          TX    IDLE
        tun0              7  192.0.2.1:1194            1.50 KiB           -    3.00 MiB         0 B      3s


        """)
  }

  @Test func screenFitsTheTerminal() {
    let rows = (1...50).map {
      TopRow(
        ifname: "tun0", id: UInt32($0), remote: nil, rxRate: 0, txRate: 0, rxTotal: 0, txTotal: 0, idle: 0,
        idleAtLeast: true)
    }
    let s = TopRenderer.screen(rows, time: "T", interval: 1, error: nil, width: 80, height: 10)
    #expect(s.hasPrefix("\u{1B}[H") && s.hasSuffix("\u{1B}[J"))
    let lines = String(s.dropFirst(3).dropLast(3)).split(separator: "\u{1B}[K\r\n", omittingEmptySubsequences: false)
      .dropLast()
    #expect(lines.count == 9)
    #expect(lines.allSatisfy { $0.count <= 80 })
    // 80 columns: no room for the remote column.
    #expect(!s.contains("REMOTE"))
  }
}
