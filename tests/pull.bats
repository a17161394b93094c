#!/usr/bin/env bats
# rc-pull: a registry to the content store.
#
# A real registry (Debian's docker-registry) for the normal paths, and
# tests/helpers/fake-registry for what a real one cannot be made to do
# (auth flows, injected failures, dropped connections, redirects).

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/registry

setup_file() {
	build_test_images
	export MULTI=$BATS_FILE_TMPDIR/multi
	local fixture=$RC_SRC/tests/fixtures/alpine-minirootfs-3.20.3-x86_64.tar.gz
	local tiny=$BATS_FILE_TMPDIR/tiny
	mkdir -p "$tiny/d" && echo attestation >"$tiny/d/statement"
	tar -C "$tiny/d" -cf "$tiny/att.tar" statement
	"$HELPERS/mkimage" --os unknown --arch unknown "$MULTI" att "$tiny/att.tar" >/dev/null
	"$HELPERS/mkimage" --arch arm64 --variant v8 --cmd '["/bin/arm64"]' "$MULTI" arm64 "$fixture" >/dev/null
	"$HELPERS/mkimage" --docker --cmd '["/bin/amd64"]' "$MULTI" amd64 "$fixture" >/dev/null
	"$HELPERS/mkimage" --index "$MULTI" all att arm64 amd64
	# the same index as a Docker manifest list (served by the fake registry)
	local idx list d
	idx=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "all") | .digest' "$MULTI/index.json")
	list=$(jq -c '.mediaType = "application/vnd.docker.distribution.manifest.list.v2+json"' "$MULTI/blobs/sha256/${idx#sha256:}")
	d=$(printf '%s' "$list" | sha256sum | cut -d' ' -f1)
	printf '%s' "$list" >"$MULTI/blobs/sha256/$d"
	jq --arg d "sha256:$d" --argjson s "$(printf '%s' "$list" | wc -c)" \
		'.manifests += [{mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
		  digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": "list"}}]' \
		"$MULTI/index.json" >"$MULTI/index.new" && mv "$MULTI/index.new" "$MULTI/index.json"
	registry_start
	registry_push "$TEST_IMAGES/oci" alpine test/alpine:3.20
	registry_push "$TEST_IMAGES/oci" httpd test/httpd:latest
	registry_push "$MULTI" all test/multi:latest
	registry_push "$TEST_IMAGES/oci" alpine test/corrupt:latest
}

teardown_file() {
	registry_stop
}

teardown() {
	fake_stop
	local p
	for p in ${BG_PIDS:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	true
}

# fake_start LAYOUT [switches...]: FAKE=127.0.0.1:PORT, FAKE_LOG its request log.
fake_start() {
	local layout=$1
	shift
	FAKE_LOG=$BATS_TEST_TMPDIR/fake.log
	: >"$FAKE_LOG"
	rm -f "$BATS_TEST_TMPDIR/fake.port"
	"$HELPERS/fake-registry" --layout "$layout" --port-file "$BATS_TEST_TMPDIR/fake.port" \
		--log "$FAKE_LOG" "$@" 3>&- &
	FAKE_PID=$!
	for _ in $(seq 100); do
		[ -s "$BATS_TEST_TMPDIR/fake.port" ] && break
		sleep 0.05
	done
	FAKE=127.0.0.1:$(cat "$BATS_TEST_TMPDIR/fake.port")
}

fake_stop() {
	if [ -n "${FAKE_PID:-}" ]; then
		kill "$FAKE_PID" 2>/dev/null || true
		wait "$FAKE_PID" 2>/dev/null || true
	fi
	FAKE_PID=
}

# What a failed pull must leave alone: blobs and the index.
store_state() {
	{ ls "$RC_ROOT/images/blobs/sha256" 2>/dev/null; cat "$RC_ROOT/images/index.json" 2>/dev/null; } | sha256sum
}

# No image recorded: no store at all, or an index without entries.
assert_no_images() {
	[ ! -e "$RC_ROOT/images/index.json" ] || [ "$(jq '.manifests | length' "$RC_ROOT/images/index.json")" = 0 ]
}

index_refs() {
	jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"]' "$RC_ROOT/images/index.json"
}

index_digest() { # ref
	jq -r --arg r "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r) | .digest' \
		"$RC_ROOT/images/index.json"
}

blob_json() { # digest
	cat "$RC_ROOT/images/blobs/sha256/${1#sha256:}"
}

# Every blob in the store hashes to its name.
assert_blobs_verified() {
	local f
	for f in "$RC_ROOT"/images/blobs/sha256/*; do
		[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || { echo "corrupt blob $f"; return 1; }
	done
}

largest_blob() { # layout -> hex name of its largest blob
	ls -S "$1/blobs/sha256" | head -n1
}

blob_gets() { # count GETs of blobs in the fake registry's log
	grep -c '^GET /v2/.*/blobs/' "$FAKE_LOG" || true
}

@test "rc-pull prints the resolved reference with the registry's manifest digest" {
	run --separate-stderr rc-pull "$REGISTRY/test/alpine:3.20"
	[ "$status" -eq 0 ]
	want=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/test/alpine:3.20" | jq -r .Digest)
	[ "$output" = "$REGISTRY/test/alpine:3.20@$want" ]
	[ -z "$stderr" ]
}

@test "the pulled image is recorded under its full reference and skopeo reads it" {
	rc-pull "$REGISTRY/test/alpine:3.20" >/dev/null
	[ "$(index_refs)" = "$REGISTRY/test/alpine:3.20" ]
	run skopeo inspect "oci:$RC_ROOT/images:$REGISTRY/test/alpine:3.20"
	[ "$status" -eq 0 ]
	[ "$(jq -r .Architecture <<<"$output")" = amd64 ]
	[ "$(jq -r '.Layers | length' <<<"$output")" = 1 ]
	[ -f "$RC_ROOT/images/oci-layout" ]
}

@test "umoci unpacks a pulled multi-layer image" {
	rc-pull "$REGISTRY/test/httpd" >/dev/null
	umoci unpack --image "$RC_ROOT/images:$REGISTRY/test/httpd:latest" "$BATS_TEST_TMPDIR/bundle" >/dev/null
	[ -x "$BATS_TEST_TMPDIR/bundle/rootfs/usr/local/bin/busybox" ]
	grep -q 'hello from rc' "$BATS_TEST_TMPDIR/bundle/rootfs/var/www/index.html"
	[ -f "$BATS_TEST_TMPDIR/bundle/rootfs/etc/alpine-release" ]
}

@test "every blob of a pulled image is in the store and matches its digest" {
	rc-pull -q "$REGISTRY/test/httpd:latest" >/dev/null
	m=$(index_digest "$REGISTRY/test/httpd:latest")
	[ "$(blob_json "$m" | jq -r '.layers | length')" = 2 ]
	for d in $(blob_json "$m" | jq -r '.config.digest, .layers[].digest'); do
		[ -f "$RC_ROOT/images/blobs/sha256/${d#sha256:}" ]
	done
	assert_blobs_verified
	[ -z "$(ls "$RC_ROOT/images/ingest")" ]
}

@test "--root puts the store where it says, whatever RC_ROOT is" {
	rc-pull --root "$BATS_TEST_TMPDIR/other" "$REGISTRY/test/alpine:3.20" >/dev/null
	[ -f "$BATS_TEST_TMPDIR/other/images/index.json" ]
	[ ! -e "$RC_ROOT" ]
}

# The registry's digest of the amd64 image in test/multi (a Docker schema 2 manifest).
multi_amd64_digest() {
	skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/test/multi:latest" |
		jq -r '.manifests[] | select(.platform.architecture == "amd64") | .digest'
}

@test "a multi-platform index gives this machine's image, never the attestation" {
	run --separate-stderr rc-pull "$REGISTRY/test/multi"
	[ "$status" -eq 0 ]
	[ "$output" = "$REGISTRY/test/multi:latest@$(multi_amd64_digest)" ]
	m=$(index_digest "$REGISTRY/test/multi:latest")
	cfg=$(blob_json "$m" | jq -r .config.digest)
	[ "$(blob_json "$cfg" | jq -r .architecture)" = amd64 ]
	[ "$(blob_json "$cfg" | jq -r '.config.Cmd[0]')" = /bin/amd64 ]
}

@test "a Docker schema 2 image is stored in OCI form that skopeo and umoci read" {
	rc-pull "$REGISTRY/test/multi" >/dev/null
	m=$(index_digest "$REGISTRY/test/multi:latest")
	[ "$(jq -r '.manifests[0].mediaType' "$RC_ROOT/images/index.json")" = application/vnd.oci.image.manifest.v1+json ]
	[ "$(blob_json "$m" | jq -r '.layers[0].mediaType')" = application/vnd.oci.image.layer.v1.tar+gzip ]
	[ "$(blob_json "$m" | jq -r '.config.mediaType')" = application/vnd.oci.image.config.v1+json ]
	skopeo inspect "oci:$RC_ROOT/images:$REGISTRY/test/multi:latest" >/dev/null
	umoci unpack --image "$RC_ROOT/images:$REGISTRY/test/multi:latest" "$BATS_TEST_TMPDIR/b" >/dev/null
	[ -f "$BATS_TEST_TMPDIR/b/rootfs/etc/alpine-release" ]
	assert_blobs_verified
}

@test "--platform picks another platform's image from an index" {
	rc-pull --platform linux/arm64 "$REGISTRY/test/multi" >/dev/null
	m=$(index_digest "$REGISTRY/test/multi:latest")
	[ "$(blob_json "$m" | jq -r .mediaType)" = application/vnd.oci.image.manifest.v1+json ]
	cfg=$(blob_json "$m" | jq -r .config.digest)
	[ "$(blob_json "$cfg" | jq -r .architecture)" = arm64 ]
	rm -rf "$RC_ROOT"
	rc-pull --platform linux/arm64/v8 "$REGISTRY/test/multi" >/dev/null
	[ "$(index_digest "$REGISTRY/test/multi:latest")" = "$m" ]
}

@test "a Docker manifest list gives the requested platform's image" {
	fake_start "$MULTI"
	rc-pull "$FAKE/test/multi:list" >/dev/null
	cfg=$(blob_json "$(index_digest "$FAKE/test/multi:list")" | jq -r .config.digest)
	[ "$(blob_json "$cfg" | jq -r .architecture)" = amd64 ]
	rm -rf "$RC_ROOT"
	rc-pull --platform linux/arm64 "$FAKE/test/multi:list" >/dev/null
	cfg=$(blob_json "$(index_digest "$FAKE/test/multi:list")" | jq -r .config.digest)
	[ "$(blob_json "$cfg" | jq -r .architecture)" = arm64 ]
	run --separate-stderr rc-pull --platform linux/ppc64le "$FAKE/test/multi:list"
	[ "$status" -eq 1 ]
	[[ $stderr == *"no image for platform linux/ppc64le; the index has linux/arm64/v8, linux/amd64" ]]
}

@test "--platform naming another platform than a single image's is an error" {
	run --separate-stderr rc-pull --platform linux/arm64 "$REGISTRY/test/alpine:3.20"
	[ "$status" -eq 1 ]
	[[ $stderr == *"the image is for linux/amd64, not the platform linux/arm64 asked for"* ]]
	[ -z "$(ls "$RC_ROOT/images/blobs/sha256")" ]
	rc-pull --platform linux/amd64 "$REGISTRY/test/alpine:3.20" >/dev/null
}

@test "a platform the index lacks is an error listing the platforms it has" {
	run --separate-stderr rc-pull --platform linux/s390x "$REGISTRY/test/multi"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ $stderr == *"no image for platform linux/s390x"* ]]
	[[ $stderr == *"linux/arm64/v8"* ]]
	[[ $stderr == *"linux/amd64"* ]]
	[[ $stderr != *unknown* ]]
	assert_no_images
}

@test "a pull by digest is recorded under name@digest" {
	d=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/test/alpine:3.20" | jq -r .Digest)
	run --separate-stderr rc-pull "$REGISTRY/test/alpine@$d"
	[ "$status" -eq 0 ]
	[ "$output" = "$REGISTRY/test/alpine@$d" ]
	[ "$(index_refs)" = "$REGISTRY/test/alpine@$d" ]
	skopeo inspect "oci:$RC_ROOT/images:$REGISTRY/test/alpine@$d" >/dev/null
}

@test "a pull by the digest of an index stores the platform's manifest" {
	idx=$(skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/test/multi:latest" | sha256sum | cut -d' ' -f1)
	run --separate-stderr rc-pull "$REGISTRY/test/multi@sha256:$idx"
	[ "$status" -eq 0 ]
	[ "$output" = "$REGISTRY/test/multi@$(multi_amd64_digest)" ]
	m=$(index_digest "$REGISTRY/test/multi@sha256:$idx")
	[ "$(blob_json "$m" | jq -r .layers[0].mediaType)" = application/vnd.oci.image.layer.v1.tar+gzip ]
}

@test "an unknown tag is a clear error and leaves the store as it was" {
	rc-pull "$REGISTRY/test/alpine:3.20" >/dev/null
	before=$(store_state)
	run --separate-stderr rc-pull "$REGISTRY/test/alpine:nope"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ $stderr == "rc-pull: pulling $REGISTRY/test/alpine:nope: "*"404 Not Found: manifest unknown"* ]]
	[ "$(store_state)" = "$before" ]
}

@test "a malformed reference is a usage error" {
	run --separate-stderr rc-pull "$REGISTRY/Test/Alpine"
	[ "$status" -eq 2 ]
	[[ $stderr == *"invalid reference format"*"lowercase"* ]]
	run --separate-stderr rc-pull 'alpine@sha256:1234'
	[ "$status" -eq 2 ]
	[[ $stderr == *"invalid reference format"* ]]
	[ ! -e "$RC_ROOT" ]
}

@test "bad options and arguments are usage errors" {
	run rc-pull
	[ "$status" -eq 2 ]
	[[ $output == *"missing IMAGE"* ]]
	run rc-pull a b
	[ "$status" -eq 2 ]
	run rc-pull --jobs 0 alpine
	[ "$status" -eq 2 ]
	run rc-pull --jobs x alpine
	[ "$status" -eq 2 ]
	run rc-pull --platform linux alpine
	[ "$status" -eq 2 ]
	[[ $output == *"os/arch"* ]]
	run rc-pull --creds nocolon alpine
	[ "$status" -eq 2 ]
	run rc-pull --bogus alpine
	[ "$status" -eq 2 ]
	[ ! -e "$RC_ROOT" ]
}

@test "--help and --version print to stdout and exit 0" {
	run --separate-stderr rc-pull --help
	[ "$status" -eq 0 ]
	[[ $output == "Usage: rc-pull"* ]]
	[[ $output == *--platform* && $output == *--creds* && $output == *--jobs* ]]
	run --separate-stderr rc-pull --version
	[ "$status" -eq 0 ]
	[[ $output == "rc-pull "[0-9]* ]]
}

@test "a blob corrupted in the registry fails the pull and keeps nothing of it" {
	d=$(skopeo inspect --tls-verify=false "docker://$REGISTRY/test/corrupt:latest" | jq -r '.Layers[0]')
	data=$(find "$REGISTRY_DIR/data" -path "*/blobs/sha256/*/${d#sha256:}/data")
	[ -f "$data" ]
	cp "$data" "$BATS_TEST_TMPDIR/saved"
	printf 'X' | dd of="$data" bs=1 seek=100 conv=notrunc status=none
	run --separate-stderr rc-pull "$REGISTRY/test/corrupt:latest"
	cp "$BATS_TEST_TMPDIR/saved" "$data"
	[ "$status" -eq 1 ]
	[[ $stderr == *"$d"*"does not match its digest"* ]]
	[ -z "$(ls "$RC_ROOT/images/blobs/sha256")" ]
	assert_no_images
	[ ! -e "$RC_ROOT/images/ingest/${d#sha256:}" ]
	[ -z "$(ls "$RC_ROOT/images/ingest" | grep pull)" ]
}

@test "pulling again downloads nothing that is already in the store" {
	fake_start "$TEST_IMAGES/oci"
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	[ "$(blob_gets)" -eq 3 ]
	: >"$FAKE_LOG"
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	[ "$(blob_gets)" -eq 0 ]
}

@test "an image sharing a base layer downloads only what is new" {
	fake_start "$TEST_IMAGES/oci"
	rc-pull "$FAKE/test/alpine:alpine" >/dev/null
	: >"$FAKE_LOG"
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	[ "$(blob_gets)" -eq 2 ] # the httpd config and its busybox layer
	[ "$(index_refs | wc -l)" -eq 2 ]
}

@test "blobs download in parallel, up to --jobs at once" {
	fake_start "$TEST_IMAGES/oci" --slow-blobs 0.5
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	grep -q '^inflight=3$' "$FAKE_LOG" # the config and both layers at once
	rm -rf "$RC_ROOT"
	: >"$FAKE_LOG"
	rc-pull --jobs 1 "$FAKE/test/httpd:httpd" >/dev/null
	[ "$(grep -c '^inflight=1$' "$FAKE_LOG")" -eq 3 ]
	[ "$(grep -c '^inflight=[2-9]' "$FAKE_LOG")" -eq 0 ]
}

@test "a registry asking for Basic auth without credentials is a clear error" {
	fake_start "$TEST_IMAGES/oci" --basic user:secret
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"user name and password"*"--creds"* ]]
	[ ! -e "$RC_ROOT" ]
}

@test "--creds answers a Basic challenge; wrong ones are refused" {
	fake_start "$TEST_IMAGES/oci" --basic user:secret
	run --separate-stderr rc-pull --creds user:wrong "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"refused the credentials"* ]]
	rc-pull --creds user:secret "$FAKE/test/alpine:alpine" >/dev/null
	[ "$(index_refs)" = "$FAKE/test/alpine:alpine" ]
	grep -q "^GET /v2/test/alpine/manifests/alpine 200 .* auth=Basic" "$FAKE_LOG"
}

@test "credentials come from the docker config's auths" {
	fake_start "$TEST_IMAGES/oci" --basic user:s3cr:et
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
	mkdir -p "$DOCKER_CONFIG"
	printf '{"auths":{"other:1":{"auth":"eDp5"},"http://%s":{"auth":"%s"}}}' \
		"$FAKE" "$(printf user:s3cr:et | base64)" >"$DOCKER_CONFIG/config.json"
	rc-pull "$FAKE/test/alpine:alpine" >/dev/null
	rm -rf "$RC_ROOT"
	printf '{"auths":{"%s":{"username":"user","password":"s3cr:et"}}}' "$FAKE" >"$DOCKER_CONFIG/config.json"
	rc-pull "$FAKE/test/alpine:alpine" >/dev/null
	rm -rf "$RC_ROOT"
	echo '{"auths":' >"$DOCKER_CONFIG/config.json"
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"config.json"* ]]
}

@test "the Bearer token flow works anonymously" {
	fake_start "$TEST_IMAGES/oci" --bearer
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 0 ]
	grep -q '^GET /token?service=fake-registry&scope=repository%3Atest%2Falpine%3Apull 200 .*auth=-' "$FAKE_LOG"
	grep -q '^GET /v2/test/alpine/manifests/alpine 200 .* auth=Bearer' "$FAKE_LOG"
	grep -q '^GET /v2/test/alpine/blobs/.* 200 .* auth=Bearer' "$FAKE_LOG"
}

@test "a token that expires during the pull is renewed" {
	fake_start "$TEST_IMAGES/oci" --bearer --expire-token 2
	rc-pull -j 1 "$FAKE/test/httpd:httpd" >/dev/null
	[ "$(grep -c '^GET /token.* 200 ' "$FAKE_LOG")" -ge 2 ]
	grep -q '^GET /v2/test/httpd/blobs/.* 401 .*auth=Bearer' "$FAKE_LOG"
	assert_blobs_verified
}

@test "a token service that wants credentials gets them, and refuses wrong ones" {
	fake_start "$TEST_IMAGES/oci" --bearer --token-creds robot:pw
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"token"*"401"*"incorrect username or password"* ]]
	run --separate-stderr rc-pull --creds robot:bad "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	rc-pull --creds robot:pw "$FAKE/test/alpine:alpine" >/dev/null
	grep -q '^GET /token.* 200 .*auth=Basic' "$FAKE_LOG"
}

@test "429 Too Many Requests is retried after Retry-After" {
	fake_start "$TEST_IMAGES/oci" --status 429 --retry-after 1 --times 2
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 0 ]
	[ "$(grep -c ' 429 ' "$FAKE_LOG")" -eq 2 ]
	assert_blobs_verified
}

@test "500 answers are retried with backoff" {
	fake_start "$TEST_IMAGES/oci" --status 500 --times 2
	rc-pull "$FAKE/test/alpine:alpine" >/dev/null
	[ "$(grep -c ' 500 ' "$FAKE_LOG")" -eq 2 ]
}

@test "a registry that keeps failing gives up with its error" {
	fake_start "$TEST_IMAGES/oci" --status 503 --times 100
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"503 Service Unavailable: injected failure"* ]]
	[ "$(grep -c ' 503 ' "$FAKE_LOG")" -eq 5 ]
}

@test "a connection dropped half-way through a blob resumes with a Range request" {
	fake_start "$TEST_IMAGES/oci" --drop
	big=$(largest_blob "$TEST_IMAGES/oci")
	run --separate-stderr rc-pull "$FAKE/test/httpd:httpd"
	[ "$status" -eq 0 ]
	grep -q "^dropped sha256:$big after" "$FAKE_LOG"
	half=$(( $(stat -c %s "$TEST_IMAGES/oci/blobs/sha256/$big") / 2 ))
	grep -q "^GET /v2/test/httpd/blobs/sha256:$big 206 .*range=bytes=$half-" "$FAKE_LOG"
	assert_blobs_verified
}

@test "a server answering a Range request with 200 restarts the blob" {
	fake_start "$TEST_IMAGES/oci" --drop --ignore-range
	big=$(largest_blob "$TEST_IMAGES/oci")
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	grep -q "^GET /v2/test/httpd/blobs/sha256:$big 200 .*range=bytes=" "$FAKE_LOG"
	assert_blobs_verified
}

@test "a 206 that does not start where the download stopped restarts the blob" {
	fake_start "$TEST_IMAGES/oci" --drop --bad-range
	big=$(largest_blob "$TEST_IMAGES/oci")
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	grep -q "^GET /v2/test/httpd/blobs/sha256:$big 206 .*range=bytes=[1-9]" "$FAKE_LOG"
	assert_blobs_verified
}

@test "a partial download left by an earlier pull is resumed" {
	fake_start "$TEST_IMAGES/oci"
	big=$(largest_blob "$TEST_IMAGES/oci")
	mkdir -p "$RC_ROOT/images/ingest" "$RC_ROOT/images/blobs/sha256"
	head -c 1000 "$TEST_IMAGES/oci/blobs/sha256/$big" >"$RC_ROOT/images/ingest/$big"
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	grep -q "^GET /v2/test/httpd/blobs/sha256:$big 206 .*range=bytes=1000-" "$FAKE_LOG"
	assert_blobs_verified
	[ ! -e "$RC_ROOT/images/ingest/$big" ]
}

@test "blob redirects to another host are followed without the credentials" {
	fake_start "$TEST_IMAGES/oci" --bearer --redirect-blobs
	run --separate-stderr rc-pull "$FAKE/test/httpd:httpd"
	[ "$status" -eq 0 ]
	grep -q '^GET /v2/test/httpd/blobs/.* 307 host=127.0.0.1 auth=Bearer' "$FAKE_LOG"
	grep -q '^GET /redirected/.* 200 host=127.0.0.2 auth=-' "$FAKE_LOG"
	[ "$(grep -c 'host=127.0.0.2 auth=Bearer' "$FAKE_LOG")" -eq 0 ]
	assert_blobs_verified
}

@test "a manifest that does not match the registry's Docker-Content-Digest is refused" {
	fake_start "$TEST_IMAGES/oci" --bad-digest-header
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"the manifest of alpine hashes to sha256:"*"not the sha256:"*"the registry gives for it"* ]]
	[ ! -e "$RC_ROOT" ]
}

@test "a Docker schema 1 manifest is refused with a clear message" {
	fake_start "$TEST_IMAGES/oci" --schema1
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"schema 1"*"not supported"* ]]
	assert_no_images
}

@test "a blob whose bytes do not match its digest is not kept" {
	fake_start "$TEST_IMAGES/oci" --corrupt
	big=$(largest_blob "$TEST_IMAGES/oci")
	run --separate-stderr rc-pull "$FAKE/test/httpd:httpd"
	[ "$status" -eq 1 ]
	[[ $stderr == *"sha256:$big"*"does not match its digest"*"nothing was kept"* ]]
	[ ! -e "$RC_ROOT/images/blobs/sha256/$big" ]
	[ ! -e "$RC_ROOT/images/ingest/$big" ]
	[ -z "$(ls "$RC_ROOT/images/blobs/sha256")" ]
	assert_no_images
}

@test "a registry that goes away mid-pull is an error and leaves the store as it was" {
	fake_start "$TEST_IMAGES/oci" --exit-on-blob
	mkdir -p "$RC_ROOT"
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"fetching blob sha256:"*"onnect"* ]]
	[ -z "$(ls "$RC_ROOT/images/blobs/sha256")" ]
	assert_no_images
	[ -z "$(ls -A "$RC_ROOT/images/ingest" | grep pull)" ]
}

@test "verified blobs of a failed pull are reused by the next one" {
	fake_start "$TEST_IMAGES/oci" --corrupt
	big=$(largest_blob "$TEST_IMAGES/oci")
	run rc-pull -j 1 "$FAKE/test/httpd:httpd"
	[ "$status" -eq 1 ]
	[ -z "$(ls "$RC_ROOT/images/blobs/sha256")" ]
	fake_stop
	fake_start "$TEST_IMAGES/oci"
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	# what the failed pull verified is not downloaded again
	[ "$(blob_gets)" -lt 3 ]
	grep -q "blobs/sha256:$big 200" "$FAKE_LOG"
	assert_blobs_verified
}

@test "concurrent pulls of the same image all succeed" {
	fake_start "$TEST_IMAGES/oci"
	pids=()
	for i in 1 2 3 4; do
		rc-pull -q "$FAKE/test/httpd:httpd" >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	for i in 1 2 3 4; do grep -q "^$FAKE/test/httpd:httpd@sha256:" "$BATS_TEST_TMPDIR/out.$i"; done
	[ "$(index_refs)" = "$FAKE/test/httpd:httpd" ]
	[ "$(ls "$RC_ROOT/images/blobs/sha256" | wc -l)" -eq 4 ]
	assert_blobs_verified
	skopeo inspect "oci:$RC_ROOT/images:$FAKE/test/httpd:httpd" >/dev/null
}

@test "concurrent pulls of different images are all recorded" {
	pids=()
	for ref in test/alpine:3.20 test/httpd:latest test/multi:latest test/corrupt:latest; do
		rc-pull -q "$REGISTRY/$ref" >/dev/null &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	[ "$(index_refs | grep -v @ | sort | tr '\n' ' ')" = "$REGISTRY/test/alpine:3.20 $REGISTRY/test/corrupt:latest $REGISTRY/test/httpd:latest $REGISTRY/test/multi:latest " ]
	assert_blobs_verified
	umoci ls --layout "$RC_ROOT/images" >/dev/null
}

@test "progress lines appear on a terminal, nothing on a pipe or with --quiet" {
	run --separate-stderr rc-pull "$REGISTRY/test/httpd:latest"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	rm -rf "$RC_ROOT"
	script -qec "rc-pull $REGISTRY/test/httpd:latest" /dev/null >"$BATS_TEST_TMPDIR/tty" </dev/null
	grep -q 'Download complete' "$BATS_TEST_TMPDIR/tty"
	grep -q "Pulling $REGISTRY/test/httpd:latest" "$BATS_TEST_TMPDIR/tty"
	rm -rf "$RC_ROOT"
	rc-pull -q "$REGISTRY/test/alpine:3.20" >/dev/null
	script -qec "rc-pull $REGISTRY/test/httpd:latest" /dev/null >"$BATS_TEST_TMPDIR/tty" </dev/null
	grep -q 'Already exists' "$BATS_TEST_TMPDIR/tty"
	rm -rf "$RC_ROOT"
	script -qec "rc-pull -q $REGISTRY/test/httpd:latest 2>&1 >/dev/null" /dev/null >"$BATS_TEST_TMPDIR/tty" </dev/null
	[ ! -s "$BATS_TEST_TMPDIR/tty" ]
}

make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1,IP:127.0.0.2 \
		-keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" 2>/dev/null
}

@test "a registry whose TLS certificate cannot be verified is refused" {
	make_cert
	fake_start "$TEST_IMAGES/oci" --tls "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem"
	run --separate-stderr rc-pull "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"https://$FAKE"*"certificate"* ]]
	assert_no_images
}

@test "--insecure pulls over HTTPS from a registry with a self-signed certificate" {
	make_cert
	fake_start "$TEST_IMAGES/oci" --tls "$BATS_TEST_TMPDIR/cert.pem" "$BATS_TEST_TMPDIR/key.pem" --bearer
	run --separate-stderr rc-pull --insecure "$FAKE/test/httpd:httpd"
	[ "$status" -eq 0 ]
	[[ $output == "$FAKE/test/httpd:httpd@sha256:"* ]]
	grep -q '^GET /v2/test/httpd/blobs/.* 200 .*auth=Bearer' "$FAKE_LOG"
	assert_blobs_verified
}

@test "blobs a killed pull had verified are reused, and its staging is cleaned up" {
	fake_start "$TEST_IMAGES/oci"
	big=$(largest_blob "$TEST_IMAGES/oci")
	mkdir -p "$RC_ROOT/images/ingest/pull.dead01" "$RC_ROOT/images/blobs/sha256"
	cp "$TEST_IMAGES/oci/blobs/sha256/$big" "$RC_ROOT/images/ingest/pull.dead01/"
	rc-pull "$FAKE/test/httpd:httpd" >/dev/null
	[ "$(grep -c "blobs/sha256:$big" "$FAKE_LOG")" -eq 0 ]
	[ "$(blob_gets)" -eq 2 ]
	[ -z "$(ls -A "$RC_ROOT/images/ingest")" ]
	assert_blobs_verified
}

@test "--creds-file reads USER:PASS from a file or standard input, out of sight of ps" {
	fake_start "$TEST_IMAGES/oci" --basic user:secret
	printf 'user:wrong\n' >"$BATS_TEST_TMPDIR/creds"
	run --separate-stderr rc-pull --creds-file "$BATS_TEST_TMPDIR/creds" "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"refused the credentials"* ]]
	printf 'user:secret\n' >"$BATS_TEST_TMPDIR/creds"
	rc-pull --creds-file "$BATS_TEST_TMPDIR/creds" "$FAKE/test/alpine:alpine" >/dev/null
	rm -rf "$RC_ROOT"
	echo user:secret | rc-pull --creds-file - "$FAKE/test/alpine:alpine" >/dev/null
	[ "$(index_refs)" = "$FAKE/test/alpine:alpine" ]
	run --separate-stderr rc-pull --creds-file "$BATS_TEST_TMPDIR/none" "$FAKE/test/alpine:alpine"
	[ "$status" -eq 1 ]
	[[ $stderr == *"reading credentials from $BATS_TEST_TMPDIR/none: No such file"* ]]
	run --separate-stderr rc-pull --creds-file - "$FAKE/test/alpine:alpine" </dev/null
	[ "$status" -eq 1 ]
	[[ $stderr == *"standard input: it is empty"* ]]
}

@test "a password given with --creds is gone from the command line once read" {
	fake_start "$TEST_IMAGES/oci" --basic user:secret --slow-blobs 2
	rc-pull --creds user:secret "$FAKE/test/alpine:alpine" >/dev/null &
	pid=$!
	sleep 1
	run cat "/proc/$pid/cmdline"
	wait "$pid"
	[[ $output != *secret* ]]
}
