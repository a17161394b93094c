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
