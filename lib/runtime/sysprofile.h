/* sysprofile.h - seccomp profiles in docker's format, and rc's default.
 *
 * Docker's format is an OCI linux.seccomp object whose rules may carry
 * "includes" and "excludes" (by capability, architecture and minimum kernel
 * version) and whose architectures may come from an "archMap". Docker
 * resolves it when it writes a container's config.json: a rule stays when
 * every capability it includes is in the container's bounding set, none it
 * excludes is, and the architecture and kernel agree; the architectures are
 * archMap's entry for the machine. The result is a plain OCI linux.seccomp,
 * which sysfilter.h compiles. An OCI profile without those keys resolves to
 * itself.
 *
 * rc's default profile is docker's, decision by decision
 * (lib/runtime/seccomp-default.json, built into the programs): rc-unpack
 * writes it into config.json resolved for the config's capabilities, and
 * rc-unshare applies it, resolved for the container's, when a config has
 * none (secopt.h).
 */
#ifndef RC_SYSPROFILE_H
#define RC_SYSPROFILE_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

/* lib/runtime/seccomp-default.json, NUL-terminated. */
extern const char rc_seccomp_default_profile[];

/* Where a profile is resolved for: this machine unless a test says. */
struct rc_sysprofile_host {
	const char *arch;       /* Go's name, as docker's "arches" use it: "amd64" */
	unsigned kernel[2];     /* the running kernel's major and minor version */
};

/* This machine. */
void rc_sysprofile_this_host(struct rc_sysprofile_host *h);

/* Resolve profile (JSON text) for a container whose bounding set is caps
 * (a mask of CAP_* numbers), on host (NULL: this machine). *ret is a new
 * OCI linux.seccomp object. */
int rc_sysprofile_resolve(const char *profile, uint64_t caps, const struct rc_sysprofile_host *host,
			  json_t **ret, struct rc_err *e);

/* The same, as compact JSON text (malloc'd). */
int rc_sysprofile_resolve_text(const char *profile, uint64_t caps, char **ret, struct rc_err *e);

#endif
