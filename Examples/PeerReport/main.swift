// ovpn-peer-report: what a small monitoring daemon built on DCONetlink
// looks like. It prints every ovpn interface's peers with their traffic,
// then, with --watch, follows the kernel's peer events until killed,
// listing the peers again whenever notifications were lost.
//
//   swift run ovpn-peer-report [--watch]        (as root, or with CAP_NET_ADMIN)

import DCONetlink
import Glibc

/// One line to standard output, written at once (a log reads it live).
func say(_ text: String) {
  let line = Array((text + "\n").utf8)
  _ = write(1, line, line.count)
}

func report(_ interfaces: [OvpnInterface]) {
  for tun in interfaces {
    say("\(tun.link.name) (\(tun.api.rawValue), ifindex \(tun.link.index))")
    do throws(NetlinkError) {
      try tun.forEachPeer { peer in
        let remote = peer.remote.map { "\($0)" } ?? "-"
        say("  peer \(peer.id) \(remote) rx \(peer.stats.vpnRxBytes) B tx \(peer.stats.vpnTxBytes) B")
      }
    } catch {
      say("  cannot list peers: \(error)")
    }
  }
}

func fail(_ error: NetlinkError) -> Never {
  let line = Array("ovpn-peer-report: \(error)\n".utf8)
  _ = write(2, line, line.count)
  exit(1)
}

let watch = CommandLine.arguments.dropFirst().first == "--watch"
let interfaces: [OvpnInterface]
do throws(NetlinkError) { interfaces = try OvpnInterface.all() } catch { fail(error) }
report(interfaces)
guard watch, let first = interfaces.first else { exit(0) }

// One stream per API in use; here, the first interface's.
let events: PeerEventStream
do throws(NetlinkError) { events = try first.events() } catch { fail(error) }
let names = Dictionary(interfaces.map { ($0.link.index, $0.link.name) }, uniquingKeysWith: { a, _ in a })
while true {
  var fd = pollfd(fd: events.fileDescriptor, events: Int16(POLLIN), revents: 0)
  guard poll(&fd, 1, -1) >= 0 || errno == EINTR else { fail(.system(operation: "poll", errno: errno)) }
  var lost = false
  do throws(NetlinkError) {
    try events.drain { item in
      switch item {
      case .event(.peerDeleted(let index, let id, let reason)):
        say("\(names[index] ?? "?"): peer \(id) deleted (\(reason?.name ?? "unknown reason"))")
      case .event(.keySwap(let index, let id, let keyID)):
        say("\(names[index] ?? "?"): peer \(id) needs a new key (key-id \(keyID) ran out)")
      case .event(.peerFloat(let index, let id, let remote)):
        say("\(names[index] ?? "?"): peer \(id) moved to \(remote.map { "\($0)" } ?? "?")")
      case .lost:
        lost = true
      case .malformed(let error):
        say("skipped a notification: \(error)")
      }
    }
  } catch {
    fail(error)
  }
  if lost { report(interfaces) }
}
