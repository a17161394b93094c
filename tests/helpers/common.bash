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

# Call from setup_file: the shared images as an OCI layout at $TEST_IMAGES/oci.
build_test_images() {
	"$HELPERS/build-images" "$TEST_IMAGES"
}

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
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
