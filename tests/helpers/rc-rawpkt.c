/* rc-rawpkt - send one packet built by hand out of an interface, as a
 * container process with CAP_NET_RAW (in docker's and rc's default
 * capabilities) can: the headers are ours, so the addresses are whatever
 * we say, and the frame goes to the MAC address we name, past the routing
 * table (which keeps 127.0.0.1 on the container's own loopback) and past
 * IPv6 being off on the interface.
 *
 *   rc-rawpkt udp IFNAME DSTMAC SRCIP DSTIP DSTPORT MESSAGE
 *       an IPv4 UDP datagram from port 40000, without UDP checksum
 *   rc-rawpkt ra IFNAME PREFIX
 *       an IPv6 router advertisement to all nodes (ff02::1) from fe80::bad:
 *       "I am your default router (high preference), and PREFIX/64 is
 *       yours to make addresses in"
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint32_t sum16(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; len -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

/* The Internet checksum of what sum16 added up, in network byte order. */
static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

/* Send len bytes of pkt (an IP packet of ethertype proto) out of ifname to
 * mac; SOCK_DGRAM: the kernel writes the Ethernet header. */
static int send_frame(const char *ifname, const unsigned char mac[6], uint16_t proto,
		      const void *pkt, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(proto),
				  .sll_halen = 6 };
	int fd;

	to.sll_ifindex = (int)if_nametoindex(ifname);
	memcpy(to.sll_addr, mac, 6);
	if (!to.sll_ifindex) {
		fprintf(stderr, "rc-rawpkt: no interface %s\n", ifname);
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(proto));
	if (fd < 0 || sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)len) {
		perror("rc-rawpkt");
		return 1;
	}
	close(fd);
	return 0;
}

static int udp(char **argv)
{
	unsigned char pkt[1500], mac[6];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *u = (struct udphdr *)(pkt + sizeof *ip);
	struct in_addr src, dst;
	size_t mlen = strlen(argv[5]), len = sizeof *ip + sizeof *u + mlen;

	if (parse_mac(argv[1], mac) < 0 || inet_pton(AF_INET, argv[2], &src) != 1 ||
	    inet_pton(AF_INET, argv[3], &dst) != 1 || len > sizeof pkt) {
		fprintf(stderr, "rc-rawpkt: bad MAC, address or message\n");
		return 2;
	}
	memset(pkt, 0, sizeof *ip + sizeof *u);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)len);
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = fold(sum16(ip, sizeof *ip, 0));
	u->source = htons(40000);
	u->dest = htons((uint16_t)atoi(argv[4]));
	u->len = htons((uint16_t)(sizeof *u + mlen));
	memcpy(pkt + sizeof *ip + sizeof *u, argv[5], mlen);
	return send_frame(argv[0], mac, ETH_P_IP, pkt, len);
}

static int ra(char **argv)
{
	static const unsigned char all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct {
		struct ip6_hdr ip;
		struct nd_router_advert ra;
		struct nd_opt_prefix_info pi;
	} __attribute__((packed)) p;
	size_t icmp_len = sizeof p.ra + sizeof p.pi;
	uint32_t pseudo[2] = { htonl((uint32_t)icmp_len), htonl(IPPROTO_ICMPV6) };
	uint32_t sum;

	memset(&p, 0, sizeof p);
	if (inet_pton(AF_INET6, argv[1], &p.pi.nd_opt_pi_prefix) != 1) {
		fprintf(stderr, "rc-rawpkt: bad prefix %s\n", argv[1]);
		return 2;
	}
	p.ip.ip6_flow = htonl(6u << 28);
	p.ip.ip6_plen = htons((uint16_t)icmp_len);
	p.ip.ip6_nxt = IPPROTO_ICMPV6;
	p.ip.ip6_hlim = 255;                  /* RFC 4861: only from the link */
	inet_pton(AF_INET6, "fe80::bad", &p.ip.ip6_src);
	inet_pton(AF_INET6, "ff02::1", &p.ip.ip6_dst);
	p.ra.nd_ra_type = ND_ROUTER_ADVERT;
	p.ra.nd_ra_curhoplimit = 64;
	p.ra.nd_ra_flags_reserved = 0x08;     /* default router preference: high */
	p.ra.nd_ra_router_lifetime = htons(1800);
	p.pi.nd_opt_pi_type = ND_OPT_PREFIX_INFORMATION;
	p.pi.nd_opt_pi_len = 4;
	p.pi.nd_opt_pi_prefix_len = 64;
	p.pi.nd_opt_pi_flags_reserved = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
	p.pi.nd_opt_pi_valid_time = htonl(86400);
	p.pi.nd_opt_pi_preferred_time = htonl(14400);
	/* ICMPv6's checksum covers a pseudo-header of both addresses too. */
	sum = sum16(&p.ip.ip6_src, 32, 0);
	sum = sum16(pseudo, sizeof pseudo, sum);
	sum = sum16(&p.ra, icmp_len, sum);
	p.ra.nd_ra_cksum = fold(sum);
	return send_frame(argv[0], all_nodes_mac, ETH_P_IPV6, &p, sizeof p);
}

int main(int argc, char **argv)
{
	if (argc == 8 && !strcmp(argv[1], "udp"))
		return udp(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "ra"))
		return ra(argv + 2);
	fprintf(stderr, "usage: rc-rawpkt udp IFNAME DSTMAC SRCIP DSTIP DSTPORT MESSAGE\n"
			"       rc-rawpkt ra IFNAME PREFIX\n");
	return 2;
}
