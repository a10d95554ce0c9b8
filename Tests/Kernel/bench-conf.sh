# shellcheck shell=bash
# Benchmark (not a test): syncconf of a 1,000-peer file with 10 changes
# against setconf of the same file, in a guest. It asserts nothing about
# time; it prints the figures to the scenario log. Run it once with a
# throwaway scenario that sources it, for example
#   printf '#!/bin/bash\n# timeout: 900\nsource "$TESTS_DIR/bench-conf.sh"\n' \
#       >Tests/Kernel/scenarios/90-bench-conf.sh
#   Tests/Kernel/run --kernel upstream --scenario 90-bench-conf
#   grep BENCH .cache/kernel-logs/upstream/scenarios/90-bench-conf.log
#   rm Tests/Kernel/scenarios/90-bench-conf.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/conf.sh"
require_ovpnctl

N=${BENCH_PEERS:-1000}
conf_server mp
# The peers' remotes are on a link with nobody behind it: keepalives leave, nothing comes back.
mk_ns sink
veth_pair srv sink 10.10.255.1/16 10.10.255.254/16
gen_keys aes-256-gcm KA KB KC KD

# bench_file CHANGED: N peers (keepalive timeouts long enough to outlast the run); with CHANGED, 10 changes: peers 1-3 gone,
# N+1..N+3 new, keepalive of 10 and 11 changed, a secondary key for 20 and 21.
bench_file() {
	local changed=$1 i first=1 last=$N
	((changed)) && first=4 last=$((N + 3))
	echo "interface mode mp"
	for ((i = first; i <= last; i++)); do
		local ka="10 3600"
		((changed && (i == 10 || i == 11))) && ka="5 3600"
		echo "peer id $i remote 10.10.$((i / 250)).$((i % 250 + 2)):1194 local [::]:1194" \
			"vpn-ip 10.100.$((i / 250)).$((i % 250 + 1)) keepalive $ka"
		echo "key peer $i slot primary key-id 0 cipher aes-256-gcm encrypt KA decrypt KB"
		if ((changed && (i == 20 || i == 21))); then
			echo "key peer $i slot secondary key-id 1 cipher aes-256-gcm encrypt KC decrypt KD"
		fi
	done
}
bench_file 0 >a.conf
bench_file 1 >b.conf

# timed LABEL CMD...: run CMD (exit 0 expected), print its wall time.
timed() {
	local label=$1 t0 t1
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>timed.err || fail "$label failed: $(head -c 300 timed.err)"
	t1=${EPOCHREALTIME/./}
	printf 'BENCH %-44s %8d ms\n' "$label" "$(((t1 - t0) / 1000))" >&2
}
count() { ovpnctl_in srv -j peer show dev ovpn0 | jq length; }

timed "setconf a.conf on an empty interface" ovpnctl_in srv setconf dev ovpn0 a.conf
log "peers: $(count)"
ovpnctl_in srv -j -dry-run syncconf dev ovpn0 b.conf | jq -r '.plan[]' >&2
timed "syncconf -dry-run b.conf (10 changes)" ovpnctl_in srv -dry-run syncconf dev ovpn0 b.conf
timed "syncconf b.conf (10 changes)" ovpnctl_in srv syncconf dev ovpn0 b.conf
log "peers: $(count)"
timed "syncconf b.conf again (no change)" ovpnctl_in srv syncconf dev ovpn0 b.conf
timed "syncconf a.conf (back, 10 changes)" ovpnctl_in srv syncconf dev ovpn0 a.conf
timed "setconf b.conf (same file, every peer anew)" ovpnctl_in srv setconf dev ovpn0 b.conf
log "peers: $(count)"
