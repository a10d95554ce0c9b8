import Glibc

// `ovpnctl-keeper IFINDEX` is the socket keeper, started by exec of this
// binary (see Keeper); anything else is the command line.
if CommandLine.arguments.first == "ovpnctl-keeper" {
  Keeper.main(Array(CommandLine.arguments.dropFirst()))
}
exit(Program.run(Array(CommandLine.arguments.dropFirst())))
