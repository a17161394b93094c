/* route.c - IPv4 addresses and routes; see route.h. */
#include "net/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "net/ipam.h"

int rc_addr_add(struct rc_nl *nl, int ifindex, struct in_addr addr, int prefix,
		bool exist_ok, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	char buf[INET_ADDRSTRLEN];
	struct in_addr brd;
	int r;

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned int)ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	brd.s_addr = addr.s_addr | ~rc_prefix_mask(prefix);
	mnl_attr_put(nlh, IFA_LOCAL, sizeof addr, &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof addr, &addr);
	mnl_attr_put(nlh, IFA_BROADCAST, sizeof brd, &brd);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r == -EEXIST && exist_ok)
		return 0;
	if (r < 0)
		return rc_errf(e, -r, "adding address %s/%d",
			       inet_ntop(AF_INET, &addr, buf, sizeof buf), prefix);
	return 0;
}

int rc_route_add_default(struct rc_nl *nl, struct in_addr gw, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	char buf[INET_ADDRSTRLEN];
	int r;

	rtm->rtm_family = AF_INET;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof gw, &gw);
	r = rc_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return rc_errf(e, -r, "adding the default route via %s",
			       inet_ntop(AF_INET, &gw, buf, sizeof buf));
	return 0;
}

struct overlap {
	struct in_addr net;
	int prefix;
	int skip;
	bool found;
	char *desc;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct overlap *o = data;
	struct in_addr dst = { 0 };
	uint32_t table = rtm->rtm_table;
	int oif = 0;
	const struct nlattr *a;
	char buf[INET_ADDRSTRLEN];

	mnl_attr_for_each(a, nlh, sizeof *rtm) {
		if (mnl_attr_get_type(a) == RTA_DST && mnl_attr_get_payload_len(a) == 4)
			memcpy(&dst, mnl_attr_get_payload(a), 4);
		else if (mnl_attr_get_type(a) == RTA_TABLE)
			table = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == RTA_OIF)
			oif = (int)mnl_attr_get_u32(a);
	}
	if (o->found || table != RT_TABLE_MAIN || rtm->rtm_dst_len == 0 ||
	    (o->skip > 0 && oif == o->skip))
		return MNL_CB_OK;
	if (rc_cidr_overlap(o->net, o->prefix, dst, rtm->rtm_dst_len)) {
		o->found = true;
		snprintf(o->desc, 32, "%s/%d", inet_ntop(AF_INET, &dst, buf, sizeof buf),
			 rtm->rtm_dst_len);
	}
	return MNL_CB_OK;
}

int rc_route_overlap(struct rc_nl *nl, struct in_addr net, int prefix, int skip_ifindex,
		     bool *ret_found, char *ret_desc, struct rc_err *e)
{
	struct nlmsghdr *nlh = rc_nl_msg(nl, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	struct overlap o = { net, prefix, skip_ifindex, false, ret_desc };
	int r;

	rtm->rtm_family = AF_INET;
	r = rc_nl_talk(nl, nlh, route_cb, &o);
	if (r < 0)
		return rc_errf(e, -r, "listing the routes");
	*ret_found = o.found;
	return 0;
}
