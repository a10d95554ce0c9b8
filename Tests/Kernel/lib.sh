# shellcheck shell=bash
# Helpers for kernel-test scenarios. Runs INSIDE the qemu guest, under bash.
#
# A scenario is Tests/Kernel/scenarios/NN-name.sh, run with bash by the guest
# init, one at a time, in a fresh working directory, with a timeout. It starts
# with a header the init reads:
#
#   # kernels: legacy upstream     which kernels it applies to (default: all);
#                                  on the others it is reported as SKIP
#   # legacy: REASON               why it cannot run there (shown with the SKIP)
#   # requires: ovpnctl            SKIP when the ovpnctl binary (or another
#                                  named command) is not in the initramfs
#   # timeout: 120                 seconds (default 120)
#
# and then sources this file:  source "$TESTS_DIR/lib.sh"
#
# Exit status: 0 pass, 77 skip (use `skip REASON`), anything else fail (use
# `fail MSG` or the expect_* helpers, which say what went wrong). Any command
# that fails outside an `if`/`||` fails the scenario (set -e) with its line.
# Between scenarios the init runs cleanup_all: every netns and every virtual
# link (ovpn, veth, ...) disappears, and leftover processes are killed.
#
# Environment provided by the init:
#   KERNEL_NAME   legacy | upstream  (which kernel the guest booted)
#   KERNEL_API    legacy | upstream  (which ovpn API it speaks; same values)
#   OVPN_KIND     rtnl link kind: ovpn-dco (legacy) | ovpn (upstream)
#   OVPN_FAMILY   generic netlink family: ovpn-dco-v2 | ovpn
#   OVPN_MODULE   module name: ovpn-dco-v2 | ovpn
#   KERNEL_RELEASE  uname -r
#   OVPNCTL       path of the ovpnctl binary (empty when not built in)
#   SCENARIO      this scenario's name

set -Eeuo pipefail

: "${KERNEL_API:?not running under the kernel-test init}"
OVPNCTL=${OVPNCTL:-}

# --- outcome ---------------------------------------------------------------

# The first reason recorded wins: it is what the host prints on the result line.
_kt_reason() {
	if [[ -n ${OVPNCTL_REASON_FILE:-} && ! -s $OVPNCTL_REASON_FILE ]]; then
		printf '%s\n' "$*" >"$OVPNCTL_REASON_FILE"
	fi
}
fail() { _kt_reason "$*"; printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() { _kt_reason "$*"; printf 'SKIP: %s\n' "$*" >&2; exit 77; }
# log MSG: a note in the scenario log. Like all the helpers' chatter it goes to
# stderr, so helpers can be used inside $(...) without polluting the value.
log() { printf '# %s\n' "$*" >&2; }

# ERR fires once per stack frame as a failure propagates; report the first
# (innermost) one, with the call chain: 'cmd' failed (exit N) at lib.sh:12 <- 01-x.sh:30
_KT_ERR_SEEN=0
_kt_on_err() { # STATUS COMMAND
	((_KT_ERR_SEEN)) && return
	_KT_ERR_SEEN=1
	local i at=''
	for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
		[[ ${FUNCNAME[i]} == source ]] && break
		at+="${at:+ <- }${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
	done
	_kt_reason "'$2' failed (exit $1) at $at"
	printf "FAIL: '%s' failed (exit %s) at %s\n" "$2" "$1" "$at" >&2
}
trap '_kt_on_err $? "$BASH_COMMAND"' ERR
shopt -s inherit_errexit

require_kernel() { # NAME...: skip unless running on one of these kernels
	local k
	for k; do [[ $KERNEL_NAME == "$k" ]] && return 0; done
	skip "needs kernel: $*"
}
require_ovpnctl() {
	[[ -n $OVPNCTL && -x $OVPNCTL ]] || skip "needs the ovpnctl binary (not in this initramfs)"
}

# --- running commands --------------------------------------------------------

# run CMD...: run a command, never failing; sets RC, OUT (stdout), ERR (stderr)
# and copies all three to the scenario log (via stderr).
RC=0 OUT='' ERR=''
run() {
	# Fixed per-process capture files: mktemp/rm would cost two more
	# processes per command, which adds up under emulation.
	local o=/tmp/.kt-run.$BASHPID.out e=/tmp/.kt-run.$BASHPID.err
	printf '$ %s\n' "${*@Q}" >&2
	"$@" >"$o" 2>"$e" && RC=0 || RC=$?
	OUT=$(<"$o") ERR=$(<"$e")
	{
		[[ -z $OUT ]] || printf '  | %s\n' "${OUT//$'\n'/$'\n'  | }"
		[[ -z $ERR ]] || printf '  ! %s\n' "${ERR//$'\n'/$'\n'  ! }"
		[[ $RC == 0 ]] || printf '  exit %s\n' "$RC"
	} >&2
	return 0
}

# expect_exit CODE CMD...: run CMD (see run) and fail unless it exits CODE.
expect_exit() {
	local want=$1
	shift
	run "$@"
	[[ $RC == "$want" ]] || fail "expected exit $want, got $RC from: $*${ERR:+ (stderr: ${ERR:0:200})}"
}
expect_ok() { expect_exit 0 "$@"; }
# expect_fail CMD...: any non-zero exit will do.
expect_fail() {
	run "$@"
	[[ $RC != 0 ]] || fail "expected failure, but it succeeded: $*"
}

# String checks. WHAT names the value in the failure message.
expect_eq() { # ACTUAL EXPECTED [WHAT]
	[[ $1 == "$2" ]] || fail "${3:-value}: expected '$2', got '$1'"
	log "ok: ${3:-value} = '$1'"
}
expect_ne() { # ACTUAL UNEXPECTED [WHAT]
	[[ $1 != "$2" ]] || fail "${3:-value}: must not be '$2'"
}
expect_contains() { # HAYSTACK NEEDLE [WHAT]
	[[ $1 == *"$2"* ]] || fail "${3:-output} does not contain '$2': ${1:0:300}"
}
expect_not_contains() { # HAYSTACK NEEDLE [WHAT]
	[[ $1 != *"$2"* ]] || fail "${3:-output} unexpectedly contains '$2': ${1:0:300}"
}
expect_match() { # STRING ERE [WHAT]
	[[ $1 =~ $2 ]] || fail "${3:-value} does not match /$2/: ${1:0:300}"
}
# On the output of the last run/expect_*:
expect_stdout_contains() { expect_contains "$OUT" "$1" "stdout"; }
expect_stderr_contains() { expect_contains "$ERR" "$1" "stderr"; }
expect_stderr_matches() { expect_match "$ERR" "$1" "stderr"; }
expect_stdout_empty() { [[ -z $OUT ]] || fail "stdout should be empty: ${OUT:0:300}"; }

# JSON helpers. A value is rendered as text the same way everywhere: strings
# raw, everything else compact JSON (null -> "null", true -> "true", objects
# -> '{"a":1}'). jq starts slowly under emulation (~0.15 s), so the helpers
# evaluate many filters in one jq run where they can.

# jqv JSON FILTER: one value.
jqv() { jq -rc "$2" <<<"$1"; }

# jq_fields JSON FILTER...: evaluate each filter (its first output, null if
# none) in a single jq run; the results land in the array JQ.
JQ=()
jq_fields() {
	local json=$1 f prog=''
	shift
	for f; do
		prog+="${prog:+, }([$f][0] | (if type == \"string\" then . else tojson end) + \"\\u0000\")"
	done
	local tmp=/tmp/.kt-jq.$BASHPID
	jq -j "$prog" <<<"$json" >"$tmp" || fail "jq failed (filters: $*) on: ${json:0:300}"
	mapfile -d '' -t JQ <"$tmp"
	((${#JQ[@]} == $#)) || fail "jq gave ${#JQ[@]} values for $# filters"
}

# expect_jq JSON FILTER EXPECTED [WHAT]
expect_jq() {
	jq_fields "$1" "$2"
	expect_eq "${JQ[0]}" "$3" "${4:-$2}"
}

# expect_jqs JSON LABEL FILTER EXPECTED [FILTER EXPECTED]...: several checks on
# one document, one jq run.
expect_jqs() {
	local json=$1 label=$2
	shift 2
	(($# % 2 == 0)) || fail "expect_jqs: FILTER without EXPECTED"
	local -a filters=() wants=()
	while (($#)); do
		filters+=("$1") wants+=("$2")
		shift 2
	done
	jq_fields "$json" "${filters[@]}"
	local i
	for i in "${!filters[@]}"; do
		expect_eq "${JQ[i]}" "${wants[i]}" "$label ${filters[i]}"
	done
}
# expect_json CMD...: run CMD, expect exit 0 and valid JSON on stdout.
expect_json() {
	expect_ok "$@"
	jq -e . >/dev/null <<<"$OUT" || fail "not valid JSON from: $*: ${OUT:0:300}"
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
wait_for() {
	local limit=$1 deadline # in microseconds; SECONDS is too coarse
	deadline=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		((${EPOCHREALTIME/./} < deadline)) || fail "timed out after ${limit}s waiting for: $*"
		sleep 0.1
	done
}

# as_nobody CMD...: run without root and without any capability.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# nobody_in NS CMD...: CMD inside namespace NS, without root and without any
# capability (entering the namespace needs root, so it is dropped after).
nobody_in() {
	local ns=$1
	shift
	ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# --- network namespaces and links ---------------------------------------------

# mk_ns NAME...: create network namespaces with loopback up.
mk_ns() {
	local ns
	for ns; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
}

# in_ns NS CMD...: run CMD inside namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# ovpnctl_in NS ARGS...: ovpnctl inside namespace NS.
ovpnctl_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$OVPNCTL" "$@"
}

_kt_with_prefix() { # ADDR -> ADDR/prefix (/24 for IPv4, /64 for IPv6 unless given)
	if [[ $1 == */* ]]; then printf '%s\n' "$1"
	elif [[ $1 == *:* ]]; then printf '%s/64\n' "$1"
	else printf '%s/24\n' "$1"; fi
}

# veth_pair NS1 NS2 ADDR1 ADDR2 [DEV1 [DEV2]]: join two namespaces with a veth
# pair (DEV1 in NS1, DEV2 in NS2; both default to veth0), give each end its
# address (IPv4 or IPv6, /24 or /64 unless a prefix is given) and bring it up.
# Pass "-" as an address to leave that end without one.
veth_pair() {
	local ns1=$1 ns2=$2 a1=$3 a2=$4 d1=${5:-veth0} d2=${6:-${5:-veth0}}
	ip link add "$d1" netns "$ns1" type veth peer name "$d2" netns "$ns2"
	local i ns dev a
	for i in 1 2; do
		if ((i == 1)); then ns=$ns1 dev=$d1 a=$a1; else ns=$ns2 dev=$d2 a=$a2; fi
		if [[ $a != - ]]; then
			if [[ $a == *:* ]]; then
				ip -n "$ns" addr add "$(_kt_with_prefix "$a")" dev "$dev" nodad
			else
				ip -n "$ns" addr add "$(_kt_with_prefix "$a")" dev "$dev"
			fi
		fi
		ip -n "$ns" link set "$dev" up
	done
}

# ip_link_json [-n NS] DEV: the `ip -d -j link show` object of DEV (or fail).
ip_link_json() {
	local -a nsopt=()
	if [[ $1 == -n ]]; then nsopt=(-n "$2"); shift 2; fi
	local j
	j=$(ip "${nsopt[@]}" -d -j link show dev "$1") || fail "ip link show $1 failed"
	# One device: [{...}] -> {...} without another jq run.
	[[ $j == '[{'*'}]' ]] || fail "unexpected ip -j output: ${j:0:300}"
	j=${j#[}
	printf '%s\n' "${j%]}"
}

# cleanup_all: remove everything scenarios create, so the next one starts clean.
# Processes inside namespaces are killed, namespaces deleted, and every virtual
# link (anything with an rtnl kind: ovpn, ovpn-dco, veth, dummy...) of the
# initial namespace deleted.
cleanup_all() {
	local ns dev
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || echo "cleanup: could not delete netns $ns"
	done
	for dev in $(ip -d -j link show | jq -r '.[] | select(.linkinfo.info_kind != null) | .ifname'); do
		ip link del "$dev" 2>/dev/null || true # a veth peer may have gone with its twin
	done
	# A keeper killed above leaves its socket file behind; a later scenario's
	# namespace can get the same inode and ifindex, and so the same name.
	rm -f /run/ovpnctl/keeper-* 2>/dev/null || true
	local left
	left=$(ip -d -j link show | jq -r '[.[] | select(.linkinfo.info_kind != null) | .ifname] | join(" ")')
	[[ -z $left ]] || echo "cleanup: links left behind: $left"
	return 0
}
