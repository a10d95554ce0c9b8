import CMnl

/// What CTRL_CMD_GETPOLICY says about a family: which policy each operation
/// validates its request with, and what each policy accepts. Built from the
/// messages of one policy dump, in any order.
package struct GenlPolicy: Equatable, Sendable {
  /// One attribute a policy accepts.
  package struct AttributeRule: Equatable, Sendable {
    /// The kernel's `netlink_attribute_type` (NL_ATTR_TYPE_*).
    package var type: UInt32?
    /// For a nest: the policy of what is inside.
    package var nestedPolicy: UInt32?
    package var maxValue: UInt64?
    package init() {}
  }

  /// Operation → policy index of its `do` and its `dump` request.
  package var doPolicy: [UInt32: UInt32] = [:]
  package var dumpPolicy: [UInt32: UInt32] = [:]
  /// Policy index → attribute type → rule.
  package var policies: [UInt32: [UInt16: AttributeRule]] = [:]

  package init() {}

  /// The rule for the attribute at `path` in operation `op`'s request: the
  /// first element is a top-level attribute, each further one lies in the
  /// nest before it. Nil if the kernel would not accept it.
  package func rule(op: UInt8, _ path: [UInt16]) -> AttributeRule? {
    guard var index = doPolicy[UInt32(op)], !path.isEmpty else { return nil }
    var found: AttributeRule?
    for (n, type) in path.enumerated() {
      guard let r = policies[index]?[type] else { return nil }
      found = r
      if n < path.count - 1 {
        guard let next = r.nestedPolicy else { return nil }
        index = next
      }
    }
    return found
  }

  /// Folds one message of the dump in; messages of other types are ignored.
  package mutating func add(_ msg: ReceivedMessage) throws(NetlinkError) {
    guard msg.type == GenlController.familyID else { return }
    try msg.genlAttributes().forEach { (a) throws(NetlinkError) in
      switch Int32(a.type) {
      case Int32(CTRL_ATTR_OP_POLICY):
        try a.nested.forEach(includingTypeZero: true) { (op) throws(NetlinkError) in
          try op.nested.forEach { (p) throws(NetlinkError) in
            switch Int32(p.type) {
            case Int32(CTRL_ATTR_POLICY_DO): doPolicy[UInt32(op.type)] = try p.u32()
            case Int32(CTRL_ATTR_POLICY_DUMP): dumpPolicy[UInt32(op.type)] = try p.u32()
            default: break
            }
          }
        }
      case Int32(CTRL_ATTR_POLICY):
        try a.nested.forEach(includingTypeZero: true) { (policy) throws(NetlinkError) in
          try policy.nested.forEach(includingTypeZero: true) { (attr) throws(NetlinkError) in
            var rule = AttributeRule()
            try attr.nested.forEach { (f) throws(NetlinkError) in
              switch UInt32(f.type) {
              case NL_POLICY_TYPE_ATTR_TYPE.rawValue: rule.type = try f.u32()
              case NL_POLICY_TYPE_ATTR_POLICY_IDX.rawValue: rule.nestedPolicy = try f.u32()
              case NL_POLICY_TYPE_ATTR_MAX_VALUE_U.rawValue: rule.maxValue = try f.uint()
              default: break
              }
            }
            policies[UInt32(policy.type), default: [:]][attr.type] = rule
          }
        }
      default: break
      }
    }
  }
}

extension NetlinkSession {
  /// The whole policy of a family (one CTRL_CMD_GETPOLICY dump).
  package func policy(of family: GenlFamily) throws(NetlinkError) -> GenlPolicy {
    var policy = GenlPolicy()
    try stream(try GenlController.getPolicyRequest(familyID: family.id)) { (msg) throws(NetlinkError) in
      try policy.add(msg)
    }
    return policy
  }
}
