/* etcfiles.c - the container's /etc files; see etcfiles.h. */
#include "etcfiles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"

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

int rc_etc_write(int cdirfd, const char *name, struct in_addr ip, struct rc_err *e)
{
	_cleanup_free_ char *host = NULL, *upstream = NULL, *resolv = NULL, *hosts = NULL;
	char addr[INET_ADDRSTRLEN], hostname[128];
	int n;

	rc_read_file_at(AT_FDCWD, "/etc/resolv.conf", 1 << 16, &host, NULL, NULL);
	rc_read_file_at(AT_FDCWD, "/run/systemd/resolve/resolv.conf", 1 << 16, &upstream, NULL, NULL);
	resolv = rc_resolv_conf_make(host, upstream);
	inet_ntop(AF_INET, &ip, addr, sizeof addr);
	n = asprintf(&hosts, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "%s\t%s\n", addr, name);
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
