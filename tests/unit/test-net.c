/* test-net.c - subnets, address picking, leases, published ports, the
 * container's resolv.conf and the host interface names. */
#include "net/etcfiles.h"
#include "base/fs.h"
#include "net/ipam.h"
#include "net/net.h"
#include "net/ports.h"
#include "tap.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct in_addr A(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static const char *S(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int i;

	return inet_ntop(AF_INET, &a, buf[i++ % 4], INET_ADDRSTRLEN);
}

static void subnets(void)
{
	struct rc_err e = { 0 };
	struct in_addr net;
	int prefix;
	const char *bad[] = { "10.89.0.0", "10.89.0.0/", "10.89.0.0/33", "10.89.0.0/7",
			      "10.89.0.0/31", "10.89.1.0/16", "x/16", "10.89.0.0/1a",
			      "10.89.0.0/-16", "" };

	ok(rc_subnet_parse("10.89.0.0/16", &net, &prefix, &e) == 0 &&
	   net.s_addr == A("10.89.0.0").s_addr && prefix == 16, "10.89.0.0/16 parses");
	ok(rc_subnet_parse("192.168.7.0/24", &net, &prefix, &e) == 0 && prefix == 24,
	   "a /24 parses");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.status = 0;
		ok(rc_subnet_parse(bad[i], &net, &prefix, &e) < 0 && e.status == 2,
		   "'%s' is refused as a usage error", bad[i]);
	}
	is_str(S(rc_subnet_gateway(A("10.89.0.0"))), "10.89.0.1", "the gateway is the first address");
	ok(rc_cidr_overlap(A("10.89.0.0"), 16, A("10.89.3.0"), 24), "a /24 inside a /16 overlaps");
	ok(rc_cidr_overlap(A("10.0.0.0"), 8, A("10.89.0.0"), 16), "a /16 inside a /8 overlaps");
	ok(!rc_cidr_overlap(A("10.89.0.0"), 16, A("10.88.0.0"), 16), "neighbours do not overlap");
	ok(!rc_cidr_overlap(A("10.89.0.0"), 16, A("172.17.0.0"), 16), "the default misses docker's");
	ok(rc_subnet_host(A("10.89.0.0"), 16, A("10.89.255.254")), "the last host is a host");
	ok(!rc_subnet_host(A("10.89.0.0"), 16, A("10.89.255.255")), "broadcast is no host");
	ok(!rc_subnet_host(A("10.89.0.0"), 16, A("10.89.0.1")), "the gateway is no container host");
	ok(!rc_subnet_host(A("10.89.0.0"), 16, A("10.89.0.0")), "the network is no host");
	ok(!rc_subnet_host(A("10.89.0.0"), 16, A("10.90.0.2")), "outside is no host");
}

static void picking(void)
{
	uint32_t used[4];
	struct in_addr a;

	ok(rc_ipam_pick(A("10.89.0.0"), 16, used, 0, &a) == 0 && !strcmp(S(a), "10.89.0.2"),
	   "the first container gets .2");
	used[0] = ntohl(A("10.89.0.3").s_addr);
	used[1] = ntohl(A("10.89.0.2").s_addr);
	used[2] = ntohl(A("10.89.0.5").s_addr);
	ok(rc_ipam_pick(A("10.89.0.0"), 16, used, 3, &a) == 0 && !strcmp(S(a), "10.89.0.4"),
	   "a freed address in the middle is reused");
	used[0] = ntohl(A("10.1.1.2").s_addr);
	ok(rc_ipam_pick(A("10.1.1.0"), 30, used, 1, &a) < 0, "a full /30 has no address left");
	ok(rc_ipam_pick(A("10.1.1.0"), 30, used, 0, &a) == 0 && !strcmp(S(a), "10.1.1.2"),
	   "a /30 has one container address");
}

static void leases(void)
{
	char dir[] = "/tmp/rc-test-net.XXXXXX";
	struct rc_err e = { 0 };
	struct in_addr a, none = { 0 };
	int fd;

	ok(mkdtemp(dir) != NULL, "a lease directory");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ok(rc_ipam_lease(fd, A("10.89.0.0"), 16, none, "c1", &a, &e) == 0 &&
	   !strcmp(S(a), "10.89.0.2"), "the first lease is .2");
	ok(rc_ipam_lease(fd, A("10.89.0.0"), 16, none, "c2", &a, &e) == 0 &&
	   !strcmp(S(a), "10.89.0.3"), "the second lease is .3");
	ok(rc_ipam_lease(fd, A("10.89.0.0"), 16, A("10.89.0.3"), "c3", &a, &e) < 0 &&
	   strstr(e.msg, "already leased"), "a leased address asked for is refused");
	ok(rc_ipam_count(fd) == 2, "two leases");
	ok(rc_ipam_release(fd, A("10.89.0.2"), &e) == 0 && rc_ipam_count(fd) == 1, "a release");
	ok(rc_ipam_release(fd, A("10.89.0.2"), &e) == 0, "releasing twice is fine");
	ok(rc_ipam_lease(fd, A("10.89.0.0"), 16, none, "c4", &a, &e) == 0 &&
	   !strcmp(S(a), "10.89.0.2"), "the released address comes back");
	close(fd);
	rc_rm_rf_at(AT_FDCWD, dir, &e);
}

static void ports(void)
{
	struct rc_err e = { 0 };
	struct rc_port p, q;
	char buf[RC_PORT_STR_MAX];
	const char *bad[] = { "8080", "8080:", ":80", "0:80", "8080:0", "65536:80", "8080:80/", "8080:80/sctp",
			      "1.2.3:80:80", "a:80:80", "8080:80:", "x", "", "80:80/tcp/udp", "123456:1" };

	ok(rc_port_parse("8080:80", &p, &e) == 0 && p.host_port == 8080 && p.ctr_port == 80 &&
	   p.proto == IPPROTO_TCP && p.host_ip.s_addr == INADDR_ANY, "8080:80 is tcp on every address");
	is_str(rc_port_format(&p, buf), "8080:80/tcp", "and reads back as 8080:80/tcp");
	ok(rc_port_parse("127.0.0.1:53:5353/udp", &q, &e) == 0 && q.proto == IPPROTO_UDP,
	   "a host address and udp");
	is_str(rc_port_format(&q, buf), "127.0.0.1:53:5353/udp", "and read back");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e.status = 0;
		ok(rc_port_parse(bad[i], &p, &e) < 0 && e.status == 2, "'%s' is a usage error", bad[i]);
	}
	rc_port_parse("8080:80", &p, &e);
	rc_port_parse("127.0.0.1:8080:81", &q, &e);
	ok(rc_port_clash(&p, &q), "every address clashes with one address");
	rc_port_parse("127.0.0.2:8080:81", &p, &e);
	ok(!rc_port_clash(&p, &q), "two host addresses do not clash");
	rc_port_parse("127.0.0.1:8080:81/udp", &p, &e);
	ok(!rc_port_clash(&p, &q), "tcp and udp do not clash");
}

static void reservations(void)
{
	char dir[] = "/tmp/rc-test-ports.XXXXXX";
	struct rc_err e = { 0 };
	struct rc_port p[2], q;
	int fd;

	mkdtemp(dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	rc_port_parse("8080:80", &p[0], &e);
	rc_port_parse("9090:90/udp", &p[1], &e);
	ok(rc_ports_reserve(fd, p, 2, "web", &e) == 0, "two ports reserved");
	rc_port_parse("127.0.0.1:8080:1", &q, &e);
	ok(rc_ports_reserve(fd, &q, 1, "other", &e) < 0 && strstr(e.msg, "by container web"),
	   "a clash names the container holding the port");
	rc_ports_release(fd, p, 2);
	ok(rc_ports_reserve(fd, &q, 1, "other", &e) == 0, "free again once released");
	rc_port_parse("7070:70", &p[0], &e);
	p[1] = p[0];
	ok(rc_ports_reserve(fd, p, 2, "twice", &e) < 0 && strstr(e.msg, "published twice"),
	   "one port twice in one call is refused");
	close(fd);
	rc_rm_rf_at(AT_FDCWD, dir, &e);
}

static void resolv(void)
{
	char *r;

	r = rc_resolv_conf_make("# comment\nnameserver 10.255.255.53\nsearch example.org\n"
				"options edns0\n", NULL);
	ok(r && strstr(r, "nameserver 10.255.255.53\n") && strstr(r, "search example.org\n") &&
	   strstr(r, "options edns0\n") && !strstr(r, "comment"), "the host's servers and search");
	free(r);
	r = rc_resolv_conf_make("nameserver 127.0.0.53\nsearch lan\n",
				"nameserver 192.0.2.53\nnameserver 127.0.0.1\nsearch ignored\n");
	ok(r && !strstr(r, "127.0.0") && strstr(r, "nameserver 192.0.2.53\n") &&
	   strstr(r, "search lan\n") && !strstr(r, "ignored"), "a stub resolver gives way to its upstream");
	free(r);
	r = rc_resolv_conf_make("nameserver 127.0.0.53\nnameserver ::1\n", NULL);
	ok(r && !strstr(r, "127.0.0.53") && !strstr(r, "::1") && strstr(r, "nameserver 8.8.8.8\n"),
	   "with only loopback servers and no upstream, public ones as docker does");
	free(r);
	r = rc_resolv_conf_make(NULL, NULL);
	ok(r && strstr(r, "nameserver 8.8.8.8\n"), "no resolv.conf at all");
	free(r);
}

static void names(void)
{
	char buf[16], buf2[16];

	rc_net_host_ifname("c1", buf);
	is_str(buf, "rc-c1", "a short name shows in the host interface");
	rc_net_host_ifname("abcdefghijkl", buf);
	is_str(buf, "rc-abcdefghijkl", "twelve characters still fit");
	rc_net_host_ifname("abcdefghijklm", buf);
	rc_net_host_ifname("abcdefghijkln", buf2);
	ok(strlen(buf) == 14 && strncmp(buf, "rc-", 3) && strcmp(buf, buf2),
	   "long names get distinct hashed interfaces (%s, %s)", buf, buf2);
	ok(rc_bridge_name_valid("rc0") && rc_bridge_name_valid("br.test-1_2"), "bridge names");
	ok(!rc_bridge_name_valid("") && !rc_bridge_name_valid("0123456789abcdef") &&
	   !rc_bridge_name_valid("a/b") && !rc_bridge_name_valid("..") && !rc_bridge_name_valid("a b"),
	   "bad bridge names");
}

int main(void)
{
	TAP_PLAN(69);
	subnets();
	picking();
	leases();
	ports();
	reservations();
	resolv();
	names();
	return tap_done();
}
