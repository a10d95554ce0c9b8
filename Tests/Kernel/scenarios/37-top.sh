#!/bin/bash
# kernels: legacy upstream
# requires: ovpnctl tmux
# timeout: 240
#
# The live view: an MP server with two clients, client 2 carrying a ping
# flood and client 1 a slow ping. `ovpnctl top interval 1`, run in a tmux
# pane (a real pseudo-terminal), shows peer 2 at the top with a non-zero
# rate; `q` ends it with status 0 and the terminal restored (normal screen,
# cursor shown); so does ^C (SIGINT). Without a terminal, `top count 2`
# prints two time-stamped blocks, the flooded peer first, and exits.
# shellcheck source=SCRIPTDIR/../lib.sh
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/tunnel.sh"
require_ovpnctl

mk_ns srv
ovpn_link srv ovpn0 mp 10.200.0.1/24
for k in 1 2; do
	mk_ns "c$k"
	veth_pair srv "c$k" "10.10.$k.1" "10.10.$k.2" "veth$k" veth0
	ovpn_link "c$k" ovpn0 p2p "10.200.0.$((k + 1))/24"
	gen_keys aes-256-gcm "S$k" "C$k"
	expect_ok ovpnctl_in srv peer add dev ovpn0 id "$k" remote "10.10.$k.2:1194" local :1194 vpn-ip "10.200.0.$((k + 1))"
	expect_ok ovpnctl_in "c$k" peer add dev ovpn0 id "$k" remote "10.10.$k.1:1194"
	key_pair srv "c$k" ovpn0 "$k" primary 0 aes-256-gcm "S$k" "C$k"
done
ping_ok c1 10.200.0.1 2
ping_ok c2 10.200.0.1 2

in_ns c1 ping -q -n -i 1 -w 90 10.200.0.1 >slow.out 2>&1 &
slow=$!
in_ns c2 ping -q -f -w 90 10.200.0.1 >flood.out 2>&1 &
flood=$!

export TERM=xterm-256color
tmux -f /dev/null new-session -d -s view -x 120 -y 30
# The pane's shell stays after top, to report its exit status and to show
# the terminal as top left it.
view() { # MARK ARGS...: run top ARGS, then print MARK=STATUS
	local mark=$1
	shift
	tmux respawn-pane -k -t view "ip netns exec srv $OVPNCTL top $*; echo $mark=\$?; sleep 600"
}
view after-q interval 1
# The table's first row, once a rate is there: INTERFACE PEER REMOTE RX/s ...
first_row() { tmux capture-pane -p -t view | grep -A1 '^INTERFACE' | tail -n1; }
has_rate() { [[ $(first_row) =~ ^ovpn0\ +[0-9]+\ +[^\ ]+\ +[0-9.]+\ [KMG]?i?B ]] && [[ $(first_row) != *' - '* ]]; }
wait_for 20 has_rate
sleep 2
tmux capture-pane -p -t view >screen.txt
cat screen.txt
expect_contains "$(head -n1 screen.txt)" "ovpnctl top" "the header line"
row=$(grep -A1 '^INTERFACE' screen.txt | tail -n1)
read -r ifname peer remote rx_num rx_unit tx_num tx_unit _ <<<"$row"
expect_eq "$ifname $peer $remote" "ovpn0 2 10.10.2.2:1194" "the busiest peer, first row"
log "peer 2 rates: rx $rx_num $rx_unit/s, tx $tx_num $tx_unit/s"
[[ $rx_unit == *B && $rx_num != 0 ]] || fail "peer 2 shows no receive rate: $row"
[[ $tx_unit == *B && $tx_num != 0 ]] || fail "peer 2 shows no transmit rate: $row"
second=$(grep -A2 '^INTERFACE' screen.txt | tail -n1)
expect_match "$second" '^ovpn0 +1 ' "the second row (peer 1)"

# q: the view ends, status 0, the normal screen is back and the cursor shown.
expect_eq "$(tmux display-message -p -t view '#{alternate_on} #{cursor_flag}')" "1 0" "alternate screen, cursor while running"
tmux send-keys -t view q
ended() { tmux capture-pane -p -t view | grep -q "^$1="; }
wait_for 10 ended after-q
tmux capture-pane -p -t view >after.txt
expect_eq "$(grep '^after-q=' after.txt)" "after-q=0" "exit status after q"
expect_eq "$(tmux display-message -p -t view '#{alternate_on} #{cursor_flag}')" "0 1" "alternate screen, cursor after q"
! grep -q '^INTERFACE' after.txt || fail "the table is still on the screen after q: $(<after.txt)"

# ^C (SIGINT): the same.
view after-intr dev ovpn0 interval 1
running() { tmux capture-pane -p -t view | grep -q '^INTERFACE'; }
wait_for 20 running
tmux send-keys -t view C-c
wait_for 10 ended after-intr
expect_eq "$(tmux capture-pane -p -t view | grep '^after-intr=')" "after-intr=0" "exit status after ^C"
expect_eq "$(tmux display-message -p -t view '#{alternate_on} #{cursor_flag}')" "0 1" "alternate screen, cursor after ^C"
tmux kill-server

# No terminal: one block per interval, count of them, then exit 0.
expect_ok ovpnctl_in srv top interval 1 count 2
printf '%s\n' "$OUT" >blocks.txt
expect_eq "$(grep -c 'ovpnctl top, every 1 s: 2 peers on 1 interface' blocks.txt)" 2 "blocks printed"
expect_not_contains "$OUT" $'\e' "plain output"
expect_match "$(grep -A1 '^INTERFACE' blocks.txt | sed -n 2p)" '^ovpn0 +2 ' "first row of the first block"
expect_match "$(head -n1 blocks.txt)" '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC ' "time stamp"
expect_exit 1 ovpnctl_in srv top interval 0
expect_exit 2 ovpnctl_in srv top dev nosuch0

kill "$slow" "$flood" 2>/dev/null || true
