/*
 * fanout.c - what capture/ offers to run several workers (see capture.h):
 * the symmetric per-connection packet hash a file reader splits packets
 * by, the clock step a worker takes for packets it did not get, and the
 * Linux PACKET_FANOUT join of a live socket.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "cap_int.h"

#define FO_DLT_NULL       0
#define FO_DLT_EN10MB     1
#define FO_DLT_RAW_A      12
#define FO_DLT_RAW_B      14
#define FO_DLT_RAW_LT     101
#define FO_DLT_LOOP       108
#define FO_DLT_LINUX_SLL  113
#define FO_DLT_IPV4       228
#define FO_DLT_IPV6       229
#define FO_DLT_LINUX_SLL2 276

/* FNV-1a over n bytes, continuing from h */
static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * Hash of the address pair with the two addresses in a fixed order, so
 * both directions agree.  Ports are left out on purpose: a fragment after
 * the first has none, and the handshake layer pairs an NTLM Type 3 with a
 * challenge sent on another connection of the same hosts.
 */
static uint32_t pair_hash(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint32_t h = 2166136261u;
	if (memcmp(a, b, n) > 0) {
		const uint8_t *t = a;
		a = b;
		b = t;
	}
	h = fnv(h, a, n);
	h = fnv(h, b, n);
	return h ? h : 1;
}

static uint32_t ip_hash(struct rd r)
{
	struct rd peek = r;
	uint8_t v = rd_u8(&peek) >> 4;
	const uint8_t *src, *dst;

	if (v == 4) {
		rd_skip(&r, 12);
		src = rd_bytes(&r, 4);
		dst = rd_bytes(&r, 4);
		return src && dst ? pair_hash(src, dst, 4) : 0;
	}
	if (v == 6) {
		rd_skip(&r, 8);
		src = rd_bytes(&r, 16);
		dst = rd_bytes(&r, 16);
		return src && dst ? pair_hash(src, dst, 16) : 0;
	}
	return 0;
}

static uint32_t ethertype_hash(struct rd r, uint16_t type)
{
	/* VLAN tags (802.1Q, QinQ), as many as the packet has */
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		rd_skip(&r, 2);
		type = rd_be16(&r);
		if (!rd_ok(&r))
			return 0;
	}
	if (type != 0x0800 && type != 0x86dd)
		return 0;
	return ip_hash(rd_take(&r, rd_left(&r)));
}

uint32_t cap_packet_hash(int dlt, const uint8_t *pkt, size_t caplen)
{
	struct rd r = rd_init(pkt, caplen);
	uint16_t type;

	switch (dlt) {
	case FO_DLT_EN10MB:
		rd_skip(&r, 12);
		type = rd_be16(&r);
		return rd_ok(&r) ? ethertype_hash(r, type) : 0;
	case FO_DLT_LINUX_SLL:
		rd_skip(&r, 14);
		type = rd_be16(&r);
		return rd_ok(&r) ? ethertype_hash(r, type) : 0;
	case FO_DLT_LINUX_SLL2:
		type = rd_be16(&r);
		rd_skip(&r, 18);
		return rd_ok(&r) ? ethertype_hash(r, type) : 0;
	case FO_DLT_NULL:
	case FO_DLT_LOOP:
		rd_skip(&r, 4);
		return ip_hash(rd_take(&r, rd_left(&r)));
	case FO_DLT_RAW_A:
	case FO_DLT_RAW_B:
	case FO_DLT_RAW_LT:
	case FO_DLT_IPV4:
	case FO_DLT_IPV6:
		return ip_hash(r);
	default:
		return 0;
	}
}

void cap_advance(struct capture *c, uint64_t ts_us)
{
	/* the same clock step cap_feed takes before a packet */
	if (ts_us > c->now_us) {
		c->now_us = ts_us;
		cap_flows_expire(c);
		if (c->frags.count)
			cap_frag_expire(c);
	}
}

int cap_live_fanout(struct capture *c, int group, char *err, size_t errlen)
{
	/* whole flows per socket: the kernel's symmetric flow hash, computed
	   on the reassembled datagram so fragments follow their flow */
	uint32_t mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
	uint32_t uarg = ((uint32_t)group & 0xffffu) | (mode << 16);
	int arg;
	memcpy(&arg, &uarg, sizeof(arg));  /* the kernel reads the bits */

	if (!c || !c->live || !c->src || !c->src[0].p) {
		snprintf(err, errlen, "fanout: not a live capture");
		return -1;
	}
	if (setsockopt(pcap_fileno(c->src[0].p), SOL_PACKET, PACKET_FANOUT,
		       &arg, sizeof(arg)) != 0) {
		snprintf(err, errlen, "PACKET_FANOUT group %d: %s", group, strerror(errno));
		return -1;
	}
	return 0;
}

int cap_datalink(struct capture *c)
{
	return c && c->src && c->nsrc > 0 && c->src[0].p ? c->src[0].dlt : -1;
}

void cap_wakeup(struct capture *c)
{
	/* pcap_breakloop wakes libpcap's poll; run_one goes on unless
	   cap_break set brk.  Files are never woken: pcap_next_ex would
	   take the break for the end of the file. */
	if (c && c->live)
		for (int i = 0; i < c->nsrc; i++)
			if (c->src[i].p)
				pcap_breakloop(c->src[i].p);
}
