// The keeper's bookkeeping: which socket each peer uses, and when a socket
// is no longer needed.

import DCONetlink
import Testing

@testable import ovpnctl

private let a = Endpoint(address: .any(v6: true), port: 1194)
private let b = Endpoint(address: .any(v6: false), port: 1195)

@Suite struct KeeperHoldingsTests {
  @Test func sharedSocketLivesWhilePeersOrReservationsDo() {
    var h = KeeperHoldings()
    h.reserve(a, newSocket: 10)
    h.reserve(a)  // a second client, same socket
    #expect(h.udpSocket(a) == 10)
    #expect(h.attach(1, to: a) == [])
    #expect(h.attach(2, to: a) == [])
    #expect(h.release(a) == [])
    #expect(h.release(a) == [])  // peers still use it
    #expect(h.allPeers() == [1, 2])
    #expect(h.forget([1]) == [])
    #expect(h.forget([2]) == [10])
    #expect(h.isEmpty)
  }

  @Test func reservationWithoutPeerIsReleased() {
    var h = KeeperHoldings()
    h.reserve(a, newSocket: 10)
    #expect(h.release(a) == [10])
    #expect(h.isEmpty)
  }

  @Test func attachToUnknownSocketIsRefused() {
    var h = KeeperHoldings()
    #expect(h.attach(1, to: a) == nil)
  }

  @Test func peerIDMovesBetweenSockets() {
    var h = KeeperHoldings()
    h.reserve(a, newSocket: 10)
    _ = h.attach(1, to: a)
    _ = h.release(a)
    h.reserve(b, newSocket: 11)
    // Peer 1 re-added on another port: the old socket has no peer left.
    #expect(h.attach(1, to: b) == [10])
    #expect(h.adoptTCP(1, fd: 12) == [])  // b is still reserved
    #expect(h.release(b) == [11])
    #expect(h.adoptTCP(1, fd: 13) == [12])
    #expect(h.allPeers() == [1])
  }

  @Test func keepOnlyDropsWhatTheDumpLacks() {
    var h = KeeperHoldings()
    h.reserve(a, newSocket: 10)
    for id in UInt32(1)...5 { _ = h.attach(id, to: a) }
    _ = h.release(a)
    _ = h.adoptTCP(9, fd: 20)
    #expect(h.keepOnly([2, 3]).sorted() == [20])
    #expect(h.allPeers() == [2, 3])
    #expect(h.peerCount == 2)
    #expect(h.removeAll() == [10])
  }

  @Test func unwatchedSocketsStayHeld() {
    var h = KeeperHoldings()
    _ = h.adoptTCP(4, fd: 30)
    #expect(h.watchedDescriptors().map(\.0) == [30])
    h.unwatch(fd: 30)
    #expect(h.watchedDescriptors().isEmpty)
    #expect(h.allPeers() == [4])
  }
}
