import CMnl
import DCONetlink
import Glibc

/// What the `peers` multicast groups deliver, decoded: an event, or the
/// news that the kernel dropped some (ENOBUFS).
enum PeerNotification: Equatable {
  case event(OvpnEvent)
  case lost
}

/// A subscription to the `peers` group of every loaded ovpn family, read
/// without blocking. The metrics endpoint consumes only `PeerNotification`
/// values from it, so the source can change (a shared subscription type)
/// without touching the consumer.
final class EventFeed {
  private let socket: NetlinkSocket
  private var codecs: [UInt16: any OvpnCodec] = [:]
  private var buffer = [UInt8](repeating: 0, count: 65536)

  var fileDescriptor: Int32 { socket.fileDescriptor }

  init(receiveBuffer: Int32) throws(CommandError) {
    socket = try kernel(.monitor) { () throws(NetlinkError) in try NetlinkSocket(bus: NETLINK_GENERIC) }
    socket.setReceiveBuffer(bytes: receiveBuffer)
  }

  /// Joins the groups of families not joined yet (a module loaded after the
  /// start is picked up on the next call). Returns whether any is joined.
  @discardableResult
  func join(_ client: DCOClient) -> Bool {
    for kind in OvpnKind.allCases {
      guard let c = try? client.codec(for: kind), codecs[c.family.id] == nil,
        let group = c.family.multicastGroups["peers"]
      else { continue }
      if (try? socket.join(group: group)) != nil { codecs[c.family.id] = c }
    }
    return !codecs.isEmpty
  }

  /// What has arrived, without waiting: at most `limit` datagrams, so a
  /// flood of events cannot hold the caller. Messages that do not decode
  /// are skipped (and reported through `problem`).
  func drain(limit: Int = 4096, _ problem: (String) -> Void) -> [PeerNotification] {
    var out: [PeerNotification] = []
    for _ in 0..<limit {
      let n = recv(socket.fileDescriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
      if n < 0 {
        let e = cmnl_errno()
        if e == EINTR { continue }
        if e == ENOBUFS {
          out.append(.lost)
          continue
        }
        if e != EAGAIN { problem("recv: \(errnoDescription(e))") }
        return out
      }
      if n == 0 { return out }
      buffer.withUnsafeBytes { raw in
        let datagram = UnsafeRawBufferPointer(rebasing: raw[0..<n])
        do throws(NetlinkError) {
          try NotificationReader.forEach(datagram) { (msg) throws(NetlinkError) in
            guard let codec = codecs[msg.type] else { return }
            do throws(NetlinkError) {
              if let e = try codec.decodeEvent(msg) { out.append(.event(e)) }
            } catch {
              problem(ErrorMessages.netlink(error, .monitor))
            }
          }
        } catch {
          problem(ErrorMessages.netlink(error, .monitor))
        }
      }
    }
    return out
  }
}
