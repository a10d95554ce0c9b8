// `monitor` lines: one JSON object per event, or one text line.

import DCONetlink
import Testing

@testable import ovpnctl

@Suite struct EventRendererTests {
  @Test func peerDeletedJSON() throws {
    let line = EventRenderer.render(
      .peerDeleted(ifindex: 5, peerID: 9, reason: .transportDisconnect), ifname: "tun0", options(json: true))
    #expect(line == #"{"event":"peer-del","ifname":"tun0","ifindex":5,"id":9,"reason":"transport-disconnect"}"# + "\n")
    let j = try JSON.parse(line)
    #expect(j["ifindex"]?.isNumber == true && j["id"]?.isNumber == true)
  }

  @Test(arguments: [
    (DeleteReason.teardown, "teardown"), (.userspace, "userspace"), (.expired, "expired"),
    (.transportError, "transport-error"), (.transportDisconnect, "transport-disconnect"),
  ])
  func reasons(reason: DeleteReason, name: String) throws {
    let j = try JSON.parse(
      EventRenderer.render(.peerDeleted(ifindex: 1, peerID: 1, reason: reason), ifname: "t", options(json: true)))
    #expect(j["reason"] == .string(name))
  }

  @Test func unknownReasonIsOmitted() throws {
    let j = try JSON.parse(
      EventRenderer.render(.peerDeleted(ifindex: 1, peerID: 1, reason: nil), ifname: "t", options(json: true)))
    #expect(j.keys == ["event", "ifname", "ifindex", "id"])
  }

  @Test func keySwapJSON() throws {
    let line = EventRenderer.render(.keySwap(ifindex: 5, peerID: 9, keyID: 3), ifname: "tun0", options(json: true))
    #expect(line == #"{"event":"key-swap","ifname":"tun0","ifindex":5,"id":9,"key-id":3}"# + "\n")
  }

  @Test func peerFloatJSON() throws {
    let remote = Endpoint(address: IPAddress("2001:db8::9")!, port: 40000, scopeID: 3)
    let j = try JSON.parse(
      EventRenderer.render(.peerFloat(ifindex: 5, peerID: 9, remote: remote), ifname: "tun0", options(json: true)))
    #expect(j.keys == ["event", "ifname", "ifindex", "id", "remote-ipv6", "remote-port"])
    #expect(j["event"] == .string("peer-float"))
    #expect(j["remote-ipv6"] == .string("2001:db8::9"))
    #expect(j["remote-port"] == .number("40000"))
    let v4 = try JSON.parse(
      EventRenderer.render(
        .peerFloat(ifindex: 5, peerID: 9, remote: Endpoint(address: IPAddress("::ffff:192.0.2.7")!, port: 1)),
        ifname: nil, options(json: true)))
    #expect(v4["remote-ipv4"] == .string("192.0.2.7"))
  }

  @Test func unknownInterfaceNameIsNull() throws {
    let j = try JSON.parse(
      EventRenderer.render(.keySwap(ifindex: 77, peerID: 1, keyID: 0), ifname: nil, options(json: true)))
    #expect(j["ifname"] == .null)
    #expect(j["ifindex"] == .number("77"))
  }

  @Test func textLines() {
    #expect(
      EventRenderer.render(.peerDeleted(ifindex: 5, peerID: 9, reason: .expired), ifname: "tun0", options())
        == "peer-del dev tun0 id 9 reason expired\n")
    #expect(
      EventRenderer.render(.peerDeleted(ifindex: 5, peerID: 9, reason: nil), ifname: "tun0", options())
        == "peer-del dev tun0 id 9 reason unknown\n")
    #expect(
      EventRenderer.render(.keySwap(ifindex: 5, peerID: 9, keyID: 3), ifname: nil, options())
        == "key-swap dev ifindex 5 id 9 key-id 3\n")
    #expect(
      EventRenderer.render(
        .peerFloat(ifindex: 5, peerID: 9, remote: Endpoint(address: IPAddress("fe80::1")!, port: 1194, scopeID: 2)),
        ifname: "tun0", options())
        == "peer-float dev tun0 id 9 remote [fe80::1%2]:1194\n")
    #expect(
      EventRenderer.render(.peerFloat(ifindex: 5, peerID: 9, remote: nil), ifname: "tun0", options())
        == "peer-float dev tun0 id 9 remote unknown\n")
  }

  @Test func lostEventsAndResync() throws {
    #expect(
      try JSON.parse(EventRenderer.lost(options(json: true)))
        == .object([.init(key: "event", value: .string("lost-events"))]))
    #expect(EventRenderer.lost(options()).hasPrefix("lost-events: "))
    let r = try JSON.parse(EventRenderer.resync(Fixture.tun0, [1, 2], complete: true, options(json: true)))
    #expect(r.keys == ["event", "ifname", "ifindex", "peers"])
    #expect(r["peers"] == .array([.number("1"), .number("2")]))
    let partial = try JSON.parse(EventRenderer.resync(Fixture.tun1, [], complete: false, options(json: true)))
    #expect(partial["complete"] == .bool(false) && partial["peers"] == .array([]))
    #expect(EventRenderer.resync(Fixture.tun0, [1, 2], complete: true, options()) == "resync dev tun0 peers 1 2\n")
    #expect(
      EventRenderer.resync(Fixture.tun1, [], complete: false, options()) == "resync dev tun1 peers none (incomplete)\n")
  }

  @Test func everyJSONEventIsOneLine() {
    let events: [OvpnEvent] = [
      .peerDeleted(ifindex: 1, peerID: 2, reason: .userspace), .keySwap(ifindex: 1, peerID: 2, keyID: 7),
      .peerFloat(ifindex: 1, peerID: 2, remote: Endpoint(address: IPAddress("192.0.2.1")!, port: 9)),
    ]
    for e in events {
      let line = EventRenderer.render(e, ifname: "a\nb", options(json: true, pretty: true))
      #expect(line.filter { $0 == "\n" }.count == 1 && line.hasSuffix("\n"), "\(line)")
    }
  }
}
