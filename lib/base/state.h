/* state.h - where rc keeps its state, and the names that may reach a path.
 *
 *   $RC_ROOT (default /var/lib/rc; --root overrides)
 *     images/            OCI image layout (store.h)
 *     containers/NAME/   one OCI bundle per container
 *     net/               leases and network state
 */
#ifndef RC_STATE_H
#define RC_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define RC_DEFAULT_ROOT "/var/lib/rc"

/* The files of containers/NAME; rc(7) says who writes and who reads each. */
#define RC_FILE_CONFIG      "config.json"  /* the OCI runtime config */
#define RC_FILE_ROOTFS      "rootfs"       /* the root filesystem */
#define RC_FILE_IMAGE       "image"        /* "REFERENCE DIGEST" it was made from */
#define RC_FILE_PID         "pid"          /* its first process, while it runs */
#define RC_FILE_MONITOR     "monitor"      /* "PID STARTTIME" of its supervisor */
#define RC_FILE_STARTED     "started"      /* when it last started (epoch s) */
#define RC_FILE_EXIT        "exit"         /* its last exit status */
#define RC_FILE_FINISHED    "finished"     /* when it last ended (epoch s) */
#define RC_FILE_RESTARTS    "restarts"     /* restarts so far */
#define RC_FILE_RESTARTING  "restarting"   /* marker: waiting to restart */
#define RC_FILE_STOPPING    "stopping"     /* marker: rc-stop asked, no restart */
#define RC_FILE_NETNS       "netns"        /* bind mount of its network namespace */
#define RC_FILE_NETNS_OWNER "netns.owner"  /* marker: rc-unshare made that pin */
#define RC_FILE_NET_ENV     "net.env"      /* rc-net-up's KEY=VALUE lines */
#define RC_FILE_LOG         "log"          /* a detached container's output */
#define RC_FILE_HEALTH      "health"       /* its healthcheck's state (lifecycle/health.h) */
#define RC_FILE_OOM         "oom"          /* OOM kills in its last run, when any */
#define RC_FILE_ETC_OWNER   "etc.owner"    /* which of hostname/hosts/resolv.conf rc-unshare wrote */
#define RC_FILE_OPTIONS     "options"      /* the options it was started with (options.h) */
#define RC_NAME_MAX 64

/* The state root: the --root argument if given, else $RC_ROOT, else the
 * default. The result is static storage or the argument itself. */
const char *rc_root(const char *root_opt);

/* A container name is [A-Za-z0-9][A-Za-z0-9_.-]{0,63}. */
bool rc_name_valid(const char *name);
/* Returns -1 with a message naming the rule when name is not valid. */
int rc_name_check(const char *name, struct rc_err *e);

/* A digest rc will put in a path: "sha256:" and 64 lowercase hex digits. */
bool rc_digest_valid(const char *digest);

/* The leaf of a container's cgroup below rc/: NAME for the default root,
 * NAME@XXXXXXXX (a hash of the root's real path) for any other, so that two
 * state roots holding a container of one name never share a cgroup. */
#define RC_CGROUP_LEAF_MAX (RC_NAME_MAX + 10)
void rc_cgroup_leaf(const char *root, const char *name, char out[static RC_CGROUP_LEAF_MAX]);

/* Open (creating with mode 0700 when create is set) $root/sub and return a
 * directory descriptor; sub may be "" for the root itself. */
int rc_state_dir(const char *root, const char *sub, bool create, struct rc_err *e);

#endif
