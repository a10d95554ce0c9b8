#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl openvpn openssl
# timeout: 150
#
# Interop, p2p: a tunnel run by OpenVPN itself (2.6 on ovpn-dco-v2, 2.7 on
# ovpn; TLS, AEAD, DCO), inspected with ovpnctl while a peer show/stats loop
# runs the whole time:
#  - link show, peer show and stats read OpenVPN's interface and peer, by the
#    peer id OpenVPN logs;
#  - N pings move the vpn counters of both ends by exactly N packets each
#    way (plus, on ovpn-dco-v2, OpenVPN's 16-byte keepalives, which that
#    module counts as vpn traffic: the bytes tell them apart);
#  - OpenVPN renegotiates (reneg-sec 20): key show (upstream) sees the new
#    key-id in the secondary slot, then as primary once OpenVPN swaps;
#    traffic keeps flowing and the peer stays;
#  - monitor -j reports the peer-del when OpenVPN stops, with its reason;
#  - no ping is lost and no OpenVPN log reports an error.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/openvpn.sh"
require_ovpnctl
t0=$EPOCHREALTIME
version=$(ovpn_version)
log "OpenVPN $version on $KERNEL_NAME"
case $KERNEL_NAME in
legacy) [[ $version == 2.6.* ]] || fail "legacy peer must be OpenVPN 2.6, got $version" ;;
upstream) [[ $version == 2.7.* ]] || fail "upstream peer must be OpenVPN 2.7, got $version" ;;
esac

ovpn_pki a b
mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
ovpn_quiet_ns a b
# a renegotiates every 20 s; b never starts one itself.
ovpn_start a a.log --tls-server --dh none --cert a.crt --key a.key --local 10.10.0.1 --lport 1194 \
	--remote 10.10.0.2 1194 --ifconfig 10.200.0.1 10.200.0.2 --ping 2 --ping-restart 30 \
	--reneg-sec 20
pid_a=$OVPN_PID
ovpn_start b b.log --tls-client --verify-x509-name a name --cert b.crt --key b.key --local 10.10.0.2 --lport 1194 \
	--remote 10.10.0.1 1194 --ifconfig 10.200.0.2 10.200.0.1 --ping 2 --ping-restart 30 \
	--reneg-sec 0
pid_b=$OVPN_PID
ovpn_wait_ready 60 a.log b.log
t_up=$EPOCHREALTIME
grep -E "DCO|peer-id|Initialization|cipher" a.log | head -n 12 >&2
peer_id=$(sed -n 's/.*peer-id \([0-9][0-9]*\).*/\1/p' a.log | sed -n 1p)
[[ -n $peer_id ]] || fail "no peer-id in OpenVPN's log"
log "OpenVPN negotiated peer-id $peer_id"
readonly_loop_start a tun0

# The interface is OpenVPN's DCO device (a tun device would mean no DCO).
expect_json ovpnctl_in a -j link show tun0
want_mode=p2p
[[ $KERNEL_API == legacy ]] && want_mode=null # ovpn-dco-v2 cannot report it
expect_jqs "$OUT" "OpenVPN's tun0" '.[0].kind' "$OVPN_KIND" '.[0].family' "$OVPN_FAMILY" \
	'.[0].mode' "$want_mode" '.[0].up' true

expect_json ovpnctl_in a -j peer show dev tun0 id "$peer_id"
expect_jqs "$OUT" "peer $peer_id" '.[0].id' "$peer_id" '.[0]."remote-ipv4"' 10.10.0.2 \
	'.[0]."remote-port"' 1194 '.[0]."keepalive-interval"' 2 '.[0]."keepalive-timeout"' 30
if [[ $KERNEL_API == legacy ]]; then
	# This module cannot list p2p peers, and ovpnctl says so.
	expect_ok ovpnctl_in a peer show dev tun0
	expect_stderr_contains "Name the peer"
else
	expect_json ovpnctl_in a -j peer show dev tun0
	expect_jq "$OUT" '[.[].id] | join(",")' "$peer_id" "the one peer a p2p dump lists"
fi
expect_json ovpnctl_in b -j peer show dev tun0 id "$peer_id"
expect_jq "$OUT" '.[0]."remote-ipv4"' 10.10.0.1 "b's view of its peer"

# N pings: exactly N packets more each way, on both ends.
a0=$(vpn_counters a tun0 "$peer_id") b0=$(vpn_counters b tun0 "$peer_id")
n=7
expect_ok in_ns a ping -c "$n" -i 0.2 -W 2 10.200.0.2
expect_contains "$OUT" " 0% packet loss" "ping a -> b"
a1=$(vpn_counters a tun0 "$peer_id") b1=$(vpn_counters b tun0 "$peer_id")
expect_ping_delta "a after $n pings" "$n" "$a0" "$a1"
expect_ping_delta "b after $n pings" "$n" "$b0" "$b1"
expect_json ovpnctl_in a -j stats dev tun0 peer "$peer_id"
expect_jq "$OUT" '.[0]."link-tx-packets" >= .[0]."vpn-tx-packets"' true \
	"link packets include the vpn ones (and keepalives)"

# Renegotiation, as the kernel sees it.
monitor_events=events.json
ip netns exec a "$OVPNCTL" -j monitor dev tun0 >"$monitor_events" 2>events.err &
mon=$!
if [[ $KERNEL_API == upstream ]]; then
	# OpenVPN installs the next key-id in the secondary slot, then swaps.
	slots() { ip netns exec a "$OVPNCTL" -j key show dev tun0 peer "$peer_id" | jq -r '[.[] | "\(.slot)=\(."key-id")"] | join(" ")'; }
	s=$(slots)
	[[ $s =~ ^primary=([0-7])( secondary=([0-7]))?$ ]] || fail "expected a primary key, got: $s"
	k=${BASH_REMATCH[1]} next=$(((k + 1) % 8)) seen_secondary=0 seen_primary=0 trace=" [$s]"
	[[ ${BASH_REMATCH[3]} == "$next" ]] && seen_secondary=1 # caught in the middle of one
	log "primary key-id $k; waiting for key-id $next"
	deadline=$((${EPOCHREALTIME/./} + 60000000))
	while ((${EPOCHREALTIME/./} < deadline)); do
		s=$(slots)
		[[ $trace == *"[$s]" ]] || trace+=" [$s]"
		[[ $s == "primary=$k secondary=$next" ]] && seen_secondary=1
		if [[ $s == "primary=$next"* ]]; then seen_primary=1; break; fi
		sleep 0.2
	done
	log "key slots over time:$trace"
	((seen_secondary)) || fail "key-id $next never showed up in the secondary slot:$trace"
	((seen_primary)) || fail "key-id $next never became primary:$trace"
	! grep -q "key-swap" "$monitor_events" || fail "a renegotiation is no kernel key-swap event: $(cat "$monitor_events")"
fi
# OpenVPN's side of it: a second handshake (a soft reset) completed.
handshakes() { (($(grep -c "Control Channel:" a.log) >= 2)); }
wait_for 45 handshakes
grep -E "soft reset|key_id|new key|DCO|Data Channel" a.log | tail -n 8 >&2
# The tunnel runs on the new key, on the same peer.
a0=$(vpn_counters a tun0 "$peer_id")
expect_ok in_ns b ping -c "$n" -i 0.2 -W 2 10.200.0.1
expect_contains "$OUT" " 0% packet loss" "ping b -> a after renegotiation"
a1=$(vpn_counters a tun0 "$peer_id")
expect_ping_delta "a after renegotiation" "$n" "$a0" "$a1"

readonly_loop_stop
errs=$(ovpn_log_errors a.log; ovpn_log_errors b.log)
[[ -z $errs ]] || fail "OpenVPN logged errors: ${errs:0:400}"

# OpenVPN stops: its peer goes, and monitor says why.
kill -TERM "$pid_a"
wait_for 20 grep -q "\"id\":$peer_id" "$monitor_events"
ev=$(grep -m1 "\"id\":$peer_id" "$monitor_events")
log "event: $ev"
expect_jq "$ev" '[.event, .ifname] | join(" ")' "peer-del tun0" "event when OpenVPN stops"
expect_jq "$ev" '.reason | IN("userspace", "teardown")' true "reason of that peer-del"
kill -TERM "$pid_b" "$mon" 2>/dev/null || true
wait "$mon" || true
log "timing: up after $(awk -v a="$t0" -v b="$t_up" 'BEGIN { printf "%.1f", b - a }') s, whole scenario $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
