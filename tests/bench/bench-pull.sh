#!/usr/bin/env bash
# bench-pull: rc-pull against `skopeo copy docker://... oci:...` pulling the
# same ~150 MB three-layer image (tests/bench/make-big-image) from the same
# local registry (Debian's docker-registry on loopback), in the same run.
# Each tool pulls into an empty directory RUNS times (after one warm-up
# each, alternating); reported: median wall time and median peak RSS
# (/usr/bin/time), and rc's ratio to skopeo's. Aim: time <= 0.5, memory <= 0.2.
#   RUNS=5 tests/bench/bench-pull.sh      (or: make bench BENCH=pull)
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
work=$(mktemp -d "$BUILD/bench/pull.XXXXXX")
cleanup() { set +e; registry_stop; rm -rf "$work"; }
trap cleanup EXIT
registry_start
registry_push "$img" big bench/big:latest
ref=$REGISTRY/bench/big:latest
size=$(du -cb "$img"/blobs/sha256/* | tail -n1 | cut -f1)
layers=$(jq -r '.manifests[0].digest' "$img/index.json" | sed 's/sha256://' |
	xargs -I{} jq '.layers | length' "$img/blobs/sha256/{}")
echo "image: $ref, $layers layers, $((size / 1000000)) MB of blobs; $RUNS runs each"

measure() { # name command... -> appends "wall maxrss_kib" to $work/name
	local name=$1
	shift
	rm -rf "$work/dest"
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
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

median() { # file column
	awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
rc_t=$(median "$work/rc" 1) rc_m=$(median "$work/rc" 2)
sk_t=$(median "$work/skopeo" 1) sk_m=$(median "$work/skopeo" 2)
printf '%-28s %10s %14s\n' tool "wall (s)" "peak RSS (KiB)"
printf '%-28s %10s %14s\n' "rc-pull" "$rc_t" "$rc_m"
printf '%-28s %10s %14s\n' "skopeo copy docker:// oci:" "$sk_t" "$sk_m"
awk -v a="$rc_t" -v b="$sk_t" -v c="$rc_m" -v d="$sk_m" 'BEGIN {
	printf "ratio rc-pull/skopeo: time %.2f (aim <= 0.50), peak memory %.2f (aim <= 0.20)\n", a / b, c / d }'
