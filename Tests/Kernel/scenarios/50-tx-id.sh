#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# `tx-id` on every form of `peer add` and on `peer set`, proven on the wire:
# each end knows the other under a different id (a calls its peer 10 and
# sends with 20, b calls its peer 20 and sends with 10), so a packet gets
# through only if the kernel really puts the transmit id in it. UDP, TCP
# connect, TCP listen and `fd N` each carry pings; `peer set tx-id` to a
# wrong id stops them and back to the right one restores them. The feature
# report (`link show -d`, `-V -d`) names tx-id where the policy has it. On
# ovpn-dco-v2 every form is refused before anything is changed.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_link a ovpn0 p2p 10.200.0.1/24
ovpn_link b ovpn0 p2p 10.200.0.2/24
gen_keys aes-256-gcm K1 K2

# keys DEV: a's peer 10 and b's peer 20 share K1/K2 in opposite directions.
keys() {
	expect_ok ovpnctl_in a key add dev "$1" peer 10 slot primary key-id 1 cipher aes-256-gcm encrypt K1 decrypt K2
	expect_ok ovpnctl_in b key add dev "$1" peer 20 slot primary key-id 1 cipher aes-256-gcm encrypt K2 decrypt K1
}

if [[ $KERNEL_API == legacy ]]; then
	for form in "remote 10.10.0.2:1194" "proto tcp remote 10.10.0.2:1195" "proto tcp listen :1195"; do
		# shellcheck disable=SC2086
		expect_exit 2 ovpnctl_in a peer add dev ovpn0 id 10 tx-id 20 $form
		expect_stderr_contains "tx-id needs the upstream ovpn API"
	done
	in_ns a bash -c 'exec 5<>/dev/udp/10.10.0.2/1196 && "$0" peer add dev ovpn0 id 10 tx-id 20 fd 5' \
		"$OVPNCTL" 2>fd.err && fail "fd form with tx-id accepted on legacy"
	expect_contains "$(<fd.err)" "tx-id needs the upstream ovpn API" "fd form"
	expect_json ovpnctl_in a -j peer show dev ovpn0
	expect_jq "$OUT" length 0 "peers after the refusals"
	expect_eq "$(keeper_count)" 0 "keepers after the refusals"
	expect_ok ovpnctl_in a -d link show ovpn0
	expect_stdout_contains "features: none"
	exit 0
fi

expect_ok ovpnctl_in a -d link show ovpn0
expect_stdout_contains "features: tx-id, tx-id-on-set"
expect_json ovpnctl_in a -j -d link show ovpn0
expect_jq "$OUT" '.[0].features | index("tx-id") != null' true "features in JSON"
expect_ok "$OVPNCTL" -V -d
expect_match "$OUT" "ovpn: family id [0-9]+ version [0-9]+, features: tx-id" "-V -d"

# UDP
expect_ok ovpnctl_in a peer add dev ovpn0 id 10 tx-id 20 remote 10.10.0.2:1194
expect_ok ovpnctl_in b peer add dev ovpn0 id 20 tx-id 10 remote 10.10.0.1:1194
keys ovpn0
ping_ok a 10.200.0.2 3
expect_json ovpnctl_in a -j peer show dev ovpn0
expect_jqs "$OUT" "udp peer" '.[0].id' 10 '.[0]."tx-id"' 20
expect_ok ovpnctl_in a peer show dev ovpn0
expect_stdout_contains "tx-id: 20"

# peer set changes what goes on the wire: b has no peer 99.
expect_ok ovpnctl_in a peer set dev ovpn0 id 10 tx-id 99
expect_json ovpnctl_in a -j peer show dev ovpn0 id 10
expect_jq "$OUT" '.[0]."tx-id"' 99 "tx-id after peer set"
expect_fail in_ns a ping -q -n -c 3 -i 0.2 -W 1 10.200.0.2
expect_ok ovpnctl_in a peer set dev ovpn0 id 10 tx-id 20
ping_ok a 10.200.0.2 3
cleanup_all

# TCP: b listens, a connects; both with tx-id.
mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_link a ovpn0 p2p 10.200.0.1/24
ovpn_link b ovpn0 p2p 10.200.0.2/24
ovpnctl_in b peer add dev ovpn0 id 20 tx-id 10 proto tcp listen :1195 >listen.out 2>&1 &
lpid=$!
wait_for 10 tcp_listening b 1195
expect_ok ovpnctl_in a peer add dev ovpn0 id 10 tx-id 20 proto tcp remote 10.10.0.2:1195
wait "$lpid" || fail "tcp listen with tx-id failed: $(<listen.out)"
keys ovpn0
ping_ok a 10.200.0.2 3
expect_json ovpnctl_in b -j peer show dev ovpn0
expect_jqs "$OUT" "tcp listen peer" '.[0].id' 20 '.[0]."tx-id"' 10
expect_json ovpnctl_in a -j peer show dev ovpn0
expect_jqs "$OUT" "tcp connect peer" '.[0].id' 10 '.[0]."tx-id"' 20

# fd N: a second pair of interfaces, a's socket is this shell's TCP connection.
ovpn_link a ovpn1 p2p 10.201.0.1/24
ovpn_link b ovpn1 p2p 10.201.0.2/24
ovpnctl_in b peer add dev ovpn1 id 20 tx-id 10 proto tcp listen :1196 >listen.out 2>&1 &
lpid=$!
wait_for 10 tcp_listening b 1196
in_ns a bash -c '
	exec 5<>/dev/tcp/10.10.0.2/1196 || exit 9
	"$0" peer add dev ovpn1 id 10 tx-id 20 fd 5 || exit $?
	"$0" key add dev ovpn1 peer 10 slot primary key-id 1 cipher aes-256-gcm encrypt K1 decrypt K2 || exit $?
	"$0" -j peer show dev ovpn1 id 10 >fdpeer.json || exit $?
	sleep 8  # the peer lives as long as this socket
' "$OVPNCTL" >fd.out 2>&1 &
fdpid=$!
wait "$lpid" || fail "tcp listen for the fd peer failed: $(<listen.out)"
expect_ok ovpnctl_in b key add dev ovpn1 peer 20 slot primary key-id 1 cipher aes-256-gcm encrypt K2 decrypt K1
wait_for 10 test -s fdpeer.json
expect_jqs "$(<fdpeer.json)" "fd peer" '.[0].id' 10 '.[0]."tx-id"' 20
ping_ok a 10.201.0.2 3
wait "$fdpid" || fail "fd peer shell failed: $(<fd.out)"
