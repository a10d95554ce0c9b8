#!/bin/bash
# kernels: upstream
# legacy: deleting a TCP peer under traffic WARNs in ovpn_tcp_read_sock and taints the kernel
# requires: ovpnctl iperf3 tcpdump
# timeout: 420
#
# The Linux ovpn selftest test-symmetric-id-tcp.sh, ported (see
# selftest.sh): test.sh over TCP with symmetric ids; the server accepts each
# client with its own `peer add ... proto tcp listen`. Upstream only: on the
# legacy module (ovpn-dco-v2, DKMS 0.0+git20231103) deleting a TCP peer under
# traffic trips a WARN in ovpn_tcp_read_sock (tcp.c:112) and a refcount
# underflow, which taints the kernel.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_PROTO=tcp
ST_SYMM=1
st_test
