/* ipam.c - subnets and leases; see ipam.h. */
#include "net/ipam.h"

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

in_addr_t rc_prefix_mask(int prefix)
{
	if (prefix <= 0)
		return 0;
	return htonl(prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix));
}

bool rc_cidr_overlap(struct in_addr a, int alen, struct in_addr b, int blen)
{
	in_addr_t m = rc_prefix_mask(alen < blen ? alen : blen);

	return (a.s_addr & m) == (b.s_addr & m);
}

int rc_subnet_parse(const char *s, struct in_addr *ret_net, int *ret_prefix,
		    struct rc_err *e)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	char *end;
	long n;

	if (!slash || (size_t)(slash - s) >= sizeof ip || !slash[1])
		goto bad;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1)
		goto bad;
	errno = 0;
	n = strtol(slash + 1, &end, 10);
	if (errno || *end || slash[1] < '0' || slash[1] > '9')
		goto bad;
	if (n < 8 || n > 30) {
		rc_errf(e, 0, "subnet %s: the prefix length must be between 8 and 30", s);
		return rc_err_status(e, 2);
	}
	if (a.s_addr & ~rc_prefix_mask((int)n)) {
		rc_errf(e, 0, "subnet %s: host bits are set", s);
		return rc_err_status(e, 2);
	}
	*ret_net = a;
	*ret_prefix = (int)n;
	return 0;
bad:
	rc_errf(e, 0, "subnet %s: not an IPv4 CIDR such as 10.89.0.0/16", s);
	return rc_err_status(e, 2);
}

struct in_addr rc_subnet_gateway(struct in_addr net)
{
	struct in_addr gw = { htonl(ntohl(net.s_addr) + 1) };

	return gw;
}

bool rc_subnet_host(struct in_addr net, int prefix, struct in_addr addr)
{
	uint32_t n = ntohl(net.s_addr), a = ntohl(addr.s_addr);
	uint32_t bcast = n | ~ntohl(rc_prefix_mask(prefix));

	if ((addr.s_addr & rc_prefix_mask(prefix)) != net.s_addr)
		return false;
	return a > n + 1 && a < bcast;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int rc_ipam_pick(struct in_addr net, int prefix, uint32_t *used, size_t n,
		 struct in_addr *ret)
{
	uint32_t first = ntohl(net.s_addr) + 2;
	uint32_t bcast = ntohl(net.s_addr) | ~ntohl(rc_prefix_mask(prefix));
	uint32_t cand = first;

	if (n > 0)
		qsort(used, n, sizeof *used, cmp_u32);
	for (size_t i = 0; i < n && cand < bcast; i++) {
		if (used[i] < cand)
			continue;
		if (used[i] > cand)
			break;
		cand++;
	}
	if (cand >= bcast)
		return -1;
	ret->s_addr = htonl(cand);
	return 0;
}

/* The addresses leased in dirfd, host byte order, in a new array. */
static int read_leases(int dirfd, uint32_t **ret, size_t *ret_n, struct rc_err *e)
{
	int fd = dup(dirfd);
	_cleanup_free_ uint32_t *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return rc_errf(e, errno, "reading the leases");
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		struct in_addr a;
		if (inet_pton(AF_INET, de->d_name, &a) != 1)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			uint32_t *nv = realloc(v, ncap * sizeof *v);
			if (!nv) {
				closedir(d);
				return rc_errf(e, ENOMEM, "reading the leases");
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = ntohl(a.s_addr);
	}
	closedir(d);
	*ret = rc_steal_ptr(v);
	*ret_n = n;
	return 0;
}

int rc_ipam_lease(int dirfd, struct in_addr net, int prefix, struct in_addr want,
		  const char *name, struct in_addr *ret, struct rc_err *e)
{
	char ip[INET_ADDRSTRLEN], line[RC_ERR_MSG_MAX];
	_cleanup_free_ uint32_t *used = NULL;
	size_t n = 0;
	struct in_addr a;

	if (want.s_addr) {
		inet_ntop(AF_INET, &want, ip, sizeof ip);
		if (!rc_subnet_host(net, prefix, want))
			return rc_errf(e, 0, "address %s is not a free host address of the subnet", ip);
		if (faccessat(dirfd, ip, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return rc_errf(e, 0, "address %s is already leased", ip);
		a = want;
	} else {
		if (read_leases(dirfd, &used, &n, e) < 0)
			return -1;
		if (rc_ipam_pick(net, prefix, used, n, &a) < 0)
			return rc_errf(e, 0, "no free address left in the subnet");
		inet_ntop(AF_INET, &a, ip, sizeof ip);
	}
	snprintf(line, sizeof line, "%s\n", name);
	if (rc_write_file_nosync_at(dirfd, ip, line, strlen(line), 0644, e) < 0)
		return rc_err_prefix(e, "leasing %s", ip);
	*ret = a;
	return 0;
}

int rc_ipam_release(int dirfd, struct in_addr addr, struct rc_err *e)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, ip, sizeof ip);
	if (unlinkat(dirfd, ip, 0) < 0 && errno != ENOENT)
		return rc_errf(e, errno, "releasing the lease of %s", ip);
	return 0;
}

long rc_ipam_count(int dirfd)
{
	_cleanup_free_ uint32_t *used = NULL;
	size_t n = 0;

	if (read_leases(dirfd, &used, &n, NULL) < 0)
		return -1;
	return (long)n;
}
