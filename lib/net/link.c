/* link.c - links over rtnetlink; see link.h. */
#include "net/link.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>
#include <string.h>
#include <stdio.h>
#include <sys/random.h>

struct link_info {
	int index;
	unsigned int mtu;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = data;
	const struct nlattr *a;

	li->index = ifm->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof *ifm)
		if (mnl_attr_get_type(a) == IFLA_MTU)
			li->mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int rc_link_get(struct rc_nl *nl, const char *name, int *ret_index,
		unsigned int *ret_mtu, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_GETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	struct link_info li = { 0, 0 };
	int r;

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = rc_nl_talk(nl, nlh, link_cb, &li);
	if (r < 0)
		return rc_errf(e, -r, "looking up link %s", name);
	if (ret_index)
		*ret_index = li.index;
	if (ret_mtu)
		*ret_mtu = li.mtu;
	return 0;
}

static struct nlmsghdr *newlink(struct rc_nl *nl, const char *name, struct ifinfomsg **ret_ifm)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (ret_ifm)
		*ret_ifm = ifm;
	return nlh;
}

int rc_link_add_bridge(struct rc_nl *nl, const char *name, struct rc_err *e)
{
	struct nlmsghdr *nlh = newlink(nl, name, NULL);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	int r;

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "creating bridge %s", name);
	return 0;
}

int rc_link_add_veth(struct rc_nl *nl, const char *name, int master, unsigned int mtu,
		     const char *peer_name, int peer_nsfd, struct rc_err *e)
{
	struct nlmsghdr *nlh = newlink(nl, name, NULL);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifm;
	int r;

	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer is described by its own ifinfomsg followed by attributes. */
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof *pifm);
	memset(pifm, 0, sizeof *pifm);
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (peer_nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "creating veth pair %s/%s", name, peer_name);
	return 0;
}

int rc_link_set_up(struct rc_nl *nl, int ifindex, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	int r;

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "bringing link %d up", ifindex);
	return 0;
}

int rc_link_set_hairpin(struct rc_nl *nl, int ifindex, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_SETLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	struct nlattr *info;
	int r;

	ifm->ifi_family = AF_BRIDGE;
	ifm->ifi_index = ifindex;
	info = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_MODE, 1);
	mnl_attr_nest_end(nlh, info);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "setting hairpin mode on link %d", ifindex);
	return 0;
}

int rc_link_del(struct rc_nl *nl, const char *name, bool missing_ok, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_DELLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	int r;

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r == -ENODEV && missing_ok)
		return 0;
	if (r < 0)
		return rc_errf(e, -r, "deleting link %s", name);
	return 0;
}

int rc_link_retire(struct rc_nl *nl, const char *name, struct rc_err *e)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct rc_err probe;
	char newname[IFNAMSIZ];
	int index, r;

	if (rc_link_get(nl, name, &index, NULL, &probe) < 0) {
		if (probe.code == ENODEV)
			return 0;
		*e = probe;
		return -1;
	}
	/* Down and off its bridge at once: no frame of the namespace going
	 * away reaches the bridge any more, and the bridge no longer counts
	 * it as a port. */
	nlh = rc_nl_msg(nl, RTM_NEWLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	ifm->ifi_flags = 0;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MASTER, 0);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "taking link %s down", name);
	/* A name of its own while it goes: the kernel only renames a link that
	 * is down, and an index is unique among the links that exist. */
	snprintf(newname, sizeof newname, RC_LINK_RETIRED_PREFIX "%08x", (unsigned int)index);
	nlh = rc_nl_msg(nl, RTM_NEWLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	/* That name taken by someone else's link: delete it now, the slow way. */
	if (r < 0)
		return rc_link_del(nl, name, true, e);
	return 0;
}

struct groups {
	uint32_t *v;
	size_t n, cap;
	bool oom;
};

static int group_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct groups *g = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof *ifm) {
		if (mnl_attr_get_type(a) != IFLA_GROUP)
			continue;
		if (g->n == g->cap) {
			size_t ncap = g->cap ? g->cap * 2 : 16;
			uint32_t *nv = realloc(g->v, ncap * sizeof *nv);
			if (!nv) {
				g->oom = true;
				return MNL_CB_OK;
			}
			g->v = nv;
			g->cap = ncap;
		}
		g->v[g->n++] = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

/* A link group number no link is in now. */
static int free_group(struct rc_nl *nl, uint32_t *ret, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	struct groups g = { NULL, 0, 0, false };
	int r;

	ifm->ifi_family = AF_UNSPEC;
	r = rc_nl_talk(nl, nlh, group_cb, &g);
	if (r < 0 || g.oom) {
		free(g.v);
		return rc_errf(e, r < 0 ? -r : ENOMEM, "listing the links");
	}
	for (;;) {
		uint32_t cand;
		bool used = false;

		if (getrandom(&cand, sizeof cand, 0) != sizeof cand) {
			free(g.v);
			return rc_errf(e, errno, "choosing a link group");
		}
		/* 0 is every link's default group. */
		for (size_t i = 0; i < g.n && !used; i++)
			used = g.v[i] == cand;
		if (cand != 0 && !used) {
			free(g.v);
			*ret = cand;
			return 0;
		}
	}
}

static int set_group(struct rc_nl *nl, int ifindex, uint32_t group)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return rc_nl_talk(nl, nlh, NULL, NULL);
}

int rc_link_del_many(struct rc_nl *nl, const char *const *names, size_t n, struct rc_err *e)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	uint32_t group = 0;
	size_t grouped = 0;
	int r;

	if (free_group(nl, &group, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct rc_err probe;
		int index;

		if (rc_link_get(nl, names[i], &index, NULL, &probe) < 0) {
			if (probe.code == ENODEV)
				continue;
			*e = probe;
			return -1;
		}
		r = set_group(nl, index, group);
		if (r < 0)
			return rc_errf(e, -r, "deleting link %s", names[i]);
		grouped++;
	}
	if (!grouped)
		return 0;
	nlh = rc_nl_msg(nl, RTM_DELLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "deleting links %s%s%s", names[0], n > 1 ? " and " : "",
			       n > 1 ? names[1] : "");
	return 0;
}

struct port_count {
	int master;
	unsigned int count;
};

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	struct port_count *pc = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_MASTER &&
		    (int)mnl_attr_get_u32(a) == pc->master)
			pc->count++;
	return MNL_CB_OK;
}

int rc_link_count_ports(struct rc_nl *nl, int master, unsigned int *ret_count,
			struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_GETLINK, NLM_F_DUMP);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	struct port_count pc = { master, 0 };
	int r;

	ifm->ifi_family = AF_UNSPEC;
	r = rc_nl_talk(nl, nlh, port_cb, &pc);
	if (r < 0)
		return rc_errf(e, -r, "listing the ports of link %d", master);
	*ret_count = pc.count;
	return 0;
}
