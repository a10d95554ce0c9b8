#!/bin/bash
# kernels: upstream
# requires: ovpnctl
# timeout: 1500
#
# A benchmark, not a test (scripts/bench --guest runs it; Tests/Kernel/run
# never plans it): one MP interface with N UDP peers (remote and vpn-ip, no
# keys) added by `-batch`, for each N in /etc/bench-peers (default 2000
# 10000, cumulative), then the wall time (median of BENCH_REPEAT runs) and
# the peak RSS, page faults, CPU time and system calls of each dump, output
# to /dev/null:
#   ovpnctl peer show, ovpnctl -j peer show, ovpnctl -j stats
#   ovpn-cli get_peer     if /usr/bin/ovpn-cli is there (OVPN_CLI=... on the host)
#   the same three for every /usr/bin/ovpnctl-* (scripts/bench --also BIN),
#   whose output must also be byte-identical to ovpnctl's
# It prints its figures after a "=== figures" line.
# shellcheck source=SCRIPTDIR/../Kernel/lib.sh
source "$TESTS_DIR/lib.sh"
require_ovpnctl

read -ra sizes </etc/bench-peers 2>/dev/null || sizes=(2000 10000)
((${#sizes[@]})) || sizes=(2000 10000)
repeat=${BENCH_REPEAT:-3}
dev=bench0
others=()
for b in /usr/bin/ovpnctl-*; do [[ -x $b ]] && others+=("$b"); done
cli=''
[[ -x /usr/bin/ovpn-cli ]] && cli=/usr/bin/ovpn-cli

# median_time CMD...: median wall seconds of $repeat runs, output discarded.
median_time() {
	local i t0
	local -a times=()
	for ((i = 0; i < repeat; i++)); do
		t0=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || fail "$* failed"
		times+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')")
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# usage CMD...: of one run, "RSS FAULTS USER SYS SYSCALLS": peak resident
# set in KiB, minor page faults, user and system CPU seconds (GNU time),
# and the system calls strace -c counts (a second run; - without strace).
usage() {
	/usr/bin/time -f '%M %R %U %S' -o usage.txt "$@" >/dev/null 2>&1 || fail "$* failed"
	local calls=-
	if command -v strace >/dev/null; then
		strace -f -c -o strace.txt "$@" >/dev/null 2>&1 || fail "strace $* failed"
		calls=$(awk '$NF == "total" { print $4 }' strace.txt)
	fi
	printf '%s\t%s\n' "$(tail -n1 usage.txt | tr ' ' '\t')" "$calls"
}

notes=()
: >rows.tsv
# measure PEERS NAME LABEL CMD...: one row of rows.tsv.
measure() {
	local n=$1 name=$2 label=$3
	shift 3
	printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$name" "$label" "$(median_time "$@")" "$(usage "$@")" >>rows.tsv
}

"$OVPNCTL" link add "$dev" type ovpn mode mp
have=0
for n in "${sizes[@]}"; do
	# peers have+1 .. n: remote 198.18.x.y:1194, vpn-ip 10.64.x.y
	awk -v a="$((have + 1))" -v b="$n" -v d="$dev" 'BEGIN {
		for (i = a; i <= b; i++)
			printf "peer add dev %s id %d remote 198.18.%d.%d:1194 vpn-ip 10.64.%d.%d\n",
				d, i, int(i / 256) % 256, i % 256, int(i / 256) % 256, i % 256
	}' >add.batch
	t0=$EPOCHREALTIME
	"$OVPNCTL" -batch add.batch >/dev/null || fail "adding peers $((have + 1))..$n failed"
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	notes+=("batch: $((n - have)) peer add lines in ${secs}s ($(awk -v n="$((n - have))" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') peers/s)")
	have=$n
	got=$("$OVPNCTL" -j peer show dev "$dev" | jq length)
	expect_eq "$got" "$n" "peers in $dev"

	for b in "$OVPNCTL" "${others[@]}"; do
		name=${b##*/}
		measure "$n" "$name" "peer show" "$b" peer show dev "$dev"
		measure "$n" "$name" "-j peer show" "$b" -j peer show dev "$dev"
		measure "$n" "$name" "-j stats" "$b" -j stats dev "$dev"
	done
	[[ -z $cli ]] || measure "$n" ovpn-cli get_peer "$cli" get_peer "$dev"
	# Same bytes from every ovpnctl build.
	for b in "${others[@]}"; do
		for args in "peer show dev $dev" "-j peer show dev $dev" "-j stats dev $dev" "-j -p peer show dev $dev"; do
			read -ra a <<<"$args"
			"$OVPNCTL" "${a[@]}" >new.out
			"$b" "${a[@]}" >old.out
			cmp -s new.out old.out || fail "$args: ovpnctl and ${b##*/} differ at $n peers: $(cmp new.out old.out 2>&1 | head -n1)"
		done
		notes+=("output at $n peers: ovpnctl and ${b##*/} byte-identical (peer show, -j, -j -p, -j stats)")
	done
done

echo "=== figures (median of $repeat runs; upstream kernel $KERNEL_RELEASE, qemu tcg)"
printf '%s\n' "${notes[@]}"
awk -F'\t' '
	BEGIN {
		printf "%-7s %-22s %-13s %8s %8s %7s %6s %6s %8s\n", "peers", "binary", "command", "seconds",
			"rss-KiB", "faults", "user", "sys", "syscalls"
	}
	{ printf "%-7s %-22s %-13s %8s %8s %7s %6s %6s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9; row[NR] = $0 }
	$2 == "ovpn-cli" { cli[$1] = $4 }
	END {
		for (i = 1; i <= NR; i++) {
			split(row[i], f, "\t")
			if (f[2] != "ovpn-cli" && cli[f[1]] > 0)
				printf "ratio at %s peers: %s %s / ovpn-cli get_peer = %.2f\n", f[1], f[2], f[3], f[4] / cli[f[1]]
		}
	}' rows.tsv
