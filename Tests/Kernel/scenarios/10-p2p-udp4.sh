#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# Scenario 1 (+7): a p2p tunnel over UDP/IPv4 between two namespaces, built
# with ovpnctl alone, every ovpnctl process gone after each command. Pings go
# both ways; the per-peer counters on each end match the pings exactly; the
# tunnel still carries traffic 20 s after the last ovpnctl command exited.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4 aes-256-gcm
expect_eq "$(keeper_count)" 2 "socket keepers (one per interface)"
for pid in $(ip netns pids a); do # what a keeper costs, for the record
	[[ $(cat "/proc/$pid/comm") == ovpnctl-keeper ]] || continue
	log "keeper $pid: $(grep -E '^(VmRSS|RssAnon|RssFile|Threads)' "/proc/$pid/status" | tr -s ' \t\n' ' ')"
	log "keeper $pid fds: $(ls "/proc/$pid/fd" | wc -l)"
done

ping_ok a 10.200.0.2 10
ping_ok b 10.200.0.1 10

# Each end sent 10 requests and 10 replies, and received as many.
for ns in a b; do
	s=$(peer_stats "$ns" ovpn0 1)
	expect_jq "$s" .ifname ovpn0 "$ns ifname"
	expect_jq "$s" .id 1 "$ns peer id"
	expect_jq "$s" '."vpn-tx-packets"' 20 "$ns vpn-tx-packets"
	expect_jq "$s" '."vpn-rx-packets"' 20 "$ns vpn-rx-packets"
	expect_jq "$s" '."link-tx-packets" >= 20' true "$ns link-tx-packets >= 20"
	expect_jq "$s" '."link-rx-packets" >= 20' true "$ns link-rx-packets >= 20"
	expect_jq "$s" '."vpn-tx-bytes" > 0 and ."link-tx-bytes" > ."vpn-tx-bytes"' true \
		"$ns link bytes exceed vpn bytes (encapsulation)"
	expect_jq "$s" '."vpn-tx-bytes" | type' number "$ns counters are numbers"
done

# peer show: the remote and the local port as configured.
expect_json ovpnctl_in a -j peer show dev ovpn0 id 1
expect_jq "$OUT" '.[0]."remote-ipv4"' 10.10.0.2 "remote-ipv4"
expect_jq "$OUT" '.[0]."remote-port"' 1194 "remote-port"
expect_json ovpnctl_in a -j peer show dev ovpn0
expect_jq "$OUT" '[.[].id]' '[1]' "peers listed without id (p2p)"
expect_ok ovpnctl_in a peer show
expect_stdout_contains "peer: 1"
expect_stdout_contains "remote: 10.10.0.2:1194"
expect_ok ovpnctl_in a stats
expect_stdout_contains "transfer:"

# Scenario 7: no ovpnctl command has run for 20 s; traffic still flows.
sleep 20
ping_ok a 10.200.0.2 5
