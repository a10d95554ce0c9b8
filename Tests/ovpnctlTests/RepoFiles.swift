import Glibc

// The committed files that tests compare with the grammar table: the man
// page and the completions. (No Foundation here: its Dispatch module and
// CMnl disagree about fd_set.)

/// The package root: this file is Tests/ovpnctlTests/RepoFiles.swift.
let repoRoot: String = {
  var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
  parts.removeLast(3)
  return parts.joined(separator: "/")
}()

struct RepoFileError: Error, CustomStringConvertible {
  let description: String
}

/// The text of `path`, relative to the package root.
func readRepoFile(_ path: String) throws -> String {
  guard let f = fopen(repoRoot + "/" + path, "r") else {
    throw RepoFileError(description: "cannot open \(repoRoot)/\(path)")
  }
  defer { fclose(f) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&chunk, 1, chunk.count, f)
    if n <= 0 { break }
    bytes += chunk[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// Replaces `path`, relative to the package root, with `text`.
func writeRepoFile(_ path: String, _ text: String) throws {
  guard let f = fopen(repoRoot + "/" + path, "w") else {
    throw RepoFileError(description: "cannot write \(repoRoot)/\(path)")
  }
  defer { fclose(f) }
  let bytes = Array(text.utf8)
  guard fwrite(bytes, 1, bytes.count, f) == bytes.count else {
    throw RepoFileError(description: "short write to \(repoRoot)/\(path)")
  }
}
