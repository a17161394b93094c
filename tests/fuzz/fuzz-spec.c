/* fuzz-spec.c - the OCI runtime config.json parser rc-unshare reads
 * (runtime/spec.h).
 *
 * Properties: what parses has a root path, a cwd, NULL-terminated vectors;
 * the process's uid, gid and additional gids are the numbers the JSON says
 * (none wrapped into another id); nothing leaks on success or failure (the
 * leak sanitizer sees both); a failure has a message. */
#include "fuzz.h"
#include "runtime/spec.h"

#include <jansson.h>

/* The id the JSON gives at j, which the parsed one must equal. */
static void check_id(json_t *j, uint32_t got, const char *what)
{
	if (!json_is_integer(j))
		return;
	FUZZ_ASSERT(json_integer_value(j) == (json_int_t)got, "%s %lld parsed as %u", what,
		    (long long)json_integer_value(j), got);
}

static void check_ids(const char *text, const struct rc_spec *spec)
{
	json_t *root = json_loads(text, 0, NULL);
	json_t *user = json_object_get(json_object_get(root, "process"), "user");
	json_t *gids = json_object_get(user, "additionalGids");

	check_id(json_object_get(user, "uid"), spec->uid, "uid");
	check_id(json_object_get(user, "gid"), spec->gid, "gid");
	if (json_is_array(gids)) {
		FUZZ_ASSERT(json_array_size(gids) == spec->ngids, "%zu additional gids parsed as %zu",
			    json_array_size(gids), spec->ngids);
		for (size_t i = 0; i < spec->ngids; i++)
			check_id(json_array_get(gids, i), spec->gids[i], "additional gid");
	}
	FUZZ_ASSERT(spec->uid != (uid_t)-1 && spec->gid != (gid_t)-1, "the id -1 ('none')");
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct rc_spec spec;
	struct rc_err e = { 0 };

	if (rc_spec_parse(s, &spec, &e) < 0) {
		FUZZ_ASSERT(e.msg[0], "failure without a message");
		free(s);
		return 0;
	}
	FUZZ_ASSERT(spec.root_path && spec.cwd && spec.args, "root path, cwd, args");
	check_ids(s, &spec);
	/* [""] alone is "no command"; anything longer is kept whole */
	FUZZ_ASSERT(!spec.args[0] || spec.args[0][0] || spec.args[1], "a lone \"\" is kept");
	rc_strv_len(spec.env);
	rc_strv_len(spec.masked);
	rc_strv_len(spec.readonly);
	rc_strv_len(spec.sysctl);
	for (size_t i = 0; i < spec.nmounts; i++)
		FUZZ_ASSERT(spec.mounts[i].dest, "mount %zu without a destination", i);
	if (spec.env) {
		for (size_t i = 0; spec.env[i]; i++) {
			const char *eq = strchr(spec.env[i], '=');
			if (eq) {
				char key[256];
				snprintf(key, sizeof key, "%.*s", (int)(eq - spec.env[i]), spec.env[i]);
				rc_env_get(spec.env, key);
			}
		}
	}
	rc_spec_free(&spec);
	free(s);
	return 0;
}
