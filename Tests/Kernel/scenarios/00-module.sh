#!/bin/bash
# kernels: legacy upstream
# timeout: 60
#
# Harness sanity, no ovpnctl involved: the kernel's ovpn module is loaded, its
# generic netlink family is registered, iproute2 can create and delete a link
# of its kind, and /sbin/modprobe can load the AEAD crypto the module asks for.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"

log "kernel $KERNEL_RELEASE, api $KERNEL_API, kind $OVPN_KIND, family $OVPN_FAMILY"

mod=${OVPN_MODULE//-/_}
[[ -d /sys/module/$mod ]] || fail "module $OVPN_MODULE is not loaded (no /sys/module/$mod)"
expect_ok genl ctrl get name "$OVPN_FAMILY"
expect_stdout_contains "$OVPN_FAMILY"

expect_ok ip link add t0 type "$OVPN_KIND"
j=$(ip_link_json t0)
expect_jq "$j" .linkinfo.info_kind "$OVPN_KIND" "rtnl kind"
expect_jq "$j" .link_type none "link type (ARPHRD_NONE)"
expect_jq "$j" '.flags | index("POINTOPOINT") != null' true "POINTOPOINT flag"
# Default MTU: 1500 minus the worst-case encapsulation overhead of each API.
case $KERNEL_API in
legacy) expect_jq "$j" .mtu 1428 "default mtu" ;;
upstream) expect_jq "$j" .mtu 1416 "default mtu" ;;
esac
expect_ok ip link set t0 up
expect_ok ip link del t0
expect_fail ip link show t0

# The kernel resolves AEAD templates through /sbin/modprobe, asking for
# "crypto-<template>" when a key is installed (gcm(aes), rfc7539(chacha20,
# poly1305)); the module aliases must resolve whichever way this kernel splits
# its crypto into modules and built-ins.
expect_eq "$(</proc/sys/kernel/modprobe)" /sbin/modprobe "kernel.modprobe"
for m in crypto-gcm crypto-ctr crypto-aes crypto-rfc7539; do
	expect_ok modprobe "$m"
done
