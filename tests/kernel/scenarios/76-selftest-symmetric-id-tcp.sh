#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-symmetric-id-tcp.sh, ported (see
# selftest.sh): test.sh over TCP with symmetric ids; the server accepts each
# client with its own `peer add ... proto tcp listen`.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_PROTO=tcp
ST_SYMM=1
st_test
