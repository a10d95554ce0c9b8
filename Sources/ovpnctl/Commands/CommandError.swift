import DCONetlink

/// What went wrong while running a command, with the operation it was doing
/// so the message can be precise. Usage errors exit 1, the rest 2.
enum CommandError: Error {
  case usage(UsageError)
  case netlink(NetlinkError, Operation)
  /// A failure that is not the kernel's and not the command line's.
  case failure(String)

  var exitStatus: Int32 {
    if case .usage = self { return 1 }
    return 2
  }

  /// Says what went wrong on stderr, as the command line reports every
  /// failure, and returns the exit status.
  func report() -> Int32 {
    Terminal.err(ErrorMessages.describe(self))
    return exitStatus
  }
}

/// The operation a netlink error happened in.
enum Operation {
  case linkAdd(String)
  case linkDel(String)
  case linkShow
  case peerAdd(dev: String, id: UInt32)
  case peerSet(dev: String, id: UInt32)
  case peerDel(dev: String, id: UInt32)
  case peerGet(dev: String, id: UInt32?)
  case keyAdd(dev: String, peer: UInt32)
  case keySwap(dev: String, peer: UInt32)
  case keyDel(dev: String, peer: UInt32)
  case keyGet(dev: String, peer: UInt32)
  case monitor
  case other

  var dev: String? {
    switch self {
    case .linkAdd(let d), .linkDel(let d): return d
    case .peerAdd(let d, _), .peerSet(let d, _), .peerDel(let d, _), .peerGet(let d, _),
      .keyAdd(let d, _), .keySwap(let d, _), .keyDel(let d, _), .keyGet(let d, _):
      return d
    default: return nil
    }
  }

  var peer: UInt32? {
    switch self {
    case .peerAdd(_, let p), .peerSet(_, let p), .peerDel(_, let p), .keyAdd(_, let p),
      .keySwap(_, let p), .keyDel(_, let p), .keyGet(_, let p):
      return p
    case .peerGet(_, let p): return p
    default: return nil
    }
  }
}

/// Runs a library call, attaching `op` to any failure.
func kernel<T>(_ op: Operation, _ body: () throws(NetlinkError) -> T) throws(CommandError) -> T {
  do {
    return try body()
  } catch {
    throw .netlink(error, op)
  }
}

/// Runs a step of a command's run() that can fail as the command line's
/// fault (a key, status or configuration file named on it).
func usage<T>(_ body: () throws(UsageError) -> T) throws(CommandError) -> T {
  do {
    return try body()
  } catch {
    throw .usage(error)
  }
}
