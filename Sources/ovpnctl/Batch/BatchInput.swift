import CMnl
import Glibc

/// The lines of a batch file, read with read(2), and whether the next one
/// is there already: a batch window is drained before waiting for input,
/// so a line typed or piped in later never delays an earlier one's error.
final class BatchInput {
  private let fd: Int32
  private let owned: Bool
  private let regular: Bool
  private var buffer: [UInt8] = []
  private var start = 0
  private var ended = false

  /// `path` `-` is standard input. nil (errno set) if it cannot be opened.
  init?(path: String) {
    if path == "-" {
      fd = 0
      owned = false
    } else {
      fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      owned = true
    }
    var st = stat()
    regular = fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
  }

  deinit { if owned { close(fd) } }

  /// Whether `next()` returns without waiting: a whole line is buffered,
  /// the input is a regular file, or more can be read at once.
  var ready: Bool {
    if ended || regular || newline() != nil { return true }
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, 0) > 0
  }

  /// The next line without its newline, nil at the end of the input (or
  /// on a read error, which ends a batch like the end of its file).
  func next() -> String? {
    while true {
      if let nl = newline() {
        defer { start = nl + 1 }
        return line(buffer[start..<nl])
      }
      if ended {
        guard start < buffer.count else { return nil }
        defer { start = buffer.count }
        return line(buffer[start...])
      }
      if start > 0 {
        buffer.removeSubrange(0..<start)
        start = 0
      }
      let old = buffer.count
      buffer += [UInt8](repeating: 0, count: 65536)
      var n: Int
      repeat {
        n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, 65536) }
      } while n < 0 && cmnl_errno() == EINTR
      buffer.removeLast(65536 - max(n, 0))
      if n <= 0 { ended = true }
    }
  }

  /// The index of the first buffered newline, if any (memchr: a batch
  /// file is read a line at a time, thousands of times).
  private func newline() -> Int? {
    guard start < buffer.count else { return nil }
    return buffer.withUnsafeBufferPointer { b -> Int? in
      guard let p = memchr(b.baseAddress! + start, 0x0a, b.count - start) else { return nil }
      return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// Text up to a NUL, as getline(3) and String(cString:) made of it.
  private func line(_ bytes: ArraySlice<UInt8>) -> String {
    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }
}
