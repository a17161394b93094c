/* hosts.c - a bridge's names in its containers' hosts files; see hosts.h. */
#include "net/hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "base/state.h"

#define LIST "hosts"
#define LIST_MAX (1 << 20)
#define FILE_MAX (1 << 20)
#define BODY (RC_HOSTS_SLOT - (sizeof RC_HOSTS_MARK - 1))

/* ---- the bridge's list ---- */

struct entry {
	char ip[INET_ADDRSTRLEN];
	char name[RC_NAME_MAX + 1];
	bool seen;
};

struct entries {
	struct entry *v;
	size_t n;
};

/* The entries of list text, well-formed lines only. */
static int entries_parse(const char *text, struct entries *ret)
{
	size_t cap = 0;

	ret->v = NULL;
	ret->n = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		struct entry x = { .seen = false };
		struct in_addr a;

		if (sscanf(p, "%15s %64s", x.ip, x.name) != 2 || inet_pton(AF_INET, x.ip, &a) != 1 ||
		    !rc_name_valid(x.name))
			continue;
		if (ret->n == cap) {
			struct entry *nv = realloc(ret->v, (cap = cap ? cap * 2 : 16) * sizeof *nv);
			if (!nv) {
				free(ret->v);
				return -1;
			}
			ret->v = nv;
		}
		ret->v[ret->n++] = x;
	}
	return 0;
}

/* Is member of the list still a networked container of this root? An
 * entry a crash left behind goes with the next change. */
static bool member_live(int containers_fd, const char *name)
{
	char path[RC_NAME_MAX + 16];

	snprintf(path, sizeof path, "%s/%s", name, RC_FILE_NET_ENV);
	return faccessat(containers_fd, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The list without drop (and without the entries of gone containers,
 * except keep's), then add's line when add is not NULL. */
static char *list_edit(const char *text, int containers_fd, const char *drop,
		       const char *keep, const char *add)
{
	struct entries es;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	if (entries_parse(text, &es) < 0 || !(out = open_memstream(&buf, &len)))
		return NULL;
	for (size_t i = 0; i < es.n; i++) {
		const char *n = es.v[i].name;
		if (strcmp(n, drop) && (!strcmp(n, keep) || member_live(containers_fd, n)))
			fprintf(out, "%s\t%s\n", es.v[i].ip, n);
	}
	if (add)
		fputs(add, out);
	free(es.v);
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- slots ---- */

/* The slot of ip and name into slot (RC_HOSTS_SLOT bytes); a free one
 * when ip is NULL. */
static void slot_make(char *slot, const char *ip, const char *name)
{
	char body[BODY + 1];
	int n = ip ? snprintf(body, sizeof body, "%s\t%s", ip, name) : 0;

	memset(slot, ' ', BODY);
	memcpy(slot, body, (size_t)n);
	if (!ip)
		slot[0] = '#';
	memcpy(slot + BODY, RC_HOSTS_MARK, sizeof RC_HOSTS_MARK - 1);
}

static bool is_slot(const char *line, size_t len)
{
	return len == RC_HOSTS_SLOT &&
	       !memcmp(line + BODY, RC_HOSTS_MARK, sizeof RC_HOSTS_MARK - 1);
}

static int pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n = pwrite(fd, buf, len, off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Is the slot at off still what was read (was), or has someone rewritten
 * the file meanwhile? A slot that moved is left for the next change. */
static bool slot_still(int fd, off_t off, const char *was)
{
	char now[RC_HOSTS_SLOT];

	return pread(fd, now, sizeof now, off) == (ssize_t)sizeof now &&
	       !memcmp(now, was, sizeof now);
}

/* Switch the slot at off (holding was) off: its first byte first, which
 * makes the line a comment at once; then the rest, which a comment hides. */
static int slot_free(int fd, off_t off, const char *was)
{
	char slot[RC_HOSTS_SLOT];
	int r;

	if (!slot_still(fd, off, was))
		return 0;
	slot_make(slot, NULL, NULL);
	r = pwrite_all(fd, slot, 1, off);
	if (r == 0)
		r = pwrite_all(fd, slot + 1, BODY - 1, off + 1);
	return r;
}

/* Switch the free slot at off (holding was) on for ip and name: the rest of
 * the line while it is still a comment, then its first byte. */
static int slot_fill(int fd, off_t off, const char *was, const struct entry *x)
{
	char slot[RC_HOSTS_SLOT];
	int r;

	if (!slot_still(fd, off, was))
		return -EAGAIN;
	slot_make(slot, x->ip, x->name);
	r = pwrite_all(fd, slot + 1, BODY - 1, off + 1);
	if (r == 0)
		r = pwrite_all(fd, slot, 1, off);
	return r;
}

/* Append a slot for ip and name: written as a comment at the end of the
 * file whatever was appended meanwhile (O_APPEND), then switched on. A
 * last line without its newline gets one first. */
static int slot_append(int fd, bool need_newline, const struct entry *x)
{
	char buf[RC_HOSTS_SLOT + 1], slot[RC_HOSTS_SLOT];
	size_t skip = need_newline ? 1 : 0;
	int flags = fcntl(fd, F_GETFL);
	off_t end;
	int r;

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_APPEND) < 0)
		return -errno;
	slot_make(slot, x->ip, x->name);
	buf[0] = '\n';
	memcpy(buf + skip, slot, sizeof slot);
	buf[skip] = '#';
	r = rc_write_all(fd, buf, skip + sizeof slot);
	end = lseek(fd, 0, SEEK_CUR);
	/* pwrite to an O_APPEND descriptor would append too. */
	if (fcntl(fd, F_SETFL, flags) < 0 && r == 0)
		r = -errno;
	if (r == 0 && end < (off_t)sizeof slot)
		r = -EIO;
	if (r == 0)
		r = pwrite_all(fd, slot, 1, end - (off_t)sizeof slot);
	return r;
}

/* The file's content, at most FILE_MAX bytes. */
static int read_fd(int fd, char **ret, size_t *ret_len)
{
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > FILE_MAX)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*ret = buf;
	*ret_len = got;
	return 0;
}

/* Free the slots at off that do not hold a wanted entry (marking those
 * that do as seen); note the free ones. */
static int sweep(int fd, const char *buf, size_t len, struct entries *want,
		 off_t *free_off, size_t *nfree)
{
	size_t off = 0;

	*nfree = 0;
	while (off < len) {
		const char *line = buf + off, *nl = memchr(line, '\n', len - off);
		size_t llen = nl ? (size_t)(nl - line) + 1 : len - off;

		if (is_slot(line, llen) && line[0] == '#') {
			free_off[(*nfree)++] = (off_t)off;
		} else if (is_slot(line, llen)) {
			char ip[INET_ADDRSTRLEN] = "", name[RC_NAME_MAX + 1] = "";
			struct entry *hit = NULL;
			sscanf(line, "%15s %64s", ip, name);
			for (size_t i = 0; i < want->n && !hit; i++)
				if (!want->v[i].seen && !strcmp(want->v[i].ip, ip) &&
				    !strcmp(want->v[i].name, name))
					hit = &want->v[i];
			if (hit) {
				hit->seen = true;
			} else {
				int r = slot_free(fd, (off_t)off, line);
				if (r < 0)
					return r;
				free_off[(*nfree)++] = (off_t)off;
			}
		}
		off += llen;
	}
	return 0;
}

int rc_hosts_sync_fd(int fd, const char *list, struct rc_err *e)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ off_t *free_off = NULL;
	struct entries want;
	size_t len = 0, nfree = 0, used = 0;
	int r;

	r = read_fd(fd, &buf, &len);
	if (r < 0)
		return rc_errf(e, -r, "reading the hosts file");
	if (entries_parse(list, &want) < 0)
		return rc_errf(e, ENOMEM, "reading the bridge's names");
	free_off = malloc((len / RC_HOSTS_SLOT + 1) * sizeof *free_off);
	r = free_off ? sweep(fd, buf, len, &want, free_off, &nfree) : -ENOMEM;
	for (size_t i = 0; r == 0 && i < want.n; i++) {
		if (want.v[i].seen)
			continue;
		r = -EAGAIN;
		while (r == -EAGAIN && used < nfree) {
			off_t off = free_off[used++];
			r = slot_fill(fd, off, buf + off, &want.v[i]);
		}
		if (r == -EAGAIN) {
			r = slot_append(fd, len > 0 && buf[len - 1] != '\n', &want.v[i]);
			len = 0; /* what follows our own slot ends with a newline */
		}
	}
	free(want.v);
	if (r < 0)
		return rc_errf(e, -r, "writing the bridge's names into the hosts file");
	return 0;
}

/* ---- the list and its containers ---- */

/* Bring container name's hosts file in line with list; a container whose
 * file cannot be changed only gets a warning, the others go on. */
static void sync_member(int containers_fd, const char *name, const char *list)
{
	_cleanup_close_ int dir = -1, fd = -1;
	struct rc_err e = { 0 };

	dir = openat(containers_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir >= 0)
		fd = openat(dir, "hosts", O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			rc_warn("container %s: opening its hosts file: %s", name, strerror(errno));
		return;
	}
	if (rc_hosts_sync_fd(fd, list, &e) < 0) {
		rc_err_prefix(&e, "container %s", name);
		rc_err_warn(&e);
	}
}

static void sync_all(int containers_fd, const char *list, const char *skip)
{
	struct entries es;

	if (entries_parse(list, &es) < 0)
		return;
	for (size_t i = 0; i < es.n; i++)
		if (strcmp(es.v[i].name, skip))
			sync_member(containers_fd, es.v[i].name, list);
	free(es.v);
}

static int list_read(int brfd, char **ret, struct rc_err *e)
{
	if (faccessat(brfd, LIST, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
		*ret = strdup("");
		return *ret ? 0 : rc_errf(e, ENOMEM, "reading the bridge's names");
	}
	if (rc_read_file_at(brfd, LIST, LIST_MAX, ret, NULL, e) < 0)
		return rc_err_prefix(e, "reading the bridge's names");
	return 0;
}

int rc_hosts_join(int brfd, int containers_fd, int cdirfd, const char *name,
		  struct in_addr ip, struct rc_err *e)
{
	_cleanup_free_ char *old = NULL, *list = NULL, *line = NULL;
	_cleanup_close_ int fd = -1;
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip, addr, sizeof addr);
	if (list_read(brfd, &old, e) < 0)
		return -1;
	if (asprintf(&line, "%s\t%s\n", addr, name) < 0) {
		line = NULL;
		return rc_errf(e, ENOMEM, "adding %s to the bridge's names", name);
	}
	list = list_edit(old, containers_fd, name, name, line);
	if (!list)
		return rc_errf(e, ENOMEM, "adding %s to the bridge's names", name);
	if (rc_write_file_nosync_at(brfd, LIST, list, strlen(list), 0644, e) < 0)
		return -1;
	fd = openat(cdirfd, "hosts", O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return rc_errf(e, errno, "opening hosts");
	if (rc_hosts_sync_fd(fd, list, e) < 0)
		return -1;
	sync_all(containers_fd, list, name);
	return 0;
}

int rc_hosts_leave(int brfd, int containers_fd, const char *name, struct rc_err *e)
{
	_cleanup_free_ char *old = NULL, *list = NULL;

	if (list_read(brfd, &old, e) < 0)
		return -1;
	list = list_edit(old, containers_fd, name, name, NULL);
	if (!list)
		return rc_errf(e, ENOMEM, "taking %s out of the bridge's names", name);
	if (rc_write_file_nosync_at(brfd, LIST, list, strlen(list), 0644, e) < 0)
		return -1;
	sync_all(containers_fd, list, name);
	return 0;
}
