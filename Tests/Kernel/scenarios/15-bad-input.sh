#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Scenario 6: bad input. Each mistake gets its message and exit status, and
# the kernel's state is the same afterwards (same peers, same links).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns s
ovpn_link s mp0 mp 10.200.0.1/24
ip -n s link add dummy0 type dummy
gen_keys aes-256-gcm K1 K2
expect_ok ovpnctl_in s peer add dev mp0 id 1 remote 192.0.2.1:1194 vpn-ip 10.200.0.2
snapshot() { ovpnctl_in s -j peer show dev mp0; ip -n s -br link show; }
before=$(snapshot)

bad() { # STATUS MESSAGE-FRAGMENT ARGS...
	local status=$1 msg=$2
	shift 2
	expect_exit "$status" ovpnctl_in s "$@"
	expect_stderr_contains "$msg"
	expect_match "$ERR" '^Error: ' "stderr starts with Error:"
}

bad 1 'unknown keyword "frob"' peer add dev mp0 id 2 frob 1
bad 1 'argument "dev" is required' peer add id 2 remote 192.0.2.2:1194 vpn-ip 10.200.0.3
bad 1 'argument "id" is required' peer add dev mp0 remote 192.0.2.2:1194 vpn-ip 10.200.0.3
bad 1 'argument "16777216" is wrong' peer add dev mp0 id 16777216 remote 192.0.2.2:1194 vpn-ip 10.200.0.3
bad 1 'argument "192.0.2.300:1194" is wrong' peer add dev mp0 id 2 remote 192.0.2.300:1194 vpn-ip 10.200.0.3
bad 1 'argument "192.0.2.2:0" is wrong' peer add dev mp0 id 2 remote 192.0.2.2:0 vpn-ip 10.200.0.3
bad 1 'argument "192.0.2.2:70000" is wrong' peer add dev mp0 id 2 remote 192.0.2.2:70000 vpn-ip 10.200.0.3
bad 1 'argument of "cipher" must be one of' key add dev mp0 peer 1 slot primary key-id 0 cipher des encrypt K1 decrypt K2
bad 1 'argument of "slot" must be one of' key add dev mp0 peer 1 slot third key-id 0 cipher aes-256-gcm encrypt K1 decrypt K2
bad 1 'argument "8" is wrong' key add dev mp0 peer 1 slot primary key-id 8 cipher aes-256-gcm encrypt K1 decrypt K2
bad 1 'cannot open key file "missing.key"' key add dev mp0 peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt missing.key decrypt K2
bad 1 'cannot read key file "."' key add dev mp0 peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt K1 decrypt .
gen_keys aes-128-gcm SHORT
bad 1 'aes-256-gcm needs 40' key add dev mp0 peer 1 slot primary key-id 0 cipher aes-256-gcm encrypt SHORT decrypt K2
expect_stderr_contains '"SHORT"'
bad 2 'cannot find device "nosuch0"' peer add dev nosuch0 id 2 remote 192.0.2.2:1194
bad 2 '"dummy0" is not an ovpn interface' peer add dev dummy0 id 2 remote 192.0.2.2:1194
bad 2 'peer with id 7' peer del dev mp0 id 7
bad 2 'peer with id 7' key swap dev mp0 peer 7
bad 2 'Error:' peer add dev mp0 id 1 remote 192.0.2.9:1194 vpn-ip 10.200.0.9
case $KERNEL_API in
legacy) expect_stderr_contains "peer id 1 already exists on mp0" ;;
esac
# Without CAP_NET_ADMIN the kernel refuses, and the message says why.
expect_exit 2 in_ns s setpriv --inh-caps=-all --bounding-set=-all -- "$OVPNCTL" peer del dev mp0 id 1
expect_stderr_contains "CAP_NET_ADMIN"
expect_exit 2 in_ns s setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$OVPNCTL" peer show dev mp0
expect_stderr_contains "CAP_NET_ADMIN"

after=$(snapshot)
expect_eq "$after" "$before" "kernel state after the bad commands"
