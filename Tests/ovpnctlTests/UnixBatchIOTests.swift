// cmnl_send_many and cmnl_recv_many, which carry a batch window's keeper
// records: on a unix SEQPACKET pair, messages arrive whole and in order,
// a descriptor that comes along is closed and counted, a message longer
// than its slot is flagged, an empty socket never blocks, and a hang-up is
// seen.

import CMnl
import Glibc
import Testing

private func seqpacketPair() throws -> (Int32, Int32) {
  var fds: [Int32] = [-1, -1]
  try #require(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &fds) == 0)
  return (fds[0], fds[1])
}

private func openDescriptors() -> Int {
  guard let d = opendir("/proc/self/fd") else { return -1 }
  defer { closedir(d) }
  var n = 0
  while readdir(d) != nil { n += 1 }
  return n
}

@Suite struct UnixBatchIOTests {
  @Test func messagesArriveWholeAndInOrder() throws {
    let (a, b) = try seqpacketPair()
    defer {
      close(a)
      close(b)
    }
    let messages: [[UInt8]] = (1...150).map { i in (0..<(i % 40 + 1)).map { UInt8(truncatingIfNeeded: i &+ $0) } }
    let bytes = messages.flatMap { $0 }
    let lengths = messages.map { UInt32($0.count) }
    var sent = 0
    var offset = 0
    var calls = 0
    while sent < messages.count {
      let n = bytes.withUnsafeBytes { p in
        lengths.withUnsafeBufferPointer { l in
          cmnl_send_many(a, p.baseAddress! + offset, l.baseAddress! + sent, UInt32(messages.count - sent))
        }
      }
      try #require(n > 0 && n <= 64)
      for i in sent..<(sent + Int(n)) { offset += messages[i].count }
      sent += Int(n)
      calls += 1
    }
    #expect(calls == 3)  // 64 + 64 + 22

    let slot = 64
    var buffer = [UInt8](repeating: 0, count: 64 * slot)
    var got: [[UInt8]] = []
    while got.count < messages.count {
      var lengths = [UInt32](repeating: 0, count: 64)
      var flags = [Int32](repeating: -1, count: 64)
      var fds = [Int32](repeating: -1, count: 64)
      let n = buffer.withUnsafeMutableBytes { cmnl_recv_many(b, $0.baseAddress, slot, 64, &lengths, &flags, &fds) }
      try #require(n > 0)
      for i in 0..<Int(n) {
        #expect(flags[i] & Int32(MSG_TRUNC | MSG_CTRUNC) == 0)
        #expect(fds[i] == 0)
        got.append(Array(buffer[(i * slot)..<(i * slot + Int(lengths[i]))]))
      }
    }
    #expect(got == messages)
  }

  @Test func aDescriptorThatComesAlongIsClosedAndCounted() throws {
    let (a, b) = try seqpacketPair()
    defer {
      close(a)
      close(b)
    }
    var p: [Int32] = [-1, -1]
    try #require(pipe(&p) == 0)
    let message: [UInt8] = [0x83]
    #expect(message.withUnsafeBytes { cmnl_send_fd(a, p[0], $0.baseAddress, 1) } == 1)
    close(p[0])
    close(p[1])
    let before = openDescriptors()
    var buffer = [UInt8](repeating: 0, count: 64)
    var lengths: [UInt32] = [0, 0]
    var flags: [Int32] = [0, 0]
    var fds: [Int32] = [0, 0]
    let n = buffer.withUnsafeMutableBytes { cmnl_recv_many(b, $0.baseAddress, 32, 2, &lengths, &flags, &fds) }
    #expect(n == 1)
    #expect(fds[0] == 1)
    #expect(lengths[0] == 1 && buffer[0] == 0x83)
    #expect(openDescriptors() == before)
  }

  @Test func aMessageLongerThanItsSlotIsFlagged() throws {
    let (a, b) = try seqpacketPair()
    defer {
      close(a)
      close(b)
    }
    let long = [UInt8](repeating: 7, count: 100)
    var lengths: [UInt32] = [100]
    #expect(long.withUnsafeBytes { cmnl_send_many(a, $0.baseAddress, &lengths, 1) } == 1)
    var buffer = [UInt8](repeating: 0, count: 64)
    var flags: [Int32] = [0]
    var fds: [Int32] = [0]
    let n = buffer.withUnsafeMutableBytes { cmnl_recv_many(b, $0.baseAddress, 64, 1, &lengths, &flags, &fds) }
    #expect(n == 1)
    #expect(flags[0] & Int32(MSG_TRUNC) != 0)
  }

  @Test func anEmptySocketDoesNotBlockAndAHangUpIsSeen() throws {
    let (a, b) = try seqpacketPair()
    defer { close(b) }
    var buffer = [UInt8](repeating: 0, count: 64)
    var lengths: [UInt32] = [0]
    var flags: [Int32] = [0]
    var fds: [Int32] = [0]
    var n = buffer.withUnsafeMutableBytes { cmnl_recv_many(b, $0.baseAddress, 64, 1, &lengths, &flags, &fds) }
    #expect(n == -1 && errno == EAGAIN)
    close(a)
    n = buffer.withUnsafeMutableBytes { cmnl_recv_many(b, $0.baseAddress, 64, 1, &lengths, &flags, &fds) }
    // A hang-up reads as no message, or as one of no bytes: both say the
    // keeper is gone (KeeperClient.receiveReplies).
    #expect(n == 0 || (n == 1 && lengths[0] == 0))
  }
}
