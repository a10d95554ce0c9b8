// `status FILE`: the common name beside the peer id in peer show, stats and
// monitor, as text and as JSON.

import DCONetlink
import Testing

@testable import ovpnctl

@Suite struct CommonNameRenderTests {
  @Test func peerShowJSONPutsItAfterTheID() throws {
    let out = PeerRenderer.render([(Fixture.tun0, Fixture.fullPeer)], options(json: true), names: [1: "alice"])
    let p = try #require(try JSON.parse(out)[0])
    #expect(Array(p.keys.prefix(5)) == ["ifname", "ifindex", "id", "common-name", "remote-ipv4"])
    #expect(p["common-name"] == .string("alice"))
  }

  @Test func statsJSONCarriesItToo() throws {
    let out = PeerRenderer.render(
      [(Fixture.tun0, Fixture.fullPeer)], options(json: true), configuration: false, names: [1: "alice"])
    let p = try #require(try JSON.parse(out)[0])
    #expect(Array(p.keys.prefix(5)) == ["ifname", "ifindex", "id", "common-name", "vpn-rx-bytes"])
  }

  @Test func aPeerWithoutANameHasNoKey() throws {
    let out = PeerRenderer.render([(Fixture.tun0, Fixture.fullPeer)], options(json: true), names: [2: "bob"])
    let p = try #require(try JSON.parse(out)[0])
    #expect(!p.keys.contains("common-name"))
    #expect(out == PeerRenderer.render([(Fixture.tun0, Fixture.fullPeer)], options(json: true)))
  }

  @Test func textHasACommonNameLineUnderThePeer() {
    let out = PeerRenderer.render([(Fixture.tun0, Fixture.fullPeer)], options(), names: [1: "alice"])
    #expect(out.contains("\npeer: 1\n  common-name: alice\n  remote: 192.0.2.1:1194\n"))
    let stats = PeerRenderer.render(
      [(Fixture.tun0, Fixture.fullPeer)], options(), configuration: false, names: [1: "alice"])
    #expect(stats.contains("\npeer: 1\n  common-name: alice\n  transfer: "))
  }

  @Test func monitorJSON() {
    let del = EventRenderer.render(
      .peerDeleted(ifindex: 4, peerID: 3, reason: .userspace), ifname: "tun0", options(json: true), commonName: "bob")
    #expect(
      del == #"{"event":"peer-del","ifname":"tun0","ifindex":4,"id":3,"common-name":"bob","reason":"userspace"}"# + "\n"
    )
    let float = EventRenderer.render(
      .peerFloat(ifindex: 4, peerID: 2, remote: Endpoint(parsing: "192.0.2.12:41001")), ifname: "tun0",
      options(json: true), commonName: "alice")
    #expect(
      float
        == #"{"event":"peer-float","ifname":"tun0","ifindex":4,"id":2,"common-name":"alice","remote-ipv4":"192.0.2.12","remote-port":41001}"#
        + "\n")
  }

  @Test func monitorText() {
    let line = EventRenderer.render(
      .keySwap(ifindex: 4, peerID: 2, keyID: 5), ifname: "tun0", options(), commonName: "alice")
    #expect(line == "key-swap dev tun0 id 2 common-name alice key-id 5\n")
    let plain = EventRenderer.render(.keySwap(ifindex: 4, peerID: 2, keyID: 5), ifname: "tun0", options())
    #expect(plain == "key-swap dev tun0 id 2 key-id 5\n")
  }
}
