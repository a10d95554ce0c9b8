import CMnl
import DCONetlink

/// Output rendered straight into bytes: text, decimals and addresses are
/// written into one buffer without intermediate Strings. A streaming
/// command hands the buffer to stdout whenever it fills (`flushingAt`), so
/// its memory stays flat however long the output; otherwise the caller
/// takes the whole text (`string`).
struct OutputBuffer {
  private(set) var bytes: [UInt8] = []
  /// Hand the bytes to stdout once this many are waiting; nil keeps them all.
  let flushLimit: Int?

  init(flushingAt limit: Int? = nil) {
    flushLimit = limit
    bytes.reserveCapacity(limit.map { $0 + 4096 } ?? 256)
  }

  /// A buffer for stdout that is written out in chunks of about 64 KiB.
  static func stdout() -> OutputBuffer { OutputBuffer(flushingAt: 65536) }

  var string: String { String(decoding: bytes, as: UTF8.self) }

  mutating func append(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

  mutating func append(byte: UInt8) { bytes.append(byte) }

  mutating func append(bytes b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }

  mutating func append(spaces n: Int) {
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n))
  }

  /// A decimal number.
  mutating func append<T: BinaryInteger>(_ value: T) {
    if value < 0 {
      bytes.append(UInt8(ascii: "-"))
    }
    appendDecimal(UInt64(value.magnitude))
  }

  mutating func appendDecimal(_ value: UInt64) {
    if value < 10 {
      bytes.append(UInt8(truncatingIfNeeded: 48 &+ value))
      return
    }
    // 20 digits hold UInt64.max.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { d in
      var i = 20
      var n = value
      while n > 0 {
        i -= 1
        d[i] = UInt8(truncatingIfNeeded: 48 &+ n % 10)
        n /= 10
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[i..<20]))
    }
  }

  /// An address in its usual text form (inet_ntop's for IPv6).
  mutating func append(_ address: IPAddress) {
    let b = address.bytes
    if b.count == 4 {
      appendDecimal(UInt64(b[0]))
      bytes.append(UInt8(ascii: "."))
      appendDecimal(UInt64(b[1]))
      bytes.append(UInt8(ascii: "."))
      appendDecimal(UInt64(b[2]))
      bytes.append(UInt8(ascii: "."))
      appendDecimal(UInt64(b[3]))
      return
    }
    // INET6_ADDRSTRLEN is 46.
    var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &text) { t in
      let out = t.baseAddress!.assumingMemoryBound(to: CChar.self)
      let ok = b.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, out, socklen_t(t.count)) } != nil
      if ok { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: t[0..<strlen(out)])) }
    }
  }

  /// Writes to stdout if the buffer holds at least its limit.
  mutating func flushIfFull() {
    if let limit = flushLimit, bytes.count >= limit { flush() }
  }

  /// Writes everything to stdout (through stdio, so it stays in order with
  /// Terminal's writes) and empties the buffer.
  mutating func flush() {
    bytes.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, cmnl_stdout()) }
    bytes.removeAll(keepingCapacity: true)
  }
}
