/* ocispec.h - an OCI runtime-spec config.json made from an image config,
 * with docker's defaults.
 *
 * The defaults (defaults.h): docker's capability set (bounding, effective,
 * permitted), noNewPrivileges, RLIMIT_NOFILE 1024 soft and at most this
 * host's hard limit, PATH, docker's mounts, masked and read-only paths and
 * device rules, namespaces pid, network, ipc, uts, cgroup and mount, and
 * docker's seccomp profile resolved for that capability set (sysprofile.h).
 * From the image: args = Entrypoint + Cmd, env = Env (PATH defaulted,
 * HOSTNAME and HOME added as docker does), cwd = WorkingDir (default "/"),
 * user from User resolved against the rootfs's /etc/passwd and /etc/group
 * (users.h); hostname; the image's StopSignal (checked) as the annotation
 * org.opencontainers.image.stopSignal; its Healthcheck and Shell (checked)
 * as rc.healthcheck and rc.shell (healthcfg.h).
 */
#ifndef RC_OCISPEC_H
#define RC_OCISPEC_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define RC_OCI_STOPSIGNAL "org.opencontainers.image.stopSignal"
/* Which of process.args are the image's Entrypoint (the rest is its Cmd):
 * the Entrypoint as a JSON array, written when the image has one. A
 * command given to rc-unshare replaces only the Cmd while the args still
 * begin with it (overrides.h). */
#define RC_OCI_ENTRYPOINT "rc.image.entrypoint"
/* docker's defaults alone, as a config.json for an image with no settings
 * (no args; env PATH; cwd "/"; user 0:0; no hostname). *ret is a new
 * reference. */
int rc_oci_defaults(json_t **ret, struct rc_err *e);

/* The config.json for image_config (the image config blob, parsed) with
 * hostname; rootfd is the unpacked rootfs, read for /etc/passwd and
 * /etc/group (resolved inside it). *ret is a new reference. */
int rc_oci_config(json_t *image_config, const char *hostname, int rootfd, json_t **ret,
		  struct rc_err *e);

#endif
