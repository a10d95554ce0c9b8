// The one sentence a user reads for each failure.

import DCONetlink
import Glibc
import Testing

@testable import ovpnctl

func message(_ e: NetlinkError, _ op: ovpnctl.Operation) -> String { ErrorMessages.describe(.netlink(e, op)) }

@Suite struct ErrorMessagesTests {
  @Test func sentencesEndWithExactlyOnePeriod() {
    #expect(ErrorMessages.sentence("bad thing") == "Error: bad thing.")
    #expect(ErrorMessages.sentence("bad thing.") == "Error: bad thing.")
    #expect(ErrorMessages.sentence("bad thing.. \n") == "Error: bad thing.")
    #expect(
      ErrorMessages.describe(.usage(UsageError("argument \"x\" is wrong: y"))) == "Error: argument \"x\" is wrong: y.")
    #expect(ErrorMessages.describe(.failure("getrandom: oops")) == "Error: getrandom: oops.")
  }

  @Test func kernelExtackTextIsShownAsIs() {
    let ack = ExtAck(message: "ovpn: cannot find peer with id 5", offset: 28)
    #expect(
      message(.kernel(errno: ENOENT, extack: ack), .peerDel(dev: "tun0", id: 5))
        == "Error: ovpn: cannot find peer with id 5.")
    let missing = ExtAck(message: "Missing attribute", missingType: 1)
    #expect(
      message(.kernel(errno: EINVAL, extack: missing), .other) == "Error: Missing attribute (missing attribute 1).")
  }

  @Test func legacyErrnoHints() {
    let none = ExtAck()
    #expect(
      message(.kernel(errno: ENOENT, extack: none), .peerDel(dev: "tun0", id: 3)) == "Error: no peer with id 3 on tun0."
    )
    #expect(
      message(.kernel(errno: ENOENT, extack: none), .keySwap(dev: "tun0", peer: 4))
        == "Error: no peer with id 4 on tun0.")
    #expect(
      message(.kernel(errno: EEXIST, extack: none), .peerAdd(dev: "tun0", id: 3))
        == "Error: peer id 3 already exists on tun0.")
    #expect(
      message(.kernel(errno: EEXIST, extack: none), .linkAdd("tun0"))
        == "Error: an interface named \"tun0\" already exists.")
    #expect(
      message(.kernel(errno: ENOTSOCK, extack: none), .peerAdd(dev: "tun0", id: 3))
        == "Error: the kernel refused the transport socket: it is bad, not UDP/TCP, or already used by another interface or program."
    )
    #expect(
      message(.kernel(errno: ENODEV, extack: none), .peerSet(dev: "tun9", id: 1))
        == "Error: cannot find device \"tun9\".")
    #expect(
      message(.kernel(errno: EINVAL, extack: ExtAck(offset: 28)), .peerAdd(dev: "tun0", id: 3))
        == "Error: tun0 rejected the request as invalid (an MP interface needs a vpn-ip for each peer; a UDP peer a remote) at request offset 28; the module logs its reason to dmesg."
    )
    #expect(
      message(.kernel(errno: EINVAL, extack: none), .keyAdd(dev: "tun0", peer: 1))
        == "Error: tun0 rejected the request as invalid (check cipher and key length); the module logs its reason to dmesg."
    )
    #expect(
      message(.kernel(errno: EOPNOTSUPP, extack: none), .linkAdd("x"))
        == "Error: this kernel cannot create that kind of interface.")
    #expect(message(.kernel(errno: ENOENT, extack: none), .linkShow) == "Error: No such file or directory.")
  }

  @Test func eachEnvironmentProblemHasItsOwnSentence() {
    let sentences = [
      message(.familyNotFound("ovpn"), .linkAdd("t")),
      message(.familyNotFound("ovpn-dco-v2"), .linkAdd("t")),
      message(.noKernelSupport, .linkAdd("t")),
      message(.obsoleteAPI, .linkAdd("t")),
      message(.noSuchDevice("tun0"), .linkShow),
      message(.notOvpn(name: "eth0", kind: "veth"), .linkShow),
      message(.kernel(errno: EPERM, extack: ExtAck()), .peerAdd(dev: "tun0", id: 1)),
    ]
    #expect(Set(sentences).count == sentences.count)
    #expect(sentences[0].contains("modprobe ovpn"))
    #expect(sentences[1].contains("openvpn-dco-dkms"))
    #expect(sentences[4] == "Error: cannot find device \"tun0\".")
    #expect(sentences[5] == "Error: \"eth0\" is not an ovpn interface (kind: veth).")
    #expect(
      message(.notOvpn(name: "lo", kind: nil), .linkShow) == "Error: \"lo\" is not an ovpn interface (kind: none).")
    #expect(sentences[6] == "Error: permission denied: managing ovpn interfaces needs CAP_NET_ADMIN (run as root).")
  }

  @Test func permissionFromAnySource() {
    let p = "Error: " + ErrorMessages.permission + "."
    #expect(message(.system(operation: "sendto", errno: EPERM), .other) == p)
    #expect(message(.system(operation: "sendto", errno: EACCES), .other) == p)
    #expect(message(.kernel(errno: EACCES, extack: ExtAck()), .linkAdd("t")) == p)
  }

  @Test func otherLibraryErrors() {
    #expect(
      message(.system(operation: "bind 0.0.0.0:1194", errno: EADDRINUSE), .other)
        == "Error: bind 0.0.0.0:1194: Address already in use.")
    #expect(
      message(.malformed("peer without ID"), .other) == "Error: malformed reply from the kernel: peer without ID.")
    #expect(
      message(.unsupported("the ovpn-dco-v2 API cannot read keys back"), .other)
        == "Error: the ovpn-dco-v2 API cannot read keys back.")
    #expect(message(.dumpInterrupted, .linkShow) == "Error: the kernel kept interrupting the dump; try again.")
    #expect(message(.messageTooLarge, .other) == "Error: request does not fit in one netlink message.")
  }
}
