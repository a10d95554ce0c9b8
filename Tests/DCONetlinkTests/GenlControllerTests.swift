// CTRL_CMD_GETFAMILY / GETPOLICY: exact request bytes and reply decoding.

import NetlinkFakes
import Testing

@testable import DCONetlink

@Suite struct GenlControllerTests {
  @Test func getFamilyRequestForOvpnIsExact() throws {
    let m = try GenlController.getFamilyRequest(name: "ovpn")
    m.sequence = 7
    expectBytes(
      m.bytes,
      hex(
        """
        20 00 00 00  // nlmsg_len 32
        10 00        // nlmsg_type GENL_ID_CTRL
        05 00        // NLM_F_REQUEST | NLM_F_ACK
        07 00 00 00  // nlmsg_seq 7
        00 00 00 00  // nlmsg_pid 0 (the kernel fills it in)
        03 01 00 00  // genlmsghdr: cmd CTRL_CMD_GETFAMILY, version 1
        09 00 02 00  // CTRL_ATTR_FAMILY_NAME, len 4 + 5
        6f 76 70 6e 00 00 00 00  // "ovpn\\0" + 3 bytes padding
        """))
  }

  @Test func getFamilyRequestForLegacyNameIsExact() throws {
    let m = try GenlController.getFamilyRequest(name: "ovpn-dco-v2")
    m.sequence = 0x0102_0304
    expectBytes(
      m.bytes,
      hex(
        """
        24 00 00 00  // nlmsg_len 36
        10 00 05 00  // GENL_ID_CTRL, REQUEST | ACK
        04 03 02 01  // seq 0x01020304
        00 00 00 00  // pid
        03 01 00 00  // CTRL_CMD_GETFAMILY v1
        10 00 02 00  // CTRL_ATTR_FAMILY_NAME, len 4 + 12
        6f 76 70 6e 2d 64 63 6f 2d 76 32 00  // "ovpn-dco-v2\\0", no padding needed
        """))
  }

  @Test func getPolicyRequestIsADumpWithTheFamilyID() throws {
    let m = try GenlController.getPolicyRequest(familyID: K.upstreamFamily)
    m.sequence = 9
    expectBytes(
      m.bytes,
      hex(
        """
        1c 00 00 00  // nlmsg_len 28
        10 00 01 03  // GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP
        09 00 00 00  // seq
        00 00 00 00  // pid
        0a 01 00 00  // CTRL_CMD_GETPOLICY v1
        06 00 01 00 1b 00 00 00  // CTRL_ATTR_FAMILY_ID u16 0x1b + padding
        """))
  }

  /// The kernel's answer as ctrl_fill_info builds it: id, name, version,
  /// hdrsize, maxattr, ops, then the multicast groups (id before name).
  static func familyReply(seq: UInt32, groups: [(String, UInt32)]) -> [UInt8] {
    var groupNests: [UInt8] = []
    for (i, g) in groups.enumerated() {
      groupNests += nest(UInt16(i + 1), nla(2, le32(g.1)), nla(1, cstr(g.0)))
    }
    return nlmsg(
      type: K.genlCtrl, seq: seq,
      genlhdr(K.ctrlNewFamily, version: 2),
      nla(2, cstr("ovpn")),  // CTRL_ATTR_FAMILY_NAME
      nla(1, le16(0x1b)),  // CTRL_ATTR_FAMILY_ID
      nla(3, le32(1)),  // CTRL_ATTR_VERSION
      nla(4, le32(0)),  // CTRL_ATTR_HDRSIZE
      nla(5, le32(3)),  // CTRL_ATTR_MAXATTR
      nest(6, nest(1, nla(1, le32(1)), nla(2, le32(0xb)))),  // CTRL_ATTR_OPS (ignored)
      nest(7, groupNests))  // CTRL_ATTR_MCAST_GROUPS
  }

  @Test func familyReplyWithMulticastGroupsDecodes() throws {
    let reply = Self.familyReply(seq: 5, groups: [("peers", 0x21), ("other", 0x22)])
    let family = try #require(try decodeOne(reply, GenlController.decodeFamily))
    #expect(family.name == "ovpn")
    #expect(family.id == 0x1b)
    #expect(family.version == 1)
    #expect(family.multicastGroups == ["peers": 0x21, "other": 0x22])
  }

  @Test func familyReplyWithoutGroupsHasNone() throws {
    let reply = nlmsg(
      type: K.genlCtrl, seq: 5, genlhdr(K.ctrlNewFamily), nla(1, le16(0x30)), nla(2, cstr("x")))
    let family = try #require(try decodeOne(reply, GenlController.decodeFamily))
    #expect(family == GenlFamily(name: "x", id: 0x30))
  }

  @Test func groupWithoutIDOrNameIsSkipped() throws {
    let reply = nlmsg(
      type: K.genlCtrl, seq: 5, genlhdr(K.ctrlNewFamily), nla(1, le16(0x30)),
      nest(7, nest(1, nla(1, cstr("noid"))), nest(2, nla(2, le32(4))), nest(3, nla(2, le32(9)), nla(1, cstr("ok")))))
    let family = try #require(try decodeOne(reply, GenlController.decodeFamily))
    #expect(family.multicastGroups == ["ok": 9])
  }

  @Test func familyReplyWithoutIDIsMalformed() {
    let reply = nlmsg(type: K.genlCtrl, seq: 5, genlhdr(K.ctrlNewFamily), nla(2, cstr("ovpn")))
    let e = netlinkError { _ = try decodeOne(reply, GenlController.decodeFamily) }
    #expect(e == .malformed("family reply without CTRL_ATTR_FAMILY_ID"))
  }

  @Test func familyIDOfWrongWidthIsMalformed() {
    let reply = nlmsg(type: K.genlCtrl, seq: 5, genlhdr(K.ctrlNewFamily), nla(1, le32(0x1b)))
    #expect(isMalformed(netlinkError { _ = try decodeOne(reply, GenlController.decodeFamily) }))
  }

  @Test func otherMessagesAreNotFamilies() throws {
    // Another type, or another controller command, yields nil.
    let otherType = nlmsg(type: 0x20, seq: 5, genlhdr(K.ctrlNewFamily), nla(1, le16(1)))
    let otherCommand = nlmsg(type: K.genlCtrl, seq: 5, genlhdr(2), nla(1, le16(1)))
    #expect(try decodeOne(otherType, GenlController.decodeFamily) == nil)
    #expect(try decodeOne(otherCommand, GenlController.decodeFamily) == nil)
  }

  @Test func policyReplyIsSearchedForAnAttributeType() throws {
    // CTRL_ATTR_POLICY { policy 1 { attr 24 { NL_POLICY_TYPE_ATTR_TYPE u32 } } }
    let reply = nlmsg(
      type: K.genlCtrl, flags: K.multi, seq: 3, genlhdr(K.ctrlGetPolicy),
      nla(1, le16(0x1b)),
      nest(8, nest(1, nest(24, nla(1, le32(3))))))
    let has24 = try decodeOne(reply) { (m) throws(NetlinkError) -> Bool? in
      try GenlController.policyHasAttribute(m, 24)
    }
    let has25 = try decodeOne(reply) { (m) throws(NetlinkError) -> Bool? in
      try GenlController.policyHasAttribute(m, 25)
    }
    #expect(has24 == true)
    #expect(has25 == false)
  }

  /// The kernel numbers policies from 0 (netlink_policy_dump_write nests
  /// each under its policy index), so index 0 is a real policy, not a pad.
  @Test func policyIndexZeroIsSearchedToo() throws {
    let reply = nlmsg(
      type: K.genlCtrl, flags: K.multi, seq: 3, genlhdr(K.ctrlGetPolicy),
      nla(1, le16(0x1b)),
      nest(8, nest(0, nest(24, nla(1, le32(3))))))
    let has24 = try decodeOne(reply) { (m) throws(NetlinkError) -> Bool? in
      try GenlController.policyHasAttribute(m, 24)
    }
    #expect(has24 == true)
  }
}
