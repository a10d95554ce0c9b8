import CMnl

/// An outgoing netlink message built in place with libmnl.
///
/// The buffer is owned by the instance, never grows, and what was written
/// to it is wiped when the message is released, because key requests carry
/// secrets. Only the bytes a message covers are cleared, before and after:
/// clearing all 8 KiB twice cost more than building a request.
package final class NetlinkMessage {
  package static let defaultCapacity = 8192

  private let storage: UnsafeMutableRawBufferPointer
  let header: UnsafeMutablePointer<nlmsghdr>
  /// The longest the message has been: a cancelled nest leaves bytes
  /// beyond the final length.
  private var written = 0

  package init(type: UInt16, flags: UInt16, capacity: Int = NetlinkMessage.defaultCapacity) {
    storage = .allocate(byteCount: capacity, alignment: 8)
    header = mnl_nlmsg_put_header(storage.baseAddress)
    header.pointee.nlmsg_type = type
    header.pointee.nlmsg_flags = flags
    written = length
  }

  deinit {
    cmnl_explicit_bzero(storage.baseAddress, max(written, length))
    storage.deallocate()
  }

  package var sequence: UInt32 {
    get { header.pointee.nlmsg_seq }
    set { header.pointee.nlmsg_seq = newValue }
  }

  package var flags: UInt16 { header.pointee.nlmsg_flags }
  package var length: Int { Int(header.pointee.nlmsg_len) }

  /// The encoded message, for tests and channels.
  package var bytes: [UInt8] { Array(UnsafeRawBufferPointer(rebasing: storage[0..<length])) }

  package func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(NetlinkError) -> R)
    throws(NetlinkError) -> R
  {
    try body(UnsafeRawBufferPointer(rebasing: storage[0..<length]))
  }

  /// Appends a fixed family header (genlmsghdr, ifinfomsg) after the nlmsghdr.
  package func putExtraHeader<T>(_ value: T) {
    let p = mnl_nlmsg_put_extra_header(header, MemoryLayout<T>.size)!
    p.storeBytes(of: value, as: T.self)
    written = max(written, length)
  }

  package func putGenlHeader(command: UInt8, version: UInt8) {
    putExtraHeader(genlmsghdr(cmd: command, version: version, reserved: 0))
  }

  package func put(_ type: UInt16, bytes: UnsafeRawBufferPointer) throws(NetlinkError) {
    // Zero what the attribute will cover: older libmnl leaves its padding as it was.
    let at = length
    let room = min((4 + bytes.count + 3) & ~3, storage.count - at)
    if room > 0 { (storage.baseAddress! + at).initializeMemory(as: UInt8.self, repeating: 0, count: room) }
    guard mnl_attr_put_check(header, storage.count, type, bytes.count, bytes.baseAddress)
    else { throw .messageTooLarge }
    written = max(written, length)
  }

  package func put(_ type: UInt16, bytes: [UInt8]) throws(NetlinkError) {
    let result = bytes.withUnsafeBytes { raw in
      Result { () throws(NetlinkError) in try put(type, bytes: raw) }
    }
    try result.get()
  }

  package func put<T: FixedWidthInteger>(_ type: UInt16, _ value: T) throws(NetlinkError) {
    try withUnsafeBytes(of: value) { (raw) throws(NetlinkError) in try put(type, bytes: raw) }
  }

  /// Puts an integer in network byte order (be16/be32 attributes).
  package func put<T: FixedWidthInteger>(_ type: UInt16, bigEndian value: T) throws(NetlinkError) {
    try put(type, value.bigEndian)
  }

  /// Puts a NUL-terminated string.
  package func put(_ type: UInt16, string: String) throws(NetlinkError) {
    var bytes = Array(string.utf8)
    bytes.append(0)
    try put(type, bytes: bytes)
  }

  /// Opens a nest (libmnl sets NLA_F_NESTED), runs `body`, closes it.
  package func nest(_ type: UInt16, _ body: () throws(NetlinkError) -> Void) throws(NetlinkError) {
    guard let start = mnl_attr_nest_start_check(header, storage.count, type) else {
      throw .messageTooLarge
    }
    written = max(written, length)
    do throws(NetlinkError) {
      try body()
    } catch {
      mnl_attr_nest_cancel(header, start)
      throw error
    }
    mnl_attr_nest_end(header, start)
  }
}
