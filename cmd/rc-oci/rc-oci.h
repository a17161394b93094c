/* rc-oci.h - what the verbs of rc-oci share: the global options, one way
 * to report a usage error or a failure, and the verbs themselves (one file
 * each, as crun has them). */
#ifndef RC_OCI_CMD_H
#define RC_OCI_CMD_H

#include <stdbool.h>

#include "base/err.h"

#define PROG "rc-oci"

struct oci_globals {
	const char *root;        /* --root (default /run/rc-oci) */
	const char *log;         /* --log FILE */
	bool log_json;           /* --log-format json */
	bool debug;              /* --debug */
	bool systemd;            /* --systemd-cgroup */
};
extern struct oci_globals oci_g;

/* "rc-oci VERB: MESSAGE" and where help is, exit status 2. */
int oci_usage(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure: logged (log.h), exit status 1. */
int oci_fail(const struct rc_err *e);
/* The one ID operand after the options (more: a usage error), or NULL. */
const char *oci_one_id(const char *verb, int argc, char **argv, int optind);

/* Parse a verb whose only option is --help: the index of the first
 * operand, or -1 after a usage error (printed). */
int oci_simple_args(const char *verb, const char *help, int argc, char **argv);

int oci_create(int argc, char **argv);
int oci_run(int argc, char **argv);
int oci_start(int argc, char **argv);
int oci_state(int argc, char **argv);
int oci_list(int argc, char **argv);
int oci_kill(int argc, char **argv);
int oci_delete(int argc, char **argv);
int oci_exec(int argc, char **argv);
int oci_ps(int argc, char **argv);
int oci_pause(int argc, char **argv);
int oci_resume(int argc, char **argv);
int oci_update(int argc, char **argv);
int oci_features(int argc, char **argv);
int oci_spec(int argc, char **argv);

#endif
