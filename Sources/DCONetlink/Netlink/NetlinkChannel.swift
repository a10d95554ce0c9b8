/// Where netlink datagrams go and come from: a kernel socket in production,
/// canned replies in the decoder tests.
package protocol NetlinkChannel: AnyObject {
  /// The local port id the kernel addresses replies to.
  var portID: UInt32 { get }
  func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError)
  /// Receives one datagram into `buffer`; returns its length.
  func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int
  /// Receives at least one and at most `max` datagrams, the i-th into
  /// `buffer` at offset i × `slot`; returns their lengths. Blocks only
  /// until the first arrives.
  func receive(many max: Int, into buffer: UnsafeMutableRawBufferPointer, slot: Int)
    throws(NetlinkError) -> [Int]
}

extension NetlinkChannel {
  /// One datagram at a time, for channels that can do no better.
  package func receive(many max: Int, into buffer: UnsafeMutableRawBufferPointer, slot: Int)
    throws(NetlinkError) -> [Int]
  {
    [try receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<slot]))]
  }
}
