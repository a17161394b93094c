/* fuzz-imageconfig.c - an image config blob made into the config.json that
 * rc-unpack writes (runtime/ocispec.h), read back by rc-unshare's parser
 * (runtime/spec.h).
 *
 * The input is the image config JSON; the root filesystem (picked by the
 * input's length) is a scratch directory on /dev/shm with an alpine-like
 * /etc/passwd and /etc/group, or with both as fifos (which must not block:
 * an open interrupted by libFuzzer's timer, EINTR, is a failure), or with
 * passwd a symlink that climbs out.
 * Properties: whatever config.json rc_oci_config makes, rc_spec_parse
 * accepts; its args are the image's Entrypoint then Cmd; its cwd is
 * absolute. */
#include "fuzz.h"
#include "runtime/ocispec.h"
#include "runtime/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#define NROOTS 3

static char dir[96];
static int rootfd = -1, roots[NROOTS];

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"daemon:x:2:2:daemon:/sbin:/sbin/nologin\n"
	"nobody:x:65534:65534:nobody:/:/sbin/nologin\n"
	"www-data:x:82:82:Linux User,,,:/home/www-data:/sbin/nologin\n";
static const char group[] =
	"root:x:0:root\n"
	"daemon:x:2:root,bin,daemon\n"
	"www-data:x:82:www-data\n"
	"nogroup:x:65533:\n";

static void put(const char *name, const char *text)
{
	int fd = openat(roots[0], name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	FUZZ_ASSERT(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text),
		    "writing %s/%s", dir, name);
	close(fd);
}

static void setup(void)
{
	char path[96];

	fuzz_scratch("imageconfig", dir, sizeof dir);
	for (int i = 0; i < NROOTS; i++) {
		snprintf(path, sizeof path, "%s/%d", dir, i);
		FUZZ_ASSERT(mkdir(path, 0755) == 0, "making %s", path);
		roots[i] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		FUZZ_ASSERT(roots[i] >= 0 && mkdirat(roots[i], "etc", 0755) == 0, "making %s/etc", path);
	}
	put("etc/passwd", passwd);
	put("etc/group", group);
	FUZZ_ASSERT(mkfifoat(roots[1], "etc/passwd", 0644) == 0 &&
		    mkfifoat(roots[1], "etc/group", 0644) == 0, "making the fifos");
	FUZZ_ASSERT(symlinkat("../../../../../etc/passwd", roots[2], "etc/passwd") == 0, "symlink");
	rootfd = roots[0];
}

/* The image's Entrypoint then Cmd strings, as rc_oci_config takes them. */
static size_t image_args(json_t *cfg, json_t *want)
{
	const char *keys[] = { "Entrypoint", "Cmd" };
	size_t i;
	json_t *v;

	for (size_t k = 0; k < 2; k++)
		json_array_foreach(json_object_get(cfg, keys[k]), i, v)
			if (json_is_string(v))
				json_array_append(want, v);
	return json_array_size(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *image, *config = NULL, *want;
	struct rc_err e = { 0 };
	struct rc_spec spec;
	char *text;
	size_t n;

	if (rootfd < 0)
		setup();
	image = json_loadb((const char *)data, size, 0, NULL);
	if (!image)
		return 0;
	if (rc_oci_config(image, "fuzz", roots[size % NROOTS], &config, &e) < 0) {
		FUZZ_ASSERT(e.msg[0], "failure without a message");
		/* libFuzzer's timer interrupts a blocked open of a fifo */
		FUZZ_ASSERT(e.code != EINTR, "blocked until a signal came: %s", e.msg);
		json_decref(image);
		return 0;
	}
	text = json_dumps(config, JSON_INDENT(2));
	FUZZ_ASSERT(text, "json_dumps");
	FUZZ_ASSERT(rc_spec_parse(text, &spec, &e) == 0,
		    "rc-unshare would refuse the config.json rc-unpack writes: %s", e.msg);
	want = json_array();
	n = image_args(json_object_get(image, "config"), want);
	for (size_t i = 0; i < n; i++) {
		const char *w = json_string_value(json_array_get(want, i));
		/* rc_spec_parse keeps a lone "" as "no command" */
		if (n == 1 && !*w)
			break;
		FUZZ_ASSERT(spec.args[i] && !strcmp(spec.args[i], w), "args[%zu]", i);
	}
	FUZZ_ASSERT(spec.cwd[0] == '/', "cwd '%s' is not absolute", spec.cwd);
	rc_spec_free(&spec);
	json_decref(want);
	free(text);
	json_decref(config);
	json_decref(image);
	return 0;
}
