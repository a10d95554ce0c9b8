import CMnl
import DCONetlink
import Glibc

/// Where keepers live: pathname sockets in a directory only root can write,
/// `/run/ovpnctl/keeper-NETNS-IFINDEX`, where NETNS is the inode of the
/// network namespace (ifindexes are per namespace, pathnames are not).
/// Nobody else can bind or replace a name there, so the address cannot be
/// squatted; `/run/ovpnctl/lock` serialises starting and stopping keepers.
struct KeeperPlace {
  static let directory = "/run/ovpnctl"
  static let lockPath = directory + "/lock"

  let ifindex: UInt32
  let socketPath: String

  /// The place of `ifindex`'s keeper in the caller's network namespace.
  static func current(ifindex: UInt32) throws(CommandError) -> KeeperPlace {
    var st = stat()
    guard stat("/proc/self/ns/net", &st) == 0 else {
      throw .failure("cannot identify the network namespace (/proc/self/ns/net): \(errnoDescription(cmnl_errno()))")
    }
    return KeeperPlace(ifindex: ifindex, socketPath: "\(directory)/keeper-\(st.st_ino)-\(ifindex)")
  }

  /// Checks the directory is root's and writable by root alone; creates it
  /// when `create` and it is missing.
  static func checkDirectory(create: Bool) throws(CommandError) {
    var st = stat()
    if lstat(directory, &st) != 0 {
      let e = cmnl_errno()
      guard e == ENOENT, create else {
        throw .failure("cannot use \(directory): \(errnoDescription(e))")
      }
      if mkdir(directory, 0o755) != 0, cmnl_errno() != EEXIST {
        let e = cmnl_errno()
        if e == EACCES || e == EPERM {
          throw .failure("starting a socket keeper needs root: cannot create \(directory)")
        }
        throw .failure("cannot create \(directory): \(errnoDescription(e))")
      }
      guard lstat(directory, &st) == 0 else {
        throw .failure("cannot use \(directory): \(errnoDescription(cmnl_errno()))")
      }
    }
    guard st.st_mode & S_IFMT == S_IFDIR else {
      throw .failure("refusing \(directory): it is not a directory")
    }
    guard st.st_uid == 0 else {
      throw .failure("refusing \(directory): it belongs to uid \(st.st_uid), not root")
    }
    guard st.st_mode & 0o022 == 0 else {
      throw .failure("refusing \(directory): others may write to it (mode \(String(st.st_mode & 0o7777, radix: 8)))")
    }
  }

  /// Holds `/run/ovpnctl/lock` until `unlock`; waits at most `timeout` ms.
  /// A non-root client opens it read-only (flock needs no write access).
  struct Lock {
    let fd: Int32
    func unlock() {
      _ = cmnl_flock(fd, LOCK_UN)
      close(fd)
    }
  }

  static func lock(timeout: Int64, wait: Bool = true) throws(CommandError) -> Lock? {
    var fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
    if fd < 0 { fd = open(lockPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
    guard fd >= 0 else {
      throw .failure("cannot open \(lockPath): \(errnoDescription(cmnl_errno()))")
    }
    let deadline = Clock.now() + timeout
    while cmnl_flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let e = cmnl_errno()
      guard e == EWOULDBLOCK || e == EINTR else {
        close(fd)
        throw .failure("cannot lock \(lockPath): \(errnoDescription(e))")
      }
      guard wait, Clock.now() < deadline else {
        close(fd)
        if !wait { return nil }
        throw .failure("timed out after \(timeout / 1000) s waiting for \(lockPath)")
      }
      Clock.sleep(ms: 5)
    }
    return Lock(fd: fd)
  }

  /// Fills a sockaddr_un for `path`.
  static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    precondition(bytes.count < MemoryLayout.size(ofValue: addr.sun_path))
    withUnsafeMutableBytes(of: &addr.sun_path) { dst in
      for (i, b) in bytes.enumerated() { dst[i] = b }
    }
    let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
    return withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
    }
  }
}

/// Monotonic milliseconds, for deadlines.
enum Clock {
  static func now() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
  }

  static func sleep(ms: Int64) {
    var ts = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
    var left = timespec()
    while nanosleep(&ts, &left) != 0 && cmnl_errno() == EINTR { ts = left }
  }

  /// Milliseconds left until `deadline`, as poll(2) wants them.
  static func remaining(_ deadline: Int64) -> Int32 {
    Int32(clamping: max(0, deadline - now()))
  }
}
