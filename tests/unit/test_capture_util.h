/*
 * test_capture_util.h - hand-built packets and recording callbacks for the
 * capture/ unit tests.  Every packet here is hand-built byte by byte
 * (headers per RFC 791/8200/793, IEEE 802.3/802.1Q, libpcap's SLL/SLL2/NULL
 * layouts, RFC 2784/2890 GRE, ERSPAN II/III, RFC 7348 VXLAN); checksums
 * are left zero because capture/ does not verify them (offload makes them
 * wrong on real captures).
 */
#ifndef TEST_CAPTURE_UTIL_H
#define TEST_CAPTURE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/capture.h"

#define T_DLT_NULL   0
#define T_DLT_EN10MB 1
#define T_DLT_RAW    12
#define T_DLT_LOOP   108
#define T_DLT_SLL    113
#define T_DLT_IPV4   228
#define T_DLT_IPV6   229
#define T_DLT_SLL2   276

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

#define PKT_MAX 4096

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

static inline void p_u8(struct pkt *p, unsigned v) { assert_true(p->len < PKT_MAX); p->b[p->len++] = (uint8_t)v; }
static inline void p_be16(struct pkt *p, unsigned v) { p_u8(p, v >> 8); p_u8(p, v); }
static inline void p_be32(struct pkt *p, uint32_t v) { p_be16(p, v >> 16); p_be16(p, v & 0xffff); }
static inline void p_le32(struct pkt *p, uint32_t v) { p_u8(p, v); p_u8(p, v >> 8); p_u8(p, v >> 16); p_u8(p, v >> 24); }
static inline void p_bytes(struct pkt *p, const void *d, size_t n)
{
	assert_true(p->len + n <= PKT_MAX);
	if (n == 0)
		return;
	memcpy(p->b + p->len, d, n);
	p->len += n;
}
static inline void p_zero(struct pkt *p, size_t n) { while (n--) p_u8(p, 0); }
static inline void p_append(struct pkt *p, const struct pkt *q) { p_bytes(p, q->b, q->len); }

/* endpoints used everywhere: client 10.0.0.1:40000, server 10.0.0.2:80 */
static const uint8_t CLI4[4] = { 10, 0, 0, 1 }, SRV4[4] = { 10, 0, 0, 2 };
static const uint8_t CLI6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t SRV6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
#define CPORT 40000
#define SPORT 80

static inline struct pkt tcp_hdr(uint16_t sport, uint16_t dport, uint32_t seq,
				 uint8_t flags, const void *data, size_t len)
{
	struct pkt t = { .len = 0 };
	p_be16(&t, sport);
	p_be16(&t, dport);
	p_be32(&t, seq);
	p_be32(&t, 0);                 /* ack */
	p_u8(&t, 5 << 4);              /* data offset 20 */
	p_u8(&t, flags);
	p_be16(&t, 65535);             /* window */
	p_be32(&t, 0);                 /* checksum, urgent */
	p_bytes(&t, data, len);
	return t;
}

static inline struct pkt ipv4_wrap(const uint8_t src[4], const uint8_t dst[4],
				   uint8_t proto, uint16_t id, uint16_t frag,
				   const struct pkt *l4)
{
	struct pkt p = { .len = 0 };
	p_u8(&p, 0x45);
	p_u8(&p, 0);
	p_be16(&p, (unsigned)(20 + l4->len));
	p_be16(&p, id);
	p_be16(&p, frag);
	p_u8(&p, 64);
	p_u8(&p, proto);
	p_be16(&p, 0);
	p_bytes(&p, src, 4);
	p_bytes(&p, dst, 4);
	p_append(&p, l4);
	return p;
}

/* IPv6 with ext (already-built extension headers whose first next-header
   is ext_nh; the last one must name proto) */
static inline struct pkt ipv6_wrap(const uint8_t src[16], const uint8_t dst[16],
				   uint8_t first_nh, const struct pkt *ext,
				   const struct pkt *l4)
{
	struct pkt p = { .len = 0 };
	p_be32(&p, 0x60000000);
	p_be16(&p, (unsigned)((ext ? ext->len : 0) + l4->len));
	p_u8(&p, first_nh);
	p_u8(&p, 64);
	p_bytes(&p, src, 16);
	p_bytes(&p, dst, 16);
	if (ext)
		p_append(&p, ext);
	p_append(&p, l4);
	return p;
}

/* a TCP segment from the client (dir 0) or the server (dir 1), raw IPv4 */
static inline struct pkt seg4(int from_server, uint32_t seq, uint8_t flags,
			      const void *data, size_t len)
{
	struct pkt t = from_server ? tcp_hdr(SPORT, CPORT, seq, flags, data, len)
				   : tcp_hdr(CPORT, SPORT, seq, flags, data, len);
	return from_server ? ipv4_wrap(SRV4, CLI4, 6, 1, 0, &t)
			   : ipv4_wrap(CLI4, SRV4, 6, 1, 0, &t);
}

static inline struct pkt eth_wrap(uint16_t type, const struct pkt *inner)
{
	struct pkt p = { .len = 0 };
	static const uint8_t mac[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };
	p_bytes(&p, mac, 12);
	p_be16(&p, type);
	p_append(&p, inner);
	return p;
}

/* ---- recording callbacks ---------------------------------------------- */

#define REC_MAX_FLOWS 64
#define TRACE_MAX 70000

struct rec_flow {
	struct flow_info fi;
	char trace[2][TRACE_MAX];      /* bytes as delivered, gaps as <GAP n> */
	size_t tlen[2];
	uint64_t bytes[2], gap_bytes[2];
	int closes;
	enum cap_close_reason why;
	int after_close;               /* callbacks after flow_close: a bug */
};

struct rec {
	struct rec_flow f[REC_MAX_FLOWS];
	int n;
	uint64_t close_ids[REC_MAX_FLOWS];   /* flow_ids in the order closed */
	int ncloses;
};

static inline void rec_append(struct rec_flow *f, int dir, const void *d, size_t n)
{
	assert_true(f->tlen[dir] + n < TRACE_MAX);
	memcpy(f->trace[dir] + f->tlen[dir], d, n);
	f->tlen[dir] += n;
	f->trace[dir][f->tlen[dir]] = 0;
}

static inline void *rec_open(void *user, const struct flow_info *fi)
{
	struct rec *r = user;
	assert_true(r->n < REC_MAX_FLOWS);
	struct rec_flow *f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->fi = *fi;
	return f;
}

static inline void rec_data(void *user, void *fu, enum cap_dir dir,
			    const uint8_t *d, size_t n, uint64_t ts)
{
	(void)user; (void)ts;
	struct rec_flow *f = fu;
	assert_non_null(f);
	assert_true(n > 0);
	f->after_close += f->closes;
	f->bytes[dir] += n;
	rec_append(f, dir, d, n);
}

static inline void rec_gap(void *user, void *fu, enum cap_dir dir, uint64_t n, uint64_t ts)
{
	(void)user; (void)ts;
	struct rec_flow *f = fu;
	char buf[40];
	f->after_close += f->closes;
	f->gap_bytes[dir] += n;
	int k = snprintf(buf, sizeof(buf), "<GAP %llu>", (unsigned long long)n);
	rec_append(f, dir, buf, (size_t)k);
}

static inline void rec_close(void *user, void *fu, enum cap_close_reason why, uint64_t ts)
{
	(void)ts;
	struct rec *r = user;
	struct rec_flow *f = fu;
	if (r->ncloses < REC_MAX_FLOWS)
		r->close_ids[r->ncloses++] = f->fi.flow_id;
	f->closes++;
	f->why = why;
}

static inline struct capture *rec_cap(struct rec *r, const struct cap_config *cfg)
{
	struct cap_callbacks cb = { .user = r, .flow_open = rec_open, .flow_data = rec_data, .flow_gap = rec_gap, .flow_close = rec_close };
	memset(r, 0, sizeof(*r));
	struct capture *c = cap_new(cfg, &cb);
	assert_non_null(c);
	return c;
}

static inline void feed(struct capture *c, int dlt, const struct pkt *p, uint64_t ts_us)
{
	/* an exact-size copy, so ASan sees any read past the packet */
	uint8_t *copy = malloc(p->len ? p->len : 1);
	assert_non_null(copy);
	memcpy(copy, p->b, p->len);
	cap_feed(c, dlt, copy, p->len, p->len, ts_us);
	free(copy);
}

static inline void feed_raw(struct capture *c, const struct pkt *p, uint64_t ts_us)
{
	feed(c, T_DLT_RAW, p, ts_us);
}

/* every flow closed exactly once, nothing after */
static inline void rec_check_closed(const struct rec *r)
{
	for (int i = 0; i < r->n; i++) {
		assert_int_equal(r->f[i].closes, 1);
		assert_int_equal(r->f[i].after_close, 0);
	}
}

#endif
