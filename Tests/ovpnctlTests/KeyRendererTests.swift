// `key show` output.

import Testing

@testable import DCONetlink
@testable import ovpnctl

@Suite struct KeyRendererTests {
  static let keys = [
    KeyInfo(peerID: 1, slot: .primary, keyID: 0, algorithm: 1),
    KeyInfo(peerID: 1, slot: .secondary, keyID: 5, algorithm: 2),
  ]

  @Test func json() throws {
    let out = KeyRenderer.render(Fixture.tun0, Self.keys, options(json: true))
    #expect(
      out
        == #"[{"ifname":"tun0","ifindex":5,"id":1,"slot":"primary","key-id":0,"cipher":"aes-gcm"},"#
        + #"{"ifname":"tun0","ifindex":5,"id":1,"slot":"secondary","key-id":5,"cipher":"chacha20-poly1305"}]"# + "\n")
    let j = try JSON.parse(out)
    #expect(j[1]?.keys == ["ifname", "ifindex", "id", "slot", "key-id", "cipher"])
    #expect(j[1]?["key-id"] == .number("5"))
  }

  @Test func unknownAlgorithmIsNullNotEmpty() throws {
    let j = try JSON.parse(
      KeyRenderer.render(
        Fixture.tun0, [KeyInfo(peerID: 1, slot: .primary, keyID: 0, algorithm: 9)], options(json: true)))
    #expect(j[0]?["cipher"] == .null)
  }

  @Test func text() {
    #expect(
      KeyRenderer.render(
        Fixture.tun0, Self.keys + [KeyInfo(peerID: 2, slot: .primary, keyID: 1, algorithm: 7)], options())
          == """
          peer 1 primary: key-id 0 cipher aes-gcm
          peer 1 secondary: key-id 5 cipher chacha20-poly1305
          peer 2 primary: key-id 1 cipher unknown (7)

          """)
  }

  @Test func noKeys() {
    #expect(KeyRenderer.render(Fixture.tun0, [], options(json: true)) == "[]\n")
    #expect(KeyRenderer.render(Fixture.tun0, [], options()) == "")
  }
}
