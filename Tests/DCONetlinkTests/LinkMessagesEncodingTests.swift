// RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK: exact request bytes.

import Testing

@testable import DCONetlink

@Suite struct LinkMessagesEncodingTests {
  @Test func newLinkOvpnWithoutModeIsExact() throws {
    let m = try LinkMessages.newLink(name: "tun0", kind: .ovpn, mode: nil, mtu: nil)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        3c 00 00 00  // nlmsg_len 60
        10 00        // RTM_NEWLINK
        05 06        // REQUEST | ACK | EXCL (0x200) | CREATE (0x400)
        01 00 00 00  // seq
        00 00 00 00  // pid
        00 00 00 00  // ifinfomsg: family AF_UNSPEC, pad, type 0
        00 00 00 00  //   index 0
        00 00 00 00  //   flags
        00 00 00 00  //   change
        09 00 03 00 74 75 6e 30 00 00 00 00  // IFLA_IFNAME "tun0\\0" + pad
        10 00 12 80  // IFLA_LINKINFO, len 16, NLA_F_NESTED
        09 00 01 00 6f 76 70 6e 00 00 00 00  //   IFLA_INFO_KIND "ovpn\\0" + pad
        """))
  }

  @Test func newLinkOvpnP2PIsExact() throws {
    let m = try LinkMessages.newLink(name: "tun0", kind: .ovpn, mode: .p2p, mtu: nil)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        48 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00  // nlmsghdr, len 72
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ifinfomsg
        09 00 03 00 74 75 6e 30 00 00 00 00  // IFLA_IFNAME "tun0"
        1c 00 12 80  // IFLA_LINKINFO, len 28, nested
        09 00 01 00 6f 76 70 6e 00 00 00 00  //   IFLA_INFO_KIND "ovpn"
        0c 00 02 80  //   IFLA_INFO_DATA, len 12, nested
        05 00 01 00 00 00 00 00  //     IFLA_OVPN_MODE u8 0 (p2p) + pad
        """))
  }

  @Test func newLinkOvpnMPIsExact() throws {
    let m = try LinkMessages.newLink(name: "tun0", kind: .ovpn, mode: .mp, mtu: nil)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        48 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        09 00 03 00 74 75 6e 30 00 00 00 00
        1c 00 12 80
        09 00 01 00 6f 76 70 6e 00 00 00 00
        0c 00 02 80
        05 00 01 00 01 00 00 00  // IFLA_OVPN_MODE u8 1 (mp)
        """))
  }

  @Test func newLinkOvpnDCOWithoutModeIsExact() throws {
    let m = try LinkMessages.newLink(name: "tun0", kind: .ovpnDCO, mode: nil, mtu: nil)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        40 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00  // len 64
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        09 00 03 00 74 75 6e 30 00 00 00 00
        14 00 12 80  // IFLA_LINKINFO, len 20
        0d 00 01 00 6f 76 70 6e 2d 64 63 6f 00 00 00 00  // IFLA_INFO_KIND "ovpn-dco\\0" + pad
        """))
  }

  @Test func newLinkOvpnDCOP2PIsExact() throws {
    let m = try LinkMessages.newLink(name: "tun0", kind: .ovpnDCO, mode: .p2p, mtu: nil)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        4c 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00  // len 76
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        09 00 03 00 74 75 6e 30 00 00 00 00
        20 00 12 80  // IFLA_LINKINFO, len 32
        0d 00 01 00 6f 76 70 6e 2d 64 63 6f 00 00 00 00
        0c 00 02 80 05 00 01 00 00 00 00 00  // IFLA_INFO_DATA { MODE 0 }
        """))
  }

  @Test func newLinkOvpnDCOMPWithMTUIsExact() throws {
    let m = try LinkMessages.newLink(name: "vpn-mp", kind: .ovpnDCO, mode: .mp, mtu: 1400)
    m.sequence = 0xdead_beef
    expectBytes(
      m.bytes,
      hex(
        """
        54 00 00 00  // len 84
        10 00 05 06
        ef be ad de  // seq 0xdeadbeef
        00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        0b 00 03 00 76 70 6e 2d 6d 70 00 00  // IFLA_IFNAME "vpn-mp\\0" + pad
        08 00 04 00 78 05 00 00  // IFLA_MTU u32 1400
        20 00 12 80
        0d 00 01 00 6f 76 70 6e 2d 64 63 6f 00 00 00 00
        0c 00 02 80 05 00 01 00 01 00 00 00  // IFLA_INFO_DATA { MODE 1 }
        """))
  }

  @Test func newLinkOvpnWithMTUOnlyIsExact() throws {
    let m = try LinkMessages.newLink(name: "tun0", kind: .ovpn, mode: nil, mtu: 1416)
    m.sequence = 1
    expectBytes(
      m.bytes,
      hex(
        """
        44 00 00 00 10 00 05 06 01 00 00 00 00 00 00 00  // len 68
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        09 00 03 00 74 75 6e 30 00 00 00 00
        08 00 04 00 88 05 00 00  // IFLA_MTU 1416
        10 00 12 80 09 00 01 00 6f 76 70 6e 00 00 00 00
        """))
  }

  @Test func deleteLinkIsExact() {
    let m = LinkMessages.deleteLink(index: 7)
    m.sequence = 2
    expectBytes(
      m.bytes,
      hex(
        """
        20 00 00 00  // len 32
        11 00        // RTM_DELLINK
        05 00        // REQUEST | ACK
        02 00 00 00 00 00 00 00
        00 00 00 00  // family, pad, type
        07 00 00 00  // ifi_index 7
        00 00 00 00 00 00 00 00  // flags, change
        """))
  }

  @Test func dumpLinksIsExact() {
    let m = LinkMessages.dumpLinks()
    m.sequence = 3
    expectBytes(
      m.bytes,
      hex(
        """
        20 00 00 00  // len 32
        12 00        // RTM_GETLINK
        01 03        // REQUEST | DUMP (ROOT | MATCH)
        03 00 00 00 00 00 00 00
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ifinfomsg, all zero
        """))
  }

  @Test func getLinkByNameIsExact() throws {
    let m = try LinkMessages.getLink(name: "tun0")
    m.sequence = 4
    expectBytes(
      m.bytes,
      hex(
        """
        2c 00 00 00 12 00 05 00 04 00 00 00 00 00 00 00  // RTM_GETLINK, REQUEST | ACK
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        09 00 03 00 74 75 6e 30 00 00 00 00  // IFLA_IFNAME
        """))
  }

  @Test func getLinkByIndexIsExact() {
    let m = LinkMessages.getLink(index: 0x0102)
    m.sequence = 5
    expectBytes(
      m.bytes,
      hex(
        """
        20 00 00 00 12 00 05 00 05 00 00 00 00 00 00 00
        00 00 00 00 02 01 00 00 00 00 00 00 00 00 00 00  // ifi_index 0x102
        """))
  }
}
