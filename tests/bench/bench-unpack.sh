#!/usr/bin/env bash
# bench-unpack: rc-unpack against `umoci unpack` and against GNU tar
# extracting the same layers in order, on one multi-layer image of at least
# 100 MB, in the same run. Each tool unpacks into an empty directory RUNS
# times (after one warm-up each, interleaved); reported: median wall time
# and median peak RSS (/usr/bin/time), and rc's ratios.
# Aim: at most half of umoci's time, within 1.2 times of tar's.
#
# rc-unpack is measured three ways: the first container of the image (its
# layers extracted into an empty layer store, the rootfs an overlay of
# them), a second container of it (the layers already there: SECOND runs,
# default 21; aim: median at most 20 ms), and --copy (a full copy, what
# every container cost before the layer store). Also reported: the disk a
# new container takes (du of containers/NAME: its upper, work, config).
#
# GNU tar is no OCI unpacker: it applies no whiteouts, follows no safety
# rules and writes no config.json; it is the floor for "bytes out of the
# layers onto the filesystem". It runs gzip as a second process.
#
# The image: tests/bench/make-big-image (from the rc-pull work) when it is
# there, else the same recipe built here from this machine's own files.
# The output goes to BENCH_DIR (default /dev/shm, a tmpfs, so the disk's
# writeback does not blur the numbers; rc-unpack's syncfs is free there).
#   RUNS=5 BENCH_DIR=/dev/shm tests/bench/bench-unpack.sh  (or: make bench BENCH=unpack)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../../build}
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/dev/shm}
rc_unpack=$BUILD/bin/rc-unpack
[ -x "$rc_unpack" ] || { echo "bench-unpack: build rc first (make)" >&2; exit 1; }
mkdir -p "$BUILD/bench"

# The same image make-big-image makes: three gzip layers of host files.
build_own_image() {
	local out=$1 work src i=0 layers=()
	[ -f "$out/stamp" ] && return 0
	rm -rf "$out"
	mkdir -p "$out"
	work=$(mktemp -d "${TMPDIR:-/tmp}/rc-big.XXXXXX")
	for src in usr/lib/python3.11 usr/lib/gcc usr/share/locale; do
		[ -d "/$src" ] || continue
		i=$((i + 1))
		tar -C / --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
			--warning=no-file-changed -cf - "$src" 2>/dev/null | gzip -n -6 >"$work/layer$i.tar.gz"
		layers+=("$work/layer$i.tar.gz")
	done
	"$here/../helpers/mkimage" --cmd '["/bin/sh"]' "$out" big "${layers[@]}" >/dev/null
	rm -rf "$work"
	touch "$out/stamp"
}

if [ -x "$here/make-big-image" ]; then
	img=$BUILD/bench/big
	"$here/make-big-image" "$img"
	source="tests/bench/make-big-image"
else
	img=$BUILD/bench/unpack-big
	build_own_image "$img"
	source="bench-unpack.sh's own builder (make-big-image not in this branch)"
fi
size=$(du -cb "$img"/blobs/sha256/* | tail -n1 | cut -f1)
[ "$size" -ge 100000000 ] || { echo "bench-unpack: image only $size bytes" >&2; exit 1; }

work=$(mktemp -d "$BENCH_DIR/rc-bench-unpack.XXXXXX")
trap 'unmount_all; rm -rf "$work"' EXIT
mkdir -p "$work/root"
cp -a "$img" "$work/root/images" # the store: rc reads it, umoci and tar read the same blobs
manifest=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="big") | .digest' "$work/root/images/index.json")
mapfile -t layers < <(jq -r '.layers[].digest' "$work/root/images/blobs/sha256/${manifest#sha256:}" |
	sed "s|^sha256:|$work/root/images/blobs/sha256/|")
unpacked=$(for l in "${layers[@]}"; do gzip -dc "$l"; done | wc -c)
echo "image from $source: ${#layers[@]} layers, $((size / 1000000)) MB of blobs," \
	"$((unpacked / 1000000)) MB of tar; output on $BENCH_DIR ($(stat -f -c %T "$BENCH_DIR")); $RUNS runs each"

measure() { # name command... -> appends "wall maxrss_kib" to $work/name
	local name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
		{ cat "$work/err" >&2; exit 1; }
	cat "$work/time" >>"$work/$name.times"
}

unmount_all() {
	local m
	for m in "$work"/root/containers/*/rootfs; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
	return 0
}
run_rc() { # the first container: an empty layer store
	unmount_all
	rm -rf "$work/root/containers" "$work/root/layers"
	measure "$1" "$rc_unpack" --root "$work/root" big bench
}
run_rc_copy() {
	unmount_all
	rm -rf "$work/root/containers"
	measure "$1" "$rc_unpack" --copy --root "$work/root" big bench
}
run_umoci() {
	rm -rf "$work/umoci"
	measure "$1" umoci unpack --image "$work/root/images:big" "$work/umoci"
}
run_tar() {
	rm -rf "$work/tar"
	mkdir "$work/tar"
	measure "$1" bash -c 'd=$1; shift; for l; do tar -xzf "$l" -C "$d" || exit 1; done' _ "$work/tar" "${layers[@]}"
}

run_rc warm
run_rc_copy warm
run_umoci warm
run_tar warm
for _ in $(seq "$RUNS"); do
	run_rc rc
	run_rc_copy copy
	run_umoci umoci
	run_tar tar
done
run_rc rc # the last one: the overlay the second containers share layers with
mountpoint -q "$work/root/containers/bench/rootfs" ||
	{ echo "bench-unpack: rc-unpack made no overlay" >&2; exit 1; }
# the same tree as umoci's (and tar's: these layers have no whiteouts)
if ! diff <("$here/../helpers/treelist" "$work/root/containers/bench/rootfs") \
	<("$here/../helpers/treelist" "$work/umoci/rootfs") >/dev/null; then
	echo "bench-unpack: rc-unpack and umoci made different trees" >&2
	exit 1
fi
SECOND=${SECOND:-21}
# wall time from the shell's clock: /usr/bin/time's has 10 ms steps
for i in $(seq "$SECOND"); do
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$work/time" "$rc_unpack" --root "$work/root" big "second$i" >/dev/null
	t1=$EPOCHREALTIME
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(cat "$work/time")" >>"$work/second.times"
done
disk=$(du -skx "$work/root/containers/second1" | cut -f1) # -x: not the mounted rootfs

median() { # file column
	awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores; the runs share them)"
printf '%-34s %10s %14s\n' tool "wall (s)" "peak RSS (KiB)"
for t in rc second copy umoci tar; do
	case $t in
	rc) label="rc-unpack, first container" ;;
	second) label="rc-unpack, second container" ;;
	copy) label="rc-unpack --copy" ;;
	umoci) label="umoci unpack" ;;
	tar) label="GNU tar -xzf, layers in order" ;;
	esac
	printf '%-34s %10s %14s\n' "$label" "$(median "$work/$t.times" 1)" "$(median "$work/$t.times" 2)"
done
awk -v r="$(median "$work/rc.times" 1)" -v u="$(median "$work/umoci.times" 1)" \
	-v t="$(median "$work/tar.times" 1)" 'BEGIN {
	printf "ratio rc-unpack/umoci: %.2f (aim <= 0.50)\n", r / u
	printf "ratio rc-unpack/tar:   %.2f (aim <= 1.20)\n", r / t }'
echo "second container: median $(awk '{ printf "%.0f", $1 * 1000 }' <<<"$(median "$work/second.times" 1)") ms" \
	"of $SECOND (aim <= 20 ms); disk per new container: $disk KiB"
