#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 400
#
# -batch windows: consecutive MP peer adds (and, with -force, peer and key
# lines) send their requests back to back and read the replies after
# (man page, -batch). What a user sees is what one-by-one runs showed:
#   - a failing middle line stops the run, named with its own line; the adds
#     after it that were already applied are removed again, so exactly the
#     peers before it stay, and the socket keeper holds exactly those;
#   - with -force every failure is named with its line, in order, and
#     every other line is applied;
#   - keepalive of windowed adds is set.
# The upstream kernel reports the mode, so its MP adds are windowed; the
# legacy one does not, so there only the -force lines are (the outcome
# must be the same either way).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns s
expect_ok ovpnctl_in s link add mp0 type "$OVPN_KIND" mode mp

# gen FIRST LAST [WORDS]: peer add lines, each with its own remote and vpn-ip.
gen() {
	awk -v a="$1" -v b="$2" -v x="${3:-}" 'BEGIN {
		for (i = a; i <= b; i++)
			printf "peer add dev mp0 id %d remote 192.0.2.%d:%d vpn-ip 10.80.%d.%d %s\n",
				i, i % 250 + 1, 2000 + i, int(i / 250), i % 250 + 1, x
	}'
}
# dup ID: a line that fails: ID exists already (EEXIST on both APIs in MP).
dup() { echo "peer add dev mp0 id $1 remote 198.51.100.$1:9$1 vpn-ip 10.81.0.$1"; }
ids() { ovpnctl_in s -j peer show dev mp0 | jq -c '[.[].id] | sort'; }
# seq_json FIRST LAST [FIRST LAST]...: the JSON array of those ranges.
seq_json() {
	local out=() a b
	while (($#)); do
		a=$1 b=$2
		shift 2
		out+=($(seq "$a" "$b"))
	done
	local IFS=,
	echo "[${out[*]}]"
}
# keeper_held: how many peers the socket keeper of mp0 holds (its list reply:
# 84 more:u8 count:u16le ids...).
keeper_held() {
	local out hex
	out=$(in_ns s /usr/local/bin/keeper-probe send "$(keeper_path s mp0)" 05) || fail "keeper list: $out"
	hex=${out#reply }
	hex=${hex%% *}
	echo $((16#${hex:6:2}${hex:4:2}))
}

# 1. Line 100 of 150 fails: lines 1-99 stay, 101-150 do not.
start_monitor s events.json
{ gen 1 99; dup 10; gen 101 150; } >stop.batch
run ovpnctl_in s -batch stop.batch
expect_eq "$RC" 2 "exit status of the stopped batch"
expect_contains "$ERR" "Command failed stop.batch:100" "the failed line"
expect_eq "$(grep -c '^Command failed' <<<"$ERR")" 1 "failures reported"
expect_not_contains "$ERR" "undone" "stderr of the stopped batch"
expect_eq "$(ids)" "$(seq_json 1 99)" "peers after the stopped batch"
expect_eq "$(keeper_held)" 99 "peers the keeper holds"
expect_eq "$(in_ns s ss -Huan 'sport = :1194' | wc -l)" 1 "UDP sockets on :1194"
# Upstream: windows of 64 lines, 1-64 and 65-128; lines 101-128 shared the
# failing line's window, were applied and then deleted again (a monitor
# sees it); 129-150 never ran. Legacy: one by one, nothing after line 100 ran.
sleep 1
undone=$(jq -c 'select(.event == "peer-del") | .id' events.json | tr '\n' ' ')
if [[ $KERNEL_API == upstream ]]; then
	expect_eq "$undone" "$(seq -s ' ' 101 128) " "peers deleted again after the failure"
	expect_contains "$(<events.json)" '"reason":"userspace"' "reason of those deletions"
else
	expect_eq "$undone" "" "peers deleted after the failure"
fi
kill "$MONITOR_PID"

# 2. -force: lines 30 and 70 fail, named in order; the other 98 are added.
{ gen 101 129; dup 101; gen 131 169; dup 102; gen 171 200; } >force.batch
run ovpnctl_in s -force -batch force.batch
expect_eq "$RC" 2 "exit status of the forced batch"
expect_eq "$(grep '^Command failed' <<<"$ERR" | tr '\n' ' ')" \
	"Command failed force.batch:30 Command failed force.batch:70 " "failures reported"
expect_eq "$(ids)" "$(seq_json 1 99 101 129 131 169 171 200)" "peers after the forced batch"
expect_eq "$(keeper_held)" 197 "peers the keeper holds"

# 3. Keepalive of windowed adds.
gen 201 210 "keepalive 100 1000" >ka.batch
expect_ok ovpnctl_in s -batch ka.batch
expect_json ovpnctl_in s -j peer show dev mp0 id 205
expect_jqs "$OUT" "peer 205" '.[0]."keepalive-interval"' 100 '.[0]."keepalive-timeout"' 1000

# 4. -force key lines: line 10 names a peer that does not exist.
gen_keys aes-256-gcm k1 k2
for i in $(seq 1 20); do
	p=$i
	((i == 10)) && p=999
	echo "key add dev mp0 peer $p slot primary key-id 3 cipher aes-256-gcm encrypt k1 decrypt k2"
done >keys.batch
run ovpnctl_in s -force -batch keys.batch
expect_eq "$RC" 2 "exit status of the key batch"
expect_eq "$(grep '^Command failed' <<<"$ERR" | tr '\n' ' ')" "Command failed keys.batch:10 " "failures reported"
if [[ $KERNEL_API == upstream ]]; then
	expect_json ovpnctl_in s -j key show dev mp0 peer 11 slot primary
	expect_jq "$OUT" '.[0]."key-id"' 3 "key of peer 11"
	expect_json ovpnctl_in s -j key show dev mp0 peer 20 slot primary
	expect_jq "$OUT" '.[0]."key-id"' 3 "key of peer 20"
fi

# 5. -force peer del: line 5 fails, the other 19 peers go.
for i in $(seq 1 20); do
	p=$i
	((i == 5)) && p=999
	echo "peer del dev mp0 id $p"
done >del.batch
run ovpnctl_in s -force -batch del.batch
expect_eq "$RC" 2 "exit status of the delete batch"
expect_eq "$(grep '^Command failed' <<<"$ERR" | tr '\n' ' ')" "Command failed del.batch:5 " "failures reported"
expect_eq "$(ids)" "$(seq_json 5 5 21 99 101 129 131 169 171 210)" "peers after the delete batch"

# 6. Without -force a peer del stops at once (never windowed): 21 and 22 stay.
printf 'peer del dev mp0 id 5\npeer del dev mp0 id 999\npeer del dev mp0 id 21\npeer del dev mp0 id 22\n' >del2.batch
run ovpnctl_in s -batch del2.batch
expect_eq "$RC" 2 "exit status of the second delete batch"
expect_eq "$(grep '^Command failed' <<<"$ERR" | tr '\n' ' ')" "Command failed del2.batch:2 " "failures reported"
expect_eq "$(ids)" "$(seq_json 21 99 101 129 131 169 171 210)" "peers after the second delete batch"
