/* hooks.h - an OCI config's hooks, run as the runtime spec says.
 *
 * Each hook is an absolute path, args (argv[0] included) and env, with an
 * optional timeout in seconds; it gets the container's state as JSON on
 * stdin (state.h's rc_oci_hook_state). When each kind runs, and where:
 *
 *   prestart, createRuntime   by create, in rc-oci's namespaces, once the
 *                             container's namespaces and mounts exist, before
 *                             pivot_root (docker's networking is a prestart
 *                             hook that joins the process's network namespace)
 *   createContainer           by the container's process, in its namespaces,
 *                             before pivot_root (paths still the host's)
 *   startContainer            by the container's process after start, inside
 *                             the container (its paths), just before the exec
 *   poststart                 by start once the process runs
 *   poststop                  by delete, once the container is gone
 *
 * A failing prestart, createRuntime, createContainer or startContainer hook
 * fails the create (or start) with its status and what it wrote; a failing
 * poststart or poststop hook is a warning, and the others still run.
 */
#ifndef RC_OCI_HOOKS_H
#define RC_OCI_HOOKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

enum rc_oci_hook_kind {
	RC_HOOK_PRESTART, RC_HOOK_CREATE_RUNTIME, RC_HOOK_CREATE_CONTAINER,
	RC_HOOK_START_CONTAINER, RC_HOOK_POSTSTART, RC_HOOK_POSTSTOP, RC_HOOK_KINDS
};

struct rc_oci_hook {
	char *path;
	char **args;             /* NULL-terminated; NULL: { path } */
	char **env;              /* NULL-terminated; NULL: empty */
	int timeout;             /* seconds, 0: none */
};

struct rc_oci_hooks {
	struct rc_oci_hook *list[RC_HOOK_KINDS];
	size_t n[RC_HOOK_KINDS];
};

/* The config's "hooks" object (NULL: none). */
int rc_oci_hooks_parse(json_t *hooks, struct rc_oci_hooks *ret, struct rc_err *e);
void rc_oci_hooks_free(struct rc_oci_hooks *h);

/* "prestart", "createRuntime"... */
const char *rc_oci_hook_name(enum rc_oci_hook_kind k);

/* Run the hooks of kind k in order, each with state on stdin. Stops at the
 * first failure ("hook createRuntime[0] /path: exit status 3: its
 * stderr"); with warn_only, reports each failure with rc_warn and goes on
 * (returns 0). */
int rc_oci_hooks_run(const struct rc_oci_hooks *h, enum rc_oci_hook_kind k, const char *state,
		     bool warn_only, struct rc_err *e);

#endif
