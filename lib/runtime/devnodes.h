/* devnodes.h - device nodes a container gets besides the standard ones:
 * the config's linux.devices, docker's --device HOST[:CONTAINER[:PERMS]]
 * and --privileged's every device of the host.
 *
 * The nodes are the host's as they are now (type, major, minor, mode,
 * owner), made with mknod in the container's filesystem when it is set up
 * (so /dev, the container's tmpfs, holds them); --device also allows them
 * in the device cgroup with PERMS (default rwm), as docker does.
 */
#ifndef RC_DEVNODES_H
#define RC_DEVNODES_H

#include "base/err.h"
#include "runtime/spec.h"

/* --device: the host's device node host (a directory: every device below
 * it) at dest inside the container (NULL: the same path), allowed with
 * access (RC_DEV_* bits). A host path that is no device is an error. */
int rc_devnode_add_host(struct rc_spec *s, const char *host, const char *dest, unsigned access,
			struct rc_err *e);

/* --privileged: every device node under the host's /dev (but its pts,
 * shm, mqueue and fd, and console, as docker), none allowed by a rule of
 * its own (the caller allows all). */
int rc_devnode_add_all_host(struct rc_spec *s, struct rc_err *e);

/* Make s's nodes below rootfd (the container's root, its /dev mounted),
 * each resolved inside it; a path that exists already is left as it is
 * (runc's rule). Run by the container's first process, before pivot_root. */
int rc_devnodes_make(int rootfd, const struct rc_spec *s, struct rc_err *e);

#endif
