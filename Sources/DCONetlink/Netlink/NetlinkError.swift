import CMnl

/// Extended acknowledgement attributes the kernel attaches to an error.
public struct ExtAck: Equatable, Sendable {
  /// NLMSGERR_ATTR_MSG: the kernel's own explanation.
  public var message: String?
  /// NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request.
  public var offset: UInt32?
  /// NLMSGERR_ATTR_MISS_TYPE: type of a required attribute that was missing.
  public var missingType: UInt32?

  /// Extended ACK attributes as given; nil means the kernel did not send that one.
  public init(message: String? = nil, offset: UInt32? = nil, missingType: UInt32? = nil) {
    self.message = message
    self.offset = offset
    self.missingType = missingType
  }

  /// Whether none of the three attributes is present.
  public var isEmpty: Bool { message == nil && offset == nil && missingType == nil }
}

/// Every failure the library reports. The CLI maps `.usage`-free cases to exit 2.
public enum NetlinkError: Error, Equatable, Sendable {
  /// A system call failed (`operation` names it, e.g. "socket", "sendto").
  case system(operation: String, errno: Int32)
  /// The kernel answered a request with an error.
  case kernel(errno: Int32, extack: ExtAck)
  /// A generic netlink family is not registered (module absent).
  case familyNotFound(String)
  /// A reply did not parse: lengths lie, attributes are truncated, etc.
  case malformed(String)
  /// A request did not fit its buffer.
  case messageTooLarge
  /// The kernel flagged a dump as interrupted (NLM_F_DUMP_INTR); retry it.
  case dumpInterrupted
  /// No interface of that name in this network namespace.
  case noSuchDevice(String)
  /// The interface exists but is not one ovpnctl manages.
  case notOvpn(name: String, kind: String?)
  /// Only the pre-2023 `ovpn-dco` generic netlink family is present.
  case obsoleteAPI
  /// Neither `ovpn` nor `ovpn-dco-v2` is available.
  case noKernelSupport
  /// The kernel API of this interface cannot do what was asked.
  case unsupported(String)

  /// The errno of `.system` and `.kernel`; nil for every other case.
  public var errno: Int32? {
    switch self {
    case .system(_, let e), .kernel(let e, _): return e
    default: return nil
    }
  }
}

/// `strerror` without Foundation.
public func errnoDescription(_ code: Int32) -> String {
  guard let s = strerror(code) else { return "error \(code)" }
  return String(cString: s)
}
