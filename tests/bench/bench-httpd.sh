#!/usr/bin/env bash
# bench-httpd: the httpd suite. For each runtime in RUNTIMES, one after the
# other in this one run, start N busybox httpd containers from the same image
# (the `httpd` test image: the Alpine fixture plus Debian's static busybox),
# each with a published port on 127.0.0.1, drive all of them at once with wrk
# from the host for DURATION, and sample every INTERVAL seconds:
#   - PSS and RSS (/proc/PID/smaps_rollup) of the runtime's own processes:
#       rc      the monitor of each container (the parent of containers/NAME/pid)
#       podman  conmon per container, and any podman / aardvark-dns process
#       docker  dockerd and everything under it (containerd, docker-proxy per
#               published port), and containerd-shim-runc-v2 per container
#     found generically as: the runtime's daemon tree, plus the parent of each
#     container's init, minus the httpd processes themselves
#   - PSS and RSS of the httpd processes (each container's init and children)
#   - the memory charged to the containers' cgroups: anon + file pages from
#     each container's memory.stat (cgroup v1 total_rss + total_cache, or
#     rss + cache; cgroup v2 anon + file), summed. Each container's cgroup is
#     found from its init's /proc/PID/cgroup (the v1 memory controller's line,
#     else the v2 one), which works for all three runtimes (rc: rc/NAME@HASH,
#     podman: libpod-ID, docker: docker/ID)
#   - TCP connections accepted per second inside the containers' network
#     namespaces (busybox httpd serves one request per connection, so this is
#     the request rate as the servers see it); the summary gives the median and
#     the lowest INTERVAL-second rate, so a collapse is seen, not averaged away
#   - the host's connection-tracking table: entries and its maximum
#     (nf_conntrack_count, nf_conntrack_max) and the packets the kernel dropped
#     for it (drop + early_drop + insert_failed of /proc/net/stat/nf_conntrack):
#     a full table drops new connections to every service on the machine
#   The N wrk processes run in one CPU cgroup of their own (see wrk_cg).
#   - another service on the host: a busybox httpd on 127.0.0.1 outside any
#     container, asked once per sample (2 s timeout): does the machine still
#     answer beside the suite
# The fixed overhead is what the runtime holds with 0 containers (docker:
# dockerd + containerd idle with the image loaded; rc and podman have no
# daemon). The runtime's overhead per container is (median runtime PSS under
# load - fixed)/N. What the machine pays per container is
# (runtime PSS, fixed part included + the containers' cgroup charge)/N.
# Also measured: the time to create and start the N containers (the image
# already in the runtime's store) and until all answer, and the disk each
# container uses beside the shared image layers (rc: containers/NAME, its
# upper and work directories included, without the rootfs mount; podman: the
# container's overlay layer and its overlay-containers directories; docker:
# its overlay2 layer, the -init layer and containers/ID).
# Requests/s and failed requests (non-2xx + socket errors) come from wrk.
#
# Outputs in $BUILD/bench/httpd: samples.csv, wrk.csv, summary.txt, httpd.png
# (gnuplot), and the logs of the run.
#
#   N (20)  DURATION (60s; wrk syntax: 60s, 10m, 2h)  RUNTIMES ("rc podman docker")
#   INTERVAL (5, seconds between samples)  WRK_CONNS (2, connections per container)
#   PORT_BASE (20000: rc uses PORT_BASE+1.., podman +1000, docker +2000, the
#     host's own service +3000)
#   SETTLE (150): at most this many seconds to wait, before each runtime's
#     load, for the conntrack entries of the one before to expire (TIME_WAIT
#     is 120 s by default), so one runtime's traffic does not weigh on the next
#   RC_BRIDGE (rcb0), RC_SUBNET (10.86.0.0/16): rc's bridge for the suite. Not
#     the default rc0: rc-net-down run from another RC_ROOT on this host drops
#     the rules of a bridge it thinks it is the last user of (its leases are
#     per RC_ROOT), which cut the suite's published ports once; an own bridge
#     keeps the measurement apart from whatever else runs rc here.
#   DOCKER_BRIDGE (rcbd0), DOCKER_ADDR (10.87.0.1/16): the same for docker,
#     made here and given to dockerd (--bridge): another dockerd on this host
#     that removed docker0 on its way out cut the suite's containers once.
#
# Everything it starts is stopped and removed on exit and on Ctrl-C: the
# containers, dockerd (started here with its own data root, exec root, socket
# and pidfile, so a docker already on the machine is not touched), podman's
# state (its own --root/--runroot), rc's links and nftables table (through
# rc-net-down), docker's bridge and iptables chains when they were not there
# before. The machine's nftables ruleset is never flushed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$src/build}
export PATH="$BUILD/bin:$PATH"

N=${N:-20}
DURATION=${DURATION:-60s}
RUNTIMES=${RUNTIMES:-rc podman docker}
INTERVAL=${INTERVAL:-5}
WRK_CONNS=${WRK_CONNS:-2}
PORT_BASE=${PORT_BASE:-20000}
SETTLE=${SETTLE:-150}
RC_BRIDGE=${RC_BRIDGE:-rcb0}
RC_SUBNET=${RC_SUBNET:-10.86.0.0/16}
DOCKER_BRIDGE=${DOCKER_BRIDGE:-rcbd0}
DOCKER_ADDR=${DOCKER_ADDR:-10.87.0.1/16}
OUT=${OUT:-$BUILD/bench/httpd}
DOCKER=/usr/bin/docker   # Debian's client; /usr/local/bin/docker has no daemon
HTTPD_CMD=(/usr/local/bin/busybox httpd -f -p 80 -h /var/www)

# The peers and the plot are not needed by `make check`: installed here only.
RC_EXTRA_PKGS="podman docker.io gnuplot-nox wrk" "$src/tests/helpers/install-deps"

case $DURATION in
*h) secs=$((${DURATION%h} * 3600)) ;;
*m) secs=$((${DURATION%m} * 60)) ;;
*s) secs=${DURATION%s} ;;
*) secs=$DURATION DURATION=${DURATION}s ;;
esac
[[ $N =~ ^[0-9]+$ && $N -ge 1 && $secs =~ ^[0-9]+$ && $secs -ge 1 ]] ||
	{ echo "bench-httpd: N and DURATION must be positive (N=$N DURATION=$DURATION)" >&2; exit 2; }
for rt in $RUNTIMES; do
	case $rt in rc | podman | docker) ;; *) echo "bench-httpd: unknown runtime $rt" >&2; exit 2 ;; esac
done
for tool in wrk gnuplot skopeo curl jq nft ip perl; do
	command -v "$tool" >/dev/null || { echo "bench-httpd: $tool is missing" >&2; exit 1; }
done

make -s -C "$src" BUILD="$BUILD" all >/dev/null
"$src/tests/helpers/build-images" "$BUILD/test-images"
layout=$BUILD/test-images/oci

mkdir -p "$OUT"
work=$(mktemp -d /tmp/rcb.XXXXXX)   # short: docker's sockets live under it
tag=rcb$$                           # container names: cgroups are named after them
log() { printf '%s bench-httpd: %s\n' "$(date +%T)" "$*" >&2; }
HOST_PORT=$((PORT_BASE + 3000))
host_pid=""

# ---- what the machine looked like before, to leave it that way ----
had_br_netfilter=0
[ -d /sys/module/br_netfilter ] && had_br_netfilter=1
nft list tables >"$work/tables.before" 2>/dev/null || true
iptables-save >"$work/iptables.before" 2>/dev/null || true
fwd_policy=$(iptables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3 }')
ip -br link | awk '{ print $1 }' | sed 's/@.*//' | sort >"$work/links.before"

# ---- sampling ----

# cg_memstat PID: the memory.stat of PID's memory cgroup (the v1 memory
# controller's hierarchy, else the v2 tree), or nothing when PID is in a root
# cgroup (which would be the whole machine's memory, not the container's).
cg_memstat() {
	perl -e '
	my $pid = shift;
	my ($v1, $v2);
	open(my $m, "<", "/proc/self/mountinfo") or die "mountinfo: $!";
	while (<$m>) {
		my @f = split;
		my $i = 6;
		$i++ while $i < $#f && $f[$i] ne "-";
		my ($type, $opts) = @f[$i + 1, $i + 3];
		if ($type eq "cgroup" && grep { $_ eq "memory" } split /,/, $opts) { $v1 = [@f[3, 4]]; }
		elsif ($type eq "cgroup2") { $v2 = [@f[3, 4]]; }
	}
	open(my $c, "<", "/proc/$pid/cgroup") or exit 0;
	my ($p1, $p2);
	while (<$c>) {
		chomp;
		my ($id, $ctl, $path) = split /:/, $_, 3;
		$p1 = $path if grep { $_ eq "memory" } split /,/, $ctl;
		$p2 = $path if $id eq "0" && $ctl eq "";
	}
	for ([$p1, $v1], [$p2, $v2]) {
		my ($path, $mnt) = @$_;
		next unless defined $path && $mnt && $path ne "/";
		$path =~ s/^\Q$mnt->[0]\E// if $mnt->[0] ne "/";
		my $f = "$mnt->[1]$path/memory.stat";
		if (-r $f) { print "$f\n"; exit 0; }
	}' "$1"
}

# snapshot DAEMONS INITS NAMES PROCS_FILE CGSTATS: one line
#   RT_PSS RT_RSS RT_N HTTPD_PSS HTTPD_RSS HTTPD_N ACCEPTED CG_ANON CG_FILE CG_N
# in one process (forks are dear on a loaded machine). The runtime is
# DAEMONS and everything under them, the parent of each container init, and
# processes whose name is one of NAMES; httpd is each init and everything
# under it, and never counts as runtime. Memory is PSS and RSS in KiB from
# /proc/PID/smaps_rollup; ACCEPTED is TCP PassiveOpens summed over the inits'
# network namespaces. PROCS_FILE gets the runtime's memory per process name.
# CG_ANON and CG_FILE (KiB) sum the anon and file pages charged to the
# containers' cgroups, whose memory.stat files CGSTATS names (CG_N of them
# could be read).
snapshot() {
	perl -e '
	my ($daemons, $inits, $names, $out, $cgstats) = @ARGV;
	my (%ppid, %comm, %kids);
	opendir(my $d, "/proc") or die "/proc: $!";
	for my $p (grep { /^\d+$/ } readdir $d) {
		open(my $f, "<", "/proc/$p/stat") or next;
		my $s = <$f>;
		next unless $s && $s =~ /^\d+ \((.*)\) \S+ (\d+)/s;
		($comm{$p}, $ppid{$p}) = ($1, $2);
		push @{ $kids{$2} }, $p;
	}
	sub mark { my ($p, $set) = @_; $set->{$p} = 1; mark($_, $set) for @{ $kids{$p} || [] }; }
	my (%httpd, %rt, %want);
	for my $i (split " ", $inits) {
		next unless exists $ppid{$i};
		mark($i, \%httpd);
		$rt{ $ppid{$i} } = 1 if $ppid{$i} > 1;
	}
	for my $i (split " ", $daemons) { mark($i, \%rt) if exists $ppid{$i}; }
	$want{$_} = 1 for split " ", $names;
	for my $p (keys %comm) { $rt{$p} = 1 if $want{ $comm{$p} }; }
	delete $rt{$_} for keys %httpd;
	sub mem {   # PSS RSS of one process, or () when it is gone
		open(my $f, "<", "/proc/$_[0]/smaps_rollup") or return ();
		my ($pss, $rss) = (0, 0);
		while (<$f>) { $rss = $1 if /^Rss:\s+(\d+)/; $pss = $1 if /^Pss:\s+(\d+)/; }
		return $rss ? ($pss, $rss) : ();
	}
	my @r = (0, 0, 0); my @h = (0, 0, 0); my %by;
	for my $p (keys %rt) {
		my @m = mem($p) or next;
		$r[0] += $m[0]; $r[1] += $m[1]; $r[2]++;
		my $b = $by{ $comm{$p} } ||= [0, 0, 0];
		$b->[0]++; $b->[1] += $m[0]; $b->[2] += $m[1];
	}
	for my $p (keys %httpd) {
		my @m = mem($p) or next;
		$h[0] += $m[0]; $h[1] += $m[1]; $h[2]++;
	}
	my $acc = 0;
	for my $i (split " ", $inits) {
		open(my $f, "<", "/proc/$i/net/snmp") or next;
		my @hdr;
		while (<$f>) {
			next unless /^Tcp:/;
			my @v = split;
			if (!@hdr) { @hdr = @v; next; }
			for my $k (0 .. $#hdr) { $acc += $v[$k] if $hdr[$k] eq "PassiveOpens"; }
			last;
		}
	}
	if ($out ne "") {
		open(my $f, ">", $out) or die "$out: $!";
		printf $f "%-24s %5s %10s %10s\n", "process", "count", "PSS KiB", "RSS KiB";
		printf $f "%-24s %5d %10d %10d\n", $_, @{ $by{$_} } for sort keys %by;
	}
	my @cg = (0, 0, 0);
	for my $file (split " ", $cgstats) {
		open(my $f, "<", $file) or next;
		my %v;
		while (<$f>) { $v{$1} = $2 if /^(\S+) (\d+)/; }
		my ($a, $c) = exists $v{total_rss} ? @v{qw(total_rss total_cache)}
			: exists $v{rss} ? @v{qw(rss cache)} : @v{qw(anon file)};
		next unless defined $a && defined $c;
		$cg[0] += $a / 1024; $cg[1] += $c / 1024; $cg[2]++;
	}
	printf "%s %d %d %d\n", join(" ", @r, @h, $acc), @cg;
	' "$@"
}

# sample RUNTIME PHASE T: one CSV row; sets S_RT_PSS S_RT_RSS S_H_PSS
# S_CG (the containers' cgroup charge) and S_TOTAL (what the machine pays per
# container: runtime PSS, fixed part included, plus S_CG, over N) and
# S_TOTAL_PSS (the same with the containers' PSS for S_CG), in KiB
sample() {
	local rt=$1 phase=$2 t=$3 procs="" acc now rate="" cg_anon cg_file cg_n
	# which processes the runtime's memory is made of (the last sample's)
	[ "$phase" = idle ] || procs=$OUT/procs-$rt-$phase.txt
	now=$EPOCHREALTIME
	read -r S_RT_PSS S_RT_RSS S_RT_N S_H_PSS S_H_RSS S_H_N acc cg_anon cg_file cg_n \
		< <(snapshot "$DAEMONS" "$INITS" "$NAMES" "$procs" "$CGSTATS")
	read -r S_CT S_CT_MAX S_CT_DROPS < <(ct_read)
	read -r S_HOST_OK S_HOST_MS < <(host_probe)
	S_CG=$((cg_anon + cg_file))
	S_TOTAL=$(((S_RT_PSS + S_CG) / N))
	S_TOTAL_PSS=$(((S_RT_PSS + S_H_PSS) / N))
	if [ -n "${LAST_ACC:-}" ]; then
		rate=$(awk -v a="$acc" -v b="$LAST_ACC" -v t1="$now" -v t0="$LAST_T" \
			'BEGIN { printf "%.0f", (a - b) / (t1 - t0) }')
	fi
	LAST_ACC=$acc LAST_T=$now S_RATE=$rate
	echo "$rt,$N,$phase,$t,$S_RT_PSS,$S_RT_RSS,$S_RT_N,$S_H_PSS,$S_H_RSS,$S_H_N,$rate,$cg_anon,$cg_file,$cg_n,$S_TOTAL,$S_TOTAL_PSS,$S_CT,$S_CT_MAX,$S_CT_DROPS,$S_HOST_OK,$S_HOST_MS" >>"$OUT/samples.csv"
}

# ct_read: "COUNT MAX DROPS" of the host's conntrack table (DROPS summed over
# the CPUs since boot), or "- - -" when conntrack is not loaded
ct_read() {
	perl -e '
	sub one { open(my $f, "<", $_[0]) or return "-"; my $v = <$f>; chomp $v; return $v; }
	my ($c, $m) = (one("/proc/sys/net/netfilter/nf_conntrack_count"), one("/proc/sys/net/netfilter/nf_conntrack_max"));
	my $d = "-";
	if (open(my $f, "<", "/proc/net/stat/nf_conntrack")) {
		my @h = split " ", scalar <$f>;
		$d = 0;
		while (<$f>) {
			my @v = split;
			for my $k (0 .. $#h) { $d += hex($v[$k]) if $h[$k] =~ /^(drop|early_drop|insert_failed)$/; }
		}
	}
	print "$c $m $d\n";'
}

# host_probe: "OK MS" for one request to the host's own service (OK 1 or 0)
host_probe() {
	local t0=$EPOCHREALTIME ok=1
	curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$HOST_PORT/" || ok=0
	echo "$ok $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

wait_port() {
	local i
	for i in $(seq 200); do
		curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	echo "bench-httpd: nothing answers on 127.0.0.1:$1" >&2
	return 1
}

# since T0: seconds since $EPOCHREALTIME was T0
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }

# Each runtime has RT_image (the image into its store: not timed), RT_up
# (create and start N containers: sets T_CREATE, INITS, DAEMONS, NAMES),
# RT_disk (KiB on disk of all its containers, the shared image layers left
# out) and RT_down.

# ---- rc ----
rc_root=$work/rc
rc_names=()
rc_image() {
	export RC_ROOT=$rc_root
	mkdir -p "$RC_ROOT"
	skopeo copy -q "oci:$layout:httpd" "oci:$RC_ROOT/images:docker.io/rc-bench/httpd:latest"
}
rc_up() {
	local i name t0=$EPOCHREALTIME
	for i in $(seq "$N"); do
		name=$tag-$i
		rc-unpack rc-bench/httpd "$name" >/dev/null
		rc_names+=("$name")
		rc-net-up --bridge "$RC_BRIDGE" --subnet "$RC_SUBNET" \
			-p "127.0.0.1:$((PORT_BASE + i)):80" "$name" >/dev/null
		rc-unshare -d "$name" -- "${HTTPD_CMD[@]}" >/dev/null
	done
	T_CREATE=$(since "$t0")
	INITS=$(for n in "${rc_names[@]}"; do cat "$RC_ROOT/containers/$n/pid"; done | tr '\n' ' ')
	DAEMONS="" NAMES=""
}
# containers/NAME: config, state, upper and work; -x leaves out the rootfs
# overlay mounted in it (a container made with --copy holds its copy there on
# the same file system, and it is counted)
rc_disk() {
	local n
	for n in "${rc_names[@]}"; do echo "$rc_root/containers/$n"; done |
		xargs du -skxc | awk 'END { print $1 }'
}
rc_down() {
	local n p
	[ ${#rc_names[@]} -gt 0 ] || return 0
	for n in "${rc_names[@]}"; do
		p=$(cat "$rc_root/containers/$n/pid" 2>/dev/null) || continue
		# busybox httpd is pid 1 of its namespace: SIGTERM is ignored there
		kill -KILL "$p" 2>/dev/null || true
	done
	for n in "${rc_names[@]}"; do
		p=$(cat "$rc_root/containers/$n/pid" 2>/dev/null) || true
		while [ -n "$p" ] && [ -d "/proc/$p" ]; do sleep 0.05; done
		RC_ROOT=$rc_root rc-net-down "$n" || true
	done
	rc_names=()
}

# ---- podman ----
pod_dir=$work/podman
PODMAN=(podman --root "$pod_dir/root" --runroot "$pod_dir/run" --cgroup-manager=cgroupfs
	--events-backend=file --tmpdir "$pod_dir/tmp")
pod_used=0
podman_image() {
	pod_used=1
	mkdir -p "$pod_dir/tmp"
	skopeo copy -q "oci:$layout:httpd" \
		"containers-storage:[overlay@$pod_dir/root+$pod_dir/run]localhost/rc-bench/httpd:latest"
}
podman_up() {
	local i t0=$EPOCHREALTIME
	for i in $(seq "$N"); do
		"${PODMAN[@]}" run -d --name "$tag-$i" --network=bridge --log-driver=k8s-file \
			--ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
			-p "127.0.0.1:$((PORT_BASE + 1000 + i)):80" \
			localhost/rc-bench/httpd:latest "${HTTPD_CMD[@]}" >/dev/null
	done
	T_CREATE=$(since "$t0")
	INITS=$("${PODMAN[@]}" ps -q | xargs "${PODMAN[@]}" inspect -f '{{.State.Pid}}' | tr '\n' ' ')
	DAEMONS="" NAMES="podman aardvark-dns"
}
# the container's overlay layer (upper, work) and its directories in the root
# and the run root (config, logs, conmon's pid files)
podman_disk() {
	"${PODMAN[@]}" ps -aq --no-trunc |
		xargs "${PODMAN[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}} {{.ID}}' |
		while read -r upper id; do
			echo "${upper%/diff}"
			echo "$pod_dir/root/overlay-containers/$id"
			echo "$pod_dir/run/overlay-containers/$id"
		done | xargs du -skxc 2>/dev/null | awk 'END { print $1 }'
}
podman_down() {
	[ $pod_used = 1 ] || return 0
	"${PODMAN[@]}" rm -f -t 0 -a >/dev/null 2>&1 || true
	# podman's CNI bridge and portmap chains stay after the last container
	undo_chains 'CNI-' 'cni-podman0'
	pod_used=0
}

# ---- docker ----
dk_dir=$work/docker
DK=("$DOCKER" -H "unix://$dk_dir/docker.sock")
dk_pid=""
docker_start() {
	mkdir -p "$dk_dir"
	# dockerd uses a bridge other than docker0 only when it exists
	if ! ip link show "$DOCKER_BRIDGE" >/dev/null 2>&1; then
		ip link add "$DOCKER_BRIDGE" type bridge
		ip addr add "$DOCKER_ADDR" dev "$DOCKER_BRIDGE"
		ip link set "$DOCKER_BRIDGE" up
	fi
	dockerd --storage-driver=overlay2 --data-root "$dk_dir/data" --exec-root "$dk_dir/exec" \
		--pidfile "$dk_dir/dockerd.pid" -H "unix://$dk_dir/docker.sock" --bridge "$DOCKER_BRIDGE" \
		>"$OUT/dockerd.log" 2>&1 &
	dk_pid=$!
	local i
	for i in $(seq 300); do
		"${DK[@]}" version >/dev/null 2>&1 && break
		kill -0 "$dk_pid" 2>/dev/null || { echo "bench-httpd: dockerd died, see $OUT/dockerd.log" >&2; return 1; }
		sleep 0.1
	done
	skopeo copy -q --dest-daemon-host "unix://$dk_dir/docker.sock" \
		"oci:$layout:httpd" docker-daemon:rc-bench/httpd:latest
}
docker_image() { :; }   # docker_start loaded it, before the fixed samples
docker_up() {
	local i t0=$EPOCHREALTIME
	for i in $(seq "$N"); do
		"${DK[@]}" run -d --name "$tag-$i" -p "127.0.0.1:$((PORT_BASE + 2000 + i)):80" \
			rc-bench/httpd:latest "${HTTPD_CMD[@]}" >/dev/null
	done
	T_CREATE=$(since "$t0")
	INITS=$("${DK[@]}" ps -q | xargs "${DK[@]}" inspect -f '{{.State.Pid}}' | tr '\n' ' ')
	DAEMONS=$dk_pid NAMES=""
}
# the container's overlay2 layer (diff, work), its -init layer (/etc/hosts
# and the like) and containers/ID (config, logs, resolv.conf)
docker_disk() {
	"${DK[@]}" ps -aq --no-trunc |
		xargs "${DK[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}} {{.ID}}' |
		while read -r upper id; do
			echo "${upper%/diff}"
			echo "${upper%/diff}-init"
			echo "$dk_dir/data/containers/$id"
		done | xargs du -skxc 2>/dev/null | awk 'END { print $1 }'
}
docker_down() {
	[ -n "$dk_pid" ] || return 0
	local ids
	ids=$("${DK[@]}" ps -aq 2>/dev/null) || true
	# shellcheck disable=SC2086
	if [ -n "$ids" ]; then "${DK[@]}" rm -f $ids >/dev/null 2>&1 || true; fi
	kill -TERM "$dk_pid" 2>/dev/null || true
	local i
	for i in $(seq 200); do kill -0 "$dk_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$dk_pid" 2>/dev/null || true
	wait "$dk_pid" 2>/dev/null || true
	dk_pid=""
	docker_undo_host
}
# What dockerd leaves behind on the host when it stops: its bridge, its
# iptables chains and rules, the FORWARD policy, br_netfilter. Undone only
# when it was not there before this run.
docker_undo_host() {
	undo_chains 'DOCKER' "$DOCKER_BRIDGE"
	if [ -n "$fwd_policy" ]; then iptables -P FORWARD "$fwd_policy" || true; fi
	if [ $had_br_netfilter = 0 ] && [ -d /sys/module/br_netfilter ]; then
		modprobe -r br_netfilter 2>/dev/null || rmmod br_netfilter 2>/dev/null || true
	fi
	return 0
}

# undo_chains PREFIX IFNAME: the iptables chains PREFIX* in filter and nat,
# and the rules that jump to them or name IFNAME, that a peer made and left
# behind, only when there were none before this run; and the link IFNAME
# when it was not there before.
undo_chains() {
	local t rule chain
	grep -qE "$1|$2" "$work/iptables.before" || for t in filter nat; do
		iptables -t "$t" -S 2>/dev/null | grep -E "^-A .*($1|$2)" | sed 's/^-A/-D/' |
			while read -r rule; do eval "iptables -t $t $rule" || true; done
		iptables -t "$t" -S 2>/dev/null | awk -v p="^$1" '$1 == "-N" && $2 ~ p { print $2 }' |
			while read -r chain; do iptables -t "$t" -F "$chain" || true; done
		iptables -t "$t" -S 2>/dev/null | awk -v p="^$1" '$1 == "-N" && $2 ~ p { print $2 }' |
			while read -r chain; do iptables -t "$t" -X "$chain" || true; done
	done
	if ! grep -qx "$2" "$work/links.before" && ip link show "$2" >/dev/null 2>&1; then
		ip link del "$2" || true
	fi
	return 0
}

# Tables that the peers' iptables-nft made, that did not exist before and
# hold no rule any more, are removed (never a table that has rules).
drop_empty_new_tables() {
	local fam name
	nft list tables 2>/dev/null | while read -r _ fam name; do
		grep -qx "table $fam $name" "$work/tables.before" && continue
		[ "$fam $name" = "ip rc" ] && continue
		if [ "$(nft -j list table "$fam" "$name" | jq '[.nftables[] | select(.rule)] | length')" = 0 ]; then
			nft delete table "$fam" "$name"
		fi
	done
}

# The load generator runs in a CPU cgroup of its own, a sibling of the
# runtimes' groups (rc/, docker/, libpod_parent/ or machine.slice): left where
# it started (cgroup v1: the root group, where each task weighs as much as a
# whole group), each of the N wrk processes would weigh as much as the whole
# group of N servers, and the servers would get 1/(N+1) of the CPU.
wrk_cg=""
for d in /sys/fs/cgroup/cpu /sys/fs/cgroup; do
	if [ -f "$d/cgroup.procs" ] && { [ -f "$d/cpu.shares" ] || grep -qw cpu "$d/cgroup.subtree_control" 2>/dev/null; }; then
		wrk_cg=$d/rc-bench-load-$$
		mkdir "$wrk_cg"
		break
	fi
done
[ -n "$wrk_cg" ] || log "WARNING: no cpu cgroup controller: wrk competes with the servers process by process"
wrk_pids=()
stop_wrk() {
	local p
	for p in "${wrk_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${wrk_pids[@]}"; do wait "$p" 2>/dev/null || true; done
	wrk_pids=()
}

cleanup() {
	trap - EXIT INT TERM ERR
	set +e
	stop_wrk
	[ -z "$host_pid" ] || { kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null; }
	[ -z "$wrk_cg" ] || rmdir "$wrk_cg"
	rc_down
	podman_down
	docker_down
	drop_empty_new_tables
	# the peers' overlay mounts, should any be left, are not crossed
	findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r umount -l
	ip -br link | awk '{ print $1 }' | sed 's/@.*//' | sort >"$work/links.after"
	diff "$work/links.before" "$work/links.after" >/dev/null ||
		echo "bench-httpd: links differ from before the run: $(diff "$work/links.before" "$work/links.after" | grep '^[<>]' | tr '\n' ' ')" >&2
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
# set -e stops the run silently: say where
set -E
failed=""
trap '[ -n "${failed:-}" ] || echo "bench-httpd: failed at line $LINENO: $BASH_COMMAND" >&2; failed=1' ERR
trap 'exit 130' INT TERM

# another service on this host, outside every container: is the machine
# still answering beside the suite
mkdir -p "$work/www"
echo "the host's own service" >"$work/www/index.html"
busybox httpd -f -p "127.0.0.1:$HOST_PORT" -h "$work/www" &
host_pid=$!
wait_port "$HOST_PORT"

# ---- one runtime ----
echo "runtime,n,phase,t_s,runtime_pss_kib,runtime_rss_kib,runtime_procs,httpd_pss_kib,httpd_rss_kib,httpd_procs,conns_per_s,ctr_anon_kib,ctr_file_kib,ctr_cgroups,total_per_ctr_kib,total_pss_per_ctr_kib,ct_count,ct_max,ct_drops,host_ok,host_ms" >"$OUT/samples.csv"
: >"$OUT/load.rows"
echo "runtime,n,duration_s,requests,requests_per_s,non2xx,sock_connect,sock_read,sock_write,sock_timeout" >"$OUT/wrk.csv"
: >"$OUT/summary.rows"

run_one() {
	local rt=$1 base i t fixed=0 fixed_rss=0 t_start rps errs start cg_found
	DAEMONS="" INITS="" NAMES="" CGSTATS=""
	case $rt in rc) base=$PORT_BASE ;; podman) base=$((PORT_BASE + 1000)) ;; docker) base=$((PORT_BASE + 2000)) ;; esac

	# fixed: what the runtime holds with no container running
	if [ "$rt" = docker ]; then
		log "docker: starting dockerd (its own containerd) and loading the image"
		docker_start
		DAEMONS=$dk_pid
		sleep 3
		: >"$work/fixed"
		for i in 1 2 3; do
			LAST_ACC=""
			sample docker fixed 0
			echo "$S_RT_PSS $S_RT_RSS" >>"$work/fixed"
			sleep 1
		done
		fixed=$(awk '{ print $1 }' "$work/fixed" | median)
		fixed_rss=$(awk '{ print $2 }' "$work/fixed" | median)
	fi
	"${rt}_image"

	log "$rt: creating and starting $N httpd containers"
	t=$EPOCHREALTIME
	"${rt}_up"
	for i in $(seq "$N"); do wait_port $((base + i)); done
	local t_up
	t_up=$(since "$t")
	log "$rt: $N containers created and started in ${T_CREATE}s, answering after ${t_up}s; inits: $INITS"
	CGSTATS=$(for p in $INITS; do cg_memstat "$p"; done | sort -u | tr '\n' ' ')
	cg_found=$(wc -w <<<"$CGSTATS")
	[ "$cg_found" = "$N" ] ||
		log "$rt: WARNING: the memory cgroup of $cg_found of $N containers found: the cgroup figures are partial"
	sleep 2
	LAST_ACC=""
	sample "$rt" idle 0
	start=$S_TOTAL

	settle_conntrack "$rt"
	local ct_d0
	read -r _ _ ct_d0 < <(ct_read)
	log "$rt: wrk for $DURATION, $WRK_CONNS connections per container"
	mkdir -p "$work/wrk-$rt"
	for i in $(seq "$N"); do
		wrk -t 1 -c "$WRK_CONNS" -d "$DURATION" "http://127.0.0.1:$((base + i))/" \
			>"$work/wrk-$rt/$i.out" 2>&1 &
		wrk_pids+=($!)
		[ -z "$wrk_cg" ] || echo $! >"$wrk_cg/cgroup.procs" 2>/dev/null ||
			log "$rt: wrk $i ended before it could be moved to $wrk_cg"
	done
	t_start=$EPOCHREALTIME
	LAST_ACC=""
	: >"$work/load-$rt"
	while :; do
		sleep "$INTERVAL"
		t=$(awk -v a="$t_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
		local alive=0 p
		for p in "${wrk_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 1 ] || break
		sample "$rt" load "$t"
		echo "$S_RT_PSS $S_RT_RSS $S_H_PSS $S_CG $S_TOTAL $S_TOTAL_PSS ${S_RATE:--} $S_CT $S_CT_MAX $S_CT_DROPS $S_HOST_OK $S_HOST_MS" >>"$work/load-$rt"
	done
	for p in "${wrk_pids[@]}"; do wait "$p" || true; done
	wrk_pids=()
	cat "$work"/wrk-"$rt"/*.out >"$OUT/wrk-$rt.log"

	# wrk: "N requests in Xs", "Requests/sec", "Non-2xx or 3xx responses", "Socket errors: ..."
	awk -v rt="$rt" -v n="$N" -v d="$secs" '
		/requests in/ { req += $1 }
		/^Requests\/sec/ { rps += $2 }
		/Non-2xx/ { non += $NF }
		/Socket errors/ { gsub(",", ""); c += $4; r += $6; w += $8; to += $10 }
		END { printf "%s,%d,%d,%d,%.0f,%d,%d,%d,%d,%d\n", rt, n, d, req, rps, non, c, r, w, to }' \
		"$work"/wrk-"$rt"/*.out >>"$OUT/wrk.csv"
	IFS=, read -r _ _ _ _ rps non sc sr sw st < <(tail -1 "$OUT/wrk.csv")
	errs=$((non + sc + sr + sw + st))

	local load load_rss load_h load_cg total total_pss perc end disk
	load=$(awk '{ print $1 }' "$work/load-$rt" | median)
	load_rss=$(awk '{ print $2 }' "$work/load-$rt" | median)
	load_h=$(awk '{ print $3 }' "$work/load-$rt" | median)
	load_cg=$(awk '{ print $4 }' "$work/load-$rt" | median)
	total=$(awk '{ print $5 }' "$work/load-$rt" | median)
	total_pss=$(awk '{ print $6 }' "$work/load-$rt" | median)
	[ -s "$work/load-$rt" ] || { log "$rt: no sample under load (DURATION < INTERVAL?)"; total=0; }
	end=$(tail -1 "$work/load-$rt" | awk '{ print $5 + 0 }')
	perc=$(awk -v l="$load" -v f="$fixed" -v n="$N" 'BEGIN { printf "%.0f", (l - f) / n }')
	disk=$("${rt}_disk")
	log "$rt: ${disk} KiB on disk for $N containers (shared layers left out)"
	# one row: runtime n fixed fixed_rss runtime_pss runtime_rss rt_per_ctr
	#   cgroup_per_ctr httpd_pss_per_ctr total_per_ctr start end rps errs
	#   t_create t_up disk_per_ctr total_pss_per_ctr
	echo "$rt $N $fixed $fixed_rss $load $load_rss $perc $((load_cg / N)) $((load_h / N)) $total" \
		"$start $end $rps $errs $T_CREATE $t_up $((disk / N)) $total_pss" >>"$OUT/summary.rows"

	# the load, sample by sample: rate median and lowest, samples under half
	# the median, conntrack peak, drops and the host's service
	awk -v rt="$rt" -v d0="$ct_d0" '
		$7 != "-" && $7 != "" { r[++nr] = $7 }
		$8 != "-" && $8 > ctp { ctp = $8 }
		$9 != "-" { ctm = $9 }
		$10 != "-" { d1 = $10 }
		{ hn++; if ($11 == 0) hf++; if ($12 > hms) hms = $12 }
		END {
			n = asort_(r, nr)
			med = nr ? r[int((nr + 1) / 2)] : 0
			low = nr ? r[1] : 0
			for (i = 1; i <= nr; i++) if (r[i] < med / 2) under++
			drops = (d0 != "-" && d1 != "") ? d1 - d0 : -1
			printf "%s %d %d %d %d %d %s %d %d %d %d\n", rt, med, low, under, nr, ctp, (ctm == "" ? "-" : ctm), drops, hf, hn, hms
		}
		function asort_(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
			return n
		}' "$work/load-$rt" >>"$OUT/load.rows"

	log "$rt: stopping"
	"${rt}_down"
}

# settle_conntrack RUNTIME: wait (SETTLE s at most) for the conntrack table to
# come back to where it was before the suite, so the runtime before does not
# weigh on this one's table
settle_conntrack() {
	local c i
	read -r c _ _ < <(ct_read)
	[ "$c" != - ] || return 0
	# conntrack loaded since the suite began (by a runtime's rules): what
	# is there now is the baseline
	[ -n "$CT_BASE" ] || { CT_BASE=$c; return 0; }
	for ((i = 0; i < SETTLE; i += 5)); do
		read -r c _ _ < <(ct_read)
		[ "$c" -le $((CT_BASE + 4 * N + 100)) ] && break
		[ $i = 0 ] && log "$1: waiting for $c conntrack entries to expire (before the suite: $CT_BASE)"
		sleep 5
	done
	[ "$c" -le $((CT_BASE + 4 * N + 100)) ] ||
		log "$1: WARNING: $c conntrack entries left after ${SETTLE}s (before the suite: $CT_BASE)"
}
read -r CT_BASE _ _ < <(ct_read)
[ "$CT_BASE" != - ] || CT_BASE=""

for rt in $RUNTIMES; do
	run_one "$rt"
done

# ---- the table ----
{
	printf 'httpd suite: N=%d busybox httpd containers per runtime, wrk %s, %d connections each, samples every %ss\n\n' \
		"$N" "$DURATION" "$WRK_CONNS" "$INTERVAL"
	printf 'memory per container, KiB (medians of the samples under load; start and end: total/ctr\n'
	printf 'with all N up before the load, and at the last sample under load)\n'
	printf '%-7s %9s %8s %10s %8s %9s %9s %9s %13s %11s %7s\n' runtime fixed rt/ctr cgroup/ctr pss/ctr \
		total/ctr start end total-pss/ctr requests/s failed
	awk '{ printf "%-7s %9d %8d %10d %8d %9d %9d %9d %13d %11d %7d\n", $1, $3, $7, $8, $9, $10, $11, $12, $18, $13, $14 }' \
		"$OUT/summary.rows"
	echo
	printf 'under load, every %ss: requests/s as the servers accept them (median, lowest, samples\n' "$INTERVAL"
	printf 'under half the median), the host conntrack table (peak entries, max, packets dropped\n'
	printf 'for it during the load) and the host'"'"'s own service (requests that failed, slowest ms)\n'
	printf '%-7s %8s %8s %14s %9s %9s %8s %14s %9s\n' runtime median lowest under-half ct-peak ct-max ct-drops host-failed host-ms
	awk '{ printf "%-7s %8d %8d %5d of %-5d %9d %9s %8s %5d of %-5d %9d\n", $1, $2, $3, $4, $5, $6, $7, ($8 < 0 ? "-" : $8), $9, $10, $11 }' \
		"$OUT/load.rows"
	echo
	printf '%-7s %16s %12s %14s %14s\n' runtime "create+start(s)" "per ctr(ms)" "answering(s)" "disk/ctr(KiB)"
	awk '{ printf "%-7s %16.2f %12.0f %14.2f %14d\n", $1, $15, $15 * 1000 / $2, $16, $17 }' "$OUT/summary.rows"
	echo
	awk '{ per[$1] = $7; tot[$1] = $10; rps[$1] = $13 } END {
		if ("rc" in per && per["rc"] > 0) {
			if ("podman" in per) printf "podman/rc runtime per container: %.1fx (aim >= 10)\n", per["podman"] / per["rc"]
			if ("docker" in per) printf "docker/rc runtime per container: %.1fx (aim >= 50)\n", per["docker"] / per["rc"]
		}
		if ("rc" in tot && tot["rc"] > 0) {
			if ("podman" in tot) printf "podman/rc total per container: %.2fx\n", tot["podman"] / tot["rc"]
			if ("docker" in tot) printf "docker/rc total per container: %.2fx\n", tot["docker"] / tot["rc"]
		}
		if ("rc" in rps && "docker" in rps && rps["docker"] > 0)
			printf "rc/docker requests/s: %.2f (aim >= 1)\n", rps["rc"] / rps["docker"]
		if ("rc" in rps && "podman" in rps && rps["podman"] > 0)
			printf "rc/podman requests/s: %.2f\n", rps["rc"] / rps["podman"]
	}' "$OUT/summary.rows"
	echo
	echo "fixed: the runtime's PSS with 0 containers (docker: dockerd + containerd idle, image"
	echo "loaded). rt/ctr = (runtime PSS - fixed) / N: rc's monitors, podman's conmons, docker's"
	echo "shims, proxies and daemon growth. cgroup/ctr: anon + file pages charged to the"
	echo "containers' cgroups / N. pss/ctr: PSS of the containers' processes / N. total/ctr ="
	echo "(runtime PSS, fixed included, + cgroup charge) / N: what the machine pays per container."
	echo "A page is charged to the cgroup that first touched it: the image's page cache (the busybox"
	echo "binary) is charged to whoever wrote the layer, not to the containers, and shows in pss/ctr"
	echo "rather than cgroup/ctr; total-pss/ctr = (runtime PSS + containers' PSS) / N counts it."
	echo "create+start: the N create and start commands, the image already stored; answering:"
	echo "until all N answer HTTP. disk/ctr: the container's own files, shared layers left out."
	echo "failed = non-2xx + socket errors (wrk). 2 cores: wrk, the servers and the runtimes"
	echo "share them, the load generator competes."
} | tee "$OUT/summary.txt"

# ---- the plot ----
gp="$OUT/plot.gp"
{
	echo "set terminal pngcairo size 1200,1600 noenhanced"
	echo "set output '$OUT/httpd.png'"
	echo "set datafile separator ','"
	echo "set multiplot layout 4,1 title 'httpd suite: $N containers per runtime, wrk $DURATION'"
	echo "set grid; set key outside right; set xrange [0:*]"
	# plot_rt COLUMN-EXPRESSION TITLE-SUFFIX: one line per runtime, the
	# sample with all N up (t = 0) and those under load
	plot_rt() {
		local rt sep=""
		printf "plot "
		for rt in $RUNTIMES; do
			printf "%s'%s' using ((strcol(1) eq '%s' && strcol(3) ne 'fixed') ? \$4 : 1/0):(%s) with linespoints title '%s%s'" \
				"$sep" "$OUT/samples.csv" "$rt" "$1" "$rt" "$2"
			sep=", "
		done
		echo
	}
	# log scales: docker's daemons are 2 orders of magnitude above the others
	echo "set logscale y; set yrange [10:*]"
	echo "set xlabel 'seconds under load (0: all up, before the load)'"
	echo "set ylabel 'total memory per container (KiB, log)'"
	plot_rt "\$15" ''
	echo "set yrange [0.1:*]"
	echo "set ylabel 'runtime PSS (MiB, log)'"
	plot_rt "\$5/1024" ' runtime'
	echo "unset logscale y; set yrange [0:*]"
	echo "set ylabel 'requests/s (accepted connections)'"
	plot_rt "\$11" ''
	echo "set ylabel 'host conntrack entries'"
	plot_rt "\$17" ''
	echo "unset multiplot"
} >"$gp"
gnuplot "$gp"
echo "csv: $OUT/samples.csv $OUT/wrk.csv  plot: $OUT/httpd.png  table: $OUT/summary.txt"
