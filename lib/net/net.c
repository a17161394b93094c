/* net.c - a container's network, made and undone; see net.h. */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "net/etcfiles.h"
#include "base/fs.h"
#include "net/hosts.h"
#include "net/ipam.h"
#include "net/link.h"
#include "net/netlink.h"
#include "net/netns.h"
#include "net/nft.h"
#include "net/route.h"
#include "base/state.h"
#include "lifecycle/ctr.h"

#define ENV_MAX 8192

bool rc_bridge_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 15 || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789_.-") == n;
}

void rc_net_host_ifname(const char *name, char *buf)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */

	if (strlen(name) <= 12) {
		snprintf(buf, 16, "rc-%s", name);
		return;
	}
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	snprintf(buf, 16, "rc%012" PRIx64, (uint64_t)(h & 0xffffffffffffull));
}

/* Write value into a file under /proc/sys. */
static int sysctl_set(const char *path, const char *value, struct rc_err *e)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || rc_write_all(fd, value, strlen(value)) < 0)
		return rc_errf(e, errno, "setting %s", path);
	return 0;
}

/* Turn IPv6 off on link ifname of the current network namespace; a kernel
 * without IPv6 has nothing to turn off. rc's network is IPv4 only, and a
 * link with IPv6 on believes the router advertisements any container with
 * CAP_NET_RAW sends: the host, or the other containers, would take it for
 * their default router (CVE-2020-13401). */
static int ipv6_off(const char *ifname, struct rc_err *e)
{
	char path[96];

	snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	if (access("/proc/sys/net/ipv6", F_OK) < 0 && errno == ENOENT)
		return 0;
	return sysctl_set(path, "1", e);
}

/* The same in the network namespace nsfd: /proc/sys/net shows the
 * namespace of whoever opens the file. */
static int ipv6_off_in(int nsfd, const char *ifname, struct rc_err *e)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (self < 0)
		return rc_errf(e, errno, "opening the current network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return rc_errf(e, errno, "entering the container's network namespace");
	r = ipv6_off(ifname, e);
	/* Without the way back every later step would act on the wrong host. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	return r;
}

/* A test can make rc-net-up fail right after a step by naming it in
 * RC_NET_UP_FAIL, to check that everything made until then is undone. */
static int injected(const char *step, struct rc_err *e)
{
	const char *want = getenv("RC_NET_UP_FAIL");

	if (want && !strcmp(want, step))
		return rc_errf(e, 0, "failing after step %s, as RC_NET_UP_FAIL asks", step);
	return 0;
}

/* containers/NAME's directory (lifecycle/ctr.h says what is an error). */
static int open_container(const char *root, const char *name, struct rc_err *e)
{
	_cleanup_ctr_ struct rc_ctr c = RC_CTR_INIT;

	if (rc_ctr_open(root, name, &c, e) < 0)
		return -1;
	return rc_steal_fd(&c.dir_fd);
}

/* ---- the network lock and the bridge's state ---- */

struct netstate {
	int netfd;        /* $root/net */
	int lockfd;
	int brfd;         /* net/bridges/BRIDGE */
	int leasefd;      /* net/bridges/BRIDGE/leases */
	int portfd;       /* net/ports */
};

static void netstate_close(struct netstate *s)
{
	int *fds[] = { &s->portfd, &s->leasefd, &s->brfd, &s->lockfd, &s->netfd };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

static int open_dir(int dirfd, const char *path, struct rc_err *e)
{
	int fd;

	if (rc_mkdir_p_at(dirfd, path, 0700, e) < 0)
		return -1;
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rc_errf(e, errno, "opening %s", path);
	return fd;
}

/* Take the network lock and open the state of bridge. */
static int netstate_open(struct netstate *s, const char *root, const char *bridge,
			 struct rc_err *e)
{
	char path[64];

	s->netfd = s->lockfd = s->brfd = s->leasefd = s->portfd = -1;
	snprintf(path, sizeof path, "bridges/%s/leases", bridge);
	s->netfd = rc_state_dir(root, "net", true, e);
	if (s->netfd < 0)
		return -1;
	s->lockfd = rc_lock_at(s->netfd, "lock", e);
	if (s->lockfd < 0)
		goto fail;
	s->leasefd = open_dir(s->netfd, path, e);
	if (s->leasefd < 0)
		goto fail;
	s->brfd = openat(s->leasefd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->brfd < 0) {
		rc_errf(e, errno, "opening bridges/%s", bridge);
		goto fail;
	}
	s->portfd = open_dir(s->netfd, "ports", e);
	if (s->portfd < 0)
		goto fail;
	return 0;
fail:
	netstate_close(s);
	return -1;
}

/* Forget a bridge's state directory once nothing is leased on it. */
static void bridge_state_remove(struct netstate *s, const char *bridge)
{
	char path[64];

	snprintf(path, sizeof path, "bridges/%s", bridge);
	rc_rm_rf_at(s->netfd, path, NULL);
}

/* ---- net.env ---- */

struct netenv {
	struct in_addr ip, gw, net;
	int prefix;
	char bridge[16], host_if[16], netns[16];
	char ports[ENV_MAX];
};

static int env_write(int cdirfd, const struct netenv *v, struct rc_err *e)
{
	char ip[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	_cleanup_free_ char *text = NULL;
	int n;

	inet_ntop(AF_INET, &v->ip, ip, sizeof ip);
	inet_ntop(AF_INET, &v->gw, gw, sizeof gw);
	inet_ntop(AF_INET, &v->net, net, sizeof net);
	n = asprintf(&text, "IP=%s\nPREFIX=%d\nGATEWAY=%s\nSUBNET=%s/%d\nBRIDGE=%s\n"
		     "HOST_IF=%s\nIFNAME=%s\nPORTS='%s'\nNETNS=%s\n",
		     ip, v->prefix, gw, net, v->prefix, v->bridge, v->host_if,
		     RC_NET_IFNAME, v->ports, v->netns);
	if (n < 0) {
		text = NULL;
		return rc_errf(e, ENOMEM, "writing net.env");
	}
	return rc_write_file_nosync_at(cdirfd, RC_FILE_NET_ENV, text, (size_t)n, 0644, e);
}

/* The value of KEY in net.env text, unquoted, into buf. */
static bool env_get(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t vlen;
		const char *v;

		if (strncmp(p, key, klen) || p[klen] != '=')
			continue;
		v = p + klen + 1;
		vlen = strcspn(v, "\n");
		if (vlen >= 2 && v[0] == '\'' && v[vlen - 1] == '\'') {
			v++;
			vlen -= 2;
		}
		if (vlen >= len)
			return false;
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		return true;
	}
	return false;
}

static int env_read(int cdirfd, struct netenv *v, struct rc_err *e)
{
	_cleanup_free_ char *text = NULL;
	char ip[INET_ADDRSTRLEN], subnet[32];

	if (rc_read_file_at(cdirfd, RC_FILE_NET_ENV, ENV_MAX * 2, &text, NULL, e) < 0)
		return -1;
	memset(v, 0, sizeof *v);
	if (!env_get(text, "IP", ip, sizeof ip) || inet_pton(AF_INET, ip, &v->ip) != 1 ||
	    !env_get(text, "BRIDGE", v->bridge, sizeof v->bridge) ||
	    !rc_bridge_name_valid(v->bridge) ||
	    !env_get(text, "HOST_IF", v->host_if, sizeof v->host_if) ||
	    !env_get(text, "SUBNET", subnet, sizeof subnet) ||
	    rc_subnet_parse(subnet, &v->net, &v->prefix, NULL) < 0)
		return rc_errf(e, 0, "reading net.env: IP, BRIDGE, HOST_IF or SUBNET is missing or malformed");
	env_get(text, "PORTS", v->ports, sizeof v->ports);
	env_get(text, "NETNS", v->netns, sizeof v->netns);
	return 0;
}

/* Parse the PORTS of net.env back into an array the caller frees. */
static int env_ports(const char *text, struct rc_port **ret, size_t *ret_n)
{
	_cleanup_free_ char *copy = strdup(text);
	struct rc_port *v = NULL;
	size_t n = 0;
	char *save = NULL;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		struct rc_port *nv = realloc(v, (n + 1) * sizeof *v);
		if (!nv) {
			free(v);
			return -1;
		}
		v = nv;
		if (rc_port_parse(t, &v[n], NULL) == 0)
			n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- rc_net_up ---- */

/* What one rc-net-up call has made so far, to undo on failure. */
struct made {
	bool ports, lease, bridge, subnet, localnet, netns, veth, nft, etc, names;
};

struct up {
	const struct rc_net_opts *o;
	const char *bridge;
	int cdirfd;
	int ctrsfd;                    /* $root/containers */
	struct netstate st;
	struct rc_nl nl;               /* the host's rtnetlink */
	struct netenv env;
	struct made made;
	int nsfd;
	int br_index;
	unsigned int mtu;
};

static int localnet_path(const char *bridge, char *buf, size_t len)
{
	return snprintf(buf, len, "/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
}

/* Turn route_localnet on for the bridge: it lets the host's own 127.0.0.1
 * reach published ports (see nft.c, which also drops what it would let in
 * from the containers). On a bridge rc did not make and that had it off,
 * "localnet" in the bridge's state remembers to turn it off again with
 * the last container, when rc's rules that guard it go. */
static int localnet_on(struct up *u, bool owned, struct rc_err *e)
{
	_cleanup_free_ char *was = NULL;
	char path[96];

	localnet_path(u->bridge, path, sizeof path);
	if (!owned && faccessat(u->st.brfd, "localnet", F_OK, 0) < 0) {
		if (rc_read_file_at(AT_FDCWD, path, 16, &was, NULL, e) < 0)
			return -1;
		if (was[0] == '0') {
			if (rc_write_file_nosync_at(u->st.brfd, "localnet", "", 0, 0644, e) < 0)
				return -1;
			u->made.localnet = true;
		}
	}
	return sysctl_set(path, "1", e);
}

/* Undo what localnet_on remembered; nothing when it remembered nothing. */
static void localnet_restore(int brfd, const char *bridge)
{
	struct rc_err ignored;
	char path[96];

	if (faccessat(brfd, "localnet", F_OK, 0) < 0)
		return;
	localnet_path(bridge, path, sizeof path);
	sysctl_set(path, "0", &ignored);
	unlinkat(brfd, "localnet", 0);
}

static void undo(struct up *u)
{
	struct rc_err ignored;

	/* Alone on the bridge: its rules were (or would have been) made by this
	 * call too, so they go with the container's. */
	long others = rc_ipam_count(u->st.leasefd) - (u->made.lease ? 1 : 0);

	if (u->made.names)
		rc_hosts_leave(u->st.brfd, u->ctrsfd, u->o->name, &ignored);
	if (u->made.etc)
		rc_etc_remove(u->cdirfd);
	if (u->made.nft)
		rc_nft_down(u->bridge, u->o->name, others == 0, &ignored);
	if (u->made.veth)
		rc_link_del(&u->nl, u->env.host_if, true, &ignored);
	if (u->made.netns)
		rc_netns_unpin(u->cdirfd, &ignored);
	if (u->made.bridge) {
		rc_link_del(&u->nl, u->bridge, true, &ignored);
		unlinkat(u->st.brfd, "owned", 0);
	}
	if (u->made.subnet)
		unlinkat(u->st.brfd, "subnet", 0);
	if (u->made.localnet)
		localnet_restore(u->st.brfd, u->bridge);
	if (u->made.lease)
		rc_ipam_release(u->st.leasefd, u->env.ip, &ignored);
	if (u->made.ports)
		rc_ports_release(u->st.portfd, u->o->ports, u->o->nports);
	if (rc_ipam_count(u->st.leasefd) == 0 && faccessat(u->st.brfd, "subnet", F_OK, 0) < 0)
		bridge_state_remove(&u->st, u->bridge);
}

/* The subnet to use: the one the bridge has, which a --subnet must match,
 * or the one asked for, or the default. */
static int choose_subnet(struct up *u, bool *ret_known, struct rc_err *e)
{
	_cleanup_free_ char *have = NULL;
	const char *want = u->o->subnet;
	struct in_addr net;
	int prefix;

	*ret_known = false;
	if (want && rc_subnet_parse(want, &net, &prefix, e) < 0)
		return -1;
	if (rc_read_file_at(u->st.brfd, "subnet", 64, &have, NULL, NULL) == 0) {
		have[strcspn(have, "\n")] = '\0';
		if (rc_subnet_parse(have, &u->env.net, &u->env.prefix, e) < 0)
			return rc_err_prefix(e, "reading the subnet of bridge %s", u->bridge);
		if (want && (net.s_addr != u->env.net.s_addr || prefix != u->env.prefix))
			return rc_errf(e, 0, "bridge %s has subnet %s, not %s", u->bridge, have, want);
		*ret_known = true;
		return 0;
	}
	if (!want && rc_subnet_parse(RC_NET_SUBNET, &net, &prefix, e) < 0)
		return -1;
	u->env.net = net;
	u->env.prefix = prefix;
	return 0;
}

/* The bridge with the gateway address, up; created when missing. */
static int bridge_up(struct up *u, struct rc_err *e)
{
	char desc[32], subnet[32], net[INET_ADDRSTRLEN];
	struct rc_err probe;
	bool known, overlap, owned;

	if (choose_subnet(u, &known, e) < 0)
		return -1;
	u->env.gw = rc_subnet_gateway(u->env.net);
	inet_ntop(AF_INET, &u->env.net, net, sizeof net);
	snprintf(subnet, sizeof subnet, "%s/%d", net, u->env.prefix);
	if (rc_link_get(&u->nl, u->bridge, &u->br_index, &u->mtu, &probe) < 0) {
		if (probe.code != ENODEV) {
			*e = probe;
			return -1;
		}
		u->br_index = 0;
	}
	if (!known) {
		if (rc_route_overlap(&u->nl, u->env.net, u->env.prefix, u->br_index,
				     &overlap, desc, e) < 0)
			return -1;
		if (overlap)
			return rc_errf(e, 0, "subnet %s overlaps the host's route to %s; "
				       "choose another with --subnet", subnet, desc);
	}
	if (!u->br_index) {
		if (rc_link_add_bridge(&u->nl, u->bridge, e) < 0)
			return -1;
		u->made.bridge = true;
		if (rc_write_file_nosync_at(u->st.brfd, "owned", "", 0, 0644, e) < 0 ||
		    rc_link_get(&u->nl, u->bridge, &u->br_index, &u->mtu, e) < 0)
			return -1;
	}
	if (!known) {
		char line[40];
		snprintf(line, sizeof line, "%s\n", subnet);
		if (rc_write_file_nosync_at(u->st.brfd, "subnet", line, strlen(line), 0644, e) < 0)
			return -1;
		u->made.subnet = true;
	}
	if (rc_addr_add(&u->nl, u->br_index, u->env.gw, u->env.prefix, true, e) < 0)
		return rc_err_prefix(e, "bridge %s", u->bridge);
	owned = u->made.bridge || faccessat(u->st.brfd, "owned", F_OK, 0) == 0;
	if (localnet_on(u, owned, e) < 0 ||
	    sysctl_set("/proc/sys/net/ipv4/ip_forward", "1", e) < 0)
		return -1;
	/* A bridge someone else made keeps the IPv6 they gave it. */
	if (owned && ipv6_off(u->bridge, e) < 0)
		return -1;
	if (rc_link_set_up(&u->nl, u->br_index, e) < 0)
		return rc_err_prefix(e, "bridge %s", u->bridge);
	return 0;
}

/* The veth pair, and the container's side: lo and eth0 up, the address,
 * the default route. */
static int veth_up(struct up *u, struct rc_err *e)
{
	struct rc_nl cnl;
	int host_index, eth0, lo, r;

	rc_net_host_ifname(u->o->name, u->env.host_if);
	if (rc_link_add_veth(&u->nl, u->env.host_if, u->br_index, u->mtu, RC_NET_IFNAME,
			     u->nsfd, e) < 0)
		return -1;
	u->made.veth = true;
	if (rc_link_get(&u->nl, u->env.host_if, &host_index, NULL, e) < 0 ||
	    rc_link_set_hairpin(&u->nl, host_index, e) < 0 ||
	    rc_link_set_up(&u->nl, host_index, e) < 0 || injected("veth", e) < 0)
		return -1;
	if (ipv6_off_in(u->nsfd, RC_NET_IFNAME, e) < 0)
		return rc_err_prefix(e, "in the container");
	if (rc_nl_open_in(&cnl, NETLINK_ROUTE, u->nsfd, e) < 0)
		return -1;
	r = rc_link_get(&cnl, "lo", &lo, NULL, e);
	if (r == 0)
		r = rc_link_set_up(&cnl, lo, e);
	if (r == 0)
		r = rc_link_get(&cnl, RC_NET_IFNAME, &eth0, NULL, e);
	if (r == 0)
		r = rc_addr_add(&cnl, eth0, u->env.ip, u->env.prefix, false, e);
	if (r == 0)
		r = rc_link_set_up(&cnl, eth0, e);
	if (r == 0)
		r = rc_route_add_default(&cnl, u->env.gw, e);
	rc_nl_close(&cnl);
	if (r < 0)
		return rc_err_prefix(e, "in the container");
	return 0;
}

static void format_ports(struct up *u)
{
	char s[RC_PORT_STR_MAX];

	u->env.ports[0] = '\0';
	for (size_t i = 0; i < u->o->nports; i++) {
		if (i)
			strcat(u->env.ports, " ");
		strcat(u->env.ports, rc_port_format(&u->o->ports[i], s));
	}
}

static int do_up(struct up *u, struct rc_err *e)
{
	struct in_addr none = { 0 };

	if (faccessat(u->cdirfd, RC_FILE_NET_ENV, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return rc_errf(e, 0, "container %s already has a network (net.env); "
			       "take it down with rc-net-down first", u->o->name);
	if (u->o->nports * RC_PORT_STR_MAX >= sizeof u->env.ports)
		return rc_errf(e, 0, "too many published ports");
	if (rc_ports_reserve(u->st.portfd, u->o->ports, u->o->nports, u->o->name, e) < 0)
		return -1;
	u->made.ports = true;
	if (rc_nl_open(&u->nl, NETLINK_ROUTE, e) < 0 || bridge_up(u, e) < 0 ||
	    injected("bridge", e) < 0)
		return -1;
	if (rc_ipam_lease(u->st.leasefd, u->env.net, u->env.prefix,
			  u->o->ip.s_addr ? u->o->ip : none, u->o->name, &u->env.ip, e) < 0)
		return -1;
	u->made.lease = true;
	u->nsfd = rc_netns_open(u->cdirfd, true, &u->made.netns, e);
	if (u->nsfd < 0)
		return rc_err_prefix(e, "container %s", u->o->name);
	snprintf(u->env.netns, sizeof u->env.netns, "%s", u->made.netns ? "created" : "joined");
	if (veth_up(u, e) < 0)
		return -1;
	if (rc_nft_up(u->bridge, u->env.net, u->env.prefix, u->o->name, u->env.ip,
		      u->o->ports, u->o->nports, e) < 0)
		return -1;
	u->made.nft = true;
	if (injected("nft", e) < 0 || rc_etc_write(u->cdirfd, u->o->name, e) < 0)
		return -1;
	u->made.etc = true;
	u->ctrsfd = rc_state_dir(u->o->root, "containers", false, e);
	if (u->ctrsfd < 0 ||
	    rc_hosts_join(u->st.brfd, u->ctrsfd, u->cdirfd, u->o->name, u->env.ip, e) < 0)
		return -1;
	u->made.names = true;
	format_ports(u);
	snprintf(u->env.bridge, sizeof u->env.bridge, "%s", u->bridge);
	if (injected("files", e) < 0 || env_write(u->cdirfd, &u->env, e) < 0)
		return -1;
	return 0;
}

int rc_net_up(const struct rc_net_opts *o, struct in_addr *ret_ip, struct rc_err *e)
{
	struct up u = { .o = o, .bridge = o->bridge ? o->bridge : RC_NET_BRIDGE,
			.cdirfd = -1, .ctrsfd = -1, .nsfd = -1 };
	int r;

	if (!rc_bridge_name_valid(u.bridge)) {
		rc_errf(e, 0, "bridge name '%s': it must be 1 to 15 of [A-Za-z0-9_.-]", u.bridge);
		return rc_err_status(e, 2);
	}
	u.cdirfd = open_container(o->root, o->name, e);
	if (u.cdirfd < 0)
		return -1;
	if (netstate_open(&u.st, o->root, u.bridge, e) < 0) {
		close(u.cdirfd);
		return -1;
	}
	r = do_up(&u, e);
	if (r < 0)
		undo(&u);
	else
		*ret_ip = u.env.ip;
	if (u.nsfd >= 0)
		close(u.nsfd);
	if (u.ctrsfd >= 0)
		close(u.ctrsfd);
	if (u.nl.sock)
		rc_nl_close(&u.nl);
	netstate_close(&u.st);
	close(u.cdirfd);
	return r;
}

/* ---- rc_net_down ---- */

/* Leases are per state root, but a bridge and rc's table belong to the
 * host: another RC_ROOT's containers (or anyone's links) may be on the same
 * bridge. Only a bridge whose one remaining port is this container's veth
 * is ours to take down with its rules. */
static bool bridge_alone(struct rc_nl *nl, const char *bridge)
{
	unsigned int ports = 0;
	int index;

	if (rc_link_get(nl, bridge, &index, NULL, NULL) < 0)
		return true;
	if (rc_link_count_ports(nl, index, &ports, NULL) < 0)
		return false;
	return ports <= 1;
}

/* Take name out of its bridge's names, in every other container's hosts
 * file too. */
static int names_leave(struct netstate *st, const char *root, const char *name,
		       struct rc_err *e)
{
	_cleanup_close_ int ctrsfd = rc_state_dir(root, "containers", false, e);

	if (ctrsfd < 0)
		return -1;
	return rc_hosts_leave(st->brfd, ctrsfd, name, e);
}

static int do_down(int cdirfd, const char *root, const char *name, bool keep_bridge,
		   struct netenv *v, struct rc_err *e)
{
	_cleanup_free_ struct rc_port *ports = NULL;
	struct netstate st;
	struct rc_nl nl;
	size_t nports = 0;
	long left;
	bool last, owned, retire;
	int r = -1;

	if (env_ports(v->ports, &ports, &nports) < 0)
		return rc_errf(e, ENOMEM, "reading net.env");
	if (netstate_open(&st, root, v->bridge, e) < 0)
		return -1;
	if (rc_nl_open(&nl, NETLINK_ROUTE, e) < 0) {
		netstate_close(&st);
		return -1;
	}
	/* Is this the last container of a bridge rc made? (Not counting
	 * its own lease, which goes below.) */
	left = rc_ipam_count(st.leasefd);
	last = left >= 0 && left <= 1 && !keep_bridge;
	owned = faccessat(st.brfd, "owned", F_OK, 0) == 0;
	if (last && !bridge_alone(&nl, v->bridge))
		last = false;
	/* The veth's other end is in a namespace rc-net-up made: when no
	 * container runs in it (no pid file), unpinning it below ends it, and
	 * the kernel takes the pair away with it in the background, where
	 * deleting the veth now would wait for RCU grace periods (most of
	 * what rc-net-down costs). A running container's eth0 goes now. */
	retire = !strcmp(v->netns, "created") &&
		 faccessat(cdirfd, RC_FILE_PID, F_OK, AT_SYMLINK_NOFOLLOW) < 0;
	if (last && owned) {
		/* The veth (the container's eth0 with it) and the bridge, at once. */
		const char *links[] = { v->host_if, v->bridge };
		if (rc_link_del_many(&nl, links, 2, e) < 0)
			goto out;
	} else if (retire) {
		if (rc_link_retire(&nl, v->host_if, e) < 0)
			goto out;
	} else if (rc_link_del(&nl, v->host_if, true, e) < 0) {
		goto out;
	}
	if (rc_ipam_release(st.leasefd, v->ip, e) < 0 || names_leave(&st, root, name, e) < 0)
		goto out;
	if (last && rc_ipam_count(st.leasefd) != 0)
		last = false;
	if (rc_nft_down(v->bridge, name, last, e) < 0)
		goto out;
	rc_ports_release(st.portfd, ports, nports);
	if (last) {
		localnet_restore(st.brfd, v->bridge);
		bridge_state_remove(&st, v->bridge);
	}
	if (!strcmp(v->netns, "created") && rc_netns_unpin(cdirfd, e) < 0)
		goto out;
	rc_etc_remove(cdirfd);
	if (unlinkat(cdirfd, RC_FILE_NET_ENV, 0) < 0 && errno != ENOENT) {
		rc_errf(e, errno, "removing net.env");
		goto out;
	}
	r = 0;
out:
	rc_nl_close(&nl);
	netstate_close(&st);
	return r;
}

int rc_net_down(const char *root, const char *name, bool keep_bridge, bool *ret_nothing,
		struct rc_err *e)
{
	_cleanup_close_ int cdirfd = open_container(root, name, e);
	struct netenv *v;
	int r;

	*ret_nothing = false;
	if (cdirfd < 0)
		return -1;
	if (faccessat(cdirfd, RC_FILE_NET_ENV, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		*ret_nothing = true;
		return 0;
	}
	v = malloc(sizeof *v);
	if (!v)
		return rc_errf(e, ENOMEM, "reading net.env");
	r = env_read(cdirfd, v, e);
	if (r == 0)
		r = do_down(cdirfd, root, name, keep_bridge, v, e);
	free(v);
	return r;
}
