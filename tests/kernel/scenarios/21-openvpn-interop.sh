#!/bin/bash
# kernels: legacy
# requires: ovpnctl openvpn openssl
# timeout: 240
#
# Interop: a p2p tunnel run by OpenVPN 2.6 itself (TLS, DCO on the
# ovpn-dco-v2 module), inspected with ovpnctl: the interface, the peer and
# its counters (by the peer id OpenVPN negotiated), and the peer-del event
# when OpenVPN shuts down. Upstream needs OpenVPN 2.7, which is not in this
# guest's (bookworm) userland.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

# A throwaway PKI: one CA, one certificate per end.
cat >pki.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
CNF
pki() { openssl "$@" >/dev/null 2>&1 || fail "openssl $1 failed"; }
pki req -config pki.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout ca.key -out ca.crt -subj /CN=ovpnctl-test-ca -days 2
for n in a b; do
	pki req -config pki.cnf -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$n.key" -out "$n.csr" -subj "/CN=$n"
	pki x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$n.crt" -days 2
done

mk_ns a b
veth_pair a b 10.10.0.1 10.10.0.2
start_openvpn() { # NS ROLE LOCAL REMOTE IFCONFIG-LOCAL IFCONFIG-REMOTE
	ip netns exec "$1" openvpn --dev tun0 --dev-type tun --proto udp \
		--local "$3" --lport 1194 --remote "$4" 1194 "--tls-$2" --dh none \
		--ca ca.crt --cert "$1.crt" --key "$1.key" --ifconfig "$5" "$6" \
		--data-ciphers AES-256-GCM --ping 2 --ping-restart 30 --verb 4 >"$1.log" 2>&1 &
}
start_openvpn a server 10.10.0.1 10.10.0.2 10.200.0.1 10.200.0.2
pid_a=$!
start_openvpn b client 10.10.0.2 10.10.0.1 10.200.0.2 10.200.0.1
pid_b=$!
ready() { grep -q "Initialization Sequence Completed" a.log && grep -q "Initialization Sequence Completed" b.log; }
wait_for 90 ready || true
grep -E "DCO|NCP|peer-id|Initialization" a.log | head -20
ready || fail "OpenVPN did not come up: $(tail -n 5 a.log | tr '\n' ' ')"
peer_id=$(sed -n 's/.*peer-id \([0-9][0-9]*\).*/\1/p' a.log | head -n1)
[[ -n $peer_id ]] || fail "no peer-id in OpenVPN's log"
log "OpenVPN negotiated peer-id $peer_id"

ping_ok a 10.200.0.2 5

expect_json ovpnctl_in a -j link show tun0
expect_jq "$OUT" '.[0].kind' ovpn-dco "kind of OpenVPN's interface"
expect_jq "$OUT" '.[0].family' ovpn-dco-v2 "family"
expect_json ovpnctl_in a -j stats dev tun0 peer "$peer_id"
expect_jq "$OUT" '.[0].id' "$peer_id" "peer id"
expect_jq "$OUT" '.[0]."vpn-tx-packets" >= 5 and .[0]."vpn-rx-packets" >= 5' true "counters moved"
expect_json ovpnctl_in a -j peer show dev tun0 id "$peer_id"
expect_jq "$OUT" '.[0]."remote-ipv4"' 10.10.0.2 "remote of OpenVPN's peer"
# Without an id: this module cannot list p2p peers, and ovpnctl says so.
expect_ok ovpnctl_in a peer show dev tun0
expect_stderr_contains "Name the peer"

start_monitor a events.json
kill -TERM "$pid_a"
wait_for 20 grep -q "\"id\":$peer_id" events.json
ev=$(grep "\"id\":$peer_id" events.json | head -n1)
expect_jq "$ev" '[.event, .ifname, .reason] | join(" ")' "peer-del tun0 userspace" "event when OpenVPN stops"
kill -TERM "$pid_b" 2>/dev/null || true
kill -TERM "$MONITOR_PID"
wait "$MONITOR_PID" || true
