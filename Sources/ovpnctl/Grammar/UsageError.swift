/// A mistake on the command line: printed as `Error: …`, exit status 1.
struct UsageError: Error, Equatable {
  let message: String

  init(_ message: String) { self.message = message }

  static func missing(_ key: String) -> UsageError {
    UsageError("argument \"\(key)\" is required")
  }

  static func wrong(_ value: String, _ reason: String) -> UsageError {
    UsageError("argument \"\(value)\" is wrong: \(reason)")
  }

  static func duplicate(_ key: String, _ value: String) -> UsageError {
    UsageError("duplicate \"\(key)\": \"\(value)\" is the second value")
  }

  static func unknown(_ word: String, object: String) -> UsageError {
    UsageError("unknown keyword \"\(word)\", try \"ovpnctl \(object) help\"")
  }
}
