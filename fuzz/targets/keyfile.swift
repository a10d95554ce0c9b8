// Key files: the input is the file's content, read by KeyFile.read (trim,
// base64 into wiped buffers, length check).

import DCONetlink
import Glibc

@testable import ovpnctl

/// One unlinked temporary file, rewritten for each input and opened again
/// by KeyFile.read through /proc/self/fd. On tmpfs: a disk file system may
/// flush a file that is truncated and rewritten, thousands of times a second.
private let file: (fd: Int32, path: String) = {
  var template = Array("/dev/shm/ovpnctl-fuzz-key.XXXXXX".utf8CString)
  let fd = mkstemp(&template)
  precondition(fd >= 0, "mkstemp failed")
  unlink(template)
  return (fd, "/proc/self/fd/\(fd)")
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  precondition(ftruncate(file.fd, 0) == 0 && pwrite(file.fd, data, size, 0) == size)
  // One read per input (reading is the cost); the length picks the cipher,
  // so each cipher's accepting path stays reachable.
  let cipher = Cipher.allCases[size % Cipher.allCases.count]
  _ = try? KeyFile.read(file.path, cipher: cipher, role: "encrypt")
  return 0
}
