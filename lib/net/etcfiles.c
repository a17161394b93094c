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

/* ---- --add-host and --dns ---- */

static bool ip_valid(const char *s)
{
	struct in6_addr a;

	return inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &a) == 1;
}

/* NAME and IP of NAME:IP or NAME=IP into name and ip (IP's brackets off). */
static int split_host(const char *arg, char *name, size_t nlen, char *ip, size_t iplen)
{
	const char *sep = strchr(arg, '=') ? strchr(arg, '=') : strchr(arg, ':');
	const char *v;
	size_t n, vl;

	if (!sep || sep == arg || (size_t)(sep - arg) >= nlen)
		return -1;
	n = (size_t)(sep - arg);
	memcpy(name, arg, n);
	name[n] = '\0';
	v = sep + 1;
	vl = strlen(v);
	if (vl >= 2 && v[0] == '[' && v[vl - 1] == ']')
		v++, vl -= 2;
	if (!vl || vl >= iplen)
		return -1;
	memcpy(ip, v, vl);
	ip[vl] = '\0';
	for (const char *p = name; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '#')
			return -1;
	return strcmp(ip, "host-gateway") && !ip_valid(ip) ? -1 : 0;
}

int rc_add_host_check(const char *arg, struct rc_err *e)
{
	char name[256], ip[64];

	if (split_host(arg, name, sizeof name, ip, sizeof ip) < 0) {
		rc_errf(e, 0, "--add-host: expected NAME:IP (an IPv4 or IPv6 address, or host-gateway), "
			"not \"%s\"", arg);
		return rc_err_status(e, 2);
	}
	return 0;
}

int rc_dns_check(const char *arg, struct rc_err *e)
{
	if (ip_valid(arg))
		return 0;
	rc_errf(e, 0, "--dns: not an IP address: \"%s\"", arg);
	return rc_err_status(e, 2);
}

/* The bridge's address the container reaches the host by (net.env's
 * GATEWAY, rc-net-up's), into buf. */
static int gateway(int dirfd, char *buf, size_t len, struct rc_err *e)
{
	_cleanup_free_ char *env = NULL;
	const char *p;

	if (rc_read_file_at(dirfd, RC_FILE_NET_ENV, 65536, &env, NULL, NULL) < 0 ||
	    !(p = strstr(env, "GATEWAY=")) || (p != env && p[-1] != '\n'))
		return rc_errf(e, 0, "--add-host NAME:host-gateway: the container has no network "
			       "(run rc-net-up before it starts)");
	p += 8;
	if (*p == '\'')
		p++;
	snprintf(buf, len, "%.*s", (int)strcspn(p, "'\n"), p);
	return 0;
}

/* Replace dirfd/name by text, keeping etc's record of a file rc-unshare made. */
static int rewrite(int dirfd, int i, const char *text, struct rc_etc *etc, struct rc_err *e)
{
	struct stat st;

	if (rc_write_file_nosync_at(dirfd, rc_etc_files[i], text, strlen(text), 0644, e) < 0)
		return -1;
	if (etc->made[i] && fstatat(dirfd, rc_etc_files[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
		etc->ino[i] = st.st_ino;
	return 0;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static int extra_hosts(int dirfd, char *const *add_hosts, struct rc_etc *etc, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	bool changed = false;
	int r = 0;

	if (rc_read_file_at(dirfd, rc_etc_files[1], 1 << 20, &text, NULL, e) < 0)
		return -1;
	out = open_memstream(&buf, &len);
	if (!out)
		return rc_errf(e, ENOMEM, "allocating");
	fputs(text, out);
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', out);
	for (size_t i = 0; r == 0 && add_hosts[i]; i++) {
		char name[256], ip[64], line[340];
		if (split_host(add_hosts[i], name, sizeof name, ip, sizeof ip) < 0) {
			r = rc_errf(e, EINVAL, "--add-host %s", add_hosts[i]);
			break;
		}
		if (!strcmp(ip, "host-gateway") && gateway(dirfd, ip, sizeof ip, e) < 0) {
			r = -1;
			break;
		}
		snprintf(line, sizeof line, "%s\t%s", ip, name);
		if (!has_line(text, line)) {
			fprintf(out, "%s\n", line);
			changed = true;
		}
	}
	if (fclose(out) != 0 && r == 0)
		r = rc_errf(e, ENOMEM, "allocating");
	if (r == 0 && changed)
		r = rewrite(dirfd, 1, buf, etc, e);
	free(buf);
	return r;
}

static int extra_dns(int dirfd, char *const *dns, struct rc_etc *etc, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int r = 0;

	if (rc_read_file_at(dirfd, rc_etc_files[2], 1 << 20, &text, NULL, e) < 0)
		return -1;
	out = open_memstream(&buf, &len);
	if (!out)
		return rc_errf(e, ENOMEM, "allocating");
	for (size_t i = 0; dns[i]; i++)
		fprintf(out, "nameserver %s\n", dns[i]);
	for (const char *p = text; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		const char *w = p + strspn(p, " \t");
		if (strncmp(w, "nameserver", 10) || (w[10] != ' ' && w[10] != '\t'))
			fwrite(p, 1, n, out);
		p += n;
	}
	if (fclose(out) != 0)
		return rc_errf(e, ENOMEM, "allocating");
	if (strcmp(buf, text))
		r = rewrite(dirfd, 2, buf, etc, e);
	free(buf);
	return r;
}

int rc_etc_extra(int dirfd, char *const *add_hosts, char *const *dns, struct rc_etc *etc,
		 struct rc_err *e)
{
	if (add_hosts && add_hosts[0] && extra_hosts(dirfd, add_hosts, etc, e) < 0)
		return rc_err_prefix(e, "adding --add-host to /etc/hosts");
	if (dns && dns[0] && extra_dns(dirfd, dns, etc, e) < 0)
		return rc_err_prefix(e, "adding --dns to /etc/resolv.conf");
	return 0;
}
