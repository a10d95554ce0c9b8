import DCONetlink

/// One peer in the live view: its tunnel-side (vpn) byte rates over the
/// last interval, its totals, and how long its counters have stood still.
struct TopRow: Equatable {
  var ifname: String
  var id: UInt32
  var remote: String?
  /// Bytes per second; nil on the first sample, before there is a rate.
  var rxRate: Double?
  var txRate: Double?
  var rxTotal: UInt64
  var txTotal: UInt64
  /// Seconds since any of the peer's eight counters last changed.
  var idle: Double
  /// True while no change has been seen since the view started: the idle
  /// time is then a lower bound.
  var idleAtLeast: Bool

  var rate: Double { (rxRate ?? 0) + (txRate ?? 0) }
}

/// The live view's table, for a terminal (cut to its width and height) or
/// as a block for a log.
enum TopRenderer {
  static func sorted(_ rows: [TopRow]) -> [TopRow] {
    rows.sorted {
      if $0.rate != $1.rate { return $0.rate > $1.rate }
      if $0.rxTotal + $0.txTotal != $1.rxTotal + $1.txTotal {
        return $0.rxTotal + $0.txTotal > $1.rxTotal + $1.txTotal
      }
      if $0.ifname != $1.ifname { return $0.ifname < $1.ifname }
      return $0.id < $1.id
    }
  }

  /// Whole seconds, then minutes, hours, days: "7s", "12m", "3h", "2d".
  static func duration(_ seconds: Double, atLeast: Bool) -> String {
    let s = Int(seconds.rounded(.down))
    let text: String
    if s < 120 {
      text = "\(s)s"
    } else if s < 7200 {
      text = "\(s / 60)m"
    } else if s < 172_800 {
      text = "\(s / 3600)h"
    } else {
      text = "\(s / 86400)d"
    }
    return atLeast ? ">" + text : text
  }

  static func rate(_ r: Double?) -> String {
    guard let r else { return "-" }
    return Format.bytes(UInt64(r.rounded()))
  }

  private static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let n = s.count
    guard n < width else { return s }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + s : s + fill
  }

  /// The table: a header line and one line per row. `width` drops the
  /// remote column when the line would not fit; nil never drops it.
  static func table(_ rows: [TopRow], width: Int?) -> [String] {
    let withRemote = width.map { $0 >= 100 } ?? true
    func line(_ c: [String]) -> String {
      var s = pad(c[0], 10) + " " + pad(c[1], 8, right: true)
      if withRemote { s += "  " + pad(c[2], 22) } else { s += " " }
      for v in c[3..<7] { s += " " + pad(v, 11, right: true) }
      return s + " " + pad(c[7], 7, right: true)
    }
    var out = [line(["INTERFACE", "PEER", "REMOTE", "RX/s", "TX/s", "RX", "TX", "IDLE"])]
    for r in rows {
      out.append(
        line([
          r.ifname, String(r.id), r.remote ?? "-", rate(r.rxRate), rate(r.txRate),
          Format.bytes(r.rxTotal), Format.bytes(r.txTotal), duration(r.idle, atLeast: r.idleAtLeast),
        ]))
    }
    return out
  }

  /// "3 peers on 2 interfaces"
  static func summary(_ rows: [TopRow]) -> String {
    let interfaces = Set(rows.map(\.ifname)).count
    return "\(rows.count) peer\(rows.count == 1 ? "" : "s") on \(interfaces) interface\(interfaces == 1 ? "" : "s")"
  }

  /// A block for a log or a pipe: a time stamp line, the table, a blank line.
  static func block(_ rows: [TopRow], time: String, interval: Int, error: String?) -> String {
    var out = "\(time)  ovpnctl top, every \(interval) s: \(summary(rows))\n"
    if let error { out += error + "\n" }
    for l in table(rows, width: nil) { out += l + "\n" }
    return out + "\n"
  }

  /// A full screen: each line cut to the width, at most `height` lines, each
  /// erased to its end, the rest of the screen erased.
  static func screen(_ rows: [TopRow], time: String, interval: Int, error: String?, width: Int, height: Int)
    -> String
  {
    var lines = ["ovpnctl top - \(time) - every \(interval) s - \(summary(rows)) - q quits"]
    lines.append(error ?? "")
    lines += table(rows, width: width)
    var out = "\u{1B}[H"
    for l in lines.prefix(max(height - 1, 1)) { out += String(l.prefix(width)) + "\u{1B}[K\r\n" }
    return out + "\u{1B}[J"
  }
}
