#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 180
#
# `peer add ... fd N` with a TCP socket the caller owns (a bash /dev/tcp
# connection), and the fifth delete reason: the other end sends a frame too
# short to hold an opcode (length prefix 2, then 2 bytes), which the
# upstream module treats as a broken stream: the peer goes with reason
# transport-error while the caller still holds the socket. ovpn-dco-v2
# passes such a frame up instead, and its peer outlives the caller's fd.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_link a ovpn0 p2p 10.200.0.1/24
# b: a plain TCP server that waits, then sends garbage framing.
in_ns b sh -c '(sleep 3; printf "\000\002XY"; sleep 15) | busybox nc -l -p 5000' >/dev/null 2>&1 &
server=$!
wait_for 10 tcp_listening b 5000
start_monitor a events.json

# The caller owns the socket (fd 5 of this shell) and hands its number over.
in_ns a bash -c '
	exec 5<>/dev/tcp/10.10.0.2/5000 || exit 9
	"$0" peer add dev ovpn0 id 4 fd 5 || exit $?
	"$0" -j peer show dev ovpn0 id 4 >fdpeer.json || exit $?
	sleep 12  # keep the socket open while the garbage arrives
' "$OVPNCTL" && rc=0 || rc=$?
expect_eq "$rc" 0 "peer add with fd 5 (exit status)"
expect_jq "$(<fdpeer.json)" '.[0].id' 4 "peer added over the caller's socket"

case $KERNEL_API in
upstream)
	wait_for 20 grep -q '"id":4' events.json
	cat events.json
	ev=$(grep -m1 '"id":4' events.json)
	expect_jq "$ev" .event peer-del "event"
	expect_jq "$ev" .reason transport-error "reason after the short frame"
	;;
legacy)
	# ovpn-dco-v2 passes the short frame up to the socket's owner and keeps
	# its own reference to the socket: the peer stays after the caller
	# closed its descriptor, until someone deletes it.
	sleep 1
	expect_not_contains "$(<events.json)" '"id":4' "events before peer del"
	expect_json ovpnctl_in a -j peer show dev ovpn0 id 4
	expect_jq "$OUT" '.[0].id' 4 "peer still present"
	expect_ok ovpnctl_in a peer del dev ovpn0 id 4
	wait_for 10 grep -q '"id":4' events.json
	expect_jq "$(grep -m1 '"id":4' events.json)" .reason userspace "reason"
	;;
esac
kill "$server" 2>/dev/null || true
kill -TERM "$MONITOR_PID"
wait "$MONITOR_PID" || fail "monitor did not exit cleanly"
