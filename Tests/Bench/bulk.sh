#!/bin/bash
# kernels: upstream
# requires: ovpnctl
# timeout: 3600
#
# A benchmark, not a test (scripts/bench --guest runs it; Tests/Kernel/run
# never plans it): bulk configuration by `-batch` next to the kernel
# selftests' C tool. For each N in /etc/bench-peers (default 2000 10000),
# on a fresh MP interface each time:
#   ovpnctl -batch of N `peer add` lines (remote, vpn-ip; UDP through the
#     socket keeper), then N `key add` lines without -force into the
#     primary slot, and N with -force (which windows them too) into the
#     secondary slot: both passes install keys into empty slots, so the
#     kernel does the same work for each (replacing a key costs more);
#     then N `key del` lines of the secondary slot: the same batch path and
#     netlink round trip without the key files and the kernel's cipher
#     set-up, which shows what those two cost a key line;
#   the same for every /usr/bin/ovpnctl-* (scripts/bench --also BIN);
#   ovpn-cli new_multi_peer on the same N peers, if /usr/bin/ovpn-cli is
#     there (OVPN_CLI=... on the host), one request per peer as it does;
# with wall time, lines per second, CPU time, and the system calls of a
# second run under strace -c (the ovpnctl process only: the keeper is
# another process, whose CPU time is shown apart).
# All of it is done in rounds (/etc/bench-rounds, default 3), each binary
# in turn within a round: one run in an emulated guest varies by a fifth
# from the next, so a ratio is taken within each round (two commands,
# or two binaries, that ran minutes apart at most) and the median of the
# rounds' ratios is given with its range.
# It prints its figures after a "=== figures" line.
# shellcheck source=SCRIPTDIR/../Kernel/lib.sh
source "$TESTS_DIR/lib.sh"
require_ovpnctl

# Every deleted peer is a kernel message; on the serial console of an
# emulated guest tens of thousands of them take minutes. Keep them in the
# ring buffer only.
dmesg -n 1 2>/dev/null || true
read -ra sizes </etc/bench-peers 2>/dev/null || sizes=(2000 10000)
((${#sizes[@]})) || sizes=(2000 10000)
read -r rounds </etc/bench-rounds 2>/dev/null || rounds=3
[[ $rounds =~ ^[1-9][0-9]*$ ]] || fail "/etc/bench-rounds: not a number of rounds: $rounds"
others=()
for b in /usr/bin/ovpnctl-*; do [[ -x $b ]] && others+=("$b"); done
cli=''
[[ -x /usr/bin/ovpn-cli ]] && cli=/usr/bin/ovpn-cli

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
# cpu PID: user+system seconds of a process so far.
cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
keeper_of() { # IFINDEX: the pid of its socket keeper
	local p
	for p in /proc/[0-9]*; do
		[[ $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) == "ovpnctl-keeper $1 " ]] && { echo "${p#/proc/}"; return; }
	done
}
# timed CMD...: runs CMD under /usr/bin/time; sets the caller's s (wall
# seconds), u and sy (user and system CPU seconds). Fails as CMD does.
timed() {
	local t0 t1
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%U %S' -o usage.txt "$@" || return
	t1=$EPOCHREALTIME
	s=$(secs "$t0" "$t1")
	read -r u sy <usage.txt
}
strace_calls() { # FILE: total calls of strace -c
	awk '$NF == "total" { print $4 }' "$1"
}
strace_top() { # FILE: the three most frequent calls, "name=count"
	awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { print $4, $NF }' "$1" | sort -rn | head -n 3 |
		awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 }'
}

# peers N DEV: N peer add lines; ovpn-cli's file for the same peers.
peers() {
	awk -v n="$1" -v d="$2" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "peer add dev %s id %d remote 198.18.%d.%d:1194 vpn-ip 10.64.%d.%d\n",
				d, i, int(i / 256) % 256, i % 256, int(i / 256) % 256, i % 256
	}'
}
cli_peers() {
	awk -v n="$1" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "%d %d 0.0.0.0 0 198.18.%d.%d 1194 10.64.%d.%d\n",
				i, i, int(i / 256) % 256, i % 256, int(i / 256) % 256, i % 256
	}'
}
key_dels() { # N DEV SLOT
	awk -v n="$1" -v d="$2" -v slot="$3" 'BEGIN {
		for (i = 1; i <= n; i++) printf "key del dev %s peer %d slot %s\n", d, i, slot
	}'
}
keys() { # N DEV SLOT
	awk -v n="$1" -v d="$2" -v slot="$3" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "key add dev %s peer %d slot %s key-id 1 cipher aes-256-gcm encrypt k1 decrypt k2\n", d, i, slot
	}'
}
slot_for() { if [[ -n $1 ]]; then echo secondary; else echo primary; fi; } # FORCE

(umask 077 && "$OVPNCTL" key generate cipher aes-256-gcm >k1 && "$OVPNCTL" key generate cipher aes-256-gcm >k2)
rows=()
round=0
row() { rows+=("$(printf '%s\t' "$round" "$@")"); }
devs=0
# fresh: a new MP interface; prints its name.
fresh() {
	devs=$((devs + 1))
	local d=bulk$devs
	"$OVPNCTL" link add "$d" type ovpn mode mp >/dev/null || fail "link add $d"
	echo "$d"
}
gone() { "$OVPNCTL" link del "$1" >/dev/null || fail "link del $1"; }

# ovpnctl_bulk BIN N: batch of N peer adds, then key adds, on fresh links.
ovpnctl_bulk() {
	local bin=$1 n=$2 name=${1##*/} d kp k0 force s u sy
	d=$(fresh)
	peers "$n" "$d" >add.batch
	# The keeper is started by the first line; start it before the clock.
	head -n1 add.batch >first.batch
	"$bin" -batch first.batch || fail "$name: first peer add failed"
	tail -n +2 add.batch >rest.batch
	kp=$(keeper_of "$(cat "/sys/class/net/$d/ifindex")")
	k0=$(cpu "$kp")
	timed "$bin" -batch rest.batch || fail "$name: batch of $n peer adds failed"
	got=$("$OVPNCTL" -j peer show dev "$d" | jq length)
	expect_eq "$got" "$n" "$name: peers in $d"
	row "$n" "$name" "peer add" "$s" "$(rate $((n - 1)) "$s")" "$u" "$sy" \
		"$(awk -v a="$k0" -v b="$(cpu "$kp")" 'BEGIN { printf "%.2f", b - a }')"
	for force in "" -force; do
		keys "$n" "$d" "$(slot_for "$force")" >keys.batch
		timed "$bin" $force -batch keys.batch || fail "$name: $n key adds failed"
		row "$n" "$name" "key add${force:+ $force}" "$s" "$(rate "$n" "$s")" "$u" "$sy" -
	done
	key_dels "$n" "$d" secondary >dels.batch
	timed "$bin" -batch dels.batch || fail "$name: $n key dels failed"
	row "$n" "$name" "key del" "$s" "$(rate "$n" "$s")" "$u" "$sy" -
	gone "$d"
}

# syscalls BIN N: strace -c of a batch of N peer adds and of N key adds (-force).
syscalls() {
	local bin=$1 n=$2 name=${1##*/} d
	d=$(fresh)
	peers "$n" "$d" >add.batch
	head -n1 add.batch >first.batch
	"$bin" -batch first.batch || fail "$name: first peer add failed"
	tail -n +2 add.batch >rest.batch
	strace -c -o st.txt "$bin" -batch rest.batch || fail "$name: strace batch failed"
	notes+=("syscalls, $name, $((n - 1)) peer add lines: $(strace_calls st.txt) ($(strace_top st.txt))")
	keys "$n" "$d" primary >keys.batch
	strace -c -o st.txt "$bin" -batch keys.batch || fail "$name: strace key batch failed"
	notes+=("syscalls, $name, $n key add lines: $(strace_calls st.txt) ($(strace_top st.txt))")
	keys "$n" "$d" secondary >keys.batch
	strace -c -o st.txt "$bin" -force -batch keys.batch || fail "$name: strace key batch failed"
	notes+=("syscalls, $name, $n key add lines, -force: $(strace_calls st.txt) ($(strace_top st.txt))")
	gone "$d"
}

# cli_bulk N: ovpn-cli new_multi_peer on the same N peers (it daemonizes to
# keep its socket; the parent returns when all are added).
cli_bulk() {
	local n=$1 d s u sy p
	d=$(fresh)
	cli_peers "$n" >peers.txt
	timed "$cli" new_multi_peer "$d" 1195 SYMM peers.txt || fail "ovpn-cli new_multi_peer failed"
	got=$("$OVPNCTL" -j peer show dev "$d" | jq length)
	expect_eq "$got" "$n" "ovpn-cli: peers in $d"
	row "$n" ovpn-cli new_multi_peer "$s" "$(rate "$n" "$s")" "$u" "$sy" -
	for p in /proc/[0-9]*; do
		[[ $(cat "$p/comm" 2>/dev/null) == ovpn-cli ]] && kill "${p#/proc/}" 2>/dev/null
	done
	gone "$d"
	if [[ $n == "${sizes[0]}" && $round == 1 ]]; then
		d=$(fresh)
		strace -c -o st.txt "$cli" new_multi_peer "$d" 1195 SYMM peers.txt || fail "strace ovpn-cli failed"
		notes+=("syscalls, ovpn-cli, $n new_multi_peer peers: $(strace_calls st.txt) ($(strace_top st.txt))")
		for p in /proc/[0-9]*; do
			[[ $(cat "$p/comm" 2>/dev/null) == ovpn-cli ]] && kill "${p#/proc/}" 2>/dev/null
		done
		gone "$d"
	fi
}

notes=()
for n in "${sizes[@]}"; do
	for ((round = 1; round <= rounds; round++)); do
		for b in "$OVPNCTL" "${others[@]}"; do ovpnctl_bulk "$b" "$n"; done
		[[ -z $cli ]] || cli_bulk "$n"
	done
done
for b in "$OVPNCTL" "${others[@]}"; do syscalls "$b" "${sizes[0]}"; done

echo "=== figures (bulk; upstream kernel $KERNEL_RELEASE, qemu tcg; $rounds rounds)"
printf '%s\n' "${notes[@]}"
printf '%s\n' "${rows[@]}" | awk -F'\t' -v rounds="$rounds" '
	# median LIST (space-separated numbers): the middle one, or the mean of the two.
	function median(list, v, n, i, j, t) {
		n = split(list, v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	function lo(list, v, n, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 < m + 0) m = v[i]; return m }
	function hi(list, v, n, i, m) { n = split(list, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] + 0 > m + 0) m = v[i]; return m }
	function add(arr, k, x) { arr[k] = (k in arr) ? arr[k] " " x : x }
	BEGIN {
		fmt = "%-5s %-7s %-22s %-16s %8s %8s %6s %6s %7s\n"
		printf fmt, "round", "lines", "binary", "command", "seconds", "lines/s", "user", "sys", "keeper"
	}
	{
		printf fmt, $1, $2, $3, $4, $5, $6, $7, $8, $9
		row[NR] = $0
		k = $2 SUBSEP $3 SUBSEP $4
		if (!(k in secs)) order[++groups] = k
		add(secs, k, $5); add(lps, k, $6)
		if ($3 == "ovpn-cli") cli[$1 SUBSEP $2] = $5
		if ($4 == "peer add") peer[$1 SUBSEP $2 SUBSEP $3] = $6
	}
	END {
		printf "medians over %d rounds:\n", rounds
		printf "%-7s %-22s %-16s %8s %8s\n", "lines", "binary", "command", "seconds", "lines/s"
		for (g = 1; g <= groups; g++) {
			split(order[g], f, SUBSEP)
			printf "%-7s %-22s %-16s %8.3f %8.0f\n", f[1], f[2], f[3], median(secs[order[g]]), median(lps[order[g]])
		}
		# Ratios within each round, then their median and range.
		for (i = 1; i <= NR; i++) {
			split(row[i], f, "\t")
			r = f[1] SUBSEP f[2]
			if (f[4] == "peer add" && cli[r] > 0) {
				k = f[2] SUBSEP f[3] SUBSEP "peer add / ovpn-cli new_multi_peer, seconds"
				if (!(k in ratio)) rorder[++rn] = k
				add(ratio, k, sprintf("%.2f", f[5] / cli[r]))
				goal[k] = "at most 1.0"
			}
			p = peer[f[1] SUBSEP f[2] SUBSEP f[3]]
			if (f[4] ~ /^key add/ && p > 0) {
				k = f[2] SUBSEP f[3] SUBSEP f[4] " / peer add, lines per second"
				if (!(k in ratio)) rorder[++rn] = k
				add(ratio, k, sprintf("%.2f", f[6] / p))
				goal[k] = "at least 1.0"
			}
		}
		for (i = 1; i <= rn; i++) {
			split(rorder[i], f, SUBSEP)
			printf "ratio at %s lines, %s: %s = %.2f (median of %s; range %s-%s; goal: %s)\n",
				f[1], f[2], f[3], median(ratio[rorder[i]]), ratio[rorder[i]], lo(ratio[rorder[i]]),
				hi(ratio[rorder[i]]), goal[rorder[i]]
		}
	}'
