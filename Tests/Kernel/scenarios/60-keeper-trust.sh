#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 240
#
# The socket keeper trusts only root (and holders of CAP_NET_ADMIN), and a
# client trusts only a root ovpnctl keeper:
# - nobody cannot bind the keeper's address; a foreign root listener there
#   is refused with a sentence naming it, and nothing is applied; a
#   directory others may write to, or that root does not own, is refused;
# - an unprivileged user tries every request (and descriptors) against a
#   running keeper: no descriptor comes back, nothing changes, traffic flows;
# - root's malformed requests get error replies, every descriptor sent is
#   closed, and the keeper goes on.
# keeper-probe (Tests/Kernel/tools) speaks the raw protocol bytes.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl
PROBE=/usr/local/bin/keeper-probe

le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
fd_count() { ls "/proc/$1/fd" | wc -l; }

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_link a ovpn0 p2p 10.200.0.1/24
ovpn_link b ovpn0 p2p 10.200.0.2/24
path=$(keeper_path a ovpn0)
idx=$(in_ns a cat /sys/class/net/ovpn0/ifindex)
log "keeper address of a/ovpn0: $path"

# --- squatting ----------------------------------------------------------------
mkdir -p /run/ovpnctl
chmod 755 /run/ovpnctl
run nobody_in a "$PROBE" listen "$path" 1
expect_contains "$OUT" "error bind: Permission denied" "nobody binding the keeper address"
[[ ! -e $path ]] || fail "nobody created $path"

# A root listener that is not ovpnctl: refused by name, nothing applied.
ip netns exec a "$PROBE" listen "$path" 20 >squat.out 2>&1 & # (ip execs the probe: same pid)
squat=$!
wait_for 5 grep -q bound squat.out
expect_exit 2 ovpnctl_in a peer add dev ovpn0 id 1 remote 10.10.0.2:1194 local :1194
expect_stderr_matches "^Error: the socket keeper address $path is held by process $squat \(uid 0, /usr/local/bin/keeper-probe\), which is not ovpnctl; refusing to hand it a socket"
expect_exit 2 ovpnctl_in a peer show dev ovpn0 id 1
sleep 1.5 # the probe reports anything that arrives within a second
expect_not_contains "$(<squat.out)" "received" "what the squatter received"
kill "$squat"
wait "$squat" || true
[[ -S $path ]] && log "the killed squatter left $path (stale)"

# Directories ovpnctl refuses.
chmod 1777 /run/ovpnctl
expect_exit 2 ovpnctl_in a peer add dev ovpn0 id 1 remote 10.10.0.2:1194 local :1194
expect_stderr_contains "refusing /run/ovpnctl: others may write to it (mode 1777)"
chmod 755 /run/ovpnctl
chown 65534:65534 /run/ovpnctl
expect_exit 2 ovpnctl_in a peer add dev ovpn0 id 1 remote 10.10.0.2:1194 local :1194
expect_stderr_contains "refusing /run/ovpnctl: it belongs to uid 65534, not root"
chown 0:0 /run/ovpnctl
expect_exit 2 ovpnctl_in a peer show dev ovpn0 id 1 # nothing was half-applied

# Root's peer add now succeeds (over the stale file the squatter left).
expect_ok ovpnctl_in a peer add dev ovpn0 id 1 remote 10.10.0.2:1194 local :1194
expect_ok ovpnctl_in b peer add dev ovpn0 id 1 remote 10.10.0.1:1194
gen_keys aes-256-gcm K1 K2
key_pair a b ovpn0 1 primary 0 aes-256-gcm K1 K2
ping_ok a 10.200.0.2 3
kpid=$(keeper_pid a "$idx")
[[ -n $kpid ]] || fail "no keeper for a/ovpn0"
[[ $(stat -c '%U %a' "$path") == "root 666" ]] || fail "keeper socket: $(stat -c '%U %a' "$path")"
[[ $(stat -c '%U %a' /run/ovpnctl) == "root 755" ]] || fail "/run/ovpnctl: $(stat -c '%U %a' /run/ovpnctl)"

# --- an unprivileged user tries every request ---------------------------------
before_fds=$(fd_count "$kpid")
expect_json ovpnctl_in a -j peer show dev ovpn0 id 1
before_peer=$(jqv "$OUT" '.[0] | [.id, ."remote-ipv4", ."remote-port", ."local-port"]')
zero16=00000000000000000000000000000000
requests=(
	"01$(le32 "$idx")|none"             # hello
	"0204aa0400000000|none"             # udpSocket 0.0.0.0:1194 (the tunnel's own socket)
	"0206aa04${zero16}00000000|none"    # udpSocket [::]:1194
	"0304aa040000000001000000|none"     # attach peer 1
	"0401000000|tcp"                    # adoptTCP peer 1 with a TCP socket
	"0401000000|udp"                    # adoptTCP with a UDP socket
	"0401000000|two"                    # two descriptors
	"05|none"                           # list
	"ff00|pipe"                         # garbage with a pipe
)
for r in "${requests[@]}"; do
	run nobody_in a "$PROBE" send "$path" "${r%|*}" "${r#*|}"
	log "nobody ${r}: $OUT"
	# The keeper answers EPERM and hangs up at once (a request still unread
	# then makes the connection reset).
	expect_match "$OUT" '^(reply ee01000000[0-9a-f]* fds=0|eof|error recvmsg: Connection reset by peer)$' "keeper's answer to nobody (${r})"
done
# The refusal says why (the probe reads the reply before it sends).
run nobody_in a "$PROBE" send "$path" -
expect_contains "$OUT" "$(printf '%s' 'the socket keeper serves only root' | od -An -tx1 | tr -d ' \n' | cut -c1-40)" "refusal text"
# A stalled unprivileged client changes nothing either.
nobody_in a "$PROBE" stall "$path" 3 >stall.out 2>&1 &
sleep 0.5
[[ $(keeper_pid a "$idx") == "$kpid" ]] || fail "the keeper changed"
expect_eq "$(fd_count "$kpid")" "$before_fds" "keeper descriptors after nobody's requests"
expect_json ovpnctl_in a -j peer show dev ovpn0 id 1
expect_eq "$(jqv "$OUT" '.[0] | [.id, ."remote-ipv4", ."remote-port", ."local-port"]')" "$before_peer" "peer after nobody's requests"
ping_ok a 10.200.0.2 3
expect_eq "$(in_ns a ss -Huan 'sport = :1194' | wc -l)" 1 "UDP sockets on :1194"

# CAP_NET_ADMIN without root is served (list only here).
run in_ns a setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+net_admin \
	--ambient-caps=+net_admin -- "$PROBE" send "$path" 05
expect_eq "$OUT" "reply 8400010001000000 fds=0" "list for a CAP_NET_ADMIN holder"

# --- root's malformed requests -------------------------------------------------
bad=(
	"ff00|none|ee16000000"                        # unknown request: EINVAL
	"0401000000|pipe|ee58000000"                  # not a socket: ENOTSOCK
	"0401000000|two|ee16000000"                   # two descriptors: EINVAL
	"05|udp|ee16000000"                           # a descriptor where none belongs
	"0401|none|ee16000000"                        # short
	"01$(le32 $((idx + 1000)))|none|ee13000000"   # hello for another ifindex: ENODEV
	"0304aa04000000000500000000|none|ee16000000"  # trailing byte
	"0304aa0400000000ffffff01|none|ee16000000"    # peer id out of range
)
for r in "${bad[@]}"; do
	IFS='|' read -r hex kind want <<<"$r"
	run in_ns a "$PROBE" send "$path" "$hex" "$kind"
	log "root ${hex} ${kind}: $OUT"
	expect_match "$OUT" "^reply ${want}[0-9a-f]* fds=0\$" "answer to ${hex} with ${kind}"
done
sleep 0.3
expect_eq "$(fd_count "$kpid")" "$before_fds" "keeper descriptors after malformed requests"
[[ $(keeper_pid a "$idx") == "$kpid" ]] || fail "the keeper changed after malformed requests"
ping_ok a 10.200.0.2 3

# --- secrets hygiene -------------------------------------------------------------
run bash -c "umask 022; \"$OVPNCTL\" key generate cipher aes-128-gcm >shared.key"
expect_eq "$RC" 0 "key generate to a 0644 file"
expect_contains "$ERR" "Warning: the key is written to a file that is readable by group or others (mode 644)" "key generate warning"
run bash -c "umask 077; \"$OVPNCTL\" key generate cipher aes-128-gcm >private.key"
expect_eq "$ERR" "" "key generate to a 0600 file"
run ovpnctl_in a key add dev ovpn0 peer 1 slot secondary key-id 1 cipher aes-128-gcm encrypt shared.key decrypt private.key
expect_eq "$RC" 0 "key add with a shared key file"
expect_contains "$ERR" "Warning: key file \"shared.key\" is readable by group or others (mode 644)" "key add warning"
expect_not_contains "$ERR" "private.key" "key add warnings"
printf 'key add dev ovpn0 peer 1 slot secondary key-id 1 cipher aes-128-gcm encrypt - decrypt private.key\n' >stdin.batch
run ovpnctl_in a -batch - <stdin.batch
expect_eq "$RC" 1 "a key file - in a batch read from standard input"
expect_contains "$ERR" "standard input is the batch file; a key file cannot be \"-\" as well" "batch - refusal"
