import DCONetlink

/// Counts of the `peers` notifications an exporter has seen since it
/// started, by interface name (and, for peer-del, by reason). Lost events
/// (ENOBUFS) are counted too: a gap shows up as a number, not as silence.
struct EventCounters {
  static let reasons = [
    DeleteReason.teardown, .userspace, .expired, .transportError, .transportDisconnect,
  ].map(\.name)
  /// The reason label of a peer-del without one.
  static let unknownReason = "unknown"
  /// Interfaces counted by name at most; later ones share one label.
  static let maxInterfaces = 1024
  static let otherInterface = "(other)"

  private(set) var peerDel: [String: [String: UInt64]] = [:]
  private(set) var keySwap: [String: UInt64] = [:]
  private(set) var peerFloat: [String: UInt64] = [:]
  private(set) var lost: UInt64 = 0
  private var names: Set<String> = []

  private mutating func label(_ name: String) -> String {
    if names.contains(name) { return name }
    guard names.count < Self.maxInterfaces else { return Self.otherInterface }
    names.insert(name)
    return name
  }

  /// `interface` is the event's interface name (or `ifindex:N` when it has none).
  mutating func count(_ event: OvpnEvent, interface: String) {
    let i = label(interface)
    switch event {
    case .peerDeleted(_, _, let reason):
      peerDel[i, default: [:]][reason?.name ?? Self.unknownReason, default: 0] += 1
    case .keySwap: keySwap[i, default: 0] += 1
    case .peerFloat: peerFloat[i, default: 0] += 1
    }
  }

  mutating func countLost() { lost += 1 }

  /// Interfaces that get zero-valued series: so a counter exists, at 0,
  /// before its first event, and `rate()` sees the first increment.
  mutating func know(_ interface: String) { _ = label(interface) }

  var interfaces: [String] { names.sorted() }
}
