// CTRL_CMD_GETPOLICY dumps folded into a GenlPolicy, and the optional ovpn
// features read from it, against the message layout the kernel writes
// (ctrl_dumppolicy: one CTRL_ATTR_OP_POLICY per op, then one attribute of
// one policy per message).

import DCONetlink
import NetlinkFakes
import Testing

/// NL_ATTR_TYPE_U32 and NL_ATTR_TYPE_NESTED.
private let u32Type: UInt32 = 4
private let nestedType: UInt32 = 13

private func opPolicy(_ op: UInt16, do doIndex: UInt32) -> [UInt8] {
  nlmsg(
    type: K.genlCtrl, flags: K.multi, seq: 1, genlhdr(K.ctrlGetPolicy), nla(1, le16(0x24)),
    nest(9, nest(op, nla(1, le32(doIndex)))))
}

/// One attribute of one policy; `nested` points a nest at another policy.
private func policyAttr(_ index: UInt16, _ type: UInt16, nested: UInt32? = nil, max: UInt64? = nil)
  -> [UInt8]
{
  var fields = nla(1, le32(nested == nil ? u32Type : nestedType))
  if let nested { fields += nla(8, le32(nested)) }
  if let max { fields += nla(5, le64(max)) }
  return nlmsg(
    type: K.genlCtrl, flags: K.multi, seq: 1, genlhdr(K.ctrlGetPolicy), nla(1, le16(0x24)),
    nest(8, nest(index, nest(type, fields))))
}

/// PEER_NEW (op 1) → policy 0 { IFINDEX, PEER → policy 1 }, PEER_SET (op 2)
/// → policy 2 { PEER → policy 3 }; `withTxID` puts attribute 24 in 1 and 3.
private func ovpnPolicyDump(withTxID: Bool) throws -> GenlPolicy {
  var messages = [
    opPolicy(1, do: 0), opPolicy(2, do: 2),
    policyAttr(0, 1), policyAttr(0, 2, nested: 1),
    policyAttr(1, 1), policyAttr(1, 13, max: 86400), policyAttr(1, 14),
    policyAttr(2, 1), policyAttr(2, 2, nested: 3),
    policyAttr(3, 1),
  ]
  if withTxID { messages += [policyAttr(1, 24), policyAttr(3, 24)] }
  var policy = GenlPolicy()
  for m in messages {
    _ = try decodeOne(m) { (msg) throws(NetlinkError) -> Bool? in
      try policy.add(msg)
      return true
    }
  }
  return policy
}

@Suite struct GenlPolicyTests {
  @Test func opPoliciesAndNestsAreFollowed() throws {
    let p = try ovpnPolicyDump(withTxID: true)
    #expect(p.doPolicy == [1: 0, 2: 2])
    #expect(p.rule(op: 1, [2])?.nestedPolicy == 1)
    #expect(p.rule(op: 1, [2, 24])?.type == u32Type)
    #expect(p.rule(op: 1, [2, 13])?.maxValue == 86400)
    #expect(p.rule(op: 2, [2, 24]) != nil)
    #expect(p.rule(op: 1, [3]) == nil)  // no such top-level attribute
    #expect(p.rule(op: 1, [1, 24]) == nil)  // IFINDEX is not a nest
    #expect(p.rule(op: 7, [2]) == nil)  // no such op
  }

  @Test func upstreamFeaturesComeFromThePolicy() throws {
    let new = upstream.features(try ovpnPolicyDump(withTxID: true))
    #expect(new.txID && new.txIDOnSet && new.floatNotification)
    #expect(new.keepaliveMax == 86400)
    #expect(new.names == ["tx-id", "tx-id-on-set", "peer-float-ntf", "keepalive-max-86400"])
    let old = upstream.features(try ovpnPolicyDump(withTxID: false))
    #expect(!old.txID && !old.txIDOnSet && !old.floatNotification)
    #expect(old.names == ["keepalive-max-86400"])
  }

  @Test func legacyHasNoOptionalFeatures() throws {
    #expect(legacy.features(try ovpnPolicyDump(withTxID: true)) == OvpnFeatures())
  }

  @Test func clientAsksOnceAndCaches() throws {
    var asked = 0
    let g = genlKernel(families: ["ovpn": 0x24]) { req in
      guard req[16] == K.ctrlGetPolicy else { return nil }
      asked += 1
      let seq = sequenceOf(req)
      let attr = nlmsg(
        type: K.genlCtrl, flags: K.multi, seq: seq, genlhdr(K.ctrlGetPolicy),
        nest(9, nest(1, nla(1, le32(0)))))
      let a = nlmsg(
        type: K.genlCtrl, flags: K.multi, seq: seq, genlhdr(K.ctrlGetPolicy),
        nest(8, nest(0, nest(2, nla(1, le32(nestedType)), nla(8, le32(1))))))
      let b = nlmsg(
        type: K.genlCtrl, flags: K.multi, seq: seq, genlhdr(K.ctrlGetPolicy),
        nest(8, nest(1, nest(24, nla(1, le32(u32Type))))))
      return [attr, a, b, doneMessage(seq: seq)]
    }
    let c = DCOClient(genl: g, rtnl: nil)
    let codec = try c.codec(for: .ovpn)
    #expect(try c.features(codec).txID)
    #expect(try c.features(codec).txID)
    #expect(asked == 1)
  }
}
