import CMnl
import DCONetlink
import Glibc

/// The signals a long-running command (`monitor`, `metrics serve`, `top`)
/// reads from a descriptor in its poll loop instead of being killed by them:
/// they are blocked, and delivered through a signalfd.
enum SignalFD {
  /// Blocks `signals` and returns a descriptor that reads them; the caller closes it.
  static func open(_ signals: [Int32] = [SIGINT, SIGTERM]) throws(CommandError) -> Int32 {
    var mask = sigset_t()
    sigemptyset(&mask)
    for s in signals { sigaddset(&mask, s) }
    sigprocmask(SIG_BLOCK, &mask, nil)
    let fd = signalfd(-1, &mask, Int32(SFD_CLOEXEC))
    guard fd >= 0 else { throw .failure("signalfd: \(errnoDescription(cmnl_errno()))") }
    return fd
  }
}
