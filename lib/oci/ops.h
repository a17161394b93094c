/* ops.h - what rc-oci does to a container that exists: state, list, kill,
 * delete, pause, resume, ps, update (runc's verbs, runc's messages).
 */
#ifndef RC_OCI_OPS_H
#define RC_OCI_OPS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/err.h"

/* runc's state JSON of one container, indented, to out. */
int rc_oci_state(const char *root, const char *id, FILE *out, struct rc_err *e);

enum rc_oci_list_format { RC_OCI_LIST_TABLE, RC_OCI_LIST_JSON, RC_OCI_LIST_QUIET };
int rc_oci_list(const char *root, enum rc_oci_list_format f, FILE *out, struct rc_err *e);

/* Signal the container's process (all: every process in its cgroup). A
 * created container may be signalled too; a stopped one is "container not
 * running" (what containerd's shim recognises). */
int rc_oci_kill(const char *root, const char *id, int sig, bool all, struct rc_err *e);

/* Remove a created or stopped container (force: a running one too, killed
 * first): its processes, cgroup and state, then its poststop hooks. A
 * missing one is an error unless force. */
int rc_oci_delete(const char *root, const char *id, bool force, struct rc_err *e);

int rc_oci_pause(const char *root, const char *id, bool pause, struct rc_err *e);

/* The pids in the container's cgroup: as a JSON array (json), or the
 * lines of ps(1) run with ps_args (NULL: -ef) that are its processes. */
int rc_oci_ps(const char *root, const char *id, bool json, char *const *ps_args, FILE *out,
	      struct rc_err *e);

/* Write a linux.resources object (JSON text) into the container's cgroup. */
int rc_oci_update(const char *root, const char *id, const char *resources, struct rc_err *e);

#endif
