/* rc-net-up - give a container its network: bridge, veth, address, NAT. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "net/net.h"
#include "base/state.h"

#define PROG "rc-net-up"
#define MAX_PORTS 128

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTION]... NAME\n"
		"Connect container NAME to a bridge: a veth pair with eth0 in the container's\n"
		"network namespace (made and pinned when the container has none yet), an\n"
		"address, the default route, and in nftables table ip rc masquerade, published\n"
		"ports, the filtering of what reaches the bridge and shorter connection\n"
		"tracking timeouts (see FILTERING and CONNECTION TRACKING in rc-net-up(1)).\n"
		"Prints the container's IP address.\n"
		"\n"
		"  -p, --publish [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]\n"
		"                        make CTRPORT answer on HOSTPORT of the host (repeatable)\n"
		"      --ip ADDR         ask for this address (default: the lowest free one)\n"
		"      --bridge NAME     the bridge (default " RC_NET_BRIDGE ")\n"
		"      --subnet CIDR     the bridge's subnet when it is new (default " RC_NET_SUBNET ")\n"
		"      --root DIR        state directory (default $RC_ROOT or " RC_DEFAULT_ROOT ")\n"
		"  -h, --help            show this help and exit\n"
		"  -V, --version         show the version and exit\n");
}

int main(int argc, char **argv)
{
	enum { OPT_IP = 256, OPT_BRIDGE, OPT_SUBNET, OPT_ROOT };
	static const struct option opts[] = {
		{ "publish", required_argument, NULL, 'p' },
		{ "ip", required_argument, NULL, OPT_IP },
		{ "bridge", required_argument, NULL, OPT_BRIDGE },
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct rc_port ports[MAX_PORTS];
	struct rc_net_opts o = { 0 };
	struct rc_err e = { 0 };
	const char *root = NULL;
	char ip[INET_ADDRSTRLEN];
	struct in_addr addr;
	int c;

	while ((c = getopt_long(argc, argv, "p:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (o.nports == MAX_PORTS) {
				rc_warn("at most %d ports can be published", MAX_PORTS);
				return 2;
			}
			if (rc_port_parse(optarg, &ports[o.nports++], &e) < 0) {
				rc_err_print(PROG, &e);
				return 2;
			}
			break;
		case OPT_IP:
			if (inet_pton(AF_INET, optarg, &o.ip) != 1 || !o.ip.s_addr) {
				rc_warn("--ip %s: not an IPv4 address", optarg);
				return 2;
			}
			break;
		case OPT_BRIDGE: o.bridge = optarg; break;
		case OPT_SUBNET: o.subnet = optarg; break;
		case OPT_ROOT: root = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf(PROG " " RC_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.root = rc_root(root);
	o.name = argv[optind];
	o.ports = ports;
	if (rc_net_up(&o, &addr, &e) < 0) {
		rc_err_print(PROG, &e);
		return e.status ? e.status : 1;
	}
	printf("%s\n", inet_ntop(AF_INET, &addr, ip, sizeof ip));
	return 0;
}
