#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl curl promtool
# timeout: 300
#
# `metrics serve` scraped with curl: counters equal `stats -j`; the
# peer-del counter of the right reason moves after `peer del` and after
# `link del`, in step with what `monitor -j` sees; after `key swap` the
# key-swap counter stays where monitor says the kernel left it (neither
# module notifies a swap made from user space: the upstream one only when
# a key runs out of packet ids); lost events (a stopped exporter with a
# small buffer, hundreds of peers deleted at once) are counted. Bad and
# slow clients get an error status and the server goes on; interfaces come
# and go; SIGTERM ends it with status 0.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

p2p_tunnel udp4 aes-256-gcm
url=http://127.0.0.1:9176/metrics
ip netns exec a "$OVPNCTL" -rcvbuf 16384 metrics serve >serve.out 2>serve.err &
server=$!
start_monitor a events.json
wait_for 10 in_ns a curl -sf -o /dev/null "$url"

scrape() { # NAME: scrape into NAME.prom, check it, set OUT
	in_ns a curl -sS --max-time 20 -D "$1.head" -o "$1.prom" "$url" || fail "scrape $1 failed: $(<serve.err)"
	grep -q '^HTTP/1.1 200' "$1.head" || fail "scrape $1: $(head -n1 "$1.head")"
	grep -qi '^content-type: text/plain; version=0.0.4' "$1.head" || fail "scrape $1: wrong content type"
	promtool check metrics <"$1.prom" || fail "promtool rejects scrape $1"
	OUT=$(<"$1.prom")
}
value() { # FILE SERIES: the value of one series (empty when absent)
	awk -v want="$2" '$1 == want { print $2 }' "$1.prom"
}
del() { echo "ovpn_peer_del_events_total{interface=\"$1\",reason=\"$2\"}"; }

ping_ok a 10.200.0.2 10
scrape s0
expect_json ovpnctl_in a -j stats dev ovpn0
labels="interface=\"ovpn0\",peer_id=\"1\",remote=\"10.10.0.2:1194\""
for k in vpn-rx-packets vpn-tx-bytes link-rx-bytes link-tx-packets; do
	expect_eq "$(value s0 "ovpn_peer_${k//-/_}_total{$labels}")" "$(jqv "$OUT" ".[0].\"$k\"")" "scraped $k"
done
expect_eq "$(value s0 "$(del ovpn0 userspace)")" 0 "peer-del userspace before"
expect_eq "$(value s0 'ovpn_key_swap_events_total{interface="ovpn0"}')" 0 "key-swap before"
expect_eq "$(value s0 ovpn_lost_events_total)" 0 "lost events before"
expect_eq "$(value s0 ovpnctl_scrape_success)" 1 "scrape success"

# key swap: a secondary key, then the swap; traffic goes on with the new key.
gen_keys aes-256-gcm K3 K4
key_pair a b ovpn0 1 secondary 1 aes-256-gcm K3 K4
expect_ok ovpnctl_in a key swap dev ovpn0 peer 1
expect_ok ovpnctl_in b key swap dev ovpn0 peer 1
ping_ok a 10.200.0.2 5
sleep 1
scrape s1
monitor_swaps=$(grep -c '"event":"key-swap"' events.json || true)
log "key-swap events seen by monitor after a userspace swap: $monitor_swaps"
expect_eq "$(value s1 'ovpn_key_swap_events_total{interface="ovpn0"}')" "$monitor_swaps" "key-swap counter (= monitor's key-swap events)"

# peer del: the userspace counter moves, as monitor sees it.
expect_ok ovpnctl_in a peer del dev ovpn0 id 1
wait_for 10 grep -q '"reason":"userspace"' events.json
moved() { scrape s2 >/dev/null 2>&1 && [[ $(value s2 "$(del ovpn0 userspace)") == 1 ]]; }
wait_for 10 moved
scrape s2
expect_eq "$(value s2 "$(del ovpn0 userspace)")" 1 "peer-del userspace after peer del"
expect_eq "$(value s2 "$(del ovpn0 expired)")" 0 "peer-del expired after peer del"
if [[ $KERNEL_API == upstream ]]; then
	expect_eq "$(value s2 "ovpn_interface_peers{interface=\"ovpn0\",kind=\"$OVPN_KIND\"}")" 0 "peers after peer del"
else
	# The legacy module lists no peers of a p2p interface, and with its last
	# peer the socket keeper that knew the ids is gone: the count is left
	# out rather than made up.
	expect_eq "$(value s2 "ovpn_interface_peers{interface=\"ovpn0\",kind=\"$OVPN_KIND\"}")" "" "peers after peer del (unknown on legacy p2p)"
fi

# Bad clients: garbage, an oversized head, a client that sends half a
# request and waits; each gets its status, the server goes on.
status() { # CMD...: the status line a raw request gets
	in_ns a bash -c 'exec 3<>/dev/tcp/127.0.0.1/9176 && '"$1"' >&3 && head -n1 <&3' | tr -d '\r'
}
expect_eq "$(status "printf 'NONSENSE\r\n\r\n'")" "HTTP/1.1 400 Bad Request" "garbage request"
expect_eq "$(status "printf '%20000s' '' | tr ' ' a")" "HTTP/1.1 431 Request Header Fields Too Large" "oversized request"
t0=$SECONDS
expect_eq "$(status "printf 'GET /metrics HTTP/1.1\r\n'")" "HTTP/1.1 408 Request Timeout" "slow request"
log "the slow request was cut after $((SECONDS - t0)) s"
expect_eq "$(in_ns a curl -s -o /dev/null -w '%{http_code}' -X POST "$url")" 405 "POST"
expect_eq "$(in_ns a curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9176/other)" 404 "other path"
scrape s3
expect_eq "$(value s3 ovpnctl_scrape_success)" 1 "scrape after the bad clients"

# Interfaces come and go: a new one shows up, a deleted one's peer goes
# with reason teardown, and scraping goes on.
expect_ok ovpnctl_in a peer add dev ovpn0 id 2 remote 10.10.0.2:1194
ovpn_link a ovpn1 mp 10.201.0.1/24
scrape s4
expect_contains "$OUT" "ovpn_interface_rx_bytes_total{interface=\"ovpn1\",kind=\"$OVPN_KIND\"} " "scrape with ovpn1"
# (An empty legacy interface's count is unknown: its mode cannot be read
# back, and a p2p one lists no peers.)
[[ $KERNEL_API == legacy ]] ||
	expect_contains "$OUT" "ovpn_interface_peers{interface=\"ovpn1\",kind=\"$OVPN_KIND\"} 0" "scrape with ovpn1"
expect_ok ovpnctl_in a link del ovpn0
wait_for 10 grep -q '"reason":"teardown"' events.json
torn() { scrape s5 >/dev/null 2>&1 && [[ $(value s5 "$(del ovpn0 teardown)") == 1 ]]; }
wait_for 10 torn
scrape s5
expect_not_contains "$OUT" 'ovpn_interface_peers{interface="ovpn0"' "scrape after link del"
expect_eq "$(value s5 ovpnctl_scrape_success)" 1 "scrape after link del"

# Lost events: the exporter stopped, its 16 KiB buffer overflows while an
# MP interface with 300 peers is deleted; the loss is counted.
ip -n a link add d0 type dummy
ip -n a addr add 192.0.2.100/24 dev d0
ip -n a link set d0 up
for ((i = 1; i <= 300; i++)); do
	printf 'peer add dev ovpn1 id %d fd 3 remote 192.0.2.1:1194 vpn-ip 10.201.%d.%d\n' "$i" $((i / 250)) $((i % 250 + 2))
done >peers.batch
in_ns a bash -c 'exec 3<>/dev/udp/192.0.2.1/1194 && "$0" -batch peers.batch && touch added && sleep 600' \
	"$OVPNCTL" >owner.log 2>&1 &
owner=$!
added() { [[ -e added ]]; }
wait_for 120 added || true
added || fail "adding the peers failed: $(tail -n 3 owner.log)"
scrape s6
expect_eq "$(value s6 "ovpn_interface_peers{interface=\"ovpn1\",kind=\"$OVPN_KIND\"}")" 300 "peers on ovpn1"
expect_eq "$(grep -c '^ovpn_peer_vpn_rx_bytes_total{interface="ovpn1"' s6.prom)" 300 "ovpn1 peer series"
kill -STOP "$server"
expect_ok ovpnctl_in a link del ovpn1
sleep 2
kill -CONT "$server"
scrape s7
lost=$(value s7 ovpn_lost_events_total)
counted=$(value s7 "$(del ovpn1 teardown)")
log "lost-events counter $lost, teardown events counted for ovpn1: $counted of 300"
((lost >= 1)) || fail "no lost events counted (ovpn_lost_events_total $lost)"
((counted < 300)) || fail "no events were lost, so nothing was tested"
kill "$owner" 2>/dev/null || true

kill -TERM "$server"
wait "$server" && rc=0 || rc=$?
expect_eq "$rc" 0 "exit status after SIGTERM"
expect_contains "$(<serve.err)" "serving metrics on http://127.0.0.1:9176/metrics" "the server's log"
kill -TERM "$MONITOR_PID"
wait "$MONITOR_PID" || true
