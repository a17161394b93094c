#!/usr/bin/env bats
# The whole workflow, program to program, as a user pipes it: an image pushed
# to a real registry on loopback is pulled, unpacked, run and networked, and
# everything is taken down again. Networking happens inside a throwaway
# "host" network namespace (the network rule in tests/README.md).

load helpers/common
load helpers/registry
bats_require_minimum_version 1.5.0

setup_file() {
	build_test_images
	registry_start
	registry_push "$TEST_IMAGES/oci" alpine test/alpine:3.20
	registry_push "$TEST_IMAGES/oci" httpd test/httpd:latest
	# the same image with a Docker schema 2 manifest, as Docker Hub serves many
	skopeo copy -q --format v2s2 --dest-tls-verify=false "oci:$TEST_IMAGES/oci:alpine" \
		"docker://$REGISTRY/test/docker-alpine:1" >/dev/null
}

teardown_file() {
	registry_stop
}

setup() {
	RC_ROOT=$BATS_TEST_TMPDIR/root
	export RC_ROOT
	HOST=rcw-$$-$BATS_TEST_NUMBER
	ip netns add "$HOST"
	ip -n "$HOST" link set lo up
}

teardown() {
	local f pid
	for f in "$RC_ROOT"/containers/*/pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill -9 "$pid" 2>/dev/null || true
	done
	for _ in $(seq 50); do
		compgen -G "$RC_ROOT/containers/*/pid" >/dev/null || break
		sleep 0.1
	done
	for f in "$RC_ROOT"/containers/*; do
		[ -d "$f" ] && in_host rc-net-down "$(basename "$f")" >/dev/null 2>&1 || true
	done
	for f in "$RC_ROOT"/containers/*/netns; do
		[ -e "$f" ] && umount -l "$f" 2>/dev/null || true
	done
	ip netns del "$HOST" 2>/dev/null || true
	unmount_rootfs
}

in_host() { nsenter --net="/run/netns/$HOST" "$@"; }

@test "rc-unpack takes what rc-pull prints, and Alpine's /bin/sh runs in the result" {
	ref=$(rc-pull "$REGISTRY/test/alpine:3.20")
	[[ $ref == "$REGISTRY/test/alpine:3.20@sha256:"* ]]
	run rc-unpack "$ref" shell
	[ "$status" -eq 0 ]
	[ "$output" = shell ]
	run rc-unshare shell -- /bin/sh -c 'cat /etc/alpine-release; hostname; echo pid=$$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 3.20.3 ]
	[ "${lines[1]}" = shell ]
	[ "${lines[2]}" = pid=1 ]
}

@test "the reference rc-pull prints for a Docker schema 2 image unpacks too" {
	ref=$(rc-pull "$REGISTRY/test/docker-alpine:1")
	# the store keeps it in OCI form, also under the registry's digest
	jq -e --arg r "$REGISTRY/test/docker-alpine@${ref#*@}" \
		'.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r)' \
		"$RC_ROOT/images/index.json" >/dev/null
	rc-unpack "$ref" d
	run rc-unshare d -- /bin/cat /etc/alpine-release
	[ "$status" -eq 0 ]
	[ "$output" = 3.20.3 ]
	# and skopeo reads the store as an OCI layout
	run skopeo inspect --raw "oci:$RC_ROOT/images:$REGISTRY/test/docker-alpine:1"
	[ "$status" -eq 0 ]
	[[ $output == *application/vnd.oci.image.manifest.v1+json* ]]
}

@test "a short reference pulled once unpacks by the same short name" {
	rc-pull "$REGISTRY/test/alpine:3.20" >/dev/null
	rc-unpack "$REGISTRY/test/alpine:3.20" a
	grep -qx "$REGISTRY/test/alpine:3.20 sha256:[0-9a-f]\{64\}" "$RC_ROOT/containers/a/image"
	run rc-unshare a -- /bin/sh -c 'exit 42'
	[ "$status" -eq 42 ]
}

@test "the image's own command serves a page on a published port, and teardown leaves nothing" {
	rc-pull "$REGISTRY/test/httpd:latest" >/dev/null
	rc-unpack "$REGISTRY/test/httpd:latest" web
	ip=$(in_host rc-net-up -p 127.0.0.1:8080:80 web)
	[[ $ip =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]
	pid=$(in_host rc-unshare -d web)
	[ "$pid" -gt 1 ]
	for _ in $(seq 50); do
		in_host curl -fsS http://127.0.0.1:8080/ >"$BATS_TEST_TMPDIR/page" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'hello from rc' "$BATS_TEST_TMPDIR/page"
	run in_host curl -fsS "http://$ip/"
	[ "$status" -eq 0 ]
	[[ $output == *'hello from rc'* ]]
	# busybox httpd is pid 1 and ignores SIGTERM, as under docker
	kill -KILL "$pid"
	for _ in $(seq 100); do [ -f "$RC_ROOT/containers/web/pid" ] || break; sleep 0.05; done
	[ ! -f "$RC_ROOT/containers/web/pid" ]
	in_host rc-net-down web
	run in_host ip -o link show
	[[ $output != *rc0* ]]
	[[ $output != *veth* ]] || [[ $output != *web* ]]
	run in_host nft list table ip rc
	[ "$status" -ne 0 ]
	[ ! -e "$RC_ROOT/containers/web/net.env" ]
}

@test "network first, then the container: its process has eth0 from its first instruction" {
	rc-pull "$REGISTRY/test/alpine:3.20" >/dev/null
	rc-unpack "$REGISTRY/test/alpine:3.20" early
	ip=$(in_host rc-net-up early)
	run in_host rc-unshare early -- /bin/sh -c 'ip -o -4 addr show eth0'
	[ "$status" -eq 0 ]
	[[ $output == *"inet $ip/"* ]]
	in_host rc-net-down early
}
