/* nft.c - rc's nftables table; see nft.h. */
#include "net/nft.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/fs.h"
#include "net/ipam.h"
#include "net/netlink.h"

/* ---- building rules, one expression at a time ---- */

static void add(struct nftnl_rule *r, struct nftnl_expr *x)
{
	nftnl_rule_add_expr(r, x);
}

static struct nftnl_expr *expr(const char *name)
{
	struct nftnl_expr *x = nftnl_expr_alloc(name);

	if (!x)
		abort(); /* out of memory: nothing sensible left to do */
	return x;
}

/* reg1 = ip header bytes [off, off+len) */
static void load_ip(struct nftnl_rule *r, uint32_t off, uint32_t len)
{
	struct nftnl_expr *x = expr("payload");

	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add(r, x);
}

static void cmp(struct nftnl_rule *r, enum nft_cmp_ops op, const void *data, uint32_t len)
{
	struct nftnl_expr *x = expr("cmp");

	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, data, len);
	add(r, x);
}

/* reg1 &= mask (len bytes) */
static void mask(struct nftnl_rule *r, const void *m, uint32_t len)
{
	struct nftnl_expr *x = expr("bitwise");
	uint32_t zero[4] = { 0 };

	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_MASK, m, len);
	nftnl_expr_set(x, NFTNL_EXPR_BITWISE_XOR, zero, len);
	add(r, x);
}

#define IP_SADDR 12
#define IP_DADDR 16

/* ip saddr/daddr (at off) net/prefix */
static void match_net(struct nftnl_rule *r, uint32_t off, struct in_addr net, int prefix)
{
	in_addr_t m = rc_prefix_mask(prefix);

	load_ip(r, off, 4);
	mask(r, &m, 4);
	cmp(r, NFT_CMP_EQ, &net.s_addr, 4);
}

static void match_saddr(struct nftnl_rule *r, struct in_addr net, int prefix)
{
	match_net(r, IP_SADDR, net, prefix);
}

static void match_daddr(struct nftnl_rule *r, struct in_addr addr)
{
	load_ip(r, IP_DADDR, 4);
	cmp(r, NFT_CMP_EQ, &addr.s_addr, 4);
}

/* iifname/oifname (key) op name */
static void match_ifname(struct nftnl_rule *r, uint32_t key, enum nft_cmp_ops op,
			 const char *name)
{
	struct nftnl_expr *x = expr("meta");
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, IFNAMSIZ - 1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add(r, x);
	cmp(r, op, padded, IFNAMSIZ);
}

/* ct KEY (state or status) has any of bits (op NEQ), or none of them (EQ) */
static void match_ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t bits,
			  enum nft_cmp_ops op)
{
	struct nftnl_expr *x = expr("ct");
	uint32_t zero = 0;

	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(r, x);
	mask(r, &bits, 4);
	cmp(r, op, &zero, 4);
}

/* ct status dnat */
static void match_ct_dnat(struct nftnl_rule *r)
{
	match_ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_NEQ);
}

/* fib daddr type (op) local: addressed (or not) to one of this host's own
 * addresses */
static void match_fib_local(struct nftnl_rule *r, enum nft_cmp_ops op)
{
	struct nftnl_expr *x = expr("fib");
	uint32_t local = RTN_LOCAL;

	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	add(r, x);
	cmp(r, op, &local, 4);
}

static void match_local_daddr(struct nftnl_rule *r)
{
	match_fib_local(r, NFT_CMP_EQ);
}

/* meta l4proto proto th dport port */
static void match_dport(struct nftnl_rule *r, uint8_t proto, uint16_t port)
{
	struct nftnl_expr *x = expr("meta");
	uint16_t nport = htons(port);

	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	add(r, x);
	cmp(r, NFT_CMP_EQ, &proto, 1);
	x = expr("payload");
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	add(r, x);
	cmp(r, NFT_CMP_EQ, &nport, 2);
}

static void masquerade(struct nftnl_rule *r)
{
	add(r, expr("masq"));
}

/* notrack: no connection tracking for this packet */
static void notrack(struct nftnl_rule *r)
{
	add(r, expr("notrack"));
}

/* ct timeout set CT_TIMEOUT: a new TCP connection gets rc's timeouts (the
 * object is TCP's: other protocols pass unchanged). Only a connection
 * not yet confirmed takes it, which is what a nat chain sees. */
static void set_ct_timeout(struct nftnl_rule *r)
{
	struct nftnl_expr *x = expr("objref");

	nftnl_expr_set_u32(x, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_CT_TIMEOUT);
	nftnl_expr_set_str(x, NFTNL_EXPR_OBJREF_IMM_NAME, RC_NFT_CT_TIMEOUT);
	add(r, x);
}

/* A drop is final for the packet, whatever other tables (docker's,
 * iptables') would say; an accept would only end this chain. */
static void verdict_drop(struct nftnl_rule *r)
{
	struct nftnl_expr *x = expr("immediate");

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	add(r, x);
}

/* dnat to addr:port */
static void dnat(struct nftnl_rule *r, struct in_addr addr, uint16_t port)
{
	struct nftnl_expr *x = expr("immediate");
	uint16_t nport = htons(port);

	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, &addr.s_addr, 4);
	add(r, x);
	x = expr("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_2);
	nftnl_expr_set(x, NFTNL_EXPR_IMM_DATA, &nport, 2);
	add(r, x);
	x = expr("nat");
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	add(r, x);
}

static struct nftnl_rule *rule(const char *chain, const char *owner)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	if (!r || !ud)
		abort();
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RC_NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	/* The comment nft(8) shows, and the owner rc-net-down looks for. */
	nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, owner);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return r;
}

/* ---- one batch ---- */

struct batch {
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	unsigned int n;            /* messages that will be acked */
};

static int batch_start(struct batch *bt, size_t size)
{
	bt->buf = malloc(size);
	if (!bt->buf)
		return -1;
	bt->b = mnl_nlmsg_batch_start(bt->buf, size);
	bt->seq = 1;
	bt->n = 0;
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	return 0;
}

static void batch_free(struct batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
}

static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type, uint16_t flags)
{
	bt->n++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_IPV4,
				     flags | NLM_F_ACK, bt->seq++);
}

static void batch_add_rule(struct batch *bt, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);

	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(bt->b);
}

static int batch_send(struct batch *bt)
{
	struct rc_nl nl;
	struct rc_err ignored;
	int r;

	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), bt->seq++);
	mnl_nlmsg_batch_next(bt->b);
	if (rc_nl_open(&nl, NETLINK_NETFILTER, &ignored) < 0)
		return -ignored.code;
	r = rc_nl_batch(&nl, mnl_nlmsg_batch_head(bt->b), mnl_nlmsg_batch_size(bt->b), bt->n);
	rc_nl_close(&nl);
	return r;
}

/* ---- reading the table ---- */

struct rc_rule {
	char chain[64];
	char owner[NFT_USERDATA_MAXLEN];
	uint64_t handle;
};

struct rule_list {
	struct rc_rule *v;
	size_t n, cap;
	bool oom;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **ret = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && nftnl_udata_len(attr) > 0) {
		const char *s = nftnl_udata_get(attr);
		if (s[nftnl_udata_len(attr) - 1] == '\0')
			*ret = s;
	}
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_list *l = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *chain, *owner = "";
	const void *ud;
	uint32_t len = 0;

	if (!r || nftnl_rule_nlmsg_parse(nlh, r) < 0)
		goto out;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 32;
		struct rc_rule *nv = realloc(l->v, ncap * sizeof *nv);
		if (!nv) {
			l->oom = true;
			goto out;
		}
		l->v = nv;
		l->cap = ncap;
	}
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
	if (ud)
		nftnl_udata_parse(ud, len, comment_cb, &owner);
	snprintf(l->v[l->n].chain, sizeof l->v[l->n].chain, "%s", chain ? chain : "");
	snprintf(l->v[l->n].owner, sizeof l->v[l->n].owner, "%s", owner);
	l->v[l->n].handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	l->n++;
out:
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* The rules of rc's table; *ret_exists false (and no rules) without it. */
static int list_rules(struct rule_list *l, bool *ret_exists, struct rc_err *e)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	struct rc_nl nl;
	int ret;

	memset(l, 0, sizeof *l);
	if (!r)
		return rc_errf(e, ENOMEM, "listing the rules of table ip %s", RC_NFT_TABLE);
	if (rc_nl_open(&nl, NETLINK_NETFILTER, e) < 0) {
		nftnl_rule_free(r);
		return -1;
	}
	nlh = nftnl_nlmsg_build_hdr(nl.buf, NFT_MSG_GETRULE, NFPROTO_IPV4,
				    NLM_F_DUMP | NLM_F_ACK, ++nl.seq);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RC_NFT_TABLE);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	ret = rc_nl_talk(&nl, nlh, rule_cb, l);
	rc_nl_close(&nl);
	*ret_exists = ret != -ENOENT;
	if (ret == -ENOENT)
		return 0;
	if (ret < 0 || l->oom) {
		free(l->v);
		return rc_errf(e, ret < 0 ? -ret : ENOMEM, "listing the rules of table ip %s",
			       RC_NFT_TABLE);
	}
	return 0;
}

static size_t count_owner(const struct rule_list *l, const char *owner)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].owner, owner))
			n++;
	return n;
}

static void batch_del_rule(struct batch *bt, const struct rc_rule *rr)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!r)
		abort();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RC_NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, rr->chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, rr->handle);
	nlh = batch_msg(bt, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	mnl_nlmsg_batch_next(bt->b);
}

static void batch_del_owner(struct batch *bt, const struct rule_list *l, const char *owner)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].owner, owner))
			batch_del_rule(bt, &l->v[i]);
}

/* ---- rc_nft_up ---- */

/* The host's timeout for TCP state name (a file of
 * /proc/sys/net/netfilter), or dflt, the kernel's default, when it cannot
 * be read. */
static uint32_t host_tcp_timeout(const char *name, uint32_t dflt)
{
	_cleanup_free_ char *text = NULL;
	char path[96];
	unsigned long v;
	char *end;

	snprintf(path, sizeof path, "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_%s", name);
	if (rc_read_file_at(AT_FDCWD, path, 64, &text, NULL, NULL) < 0)
		return dflt;
	v = strtoul(text, &end, 10);
	if (end == text || v > UINT32_MAX)
		return dflt;
	return (uint32_t)v;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The timeouts of rc's connections: the host's own, except TIME_WAIT and
 * CLOSE, which are at most RC_NFT_TIME_WAIT and RC_NFT_CLOSE. A server
 * that closes every connection (busybox httpd) leaves each one in
 * TIME_WAIT, 120 s by default: at a few thousand connections a second
 * that fills the host's whole table and the kernel drops every new
 * connection, the host's own too. The endpoints keep their own TIME_WAIT
 * (60 s in Linux's TCP); conntrack's copy only has to outlive the
 * segments still in flight, which on a bridge or a LAN take milliseconds,
 * and a new SYN on the same addresses and ports starts a new entry
 * anyway. */
static void add_ct_timeout(struct batch *bt)
{
	uint32_t t[NFTNL_CTTIMEOUT_TCP_MAX];
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	if (!o)
		abort();
	t[NFTNL_CTTIMEOUT_TCP_SYN_SENT] = host_tcp_timeout("syn_sent", 120);
	t[NFTNL_CTTIMEOUT_TCP_SYN_RECV] = host_tcp_timeout("syn_recv", 60);
	t[NFTNL_CTTIMEOUT_TCP_ESTABLISHED] = host_tcp_timeout("established", 432000);
	t[NFTNL_CTTIMEOUT_TCP_FIN_WAIT] = host_tcp_timeout("fin_wait", 120);
	t[NFTNL_CTTIMEOUT_TCP_CLOSE_WAIT] = host_tcp_timeout("close_wait", 60);
	t[NFTNL_CTTIMEOUT_TCP_LAST_ACK] = host_tcp_timeout("last_ack", 30);
	t[NFTNL_CTTIMEOUT_TCP_TIME_WAIT] = min_u32(host_tcp_timeout("time_wait", 120),
						   RC_NFT_TIME_WAIT);
	t[NFTNL_CTTIMEOUT_TCP_CLOSE] = min_u32(host_tcp_timeout("close", 10), RC_NFT_CLOSE);
	/* The kernel has no setting of its own for SYN_SENT2: it uses SYN_SENT's. */
	t[NFTNL_CTTIMEOUT_TCP_SYN_SENT2] = t[NFTNL_CTTIMEOUT_TCP_SYN_SENT];
	t[NFTNL_CTTIMEOUT_TCP_RETRANS] = host_tcp_timeout("max_retrans", 300);
	t[NFTNL_CTTIMEOUT_TCP_UNACK] = host_tcp_timeout("unacknowledged", 300);
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, RC_NFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, RC_NFT_CT_TIMEOUT);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_CT_TIMEOUT);
	nftnl_obj_set_u16(o, NFTNL_OBJ_CT_TIMEOUT_L3PROTO, NFPROTO_IPV4);
	nftnl_obj_set_u8(o, NFTNL_OBJ_CT_TIMEOUT_L4PROTO, IPPROTO_TCP);
	nftnl_obj_set_data(o, NFTNL_OBJ_CT_TIMEOUT_ARRAY, t, sizeof t);
	/* Without NLM_F_EXCL an object that exists already is left as it is. */
	nlh = batch_msg(bt, NFT_MSG_NEWOBJ, NLM_F_CREATE);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	mnl_nlmsg_batch_next(bt->b);
}

static void add_table_and_chains(struct batch *bt)
{
	static const struct { const char *name, *type; uint32_t hook; int prio; } chains[] = {
		/* raw priority: before conntrack, so what it drops leaves no
		 * connection behind, and before DNAT rewrites any address. */
		{ "prerouting_raw", "filter", NF_INET_PRE_ROUTING, -300 },
		{ "prerouting", "nat", NF_INET_PRE_ROUTING, -100 },
		{ "output", "nat", NF_INET_LOCAL_OUT, -100 },
		{ "postrouting", "nat", NF_INET_POST_ROUTING, 100 },
		{ "forward", "filter", NF_INET_FORWARD, 0 },
	};
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		abort();
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, RC_NFT_TABLE);
	nlh = batch_msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	mnl_nlmsg_batch_next(bt->b);
	for (size_t i = 0; i < sizeof chains / sizeof chains[0]; i++) {
		struct nftnl_chain *c = nftnl_chain_alloc();
		if (!c)
			abort();
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, RC_NFT_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chains[i].name);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, chains[i].type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, chains[i].hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, chains[i].prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		nftnl_chain_free(c);
		mnl_nlmsg_batch_next(bt->b);
	}
}

/* How many rules add_bridge_rules makes: a bridge with another number of
 * them has the rules of an older rc, which rc_nft_up replaces. (A change
 * to them that keeps their number needs another way to be told apart.) */
#define BRIDGE_RULES 7

static void add_bridge_rules(struct batch *bt, const char *bridge, const char *owner,
			     struct in_addr net, int prefix)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK & 0xff000000) };
	struct nftnl_rule *r;

	/* route_localnet on the bridge (see net.c) also lets the containers'
	 * packets to and from 127.0.0.0/8 in, where the kernel would drop them
	 * as martians: to the host's loopback-only services (CVE-2020-8558),
	 * and passing for the host's loopback. Nothing legitimate comes in so:
	 * the answers to the host's own 127.0.0.1 are masqueraded (below), so
	 * addressed to the gateway until NAT, after this chain, turns them
	 * back. With br_netfilter too the hook sees the bridge as the input
	 * interface, not the port. */
	r = rule("prerouting_raw", owner);
	match_net(r, IP_DADDR, lo, 8);
	match_ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
	verdict_drop(r);
	batch_add_rule(bt, r);
	r = rule("prerouting_raw", owner);
	match_net(r, IP_SADDR, lo, 8);
	match_ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
	verdict_drop(r);
	batch_add_rule(bt, r);
	/* Between the containers of the bridge, nothing is translated: no
	 * connection tracking for it, which the host's table (shared with
	 * every service of the host) would otherwise fill with, when
	 * br_netfilter hands bridged frames to these hooks (without it they
	 * never come here). Both ways of such a connection match: each comes
	 * in from the bridge to an address of the subnet. What is addressed to
	 * the host itself (the gateway) stays tracked: the answers to the
	 * host's and the published ports' masqueraded connections come back
	 * that way and need their translation undone, and the host's own
	 * firewall may want their state. A published port reached through
	 * the gateway or another address of the host is one of those too. */
	r = rule("prerouting_raw", owner);
	match_ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, bridge);
	match_net(r, IP_DADDR, net, prefix);
	match_fib_local(r, NFT_CMP_NEQ);
	notrack(r);
	batch_add_rule(bt, r);
	/* The containers reaching out: ip saddr NET oifname != BRIDGE
	 * masquerade, their TCP connections with rc's shorter timeouts. */
	r = rule("postrouting", owner);
	match_saddr(r, net, prefix);
	match_ifname(r, NFT_META_OIFNAME, NFT_CMP_NEQ, bridge);
	set_ct_timeout(r);
	masquerade(r);
	batch_add_rule(bt, r);
	/* Hairpin: a container reaching a published port comes back onto the
	 * bridge; without this the answer would go straight back to it from the
	 * other container's address, which it never asked. */
	r = rule("postrouting", owner);
	match_saddr(r, net, prefix);
	match_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
	match_ct_dnat(r);
	masquerade(r);
	batch_add_rule(bt, r);
	/* The host's 127.0.0.1 reaching a published port: the container cannot
	 * answer a loopback source (route_localnet on the bridge lets it out). */
	r = rule("postrouting", owner);
	match_saddr(r, lo, 8);
	match_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
	masquerade(r);
	batch_add_rule(bt, r);
	/* Forwarded into the bridge from elsewhere (a neighbour routing the
	 * subnet to this host, another bridge): only published ports (DNAT)
	 * and the answers to connections the containers opened. Traffic
	 * between the bridge's own ports is forwarded as from the bridge to
	 * itself (br_netfilter) and stays; so does what the host sends. The
	 * chain only drops: its accepts would end nothing but this chain and
	 * would let one bridge's rules shadow another's. */
	r = rule("forward", owner);
	match_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, bridge);
	match_ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, bridge);
	match_ct_bits(r, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
		      NF_CT_STATE_BIT(IP_CT_RELATED), NFT_CMP_EQ);
	match_ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT, NFT_CMP_EQ);
	verdict_drop(r);
	batch_add_rule(bt, r);
}

static void add_port_rules(struct batch *bt, const char *owner, struct in_addr ip,
			   const struct rc_port *p)
{
	static const char *const chains[] = { "prerouting", "output" };

	/* A port published on a loopback address is the host's own: only its
	 * output chain translates it. In prerouting the DNAT would come before
	 * the kernel's routing could drop 127.0.0.1 from a neighbour as a
	 * martian, and would let it through to the container. */
	bool loopback = (ntohl(p->host_ip.s_addr) >> 24) == IN_LOOPBACKNET;

	for (size_t i = loopback ? 1 : 0; i < 2; i++) {
		struct nftnl_rule *r = rule(chains[i], owner);
		if (p->host_ip.s_addr != INADDR_ANY)
			match_daddr(r, p->host_ip);
		else
			match_local_daddr(r);
		match_dport(r, p->proto, p->host_port);
		if (p->proto == IPPROTO_TCP)
			set_ct_timeout(r);
		dnat(r, ip, p->ctr_port);
		batch_add_rule(bt, r);
	}
}

int rc_nft_up(const char *bridge, struct in_addr net, int prefix, const char *name,
	      struct in_addr ip, const struct rc_port *ports, size_t n, struct rc_err *e)
{
	char bowner[NFT_USERDATA_MAXLEN], cowner[NFT_USERDATA_MAXLEN];
	struct batch bt = { 0 };
	struct rule_list l;
	size_t have;
	bool exists;
	int r;

	snprintf(bowner, sizeof bowner, "bridge %s", bridge);
	snprintf(cowner, sizeof cowner, "container %s", name);
	if (list_rules(&l, &exists, e) < 0)
		return -1;
	if (batch_start(&bt, 16384 + n * 2048 + l.n * 256) < 0) {
		free(l.v);
		return rc_errf(e, ENOMEM, "writing table ip %s", RC_NFT_TABLE);
	}
	add_table_and_chains(&bt);
	have = count_owner(&l, bowner);
	if (have != BRIDGE_RULES) {
		/* None yet, or an older rc's: replaced in the same batch, so
		 * the bridge is never without them. */
		batch_del_owner(&bt, &l, bowner);
		/* The bridge's rules use the ct timeout object, so where they
		 * are this version's it is there already. */
		add_ct_timeout(&bt);
		add_bridge_rules(&bt, bridge, bowner, net, prefix);
	}
	for (size_t i = 0; i < n; i++)
		add_port_rules(&bt, cowner, ip, &ports[i]);
	free(l.v);
	r = batch_send(&bt);
	batch_free(&bt);
	if (r < 0)
		return rc_errf(e, -r, "writing the rules of %s to table ip %s", name, RC_NFT_TABLE);
	return 0;
}

/* ---- rc_nft_down ---- */

int rc_nft_down(const char *bridge, const char *name, bool drop_bridge, struct rc_err *e)
{
	char bowner[NFT_USERDATA_MAXLEN], cowner[NFT_USERDATA_MAXLEN];
	struct batch bt = { 0 };
	struct rule_list l;
	size_t left = 0;
	bool exists;
	int r;

	snprintf(bowner, sizeof bowner, "bridge %s", bridge);
	snprintf(cowner, sizeof cowner, "container %s", name);
	if (list_rules(&l, &exists, e) < 0)
		return -1;
	if (!exists)
		return 0;
	if (batch_start(&bt, 4096 + l.n * 256) < 0) {
		free(l.v);
		return rc_errf(e, ENOMEM, "writing table ip %s", RC_NFT_TABLE);
	}
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].owner, cowner) && (!drop_bridge || strcmp(l.v[i].owner, bowner)))
			left++;
		else
			batch_del_rule(&bt, &l.v[i]);
	}
	free(l.v);
	if (drop_bridge && left == 0) {
		/* Nothing of anyone's left: the table (and its chains) goes too. */
		struct nftnl_table *t = nftnl_table_alloc();
		struct nlmsghdr *nlh;
		if (!t)
			abort();
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, RC_NFT_TABLE);
		nlh = batch_msg(&bt, NFT_MSG_DELTABLE, 0);
		nftnl_table_nlmsg_build_payload(nlh, t);
		nftnl_table_free(t);
		mnl_nlmsg_batch_next(bt.b);
	}
	r = bt.n ? batch_send(&bt) : 0;
	batch_free(&bt);
	if (r < 0)
		return rc_errf(e, -r, "removing the rules of %s from table ip %s", name, RC_NFT_TABLE);
	return 0;
}
