#!/usr/bin/env bats
# The build itself: a first run on a bare machine, what rc-monitor links,
# and a repository that stands on its own.

load helpers/common

# A pkg-config that knows none of rc's packages until the (fake) package
# installation has run: a bare machine before `make deps`.
fake_bare_machine() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/pkg-config" <<EOF
#!/bin/sh
[ -e "$BATS_TEST_TMPDIR/installed" ] || exit 1
exec $(command -v pkg-config) "\$@"
EOF
	cat >"$BATS_TEST_TMPDIR/bin/install-deps" <<EOF
#!/bin/sh
echo installing >&2
touch "$BATS_TEST_TMPDIR/installed"
EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/pkg-config" "$BATS_TEST_TMPDIR/bin/install-deps"
}

@test "a first build on a machine without the -dev packages installs them before it compiles" {
	fake_bare_machine
	run make -C "$RC_SRC" -j2 BUILD="$BATS_TEST_TMPDIR/build" \
		PKG_CONFIG="$BATS_TEST_TMPDIR/bin/pkg-config" \
		INSTALL_DEPS="$BATS_TEST_TMPDIR/bin/install-deps" build
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[ -e "$BATS_TEST_TMPDIR/installed" ]
	# Every program linked against the libraries it needs, and runs.
	for p in "$RC_SRC"/cmd/rc-*.c; do
		p=$(basename "$p" .c)
		run "$BATS_TEST_TMPDIR/build/bin/$p" --version
		[ "$status" -eq 0 ]
	done
}

@test "no program links libarchive, and only rc-pull the shared libcrypto" {
	local b needed bad=""
	for b in "$BUILD"/bin/rc-*; do
		needed=$(readelf -d "$b" | awk '/\(NEEDED\)/ { print $NF }')
		case $needed in *libarchive*) bad+=" $(basename "$b"):libarchive" ;; esac
		if [ "$(basename "$b")" != rc-pull ]; then
			case $needed in *libcrypto*) bad+=" $(basename "$b"):libcrypto" ;; esac
		fi
	done
	echo "linked:$bad"
	[ -z "$bad" ]
	# and rc-unpack still reads layers: it loads libarchive when it must
	readelf -p .rodata "$BUILD/bin/rc-unpack" | grep -q 'libarchive\.so\.13'
}

@test "rc-monitor maps no shared library and links only libc" {
	nm "$BUILD/bin/rc-monitor" >"$BATS_TEST_TMPDIR/syms"
	if grep -q ' __asan_init$' "$BATS_TEST_TMPDIR/syms"; then
		# make SANITIZE=1 links it dynamically, as the sanitizer runtimes
		# need: those and what they pull in (libc, libm, libgcc_s,
		# libstdc++) are all it may map.
		run ldd "$BUILD/bin/rc-monitor"
		echo "$output"
		[ "$status" -eq 0 ]
		run grep -vE '^\s*(linux-vdso|/lib64/ld-linux|lib(asan|ubsan|c|m|gcc_s|stdc\+\+)\.so)' <<<"$output"
		echo "not allowed: $output"
		[ "$status" -eq 1 ]
	else
		run file "$BUILD/bin/rc-monitor"
		[[ $output == *"statically linked"* ]]
	fi
	# No symbol of the libraries the other programs use.
	grep -q ' T main$' "$BATS_TEST_TMPDIR/syms"
	run grep -E ' [TtU] (json_|curl_|archive_(read|write|entry)|cap_|mnl_|nftnl_|seccomp_|EVP_|SHA256_|OPENSSL_)' \
		"$BATS_TEST_TMPDIR/syms"
	echo "$output"
	[ "$status" -eq 1 ]
}

@test "the repository names no file that a clone of it lacks" {
	cd "$RC_SRC"
	run git grep -nE '\.\./shared|DESIGN\.md|MACHINE\.md' -- . ':!tests/build.bats'
	echo "$output"
	[ "$status" -eq 1 ]
}

@test "every program has a man page, and each page refers to rc(7)" {
	[ -f "$RC_SRC/man/rc.7" ]
	# a program of one file (cmd/rc-NAME.c) or of a directory (cmd/rc-NAME/)
	for c in "$RC_SRC"/cmd/rc-*.c "$RC_SRC"/cmd/rc-*/; do
		p=$(basename "$c" .c)
		[ -f "$RC_SRC/man/$p.1" ] || { echo "no man/$p.1"; false; }
		grep -q 'BR rc (7)' "$RC_SRC/man/$p.1" || { echo "man/$p.1 does not refer to rc(7)"; false; }
	done
}

@test "every file a program writes under a container directory is described in rc(7)" {
	# The names the code gives its state files, each documented.
	for f in config.json rootfs image pid netns net.env hostname hosts resolv.conf monitor \
		started exit finished restarts restarting stopping log health oom layers upper work security options \
		seccomp.bpf; do
		grep -qE "^\\.B(R)? $f( |\$)" "$RC_SRC/man/rc.7" || { echo "rc(7) lacks $f"; false; }
	done
	# and what rc-oci writes under its --root (lib/oci/state.h)
	for f in $(sed -n 's/^#define RC_OCI_\(STATE\|CONFIG\|START\) "\(.*\)"$/\2/p' "$RC_SRC/lib/oci/state.h") \
		'seccomp\\- HASH .bpf'; do
		grep -qE "^\\.B(R|I)? $f( |\$)" "$RC_SRC/man/rc.7" || { echo "rc(7) lacks rc-oci's $f"; false; }
	done
}
