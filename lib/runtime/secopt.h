/* secopt.h - docker's --security-opt, and the seccomp filter a container
 * gets.
 *
 *   seccomp=unconfined           no filter
 *   seccomp=FILE                 the profile in FILE (docker's format or an
 *                                OCI linux.seccomp), resolved for the
 *                                container's capabilities (sysprofile.h)
 *   no-new-privileges[=true|false]   (docker also spells it with ':')
 *   apparmor=unconfined, label=disable   accepted: rc applies neither
 *
 * Without an option, the filter is the config's linux.seccomp as it stands
 * (rc-unpack writes docker's, resolved); when the config has none, rc's
 * default profile (docker's) resolved for the container's bounding set.
 *
 * rc-unshare records what its container got in containers/NAME/security
 * (the filter as OCI JSON, or none, no_new_privs, the capability sets and
 * the resource limits) so that rc-exec applies the same to every process it
 * adds: a config cannot say what the command line changed. The compiled filter is kept beside it in
 * containers/NAME/seccomp.bpf (sysfilter.h).
 */
#ifndef RC_SECOPT_H
#define RC_SECOPT_H

#include <stdint.h>

#include "base/err.h"
#include "runtime/spec.h"

#define RC_SECURITY_FILE "security"
/* The compiled filter, kept for the next start and rc-exec (sysfilter.h). */
#define RC_SECCOMP_CACHE "seccomp.bpf"

/* Apply one --security-opt to s. A malformed or unsupported option fails
 * with status 2; an unreadable FILE with the default (125 in rc-unshare). */
int rc_security_opt(struct rc_spec *s, const char *opt, struct rc_err *e);

/* The container's filter as OCI linux.seccomp JSON text (malloc'd), or
 * NULL in *ret when it runs unconfined. */
int rc_spec_seccomp(const struct rc_spec *s, char **ret, struct rc_err *e);

/* Capabilities changed (--cap-add, --cap-drop) from a bounding set of
 * old_bnd: when the config's filter is rc's default profile resolved for
 * old_bnd (as rc-unpack writes it), it is dropped, so that the default
 * resolved for the new set applies (as docker resolves it after the
 * capabilities); any other filter stays. */
int rc_seccomp_follow_caps(struct rc_spec *s, uint64_t old_bnd, struct rc_err *e);

/* Write containers/NAME/security for the filter (NULL: none) and s's
 * no_new_privs, capabilities and resource limits. */
int rc_security_record(int dirfd, const struct rc_spec *s, const char *seccomp, struct rc_err *e);

/* For rc-exec: make s carry what the running container got, from its
 * security file; without one (a container started by an older rc), s is
 * left as the config says and the default applies as in rc-unshare (and
 * without capabilities or limits in it, the config's stay). */
int rc_security_restore(int dirfd, struct rc_spec *s, struct rc_err *e);

#endif
