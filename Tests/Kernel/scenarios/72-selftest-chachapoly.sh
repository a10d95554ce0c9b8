#!/bin/bash
# kernels: upstream
# legacy: ovpn-dco-v2 has no tx-id, which the asymmetric ids of this test need
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-chachapoly.sh, ported (see selftest.sh):
# test.sh with ChaCha20-Poly1305 keys.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_CIPHER=chacha20-poly1305
st_test
