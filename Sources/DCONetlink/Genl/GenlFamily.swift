import CMnl

/// A resolved generic netlink family.
package struct GenlFamily: Equatable, Sendable {
  package var name: String
  package var id: UInt16
  package var version: UInt32
  /// Multicast group name → id.
  package var multicastGroups: [String: UInt32]

  package init(
    name: String, id: UInt16, version: UInt32 = 0,
    multicastGroups: [String: UInt32] = [:]
  ) {
    self.name = name
    self.id = id
    self.version = version
    self.multicastGroups = multicastGroups
  }
}

/// CTRL_CMD_GETFAMILY: encoding the lookup and decoding the answer.
package enum GenlController {
  package static let familyID = UInt16(GENL_ID_CTRL)

  package static func getFamilyRequest(name: String) throws(NetlinkError) -> NetlinkMessage {
    let m = NetlinkMessage(type: familyID, flags: UInt16(NLM_F_REQUEST | NLM_F_ACK))
    m.putGenlHeader(command: UInt8(CTRL_CMD_GETFAMILY), version: 1)
    try m.put(UInt16(CTRL_ATTR_FAMILY_NAME), string: name)
    return m
  }

  package static func decodeFamily(_ msg: ReceivedMessage) throws(NetlinkError) -> GenlFamily? {
    guard msg.type == familyID, try msg.genlCommand() == UInt8(CTRL_CMD_NEWFAMILY) else {
      return nil
    }
    var family = GenlFamily(name: "", id: 0)
    var haveID = false
    try msg.genlAttributes().forEach { (a) throws(NetlinkError) in
      switch Int32(a.type) {
      case Int32(CTRL_ATTR_FAMILY_ID):
        family.id = try a.u16()
        haveID = true
      case Int32(CTRL_ATTR_FAMILY_NAME): family.name = try a.string()
      case Int32(CTRL_ATTR_VERSION): family.version = try a.u32()
      case Int32(CTRL_ATTR_MCAST_GROUPS):
        try a.nested.forEach { (group) throws(NetlinkError) in
          var name: String?
          var id: UInt32?
          try group.nested.forEach { (g) throws(NetlinkError) in
            switch Int32(g.type) {
            case Int32(CTRL_ATTR_MCAST_GRP_NAME): name = try g.string()
            case Int32(CTRL_ATTR_MCAST_GRP_ID): id = try g.u32()
            default: break
            }
          }
          if let name, let id { family.multicastGroups[name] = id }
        }
      default: break
      }
    }
    guard haveID else { throw .malformed("family reply without CTRL_ATTR_FAMILY_ID") }
    return family
  }
}

extension GenlController {
  /// CTRL_CMD_GETPOLICY for every operation of a family (a dump).
  package static func getPolicyRequest(familyID: UInt16) throws(NetlinkError) -> NetlinkMessage {
    let m = NetlinkMessage(type: Self.familyID, flags: UInt16(NLM_F_REQUEST | NLM_F_DUMP))
    m.putGenlHeader(command: UInt8(CTRL_CMD_GETPOLICY), version: 1)
    try m.put(UInt16(CTRL_ATTR_FAMILY_ID), familyID)
    return m
  }

  /// Whether a GETPOLICY reply describes attribute `type` in any policy:
  /// CTRL_ATTR_POLICY { policy-index { attribute-type { … } } }.
  package static func policyHasAttribute(_ msg: ReceivedMessage, _ type: UInt16) throws(NetlinkError)
    -> Bool
  {
    guard msg.type == familyID else { return false }
    var found = false
    try msg.genlAttributes().forEach { (a) throws(NetlinkError) in
      guard a.type == UInt16(CTRL_ATTR_POLICY) else { return }
      try a.nested.forEach(includingTypeZero: true) { (policy) throws(NetlinkError) in
        try policy.nested.forEach(includingTypeZero: true) { (attr) throws(NetlinkError) in
          if attr.type == type { found = true }
        }
      }
    }
    return found
  }
}

extension NetlinkSession {
  /// Resolves a family by name; an unregistered family is `.familyNotFound`.
  /// Asking also makes the kernel try to load the module that provides it.
  package func resolveFamily(_ name: String) throws(NetlinkError) -> GenlFamily {
    do throws(NetlinkError) {
      let request = try GenlController.getFamilyRequest(name: name)
      guard let family = try transact(request, decode: GenlController.decodeFamily).first else {
        throw NetlinkError.malformed("no answer to the family lookup of \(name)")
      }
      return family
    } catch .kernel(let e, _) where e == ENOENT {
      throw .familyNotFound(name)
    }
  }
}
