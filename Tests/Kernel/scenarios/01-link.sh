#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl
# timeout: 120
#
# ovpnctl link add/del/show against the kernel, checked with iproute2:
#   link add NAME [type ovpn|ovpn-dco] [mode p2p|mp] [mtu N], link del NAME,
#   link show [NAME], -j link show (ifname ifindex kind family mode mtu up peers).
# Exit codes: 0 ok, 1 usage error, 2 kernel error.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
require_ovpnctl

kind=$OVPN_KIND
ovpnctl=$OVPNCTL

# check_link NAME MODE: ovpnctl's JSON for NAME agrees with the kernel's view
# through `ip -d -j link show`.
check_link() {
	local dev=$1 mode=$2 o
	jq_fields "$(ip_link_json "$dev")" .ifindex .mtu .linkinfo.info_kind \
		'.flags | index("UP") != null' '.linkinfo.info_data.mode'
	local ip_ifindex=${JQ[0]} ip_mtu=${JQ[1]} ip_kind=${JQ[2]} ip_up=${JQ[3]} ip_mode=${JQ[4]}

	expect_json "$ovpnctl" -j link show
	jq_fields "$OUT" type "[.[] | select(.ifname == \"$dev\")] | length" \
		".[] | select(.ifname == \"$dev\")"
	expect_eq "${JQ[0]}" array "-j link show output type"
	expect_eq "${JQ[1]}" 1 "-j link show: entries for $dev"
	o=${JQ[2]}
	expect_jqs "$o" "$dev" \
		.ifindex "$ip_ifindex" \
		.mtu "$ip_mtu" \
		.kind "$ip_kind" \
		.kind "$kind" \
		.family "$OVPN_FAMILY" \
		.up "$ip_up" \
		'.up | type' boolean \
		'.mtu | type' number \
		'.ifindex | type' number
	case $KERNEL_API in
	legacy)
		# ovpn-dco has no fill_info: the mode is unreadable. Its peer dump
		# is always empty in p2p mode, so an empty dump may honestly mean
		# "unknown" too.
		expect_jqs "$o" "$dev" .mode null '.peers == 0 or .peers == null' true
		;;
	upstream)
		expect_jqs "$o" "$dev" .mode "$mode" .peers 0 '.peers | type' number
		;;
	esac
	# Newer iproute2 decodes the ovpn mode too; compare when it does.
	if [[ $ip_mode != null ]]; then expect_eq "$(jqv "$o" .mode)" "$ip_mode" "$dev mode vs ip"; fi
	# The single-link form gives the same object.
	expect_json "$ovpnctl" -j link show "$dev"
	expect_jqs "$OUT" "-j link show $dev:" length 1 '.[0]' "$o"
}

# --- add: explicit type, both modes, explicit mtu
expect_ok "$ovpnctl" link add ovl-p2p type "$kind" mode p2p mtu 1400
expect_ok ip link show dev ovl-p2p
expect_jq "$(ip_link_json ovl-p2p)" .mtu 1400 "mtu set by link add"
expect_ok "$ovpnctl" link add ovl-mp type "$kind" mode mp
expect_ok ip link set ovl-mp up

check_link ovl-p2p p2p
check_link ovl-mp mp

# --- add without type picks this kernel's kind (the other family is absent)
expect_ok "$ovpnctl" link add ovl-def
expect_jq "$(ip_link_json ovl-def)" .linkinfo.info_kind "$kind" "default kind"
check_link ovl-def p2p

# --- show: only ovpn links are listed
expect_json "$ovpnctl" -j link show
expect_jq "$OUT" '[.[].ifname] | sort | join(" ")' "ovl-def ovl-mp ovl-p2p" "listed links"

# --- human output
expect_ok "$ovpnctl" link show ovl-p2p
expect_stdout_contains ovl-p2p
expect_ok "$ovpnctl" link show
expect_stdout_contains ovl-mp

# --- errors
expect_exit 2 "$ovpnctl" link add ovl-p2p type "$kind"
expect_stderr_contains "Error:"
expect_exit 2 "$ovpnctl" link show ovl-nosuch
expect_stderr_contains "Error:"
expect_exit 2 "$ovpnctl" link del ovl-nosuch
expect_stderr_contains "Error:"
expect_exit 1 "$ovpnctl" link add
expect_exit 1 "$ovpnctl" link add ovl-bad mode sideways
expect_fail ip link show ovl-bad
# never delete something that is not an ovpn link
expect_exit 2 "$ovpnctl" link del lo
expect_ok ip link show lo
# no CAP_NET_ADMIN: refused by the kernel, nothing created
expect_exit 2 as_nobody "$ovpnctl" link add ovl-nocap type "$kind"
expect_stderr_contains "Error:"
expect_fail ip link show ovl-nocap

# --- del
expect_ok "$ovpnctl" link del ovl-p2p
expect_fail ip link show ovl-p2p
expect_json "$ovpnctl" -j link show
expect_jq "$OUT" '[.[] | select(.ifname == "ovl-p2p")] | length' 0 "ovl-p2p gone from link show"
expect_ok "$ovpnctl" link del ovl-mp
expect_ok "$ovpnctl" link del ovl-def
expect_json "$ovpnctl" -j link show
expect_jq "$OUT" length 0 "links left"
