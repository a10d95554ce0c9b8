import CMnl
import DCONetlink
import Glibc

/// The signals a long-running command (`monitor`, `metrics serve`, `top`)
/// reads from a descriptor in its poll loop instead of being killed by them:
/// they are blocked, and delivered through a signalfd. `close` gives them
/// back: in a batch the lines after the command are stopped by them as usual.
struct SignalFD {
  let fd: Int32
  private let previous: sigset_t

  /// Blocks `signals` and opens a descriptor that reads them (non-blocking).
  static func open(_ signals: [Int32] = [SIGINT, SIGTERM]) throws(CommandError) -> SignalFD {
    var mask = sigset_t()
    sigemptyset(&mask)
    for s in signals { sigaddset(&mask, s) }
    var previous = sigset_t()
    sigprocmask(SIG_BLOCK, &mask, &previous)
    let fd = signalfd(-1, &mask, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
    guard fd >= 0 else {
      let e = cmnl_errno()
      sigprocmask(SIG_SETMASK, &previous, nil)
      throw .failure("signalfd: \(errnoDescription(e))")
    }
    return SignalFD(fd: fd, previous: previous)
  }

  /// Reads what is still pending (the signal that ended the command: it
  /// was handled), then restores the mask from before `open` and closes
  /// the descriptor. A signal that comes after that acts as it would have.
  func close() {
    var info = signalfd_siginfo()
    while read(fd, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {}
    var previous = previous
    sigprocmask(SIG_SETMASK, &previous, nil)
    Glibc.close(fd)
  }
}
