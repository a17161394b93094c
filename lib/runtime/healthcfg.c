/* healthcfg.c - the image's HEALTHCHECK and the --health-* options; see
 * healthcfg.h. */
#include "runtime/healthcfg.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"
#include "base/timefmt.h"
#include "runtime/spec.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage_err(struct rc_err *e)
{
	return rc_err_status(e, 2);
}

/* A --health-* duration in milliseconds; 0 leaves the image's. */
static int opt_duration(const char *opt, const char *arg, long long *ret, struct rc_err *e)
{
	int64_t ns;

	if (rc_duration_parse(arg, &ns, e) < 0) {
		rc_err_prefix(e, "--%s", opt);
		return usage_err(e);
	}
	if (ns > 0 && ns < 1000000) {
		rc_errf(e, 0, "--%s: %s is less than 1ms", opt, arg);
		return usage_err(e);
	}
	*ret = ns / 1000000;
	return 0;
}

int rc_health_opt(struct rc_health_opts *o, int c, const char *arg, struct rc_err *e)
{
	char *end;
	long v;

	switch (c) {
	case RC_OPT_HEALTH_CMD: o->cmd = arg; break;
	case RC_OPT_HEALTH_INTERVAL:
		if (opt_duration("health-interval", arg, &o->interval_ms, e) < 0)
			return -1;
		break;
	case RC_OPT_HEALTH_TIMEOUT:
		if (opt_duration("health-timeout", arg, &o->timeout_ms, e) < 0)
			return -1;
		break;
	case RC_OPT_HEALTH_START:
		if (opt_duration("health-start-period", arg, &o->start_period_ms, e) < 0)
			return -1;
		break;
	case RC_OPT_HEALTH_RETRIES:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < 0 || v > INT_MAX) {
			rc_errf(e, 0, "--health-retries: expected a number, not \"%s\"", arg);
			return usage_err(e);
		}
		o->retries = (int)v;
		break;
	case RC_OPT_NO_HEALTHCHECK:
		o->none = true;
		return 1;
	default:
		return 0;
	}
	o->any = true;
	return 1;
}

/* ---- the image's ---- */

struct image_check {
	json_t *test;           /* borrowed; NULL: none given */
	long long interval_ms, timeout_ms, start_period_ms;
	int retries;
};

/* A duration in nanoseconds (0: the default), in milliseconds. */
static int image_duration(json_t *hc, const char *key, long long *ret, struct rc_err *e)
{
	json_t *v = json_object_get(hc, key);

	*ret = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return rc_errf(e, 0, "%s: expected nanoseconds, a number of 0 or more", key);
	*ret = (long long)(json_integer_value(v) / 1000000);
	if (!*ret && json_integer_value(v))
		*ret = 1;
	return 0;
}

static int read_image(json_t *hc, struct image_check *r, struct rc_err *e)
{
	json_t *retries, *v;
	const char *kind;
	size_t i;

	memset(r, 0, sizeof *r);
	if (!hc || json_is_null(hc))
		return 0;
	if (!json_is_object(hc))
		return rc_errf(e, 0, "expected an object");
	r->test = json_object_get(hc, "Test");
	if (r->test && json_is_null(r->test))
		r->test = NULL;
	if (r->test && !json_is_array(r->test))
		return rc_errf(e, 0, "Test: expected an array of strings");
	json_array_foreach(r->test, i, v)
		if (!json_is_string(v))
			return rc_errf(e, 0, "Test: expected an array of strings");
	kind = json_string_value(json_array_get(r->test, 0));
	if (kind && strcmp(kind, "NONE") && strcmp(kind, "CMD") && strcmp(kind, "CMD-SHELL"))
		return rc_errf(e, 0, "Test: unknown kind \"%s\" (NONE, CMD or CMD-SHELL)", kind);
	if (kind && strcmp(kind, "NONE") && json_array_size(r->test) < 2)
		return rc_errf(e, 0, "Test: %s without a command", kind);
	if (image_duration(hc, "Interval", &r->interval_ms, e) < 0 ||
	    image_duration(hc, "Timeout", &r->timeout_ms, e) < 0 ||
	    image_duration(hc, "StartPeriod", &r->start_period_ms, e) < 0)
		return -1;
	retries = json_object_get(hc, "Retries");
	if (retries && (!json_is_integer(retries) || json_integer_value(retries) < 0 ||
			json_integer_value(retries) > INT_MAX))
		return rc_errf(e, 0, "Retries: expected a count");
	r->retries = (int)json_integer_value(retries);
	return 0;
}

static int check_shell(json_t *shell, struct rc_err *e)
{
	json_t *v;
	size_t i;

	if (!shell || json_is_null(shell))
		return 0;
	if (!json_is_array(shell) || !json_array_size(shell))
		return rc_errf(e, 0, "the image's Shell: expected an array of strings");
	json_array_foreach(shell, i, v)
		if (!json_is_string(v))
			return rc_errf(e, 0, "the image's Shell: expected an array of strings");
	return 0;
}

static int annotate(json_t *annotations, const char *key, json_t *value, struct rc_err *e)
{
	_cleanup_free_ char *text = json_dumps(value, JSON_COMPACT);

	if (!text || json_object_set_new(annotations, key, json_string(text)) < 0)
		return rc_errf(e, ENOMEM, "making config.json");
	return 0;
}

int rc_health_annotate(json_t *healthcheck, json_t *shell, json_t *annotations, struct rc_err *e)
{
	static const char *const keys[] = { "Test", "Interval", "Timeout", "StartPeriod", "Retries" };
	struct image_check c;
	json_auto_t *kept = NULL;

	if (read_image(healthcheck, &c, e) < 0)
		return rc_err_prefix(e, "the image's Healthcheck");
	if (check_shell(shell, e) < 0)
		return -1;
	if (healthcheck && json_is_object(healthcheck) && json_object_size(healthcheck)) {
		/* The fields rc knows, as the image has them. */
		kept = json_object();
		for (size_t i = 0; kept && i < sizeof keys / sizeof *keys; i++) {
			json_t *v = json_object_get(healthcheck, keys[i]);
			if (v && !json_is_null(v) && json_object_set(kept, keys[i], v) < 0)
				return rc_errf(e, ENOMEM, "making config.json");
		}
		if (!kept || annotate(annotations, RC_OCI_HEALTHCHECK, kept, e) < 0)
			return rc_errf(e, ENOMEM, "making config.json");
	}
	if (shell && json_is_array(shell) && annotate(annotations, RC_OCI_SHELL, shell, e) < 0)
		return -1;
	return 0;
}

/* ---- the container's ---- */

/* The image's healthcheck and shell from config.json's annotations. */
static int load_image(int dirfd, json_t **ret_hc, json_t **ret_shell, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *cfg = NULL;
	json_t *ann;
	const char *hc, *shell;

	*ret_hc = *ret_shell = NULL;
	if (dirfd < 0)
		return 0;
	if (rc_read_file_at(dirfd, RC_FILE_CONFIG, 16 << 20, &text, NULL, e) < 0)
		return rc_err_prefix(e, "reading the healthcheck");
	cfg = json_loads(text, 0, NULL);
	ann = json_object_get(cfg, "annotations");
	hc = json_string_value(json_object_get(ann, RC_OCI_HEALTHCHECK));
	shell = json_string_value(json_object_get(ann, RC_OCI_SHELL));
	if (hc && !(*ret_hc = json_loads(hc, 0, NULL)))
		return rc_errf(e, 0, "config.json's %s: not JSON", RC_OCI_HEALTHCHECK);
	if (shell && !(*ret_shell = json_loads(shell, 0, NULL)))
		return rc_errf(e, 0, "config.json's %s: not JSON", RC_OCI_SHELL);
	return 0;
}

/* The command: CMD's words, or CMD-SHELL's under the shell. */
static int make_argv(json_t *test, json_t *shell, const char *cmd, char ***ret, struct rc_err *e)
{
	static const char *const sh[] = { "/bin/sh", "-c" };
	const char *kind = cmd ? "CMD-SHELL" : json_string_value(json_array_get(test, 0));
	char **v = NULL;
	json_t *w;
	size_t i;

	*ret = NULL;
	if (!kind || !strcmp(kind, "NONE"))
		return 0;
	if (!strcmp(kind, "CMD-SHELL")) {
		if (shell)
			json_array_foreach(shell, i, w)
				if (rc_strv_push(&v, json_string_value(w), e) < 0)
					goto fail;
		for (i = 0; !shell && i < 2; i++)
			if (rc_strv_push(&v, sh[i], e) < 0)
				goto fail;
	}
	if (cmd && rc_strv_push(&v, cmd, e) < 0)
		goto fail;
	for (i = 1; !cmd && i < json_array_size(test); i++)
		if (rc_strv_push(&v, json_string_value(json_array_get(test, i)), e) < 0)
			goto fail;
	*ret = v;
	return 0;
fail:
	rc_strv_free(v);
	return -1;
}

static long long pick(long long cli, long long image, long long dflt)
{
	return cli > 0 ? cli : image > 0 ? image : dflt;
}

int rc_health_resolve(int dirfd, const struct rc_health_opts *o, struct rc_health_check *ret,
		      struct rc_err *e)
{
	json_auto_t *hc = NULL, *shell = NULL;
	struct image_check img;

	memset(ret, 0, sizeof *ret);
	if (o->none && o->any) {
		rc_errf(e, 0, "--no-healthcheck conflicts with --health-* options");
		return usage_err(e);
	}
	if (o->none)
		return 0;
	if (load_image(dirfd, &hc, &shell, e) < 0)
		return -1;
	if (read_image(hc, &img, e) < 0)
		return rc_err_prefix(e, "config.json's %s", RC_OCI_HEALTHCHECK);
	if (check_shell(shell, e) < 0)
		return rc_err_prefix(e, "config.json's %s", RC_OCI_SHELL);
	if (make_argv(img.test, shell, o->cmd, &ret->argv, e) < 0)
		return -1;
	ret->interval_ms = pick(o->interval_ms, img.interval_ms, RC_HEALTH_INTERVAL_MS);
	ret->timeout_ms = pick(o->timeout_ms, img.timeout_ms, RC_HEALTH_TIMEOUT_MS);
	ret->start_period_ms = pick(o->start_period_ms, img.start_period_ms, 0);
	ret->retries = (int)pick(o->retries, img.retries, RC_HEALTH_RETRIES);
	return 0;
}

void rc_health_check_free(struct rc_health_check *c)
{
	rc_strv_free(c->argv);
	c->argv = NULL;
}
