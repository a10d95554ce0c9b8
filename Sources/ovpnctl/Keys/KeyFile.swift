import CMnl
import DCONetlink
import Glibc

/// Key files: one line of base64 holding the key followed by the 8-byte
/// nonce tail. Read straight into wiped buffers; `-` is standard input.
enum KeyFile {
  /// Longest file accepted: far more than any key line.
  static let maxFileSize = 4096

  /// `warn` hears of a file that others may read (warnIfShared).
  static func read(
    _ path: String, cipher: Cipher, role: String, warn: (String) -> Void = Terminal.err
  ) throws(UsageError) -> SecretBytes {
    let raw = try readAll(path, warn: warn)
    // Words for the errors only: a batch reads thousands of key files.
    var name: String { path == "-" ? "standard input" : "\"\(path)\"" }
    let decoded: SecretBytes? = raw.withBytes { bytes in
      var start = 0
      var end = bytes.count
      while start < end, isSpace(bytes[start]) { start += 1 }
      while end > start, isSpace(bytes[end - 1]) { end -= 1 }
      return Base64.decode(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
    }
    guard let material = decoded else {
      throw UsageError("\(role) key file \(name) is not one line of base64")
    }
    guard material.count == cipher.materialLength else {
      throw UsageError(
        "\(role) key file \(name) holds \(material.count) bytes; \(cipher.name) needs "
          + "\(cipher.materialLength) (\(cipher.keyLength)-byte key + 8-byte nonce tail)")
    }
    return material
  }

  static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0d).contains(c) }

  private static func readAll(_ path: String, warn: (String) -> Void) throws(UsageError) -> SecretBytes {
    let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw UsageError("cannot open key file \"\(path)\": \(errnoDescription(cmnl_errno()))")
    }
    defer { if fd != STDIN_FILENO { close(fd) } }
    let size = warnIfShared(fd, "key file \(path == "-" ? "on standard input" : "\"\(path)\"")", warn: warn)
    // A regular file is read as fstat saw it, without a read to find its
    // end; a pipe may hold up to the limit. One byte more shows a larger file.
    let buffer = SecretBytes(capacity: min(size ?? maxFileSize, maxFileSize) + 1)
    var failure: Int32 = 0
    buffer.fill { dst in
      var n = 0
      while n < dst.count, n != size {
        let r = Glibc.read(fd, dst.baseAddress! + n, dst.count - n)
        if r == 0 { break }
        if r < 0 {
          if cmnl_errno() == EINTR { continue }
          failure = cmnl_errno()
          break
        }
        n += r
      }
      return n
    }
    if failure != 0 {
      throw UsageError("cannot read key file \"\(path)\": \(errnoDescription(failure))")
    }
    guard buffer.count <= maxFileSize else {
      throw UsageError("key file \"\(path)\" is too large to be a key file")
    }
    return buffer
  }

  /// Key material in a regular file that group or others may read is
  /// worth a warning, as wg(8) gives one.
  /// Returns the size of a regular file, nil for anything else.
  @discardableResult
  static func warnIfShared(
    _ fd: Int32, _ what: @autoclosure () -> String, warn: (String) -> Void = Terminal.err
  ) -> Int? {
    var st = stat()
    guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
    if st.st_mode & 0o044 != 0 {
      warn(
        "Warning: \(what()) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8)))")
    }
    return Int(st.st_size)
  }

  /// Writes generated key text to standard output (never through stdio's
  /// buffer, which is not wiped).
  static func writeOut(_ text: SecretBytes) throws(CommandError) {
    Terminal.flush()
    warnIfShared(STDOUT_FILENO, "the key is written to a file that")
    var failure: Int32 = 0
    text.withBytes { raw in
      var off = 0
      while off < raw.count {
        let n = Glibc.write(STDOUT_FILENO, raw.baseAddress! + off, raw.count - off)
        if n < 0 {
          if cmnl_errno() == EINTR { continue }
          failure = cmnl_errno()
          return
        }
        off += n
      }
    }
    if failure != 0 { throw .failure("writing the key: \(errnoDescription(failure))") }
  }

  /// Fresh material for `cipher` from getrandom(2), as a key-file line
  /// (with its newline), in a wiped buffer.
  static func generate(_ cipher: Cipher) throws(CommandError) -> SecretBytes {
    let secret = SecretBytes(capacity: cipher.materialLength)
    var failure: Int32 = 0
    secret.fill { dst in
      var n = 0
      while n < dst.count {
        let r = getrandom(dst.baseAddress! + n, dst.count - n, 0)
        if r < 0 {
          if cmnl_errno() == EINTR { continue }
          failure = cmnl_errno()
          return 0
        }
        n += r
      }
      return n
    }
    if failure != 0 { throw .failure("getrandom: \(errnoDescription(failure))") }
    return secret.withBytes { Base64.encode($0, newline: true) }
  }
}
