/*
 * decode.c - link layers, IP, tunnels and the TCP header.
 *
 * Each function reads its (pointer, length) through a struct rd and hands
 * the next layer the bounded rest; nothing reads wire bytes except through rd.
 * Whatever is not TCP over IP is counted and skipped, never guessed at.
 */
#include <string.h>

#include "cap_int.h"

/* libpcap's DLT values (pcap/dlt.h), named here to keep the switch readable */
#define DLT_V_NULL       0
#define DLT_V_EN10MB     1
#define DLT_V_RAW_A      12
#define DLT_V_RAW_B      14      /* DLT_RAW on OpenBSD */
#define DLT_V_RAW_LT     101     /* LINKTYPE_RAW, if it ever leaks through */
#define DLT_V_LOOP       108
#define DLT_V_LINUX_SLL  113
#define DLT_V_IPV4       228
#define DLT_V_IPV6       229
#define DLT_V_LINUX_SLL2 276

#define ETH_IPV4   0x0800
#define ETH_IPV6   0x86dd
#define ETH_VLAN   0x8100
#define ETH_QINQ   0x88a8
#define ETH_QINQ2  0x9100
#define ETH_TEB    0x6558
#define ETH_ERSPAN2 0x88be
#define ETH_ERSPAN3 0x22eb
#define ETH_MPLS   0x8847
#define ETH_MPLS_MC 0x8848
#define ETH_PPPOE  0x8864
#define MPLS_MAX_LABELS 8

#define IPP_HOPOPTS 0
#define IPP_IPIP    4
#define IPP_TCP     6
#define IPP_UDP     17
#define IPP_IPV6    41
#define IPP_ROUTING 43
#define IPP_FRAG    44
#define IPP_GRE     47
#define IPP_AH      51
#define IPP_DSTOPTS 60

#define VXLAN_PORT  4789
#define VLAN_MAX_TAGS 4

static void decode_ethernet(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth);
static void decode_ethertype(struct capture *c, uint16_t type, const uint8_t *pkt, size_t pktlen,
			     uint64_t ts_us, int depth);

/* a view's unread bytes as (pointer, length) for the next layer: decoders
   take plain arguments, since a struct rd passed by value costs a
   store-forwarding stall per layer */
#define VIEW(v) rd_ptr(&(v)), rd_left(&(v))

static bool too_deep(struct capture *c, int depth)
{
	if (depth <= CAP_MAX_TUNNEL_DEPTH)
		return false;
	c->st.bad_link++;
	return true;
}

/* a tunnel's inner packet: counted once per outer packet decapsulated */
static __attribute__((noinline)) void tunnel_inner_ethernet(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	c->st.tunnels++;
	if (!too_deep(c, depth + 1))
		decode_ethernet(c, VIEW(r), ts_us, depth + 1);
}

/* inlined into the IP decoders: one call less per packet */
static inline __attribute__((always_inline))
void decode_tcp(struct capture *c, const struct pkt_tuple *t, const uint8_t *pkt, size_t pktlen,
		uint64_t ts_us)
{
	struct rd r = rd_init(pkt, pktlen);
	struct rd hdr = rd_take(&r, 14);       /* up to the flags */
	if (!rd_ok(&hdr)) {
		c->st.truncated++;
		return;
	}
	struct tcp_seg sg = { .t = t, .ts_us = ts_us };
	sg.sport = rd_be16(&hdr);
	sg.dport = rd_be16(&hdr);
	sg.seq = rd_be32(&hdr);
	rd_skip(&hdr, 4);                      /* ack: not needed to reassemble */
	size_t hlen = (size_t)(rd_u8(&hdr) >> 4) * 4;
	sg.flags = rd_u8(&hdr);
	if (hlen < 20) {
		c->st.truncated++;
		return;
	}
	rd_seek(&r, hlen);
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	sg.len = rd_left(&r);
	sg.data = rd_bytes(&r, sg.len);
	cap_tcp_segment(c, &sg);
}

/* RFC 2784/2890 GRE; version 1 (PPTP) and source routing are not ours */
static void decode_gre(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	uint16_t fv = rd_be16(&r);
	uint16_t proto = rd_be16(&r);

	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	if ((fv & 0x0007) != 0 || (fv & 0x4000)) {
		c->st.bad_link++;
		return;
	}
	if (fv & 0x8000)
		rd_skip(&r, 4);                /* checksum + reserved1 */
	if (fv & 0x2000)
		rd_skip(&r, 4);                /* key */
	if (fv & 0x1000)
		rd_skip(&r, 4);                /* sequence number */
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	if (proto == ETH_ERSPAN2 && !(fv & 0x1000)) {
		/* ERSPAN type I: no sequence bit, no ERSPAN header */
		tunnel_inner_ethernet(c, VIEW(r), ts_us, depth);
		return;
	}
	if (proto == ETH_ERSPAN2) {
		rd_skip(&r, 8);                /* type II header */
		if (!rd_ok(&r)) {
			c->st.truncated++;
			return;
		}
		tunnel_inner_ethernet(c, VIEW(r), ts_us, depth);
		return;
	}
	if (proto == ETH_ERSPAN3) {
		rd_skip(&r, 10);
		uint16_t bits = rd_be16(&r);   /* P, FT(5), HW ID, D, Gra, O */
		if (bits & 0x0001)
			rd_skip(&r, 8);        /* platform specific subheader */
		if (!rd_ok(&r)) {
			c->st.truncated++;
			return;
		}
		unsigned ft = (bits >> 10) & 0x1f;
		if (ft != 0) {                 /* only Ethernet frames carried */
			c->st.bad_link++;
			return;
		}
		tunnel_inner_ethernet(c, VIEW(r), ts_us, depth);
		return;
	}
	if (proto == ETH_TEB) {
		tunnel_inner_ethernet(c, VIEW(r), ts_us, depth);
		return;
	}
	if (proto == ETH_IPV4 || proto == ETH_IPV6 || proto == ETH_MPLS) {
		c->st.tunnels++;
		if (!too_deep(c, depth + 1))
			decode_ethertype(c, proto, VIEW(r), ts_us, depth + 1);
		return;
	}
	c->st.not_ip++;
}

static void decode_udp(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	rd_skip(&r, 2);
	uint16_t dport = rd_be16(&r);
	rd_skip(&r, 4);                        /* length, checksum */
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	if (dport != VXLAN_PORT) {
		c->st.not_tcp++;
		return;
	}
	uint8_t flags = rd_u8(&r);
	rd_skip(&r, 7);
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	if (!(flags & 0x08)) {                 /* I flag: a valid VNI, RFC 7348 */
		c->st.not_tcp++;
		return;
	}
	tunnel_inner_ethernet(c, VIEW(r), ts_us, depth);
}

static __attribute__((noinline))
void decode_ip_in_ip(struct capture *c, int proto, const uint8_t *pkt, size_t pktlen,
		     uint64_t ts_us, int depth)
{
	c->st.tunnels++;
	if (!too_deep(c, depth + 1))
		decode_ethertype(c, proto == IPP_IPIP ? ETH_IPV4 : ETH_IPV6,
				 pkt, pktlen, ts_us, depth + 1);
}

/* inlined into the IP decoders, so TCP costs no call of its own */
static inline __attribute__((always_inline))
void ip_payload(struct capture *c, const struct pkt_tuple *t,
		int proto, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	if (proto == IPP_TCP) {                /* first: nearly every packet */
		decode_tcp(c, t, pkt, pktlen, ts_us);
		return;
	}
	switch (proto) {
	case IPP_GRE:
		decode_gre(c, pkt, pktlen, ts_us, depth);
		return;
	case IPP_UDP:
		decode_udp(c, pkt, pktlen, ts_us, depth);
		return;
	case IPP_IPIP:
	case IPP_IPV6:
		decode_ip_in_ip(c, proto, pkt, pktlen, ts_us, depth);
		return;
	default:
		c->st.not_tcp++;
	}
}

void cap_decode_ip_payload(struct capture *c, const struct pkt_tuple *t,
			   int proto, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	ip_payload(c, t, proto, pkt, pktlen, ts_us, depth);
}

static void decode_ipv4(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	struct pkt_tuple t;
	struct rd hdr = rd_take(&r, 20);       /* fixed part: reads below fold */
	if (!rd_ok(&hdr)) {
		c->st.truncated++;
		return;
	}
	uint8_t vihl = rd_u8(&hdr);
	rd_skip(&hdr, 1);
	uint16_t total = rd_be16(&hdr);
	uint16_t id = rd_be16(&hdr);
	uint16_t frag = rd_be16(&hdr);
	rd_skip(&hdr, 1);
	uint8_t proto = rd_u8(&hdr);
	rd_skip(&hdr, 2);
	const uint8_t *src = rd_bytes(&hdr, 4);
	const uint8_t *dst = rd_bytes(&hdr, 4);
	size_t ihl = (size_t)(vihl & 0x0f) * 4;

	if ((vihl >> 4) != 4) {
		c->st.not_ip++;
		return;
	}
	/* total length 0: a TSO send captured on the host; trust the capture */
	size_t tot = total ? total : r.len;
	if (ihl < 20 || tot < ihl || tot > r.len) {
		c->st.truncated++;
		return;
	}
	struct rd body = rd_sub(&r, ihl, tot - ihl);   /* drops link padding */
	if (!rd_ok(&body)) {
		c->st.truncated++;
		return;
	}
	memset(&t, 0, sizeof(t));
	t.family = 4;
	memcpy(t.src, src, 4);
	memcpy(t.dst, dst, 4);
	if (frag & 0x3fff) {                   /* MF or a fragment offset */
		cap_frag_input(c, &t, proto, id, (uint32_t)(frag & 0x1fff) * 8,
			       (frag & 0x2000) != 0, VIEW(body), ts_us, depth);
		return;
	}
	ip_payload(c, &t, proto, VIEW(body), ts_us, depth);
}

static inline __attribute__((always_inline))
void ipv6_chain(struct capture *c, const struct pkt_tuple *t,
		int nh, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth,
		bool after_reassembly)
{
	struct rd r = rd_init(pkt, pktlen);
	/* a chain longer than this is an attack or garbage */
	for (int i = 0; i < 16; i++) {
		switch (nh) {
		case IPP_HOPOPTS:
		case IPP_ROUTING:
		case IPP_DSTOPTS: {
			uint8_t next = rd_u8(&r);
			uint8_t hl = rd_u8(&r);
			rd_skip(&r, (size_t)hl * 8 + 6);
			nh = next;
			break;
		}
		case IPP_AH: {
			uint8_t next = rd_u8(&r);
			uint8_t hl = rd_u8(&r);
			rd_skip(&r, ((size_t)hl + 2) * 4 - 2);
			nh = next;
			break;
		}
		case IPP_FRAG: {
			uint8_t next = rd_u8(&r);
			rd_skip(&r, 1);
			uint16_t om = rd_be16(&r);
			uint32_t id = rd_be32(&r);
			if (!rd_ok(&r)) {
				c->st.truncated++;
				return;
			}
			if ((om & 0xfff9) == 0 || after_reassembly) {
				/* atomic fragment (RFC 6946): just a header */
				nh = next;
				break;
			}
			cap_frag_input(c, t, next, id, (uint32_t)(om & 0xfff8),
				       (om & 1) != 0, VIEW(r),
				       ts_us, depth);
			return;
		}
		default:
			if (!rd_ok(&r)) {
				c->st.truncated++;
				return;
			}
			ip_payload(c, t, nh, VIEW(r), ts_us, depth);
			return;
		}
		if (!rd_ok(&r)) {
			c->st.truncated++;
			return;
		}
	}
	c->st.not_tcp++;
}

void cap_decode_ipv6_chain(struct capture *c, const struct pkt_tuple *t,
			   int nh, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth,
			   bool after_reassembly)
{
	ipv6_chain(c, t, nh, pkt, pktlen, ts_us, depth, after_reassembly);
}

static void decode_ipv6(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	struct pkt_tuple t;
	struct rd hdr = rd_take(&r, 40);       /* fixed header: reads below fold */
	if (!rd_ok(&hdr)) {
		c->st.truncated++;
		return;
	}
	uint8_t v = rd_u8(&hdr);
	rd_skip(&hdr, 3);
	uint16_t plen = rd_be16(&hdr);
	uint8_t nh = rd_u8(&hdr);
	rd_skip(&hdr, 1);
	const uint8_t *src = rd_bytes(&hdr, 16);
	const uint8_t *dst = rd_bytes(&hdr, 16);

	if ((v >> 4) != 6) {
		c->st.not_ip++;
		return;
	}
	/* payload length 0 is a jumbogram or a TSO send: use what was captured */
	size_t len = plen ? plen : rd_left(&r);
	if (len > rd_left(&r)) {
		c->st.truncated++;
		return;
	}
	t.family = 6;
	memcpy(t.src, src, 16);
	memcpy(t.dst, dst, 16);
	ipv6_chain(c, &t, nh, rd_ptr(&r), len, ts_us, depth, false);
}

/* IP by its version nibble, where the header before it does not say */
static void decode_ip_guess(struct capture *c, const uint8_t *pkt, size_t pktlen,
			    uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	uint8_t v = rd_u8(&r) >> 4;
	if (!rd_ok(&r))
		c->st.truncated++;
	else if (v == 4)
		decode_ipv4(c, pkt, pktlen, ts_us, depth);
	else if (v == 6)
		decode_ipv6(c, pkt, pktlen, ts_us, depth);
	else
		c->st.not_ip++;            /* e.g. pseudowire Ethernet: not guessed */
}

/* MPLS label stack (RFC 3032) down to the bottom-of-stack bit */
static void decode_mpls(struct capture *c, const uint8_t *pkt, size_t pktlen,
			uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	for (int i = 0; i < MPLS_MAX_LABELS; i++) {
		uint32_t lse = rd_be32(&r);
		if (!rd_ok(&r)) {
			c->st.truncated++;
			return;
		}
		if (lse & 0x100) {
			decode_ip_guess(c, VIEW(r), ts_us, depth);
			return;
		}
	}
	c->st.bad_link++;
}

/* PPPoE session (RFC 2516): 6-byte header, then the PPP protocol */
static void decode_pppoe(struct capture *c, const uint8_t *pkt, size_t pktlen,
			 uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	rd_skip(&r, 4);
	uint16_t plen = rd_be16(&r);
	uint16_t proto = rd_be16(&r);
	if (!rd_ok(&r) || plen < 2 || (size_t)plen - 2 > rd_left(&r)) {
		c->st.truncated++;
		return;
	}
	if (proto == 0x0021)
		decode_ipv4(c, rd_ptr(&r), plen - 2u, ts_us, depth);
	else if (proto == 0x0057)
		decode_ipv6(c, rd_ptr(&r), plen - 2u, ts_us, depth);
	else
		c->st.not_ip++;            /* LCP, IPCP... */
}

/* inlined into each link layer: one call less per packet */
static inline __attribute__((always_inline))
void decode_ethertype(struct capture *c, uint16_t type, const uint8_t *pkt, size_t pktlen,
		      uint64_t ts_us, int depth)
{
	switch (type) {
	case ETH_IPV4:
		decode_ipv4(c, pkt, pktlen, ts_us, depth);
		return;
	case ETH_IPV6:
		decode_ipv6(c, pkt, pktlen, ts_us, depth);
		return;
	case ETH_TEB:
		tunnel_inner_ethernet(c, pkt, pktlen, ts_us, depth);
		return;
	case ETH_MPLS:
	case ETH_MPLS_MC:
		decode_mpls(c, pkt, pktlen, ts_us, depth);
		return;
	case ETH_PPPOE:
		decode_pppoe(c, pkt, pktlen, ts_us, depth);
		return;
	default:
		c->st.not_ip++;
	}
}

static bool is_vlan(uint16_t type)
{
	return type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ2;
}

/* ethertype after any stacked 802.1Q / 802.1ad tags */
static inline __attribute__((always_inline))
uint16_t skip_vlans(struct capture *c, struct rd *r, uint16_t type)
{
	for (int i = 0; is_vlan(type); i++) {
		if (i == VLAN_MAX_TAGS) {
			c->st.bad_link++;
			return 0;
		}
		rd_skip(r, 2);                 /* PCP, DEI, VID */
		type = rd_be16(r);
	}
	return type;
}

static inline __attribute__((always_inline))
void decode_ethernet(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, int depth)
{
	struct rd r = rd_init(pkt, pktlen);
	struct rd hdr = rd_take(&r, 14);
	if (!rd_ok(&hdr)) {
		c->st.truncated++;
		return;
	}
	rd_skip(&hdr, 12);                     /* MAC addresses */
	uint16_t type = rd_be16(&hdr);
	if (type <= 1500) {                    /* 802.3 length: LLC, not IP */
		c->st.not_ip++;
		return;
	}
	if (is_vlan(type)) {
		type = skip_vlans(c, &r, type);
		if (!rd_ok(&r)) {
			c->st.truncated++;
			return;
		}
		if (!type)
			return;
	}
	decode_ethertype(c, type, VIEW(r), ts_us, depth);
}

static void decode_sll(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us, bool v2)
{
	struct rd r = rd_init(pkt, pktlen);
	uint16_t type;
	if (v2) {
		type = rd_be16(&r);
		rd_skip(&r, 18);
	} else {
		rd_skip(&r, 14);
		type = rd_be16(&r);
	}
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	type = skip_vlans(c, &r, type);
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	if (type)
		decode_ethertype(c, type, VIEW(r), ts_us, 0);
}

/*
 * BSD loopback: a 4-byte address family, host order of the capturing
 * machine for DLT_NULL, network order for DLT_LOOP, and both show up in
 * the wild for either, so read it whichever way gives a small number.
 * AF_INET6 differs per OS: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS.
 */
static void decode_null(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us)
{
	struct rd r = rd_init(pkt, pktlen);
	uint32_t fam = rd_le32(&r);
	if (!rd_ok(&r)) {
		c->st.truncated++;
		return;
	}
	if (fam > 0xffff)
		fam = ((fam & 0xff) << 24) | ((fam & 0xff00) << 8) |
		      ((fam >> 8) & 0xff00) | (fam >> 24);
	if (fam == 2)
		decode_ipv4(c, VIEW(r), ts_us, 0);
	else if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
		decode_ipv6(c, VIEW(r), ts_us, 0);
	else
		c->st.not_ip++;
}

static void decode_raw(struct capture *c, const uint8_t *pkt, size_t pktlen, uint64_t ts_us)
{
	struct rd r = rd_init(pkt, pktlen);
	struct rd peek = r;
	uint8_t v = rd_u8(&peek);
	if (!rd_ok(&peek)) {
		c->st.truncated++;
		return;
	}
	if ((v >> 4) == 4)
		decode_ipv4(c, VIEW(r), ts_us, 0);
	else if ((v >> 4) == 6)
		decode_ipv6(c, VIEW(r), ts_us, 0);
	else
		c->st.not_ip++;
}

void cap_decode_packet(struct capture *c, int dlt, const uint8_t *pkt,
		       size_t caplen, uint64_t ts_us)
{
	struct rd r = rd_init(pkt, caplen);

	if (dlt == DLT_V_EN10MB) {             /* first: the usual link */
		decode_ethernet(c, VIEW(r), ts_us, 0);
		return;
	}
	switch (dlt) {
	case DLT_V_LINUX_SLL:
		decode_sll(c, VIEW(r), ts_us, false);
		return;
	case DLT_V_LINUX_SLL2:
		decode_sll(c, VIEW(r), ts_us, true);
		return;
	case DLT_V_NULL:
	case DLT_V_LOOP:
		decode_null(c, VIEW(r), ts_us);
		return;
	case DLT_V_RAW_A:
	case DLT_V_RAW_B:
	case DLT_V_RAW_LT:
	case DLT_V_IPV4:
	case DLT_V_IPV6:
		decode_raw(c, VIEW(r), ts_us);
		return;
	default:
		c->st.bad_link++;
	}
}
