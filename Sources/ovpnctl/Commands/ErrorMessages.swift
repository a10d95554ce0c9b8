import CMnl
import DCONetlink

/// Turns failures into the one sentence a user reads, in iproute2's wording.
enum ErrorMessages {
  static func describe(_ error: CommandError) -> String {
    switch error {
    case .usage(let u): return sentence(u.message)
    case .failure(let text): return sentence(text)
    case .netlink(let e, let op): return sentence(netlink(e, op))
    }
  }

  /// `Error: text.` with exactly one final period.
  static func sentence(_ text: String) -> String {
    var t = text
    while t.hasSuffix(".") || t.hasSuffix(" ") || t.hasSuffix("\n") { t.removeLast() }
    return "Error: \(t)."
  }

  static func netlink(_ e: NetlinkError, _ op: Operation) -> String {
    switch e {
    case .kernel(let code, let ack):
      if let text = ack.message, !text.isEmpty {
        if let missing = ack.missingType { return "\(text) (missing attribute \(missing))" }
        return text
      }
      return kernelErrno(code, op, ack)
    case .system(let operation, let code):
      if code == EPERM || code == EACCES { return permission }
      return "\(operation): \(errnoDescription(code))"
    case .familyNotFound(let name):
      if name == "ovpn" {
        return "the ovpn generic netlink family is not available: this kernel has no ovpn module "
          + "(Linux >= 6.16, CONFIG_OVPN; try \"modprobe ovpn\")"
      }
      return "the \(name) generic netlink family is not available: the ovpn-dco-v2 module is not "
        + "loaded (Debian package openvpn-dco-dkms; try \"modprobe ovpn-dco-v2\")"
    case .noKernelSupport:
      return "this kernel has no OpenVPN data channel offload support: neither the ovpn module "
        + "(Linux >= 6.16) nor ovpn-dco-v2 (openvpn-dco-dkms) is available"
    case .obsoleteAPI:
      return "only the pre-2023 ovpn-dco generic netlink API is loaded; ovpnctl speaks ovpn-dco-v2 "
        + "(openvpn-dco-dkms from late 2023 on) and ovpn (Linux >= 6.16)"
    case .noSuchDevice(let name):
      return "cannot find device \"\(name)\""
    case .notOvpn(let name, let kind):
      return "\"\(name)\" is not an ovpn interface (kind: \(kind ?? "none"))"
    case .unsupported(let text):
      return text
    case .malformed(let text):
      return "malformed reply from the kernel: \(text)"
    case .messageTooLarge:
      return "request does not fit in one netlink message"
    case .dumpInterrupted:
      return "the kernel kept interrupting the dump; try again"
    }
  }

  static let permission =
    "permission denied: managing ovpn interfaces needs CAP_NET_ADMIN (run as root)"

  /// The legacy module sends no text: say what its errno means for this operation.
  static func kernelErrno(_ code: Int32, _ op: Operation, _ ack: ExtAck) -> String {
    let dev = op.dev ?? "the interface"
    switch code {
    case EPERM, EACCES:
      return permission
    case ENOENT:
      if let peer = op.peer { return "no peer with id \(peer) on \(dev)" }
    case EEXIST:
      if case .linkAdd(let name) = op { return "an interface named \"\(name)\" already exists" }
      if let peer = op.peer { return "peer id \(peer) already exists on \(dev)" }
    case ENOTSOCK:
      return "the kernel refused the transport socket: it is bad, not UDP/TCP, or already used "
        + "by another interface or program"
    case ENODEV:
      return "cannot find device \"\(dev)\""
    case EINVAL:
      var hint = ""
      switch op {
      case .peerAdd: hint = " (an MP interface needs a vpn-ip for each peer; a UDP peer a remote)"
      case .keyAdd: hint = " (check cipher and key length)"
      default: break
      }
      if let offset = ack.offset { hint += " at request offset \(offset)" }
      return "\(dev) rejected the request as invalid\(hint); the module logs its reason to dmesg"
    case EOPNOTSUPP:
      if case .linkAdd = op { return "this kernel cannot create that kind of interface" }
    default:
      break
    }
    return errnoDescription(code)
  }
}
