/* container.h - create, start and run: a container's first process, from
 * the bundle to its exec, split as runc splits it.
 *
 * create makes ROOT/ID (state.h), the cgroup (cgroup.h) and the process:
 * cloned into the container's new namespaces (or, for those with a path,
 * joining them: a pid namespace to share is entered at the clone), put in
 * its cgroup, it builds its filesystem (mounts.h), makes the config's device
 * nodes, lets create run the prestart and createRuntime hooks and then runs
 * the createContainer hooks itself, pivots into the root, takes its
 * terminal (sent to --console-socket), sets its limits, user, capabilities
 * and working directory, finds its command, and waits, not dumpable and
 * holding nothing of the runtime's but the socket it waits on, until start.
 * create returns then: the process is the caller's (the engine's shim, a
 * child subreaper, takes it as its own child and reaps it), and its stdio
 * the caller's stdio. The child is rc-unshare's (child.h), with rc-oci's
 * steps as its ops.
 *
 * start connects to ROOT/ID/start: the process runs the startContainer
 * hooks, loads the seccomp filter that no_new_privs defers, and execs the
 * command through its descriptor inside the root; start returns once the
 * exec has happened (the connection closes on exec) or with the reason it
 * could not, and then runs the poststart hooks.
 *
 * run is both; in the foreground it stays the process's parent, relays its
 * terminal when there is no console socket, passes signals on, and deletes
 * the container when it ends, returning its status.
 */
#ifndef RC_OCI_CONTAINER_H
#define RC_OCI_CONTAINER_H

#include <stdbool.h>

#include "base/err.h"

struct rc_oci_create {
	const char *root;            /* --root */
	const char *id;
	const char *bundle;          /* --bundle (default: the working directory) */
	const char *pid_file;        /* --pid-file, NULL: none */
	const char *console_socket;  /* --console-socket, NULL: none */
	int preserve_fds;            /* --preserve-fds */
	bool no_pivot, no_new_keyring, systemd;
};

int rc_oci_create(const struct rc_oci_create *o, struct rc_err *e);

int rc_oci_start(const char *root, const char *id, struct rc_err *e);

/* detach (-d): return once it runs; else *ret_status is its status (128+N
 * for signal N) and the container is deleted after, unless keep. */
int rc_oci_run(const struct rc_oci_create *o, bool detach, bool keep, int *ret_status, struct rc_err *e);

#endif
