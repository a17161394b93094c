/* ocispec.h - an OCI runtime-spec config.json made from an image config,
 * with docker's defaults.
 *
 * process: args = Entrypoint + Cmd, env = Env (PATH defaulted, HOSTNAME and
 * HOME added as docker does), cwd = WorkingDir (default "/"), user from User
 * resolved against the rootfs's /etc/passwd and /etc/group (users.h); docker's
 * default capability set (bounding, effective, permitted), noNewPrivileges,
 * RLIMIT_NOFILE 1024 soft and at most this host's hard limit; hostname;
 * docker's default mounts, masked and read-only paths and device rules;
 * namespaces pid, network, ipc, uts, mount, cgroup; the image's StopSignal
 * as the annotation org.opencontainers.image.stopSignal.
 */
#ifndef RC_OCISPEC_H
#define RC_OCISPEC_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define RC_OCI_STOPSIGNAL "org.opencontainers.image.stopSignal"
/* The config.json for image_config (the image config blob, parsed) with
 * hostname; rootfd is the unpacked rootfs, read for /etc/passwd and
 * /etc/group (resolved inside it). *ret is a new reference. */
int rc_oci_config(json_t *image_config, const char *hostname, int rootfd, json_t **ret,
		  struct rc_err *e);

#endif
