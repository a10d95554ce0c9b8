#!/bin/bash
# kernels: upstream
# legacy: the module holds its own reference to the socket, so closing it ends no peer
# requires: ovpnctl iperf3 tcpdump
# timeout: 600
#
# The Linux ovpn selftests test-close-socket.sh and test-close-socket-tcp.sh,
# ported (see selftest.sh), UDP then TCP: six clients with traffic, then the
# socket keepers are killed and every peer ends with transport-disconnect.
# Upstream only: the legacy module keeps its own reference to the socket, so
# its peers outlive the keeper (see SOCKET OWNERSHIP in ovpnctl(8)).
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
source "$TESTS_DIR/selftest.sh"
require_ovpnctl

ST_PROTO=udp
st_close_socket
cleanup_all
ST_PROTO=tcp
st_close_socket
