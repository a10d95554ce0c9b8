#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl curl
# timeout: 1800
#
# A benchmark, not a test (scripts/bench-metrics runs it; Tests/Kernel/run
# never plans it): it prints figures (lines starting "BENCH") and asserts
# nothing about time.
# On one MP interface with PEERS peers (one UDP socket that a background
# shell owns, as in 22-monitor-overflow): the wall time of `-j stats`,
# `-prometheus stats` and a scrape of `metrics serve` (median of RUNS),
# the exporter's resident memory over SCRAPES scrapes, and the CPU time
# `top` uses over 10 s.
# shellcheck source=SCRIPTDIR/../Kernel/lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

PEERS=10000 RUNS=7 SCRAPES=1000 SMALL=1000
# (also on the console, which the host records as it comes)
say() { printf 'BENCH %s\n' "$*" | tee /dev/console; }
now() { echo "${EPOCHREALTIME/./}"; }

mk_ns m
ip -n m link add d0 type dummy
ip -n m addr add 192.0.2.100/24 dev d0
ip -n m link set d0 up
ovpn_link m big mp 10.100.0.1/16
ovpn_link m small mp 10.101.0.1/16
for ((i = 1; i <= PEERS; i++)); do
	printf 'peer add dev big id %d fd 3 remote 192.0.2.1:1194 vpn-ip 10.100.%d.%d\n' "$i" $((i / 250)) $((i % 250 + 2))
done >big.batch
for ((i = 1; i <= SMALL; i++)); do
	printf 'peer add dev small id %d fd 4 remote 192.0.2.2:1194 vpn-ip 10.101.%d.%d\n' "$i" $((i / 250)) $((i % 250 + 2))
done >small.batch
t0=$(now)
in_ns m bash -c 'exec 3<>/dev/udp/192.0.2.1/1194 4<>/dev/udp/192.0.2.2/1194 &&
	"$0" -batch big.batch && "$0" -batch small.batch && touch added && sleep 3000' "$OVPNCTL" >owner.log 2>&1 &
added() { [[ -e added ]]; }
wait_for 1200 added || true
added || fail "adding the peers failed: $(tail -n 3 owner.log)"
say "added $PEERS + $SMALL peers in $((($(now) - t0) / 1000)) ms"

# median MS of RUNS runs of CMD... (output discarded; its size noted)
median() {
	local -a times=()
	local i t
	for ((i = 0; i < RUNS; i++)); do
		t=$(now)
		"$@" >out.bin 2>/dev/null || fail "failed: $*"
		times+=($((($(now) - t) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$((RUNS / 2 + 1))p"
}
ip netns exec m "$OVPNCTL" metrics serve listen 127.0.0.1:9176 2>serve.err &
server=$!
wait_for 20 in_ns m curl -sf -o /dev/null http://127.0.0.1:9176/
url=http://127.0.0.1:9176/metrics

for dev in big small; do
	n=$PEERS
	[[ $dev == small ]] && n=$SMALL
	ms=$(median ovpnctl_in m -j stats dev "$dev")
	say "$n peers: -j stats dev $dev: median $ms ms, $(stat -c %s out.bin) bytes"
	ms=$(median ovpnctl_in m -prometheus stats dev "$dev")
	say "$n peers: -prometheus stats dev $dev: median $ms ms, $(stat -c %s out.bin) bytes"
done
ms=$(median in_ns m curl -sf "$url")
say "$((PEERS + SMALL)) peers: scrape of metrics serve (both interfaces): median $ms ms, $(stat -c %s out.bin) bytes"
grep -c '^ovpn_peer_vpn_rx_bytes_total' out.bin | sed 's/^/BENCH series per peer counter in a scrape: /' >&2

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }
say "exporter VmRSS after $((RUNS + 1)) scrapes of $((PEERS + SMALL)) peers: $(rss) KiB"
in_ns m curl -sf "$url?n=[1-20]" >/dev/null || fail "scrapes failed"
say "exporter VmRSS after 20 more scrapes of $((PEERS + SMALL)) peers: $(rss) KiB"

# The live view's CPU: utime + stime over 10 s, in clock ticks of 10 ms.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for dev in small big; do
	ip netns exec m "$OVPNCTL" top dev "$dev" interval 1 >/dev/null 2>&1 &
	top=$!
	sleep 2
	c0=$(cpu "$top")
	sleep 10
	c1=$(cpu "$top")
	kill -TERM "$top"
	wait "$top" || true
	say "top dev $dev interval 1 (no terminal, to /dev/null): $(((c1 - c0) * 10)) ms CPU in 10 s"
done

# Memory over many scrapes: the big interface deleted, so that SCRAPES
# scrapes (of the SMALL peers) fit in the guest's time.
expect_ok ovpnctl_in m link del big
sleep 2
in_ns m curl -sf "$url" >/dev/null
say "exporter VmRSS after deleting big: $(rss) KiB"
t=$(now)
done_n=0
for step in 10 100 250 500 1000; do
	((step <= SCRAPES)) || break
	in_ns m curl -sf "$url?n=[$((done_n + 1))-$step]" >/dev/null || fail "scrapes failed"
	done_n=$step
	say "exporter VmRSS after $done_n scrapes of $SMALL peers: $(rss) KiB ($((($(now) - t) / 1000)) ms so far)"
done
kill -TERM "$server"
wait "$server" || true
