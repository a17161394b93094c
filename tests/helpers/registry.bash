# registry.bash - a real OCI registry (Debian's docker-registry) on loopback
# for one bats file. Call registry_start in setup_file and registry_stop in
# teardown_file. Exports REGISTRY (127.0.0.1:PORT), REGISTRY_DIR (its
# storage, for tests that corrupt blobs) and REGISTRY_PID.

free_port() {
	local port
	for _ in $(seq 200); do
		port=$((20000 + RANDOM % 40000))
		ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return 0; }
	done
	return 1
}

registry_start() {
	local port conf
	REGISTRY_DIR=$(mktemp -d /tmp/rc-registry.XXXXXX)
	port=$(free_port)
	conf=$REGISTRY_DIR/config.yml
	cat >"$conf" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YML
	docker-registry serve "$conf" >"$REGISTRY_DIR/log" 2>&1 &
	REGISTRY_PID=$!
	REGISTRY=127.0.0.1:$port
	export REGISTRY REGISTRY_DIR REGISTRY_PID
	for _ in $(seq 100); do
		curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 && return 0
		kill -0 "$REGISTRY_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "registry did not start on $REGISTRY:" >&2
	cat "$REGISTRY_DIR/log" >&2
	return 1
}

registry_stop() {
	if [ -n "${REGISTRY_PID:-}" ]; then
		kill "$REGISTRY_PID" 2>/dev/null
		wait "$REGISTRY_PID" 2>/dev/null
	fi
	[ -n "${REGISTRY_DIR:-}" ] && rm -rf "$REGISTRY_DIR"
	unset REGISTRY_PID REGISTRY_DIR
}

# registry_push LAYOUT_DIR TAG REPO:TAG  (an index is pushed with all its images)
registry_push() {
	skopeo copy -q --all --dest-tls-verify=false "oci:$1:$2" "docker://$REGISTRY/$3" >/dev/null
}
