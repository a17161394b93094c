#!/usr/bin/env bash
# bench-create: what one more container of an image already on the machine
# costs: rc-unpack (the image's layers already in the layer store: one
# overlay mount) against `podman create` and `docker create` (overlay2), on
# the bench image of tests/bench/make-big-image (3 layers, about 150 MB), in
# the same run. RUNS containers each (default 21), interleaved, after one
# warm-up each; reported: median wall time, the disk a container takes
# (rc: du of containers/NAME; podman and docker: du of the container's own
# overlay layer directory) and rc's ratios. Aim: rc-unpack at most 20 ms.
#
# podman and docker.io are installed here only (not for make check). Both
# run with private state under BENCH_DIR (default /var/tmp, a disk, as their
# storage would be): podman with its own --root/--runroot, dockerd with its
# own data root, exec root, socket and pidfile, and no bridge nor iptables
# rules (create needs no network). Everything is removed at the end.
#   RUNS=21 BENCH_DIR=/var/tmp tests/bench/bench-create.sh  (or: make bench BENCH=create)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$src/build}
RUNS=${RUNS:-21}
BENCH_DIR=${BENCH_DIR:-/var/tmp}
DOCKER=/usr/bin/docker # Debian's client; /usr/local/bin/docker has no daemon
rc_unpack=$BUILD/bin/rc-unpack
[ -x "$rc_unpack" ] || { echo "bench-create: build rc first (make)" >&2; exit 1; }
RC_EXTRA_PKGS="podman docker.io" "$src/tests/helpers/install-deps"

img=$BUILD/bench/big
"$here/make-big-image" "$img"
work=$(mktemp -d "$BENCH_DIR/rc-bench-create.XXXXXX")
PODMAN=(podman --root "$work/podman/root" --runroot "$work/podman/run" --cgroup-manager=cgroupfs
	--events-backend=file --tmpdir "$work/podman/tmp")
DK=("$DOCKER" -H "unix://$work/docker/docker.sock")
dk_pid=""

cleanup() {
	local m ids
	for m in "$work"/rc/containers/*/rootfs; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
	"${PODMAN[@]}" rm -f -a >/dev/null 2>&1 || true
	"${PODMAN[@]}" system reset -f >/dev/null 2>&1 || true
	if [ -n "$dk_pid" ]; then
		ids=$("${DK[@]}" ps -aq 2>/dev/null) || true
		# shellcheck disable=SC2086
		[ -z "$ids" ] || "${DK[@]}" rm -f $ids >/dev/null 2>&1 || true
		kill -TERM "$dk_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$dk_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$dk_pid" 2>/dev/null || true
	fi
	# what the peers left mounted under work (overlays, shm)
	findmnt -rn -o TARGET | grep "^$work" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# rc: the store, and a first container that extracts the layers (not timed)
mkdir -p "$work/rc"
cp -a "$img" "$work/rc/images"
"$rc_unpack" --root "$work/rc" big first >/dev/null

# podman
mkdir -p "$work/podman/tmp"
skopeo copy -q "oci:$img:big" \
	"containers-storage:[overlay@$work/podman/root+$work/podman/run]localhost/rc-bench/big:latest"

# docker
mkdir -p "$work/docker"
dockerd --storage-driver=overlay2 --data-root "$work/docker/data" --exec-root "$work/docker/exec" \
	--pidfile "$work/docker/dockerd.pid" -H "unix://$work/docker/docker.sock" \
	--bridge=none --iptables=false --ip6tables=false >"$work/docker/dockerd.log" 2>&1 &
dk_pid=$!
for _ in $(seq 300); do
	"${DK[@]}" version >/dev/null 2>&1 && break
	kill -0 "$dk_pid" 2>/dev/null || { cat "$work/docker/dockerd.log" >&2; exit 1; }
	sleep 0.1
done
skopeo copy -q --dest-daemon-host "unix://$work/docker/docker.sock" \
	"oci:$img:big" docker-daemon:rc-bench/big:latest

timed() { # name command... -> appends the wall seconds to $work/name.times
	local name=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$work/$name.times"
}
one() { # i
	timed "$2" "$rc_unpack" --root "$work/rc" big "c$1"
	timed "$3" "${PODMAN[@]}" create --name "c$1" --ulimit nofile=20000:20000 \
		--ulimit nproc=32768:32768 localhost/rc-bench/big:latest /bin/sh
	timed "$4" "${DK[@]}" create --name "c$1" rc-bench/big:latest /bin/sh
}
one 0 warm warm warm
for i in $(seq "$RUNS"); do
	one "$i" rc podman docker
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
disk_of_dir() { du -skx "$1" | cut -f1; } # -x: not a mounted rootfs
rc_disk=$(disk_of_dir "$work/rc/containers/c1")
pod_disk=$(disk_of_dir "$(dirname "$("${PODMAN[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}}' c1)")")
dk_disk=$(disk_of_dir "$(dirname "$("${DK[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}}' c1)")")
size=$(du -cb "$img"/blobs/sha256/* | tail -n1 | cut -f1)
echo "image: tests/bench/make-big-image, $((size / 1000000)) MB of blobs; $RUNS containers each, on $BENCH_DIR ($(stat -f -c %T "$BENCH_DIR"))"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores; the runs share them)"
printf '%-44s %12s %14s\n' "one more container of the image" "wall (ms)" "disk (KiB)"
printf '%-44s %12.1f %14s\n' "rc-unpack (layers in the layer store)" "$(awk '{ print $1 * 1000 }' <<<"$(median "$work/rc.times")")" "$rc_disk"
printf '%-44s %12.1f %14s\n' "podman create" "$(awk '{ print $1 * 1000 }' <<<"$(median "$work/podman.times")")" "$pod_disk"
printf '%-44s %12.1f %14s\n' "docker create" "$(awk '{ print $1 * 1000 }' <<<"$(median "$work/docker.times")")" "$dk_disk"
awk -v r="$(median "$work/rc.times")" -v p="$(median "$work/podman.times")" -v d="$(median "$work/docker.times")" 'BEGIN {
	printf "ratio rc-unpack/podman create: %.2f\n", r / p
	printf "ratio rc-unpack/docker create: %.2f\n", r / d
	printf "rc-unpack median %.1f ms (aim <= 20 ms)\n", r * 1000 }'
