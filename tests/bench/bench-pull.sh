#!/usr/bin/env bash
# bench-pull: rc-pull against `skopeo copy docker://... oci:...` pulling the
# same ~150 MB three-layer image (tests/bench/make-big-image) from the same
# local registry (Debian's docker-registry on loopback), in the same run.
# Each tool pulls into an empty directory RUNS times (after one warm-up
# each, alternating); reported: median wall time and median peak RSS
# (/usr/bin/time), and rc's ratio to skopeo's. Aim: time <= 0.5, memory <= 0.2.
# The pulls land in BENCH_TMP (default /dev/shm, a tmpfs, so that the
# virtual disk's writeback noise does not swamp the tools' own cost; rc-pull
# fsyncs every blob, skopeo does not, which on a disk costs rc the write-out).
#   RUNS=5 [BENCH_TMP=DIR] tests/bench/bench-pull.sh    (or: make bench BENCH=pull)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-$here/../../build}
RUNS=${RUNS:-5}
rc_pull=$BUILD/bin/rc-pull
[ -x "$rc_pull" ] || { echo "bench-pull: build rc first (make)" >&2; exit 1; }
# shellcheck source=../helpers/registry.bash
. "$here/../helpers/registry.bash"

img=$BUILD/bench/big
"$here/make-big-image" "$img"
tmp=${BENCH_TMP:-/dev/shm}
[ -d "$tmp" ] || tmp=$BUILD/bench
work=$(mktemp -d "$tmp/rc-bench-pull.XXXXXX")
cleanup() { set +e; registry_stop; rm -rf "$work"; }
trap cleanup EXIT
registry_start
registry_push "$img" big bench/big:latest
ref=$REGISTRY/bench/big:latest
size=$(du -cb "$img"/blobs/sha256/* | tail -n1 | cut -f1)
layers=$(jq -r '.manifests[0].digest' "$img/index.json" | sed 's/sha256://' |
	xargs -I{} jq '.layers | length' "$img/blobs/sha256/{}")
echo "image: $ref, $layers layers, $((size / 1000000)) MB of blobs; $RUNS runs each into $tmp"

measure() { # name command... -> appends "wall maxrss_kib" to $work/name
	local name=$1
	shift
	rm -rf "$work/dest"
	sync # no writeback left from the last run to slow this one
	/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
		{ cat "$work/err" >&2; exit 1; }
	cat "$work/time" >>"$work/$name"
}

run_rc() { measure "$1" "$rc_pull" -q --root "$work/dest" "$ref"; }
run_skopeo() { measure "$1" skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$work/dest:latest"; }

run_rc warm
run_skopeo warm
for _ in $(seq "$RUNS"); do
	run_rc rc
	run_skopeo skopeo
done

median() { # file column ("cpu": user + system)
	awk -v c="$2" '{print c == "cpu" ? $3 + $4 : $c}' "$1" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
rc_t=$(median "$work/rc" 1) rc_m=$(median "$work/rc" 2)
sk_t=$(median "$work/skopeo" 1) sk_m=$(median "$work/skopeo" 2)
rc_c=$(median "$work/rc" cpu) sk_c=$(median "$work/skopeo" cpu)
printf '%-28s %10s %10s %14s\n' tool "wall (s)" "cpu (s)" "peak RSS (KiB)"
printf '%-28s %10s %10s %14s\n' "rc-pull" "$rc_t" "$rc_c" "$rc_m"
printf '%-28s %10s %10s %14s\n' "skopeo copy docker:// oci:" "$sk_t" "$sk_c" "$sk_m"
base=$(/usr/bin/time -f %M "$rc_pull" --help 2>&1 >/dev/null)
echo "(rc-pull --help alone, i.e. loading libcurl and OpenSSL: $base KiB peak RSS)"
awk -v a="$rc_t" -v b="$sk_t" -v c="$rc_m" -v d="$sk_m" -v e="$rc_c" -v f="$sk_c" 'BEGIN {
	printf "ratio rc-pull/skopeo: time %.2f (aim <= 0.50), cpu %.2f, peak memory %.2f (aim <= 0.20)\n", a / b, e / f, c / d }'
