/* options.c - containers/NAME/options; see options.h. */
#include "lifecycle/options.h"
#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPTIONS_MAX (4u << 20)

int rc_options_write(int dirfd, char *const *argv, struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL, *old = NULL;
	size_t len = 0, off = 0, oldlen = 0;
	struct rc_err ignore = { 0 };

	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	if (len > OPTIONS_MAX)
		return rc_errf(e, E2BIG, "recording the container's options");
	buf = malloc(len ? len : 1);
	if (!buf)
		return rc_errf(e, ENOMEM, "recording the container's options");
	for (size_t i = 0; argv[i]; i++) {
		size_t n = strlen(argv[i]) + 1;
		memcpy(buf + off, argv[i], n);
		off += n;
	}
	/* The same as the last start's (rc-start, the usual case): no write,
	 * no sync. Else durably: it is what a reboot starts again. */
	if (rc_read_file_at(dirfd, RC_FILE_OPTIONS, OPTIONS_MAX, &old, &oldlen, &ignore) == 0 &&
	    oldlen == len && !memcmp(old, buf, len))
		return 0;
	if (rc_write_file_at(dirfd, RC_FILE_OPTIONS, buf, len, 0600, e) < 0)
		return rc_err_prefix(e, "recording the container's options");
	return 0;
}

void rc_options_free(char **opts)
{
	for (size_t i = 0; opts && opts[i]; i++)
		free(opts[i]);
	free(opts);
}

int rc_options_read(int dirfd, char ***ret, struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, n = 0;
	char **v;

	*ret = NULL;
	if (faccessat(dirfd, RC_FILE_OPTIONS, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return 0;
	if (rc_read_file_at(dirfd, RC_FILE_OPTIONS, OPTIONS_MAX, &buf, &len, e) < 0)
		return rc_err_prefix(e, "reading the container's options");
	if (len && buf[len - 1] != '\0')
		return rc_errf(e, 0, "reading the container's options: %s does not end with a NUL",
			       RC_FILE_OPTIONS);
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\0';
	v = calloc(n + 1, sizeof *v);
	if (!v)
		return rc_errf(e, ENOMEM, "reading the container's options");
	for (size_t i = 0, off = 0; i < n; i++) {
		v[i] = strdup(buf + off);
		if (!v[i]) {
			rc_options_free(v);
			return rc_errf(e, ENOMEM, "reading the container's options");
		}
		off += strlen(buf + off) + 1;
	}
	*ret = v;
	return 0;
}

const char *rc_options_next(char *const *opts, const char *name, size_t *pos)
{
	size_t nl = strlen(name);

	for (size_t i = *pos; opts && opts[i] && strcmp(opts[i], "--"); i++) {
		const char *o = opts[i];
		if (strncmp(o, "--", 2) || strncmp(o + 2, name, nl) || (o[2 + nl] && o[2 + nl] != '='))
			continue;
		*pos = i + 1;
		return o[2 + nl] ? o + 3 + nl : "";
	}
	return NULL;
}

const char *rc_options_get(char *const *opts, const char *name)
{
	const char *v, *last = NULL;
	size_t pos = 0;

	while ((v = rc_options_next(opts, name, &pos)))
		last = v;
	return last;
}
