/* Unit tests for runtime/healthcfg.c: the image's HEALTHCHECK as rc-unpack
 * records it, and the --health-* options over it as rc-unshare resolves
 * them for the monitor. */
#include "runtime/healthcfg.h"
#include "base/fs.h"
#include "tap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* config.json with the annotations rc-unpack makes of image config cfg. */
static int unpack_config(int dirfd, const char *image_cfg, struct rc_err *e)
{
	json_auto_t *cfg = json_loads(image_cfg, 0, NULL), *spec = json_object(),
		    *ann = json_object();
	char *text;
	int r;

	if (rc_health_annotate(json_object_get(cfg, "Healthcheck"), json_object_get(cfg, "Shell"),
			       ann, e) < 0)
		return -1;
	json_object_set(spec, "annotations", ann);
	text = json_dumps(spec, 0);
	r = rc_write_file_at(dirfd, "config.json", text, strlen(text), 0644, e);
	free(text);
	return r;
}

static bool argv_is(char **v, const char *const *want)
{
	size_t i = 0;

	for (; v && v[i] && want[i]; i++)
		if (strcmp(v[i], want[i]))
			return false;
	return v && !v[i] && !want[i];
}

int main(void)
{
	char dir[] = "/tmp/rc-test-health.XXXXXX";
	struct rc_health_opts o = { 0 };
	struct rc_health_check c;
	struct rc_err e = { 0 };
	int dfd;

	TAP_PLAN(17);
	if (!mkdtemp(dir))
		return 1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY);

	ok(unpack_config(dfd, "{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"curl -f localhost\"],"
			      "\"Interval\":5000000000,\"Timeout\":2000000000,\"StartPeriod\":1000000000,"
			      "\"Retries\":4,\"StartInterval\":7}}", &e) == 0, "an image's HEALTHCHECK is recorded");
	ok(rc_health_resolve(dfd, &o, &c, &e) == 0 &&
	   argv_is(c.argv, (const char *[]){ "/bin/sh", "-c", "curl -f localhost", NULL }) &&
	   c.interval_ms == 5000 && c.timeout_ms == 2000 && c.start_period_ms == 1000 && c.retries == 4,
	   "CMD-SHELL runs under /bin/sh -c, with the image's timing");
	rc_health_check_free(&c);

	ok(rc_health_opt(&o, RC_OPT_HEALTH_INTERVAL, "1m30s", &e) == 1 &&
	   rc_health_opt(&o, RC_OPT_HEALTH_RETRIES, "2", &e) == 1 && o.any, "--health-interval, --health-retries");
	ok(rc_health_resolve(dfd, &o, &c, &e) == 0 &&
	   argv_is(c.argv, (const char *[]){ "/bin/sh", "-c", "curl -f localhost", NULL }) &&
	   c.interval_ms == 90000 && c.timeout_ms == 2000 && c.retries == 2,
	   "each option over the image's value, the rest the image's");
	rc_health_check_free(&c);
	ok(rc_health_opt(&o, RC_OPT_HEALTH_CMD, "test -e /ready", &e) == 1 &&
	   rc_health_resolve(dfd, &o, &c, &e) == 0 &&
	   argv_is(c.argv, (const char *[]){ "/bin/sh", "-c", "test -e /ready", NULL }),
	   "--health-cmd replaces the image's command");
	rc_health_check_free(&c);
	o.none = true;
	ok(rc_health_resolve(dfd, &o, &c, &e) < 0 && e.status == 2 && strstr(e.msg, "conflicts"),
	   "--no-healthcheck with --health-* is a usage error");
	o = (struct rc_health_opts){ .none = true };
	ok(rc_health_resolve(dfd, &o, &c, &e) == 0 && !c.argv, "--no-healthcheck: none, not even the image's");

	o = (struct rc_health_opts){ 0 };
	ok(unpack_config(dfd, "{\"Healthcheck\":{\"Test\":[\"CMD\",\"/check\",\"--quick\"]},"
			      "\"Shell\":[\"/bin/bash\",\"-ec\"]}", &e) == 0 &&
	   rc_health_resolve(dfd, &o, &c, &e) == 0 &&
	   argv_is(c.argv, (const char *[]){ "/check", "--quick", NULL }) &&
	   c.interval_ms == RC_HEALTH_INTERVAL_MS && c.timeout_ms == RC_HEALTH_TIMEOUT_MS &&
	   c.retries == RC_HEALTH_RETRIES && c.start_period_ms == 0,
	   "CMD runs as it is, docker's defaults for what the image leaves out");
	rc_health_check_free(&c);
	o.cmd = "pgrep nginx";
	ok(rc_health_resolve(dfd, &o, &c, &e) == 0 &&
	   argv_is(c.argv, (const char *[]){ "/bin/bash", "-ec", "pgrep nginx", NULL }),
	   "a shell command runs under the image's SHELL");
	rc_health_check_free(&c);

	o = (struct rc_health_opts){ 0 };
	ok(unpack_config(dfd, "{\"Healthcheck\":{\"Test\":[\"NONE\"]}}", &e) == 0 &&
	   rc_health_resolve(dfd, &o, &c, &e) == 0 && !c.argv, "HEALTHCHECK NONE: no check");
	o.interval_ms = 1000;
	o.any = true;
	ok(rc_health_resolve(dfd, &o, &c, &e) == 0 && !c.argv, "timing alone gives nothing to run");
	ok(unpack_config(dfd, "{}", &e) == 0 && rc_health_resolve(dfd, &o, &c, &e) == 0 && !c.argv,
	   "an image without one has none");
	ok(rc_health_resolve(-1, &(struct rc_health_opts){ .cmd = "true" }, &c, &e) == 0 &&
	   argv_is(c.argv, (const char *[]){ "/bin/sh", "-c", "true", NULL }), "no image: the command line's");
	rc_health_check_free(&c);

	ok(unpack_config(dfd, "{\"Healthcheck\":{\"Test\":[\"SOMETIMES\",\"x\"]}}", &e) < 0 &&
	   strstr(e.msg, "the image's Healthcheck: Test: unknown kind \"SOMETIMES\""),
	   "an unknown kind of test is the image's error");
	ok(unpack_config(dfd, "{\"Healthcheck\":{\"Test\":[\"CMD\"]}}", &e) < 0 &&
	   unpack_config(dfd, "{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"x\"],\"Interval\":-1}}", &e) < 0 &&
	   unpack_config(dfd, "{\"Healthcheck\":{\"Test\":\"CMD true\"}}", &e) < 0 &&
	   unpack_config(dfd, "{\"Shell\":[1]}", &e) < 0,
	   "a command-less CMD, a negative interval, a string Test, a bad Shell: refused");
	ok(rc_health_opt(&o, RC_OPT_HEALTH_TIMEOUT, "30", &e) < 0 && e.status == 2 &&
	   rc_health_opt(&o, RC_OPT_HEALTH_INTERVAL, "500us", &e) < 0 &&
	   rc_health_opt(&o, RC_OPT_HEALTH_RETRIES, "-1", &e) < 0,
	   "a duration without a unit, under 1ms, negative retries: usage errors");
	ok(rc_health_opt(&o, 'e', "X", &e) == 0, "other options are not ours");

	unlinkat(dfd, "config.json", 0);
	close(dfd);
	rmdir(dir);
	return tap_done();
}
