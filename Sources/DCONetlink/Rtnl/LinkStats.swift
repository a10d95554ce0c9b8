/// Interface counters from IFLA_STATS64 (`struct rtnl_link_stats64`).
///
/// The kernel has grown the struct over time (23 fields, then `rx_nohandler`
/// in 4.6, `rx_otherhost_dropped` in 5.19), so a counter the running kernel
/// does not send reads as nil rather than as a made-up zero.
public struct LinkStats: Equatable, Sendable {
  /// The fields of `struct rtnl_link_stats64`, in the kernel's order.
  public enum Field: Int, CaseIterable, Sendable {
    /// The eight basic counters every kernel sends, received and sent: good packets, good bytes,
    /// bad packets (`rx_errors`, `tx_errors`) and packets dropped (`rx_dropped`, `tx_dropped`).
    case rxPackets, txPackets, rxBytes, txBytes, rxErrors, txErrors, rxDropped, txDropped
    /// `multicast`: multicast packets received; `collisions`: collisions while sending.
    case multicast, collisions
    /// Receive error details: bad length, receiver overrun, CRC, frame alignment, FIFO, and
    /// packets missed by the host (`rx_length_errors` ... `rx_missed_errors`).
    case rxLengthErrors, rxOverErrors, rxCRCErrors, rxFrameErrors, rxFIFOErrors, rxMissedErrors
    /// Transmit error details: aborted, carrier, FIFO, heartbeat, window (`tx_aborted_errors` ... `tx_window_errors`).
    case txAbortedErrors, txCarrierErrors, txFIFOErrors, txHeartbeatErrors, txWindowErrors
    /// Compressed packets received and sent; packets dropped for want of a handler (`rx_nohandler`, 4.6+)
    /// or as addressed to another host (`rx_otherhost_dropped`, 5.19+).
    case rxCompressed, txCompressed, rxNohandler, rxOtherhostDropped

    /// The kernel's field name in kebab case: `rx_crc_errors` is `rx-crc-errors`.
    public var name: String {
      switch self {
      case .rxPackets: return "rx-packets"
      case .txPackets: return "tx-packets"
      case .rxBytes: return "rx-bytes"
      case .txBytes: return "tx-bytes"
      case .rxErrors: return "rx-errors"
      case .txErrors: return "tx-errors"
      case .rxDropped: return "rx-dropped"
      case .txDropped: return "tx-dropped"
      case .multicast: return "multicast"
      case .collisions: return "collisions"
      case .rxLengthErrors: return "rx-length-errors"
      case .rxOverErrors: return "rx-over-errors"
      case .rxCRCErrors: return "rx-crc-errors"
      case .rxFrameErrors: return "rx-frame-errors"
      case .rxFIFOErrors: return "rx-fifo-errors"
      case .rxMissedErrors: return "rx-missed-errors"
      case .txAbortedErrors: return "tx-aborted-errors"
      case .txCarrierErrors: return "tx-carrier-errors"
      case .txFIFOErrors: return "tx-fifo-errors"
      case .txHeartbeatErrors: return "tx-heartbeat-errors"
      case .txWindowErrors: return "tx-window-errors"
      case .rxCompressed: return "rx-compressed"
      case .txCompressed: return "tx-compressed"
      case .rxNohandler: return "rx-nohandler"
      case .rxOtherhostDropped: return "rx-otherhost-dropped"
      }
    }
  }

  /// The counters in kernel order, as many as the kernel sent (at least the
  /// first eight).
  public private(set) var values: [UInt64]

  /// Counters as the kernel sent them; fewer than eight is an error.
  public init(values: [UInt64]) throws(NetlinkError) {
    guard values.count >= 8 else { throw .malformed("IFLA_STATS64 with \(values.count) counters") }
    self.values = Array(values.prefix(Field.allCases.count))
  }

  /// The eight basic counters, the others absent (for tests and fixtures).
  public init(
    rxPackets: UInt64, txPackets: UInt64, rxBytes: UInt64, txBytes: UInt64, rxErrors: UInt64,
    txErrors: UInt64, rxDropped: UInt64, txDropped: UInt64
  ) {
    values = [rxPackets, txPackets, rxBytes, txBytes, rxErrors, txErrors, rxDropped, txDropped]
  }

  /// A counter, or nil when this kernel does not report it.
  public subscript(_ f: Field) -> UInt64? { f.rawValue < values.count ? values[f.rawValue] : nil }

  /// The counters this kernel reports, in kernel order.
  public var reported: [(Field, UInt64)] { zip(Field.allCases, values).map { ($0, $1) } }

  /// `rx_packets`: good packets received.
  public var rxPackets: UInt64 { values[0] }
  /// `tx_packets`: packets sent.
  public var txPackets: UInt64 { values[1] }
  /// `rx_bytes`: bytes of good packets received.
  public var rxBytes: UInt64 { values[2] }
  /// `tx_bytes`: bytes of packets sent.
  public var txBytes: UInt64 { values[3] }
  /// `rx_errors`: bad packets received.
  public var rxErrors: UInt64 { values[4] }
  /// `tx_errors`: packets that failed to be sent.
  public var txErrors: UInt64 { values[5] }
  /// `rx_dropped`: packets received but dropped before being processed.
  public var rxDropped: UInt64 { values[6] }
  /// `tx_dropped`: packets dropped on their way out.
  public var txDropped: UInt64 { values[7] }
}
