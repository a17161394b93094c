/* state.h - rc-oci's record of each container, under its --root.
 *
 *   ROOT (default /run/rc-oci; 0700)
 *     ID/                   one directory per container id (0700)
 *       state.json          written once create has the process: id, pid and
 *                           the process's start time (so that a reused pid is
 *                           never taken for it), bundle, rootfs, created,
 *                           owner, annotations, the cgroup directories made
 *       config.json         the config as create read it (exec, update and
 *                           delete's poststop hooks read this copy)
 *       start               the socket the created process waits on; start
 *                           connects to it and removes it
 *     seccomp-HASH.bpf      compiled seccomp filters, shared (sysfilter.h)
 *
 * The status is never stored: "created" while the process lives and start
 * is there, "running" once it is gone, "paused" while the cgroup is
 * frozen, "stopped" when the process has ended (a zombie included), as
 * runc reports them. Nothing else of rc's state ($RC_ROOT) is involved.
 */
#ifndef RC_OCI_STATE_H
#define RC_OCI_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

#define RC_OCI_DEFAULT_ROOT "/run/rc-oci"
#define RC_OCI_ID_MAX 255
#define RC_OCI_STATE "state.json"
#define RC_OCI_CONFIG "config.json"
#define RC_OCI_START "start"
/* The runtime-spec version rc-oci implements and reports. */
#define RC_OCI_VERSION "1.0.2"

enum rc_oci_status { RC_OCI_CREATING, RC_OCI_CREATED, RC_OCI_RUNNING, RC_OCI_PAUSED, RC_OCI_STOPPED };

struct rc_oci_ctr {
	char id[RC_OCI_ID_MAX + 1];
	int dir_fd;                /* ROOT/ID */
	int root_fd;               /* ROOT */
	pid_t pid;                 /* 0 until create has it */
	unsigned long long pid_start; /* its start time, clock ticks since boot */
	char *bundle, *rootfs;
	char created[48];          /* RFC 3339, UTC, nanoseconds */
	json_t *annotations;       /* an object (a reference we hold) */
	char **cgroups;            /* the cgroup directories made, NULL-terminated */
	int cgroup_version;        /* 1 or 2 */
	bool systemd;              /* --systemd-cgroup at create */
};
#define RC_OCI_CTR_INIT { .dir_fd = -1, .root_fd = -1 }

/* "created", "running"... */
const char *rc_oci_status_name(enum rc_oci_status s);

/* An id is [A-Za-z0-9_+.-]{1,255}, neither "." nor "..". */
int rc_oci_id_check(const char *id, struct rc_err *e);

/* Open ROOT (made 0700 when create is set and it is missing). */
int rc_oci_root_open(const char *root, bool create, struct rc_err *e);

/* Make ROOT/ID for a new container: "container with id exists: ID" when
 * there is one. */
int rc_oci_ctr_new(const char *root, const char *id, struct rc_oci_ctr *c, struct rc_err *e);

/* Open ROOT/ID and read its state: "container \"ID\" does not exist". */
int rc_oci_ctr_open(const char *root, const char *id, struct rc_oci_ctr *c, struct rc_err *e);

/* Write state.json (atomically). */
int rc_oci_ctr_save(const struct rc_oci_ctr *c, struct rc_err *e);

/* An exclusive lock on ROOT/ID for the rest of the process (start,
 * delete and kill --all do not overlap). */
int rc_oci_ctr_lock(const struct rc_oci_ctr *c, struct rc_err *e);

enum rc_oci_status rc_oci_ctr_status(const struct rc_oci_ctr *c);

/* A pidfd of the container's process, proven to be it (its start time
 * read again once the pidfd holds it); -1 with ESRCH in e->code when it
 * has ended. */
int rc_oci_ctr_pidfd(const struct rc_oci_ctr *c, struct rc_err *e);

/* The state as runc prints it (ociVersion, id, pid, status, bundle,
 * rootfs, created, owner, annotations); a new reference. */
json_t *rc_oci_state_json(const struct rc_oci_ctr *c, enum rc_oci_status s);

/* The state the hooks read on stdin (ociVersion, id, status, pid, bundle,
 * annotations), as compact JSON text (malloc'd). */
char *rc_oci_hook_state(const struct rc_oci_ctr *c, const char *status);

/* Remove ROOT/ID and everything in it. */
int rc_oci_ctr_remove(struct rc_oci_ctr *c, struct rc_err *e);

/* The ids under ROOT, sorted (NULL-terminated, malloc'd). */
int rc_oci_list_ids(const char *root, char ***ret, struct rc_err *e);

void rc_oci_ctr_close(struct rc_oci_ctr *c);
#define _cleanup_oci_ctr_ __attribute__((cleanup(rc_oci_ctr_close)))

#endif
