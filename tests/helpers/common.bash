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
