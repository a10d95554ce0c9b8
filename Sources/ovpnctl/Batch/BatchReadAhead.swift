import CMnl
import DCONetlink
import Glibc

/// The lines of a batch, read, split and parsed (Batch.parse) and, for
/// `key add`, their key files read, by a thread of their own a few lines
/// ahead of the one that sends: a batch pays for its parsing and its key
/// files on the other CPU, while the kernel handles the line before. The
/// lines come out in order; what reading a line's key files said is said
/// when that line runs.
///
/// Only regular key files are read ahead; `-`, and anything else, is left
/// to the line when it runs, and so is the parse of a line that names a
/// zone. Parsing needs nothing but the words and the options. At most
/// `capacity` lines are held. The thread blocks every signal, so signals
/// (and a signalfd) stay with the main thread. Without a thread
/// (pthread_create failed), the same work is done when a line is asked for.
final class BatchReadAhead: @unchecked Sendable {
  /// One line of the batch: its words (none for a blank line or a
  /// comment), a `key add` prepared ahead, and the parse of a line that
  /// may join a batch window (Batch.parse), when it was made ahead.
  struct Line {
    let words: [String]
    var prepared: KeyCommands.PreparedAdd? = nil
    var parsed: Batch.Parsed? = nil
    /// `parsed` is the line's parse (nil: the line cannot join). False for
    /// a line that names a zone (`%IFNAME`): the interface is looked up
    /// when the line runs, after the lines before it, which may create it.
    var parsedAhead = false
  }

  enum Next {
    case line(Line)
    /// Nothing is there, and the reader waits for input.
    case waiting
    case end
  }

  static let capacity = 32

  private let input: BatchInput
  private let options: Options
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let filled = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  private let emptied = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  // Guarded by `lock` once the thread runs.
  private var queue: [Line?] = Array(repeating: nil, count: BatchReadAhead.capacity)
  private var head = 0
  private var count = 0
  private var ended = false
  private var stopped = false
  /// The reader is blocked on input that is not there yet.
  private var inputWait = false
  /// The reader waits for room in the queue.
  private var roomWait = false
  private var threaded = false

  /// `options`: the run's, which decide as for any line whether a
  /// `key add` may run at all (Router.optionError).
  init(_ input: BatchInput, options: Options) {
    self.input = input
    self.options = options
    pthread_mutex_init(lock, nil)
    pthread_cond_init(filled, nil)
    pthread_cond_init(emptied, nil)
  }

  deinit {
    pthread_cond_destroy(emptied)
    pthread_cond_destroy(filled)
    pthread_mutex_destroy(lock)
    emptied.deallocate()
    filled.deallocate()
    lock.deallocate()
  }

  /// Starts the reading thread; without one, lines are read on demand.
  func start() {
    var all = sigset_t()
    var old = sigset_t()
    sigfillset(&all)
    pthread_sigmask(SIG_SETMASK, &all, &old)
    defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    defer { pthread_attr_destroy(&attr) }
    pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
    let me = Unmanaged.passRetained(self)
    var thread = pthread_t()
    let rc = pthread_create(
      &thread, &attr,
      { arg in
        let reader = Unmanaged<BatchReadAhead>.fromOpaque(arg!).takeRetainedValue()
        reader.work()
        return nil
      }, me.toOpaque())
    if rc == 0 {
      threaded = true
    } else {
      me.release()
    }
  }

  /// The next line. With `wait` false, `.waiting` when none is there and
  /// the reader waits for input (the caller has work to finish first).
  /// `.end` once stopped.
  func next(wait: Bool) -> Next {
    guard threaded else {
      if stopped { return .end }
      if !wait && !input.ready { return .waiting }
      return produce().map { .line($0) } ?? .end
    }
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    while count == 0 {
      if ended || stopped { return .end }
      if !wait && inputWait { return .waiting }
      pthread_cond_wait(filled, lock)
    }
    let line = queue[head]!
    queue[head] = nil
    head = (head + 1) % Self.capacity
    count -= 1
    if roomWait && count <= Self.capacity / 2 {
      roomWait = false
      pthread_cond_signal(emptied)
    }
    return .line(line)
  }

  /// Ends the reading: lines read ahead are dropped (their key material
  /// wiped), and the thread stops at its next line. It is not waited for:
  /// it may be blocked on input that never comes.
  func stop() {
    pthread_mutex_lock(lock)
    stopped = true
    for i in queue.indices { queue[i] = nil }
    count = 0
    pthread_cond_signal(emptied)
    pthread_mutex_unlock(lock)
  }

  private func work() {
    while true {
      pthread_mutex_lock(lock)
      if count == Self.capacity && !stopped {
        roomWait = true
        while roomWait && !stopped { pthread_cond_wait(emptied, lock) }
      }
      let stop = stopped
      pthread_mutex_unlock(lock)
      if stop { return }

      if !input.ready {
        pthread_mutex_lock(lock)
        inputWait = true
        pthread_cond_signal(filled)
        pthread_mutex_unlock(lock)
      }
      let line = produce()

      pthread_mutex_lock(lock)
      inputWait = false
      if stopped {
        pthread_mutex_unlock(lock)
        return
      }
      if let line {
        queue[(head + count) % Self.capacity] = line
        count += 1
      } else {
        ended = true
      }
      pthread_cond_signal(filled)
      pthread_mutex_unlock(lock)
      if line == nil { return }
    }
  }

  /// Reads and prepares one line; nil at the end of the input.
  private func produce() -> Line? {
    guard let text = input.next() else { return nil }
    let words = Batch.split(text)
    if let prepared = Self.prepare(words, options) { return Line(words: words, prepared: prepared) }
    guard !words.contains(where: { $0.utf8.contains(UInt8(ascii: "%")) }) else { return Line(words: words) }
    return Line(words: words, parsed: Batch.parse(words, options), parsedAhead: true)
  }

  /// A `key add` line with its key files read, if it is one that parses,
  /// that `options` allow (as Router.run would check), and whose two files
  /// are regular files; nil leaves the line to run as any other.
  static func prepare(_ words: [String], _ options: Options) -> KeyCommands.PreparedAdd? {
    guard words.count > 2, words[0] == "key", !words.contains("help"),
      let spec = Grammar.object(words[0])?.command(words[1]), spec.verb == "add",
      Router.optionError(spec, options) == nil,
      let args = try? Arguments(Array(words.dropFirst(2)), spec: spec),
      let request = (try? spec.parse(args)) as? KeyCommands.AddRequest,
      isRegular(request.encrypt), isRegular(request.decrypt)
    else { return nil }
    var warnings: [String] = []
    let key: Result<KeyConfig, UsageError>
    do throws(UsageError) {
      key = .success(try request.read { warnings.append($0) })
    } catch {
      key = .failure(error)
    }
    return KeyCommands.PreparedAdd(request: request, warnings: warnings, key: key)
  }

  /// A regular file by that name (never `-`): one that opening and reading
  /// cannot block on.
  private static func isRegular(_ path: String) -> Bool {
    guard path != "-" else { return false }
    var st = stat()
    return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
  }
}
