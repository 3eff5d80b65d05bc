/*
 * test_capture_link.c - link layers, tunnels, IPv6 extension headers and
 * IP fragment reassembly in capture/.
 *
 * One TCP payload is wrapped by hand (hand-built packets, see
 * test_capture_util.h) in every link type and tunnel capture/ knows; each
 * wrapping must deliver the same bytes on the same endpoints.  Every
 * prefix of each packet must be counted as truncated and deliver nothing,
 * and random damage must never crash (run under ASan+UBSan by make test).
 */
#include "test_capture_util.h"

static struct rec R;

#define SEC 1000000ull
static const char PAYLOAD[] = "GET /secret HTTP/1.1\r\nHost: a\r\nAuthorization: Basic dTpw\r\n\r\n";
#define PAYLOAD_LEN (sizeof(PAYLOAD) - 1)

/* the inner packets: a SYN and one data segment, IPv4 or IPv6 */
static struct pkt inner_ip(int v6, int data)
{
	struct pkt t = data ? tcp_hdr(CPORT, SPORT, 101, F_ACK | F_PSH, PAYLOAD, PAYLOAD_LEN)
			    : tcp_hdr(CPORT, SPORT, 100, F_SYN, NULL, 0);
	return v6 ? ipv6_wrap(CLI6, SRV6, 6, NULL, &t) : ipv4_wrap(CLI4, SRV4, 6, 7, 0, &t);
}

static const uint8_t OUT4A[4] = { 192, 0, 2, 1 }, OUT4B[4] = { 192, 0, 2, 2 };

static struct pkt vlan_eth(const uint16_t *tags, int ntags, uint16_t type, const struct pkt *in)
{
	struct pkt body = { .len = 0 };
	for (int i = 1; i < ntags; i++) {
		p_be16(&body, 100 + (unsigned)i);      /* TCI */
		p_be16(&body, tags[i]);
	}
	p_be16(&body, 100);                             /* last TCI */
	p_be16(&body, type);
	p_append(&body, in);
	return eth_wrap(tags[0], &body);
}

/* GRE header per RFC 2784/2890: C, K, S bits add 4 bytes each */
static struct pkt gre(unsigned bits, uint16_t proto, const struct pkt *in)
{
	struct pkt g = { .len = 0 };
	p_be16(&g, bits);
	p_be16(&g, proto);
	if (bits & 0x8000)
		p_be32(&g, 0xabcd0000);                 /* checksum + reserved1 */
	if (bits & 0x2000)
		p_be32(&g, 42);                         /* key */
	if (bits & 0x1000)
		p_be32(&g, 7);                          /* sequence */
	p_append(&g, in);
	return g;
}

static struct pkt outer4(uint8_t proto, const struct pkt *l4)
{
	struct pkt ip = ipv4_wrap(OUT4A, OUT4B, proto, 99, 0, l4);
	return eth_wrap(0x0800, &ip);
}

enum wrap_kind {
	W_ETH, W_VLAN, W_QINQ, W_QINQ9100, W_SLL, W_SLL2, W_NULL_LE, W_NULL_BE,
	W_LOOP, W_RAW, W_LT_IPV4, W_ETH6, W_RAW6, W_LT_IPV6, W_NULL6_BSD,
	W_IPV6_EXT, W_MPLS, W_PPPOE, W_GRE_TEB, W_GRE_IP, W_GRE_CKS_SEQ, W_ERSPAN2, W_ERSPAN3,
	W_ERSPAN3_NOSUB, W_VXLAN, W_GRE_OVER_V6, W_IPIP, W_COUNT
};

static const char *wrap_name[W_COUNT] = {
	"eth", "vlan", "qinq", "qinq9100", "sll", "sll2", "null_le", "null_be",
	"loop", "raw", "lt_ipv4", "eth6", "raw6", "lt_ipv6", "null6_bsd",
	"ipv6_ext", "mpls", "pppoe", "gre_teb", "gre_ip", "gre_cks_seq", "erspan2", "erspan3",
	"erspan3_nosub", "vxlan", "gre_over_v6", "ipip",
};

static bool wrap_is_v6(enum wrap_kind k)
{
	return k == W_ETH6 || k == W_RAW6 || k == W_LT_IPV6 || k == W_NULL6_BSD ||
	       k == W_IPV6_EXT;
}

static bool wrap_is_tunnel(enum wrap_kind k)
{
	return k >= W_GRE_TEB;
}

/* the inner packet (SYN or data) wrapped in kind k; *dlt gets the link type */
static struct pkt wrap(enum wrap_kind k, int data, int *dlt)
{
	int v6 = wrap_is_v6(k);
	struct pkt in = inner_ip(v6, data), t, p = { .len = 0 };
	static const uint16_t vlan1[] = { 0x8100 };
	static const uint16_t qinq[] = { 0x88a8, 0x8100 };
	static const uint16_t qinq9[] = { 0x9100, 0x8100, 0x8100 };

	*dlt = T_DLT_EN10MB;
	switch (k) {
	case W_ETH:
		return eth_wrap(0x0800, &in);
	case W_VLAN:
		return vlan_eth(vlan1, 1, 0x0800, &in);
	case W_QINQ:
		return vlan_eth(qinq, 2, 0x0800, &in);
	case W_QINQ9100:
		return vlan_eth(qinq9, 3, 0x0800, &in);
	case W_SLL:
		*dlt = T_DLT_SLL;
		p_be16(&p, 0);                          /* to us */
		p_be16(&p, 1);                          /* ARPHRD_ETHER */
		p_be16(&p, 6);
		p_zero(&p, 8);
		p_be16(&p, 0x0800);
		p_append(&p, &in);
		return p;
	case W_SLL2:
		*dlt = T_DLT_SLL2;
		p_be16(&p, 0x0800);
		p_be16(&p, 0);                          /* reserved */
		p_be32(&p, 3);                          /* ifindex */
		p_be16(&p, 1);
		p_u8(&p, 0);
		p_u8(&p, 6);
		p_zero(&p, 8);
		p_append(&p, &in);
		return p;
	case W_NULL_LE:
		*dlt = T_DLT_NULL;
		p_le32(&p, 2);
		p_append(&p, &in);
		return p;
	case W_NULL_BE:
		*dlt = T_DLT_NULL;
		p_be32(&p, 2);
		p_append(&p, &in);
		return p;
	case W_LOOP:
		*dlt = T_DLT_LOOP;
		p_be32(&p, 2);
		p_append(&p, &in);
		return p;
	case W_RAW:
		*dlt = T_DLT_RAW;
		return in;
	case W_LT_IPV4:
		*dlt = T_DLT_IPV4;
		return in;
	case W_ETH6:
		return eth_wrap(0x86dd, &in);
	case W_RAW6:
		*dlt = T_DLT_RAW;
		return in;
	case W_LT_IPV6:
		*dlt = T_DLT_IPV6;
		return in;
	case W_NULL6_BSD:
		*dlt = T_DLT_NULL;
		p_le32(&p, 28);                         /* FreeBSD AF_INET6 */
		p_append(&p, &in);
		return p;
	case W_IPV6_EXT: {
		struct pkt ext = { .len = 0 }, tcp;
		p_u8(&ext, 43);  p_u8(&ext, 0); p_zero(&ext, 6);     /* hop-by-hop */
		p_u8(&ext, 60);  p_u8(&ext, 0);                      /* routing, */
		p_u8(&ext, 4);   p_u8(&ext, 0); p_zero(&ext, 4);     /* segments left 0 */
		p_u8(&ext, 6);   p_u8(&ext, 1); p_zero(&ext, 14);    /* dest opts, 16 B */
		tcp = data ? tcp_hdr(CPORT, SPORT, 101, F_ACK, PAYLOAD, PAYLOAD_LEN)
			   : tcp_hdr(CPORT, SPORT, 100, F_SYN, NULL, 0);
		t = ipv6_wrap(CLI6, SRV6, 0, &ext, &tcp);
		return eth_wrap(0x86dd, &t);
	}
	case W_MPLS:
		p_be32(&p, (1000u << 12) | 64);         /* label 1000, TTL 64 */
		p_be32(&p, (2000u << 12) | 0x100 | 64); /* bottom of stack */
		p_append(&p, &in);
		return eth_wrap(0x8847, &p);
	case W_PPPOE:
		p_u8(&p, 0x11);                         /* ver 1, type 1 */
		p_u8(&p, 0);                            /* session data */
		p_be16(&p, 0x1234);                     /* session id */
		p_be16(&p, (unsigned)(in.len + 2));
		p_be16(&p, 0x0021);                     /* PPP: IPv4 */
		p_append(&p, &in);
		return eth_wrap(0x8864, &p);
	case W_GRE_TEB: {
		struct pkt e = eth_wrap(0x0800, &in);
		t = gre(0x2000, 0x6558, &e);
		return outer4(47, &t);
	}
	case W_GRE_IP:
		t = gre(0, 0x0800, &in);
		return outer4(47, &t);
	case W_GRE_CKS_SEQ:
		t = gre(0xb000, 0x0800, &in);           /* C, K and S */
		return outer4(47, &t);
	case W_ERSPAN2: {
		struct pkt e = eth_wrap(0x0800, &in), h = { .len = 0 };
		p_be16(&h, 0x1000 | 10);                /* ver 1, vlan 10 */
		p_be16(&h, 0x0123);                     /* cos, en, t, session */
		p_be32(&h, 5);                          /* index */
		p_append(&h, &e);
		t = gre(0x1000, 0x88be, &h);
		return outer4(47, &t);
	}
	case W_ERSPAN3:
	case W_ERSPAN3_NOSUB: {
		struct pkt e = eth_wrap(0x0800, &in), h = { .len = 0 };
		p_be16(&h, 0x2000 | 10);                /* ver 2 */
		p_be16(&h, 0x0123);
		p_be32(&h, 0x11223344);                 /* timestamp */
		p_be16(&h, 0);                          /* SGT */
		p_be16(&h, k == W_ERSPAN3 ? 0x0001 : 0);/* ... O bit */
		if (k == W_ERSPAN3)
			p_zero(&h, 8);                  /* platform subheader */
		p_append(&h, &e);
		t = gre(0x1000, 0x22eb, &h);
		return outer4(47, &t);
	}
	case W_VXLAN: {
		struct pkt e = eth_wrap(0x0800, &in), u = { .len = 0 };
		p_be16(&u, 51000);
		p_be16(&u, 4789);
		p_be16(&u, (unsigned)(8 + 8 + e.len));
		p_be16(&u, 0);
		p_be32(&u, 0x08000000);                 /* I flag */
		p_be32(&u, 0x00123400);                 /* VNI */
		p_append(&u, &e);
		return outer4(17, &u);
	}
	case W_GRE_OVER_V6: {
		static const uint8_t o6a[16] = { 0xfd, [15] = 1 }, o6b[16] = { 0xfd, [15] = 2 };
		t = gre(0x2000, 0x0800, &in);
		struct pkt ip6 = ipv6_wrap(o6a, o6b, 47, NULL, &t);
		return eth_wrap(0x86dd, &ip6);
	}
	case W_IPIP:
		return outer4(4, &in);
	default:
		fail();
	}
	return p;
}

static void test_every_wrapping_delivers_the_same_bytes(void **state)
{
	(void)state;
	for (int k = 0; k < W_COUNT; k++) {
		int dlt, dlt2;
		struct capture *c = rec_cap(&R, NULL);
		struct pkt syn = wrap((enum wrap_kind)k, 0, &dlt);
		struct pkt dat = wrap((enum wrap_kind)k, 1, &dlt2);
		feed(c, dlt, &syn, SEC);
		feed(c, dlt2, &dat, SEC + 1);
		cap_flush(c);
		const struct cap_stats *st = cap_get_stats(c);
		print_message("%-14s flows=%llu truncated=%llu not_ip=%llu bad_link=%llu tunnels=%llu\n",
			      wrap_name[k], (unsigned long long)st->flows,
			      (unsigned long long)st->truncated, (unsigned long long)st->not_ip,
			      (unsigned long long)st->bad_link, (unsigned long long)st->tunnels);
		assert_int_equal(R.n, 1);
		assert_true(R.f[0].fi.syn_seen);
		assert_int_equal(R.f[0].fi.a_port, CPORT);
		assert_int_equal(R.f[0].fi.b_port, SPORT);
		if (wrap_is_v6((enum wrap_kind)k))
			assert_memory_equal(R.f[0].fi.a_ip, CLI6, 16);
		else
			assert_memory_equal(R.f[0].fi.a_ip, CLI4, 4);
		assert_int_equal(R.f[0].tlen[0], PAYLOAD_LEN);
		assert_memory_equal(R.f[0].trace[0], PAYLOAD, PAYLOAD_LEN);
		assert_int_equal(st->tunnels, wrap_is_tunnel((enum wrap_kind)k) ? 2 : 0);
		assert_int_equal(st->truncated + st->not_ip + st->bad_link + st->not_tcp, 0);
		cap_close(c);
	}
}

static void test_every_prefix_is_truncated(void **state)
{
	(void)state;
	for (int k = 0; k < W_COUNT; k++) {
		int dlt;
		struct pkt dat = wrap((enum wrap_kind)k, 1, &dlt);
		struct capture *c = rec_cap(&R, NULL);
		for (size_t n = 0; n < dat.len; n++) {
			struct pkt cut = dat;
			cut.len = n;
			feed(c, dlt, &cut, SEC + n);
			if (cap_get_stats(c)->truncated != n + 1)
				fail_msg("%s: prefix of %zu bytes not counted as truncated",
					 wrap_name[k], n);
		}
		assert_int_equal(cap_get_stats(c)->flows, 0);
		assert_int_equal(R.n, 0);
		cap_close(c);
	}
}

/* damaged packets make many flows: only count opens and closes */
static int n_open, n_close;
static void *cnt_open(void *u, const struct flow_info *fi) { (void)u; (void)fi; n_open++; return &n_open; }
static void cnt_close(void *u, void *f, enum cap_close_reason w, uint64_t ts)
{
	(void)u; (void)w; (void)ts;
	assert_ptr_equal(f, &n_open);
	n_close++;
}

/* random damage: whatever happens is counted, nothing crashes or hangs */
static void test_random_damage_never_crashes(void **state)
{
	(void)state;
	uint32_t rng = 12345;
	struct cap_callbacks cb = { .flow_open = cnt_open, .flow_close = cnt_close };
	for (int k = 0; k < W_COUNT; k++) {
		int dlt;
		struct pkt dat = wrap((enum wrap_kind)k, 1, &dlt);
		struct capture *c = cap_new(NULL, &cb);
		n_open = n_close = 0;
		for (int i = 0; i < 3000; i++) {
			struct pkt m = dat;
			for (int j = 0; j < 4; j++) {
				rng = rng * 1103515245u + 12345u;
				m.b[(rng >> 8) % m.len] ^= (uint8_t)(1u << ((rng >> 4) & 7));
			}
			rng = rng * 1103515245u + 12345u;
			if (rng & 0x100)
				m.len = (rng >> 12) % (m.len + 1);
			feed(c, dlt, &m, SEC + (uint64_t)i);
		}
		cap_flush(c);
		assert_int_equal(n_open, n_close);
		assert_int_equal(cap_get_stats(c)->packets, 3000);
		cap_close(c);
	}
}

static void test_unknown_things_are_counted(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	struct pkt arp = { .len = 0 }, p;
	p_zero(&arp, 28);
	p = eth_wrap(0x0806, &arp);
	feed(c, T_DLT_EN10MB, &p, SEC);
	assert_int_equal(cap_get_stats(c)->not_ip, 1);
	struct pkt udp = { .len = 0 };
	p_be16(&udp, 53); p_be16(&udp, 53); p_be16(&udp, 8); p_be16(&udp, 0);
	p = ipv4_wrap(CLI4, SRV4, 17, 1, 0, &udp);
	feed(c, T_DLT_RAW, &p, SEC);
	assert_int_equal(cap_get_stats(c)->not_tcp, 1);
	feed(c, 147, &p, SEC);                          /* DLT_USER0 */
	assert_int_equal(cap_get_stats(c)->bad_link, 1);
	/* GRE version 1 (PPTP) is not decapsulated */
	struct pkt in = inner_ip(0, 1), g = gre(0x0001, 0x880b, &in);
	p = outer4(47, &g);
	feed(c, T_DLT_EN10MB, &p, SEC);
	assert_int_equal(cap_get_stats(c)->bad_link, 2);
	/* an IPv6 header chain that ends in an unknown header stops there */
	struct pkt ext = { .len = 0 };
	p_u8(&ext, 6); p_u8(&ext, 0); p_zero(&ext, 6);
	struct pkt t = tcp_hdr(CPORT, SPORT, 1, F_ACK, "x", 1);
	p = ipv6_wrap(CLI6, SRV6, 253, &ext, &t);       /* 253: experimental */
	feed(c, T_DLT_RAW, &p, SEC);
	assert_int_equal(cap_get_stats(c)->not_tcp, 2);
	/* IHL below 5 and a total length shorter than the header */
	struct pkt bad = inner_ip(0, 1);
	bad.b[0] = 0x44;
	feed(c, T_DLT_RAW, &bad, SEC);
	bad = inner_ip(0, 1);
	bad.b[2] = 0; bad.b[3] = 12;
	feed(c, T_DLT_RAW, &bad, SEC);
	assert_int_equal(cap_get_stats(c)->truncated, 2);
	assert_int_equal(cap_get_stats(c)->flows, 0);
	cap_close(c);
}

static void test_tunnel_nesting_is_bounded(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	struct pkt p = inner_ip(0, 1);
	/* 20 GRE/IPv4 layers around the segment */
	for (int i = 0; i < 20; i++) {
		struct pkt g = gre(0, 0x0800, &p);
		p = ipv4_wrap(OUT4A, OUT4B, 47, 1, 0, &g);
	}
	feed(c, T_DLT_RAW, &p, SEC);
	assert_int_equal(cap_get_stats(c)->bad_link, 1);
	assert_int_equal(cap_get_stats(c)->flows, 0);
	cap_close(c);
}

/* ---- fragments ---------------------------------------------------------- */

/* IPv4 fragment of l4[off, off+len) */
static struct pkt frag4(const struct pkt *l4, uint8_t proto, uint16_t id, size_t off,
			size_t len, int more, const uint8_t *src, const uint8_t *dst)
{
	struct pkt piece = { .len = 0 };
	p_bytes(&piece, l4->b + off, len);
	return ipv4_wrap(src, dst, proto, id,
			 (uint16_t)((more ? 0x2000 : 0) | (off / 8)), &piece);
}

static struct pkt frag6(const struct pkt *l4, uint32_t id, size_t off, size_t len, int more)
{
	struct pkt fh = { .len = 0 }, piece = { .len = 0 };
	p_u8(&fh, 6);
	p_u8(&fh, 0);
	p_be16(&fh, (unsigned)(off | (more ? 1 : 0)));
	p_be32(&fh, id);
	p_bytes(&piece, l4->b + off, len);
	return ipv6_wrap(CLI6, SRV6, 44, &fh, &piece);
}

static void syn4(struct capture *c)
{
	struct pkt s = inner_ip(0, 0);
	feed_raw(c, &s, SEC);
}

static void test_ipv4_fragments_out_of_order(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	struct pkt l4 = tcp_hdr(CPORT, SPORT, 101, F_ACK, PAYLOAD, PAYLOAD_LEN);
	size_t n = l4.len, a = 32, b = 64;          /* pieces: [0,32) [32,64) [64,n) */
	syn4(c);
	struct pkt f3 = frag4(&l4, 6, 77, b, n - b, 0, CLI4, SRV4);
	struct pkt f1 = frag4(&l4, 6, 77, 0, a, 1, CLI4, SRV4);
	struct pkt f2 = frag4(&l4, 6, 77, a, b - a, 1, CLI4, SRV4);
	feed_raw(c, &f3, SEC + 1);
	feed_raw(c, &f1, SEC + 2);
	feed_raw(c, &f1, SEC + 3);                  /* an exact duplicate */
	assert_int_equal(R.f[0].tlen[0], 0);
	feed_raw(c, &f2, SEC + 4);
	cap_flush(c);
	const struct cap_stats *st = cap_get_stats(c);
	assert_int_equal(st->ip_fragments, 4);
	assert_int_equal(st->ip_reassembled, 1);
	assert_int_equal(st->ip_frag_dropped, 1);
	assert_int_equal(R.f[0].tlen[0], PAYLOAD_LEN);
	assert_memory_equal(R.f[0].trace[0], PAYLOAD, PAYLOAD_LEN);
	cap_close(c);
}

static void test_ipv6_fragments_out_of_order(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	struct pkt l4 = tcp_hdr(CPORT, SPORT, 101, F_ACK, PAYLOAD, PAYLOAD_LEN);
	struct pkt s = inner_ip(1, 0);
	size_t n = l4.len;
	feed_raw(c, &s, SEC);
	struct pkt f[3] = { frag6(&l4, 0xdead, 0, 24, 1), frag6(&l4, 0xdead, 24, 40, 1),
			    frag6(&l4, 0xdead, 64, n - 64, 0) };
	feed_raw(c, &f[1], SEC + 1);
	feed_raw(c, &f[2], SEC + 2);
	feed_raw(c, &f[0], SEC + 3);
	cap_flush(c);
	assert_int_equal(cap_get_stats(c)->ip_reassembled, 1);
	assert_memory_equal(R.f[0].fi.a_ip, CLI6, 16);
	assert_int_equal(R.f[0].tlen[0], PAYLOAD_LEN);
	assert_memory_equal(R.f[0].trace[0], PAYLOAD, PAYLOAD_LEN);
	cap_close(c);
}

static void test_overlapping_fragments_dropped(void **state)
{
	(void)state;
	for (int v6 = 0; v6 < 2; v6++) {
		struct capture *c = rec_cap(&R, NULL);
		struct pkt l4 = tcp_hdr(CPORT, SPORT, 101, F_ACK, PAYLOAD, PAYLOAD_LEN);
		struct pkt evil = l4;
		size_t n = l4.len;
		memset(evil.b + 40, 'X', 24);            /* other bytes for [40,64) */
		struct pkt f1, f2, f3;
		if (v6) {
			struct pkt s = inner_ip(1, 0);
			feed_raw(c, &s, SEC);
			f1 = frag6(&l4, 9, 0, 48, 1);
			f2 = frag6(&evil, 9, 40, 24, 1);  /* overlaps f1 at [40,48) */
			f3 = frag6(&l4, 9, 64, n - 64, 0);
		} else {
			syn4(c);
			f1 = frag4(&l4, 6, 9, 0, 48, 1, CLI4, SRV4);
			f2 = frag4(&evil, 6, 9, 40, 24, 1, CLI4, SRV4);
			f3 = frag4(&l4, 6, 9, 64, n - 64, 0, CLI4, SRV4);
		}
		feed_raw(c, &f1, SEC + 1);
		feed_raw(c, &f2, SEC + 2);
		feed_raw(c, &f3, SEC + 3);
		cap_flush(c);
		const struct cap_stats *st = cap_get_stats(c);
		assert_int_equal(st->ip_reassembled, 0);
		assert_int_equal(st->ip_frag_dropped, 2);   /* f1 held + f2 */
		assert_int_equal(R.f[0].tlen[0], 0);
		cap_close(c);
	}
}

static void test_fragment_timeout(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	struct pkt l4 = tcp_hdr(CPORT, SPORT, 101, F_ACK, PAYLOAD, PAYLOAD_LEN);
	syn4(c);
	struct pkt f1 = frag4(&l4, 6, 5, 0, 32, 1, CLI4, SRV4);
	struct pkt f2 = frag4(&l4, 6, 5, 32, l4.len - 32, 0, CLI4, SRV4);
	feed_raw(c, &f1, SEC);
	feed_raw(c, &f2, 100 * SEC);                /* long after the timeout */
	assert_int_equal(cap_get_stats(c)->ip_reassembled, 0);
	assert_int_equal(cap_get_stats(c)->ip_frag_dropped, 1);
	cap_close(c);
}

/* the zeek capture's shape: outer IPv4 fragments carrying GRE/TEB */
static void test_fragmented_outer_gre(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	int dlt;
	struct pkt syn = wrap(W_GRE_TEB, 0, &dlt);
	feed(c, dlt, &syn, SEC);
	struct pkt in = inner_ip(0, 1), e = eth_wrap(0x0800, &in);
	struct pkt g = gre(0x2000, 0x6558, &e);
	struct pkt f2 = frag4(&g, 47, 300, 48, g.len - 48, 0, OUT4A, OUT4B);
	struct pkt f1 = frag4(&g, 47, 300, 0, 48, 1, OUT4A, OUT4B);
	struct pkt e2 = eth_wrap(0x0800, &f2), e1 = eth_wrap(0x0800, &f1);
	feed(c, T_DLT_EN10MB, &e2, SEC + 1);
	feed(c, T_DLT_EN10MB, &e1, SEC + 2);
	cap_flush(c);
	assert_int_equal(cap_get_stats(c)->ip_reassembled, 1);
	assert_int_equal(R.f[0].tlen[0], PAYLOAD_LEN);
	assert_memory_equal(R.f[0].trace[0], PAYLOAD, PAYLOAD_LEN);
	cap_close(c);
}

static void test_fragment_table_is_bounded(void **state)
{
	(void)state;
	struct capture *c = rec_cap(&R, NULL);
	struct pkt l4 = tcp_hdr(CPORT, SPORT, 101, F_ACK, PAYLOAD, PAYLOAD_LEN);
	/* 2000 first fragments that never complete */
	for (uint16_t id = 0; id < 2000; id++) {
		struct pkt f = frag4(&l4, 6, id, 0, 32, 1, CLI4, SRV4);
		feed_raw(c, &f, SEC + id);
	}
	const struct cap_stats *st = cap_get_stats(c);
	assert_int_equal(st->ip_fragments, 2000);
	assert_true(st->ip_frag_dropped >= 2000 - 256);
	cap_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_wrapping_delivers_the_same_bytes),
		cmocka_unit_test(test_every_prefix_is_truncated),
		cmocka_unit_test(test_random_damage_never_crashes),
		cmocka_unit_test(test_unknown_things_are_counted),
		cmocka_unit_test(test_tunnel_nesting_is_bounded),
		cmocka_unit_test(test_ipv4_fragments_out_of_order),
		cmocka_unit_test(test_ipv6_fragments_out_of_order),
		cmocka_unit_test(test_overlapping_fragments_dropped),
		cmocka_unit_test(test_fragment_timeout),
		cmocka_unit_test(test_fragmented_outer_gre),
		cmocka_unit_test(test_fragment_table_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
