#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 1500
#
# The keeper at scale, with a `monitor -j` (default options) running from
# the start:
# - 10,000 UDP peers with keys on one MP port, from one -batch (2,000 on
#   legacy, see below);
# - 1,500 TCP peers (1,100 on legacy), more than the default descriptor
#   limit of 1024;
# - at a descriptor limit lowered under the keeper (prlimit), further TCP
#   peers fail with a sentence that names the limit and leave nothing behind;
# - `peer show` lists every peer; `link del` leaves no keeper, socket or
#   address file, and the monitor reports every one of the peer-del events
#   with no lost-events marker.
# Figures (FIGURE lines in the log) for scripts/bench: batch cost per peer
# against separate invocations, the keeper's memory and descriptors.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl
PROBE=/usr/local/bin/keeper-probe
# Full scale on upstream; legacy (the same keeper code, an older module)
# runs a smaller one that still passes the default descriptor limit, to
# keep the test command's time in bounds. KEEPER_SCALE_* override both.
if [[ $KERNEL_API == upstream ]]; then full=1; else full=0; fi
udp_peers=${KEEPER_SCALE_UDP:-$((full ? 10000 : 2000))}
tcp_peers=${KEEPER_SCALE_TCP:-$((full ? 1500 : 1100))}
separate_runs=${KEEPER_SCALE_SEPARATE:-50}
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
vpn_ip() { echo "10.$1.$(($2 / 250)).$(($2 % 250 + 2))"; } # NET INDEX

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ip netns exec b "$PROBE" sink 5000 1400 >sink.out 2>&1 &
wait_for 5 grep -q listening sink.out
start_monitor a events.json
ovpn_link a big mp 10.100.0.1/8
ovpn_link a small mp 10.99.0.1/16
idx=$(in_ns a cat /sys/class/net/big/ifindex)
gen_keys aes-256-gcm K1 K2
chmod 600 K1 K2

# Separate invocations (peer add + key add each), for the per-peer cost.
t0=$(now_ms)
for ((i = 1; i <= separate_runs; i++)); do
	ovpnctl_in a peer add dev small id "$i" remote "10.10.0.2:$((20000 + i))" local :1195 vpn-ip "$(vpn_ip 99 "$i")" ||
		fail "separate peer add $i failed"
	ovpnctl_in a key add dev small peer "$i" slot primary key-id 0 cipher aes-256-gcm encrypt K1 decrypt K2 ||
		fail "separate key add $i failed"
done
separate=$(($(now_ms) - t0))

# One batch: 10,000 UDP peers with keys.
for ((i = 1; i <= udp_peers; i++)); do
	printf 'peer add dev big id %d remote 10.10.0.2:%d local :1194 vpn-ip %s\n' "$i" $((20000 + i % 40000)) "$(vpn_ip 100 "$i")"
	printf 'key add dev big peer %d slot primary key-id 0 cipher aes-256-gcm encrypt K1 decrypt K2\n' "$i"
done >udp.batch
t0=$(now_ms)
expect_ok ovpnctl_in a -batch udp.batch
batch=$(($(now_ms) - t0))
log "FIGURE per peer with key: batch of $udp_peers $((batch * 1000 / udp_peers)) us, $separate_runs separate invocations $((separate * 1000 / separate_runs)) us, ratio separate/batch $((separate * udp_peers * 100 / (separate_runs * batch)))%"

# 1,500 TCP peers, each with its own socket held by the keeper.
for ((i = 1; i <= tcp_peers; i++)); do
	printf 'peer add dev big id %d proto tcp remote 10.10.0.2:5000 vpn-ip %s\n' $((20000 + i)) "$(vpn_ip 101 "$i")"
done >tcp.batch
t0=$(now_ms)
expect_ok ovpnctl_in a -batch tcp.batch
log "FIGURE batch of $tcp_peers TCP peers: $(($(now_ms) - t0)) ms"
kpid=$(keeper_pid a "$idx")
[[ -n $kpid ]] || fail "no keeper for big"
log "FIGURE keeper at $((udp_peers + tcp_peers)) peers: $(grep -E '^(VmRSS|RssAnon|VmHWM)' "/proc/$kpid/status" | tr -s ' \t\n' ' ')descriptors $(ls "/proc/$kpid/fd" | wc -l)"
expect_eq "$(in_ns a ss -Huan 'sport = :1194' | wc -l)" 1 "UDP sockets on :1194"

# At a lower descriptor limit: a sentence, and nothing left behind.
used=$(ls "/proc/$kpid/fd" | wc -l)
limit=$((used + 10))
prlimit --pid "$kpid" --nofile="$limit:$limit"
for ((i = 1; i <= 30; i++)); do
	printf 'peer add dev big id %d proto tcp remote 10.10.0.2:5000 vpn-ip %s\n' $((30000 + i)) "$(vpn_ip 102 "$i")"
done >limit.batch
run ovpnctl_in a -force -batch limit.batch
expect_eq "$RC" 2 "exit status at the descriptor limit"
expect_contains "$ERR" "Error: the socket keeper holds as many descriptors as it may (RLIMIT_NOFILE $limit); raise its hard limit." "limit sentence"
failed=$(grep -c '^Command failed' <<<"$ERR")
log "at RLIMIT_NOFILE $limit ($used in use): $((30 - failed)) of 30 TCP peers added"
((failed > 0 && failed < 30)) || fail "$failed of 30 adds failed at the limit"
total=$((udp_peers + tcp_peers + 30 - failed))

# (Counted here, not through `run`: the listing would fill the log.)
listed=$(ovpnctl_in a -j peer show dev big | jq length) || fail "peer show of big failed"
expect_eq "$listed" "$total" "peers listed"
[[ $(kill -0 "$kpid" && echo alive) == alive ]] || fail "the keeper died"

# link del: every peer-del reported, nothing left.
kpath=$(keeper_path a big)
[[ -S $kpath ]] || fail "no keeper address $kpath"
before=$(grep -c . events.json || true)
expect_ok ovpnctl_in a link del big
settled() {
	local n
	n=$(grep -c '"reason":"teardown"' events.json || true)
	((n >= total))
}
wait_for 300 settled
sleep 2
expect_eq "$(grep -c '"reason":"teardown"' events.json)" "$total" "teardown events after link del"
expect_not_contains "$(<events.json)" lost-events "monitor output"
log "monitor: $(($(grep -c . events.json) - before)) events after link del"
no_keeper() { [[ -z $(keeper_pid a "$idx") ]]; }
wait_for 30 no_keeper
expect_eq "$(in_ns a ss -Huan 'sport = :1194' | wc -l)" 0 "UDP sockets on :1194 after link del"
# Held sockets are established (or close-wait once the remote end went);
# one the keeper closed is in fin-wait or time-wait, which is released.
no_tcp() { [[ -z $(in_ns a ss -Htan state established state close-wait '( dport = :5000 )') ]]; }
wait_for 30 no_tcp
[[ ! -e $kpath ]] || fail "the keeper address of big is left: $kpath"
kill "$MONITOR_PID"
wait "$MONITOR_PID" || true
