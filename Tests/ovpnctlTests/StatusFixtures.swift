// The status files of the interop scenarios' OpenVPN servers
// (Tests/Kernel/scenarios/24-openvpn-mp.sh), kept in Tests/Fixtures/openvpn-status/,
// and what each one says about its two clients.

@testable import ovpnctl

enum StatusFixtures {
  struct Expected {
    var name: String
    var id: UInt32
    var real: String
    var vpn: String
  }

  /// Tests/Fixtures/openvpn-status/NAME, read as text.
  static func text(_ name: String) throws -> String {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)
    return try StatusNames.contents(parts.joined(separator: "/") + "/Fixtures/openvpn-status/" + name)
  }

  /// OpenVPN 2.7.8 (upstream kernel) gave alice peer id 0 and bob 1.
  static let v278 = [
    Expected(name: "alice", id: 0, real: "10.10.1.2:41001", vpn: "10.8.0.2"),
    Expected(name: "bob", id: 1, real: "10.10.2.2:41002", vpn: "10.8.0.3"),
  ]
  /// The same server at the end of the scenario: alice has moved (OpenVPN 2.7
  /// follows the kernel's float notification), and bob, whose peer OpenVPN
  /// deleted on his exit notification, is still listed for its 5 s delayed exit.
  static let v278Later = [
    Expected(name: "alice", id: 0, real: "10.10.1.12:41001", vpn: "10.8.0.2"),
    Expected(name: "bob", id: 1, real: "10.10.2.2:41002", vpn: "10.8.0.3"),
  ]

  /// OpenVPN 2.6.14 (legacy kernel) gave alice peer id 1 and bob 0; it
  /// never learns of alice's float (no notification), and lists her at her
  /// old address at the end, when bob has left.
  static let v2614 = [
    Expected(name: "alice", id: 1, real: "10.10.1.2:41001", vpn: "10.8.0.3"),
    Expected(name: "bob", id: 0, real: "10.10.2.2:41002", vpn: "10.8.0.2"),
  ]

  static let expected: [(file: String, clients: [Expected])] = [
    ("openvpn-2.6.14-status-2.txt", v2614),
    ("openvpn-2.6.14-management-status-3.txt", v2614),
    ("openvpn-2.6.14-status-2-later.txt", [v2614[0]]),
    ("openvpn-2.7.8-status-3.txt", v278),
    ("openvpn-2.7.8-management-status-2.txt", v278),
    ("openvpn-2.7.8-status-3-later.txt", v278Later),
  ]

  /// A real status-version 2 text (OpenVPN 2.7.8, through the management interface: CRLF lines).
  static var sampleV2: String { (try? text("openvpn-2.7.8-management-status-2.txt")) ?? "" }
}
