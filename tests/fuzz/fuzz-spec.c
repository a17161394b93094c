/* fuzz-spec.c - the OCI runtime config.json parser rc-unshare reads
 * (runtime/spec.h).
 *
 * Properties: what parses has a root path, a cwd, NULL-terminated vectors
 * and in-range namespace indexes; nothing leaks on success or failure (the
 * leak sanitizer sees both); a failure has a message. */
#include "fuzz.h"
#include "runtime/spec.h"

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
	for (size_t i = 0; spec.args[i]; i++)
		FUZZ_ASSERT(spec.args[i][0] || i > 0, "an empty first argument is kept");
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
