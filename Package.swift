// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ovpnctl",
  products: [
    .library(name: "DCONetlink", targets: ["DCONetlink"]),
    .executable(name: "ovpnctl", targets: ["ovpnctl"]),
  ],
  targets: [
    .systemLibrary(
      name: "CMnl", pkgConfig: "libmnl", providers: [.apt(["libmnl-dev"])]),
    .target(name: "DCONetlink", dependencies: ["CMnl"]),
    // The static binary's command line for the Swift runtime (see argv.c).
    .target(name: "CArgv"),
    .executableTarget(name: "ovpnctl", dependencies: ["DCONetlink", "CMnl", "CArgv"]),
    // How another Swift program uses the library (built by the test command).
    .executableTarget(
      name: "ovpn-peer-report", dependencies: ["DCONetlink"], path: "Examples/PeerReport"),
    // The wire builder and fake transports both test targets use.
    .target(name: "NetlinkFakes", dependencies: ["DCONetlink"], path: "Tests/NetlinkFakes"),
    .testTarget(name: "DCONetlinkTests", dependencies: ["DCONetlink", "CMnl", "NetlinkFakes"]),
    .testTarget(name: "ovpnctlTests", dependencies: ["ovpnctl", "DCONetlink", "NetlinkFakes"]),
  ],
  swiftLanguageModes: [.v6]
)
