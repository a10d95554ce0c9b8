import CMnl
import Glibc

/// Where output goes: stdout for results, stderr for diagnostics.
enum Terminal {
  static func out(_ s: String) {
    var line = s
    line += "\n"
    write(line)
  }

  /// Writes without adding a newline.
  static func write(_ s: String) {
    var s = s
    s.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, cmnl_stdout()) }
  }

  static func err(_ s: String) {
    fflush(cmnl_stdout())
    var line = s + "\n"
    line.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, cmnl_stderr()) }
  }

  static func flush() { fflush(cmnl_stdout()) }
}
