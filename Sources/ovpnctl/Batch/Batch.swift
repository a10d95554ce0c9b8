import CMnl
import DCONetlink
import Glibc

/// `-batch FILE`: one command per line over one set of netlink sockets.
/// Blank lines and `#` comments are skipped; the first failure stops the
/// run (unless -force) with `Command failed FILE:LINE`. Consecutive lines
/// that BatchWindow admits send their requests back to back and have their
/// replies read together; the window is drained before any other line,
/// when full, before a second line for the same peer, before waiting for
/// input, and at the end. The lines are read ahead (BatchReadAhead).
enum Batch {
  static func run(file: String, context: Context) -> Int32 {
    guard let input = BatchInput(path: file) else {
      Terminal.err(
        ErrorMessages.sentence("cannot open batch file \"\(file)\": \(errnoDescription(cmnl_errno()))"))
      return 1
    }
    var window: BatchWindow?
    var status: Int32 = 0
    var lineNumber = 0

    /// Drains the window and reports; false when the run must stop.
    func drain() -> Bool {
      guard let w = window, !w.isEmpty else { return true }
      var stop = false
      for report in w.drain() {
        switch report {
        case .failed(let line, let text, let s):
          Terminal.err(text)
          Terminal.err("Command failed \(file):\(line)")
          status = s
          if !context.options.force { stop = true }
        case .notUndone(let line, let text):
          Terminal.err(
            ErrorMessages.sentence(
              "\(file):\(line) ran before the failure above and could not be undone: \(text)"))
        }
      }
      return !stop
    }

    let lines = BatchReadAhead(input, options: context.options)
    lines.start()
    defer { lines.stop() }

    reading: while true {
      let line: BatchReadAhead.Line
      switch lines.next(wait: window?.isEmpty ?? true) {
      case .line(let l): line = l
      case .waiting:
        guard drain() else { return status }
        continue reading
      case .end: break reading
      }
      lineNumber += 1
      let words = line.words
      if words.isEmpty { continue }
      let joins: Joining?
      if let prepared = line.prepared {
        joins = admit(prepared, context)
      } else if line.parsedAhead {
        joins = line.parsed.flatMap { admit($0, context) }
      } else {
        joins = parse(words, context.options).flatMap { admit($0, context) }
      }
      if let w = window, !w.isEmpty, joins == nil || w.isFull || w.holds(joins!.key) {
        guard drain() else { return status }
      }
      if joins != nil, window == nil {
        do throws(NetlinkError) {
          window = BatchWindow(session: try context.client.pipelineGenl(), force: context.options.force)
        } catch {}
      }
      context.window = joins != nil ? window : nil
      window?.line = lineNumber
      let rc: Int32
      do throws(CommandError) {
        if let joins, context.window != nil {
          try joins.run(context)
        } else if let prepared = line.prepared {
          try prepared.run(context)
        } else {
          try Router.run(words, context)
        }
        Terminal.flush()
        rc = 0
      } catch {
        context.window = nil
        // Earlier lines first: their failures come before this one's.
        guard drain() else { return status }
        rc = error.report()
      }
      context.window = nil
      if rc != 0 {
        Terminal.err("Command failed \(file):\(lineNumber)")
        status = rc
        if !context.options.force { return rc }
      }
    }
    _ = drain()
    return status
  }

  /// A line that can join a batch window: its parsed request and the peer
  /// it occupies there.
  struct Joining {
    enum Line {
      case request(any CommandRequest)
      case prepared(KeyCommands.PreparedAdd)
    }
    let key: BatchWindow.Key
    let line: Line

    func run(_ context: Context) throws(CommandError) {
      switch line {
      case .request(let r): try r.run(context)
      case .prepared(let p): try p.run(context)
      }
    }
  }

  /// The window a `key add` line read ahead may join, if any.
  static func admit(_ prepared: KeyCommands.PreparedAdd, _ context: Context) -> Joining? {
    guard BatchWindow.admits(object: "key", verb: "add", link: nil, force: context.options.force) else { return nil }
    let r = prepared.request
    return Joining(key: BatchWindow.Key(dev: r.dev, peer: r.peer), line: .prepared(prepared))
  }

  /// A line that may join a window, parsed: what `admit` needs besides
  /// the interface. Made from the words and the options alone, so the
  /// reader (BatchReadAhead) makes it ahead of the line that runs. A
  /// class: it passes from the reader's queue to the window by reference.
  final class Parsed: Sendable {
    let spec: CommandSpec
    let dev: String
    let peer: UInt32
    /// A `peer add` whose transport blocks (proto, listen): it runs on its own.
    let blocks: Bool
    let request: any CommandRequest

    init(spec: CommandSpec, dev: String, peer: UInt32, blocks: Bool, request: any CommandRequest) {
      self.spec = spec
      self.dev = dev
      self.peer = peer
      self.blocks = blocks
      self.request = request
    }
  }

  /// The parse of a line that may join a window; nil for every other line
  /// (BatchWindow.mayJoin), for lines that the options refuse and for lines
  /// that do not parse (they then fail the usual way, when they run). Help
  /// requests never join: they print at once.
  static func parse(_ words: [String], _ options: Options) -> Parsed? {
    guard words.count > 2, !words.contains("help") else { return nil }
    guard let object = Grammar.object(words[0]), let spec = object.command(words[1]) else { return nil }
    // Most lines that cannot join are known by their words alone.
    guard BatchWindow.mayJoin(object: spec.object, verb: spec.verb, force: options.force) else { return nil }
    if Router.optionError(spec, options) != nil { return nil }
    guard let args = try? Arguments(Array(words.dropFirst(2)), spec: spec) else { return nil }
    guard let dev = args.string("dev") else { return nil }
    guard let peer = try? args.peerID(spec.object == "key" ? "peer" : "id") else { return nil }
    guard let request = try? spec.request(args) else { return nil }
    // Transports that block (TCP connect, listen) run on their own.
    let blocks = spec.object == "peer" && spec.verb == "add" && (args.has("proto") || args.has("listen"))
    return Parsed(spec: spec, dev: dev, peer: peer, blocks: blocks, request: request)
  }

  /// The window a parsed line may join, if any (BatchWindow.admits): a
  /// `peer add` only on an MP interface.
  static func admit(_ parsed: Parsed, _ context: Context) -> Joining? {
    let spec = parsed.spec
    var link: Link?
    if spec.object == "peer" && spec.verb == "add" {
      guard !parsed.blocks else { return nil }
      link = try? context.ovpnLink(parsed.dev, .other).0
    }
    guard BatchWindow.admits(object: spec.object, verb: spec.verb, link: link, force: context.options.force)
    else { return nil }
    return Joining(key: BatchWindow.Key(dev: parsed.dev, peer: parsed.peer), line: .request(parsed.request))
  }

  /// Splits a line into words: whitespace separates, `#` starts a comment,
  /// single or double quotes group. Works on the UTF-8 bytes: every byte it
  /// looks for is ASCII, which never occurs inside a multi-byte character.
  static func split(_ line: String) -> [String] {
    var line = line
    return line.withUTF8 { bytes in
      // Room for a long line's words at once (key add has 16).
      var words: [String] = []
      words.reserveCapacity(24)
      var i = 0
      while true {
        while i < bytes.count, isBlank(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes[i] != UInt8(ascii: "#") else { return words }
        // One word: up to a blank or a `#` outside quotes. Most words have
        // no quotes and are sliced out as they stand; from the first quote
        // on, the word is collected without its quotes.
        let start = i
        var quote: UInt8 = 0
        var unquoted: [UInt8]?
        while i < bytes.count {
          let ch = bytes[i]
          if quote != 0 {
            if ch == quote { quote = 0 } else { unquoted!.append(ch) }
          } else if ch == UInt8(ascii: "\"") || ch == UInt8(ascii: "'") {
            if unquoted == nil { unquoted = Array(bytes[start..<i]) }
            quote = ch
          } else if isBlank(ch) || ch == UInt8(ascii: "#") {
            break
          } else {
            unquoted?.append(ch)
          }
          i += 1
        }
        words.append(
          unquoted.map { String(decoding: $0, as: UTF8.self) }
            ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
      }
    }
  }

  private static func isBlank(_ ch: UInt8) -> Bool {
    ch == UInt8(ascii: " ") || ch == UInt8(ascii: "\t") || ch == UInt8(ascii: "\n") || ch == UInt8(ascii: "\r")
  }
}
