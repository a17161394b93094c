/* ports.c - published ports; see ports.h. */
#include "net/ports.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs.h"

static int parse_port(const char *s, size_t len, uint16_t *ret)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*ret = (uint16_t)v;
	return 0;
}

int rc_port_parse(const char *s, struct rc_port *ret, struct rc_err *e)
{
	struct rc_port p = { .proto = IPPROTO_TCP };
	const char *slash = strchr(s, '/'), *end = slash ? slash : s + strlen(s);
	const char *c2, *c1;
	char ip[INET_ADDRSTRLEN];

	if (slash) {
		if (!strcmp(slash + 1, "tcp"))
			p.proto = IPPROTO_TCP;
		else if (!strcmp(slash + 1, "udp"))
			p.proto = IPPROTO_UDP;
		else
			goto bad;
	}
	/* The last colon before the protocol ends the host port. */
	c2 = memrchr(s, ':', (size_t)(end - s));
	if (!c2 || parse_port(c2 + 1, (size_t)(end - c2 - 1), &p.ctr_port) < 0)
		goto bad;
	c1 = memrchr(s, ':', (size_t)(c2 - s));
	if (parse_port(c1 ? c1 + 1 : s, (size_t)(c2 - (c1 ? c1 + 1 : s)), &p.host_port) < 0)
		goto bad;
	if (c1) {
		if ((size_t)(c1 - s) >= sizeof ip)
			goto bad;
		memcpy(ip, s, (size_t)(c1 - s));
		ip[c1 - s] = '\0';
		if (inet_pton(AF_INET, ip, &p.host_ip) != 1)
			goto bad;
	}
	*ret = p;
	return 0;
bad:
	rc_errf(e, 0, "port %s: expected [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]", s);
	return rc_err_status(e, 2);
}

char *rc_port_format(const struct rc_port *p, char *buf)
{
	char ip[INET_ADDRSTRLEN] = "";

	if (p->host_ip.s_addr != INADDR_ANY) {
		inet_ntop(AF_INET, &p->host_ip, ip, sizeof ip);
		strcat(ip, ":");
	}
	snprintf(buf, RC_PORT_STR_MAX, "%s%u:%u/%s", ip, p->host_port, p->ctr_port,
		 p->proto == IPPROTO_UDP ? "udp" : "tcp");
	return buf;
}

int rc_port_clash(const struct rc_port *a, const struct rc_port *b)
{
	return a->proto == b->proto && a->host_port == b->host_port &&
	       (a->host_ip.s_addr == b->host_ip.s_addr ||
		a->host_ip.s_addr == INADDR_ANY || b->host_ip.s_addr == INADDR_ANY);
}

static void file_name(const struct rc_port *p, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->host_ip, ip, sizeof ip);
	snprintf(buf, len, "%s-%u-%s", p->proto == IPPROTO_UDP ? "udp" : "tcp",
		 p->host_port, ip);
}

/* Turn a reservation's file name back into a port (host side only). */
static int file_port(const char *name, struct rc_port *p)
{
	char proto[4], ip[INET_ADDRSTRLEN];
	unsigned int port;

	if (sscanf(name, "%3[a-z]-%u-%15[0-9.]", proto, &port, ip) != 3 || port > 65535)
		return -1;
	memset(p, 0, sizeof *p);
	p->proto = !strcmp(proto, "udp") ? IPPROTO_UDP : IPPROTO_TCP;
	p->host_port = (uint16_t)port;
	return inet_pton(AF_INET, ip, &p->host_ip) == 1 ? 0 : -1;
}

/* Who holds the reservation clashing with p, if anyone (into owner). */
static int find_clash(int dirfd, const struct rc_port *p, char *owner, size_t len,
		      struct rc_err *e)
{
	int fd = dup(dirfd);
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return rc_errf(e, errno, "reading the published ports");
	}
	rewinddir(d);
	while (!found && (de = readdir(d))) {
		struct rc_port q;
		_cleanup_free_ char *who = NULL;

		if (strstr(de->d_name, ".tmp.") || file_port(de->d_name, &q) < 0 || !rc_port_clash(p, &q))
			continue;
		found = 1;
		snprintf(owner, len, "another container");
		if (rc_read_file_at(dirfd, de->d_name, 256, &who, NULL, NULL) == 0) {
			who[strcspn(who, "\n")] = '\0';
			snprintf(owner, len, "container %s", who);
		}
	}
	closedir(d);
	return found;
}

int rc_ports_reserve(int dirfd, const struct rc_port *ports, size_t n,
		     const char *name, struct rc_err *e)
{
	char fname[64], line[128], owner[128], str[RC_PORT_STR_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		int r;
		for (size_t j = 0; j < i; j++)
			if (rc_port_clash(&ports[i], &ports[j]))
				return rc_errf(e, 0, "port %s is published twice",
					       rc_port_format(&ports[i], str));
		r = find_clash(dirfd, &ports[i], owner, sizeof owner, e);
		if (r < 0)
			return -1;
		if (r)
			return rc_errf(e, 0, "host port %s is already published by %s",
				       rc_port_format(&ports[i], str), owner);
	}
	snprintf(line, sizeof line, "%s\n", name);
	for (i = 0; i < n; i++) {
		file_name(&ports[i], fname, sizeof fname);
		if (rc_write_file_nosync_at(dirfd, fname, line, strlen(line), 0644, e) < 0) {
			rc_ports_release(dirfd, ports, i);
			return rc_err_prefix(e, "reserving port %s", rc_port_format(&ports[i], str));
		}
	}
	return 0;
}

void rc_ports_release(int dirfd, const struct rc_port *ports, size_t n)
{
	char fname[64];

	for (size_t i = 0; i < n; i++) {
		file_name(&ports[i], fname, sizeof fname);
		unlinkat(dirfd, fname, 0);
	}
}
