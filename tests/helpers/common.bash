# common.bash - loaded by every bats file: `load helpers/common`.
#
# Gives each test a fresh, empty RC_ROOT under its own temporary directory,
# puts the freshly built programs first on PATH, and builds (once per build
# directory) the shared test images: see build-images.

RC_SRC=${RC_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
BUILD=${BUILD:-$RC_SRC/build}
export PATH="$BUILD/bin:$PATH"
TEST_IMAGES=$BUILD/test-images
HELPERS=$RC_SRC/tests/helpers

# not CMD...: succeed when CMD fails. (A bare `! CMD` never fails a bats
# test: errexit ignores negated commands.)
not() { ! "$@"; }

# Call from setup_file: the shared images as an OCI layout at $TEST_IMAGES/oci.
build_test_images() {
	"$HELPERS/build-images" "$TEST_IMAGES"
}

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
}

# Unmount the overlay rootfs of every container under $RC_ROOT, and any
# mount under the test's own directory (another --root, a killed unpack's),
# so that bats can remove its temporary directory.
unmount_rootfs() {
	local m
	for m in "$RC_ROOT"/containers/*/rootfs "$RC_ROOT"/containers/.*.tmp-*/rootfs; do
		if mountpoint -q "$m" 2>/dev/null; then
			umount -l "$m" 2>/dev/null || true
		fi
	done
	findmnt -rn -o TARGET | grep -F "${BATS_TEST_TMPDIR:-/nonexistent}/" | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	return 0
}

# A file tree's listing for comparisons: path type mode uid gid size target.
tree_listing() {
	(cd "$1" && find . -printf '%p %y %m %U %G %s %l\n' | LC_ALL=C sort)
}

# The cgroup leaf below rc/ of container NAME in this test's RC_ROOT: NAME
# and a hash of the root's real path (FNV-1a, as rc(7) says).
cgroup_leaf() {
	local root h=2166136261 i c
	root=$(realpath "$RC_ROOT")
	for ((i = 0; i < ${#root}; i++)); do
		printf -v c '%d' "'${root:i:1}"
		h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
	done
	printf '%s@%08x\n' "$1" "$h"
}

# Put an OCI layout's images into a fresh store.
store_layout() {
	mkdir -p "$RC_ROOT"
	rm -rf "$RC_ROOT/images"
	cp -a "$1" "$RC_ROOT/images"
}

# An image of crafted layers, each a list of mklayer specs separated by --.
#   crafted_image TAG SPEC... [-- SPEC...]...
crafted_image() {
	local tag=$1 n=0 specs=() layers=()
	shift
	local dir=$BATS_TEST_TMPDIR/layers-$tag
	mkdir -p "$dir"
	while :; do
		if [ $# -eq 0 ] || [ "$1" = -- ]; then
			n=$((n + 1))
			"$HELPERS/mklayer" "$dir/$n.tar" "${specs[@]}"
			layers+=("$dir/$n.tar")
			specs=()
			[ $# -eq 0 ] && break
			shift
			continue
		fi
		specs+=("$1")
		shift
	done
	mkdir -p "$RC_ROOT"
	"$HELPERS/mkimage" --cmd '["/bin/sh"]' "$RC_ROOT/images" "$tag" "${layers[@]}" >/dev/null
}
