#!/usr/bin/env bats
# rc-net-up and rc-net-down, inside network namespaces each test makes: a
# throwaway "host" namespace where rc runs (entered with nsenter, so the
# namespace pins rc makes survive), and where needed an "upstream" namespace
# joined to it by a veth pair and standing in for the internet:
#
#   container(s) --eth0/rc-NAME-- rc0 [host] up0 ---- eth0 [upstream]
#                  10.89.0.0/16          198.51.100.1   198.51.100.2
#
# No test touches the machine's own links, routes or ruleset.

load helpers/common
bats_require_minimum_version 1.5.0

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	mkdir -p "$RC_ROOT/containers"
	HOST=rct-$$-$BATS_TEST_NUMBER-host
	UP=rct-$$-$BATS_TEST_NUMBER-up
	PIDS=$BATS_TEST_TMPDIR/pids
	: >"$PIDS"
	ip netns add "$HOST"
	ip -n "$HOST" link set lo up
}

teardown() {
	local pid m d
	# Real containers (runctr) first, with their networks.
	for d in "$RC_ROOT"/containers/*/; do
		[ -f "$d/config.json" ] && in_host rc-rm -f "$(basename "$d")" >/dev/null 2>&1
	done
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$PIDS"
	# Pins rc made and a failed test left behind.
	for m in "$RC_ROOT"/containers/*/netns; do
		[ -e "$m" ] && umount -l "$m" 2>/dev/null || true
	done
	umount -l "$BATS_TEST_TMPDIR/hold" 2>/dev/null || true
	ip netns del "$UP" 2>/dev/null || true
	ip netns del "$HOST-c1" 2>/dev/null || true
	ip netns del "$HOST" 2>/dev/null || true
}

# Run a command in the host namespace.
in_host() { nsenter --net="/run/netns/$HOST" "$@"; }
in_up() { nsenter --net="/run/netns/$UP" "$@"; }

# Run a command in container NAME's namespace.
in_ctr() {
	local name=$1
	shift
	if [ -f "$RC_ROOT/containers/$name/pid" ]; then
		nsenter -t "$(cat "$RC_ROOT/containers/$name/pid")" --net "$@"
	else
		nsenter --net="$RC_ROOT/containers/$name/netns" "$@"
	fi
}

# A container as rc-unpack would leave it, as far as networking cares.
mkctr() { mkdir -p "$RC_ROOT/containers/$1"; }

net_up() { in_host rc-net-up "$@"; }
net_down() { in_host rc-net-down "$@"; }

# Remember a background process for teardown.
track() { echo "$1" >>"$PIDS"; }

# Start a command in the background (a plain command, so $! is its own pid,
# which nsenter keeps), remembered for teardown; fd 3 closed so that bats
# does not wait for it.
bg() {
	"$@" </dev/null >/dev/null 2>&1 3>&- &
	track $!
}

# nsenter's arguments for container NAME's namespace.
ctr_ns() {
	if [ -f "$RC_ROOT/containers/$1/pid" ]; then
		echo "-t $(cat "$RC_ROOT/containers/$1/pid") --net"
	else
		echo "--net=$RC_ROOT/containers/$1/netns"
	fi
}

# GET url with curl from the namespace of the command prefix given first.
get() { "$@" curl -sS --max-time 5 "$url"; }

# Wait until url answers from inside prefix... (a server just started).
wait_http() {
	local url=$1 i
	shift
	for i in $(seq 50); do
		"$@" curl -s --max-time 1 -o /dev/null "$url" && return 0
		sleep 0.1
	done
	echo "no answer from $url" >&2
	return 1
}

# busybox httpd on port 80 in container NAME, serving a page naming it.
serve() {
	local name=$1 dir=$BATS_TEST_TMPDIR/www-$1
	mkdir -p "$dir"
	echo "page of $name" >"$dir/index.html"
	# shellcheck disable=SC2046
	bg nsenter $(ctr_ns "$name") busybox httpd -f -p 80 -h "$dir"
	wait_http http://127.0.0.1:80/ in_ctr "$name"
}

# The upstream namespace with an httpd whose /cgi-bin/ip answers with the
# address the request came from.
add_upstream() {
	local dir=$BATS_TEST_TMPDIR/www-up
	ip netns add "$UP"
	ip -n "$UP" link set lo up
	ip -n "$HOST" link add up0 type veth peer name eth0 netns "$UP"
	ip -n "$HOST" addr add 198.51.100.1/24 dev up0
	ip -n "$HOST" link set up0 up
	ip -n "$UP" addr add 198.51.100.2/24 dev eth0
	ip -n "$UP" link set eth0 up
	ip -n "$HOST" route add default via 198.51.100.2
	mkdir -p "$dir/cgi-bin"
	echo upstream >"$dir/index.html"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$REMOTE_ADDR"\n' \
		>"$dir/cgi-bin/ip"
	chmod +x "$dir/cgi-bin/ip"
	bg nsenter --net="/run/netns/$UP" busybox httpd -f -p 80 -h "$dir"
	wait_http http://127.0.0.1:80/ in_up
}

# A UDP listener on ADDR:PORT in the host namespace (or the one nsenter's
# option NS names), writing each datagram it gets to FILE as "MESSAGE from
# SOURCE", one line each, as it comes.
udp_listen() {
	local addr=$1 port=$2 file=$3
	: >"$file"
	nsenter "${4:---net=/run/netns/$HOST}" perl -MIO::Socket::INET -e '
		$| = 1;
		$s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => $ARGV[1],
					   Proto => "udp") or die "bind: $!";
		while ($s->recv($m, 200)) { chomp $m; print $m, " from ", $s->peerhost, "\n" }' \
		"$addr" "$port" >"$file" 2>/dev/null </dev/null 3>&- &
	track $!
}

# Send MESSAGE from the host namespace to ADDR:PORT until FILE shows it
# (the listener may not be bound yet; packets before it are lost).
udp_until_heard() {
	local addr=$1 port=$2 msg=$3 file=$4
	for _ in $(seq 50); do
		in_host bash -c "echo $msg >/dev/udp/$addr/$port"
		grep -q "^$msg from" "$file" && return 0
		sleep 0.1
	done
	echo "$msg never reached $addr:$port" >&2
	return 1
}

# The MAC address of link LINK in the host namespace (/sys shows the
# machine's links, not the namespace's).
host_mac() { ip -n "$HOST" -o link show "$1" | sed -n 's|.*link/ether \([^ ]*\).*|\1|p'; }

# Container NAME sends a hand-made UDP datagram SRC -> DST:PORT out of its
# eth0, to the gateway's MAC address, as a process with CAP_NET_RAW can.
rawudp() {
	local name=$1
	shift
	# shellcheck disable=SC2046
	nsenter $(ctr_ns "$name") "$BUILD/tests/helpers/rc-rawpkt" udp eth0 "$(host_mac rc0)" "$@"
}

# Wait until the veths rc-net-down left to go with their namespace (renamed
# rcx and their index) are gone: the kernel takes them away in the
# background.
wait_retired() {
	for _ in $(seq 100); do
		in_host ip -o link show | grep -q '^[0-9]*: rcx' || return 0
		sleep 0.05
	done
	echo "links rc-net-down retired are still there" >&2
	return 1
}

# What a failed or undone call must have left: no link, lease, rule or pin.
host_links() {
	wait_retired
	in_host ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
}
ruleset() { in_host nft list ruleset; }
leases() { find "$RC_ROOT/net" -path '*/leases/*' -o -path '*/ports/*' 2>/dev/null | sort; }

@test "rc-net-up prints the container's address and records it in net.env" {
	mkctr c1
	run -0 net_up c1
	[ "$output" = 10.89.0.2 ]
	# shellcheck disable=SC1090
	( . "$RC_ROOT/containers/c1/net.env"
	  [ "$IP" = 10.89.0.2 ] && [ "$PREFIX" = 16 ] && [ "$GATEWAY" = 10.89.0.1 ] &&
	  [ "$BRIDGE" = rc0 ] && [ "$HOST_IF" = rc-c1 ] && [ "$IFNAME" = eth0 ] && [ -z "$PORTS" ] )
	run -0 in_ctr c1 ip -4 -o addr show eth0
	[[ $output == *"inet 10.89.0.2/16"* ]]
	run -0 in_ctr c1 ip route show default
	[[ $output == "default via 10.89.0.1 dev eth0"* ]]
	run -0 in_ctr c1 ip -o link show lo
	[[ $output == *"UP"* ]]
}

@test "a container reaches its gateway" {
	mkctr c1
	net_up c1
	run -0 in_ctr c1 busybox ping -c 1 -W 2 10.89.0.1
}

@test "a container reaches upstream through the masquerade, seen as the host's address" {
	add_upstream
	mkctr c1
	net_up c1
	url=http://198.51.100.2/cgi-bin/ip
	run -0 get in_ctr c1
	# busybox httpd gives the address as IPv4-mapped IPv6: [::ffff:A.B.C.D]
	[[ $output == "198.51.100.1" || $output == "[::ffff:198.51.100.1]" ]]
}

@test "two containers on the bridge reach each other" {
	mkctr c1
	mkctr c2
	[ "$(net_up c1)" = 10.89.0.2 ]
	[ "$(net_up c2)" = 10.89.0.3 ]
	serve c2
	url=http://10.89.0.3/
	run -0 get in_ctr c1
	[ "$output" = "page of c2" ]
	run -0 in_ctr c2 busybox ping -c 1 -W 2 10.89.0.2
}

@test "a published port answers on the host's 127.0.0.1 and its own addresses" {
	mkctr web
	net_up -p 8080:80 web
	serve web
	url=http://127.0.0.1:8080/
	run -0 get in_host
	[ "$output" = "page of web" ]
	url=http://10.89.0.1:8080/
	run -0 get in_host
	[ "$output" = "page of web" ]
}

@test "rc-net-down from another state root on the same bridge leaves this one's rules" {
	mkctr web
	net_up -p 8080:80 web
	serve web
	other=$BATS_TEST_TMPDIR/other-root
	mkdir -p "$other/containers/b"
	in_host env RC_ROOT="$other" rc-net-up --ip 10.89.0.200 b
	in_host env RC_ROOT="$other" rc-net-down b
	url=http://127.0.0.1:8080/
	run -0 get in_host
	[ "$output" = "page of web" ]
	in_host nft list table ip rc | grep -q masquerade
}

@test "a published port answers from upstream at the host's address" {
	add_upstream
	mkctr web
	net_up -p 8080:80 web
	serve web
	url=http://198.51.100.1:8080/
	run -0 get in_up
	[ "$output" = "page of web" ]
}

@test "a published port answers from another container on the bridge and from itself (hairpin)" {
	add_upstream
	mkctr web
	mkctr client
	net_up -p 8080:80 web
	net_up client
	serve web
	url=http://198.51.100.1:8080/
	run -0 get in_ctr client
	[ "$output" = "page of web" ]
	url=http://10.89.0.1:8080/
	run -0 get in_ctr client
	[ "$output" = "page of web" ]
	run -0 get in_ctr web
	[ "$output" = "page of web" ]
}

@test "a port published on one host address answers there only" {
	add_upstream
	mkctr web
	net_up -p 127.0.0.1:8080:80 web
	serve web
	url=http://127.0.0.1:8080/
	run -0 get in_host
	[ "$output" = "page of web" ]
	url=http://198.51.100.1:8080/
	run ! get in_up
}

# ---- what reaches what (see FILTERING in rc-net-up(1)) ----

# The bridge's frames go through the IPv4 hooks twice over when
# br_netfilter hands them to iptables' hooks as well (docker loads it): try
# both ways when the kernel has it.
brnf_modes() {
	if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then echo 1 0; else echo none; fi
}
set_brnf() { [ "$1" = none ] || in_host sysctl -qw "net.bridge.bridge-nf-call-iptables=$1"; }

# Container NAME sends MESSAGE (SRC -> the gateway 10.89.0.1:5455) until the
# listener there writing FILE has it: the probe works, and what the
# container sent before has been through the host's stack.
control_until_heard() {
	local name=$1 src=$2 msg=$3 file=$4
	for _ in $(seq 50); do
		rawudp "$name" "$src" 10.89.0.1 5455 "$msg"
		grep -q "^$msg from $src\$" "$file" && return 0
		sleep 0.1
	done
	echo "the container's $msg never reached 10.89.0.1:5455" >&2
	return 1
}

@test "a container cannot send to the host's 127.0.0.1 through its gateway (CVE-2020-8558)" {
	mkctr c1
	net_up c1
	lo=$BATS_TEST_TMPDIR/lo gw=$BATS_TEST_TMPDIR/gw
	udp_listen 127.0.0.1 5454 "$lo"
	udp_listen 10.89.0.1 5455 "$gw"
	udp_until_heard 127.0.0.1 5454 ready "$lo"
	for brnf in $(brnf_modes); do
		set_brnf "$brnf"
		rawudp c1 10.89.0.2 127.0.0.1 5454 "attack-$brnf"
		control_until_heard c1 10.89.0.2 "control-$brnf" "$gw"
		# A datagram the host sends now lands after the attack's, had it come.
		udp_until_heard 127.0.0.1 5454 "after-$brnf" "$lo"
	done
	run -1 grep attack "$lo"
}

@test "a container cannot pass for the host's loopback (source 127.0.0.0/8)" {
	mkctr c1
	net_up c1
	gw=$BATS_TEST_TMPDIR/gw
	udp_listen 10.89.0.1 5455 "$gw"
	# 127.0.0.2: the kernel refuses the host's own addresses as a source
	# from outside, but not the rest of 127/8, once route_localnet is on.
	for brnf in $(brnf_modes); do
		set_brnf "$brnf"
		control_until_heard c1 10.89.0.2 "ready-$brnf" "$gw"
		rawudp c1 127.0.0.2 10.89.0.1 5455 "spoofed-$brnf"
		control_until_heard c1 10.89.0.2 "control-$brnf" "$gw"
	done
	run -1 grep spoofed "$gw"
}

@test "a neighbour cannot reach a port published on 127.0.0.1 by sending to 127.0.0.1" {
	add_upstream
	mkctr dns
	net_up -p 127.0.0.1:5353:53/udp -p 5354:54/udp dns
	got=$BATS_TEST_TMPDIR/got
	udp_listen 0.0.0.0 53 "$got" "--net=$RC_ROOT/containers/dns/netns"
	udp_listen 0.0.0.0 54 "$got.54" "--net=$RC_ROOT/containers/dns/netns"
	udp_until_heard 127.0.0.1 5353 ready "$got"
	mac=$(host_mac up0)
	# What a neighbour on the host's link can send: 127.0.0.1 to the host's
	# MAC address. The kernel drops that as a martian, but only when it
	# routes it, after DNAT has rewritten the destination.
	in_up "$BUILD/tests/helpers/rc-rawpkt" udp eth0 "$mac" 198.51.100.2 127.0.0.1 5353 attack
	# The same to the port published on every address arrives: the probe
	# works, and the attack has been through the host's stack.
	for _ in $(seq 50); do
		in_up "$BUILD/tests/helpers/rc-rawpkt" udp eth0 "$mac" 198.51.100.2 198.51.100.1 5354 control
		grep -q '^control from' "$got.54" && break
		sleep 0.1
	done
	grep -q '^control from' "$got.54"
	udp_until_heard 127.0.0.1 5353 after "$got"
	run -1 grep attack "$got"
}

@test "the host's 127.0.0.1 still reaches a port published on 127.0.0.1" {
	mkctr web
	net_up -p 127.0.0.1:8080:80 web
	serve web
	for brnf in $(brnf_modes); do
		set_brnf "$brnf"
		url=http://127.0.0.1:8080/
		run -0 get in_host
		[ "$output" = "page of web" ]
	done
}

# Container NAME advertises itself as the IPv6 default router, with PREFIX/64
# for addresses, until container WITNESS (IPv6 turned on again, standing
# for any node on the bridge that listens) shows the prefix's route: the
# advertisement is valid and has been flooded to the bridge and its ports.
advertise() {
	local name=$1 witness=$2 prefix=$3
	for _ in $(seq 50); do
		# shellcheck disable=SC2046
		nsenter $(ctr_ns "$name") "$BUILD/tests/helpers/rc-rawpkt" ra eth0 "$prefix"
		in_ctr "$witness" ip -6 route show | grep -q "^$prefix/64" && return 0
		sleep 0.1
	done
	echo "container $witness never heard $name's advertisement of $prefix" >&2
	return 1
}

@test "a container's IPv6 router advertisement routes neither the host nor other containers" {
	mkctr evil
	mkctr c2
	mkctr witness
	net_up evil
	net_up c2
	net_up witness
	in_ctr witness sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	advertise evil witness 2001:db8:66::
	# A second one: by the time the witness has it, the first has been
	# handled everywhere.
	advertise evil witness 2001:db8:67::
	in_ctr witness ip -6 route show default | grep -q 'via fe80::bad'
	run -0 in_host ip -6 route show
	[[ $output != *2001:db8:66* && $output != *fe80::bad* ]]
	run -0 in_host ip -6 addr show
	[[ $output != *2001:db8:66* ]]
	run -0 in_ctr c2 ip -6 route show
	[[ $output != *2001:db8:66* && $output != *fe80::bad* ]]
}

# curl that must get nothing: 2 seconds are plenty on a veth.
get_nothing() { ! "$@" curl -sS --max-time 2 -o /dev/null "$url"; }

@test "a neighbour routing the containers' subnet through the host reaches published ports only" {
	add_upstream
	ip -n "$UP" route add 10.89.0.0/16 via 198.51.100.1
	mkctr web
	net_up -p 8080:80 web
	serve web
	# shellcheck disable=SC2046
	bg nsenter $(ctr_ns web) busybox httpd -f -p 8000 -h "$BATS_TEST_TMPDIR/www-web"
	wait_http http://127.0.0.1:8000/ in_ctr web
	for brnf in $(brnf_modes); do
		set_brnf "$brnf"
		url=http://198.51.100.1:8080/
		run -0 get in_up
		[ "$output" = "page of web" ]
		# an unpublished port, and the published one's container port
		# straight at the container's address: neither
		url=http://10.89.0.2:8000/
		get_nothing in_up
		url=http://10.89.0.2:80/
		get_nothing in_up
		# the connections the container opens get their answers
		url=http://198.51.100.2/cgi-bin/ip
		run -0 get in_ctr web
		[[ $output == "198.51.100.1" || $output == "[::ffff:198.51.100.1]" ]]
		# and the host itself still reaches its containers
		url=http://10.89.0.2:8000/
		run -0 get in_host
	done
}

@test "a container on another rc bridge reaches published ports only" {
	mkctr web
	mkctr other
	net_up -p 8080:80 web
	net_up --bridge rcb1 --subnet 172.29.0.0/16 other
	serve web
	for brnf in $(brnf_modes); do
		set_brnf "$brnf"
		url=http://10.89.0.2:80/
		get_nothing in_ctr other
		url=http://172.29.0.1:8080/
		run -0 get in_ctr other
		[ "$output" = "page of web" ]
	done
}

# ---- connection tracking (CONNECTION TRACKING in rc-net-up(1)) ----

# The conntrack entries of the host namespace in state STATE whose original
# direction matches the awk regular expression RE: "TIMEOUT SRC DST DPORT".
conntrack_entries() {
	in_host cat /proc/net/nf_conntrack |
		awk -v st="$1" -v re="$2" '$6 == st && $0 ~ re {
			print $5, substr($7, 5), substr($8, 5), substr($10, 7) }'
}

@test "closed connections to a published port leave TIME_WAIT entries with rc's short timeout" {
	add_upstream
	mkctr web
	net_up -p 8080:80 web
	serve web
	for _ in $(seq 10); do
		url=http://127.0.0.1:8080/
		get in_host >/dev/null
		url=http://198.51.100.1:8080/
		get in_up >/dev/null
	done
	# busybox httpd closes each connection: each is left in TIME_WAIT.
	run -0 conntrack_entries TIME_WAIT ' dport=8080 '
	echo "$output"
	[ "$(grep -c ' 127.0.0.1 ' <<<"$output")" -ge 10 ]
	[ "$(grep -c ' 198.51.100.2 ' <<<"$output")" -ge 10 ]
	# 10 s at most, not the host's 120 s, which is left as it was
	while read -r timeout _; do
		[ "$timeout" -le 10 ]
	done <<<"$output"
	[ "$(in_host cat /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait)" -eq 120 ]
	run -0 in_host nft list table ip rc
	[[ $output == *"time_wait : 10, close : 5"* ]]
}

@test "connections between a bridge's containers are not tracked, and published ports, hairpin and the way out still work" {
	add_upstream
	mkctr web
	mkctr c2
	net_up -p 8080:80 web
	net_up c2
	serve web
	serve c2
	for brnf in $(brnf_modes); do
		set_brnf "$brnf"
		url=http://10.89.0.3/
		run -0 get in_ctr web
		[ "$output" = "page of c2" ]
		url=http://10.89.0.2/
		run -0 get in_ctr c2
		[ "$output" = "page of web" ]
		# the published port, from the host, a neighbour and the bridge
		url=http://127.0.0.1:8080/
		run -0 get in_host
		[ "$output" = "page of web" ]
		url=http://198.51.100.1:8080/
		run -0 get in_up
		[ "$output" = "page of web" ]
		run -0 get in_ctr c2
		[ "$output" = "page of web" ]
		url=http://10.89.0.1:8080/
		run -0 get in_ctr c2
		[ "$output" = "page of web" ]
		# a container's own connection out, and the neighbour kept out
		url=http://198.51.100.2/cgi-bin/ip
		run -0 get in_ctr c2
		[[ $output == "198.51.100.1" || $output == "[::ffff:198.51.100.1]" ]]
		url=http://10.89.0.2:80/
		ip -n "$UP" route replace 10.89.0.0/16 via 198.51.100.1
		get_nothing in_up
	done
	# No entry between two containers, in either direction.
	run -0 in_host cat /proc/net/nf_conntrack
	[[ $output != *"src=10.89.0.2 dst=10.89.0.3 "* && $output != *"src=10.89.0.3 dst=10.89.0.2 "* ]]
}

@test "rc-net-up replaces a bridge's rules an older rc left in its table" {
	in_host nft -f - <<-'EOF'
	table ip rc {
		chain forward {
			type filter hook forward priority filter; policy accept;
			iifname "rc0" accept comment "bridge rc0"
			oifname "rc0" accept comment "bridge rc0"
		}
	}
	EOF
	mkctr c1
	net_up c1
	run -0 in_host nft list table ip rc
	[[ $output != *'oifname "rc0" accept'* ]]
	[[ $output == *'ip daddr 127.0.0.0/8 iifname "rc0" drop'* ]]
	[ "$(grep -c 'comment "bridge rc0"' <<<"$output")" -eq 7 ]
	net_down c1
	run ! in_host nft list table ip rc
}

@test "a udp port is published" {
	mkctr dns
	net_up -p 5353:53/udp dns
	# shellcheck disable=SC2046
	nsenter $(ctr_ns dns) perl -MIO::Socket::INET -e \
		'$s = IO::Socket::INET->new(LocalPort => 53, Proto => "udp") or die; $s->recv($m, 100); print $m' \
		>"$BATS_TEST_TMPDIR/got" 2>/dev/null </dev/null 3>&- &
	track $!
	# send until it has arrived: the listener may not be bound yet
	for _ in $(seq 30); do
		in_host bash -c 'echo ping-over-udp >/dev/udp/127.0.0.1/5353'
		sleep 0.1
		[ -s "$BATS_TEST_TMPDIR/got" ] && break
	done
	grep -qx ping-over-udp "$BATS_TEST_TMPDIR/got"
	run -0 ruleset
	[[ $output == *"udp dport 5353 dnat to 10.89.0.2:53"* ]]
}

@test "rc-net-up before the container runs pins a namespace that rc-net-down unpins" {
	mkctr c1
	net_up c1
	run -0 stat -f -c %T "$RC_ROOT/containers/c1/netns"
	[ "$output" = nsfs ]
	grep -qx 'NETNS=created' "$RC_ROOT/containers/c1/net.env"
	# The process rc-unshare will start joins it and has its network at once.
	run -0 nsenter --net="$RC_ROOT/containers/c1/netns" busybox ping -c 1 -W 2 10.89.0.1
	net_down c1
	[ ! -e "$RC_ROOT/containers/c1/netns" ]
	! grep -q "$RC_ROOT/containers/c1/netns" /proc/self/mountinfo
}

@test "rc-net-up joins a namespace rc-unshare pinned, and rc-net-down leaves the pin" {
	mkctr c1
	ip netns add "$HOST-c1"
	touch "$RC_ROOT/containers/c1/netns"
	mount --bind "/run/netns/$HOST-c1" "$RC_ROOT/containers/c1/netns"
	run -0 net_up c1
	grep -qx 'NETNS=joined' "$RC_ROOT/containers/c1/net.env"
	run -0 ip -n "$HOST-c1" -4 -o addr show eth0
	[[ $output == *"inet 10.89.0.2/16"* ]]
	net_down c1
	run -0 stat -f -c %T "$RC_ROOT/containers/c1/netns"
	[ "$output" = nsfs ]
	run ! ip -n "$HOST-c1" link show eth0
	umount "$RC_ROOT/containers/c1/netns"
	ip netns del "$HOST-c1"
}

@test "rc-net-up after the container started wires its running namespace" {
	mkctr c1
	bg nsenter --net="/run/netns/$HOST" unshare --net sleep 1000
	echo $! >"$RC_ROOT/containers/c1/pid"
	# unshare has made the namespace once it has become sleep
	for _ in $(seq 50); do
		[ "$(cat /proc/$!/comm)" = sleep ] && break
		sleep 0.1
	done
	run -0 net_up c1
	[ "$output" = 10.89.0.2 ]
	[ ! -e "$RC_ROOT/containers/c1/netns" ]
	run -0 nsenter -t "$(cat "$RC_ROOT/containers/c1/pid")" --net ip -4 -o addr show eth0
	[[ $output == *"inet 10.89.0.2/16"* ]]
	run -0 in_ctr c1 busybox ping -c 1 -W 2 10.89.0.1
	net_down c1
	# The container keeps running, without its eth0.
	kill -0 "$(cat "$RC_ROOT/containers/c1/pid")"
	run ! nsenter -t "$(cat "$RC_ROOT/containers/c1/pid")" --net ip link show eth0
}

@test "rc-net-down after the container exited cleans up all the same" {
	before_rules=$(ruleset)
	before_links=$(host_links)
	mkctr c1
	bg nsenter --net="/run/netns/$HOST" unshare --net sleep 1000
	pid=$!
	echo $pid >"$RC_ROOT/containers/c1/pid"
	for _ in $(seq 50); do
		[ "$(cat /proc/$pid/comm)" = sleep ] && break
		sleep 0.1
	done
	net_up -p 8080:80 c1
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	run -0 net_down c1
	[ "$(ruleset)" = "$before_rules" ]
	[ "$(host_links)" = "$before_links" ]
	[ -z "$(leases)" ]
}

@test "20 parallel rc-net-up calls get 20 distinct addresses" {
	local i
	for i in $(seq 20); do mkctr "p$i"; done
	for i in $(seq 20); do
		net_up "p$i" >"$BATS_TEST_TMPDIR/ip-$i" 2>&1 3>&- &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/ip-* | sort >"$BATS_TEST_TMPDIR/all"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/all")" -eq 20 ]
	[ "$(sort -u "$BATS_TEST_TMPDIR/all" | grep -c '^10\.89\.0\.[0-9]*$')" -eq 20 ]
	[ "$(ls "$RC_ROOT/net/bridges/rc0/leases" | wc -l)" -eq 20 ]
	for i in $(seq 20); do
		grep -qx "IP=$(cat "$BATS_TEST_TMPDIR/ip-$i")" "$RC_ROOT/containers/p$i/net.env"
	done
}

@test "rc-net-down of everything leaves nothing of rc and table inet keepme as it was" {
	in_host nft add table inet keepme
	in_host nft add chain inet keepme input '{ type filter hook input priority 0; policy accept; }'
	in_host nft add rule inet keepme input tcp dport 9999 counter accept
	before_rules=$(ruleset)
	before_links=$(host_links)
	mkctr a
	mkctr b
	net_up -p 8080:80 a
	net_up -p 8081:80/udp b
	[ "$(ruleset)" != "$before_rules" ]
	net_down a
	# One container left: the bridge and its rules stay.
	run -0 ruleset
	[[ $output == *'comment "bridge rc0"'* ]]
	[[ $output != *'container a'* ]]
	net_down b
	[ "$(ruleset)" = "$before_rules" ]
	[ "$(host_links)" = "$before_links" ]
	[ -z "$(leases)" ]
	[ ! -e "$RC_ROOT/containers/a/net.env" ] && [ ! -e "$RC_ROOT/containers/b/net.env" ]
	[ ! -e "$RC_ROOT/containers/a/netns" ] && [ ! -e "$RC_ROOT/containers/a/resolv.conf" ]
}

@test "rc-net-down leaves a veth to go with the namespace it unpins, and its name is free at once" {
	mkctr c1
	mkctr keep
	net_up keep
	before=$(host_links)
	net_up -p 8080:80 c1
	# Something holds the namespace a while after rc-net-down unpins it, as
	# the kernel's cleanup, in the background, may.
	touch "$BATS_TEST_TMPDIR/hold"
	mount --bind "$RC_ROOT/containers/c1/netns" "$BATS_TEST_TMPDIR/hold"
	net_down c1
	run ! in_host ip link show rc-c1
	run -0 in_host ip -o link show
	[[ $output == *": rcx"* ]]
	# A new rc-net-up of the same name does not collide with it, and the
	# retired one is off the bridge.
	run -0 net_up -p 8080:80 c1
	run -0 in_host ip -o link show master rc0
	[ "${#lines[@]}" -eq 2 ] && [[ $output == *" rc-keep@"* && $output == *" rc-c1@"* ]]
	net_down c1
	umount "$BATS_TEST_TMPDIR/hold"
	# and it goes with its namespace
	[ "$(host_links)" = "$before" ]
}

@test "rc-net-down takes a running container's eth0 at once, in a namespace rc-net-up made" {
	mkctr c1
	mkctr keep
	net_up keep
	net_up c1
	bg nsenter --net="$RC_ROOT/containers/c1/netns" sleep 1000
	pid=$!
	for _ in $(seq 50); do
		[ "$(cat /proc/$pid/comm)" = sleep ] && break
		sleep 0.1
	done
	echo "$pid" >"$RC_ROOT/containers/c1/pid"
	net_down c1
	run ! nsenter -t "$pid" --net ip link show eth0
	run -0 in_host ip -o link show
	[[ $output != *"rc-c1"* && $output != *": rcx"* ]]
}

@test "rc-net-down twice, or of a container never networked, does nothing and succeeds" {
	mkctr c1
	mkctr never
	net_up c1
	run -0 net_down c1
	run -0 --separate-stderr net_down c1
	[[ $stderr == *"nothing to do"* ]]
	run -0 --separate-stderr net_down never
	[[ $stderr == *"nothing to do"* ]]
	[ -z "$output" ]
}

@test "rc-net-down --keep-bridge keeps the bridge and rc's table" {
	mkctr c1
	net_up c1
	net_down --keep-bridge c1
	run -0 in_host ip link show rc0
	run -0 in_host nft list table ip rc
	# and a later rc-net-up uses them as they are
	mkctr c2
	[ "$(net_up c2)" = 10.89.0.2 ]
	net_down c2
	run ! in_host ip link show rc0
	run ! in_host nft list table ip rc
}

@test "rc-net-down leaves a bridge rc did not make, and the veth takes its MTU" {
	in_host ip link add rc0 type bridge
	in_host ip link set rc0 mtu 1400
	mkctr c1
	net_up c1
	run -0 in_ctr c1 cat /sys/class/net/eth0/mtu
	run -0 in_ctr c1 ip -o link show eth0
	[[ $output == *"mtu 1400"* ]]
	net_down c1
	run -0 in_host ip link show rc0
	run ! in_host ip link show rc-c1
}

@test "rc-net-down gives a bridge rc did not make its route_localnet back" {
	in_host ip link add rc0 type bridge
	mkctr c1
	mkctr c2
	net_up c1
	net_up c2
	[ "$(in_host cat /proc/sys/net/ipv4/conf/rc0/route_localnet)" = 1 ]
	net_down c1
	[ "$(in_host cat /proc/sys/net/ipv4/conf/rc0/route_localnet)" = 1 ]
	# The last one gone, nothing of rc's guards it any more.
	net_down c2
	[ "$(in_host cat /proc/sys/net/ipv4/conf/rc0/route_localnet)" = 0 ]
	# One that had it on already keeps it on.
	in_host sysctl -qw net.ipv4.conf.rc0.route_localnet=1
	net_up c1
	net_down c1
	[ "$(in_host cat /proc/sys/net/ipv4/conf/rc0/route_localnet)" = 1 ]
}

@test "the container's resolv.conf, hosts and hostname are written for rc-unshare" {
	mkctr c1
	net_up c1
	[ "$(cat "$RC_ROOT/containers/c1/hostname")" = c1 ]
	grep -q '^127.0.0.1[[:space:]]*localhost' "$RC_ROOT/containers/c1/hosts"
	grep -q '^10.89.0.2[[:space:]]*c1[[:space:]]*# rc-net-up$' "$RC_ROOT/containers/c1/hosts"
	grep -q '^nameserver ' "$RC_ROOT/containers/c1/resolv.conf"
	run grep -E '^nameserver 127\.' "$RC_ROOT/containers/c1/resolv.conf"
	[ "$status" -eq 1 ]
}

# ---- names between containers (hosts.h) ----

# Container NAME as rc-unpack makes it (the Alpine fixture, busybox), from a
# bundle made once per file, serving "page of NAME" on port 80; networked
# with rc-net-up ARGS... on bridge and started detached, in the host
# namespace.
runctr() {
	local name=$1 tpl=$BATS_FILE_TMPDIR/template
	shift
	[ -d "$tpl" ] || "$HELPERS/mkbundle" "$tpl" busybox httpd -f -p 80 -h /var/www >/dev/null
	cp -a "$tpl" "$RC_ROOT/containers/$name"
	echo "page of $name" >"$RC_ROOT/containers/$name/rootfs/var/www/index.html"
	net_up "$@" "$name" >/dev/null
	in_host rc-unshare -d "$name" >/dev/null
}

# From container FROM, GET http://HOST/ by name with the image's own wget
# (Alpine's busybox, musl's resolver), until it answers (the server may be
# starting); prints the page.
get_by_name() {
	local from=$1 host=$2
	for _ in $(seq 50); do
		rc-exec "$from" /bin/busybox wget -q -T 2 -O - "http://$host/" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Can container FROM resolve HOST at all?
resolves() { rc-exec "$1" getent hosts "$2" >/dev/null; }

@test "containers on a bridge reach each other by name, newcomers and leavers seen without a restart" {
	runctr web
	runctr api
	run -0 get_by_name api web
	[ "$output" = "page of web" ]
	run -0 get_by_name web api
	[ "$output" = "page of api" ]
	# a third, started after them, is seen by the first at once
	runctr db
	run -0 get_by_name web db
	[ "$output" = "page of db" ]
	run -0 get_by_name db web
	[ "$output" = "page of web" ]
	# and one whose network rc-net-down takes away disappears, from the
	# bridge's list too
	in_host rc-net-down api
	run ! resolves web api
	run ! resolves db api
	run ! grep -q api "$RC_ROOT/net/bridges/rc0/hosts"
	run -0 get_by_name db web
	in_host rc-rm -f api >/dev/null
	# as does one rc-rm takes away
	in_host rc-rm -f db >/dev/null
	run ! resolves web db
	# what a user wrote in the container's /etc/hosts stays, through changes
	rc-exec web sh -c 'echo "192.0.2.7 mine" >>/etc/hosts'
	runctr late
	run -0 get_by_name web late
	[ "$output" = "page of late" ]
	run -0 rc-exec web getent hosts mine
	[[ $output == "192.0.2.7"* ]]
}

@test "a container forging rc's lines in its own /etc/hosts gives no name to any other container" {
	runctr web
	runctr evil
	# root in evil writes lines that look like rc's own, for a name that
	# exists, one that will, and a name of its choosing, then plants a link
	rc-exec evil sh -c 'printf "203.0.113.6\tweb # rc-net-up\n203.0.113.6\tdb # rc-net-up\n203.0.113.6\tbank # rc-net-up\n" >>/etc/hosts'
	runctr db
	# the others' names are what rc leased, from the bridge's list only
	web_ip=$(. "$RC_ROOT/containers/web/net.env" && echo "$IP")
	db_ip=$(. "$RC_ROOT/containers/db/net.env" && echo "$IP")
	run -0 rc-exec db getent hosts web
	[[ $output == "$web_ip "* ]]
	run -0 rc-exec web getent hosts db
	[[ $output == "$db_ip "* ]]
	run ! resolves web bank
	run ! resolves db bank
	run ! grep -q 203.0.113.6 "$RC_ROOT/net/bridges/rc0/hosts" "$RC_ROOT/containers/web/hosts" "$RC_ROOT/containers/db/hosts"
	run -0 get_by_name db web
	[ "$output" = "page of web" ]
}

@test "a name taken down comes back at once with a new rc-net-up of it, reached by name again" {
	runctr web
	runctr api
	run -0 get_by_name web api
	[ "$output" = "page of api" ]
	# Down and at once up again, while the old namespace may still be going.
	in_host rc-rm -f api >/dev/null
	run ! resolves web api
	runctr api
	run -0 get_by_name web api
	[ "$output" = "page of api" ]
	run -0 get_by_name api web
	[ "$output" = "page of web" ]
	[ "$(grep -c 'api$' "$RC_ROOT/net/bridges/rc0/hosts")" -eq 1 ]
}

@test "containers on another bridge do not see the names" {
	runctr web
	runctr other --bridge rcb1 --subnet 172.29.0.0/16
	runctr peer --bridge rcb1
	run -0 get_by_name other peer
	[ "$output" = "page of peer" ]
	run ! resolves other web
	run ! resolves web other
	run ! resolves web peer
	run ! grep -q web "$RC_ROOT/net/bridges/rcb1/hosts"
}

@test "a bridge's names are per state root: another root's containers on it neither see nor disturb them" {
	mkctr a
	mkctr b
	net_up a
	other=$BATS_TEST_TMPDIR/other-root
	mkdir -p "$other/containers/x"
	in_host env RC_ROOT="$other" rc-net-up --ip 10.89.0.200 x
	net_up b
	in_host env RC_ROOT="$other" rc-net-down x
	grep -q '^10.89.0.3[[:space:]]*b[[:space:]]*# rc-net-up$' "$RC_ROOT/containers/a/hosts"
	run ! grep -q x "$RC_ROOT/containers/a/hosts"
	[ "$(cat "$RC_ROOT/net/bridges/rc0/hosts")" = "$(printf '10.89.0.2\ta\n10.89.0.3\tb')" ]
}

@test "a hosts file changes in place, a line at a time, and keeps every line it did not write" {
	mkctr a
	mkctr b
	net_up a
	hosts=$RC_ROOT/containers/a/hosts
	ino=$(stat -c %i "$hosts")
	printf '192.0.2.9 mine' >>"$hosts"      # no newline at the end
	net_up b
	net_down b
	net_up b
	[ "$(stat -c %i "$hosts")" = "$ino" ]
	grep -qx '192.0.2.9 mine' "$hosts"
	grep -q '^10.89.0.3[[:space:]]*b[[:space:]]*# rc-net-up$' "$hosts"
	# every line rc wrote is one slot: the same length, a name or a comment
	run -0 awk '/# rc-net-up$/ && length($0) != 95 { print "bad: " $0 }' "$hosts"
	[ -z "$output" ]
}

@test "--ip gives the address asked for, and refuses one already leased" {
	mkctr c1
	mkctr c2
	run -0 net_up --ip 10.89.3.4 c1
	[ "$output" = 10.89.3.4 ]
	run -1 net_up --ip 10.89.3.4 c2
	[[ $output == *"already leased"* ]]
	run -1 net_up --ip 10.90.0.5 c2
	[[ $output == *"not a free host address"* ]]
	run -1 net_up --ip 10.89.0.1 c2
	[ ! -e "$RC_ROOT/containers/c2/net.env" ]
	run -0 net_up c2
	[ "$output" = 10.89.0.2 ]
}

@test "--subnet and --bridge choose the network" {
	mkctr c1
	mkctr c2
	run -0 net_up --bridge rcb1 --subnet 172.29.0.0/16 c1
	[ "$output" = 172.29.0.2 ]
	run -0 in_host ip -4 -o addr show rcb1
	[[ $output == *"inet 172.29.0.1/16"* ]]
	# the bridge keeps its subnet; asking for another is refused
	run -1 net_up --bridge rcb1 --subnet 172.30.0.0/16 c2
	[[ $output == *"has subnet 172.29.0.0/16"* ]]
	run -0 net_up --bridge rcb1 c2
	[ "$output" = 172.29.0.3 ]
	net_down c1
	net_down c2
	run ! in_host ip link show rcb1
}

@test "an unknown container is refused" {
	run -1 net_up nosuch
	[[ $output == *"no such container: nosuch"* ]]
	run -1 net_down nosuch
	[[ $output == *"no such container: nosuch"* ]]
	run -2 net_up 'bad/name'
	run -2 net_down '-'
}

@test "a malformed subnet is a usage error" {
	mkctr c1
	for bad in 10.89.0.0 10.89.0.0/33 10.89.0.0/7 10.89.1.0/16 300.1.0.0/16 10.89.0.0/ x/16 10.89.0.0/16x; do
		run -2 net_up --subnet "$bad" c1
		[[ $output == *"subnet $bad"* ]]
	done
	[ ! -e "$RC_ROOT/containers/c1/net.env" ]
}

@test "a subnet overlapping a route of the host is refused" {
	add_upstream
	mkctr c1
	before=$(host_links)
	run -1 net_up --subnet 198.51.0.0/16 c1
	[[ $output == *"overlaps the host's route to 198.51.100.0/24"* ]]
	[ "$(host_links)" = "$before" ]
	[ -z "$(leases)" ]
	run ! in_host nft list table ip rc
}

@test "a host port published twice is refused and the second container gets nothing" {
	mkctr c1
	mkctr c2
	net_up -p 8080:80 c1
	before_rules=$(ruleset)
	before_links=$(host_links)
	run -1 net_up -p 8080:81 c2
	[[ $output == *"host port 8080:81/tcp is already published by container c1"* ]]
	run -1 net_up -p 127.0.0.1:8080:81 c2
	run -1 net_up -p 9090:80 -p 9090:81 c2
	[[ $output == *"published twice"* ]]
	[ "$(ruleset)" = "$before_rules" ]
	[ "$(host_links)" = "$before_links" ]
	[ ! -e "$RC_ROOT/containers/c2/net.env" ] && [ ! -e "$RC_ROOT/containers/c2/netns" ]
	# the same port over udp, or on another port, is fine
	run -0 net_up -p 8080:80/udp -p 8081:80 c2
}

@test "a malformed port is a usage error" {
	mkctr c1
	for bad in 8080 :80 8080: 0:80 8080:70000 8080:80/sctp 1.2.3:8080:80 a:b x8080:80; do
		run -2 net_up -p "$bad" c1
		[[ $output == *"port $bad"* ]]
	done
	run -2 net_up --ip 10.89.0.300 c1
	run -2 net_up --bridge this-name-is-too-long c1
}

@test "a failure half-way leaves nothing behind" {
	in_host nft add table inet keepme
	mkctr first
	mkctr c1
	for with_first in no yes; do
		[ "$with_first" = yes ] && net_up -p 80:80 first
		before_rules=$(ruleset)
		before_links=$(host_links)
		before_leases=$(leases)
		for step in bridge veth nft files; do
			RC_NET_UP_FAIL=$step run -1 net_up -p 8080:80 c1
			[[ $output == *"failing after step $step"* ]]
			[ "$(ruleset)" = "$before_rules" ]
			[ "$(host_links)" = "$before_links" ]
			[ "$(leases)" = "$before_leases" ]
			[ -z "$(ls "$RC_ROOT/containers/c1")" ]
			! grep -q "containers/c1/netns" /proc/self/mountinfo
		done
	done
	# and the container can be networked afterwards
	run -0 net_up -p 8080:80 c1
}

@test "a failure half-way on a bridge rc did not make leaves the bridge as it was" {
	in_host ip link add rc0 type bridge
	mkctr c1
	before_rules=$(ruleset)
	before_links=$(host_links)
	for step in bridge veth nft files; do
		RC_NET_UP_FAIL=$step run -1 net_up -p 8080:80 c1
		[ "$(ruleset)" = "$before_rules" ]
		[ "$(host_links)" = "$before_links" ]
		[ -z "$(leases)" ]
		[ -z "$(ls "$RC_ROOT/containers/c1")" ]
		[ "$(in_host cat /proc/sys/net/ipv4/conf/rc0/route_localnet)" = 0 ]
	done
	run -0 in_host ip link show rc0
}

@test "a container already networked is refused" {
	mkctr c1
	net_up c1
	run -1 net_up c1
	[[ $output == *"already has a network"* ]]
	[ "$(ls "$RC_ROOT/net/bridges/rc0/leases")" = 10.89.0.2 ]
}

@test "--help, --version and bad options" {
	run -0 rc-net-up --help
	[[ $output == *"Usage: rc-net-up"* ]]
	run -0 rc-net-down --help
	[[ $output == *"--keep-bridge"* ]]
	run -0 rc-net-up --version
	[ "$output" = "rc-net-up 0.1.0" ]
	run -0 rc-net-down --version
	[ "$output" = "rc-net-down 0.1.0" ]
	run -2 rc-net-up --bogus c1
	run -2 rc-net-up
	run -2 rc-net-down a b
}
