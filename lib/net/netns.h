/* netns.h - finding, making and pinning a container's network namespace.
 *
 * The container directory may hold "netns", a bind mount of the namespace
 * (made by rc-net-up before the container runs, or by rc-unshare), and
 * "pid", the pid of the running container's first process.
 */
#ifndef RC_NETNS_H
#define RC_NETNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"

/* Is dirfd/name a pinned namespace (a bind mount of an nsfs file)? */
bool rc_netns_is_pinned(int dirfd, const char *name);

/* Open the network namespace of the container at cdirfd: its pinned
 * "netns", else its running process's from "pid", else (when create is
 * set) a new one pinned at "netns", setting *ret_created. Returns the
 * namespace's descriptor. */
int rc_netns_open(int cdirfd, bool create, bool *ret_created, struct rc_err *e);

/* Unpin cdirfd/"netns": unmount it and remove the file. */
int rc_netns_unpin(int cdirfd, struct rc_err *e);

/* rc-unshare's side: the namespace it makes when none is pinned. */
enum rc_net_mode { RC_NET_DEFAULT, RC_NET_HOST, RC_NET_NONE };

/* Open dirfd/"netns" when it is a mounted network namespace; -1 (no error)
 * when there is none, < -1 on error. */
int rc_netns_open_pinned(int dirfd, struct rc_err *e);

/* Pin the network namespace of pid at dirfd/"netns" and record in
 * netns.owner that rc-unshare made it. */
int rc_netns_pin(int dirfd, pid_t pid, struct rc_err *e);

/* Remove the pin only if rc-unshare made it (netns.owner); leave
 * rc-net-up's. */
int rc_netns_unpin_owned(int dirfd, struct rc_err *e);

/* Bring up lo in the calling process's network namespace. */
int rc_netns_lo_up(struct rc_err *e);

#endif
