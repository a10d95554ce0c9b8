// SignalFD: what a long-running command blocked is given back when it
// ends, and the signal that ended it is not delivered again.

import Glibc
import Testing

@testable import ovpnctl

// Serialized: its tests open signalfds, which all share one inode, and
// one checks that its own descriptor number no longer names one.
@Suite(.serialized) struct SignalFDTests {
  private func blocked(_ signal: Int32) -> Bool {
    var current = sigset_t()
    pthread_sigmask(SIG_BLOCK, nil, &current)
    return sigismember(&current, signal) == 1
  }

  private func pending(_ signal: Int32) -> Bool {
    var set = sigset_t()
    sigpending(&set)
    return sigismember(&set, signal) == 1
  }

  /// Runs `body` with the test thread's mask set to exactly `signals`
  /// blocked (the runner's threads start with their own), then puts the
  /// runner's mask back.
  private func withMask(_ signals: [Int32], _ body: () throws -> Void) rethrows {
    var mask = sigset_t()
    var saved = sigset_t()
    sigemptyset(&mask)
    for s in signals { sigaddset(&mask, s) }
    pthread_sigmask(SIG_SETMASK, &mask, &saved)
    defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
    try body()
  }

  @Test func closeReadsWhatIsPendingThenRestoresTheMask() throws {
    try withMask([]) {
      try readThenRestore()
    }
  }

  private func readThenRestore() throws {
    #expect(!blocked(SIGUSR1))
    let signals = try SignalFD.open([SIGUSR1])
    #expect(blocked(SIGUSR1))
    // The signal that would end a command, left unread as monitor leaves it.
    #expect(pthread_kill(pthread_self(), SIGUSR1) == 0)
    #expect(pending(SIGUSR1))
    // Unblocking it while still pending would end this process (SIGUSR1's
    // default action).
    var before = stat()
    #expect(fstat(signals.fd, &before) == 0)
    signals.close()
    #expect(!pending(SIGUSR1))
    #expect(!blocked(SIGUSR1))
    // Closed: the number is free, or another test has since opened
    // something else under it.
    var after = stat()
    #expect(fstat(signals.fd, &after) == -1 || (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino))
  }

  @Test func aSignalBlockedBeforeStaysBlocked() throws {
    try withMask([SIGUSR2]) {
      let signals = try SignalFD.open([SIGUSR1, SIGUSR2])
      #expect(blocked(SIGUSR1) && blocked(SIGUSR2))
      signals.close()
      #expect(blocked(SIGUSR2))
      #expect(!blocked(SIGUSR1))
    }
  }
}
