import CMnl
import DCONetlink
import Glibc

/// `-batch FILE`: one command per line over one netlink socket. Blank lines
/// and `#` comments are skipped; the first failure stops the run (unless
/// -force) with `Command failed FILE:LINE`.
enum Batch {
  static func run(file: String, context: Context) -> Int32 {
    let stream: UnsafeMutablePointer<FILE>?
    if file == "-" { stream = cmnl_stdin() } else { stream = fopen(file, "r") }
    guard let stream else {
      Terminal.err(
        ErrorMessages.sentence("cannot open batch file \"\(file)\": \(errnoDescription(cmnl_errno()))"))
      return 1
    }
    defer { if file != "-" { fclose(stream) } }
    var status: Int32 = 0
    var lineNumber = 0
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, stream) >= 0 {
      lineNumber += 1
      guard let line else { break }
      let words = split(String(cString: line))
      if words.isEmpty { continue }
      let rc = Main.runOne(words, context)
      if rc != 0 {
        Terminal.err("Command failed \(file):\(lineNumber)")
        status = rc
        if !context.options.force { return rc }
      }
    }
    return status
  }

  /// Splits a line into words: whitespace separates, `#` starts a comment,
  /// single or double quotes group.
  static func split(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Unicode.Scalar?
    var inWord = false
    for ch in line.unicodeScalars {
      if let q = quote {
        if ch == q { quote = nil } else { current.unicodeScalars.append(ch) }
        continue
      }
      switch ch {
      case "#":
        if inWord { words.append(current) }
        return words
      case "\"", "'":
        quote = ch
        inWord = true
      case " ", "\t", "\n", "\r":
        if inWord {
          words.append(current)
          current = ""
          inWord = false
        }
      default:
        current.unicodeScalars.append(ch)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }
}
