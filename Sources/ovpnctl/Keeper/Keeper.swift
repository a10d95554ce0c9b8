import CMnl
import DCONetlink
import Glibc

/// The socket keeper of one interface (see KeeperClient for the protocol).
/// It holds every transport socket ovpnctl created for the interface's
/// peers, drains the control packets the kernel passes up on them, and
/// exits once none of its peers remains — or the interface is gone.
enum Keeper {
  /// One held transport socket and the peers using it.
  struct Held {
    var fd: Int32
    var peers: Set<UInt32>
  }

  /// Seconds between checks that the held peers still exist.
  static let resyncInterval: Int32 = 30

  static func run(listener: Int32, ifindex: Int32) -> Never {
    detach(listener: listener)
    var held: [String: Held] = [:]
    let client = DCOClient()
    guard let link = try? client.link(index: ifindex), let kind = link.ovpnKind,
      let codec = try? client.codec(for: kind)
    else { _exit(0) }
    let events = try? NetlinkSocket(bus: NETLINK_GENERIC)
    if let events, let group = codec.family.multicastGroups["peers"] {
      events.setReceiveBuffer(bytes: 1 << 20)
      try? events.join(group: UInt32(group))
    }
    var served = false
    var buffer = [UInt8](repeating: 0, count: 65536)

    func stillThere(_ id: UInt32) -> Bool {
      do {
        _ = try client.peer(link, codec: codec, id: id)
        return true
      } catch .kernel(let e, _) where e == ENOENT || e == ENODEV {
        return false
      } catch .noSuchDevice {
        return false
      } catch {
        return true  // unsure: keep the socket rather than break a tunnel
      }
    }

    func forget(where gone: (UInt32) -> Bool) {
      for (key, var h) in held {
        h.peers = h.peers.filter { !gone($0) }
        if h.peers.isEmpty {
          close(h.fd)
          held[key] = nil
        } else {
          held[key] = h
        }
      }
    }

    while true {
      var fds = [pollfd(fd: 3, events: Int16(POLLIN), revents: 0)]
      if let events { fds.append(pollfd(fd: events.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
      let keys = Array(held.keys)
      for k in keys { fds.append(pollfd(fd: held[k]!.fd, events: Int16(POLLIN), revents: 0)) }
      let ready = poll(&fds, nfds_t(fds.count), resyncInterval * 1000)
      if ready < 0 && cmnl_errno() != EINTR { _exit(1) }
      if ready == 0 {
        // Nobody came, or every peer went unnoticed: nothing to keep.
        if held.isEmpty { _exit(0) }
        if (try? client.link(index: ifindex)) == nil {
          forget { _ in true }
        } else {
          forget { !stillThere($0) }
        }
      }
      if fds[0].revents & Int16(POLLIN) != 0 {
        let c = accept(3, nil, nil)
        if c >= 0 {
          serve(c, &held)
          close(c)
          served = true
        }
      }
      if let events, fds[1].revents != 0 {
        var changed: Set<UInt32> = []
        var lost = false
        while true {
          let n = recv(events.fileDescriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
          if n < 0 {
            if cmnl_errno() == ENOBUFS { lost = true; continue }
            break
          }
          buffer.withUnsafeBytes { raw in
            try? forEachNotification(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { msg in
              if case .peerDeleted(let i, let id, _)? = try? codec.decodeEvent(msg),
                i == UInt32(ifindex)
              {
                changed.insert(id)
              }
            }
          }
        }
        if lost {
          forget { !stillThere($0) }
        } else if !changed.isEmpty {
          forget { changed.contains($0) && !stillThere($0) }
        }
      }
      // Drain what the kernel passes up on the transports: control packets
      // nobody here reads. A closed TCP stream is left to the kernel.
      let firstTransport = events == nil ? 1 : 2
      for (i, k) in keys.enumerated() where fds[firstTransport + i].revents & Int16(POLLIN) != 0 {
        guard let fd = held[k]?.fd else { continue }
        while recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
      }
      if held.isEmpty && served { _exit(0) }
    }
  }

  /// Becomes a daemon: own session, no terminal, only the listener open (as fd 3).
  static func detach(listener: Int32) {
    _ = setsid()
    _ = chdir("/")
    signal(SIGPIPE, SIG_IGN)
    signal(SIGHUP, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    if listener != 3 {
      _ = dup2(listener, 3)
    }
    _ = fcntl(3, F_SETFD, FD_CLOEXEC)
    _ = cmnl_close_from(4)
    let null = open("/dev/null", O_RDWR)
    if null >= 0 {
      _ = dup2(null, 0)
      _ = dup2(null, 1)
      _ = dup2(null, 2)
      if null > 3 { close(null) }
    }
    _ = cmnl_set_process_name("ovpnctl-keeper")
  }

  /// Answers one client until it hangs up (10 s without a request ends it).
  static func serve(_ c: Int32, _ held: inout [String: Held]) {
    var buffer = [UInt8](repeating: 0, count: 1024)
    while true {
      var pfd = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
      guard poll(&pfd, 1, 10_000) == 1 else { return }
      var fd: Int32 = -1
      let n = buffer.withUnsafeMutableBytes { cmnl_recv_fd(c, &fd, $0.baseAddress, $0.count) }
      guard n > 0 else { return }
      let words = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ").map(String.init)
      var reply = "ERR bad request"
      var passing: Int32 = -1
      switch words.first {
      case "GET" where words.count == 3:
        if let h = held["\(words[1]) \(words[2])"] {
          reply = "FD"
          passing = h.fd
        } else {
          reply = "NONE"
        }
      case "ADOPT" where words.count == 4 && fd >= 0:
        guard let id = UInt32(words[3]) else { break }
        let key = words[1] == "tcp" ? "tcp \(id)" : "\(words[1]) \(words[2])"
        if let old = held[key] { close(old.fd) }
        held[key] = Held(fd: fd, peers: [id])
        fd = -1
        reply = "OK"
      case "ADD" where words.count == 4:
        guard let id = UInt32(words[3]) else { break }
        let key = "\(words[1]) \(words[2])"
        if held[key] != nil {
          held[key]!.peers.insert(id)
          reply = "OK"
        } else {
          reply = "ERR unknown socket"
        }
      case "LIST":
        let ids = Set(held.values.flatMap(\.peers)).sorted()
        reply = (["IDS"] + ids.map(String.init)).joined(separator: " ")
      default:
        break
      }
      if fd >= 0 { close(fd) }
      let bytes = Array(reply.utf8)
      _ = bytes.withUnsafeBytes { cmnl_send_fd(c, passing, $0.baseAddress, $0.count) }
    }
  }
}

/// Walks the messages of a multicast datagram (seq 0, port id 0).
func forEachNotification(
  _ datagram: UnsafeRawBufferPointer, _ body: (ReceivedMessage) throws(NetlinkError) -> Void
) throws(NetlinkError) {
  try NotificationReader.forEach(datagram, body)
}
