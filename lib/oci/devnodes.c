/* devnodes.c - linux.devices in the container's /dev; see devnodes.h. */
#include "oci/devnodes.h"
#include "base/cleanup.h"
#include "base/safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int make_one(int rootfd, const struct rc_oci_devnode *d, struct rc_err *e)
{
	char parent[PATH_MAX];
	const char *name = strrchr(d->path, '/') + 1;
	mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
	_cleanup_close_ int pfd = -1;
	struct stat st;

	snprintf(parent, sizeof parent, "%.*s", (int)(name - d->path), d->path);
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return rc_errf(e, 0, "device %s: not a file name", d->path);
	pfd = rc_sp_mkdir_p(rootfd, parent, 0);
	if (pfd < 0)
		return rc_errf(e, errno, "device %s: its directory", d->path);
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return rc_errf(e, EISDIR, "device %s", d->path);
		if (unlinkat(pfd, name, 0) < 0)
			return rc_errf(e, errno, "device %s: replacing what is there", d->path);
	}
	if (mknodat(pfd, name, type | (d->mode & 07777), makedev((unsigned)d->major, (unsigned)d->minor)) < 0)
		return rc_errf(e, errno, "creating device %s", d->path);
	if (fchownat(pfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return rc_errf(e, errno, "device %s: setting its owner", d->path);
	/* mknod applied the umask; the config's mode is the whole truth. */
	if (fchmodat(pfd, name, d->mode & 07777, 0) < 0)
		return rc_errf(e, errno, "device %s: setting its mode", d->path);
	return 0;
}

int rc_oci_devnodes_make(int rootfd, const struct rc_oci_devnode *d, size_t n, struct rc_err *e)
{
	for (size_t i = 0; i < n; i++)
		if (make_one(rootfd, &d[i], e) < 0)
			return -1;
	return 0;
}
