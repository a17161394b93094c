/* etcfiles.c - the container's /etc files; see etcfiles.h. */
#include "net/etcfiles.h"
#include "base/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"

/* Is this nameserver address on loopback, so useless inside a container? */
static bool loopback_server(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Append to out the lines of text that keep says to keep; counts the
 * nameservers kept in *servers. */
static void copy_lines(FILE *out, const char *text, bool others, int *servers)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024], word[32], addr[256];

		if (len < sizeof line) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (sscanf(line, " %31s %255s", word, addr) == 2 && !strcmp(word, "nameserver")) {
				if (!loopback_server(addr)) {
					fprintf(out, "nameserver %s\n", addr);
					(*servers)++;
				}
			} else if (others && sscanf(line, " %31s", word) == 1 &&
				   (!strcmp(word, "search") || !strcmp(word, "domain") ||
				    !strcmp(word, "options"))) {
				fprintf(out, "%s\n", line);
			}
		}
		p = nl ? nl + 1 : NULL;
	}
}

char *rc_resolv_conf_make(const char *host, const char *upstream)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int servers = 0;

	if (!out)
		return NULL;
	copy_lines(out, host, true, &servers);
	if (!servers)
		copy_lines(out, upstream, false, &servers);
	if (!servers)
		fputs("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
	if (fclose(out) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int rc_etc_write(int cdirfd, const char *name, struct rc_err *e)
{
	_cleanup_free_ char *host = NULL, *upstream = NULL, *resolv = NULL, *hosts = NULL;
	char hostname[128];
	int n;

	rc_read_file_at(AT_FDCWD, "/etc/resolv.conf", 1 << 16, &host, NULL, NULL);
	rc_read_file_at(AT_FDCWD, "/run/systemd/resolve/resolv.conf", 1 << 16, &upstream, NULL, NULL);
	resolv = rc_resolv_conf_make(host, upstream);
	/* The container's own name and the others' on its bridge follow, in
	 * the slots hosts.h describes. */
	n = asprintf(&hosts, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (!resolv || n < 0) {
		hosts = NULL;
		return rc_errf(e, ENOMEM, "writing the container's /etc files");
	}
	snprintf(hostname, sizeof hostname, "%s\n", name);
	if (rc_write_file_nosync_at(cdirfd, "hostname", hostname, strlen(hostname), 0644, e) < 0 ||
	    rc_write_file_nosync_at(cdirfd, "hosts", hosts, strlen(hosts), 0644, e) < 0 ||
	    rc_write_file_nosync_at(cdirfd, "resolv.conf", resolv, strlen(resolv), 0644, e) < 0) {
		rc_etc_remove(cdirfd);
		return -1;
	}
	return 0;
}

void rc_etc_remove(int cdirfd)
{
	unlinkat(cdirfd, "hostname", 0);
	unlinkat(cdirfd, "hosts", 0);
	unlinkat(cdirfd, "resolv.conf", 0);
}

const char *const rc_etc_files[3] = { "hostname", "hosts", "resolv.conf" };

static char *slurp(const char *path)
{
	char *data = NULL;

	if (rc_read_file_at(AT_FDCWD, path, 1 << 20, &data, NULL, NULL) < 0)
		return NULL;
	return data;
}

/* Append the "nameserver" lines of text that are not 127.x stubs. */
static int make_file(int dirfd, const char *name, const char *text, struct rc_err *e)
{
	return rc_write_file_nosync_at(dirfd, name, text, strlen(text), 0644, e);
}

int rc_etc_prepare(int dirfd, const char *hostname, enum rc_net_mode mode,
		   struct rc_etc *ret, struct rc_err *e)
{
	struct rc_etc etc = { { false }, { 0 } };
	_cleanup_free_ char *stale = NULL;
	char owner[64] = "";
	struct stat st;

	/* Defaults a killed run left behind are ours to replace. */
	if (rc_read_file_at(dirfd, RC_FILE_ETC_OWNER, 4096, &stale, NULL, NULL) == 0) {
		for (int i = 0; i < 3; i++)
			if (strstr(stale, rc_etc_files[i]))
				unlinkat(dirfd, rc_etc_files[i], 0);
		unlinkat(dirfd, RC_FILE_ETC_OWNER, 0);
	}
	for (int i = 0; i < 3; i++) {
		_cleanup_free_ char *text = NULL;
		if (faccessat(dirfd, rc_etc_files[i], F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (i == 0) {
			if (asprintf(&text, "%s\n", hostname) < 0)
				text = NULL;
		} else if (i == 1 && mode == RC_NET_HOST) {
			text = slurp("/etc/hosts");
		} else if (i == 1) {
			if (asprintf(&text,
				     "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				     "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
				     "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
				     "%s%s%s",
				     mode == RC_NET_NONE ? "" : "127.0.1.1\t",
				     mode == RC_NET_NONE ? "" : hostname,
				     mode == RC_NET_NONE ? "" : "\n") < 0)
				text = NULL;
		} else {
			_cleanup_free_ char *host = slurp("/etc/resolv.conf");
			_cleanup_free_ char *up = slurp("/run/systemd/resolve/resolv.conf");
			text = mode == RC_NET_HOST && host ? strdup(host) : rc_resolv_conf_make(host, up);
		}
		if (!text) {
			rc_etc_cleanup(dirfd, &etc);
			return rc_errf(e, ENOMEM, "writing %s", rc_etc_files[i]);
		}
		if (make_file(dirfd, rc_etc_files[i], text, e) < 0) {
			rc_etc_cleanup(dirfd, &etc);
			return -1;
		}
		etc.made[i] = true;
		if (fstatat(dirfd, rc_etc_files[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			etc.ino[i] = st.st_ino;
		strcat(strcat(owner, rc_etc_files[i]), "\n");
	}
	if (owner[0] && rc_write_file_nosync_at(dirfd, RC_FILE_ETC_OWNER, owner, strlen(owner), 0644, e) < 0) {
		rc_etc_cleanup(dirfd, &etc);
		return -1;
	}
	*ret = etc;
	return 0;
}

void rc_etc_cleanup(int dirfd, const struct rc_etc *etc)
{
	bool any = false;
	struct stat st;

	for (int i = 0; i < 3; i++) {
		if (!etc->made[i])
			continue;
		any = true;
		if (fstatat(dirfd, rc_etc_files[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_ino == etc->ino[i])
			unlinkat(dirfd, rc_etc_files[i], 0);
	}
	if (any)
		unlinkat(dirfd, RC_FILE_ETC_OWNER, 0);
}
