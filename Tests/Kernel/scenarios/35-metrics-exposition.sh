#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl promtool
# timeout: 180
#
# The Prometheus exposition (-prometheus stats, -prometheus link show) of a
# tunnel under traffic passes `promtool check metrics`; once the traffic has
# stopped, its per-peer counters equal `stats -j` and its interface counters
# equal ip(8)'s IFLA_STATS64 (`ip -s -j link`), as do `link show -s` in
# text and JSON.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4 aes-256-gcm

# Under traffic: every exposition validates.
in_ns b ping -q -n -i 0.05 -w 6 10.200.0.1 >ping.out 2>&1 &
pinger=$!
sleep 1
for i in 1 2 3; do
	expect_ok ovpnctl_in a -prometheus stats
	printf '%s\n' "$OUT" >"stats$i.prom"
	expect_ok promtool check metrics <"stats$i.prom"
	expect_ok ovpnctl_in a -prometheus link show
	printf '%s\n' "$OUT" >"link$i.prom"
	expect_ok promtool check metrics <"link$i.prom"
	sleep 0.5
done
wait "$pinger" || fail "ping through the tunnel failed: $(<ping.out)"
moved=$(awk '/^ovpn_peer_vpn_rx_packets_total/ { print $2 }' stats1.prom stats3.prom | tr '\n' ' ')
log "vpn-rx-packets in the first and the last exposition: $moved"
read -r first last <<<"$moved"
((last > first)) || fail "the counters did not move under traffic ($moved)"

# At rest: the exposition holds exactly what stats -j and ip -s say.
expect_ok ovpnctl_in a -prometheus stats
printf '%s\n' "$OUT" >rest.prom
expect_ok promtool check metrics <rest.prom
expect_json ovpnctl_in a -j stats dev ovpn0
stats=$OUT
expect_jq "$stats" length 1 "stats objects"
labels="interface=\"ovpn0\",peer_id=\"1\",remote=\"10.10.0.2:1194\""
sample() { # NAME LABELS: the value of one sample of rest.prom
	awk -v want="$1{$2}" '$1 == want { print $2 }' rest.prom
}
for k in vpn-rx-bytes vpn-tx-bytes vpn-rx-packets vpn-tx-packets \
	link-rx-bytes link-tx-bytes link-rx-packets link-tx-packets; do
	m=ovpn_peer_${k//-/_}_total
	want=$(jqv "$stats" ".[0].\"$k\"")
	expect_eq "$(sample "$m" "$labels")" "$want" "$m (stats -j $k)"
	grep -q "^# TYPE $m counter\$" rest.prom || fail "no TYPE line for $m"
	grep -q "^# HELP $m " rest.prom || fail "no HELP line for $m"
done
(($(jqv "$stats" '.[0]."vpn-rx-packets"') >= 50)) || fail "too little traffic was counted"

ipj=$(ip -n a -s -j link show dev ovpn0)
ilabels="interface=\"ovpn0\",kind=\"$OVPN_KIND\""
expect_eq "$(sample ovpn_interface_peers "$ilabels")" 1 "ovpn_interface_peers"
for pair in rx.bytes:rx_bytes rx.packets:rx_packets rx.errors:rx_errors rx.dropped:rx_dropped \
	tx.bytes:tx_bytes tx.packets:tx_packets tx.errors:tx_errors tx.dropped:tx_dropped; do
	want=$(jqv "$ipj" ".[0].stats64.${pair%%:*}")
	expect_eq "$(sample "ovpn_interface_${pair#*:}_total" "$ilabels")" "$want" "ovpn_interface_${pair#*:}_total (ip stats64.${pair%%:*})"
done

# link show -s, JSON and text, against the same numbers.
expect_json ovpnctl_in a -j -s link show ovpn0
expect_jqs "$OUT" "link show -s -j" \
	'.[0].stats."rx-bytes"' "$(jqv "$ipj" '.[0].stats64.rx.bytes')" \
	'.[0].stats."tx-packets"' "$(jqv "$ipj" '.[0].stats64.tx.packets')" \
	'.[0].stats."rx-dropped"' "$(jqv "$ipj" '.[0].stats64.rx.dropped')" \
	'.[0].stats.multicast' "$(jqv "$ipj" '.[0].stats64.rx.multicast')" \
	'.[0].stats.collisions' "$(jqv "$ipj" '.[0].stats64.tx.collisions')" \
	'.[0].stats."tx-carrier-errors"' "$(jqv "$ipj" '.[0].stats64.tx.carrier_errors')" \
	'.[0].stats."rx-missed-errors"' "$(jqv "$ipj" '.[0].stats64.rx.missed_errors // 0')"
expect_ok ovpnctl_in a -s link show ovpn0
expect_stdout_contains "  RX: bytes packets errors dropped missed mcast"
rx_line=$(grep -A1 '  RX: bytes' <<<"$OUT" | tail -n1)
read -r rxb rxp _ <<<"$rx_line"
expect_eq "$rxb $rxp" "$(jqv "$ipj" '.[0].stats64.rx.bytes') $(jqv "$ipj" '.[0].stats64.rx.packets')" "link show -s RX bytes and packets"

# link show: interfaces only; options that do not apply are refused.
expect_ok ovpnctl_in a -prometheus link show ovpn0
expect_not_contains "$OUT" "ovpn_peer_" "-prometheus link show"
expect_contains "$OUT" "ovpn_interface_peers{$ilabels} 1" "-prometheus link show"
expect_exit 1 ovpnctl_in a -prometheus peer show
expect_stderr_contains "applies to stats and link show only"
expect_exit 1 ovpnctl_in a -j -prometheus stats
expect_exit 2 ovpnctl_in a -prometheus stats dev nosuch0
