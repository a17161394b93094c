/* state.c - state root and name rules; see state.h. */
#include "base/state.h"
#include "base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *rc_root(const char *root_opt)
{
	const char *env;

	if (root_opt && *root_opt)
		return root_opt;
	env = getenv("RC_ROOT");
	if (env && *env)
		return env;
	return RC_DEFAULT_ROOT;
}

static bool name_char(char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '_' || c == '.' || c == '-');
}

bool rc_name_valid(const char *name)
{
	size_t i;

	if (!name)
		return false;
	for (i = 0; name[i]; i++)
		if (i >= RC_NAME_MAX || !name_char(name[i], i == 0))
			return false;
	return i > 0;
}

int rc_name_check(const char *name, struct rc_err *e)
{
	if (rc_name_valid(name))
		return 0;
	return rc_errf(e, 0, "invalid container name '%s': it must match "
		       "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name ? name : "");
}

bool rc_digest_valid(const char *digest)
{
	if (!digest || strncmp(digest, "sha256:", 7) != 0)
		return false;
	for (int i = 0; i < 64; i++) {
		char c = digest[7 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return digest[71] == '\0';
}

void rc_cgroup_leaf(const char *root, const char *name, char out[static RC_CGROUP_LEAF_MAX])
{
	char real[4096];
	const char *r = realpath(root, real) ? real : root;
	uint32_t h = 2166136261u; /* FNV-1a */

	if (!strcmp(r, RC_DEFAULT_ROOT)) {
		snprintf(out, RC_CGROUP_LEAF_MAX, "%s", name);
		return;
	}
	for (const char *p = r; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(out, RC_CGROUP_LEAF_MAX, "%s@%08x", name, h);
}

int rc_state_dir(const char *root, const char *sub, bool create, struct rc_err *e)
{
	char path[4096];
	int fd, n;

	n = snprintf(path, sizeof path, "%s%s%s", root, *sub ? "/" : "", sub);
	if (n < 0 || (size_t)n >= sizeof path)
		return rc_errf(e, ENAMETOOLONG, "opening %s/%s", root, sub);
	if (create && rc_mkdir_p_at(AT_FDCWD, path, 0700, e) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening %s", path);
	return fd;
}
