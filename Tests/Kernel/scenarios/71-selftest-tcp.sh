#!/bin/bash
# kernels: upstream
# legacy: ovpn-dco-v2 has no tx-id, which the asymmetric ids of this test need
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-tcp.sh, ported (see selftest.sh): an mp server
# and six p2p clients over TCP, asymmetric ids (tx-id needs upstream >= 7.1),
# AES-256-GCM.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_PROTO=tcp

st_test
