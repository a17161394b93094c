/* netns.h - finding, making and pinning a container's network namespace.
 *
 * The container directory may hold "netns", a bind mount of the namespace
 * (made by rc-net-up before the container runs, or by rc-unshare), and
 * "pid", the pid of the running container's first process.
 */
#ifndef RC_NETNS_H
#define RC_NETNS_H

#include <stdbool.h>

#include "err.h"

/* Is dirfd/name a pinned namespace (a bind mount of an nsfs file)? */
bool rc_netns_is_pinned(int dirfd, const char *name);

/* Open the network namespace of the container at cdirfd: its pinned
 * "netns", else its running process's from "pid", else (when create is
 * set) a new one pinned at "netns", setting *ret_created. Returns the
 * namespace's descriptor. */
int rc_netns_open(int cdirfd, bool create, bool *ret_created, struct rc_err *e);

/* Unpin cdirfd/"netns": unmount it and remove the file. */
int rc_netns_unpin(int cdirfd, struct rc_err *e);

#endif
