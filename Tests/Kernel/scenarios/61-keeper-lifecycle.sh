#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 300
#
# The keeper is never stalled and never races its own exit:
# - 20 root clients and 5 unprivileged ones connect and then neither send
#   nor read: root's `peer add` still completes well under a second;
# - `peer del` of the last peer immediately followed by `peer add`, 100
#   times: every add succeeds, and afterwards no keeper and no socket stays;
# - a TCP peer whose remote end closes: the keeper stops polling the socket
#   (its CPU time stays flat over 5 s) and releases it once the peer is gone.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl
PROBE=/usr/local/bin/keeper-probe

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_link a mp0 mp 10.201.0.1/16
idx=$(in_ns a cat /sys/class/net/mp0/ifindex)
path=$(keeper_path a mp0)

# --- stalled clients ------------------------------------------------------------
t0=$(now_ms)
expect_ok ovpnctl_in a peer add dev mp0 id 1 remote 10.10.0.2:1300 local :1300 vpn-ip 10.201.0.2
first=$(($(now_ms) - t0))
kpid=$(keeper_pid a "$idx")
[[ -n $kpid ]] || fail "no keeper after the first peer add"
t0=$(now_ms)
expect_ok ovpnctl_in a peer add dev mp0 id 2 remote 10.10.0.2:1301 local :1300 vpn-ip 10.201.0.3
quiet=$(($(now_ms) - t0))
stallers=()
for ((i = 0; i < 20; i++)); do
	ip netns exec a "$PROBE" stall "$path" 30 >/dev/null 2>&1 &
	stallers+=($!)
done
for ((i = 0; i < 5; i++)); do
	nobody_in a "$PROBE" stall "$path" 30 >/dev/null 2>&1 &
	stallers+=($!)
done
sleep 1
t0=$(now_ms)
expect_ok ovpnctl_in a peer add dev mp0 id 3 remote 10.10.0.2:1302 local :1300 vpn-ip 10.201.0.4
stalled=$(($(now_ms) - t0))
log "FIGURE peer add starting the keeper: ${first} ms; with a running keeper: ${quiet} ms; with 25 stalled clients: ${stalled} ms"
((stalled < 1000)) || fail "peer add took ${stalled} ms with stalled clients"
expect_json ovpnctl_in a -j peer show dev mp0
expect_jq "$OUT" length 3 "peers"
[[ $(keeper_pid a "$idx") == "$kpid" ]] || fail "the keeper changed"
kill "${stallers[@]}" 2>/dev/null || true
wait "${stallers[@]}" 2>/dev/null || true

# --- del of the last peer, then add, 100 times ---------------------------------
for id in 1 2 3; do expect_ok ovpnctl_in a peer del dev mp0 id "$id"; done
t0=$(now_ms)
for ((i = 0; i < 100; i++)); do
	expect_ok ovpnctl_in a peer add dev mp0 id 5 remote 10.10.0.2:1300 local :1300 vpn-ip 10.201.0.9
	expect_ok ovpnctl_in a peer del dev mp0 id 5
done
log "FIGURE 100 add/del cycles: $(($(now_ms) - t0)) ms"
no_keeper() { [[ -z $(keeper_pid a "$idx") ]]; }
no_udp() { [[ -z $(in_ns a ss -Huan 'sport = :1300') ]]; }
wait_for 10 no_keeper
wait_for 5 no_udp
[[ ! -e $path ]] || fail "the keeper left $path behind"

# --- a TCP peer whose remote end closes ---------------------------------------
ip netns exec b "$PROBE" sink 5000 60 >sink.out 2>&1 &
sink=$!
wait_for 5 grep -q listening sink.out
expect_ok ovpnctl_in a peer add dev mp0 id 7 proto tcp remote 10.10.0.2:5000 vpn-ip 10.201.0.7
kpid=$(keeper_pid a "$idx")
[[ -n $kpid ]] || fail "no keeper for the TCP peer"
kill "$sink" # the remote end goes: the keeper's socket reads EOF
wait "$sink" 2>/dev/null || true
c0=$(cpu_ticks "$kpid")
sleep 5
if [[ -e /proc/$kpid/stat ]]; then
	c1=$(cpu_ticks "$kpid")
	log "FIGURE keeper CPU over 5 s after the remote end closed: $((c1 - c0)) ticks"
	(((c1 - c0) <= 50)) || fail "the keeper used $((c1 - c0)) ticks in 5 s with a closed TCP peer"
else
	log "the keeper exited within 5 s: the kernel dropped the peer at once"
fi
# The legacy module keeps a TCP peer whose remote end closed (until
# keepalive expiry, had it one); upstream removes it. Either way, once the
# peer is gone its socket goes too.
if ovpnctl_in a peer show dev mp0 id 7 >/dev/null 2>&1; then
	log "peer 7 outlived its closed TCP connection; removing it"
	expect_ok ovpnctl_in a peer del dev mp0 id 7
fi
# Held sockets are established (or close-wait once the remote end went);
# one the keeper closed is in fin-wait or time-wait, which is released.
no_tcp() { [[ -z $(in_ns a ss -Htan state established state close-wait '( dport = :5000 )') ]]; }
wait_for 10 no_tcp
wait_for 10 no_keeper
