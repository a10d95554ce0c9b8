#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Scenario 5: `monitor -j` in the background records peer-del events with
# their reasons: userspace (peer del), expired (keepalive 1 3 with the other
# end gone), teardown (link del of an interface with a peer). SIGTERM ends
# it cleanly with exit status 0.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4 aes-256-gcm
start_monitor a events.json
mon=$MONITOR_PID

# userspace
expect_ok ovpnctl_in a peer del dev ovpn0 id 1
# expired: the other end goes away; nothing arrives for 3 s
ip -n b link del ovpn0
expect_ok ovpnctl_in a peer add dev ovpn0 id 2 remote 10.10.0.2:1194 keepalive 1 3
wait_for 15 grep -q '"reason":"expired"' events.json
# teardown
expect_ok ovpnctl_in a peer add dev ovpn0 id 3 remote 10.10.0.2:1194
expect_ok ovpnctl_in a link del ovpn0
wait_for 10 grep -q '"reason":"teardown"' events.json

kill -TERM "$mon"
wait "$mon" && rc=0 || rc=$?
expect_eq "$rc" 0 "monitor exit status after SIGTERM"
cat events.json
while read -r line; do
	jq -e . >/dev/null <<<"$line" || fail "not one JSON object per line: $line"
done <events.json
ev() { jq -rc "select(.id == $1) | [.event, .ifname, .reason] | join(\" \")" events.json | sed -n 1p; }
expect_eq "$(ev 1)" "peer-del ovpn0 userspace" "event for peer 1"
expect_eq "$(ev 2)" "peer-del ovpn0 expired" "event for peer 2"
expect_eq "$(ev 3)" "peer-del ovpn0 teardown" "event for peer 3"
expect_jq "$(head -n1 events.json)" '.ifindex | type' number "ifindex is a number"

# monitor inside a batch, with the batch reader waiting on a FIFO. A
# background job inherits SIGINT ignored; restore it, so that a thread that
# did not block it would end the process and fail here.
mkfifo batch.fifo
env --default-signal=INT ip netns exec a "$OVPNCTL" -j -batch - <batch.fifo >batch-events.json 2>batch.err &
bpid=$!
exec 7>batch.fifo
printf 'monitor\n' >&7
ovpn_link a ovpn1 p2p 10.201.0.1/24
sleep 1
kill -0 "$bpid" || fail "batch with monitor exited early: $(<batch.err)"
expect_ok ovpnctl_in a peer add dev ovpn1 id 8 remote 10.10.0.2:1195
expect_ok ovpnctl_in a peer del dev ovpn1 id 8
wait_for 10 grep -q '"id":8' batch-events.json
kill -INT "$bpid"
# monitor has ended; the batch waits for its next line.
sleep 1
kill -0 "$bpid" || fail "SIGINT ended the whole batch, not its monitor line: $(<batch.err)"
printf 'link del ovpn1\n' >&7
gone() { ! ip -n a link show ovpn1; }
wait_for 10 gone
# monitor gave SIGINT back: the next one ends the batch, as before monitor ran.
kill -INT "$bpid"
ended() { [[ ! -e /proc/$bpid || $(awk '{ print $3 }' "/proc/$bpid/stat") == Z ]]; }
wait_for 10 ended
exec 7>&-
wait "$bpid" && rc=0 || rc=$?
expect_eq "$rc" 130 "batch exit status for a SIGINT after its monitor line"
expect_eq "$(jq -rc 'select(.id == 8) | [.event, .ifname, .reason] | join(" ")' batch-events.json)" \
	"peer-del ovpn1 userspace" "event for peer 8, from monitor in a batch"
