/// Where netlink datagrams go and come from: a kernel socket in production,
/// canned replies in the decoder tests.
public protocol NetlinkTransport: AnyObject {
  /// The local port id the kernel addresses replies to.
  var portID: UInt32 { get }
  func send(_ message: UnsafeRawBufferPointer) throws(NetlinkError)
  /// Receives one datagram into `buffer`; returns its length.
  func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> Int
}
