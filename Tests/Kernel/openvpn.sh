# shellcheck shell=bash
# Helpers for the scenarios where OpenVPN itself runs the tunnel (2.6 on the
# legacy kernel, 2.7 from trixie-backports on upstream; build-initramfs puts
# the right one at /usr/sbin/openvpn). Source after lib.sh.

# ovpn_version: "2.6.14", "2.7.8", ...
ovpn_version() { openvpn --version 2>/dev/null | awk 'NR == 1 { print $2 }'; }

# ovpn_pki CN...: a throwaway PKI in the working directory: ca.crt/ca.key and,
# per common name, CN.crt and CN.key (EC P-256), valid for two days.
ovpn_pki() {
	printf '[req]\ndistinguished_name = dn\n[dn]\n' >pki.cnf
	_ovpn_ssl() { openssl "$@" >/dev/null 2>&1 || fail "openssl $1 failed"; }
	_ovpn_ssl req -config pki.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout ca.key -out ca.crt -subj /CN=ovpnctl-test-ca -days 2
	local n
	for n; do
		_ovpn_ssl req -config pki.cnf -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$n.key" -out "$n.csr" -subj "/CN=$n"
		_ovpn_ssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$n.crt" -days 2
	done
}

# ovpn_quiet_ns NS...: no IPv6 on interfaces created later in NS (OpenVPN's
# tun0), so router solicitations never show up in the packet counters.
ovpn_quiet_ns() {
	local ns
	for ns; do
		in_ns "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
	done
}

# ovpn_start NS LOG ARG...: OpenVPN in NS, in the background, logging to LOG;
# sets OVPN_PID. Common options: UDP, TLS with ca.crt, AEAD only, DCO (the
# default when the module is there; ovpn_dco_on checks it really is on).
ovpn_start() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" openvpn --dev tun0 --dev-type tun --proto udp --ca ca.crt \
		--data-ciphers AES-256-GCM:CHACHA20-POLY1305 --verb 4 "$@" >"$logf" 2>&1 &
	OVPN_PID=$!
}

# ovpn_ready LOG...: every LOG says the tunnel is up.
ovpn_ready() {
	local f
	for f; do grep -q "Initialization Sequence Completed" "$f" || return 1; done
}

# ovpn_wait_ready SECONDS LOG...: wait for ovpn_ready, fail with the log's tail.
ovpn_wait_ready() {
	local limit=$1 f
	shift
	wait_for "$limit" ovpn_ready "$@" || true
	for f; do
		ovpn_ready "$f" || fail "OpenVPN did not come up ($f): $(tail -n 8 "$f" | tr '\n' ' ')"
	done
}

# ovpn_log_errors LOG [EXPECTED-ERE]: the lines of an OpenVPN log that report
# an error or a warning (netlink and DCO failures included); empty when there
# is none. The option dump of --verb 4 ("  name = value" lines) is not a
# report, nor are lines matching EXPECTED-ERE (what the scenario's own
# configuration is known to draw).
ovpn_log_errors() {
	grep -iE 'error|fail|cannot|unable|warning|netlink' "$1" |
		grep -vE '^[^ ]+ [^ ]+ us=[0-9]+ {2,}[A-Za-z0-9_.]+(\[[0-9]+\])? = ' |
		grep -vE "${2:-^$}" || true
}

# ovpn_status_via_mgmt NS PORT VERSION FILE: ask OpenVPN's management
# interface for "status VERSION" and store the answer (CRLF lines) in FILE.
ovpn_status_via_mgmt() {
	in_ns "$1" bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		IFS= read -r -t 10 banner <&3
		printf "status %s\r\n" "$2" >&3
		: >"$3"
		while IFS= read -r -t 10 line <&3; do
			printf "%s\n" "$line" >>"$3"
			[[ $line == END* ]] && break
		done
		printf "quit\r\n" >&3
	' _ "$2" "$3" "$4"
}

# readonly_loop_start NS DEV: `peer show` and `stats -j` on DEV in NS, again
# and again (a pause of 0.3 s between rounds, so the guest's two CPUs are not
# all spent starting ovpnctl), in the background, until readonly_loop_stop. Every failing run is
# counted (its stderr kept in readonly.err).
readonly_loop_start() {
	: >readonly.count
	: >readonly.err
	(
		set +e
		trap 'exit 0' TERM
		n=0 bad=0
		while :; do
			ip netns exec "$1" "$OVPNCTL" peer show dev "$2" >/dev/null 2>>readonly.err || bad=$((bad + 1))
			ip netns exec "$1" "$OVPNCTL" -j stats dev "$2" >/dev/null 2>>readonly.err || bad=$((bad + 1))
			n=$((n + 1))
			printf '%s %s\n' "$n" "$bad" >readonly.count
			sleep 0.3
		done
	) &
	READONLY_PID=$!
}

# readonly_loop_stop: end the loop; fails if any of its runs failed, sets
# READONLY_RUNS to the number of rounds it made.
readonly_loop_stop() {
	kill -TERM "$READONLY_PID" 2>/dev/null || true
	wait "$READONLY_PID" 2>/dev/null || true
	local runs bad
	read -r runs bad <readonly.count || true
	READONLY_RUNS=${runs:-0}
	log "read-only loop: ${runs:-0} rounds of peer show + stats, ${bad:-0} failed"
	((READONLY_RUNS > 0)) || fail "the read-only loop never completed a round"
	[[ ${bad:-0} == 0 ]] || fail "read-only commands failed ${bad} times: $(head -c 300 readonly.err)"
}

# stats_field NS DEV ID FIELD: one counter of one peer, from ovpnctl -j stats.
stats_field() {
	ip netns exec "$1" "$OVPNCTL" -j stats dev "$2" peer "$3" | jq -r ".[0].\"$4\""
}

# vpn_counters NS DEV ID: "rx-packets tx-packets rx-bytes tx-bytes" of the
# peer's vpn counters.
vpn_counters() {
	ip netns exec "$1" "$OVPNCTL" -j stats dev "$2" peer "$3" |
		jq -r '.[0] | "\(."vpn-rx-packets") \(."vpn-tx-packets") \(."vpn-rx-bytes") \(."vpn-tx-bytes")"'
}

# expect_ping_delta WHAT N BEFORE AFTER: between two vpn_counters readings,
# N pings (84-byte IPv4 packets) went each way, and nothing else but, on the
# legacy module, OpenVPN's keepalives: ovpn-dco-v2 counts those 16-byte
# packets as vpn traffic, the upstream module does not. So the packets grow
# by N + k and the bytes by exactly 84 N + 16 k, with k = 0 upstream.
expect_ping_delta() {
	local what=$1 n=$2 rxp0 txp0 rxb0 txb0 rxp1 txp1 rxb1 txb1 dir dp db k
	read -r rxp0 txp0 rxb0 txb0 <<<"$3"
	read -r rxp1 txp1 rxb1 txb1 <<<"$4"
	for dir in rx tx; do
		if [[ $dir == rx ]]; then dp=$((rxp1 - rxp0)) db=$((rxb1 - rxb0)); else dp=$((txp1 - txp0)) db=$((txb1 - txb0)); fi
		k=$((dp - n))
		((k >= 0)) || fail "$what: vpn $dir packets grew by $dp, less than the $n pings"
		[[ $KERNEL_API == legacy ]] || expect_eq "$dp" "$n" "$what: vpn $dir packets"
		expect_eq "$db" "$((84 * n + 16 * k))" "$what: vpn $dir bytes ($n pings, $k keepalives)"
	done
}
