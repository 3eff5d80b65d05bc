/*
 * gen_hostile.c - adversarial captures for tests/hostile/t_hostile.sh.
 *
 *   gen_hostile CASE OUT.pcap N GOOD.pcap
 *
 * Writes a little-endian Ethernet pcap.  Every case mixes in copies of
 * GOOD.pcap (a real capture with one good handshake, e.g.
 * pcaps/ntlm-success.pcap): one at the start, one at the end, and for the
 * floods, snaplen and cut one in the middle; each copy's client port moved
 * by +1000*k so the copies are distinct connections.  Everything else is
 * hand-built here:
 *
 *   synflood   N SYNs, each from its own address/port (N flows)
 *   halfopen   N connections: SYN, SYN-ACK, then a partial request
 *              (headers never end, no answer)
 *   overlap    one request whose bytes arrive twice: the second copy
 *              overlaps the first and differs (first copy wins)
 *   longline   one request with a 1 MiB header line
 *   manyhdrs   one request with 10,000 header lines
 *   bigauth    one request whose Authorization value is 64 KiB + 1
 *   badntlm    NTLMSSP Type 1 and Type 3 whose field offsets/lengths point
 *              outside the message (each its own request, answered 401)
 *   deepspnego Negotiate token nested 10,000 DER levels deep
 *   pipeline   100 pipelined requests on one connection, never answered
 *   pipeauth   N connections, each 40 pipelined requests with two 60 KB
 *              auth headers, never answered (what http/ holds per
 *              connection beyond the per-flow charge: not in t_hostile,
 *              measured for the report)
 *   bignames   N connections, each one NTLMSSP Type 3 (hand-built) whose
 *              domain, user and workstation are 15,000 bytes of UTF-16
 *              (U+4E00: 22,500 bytes of UTF-8 each), answered 200, kept
 *              open
 *   ooo        a hole, then 2 MiB of data beyond it (out of order)
 *   snaplen    GOOD.pcap's packets cut to a 96-byte snaplen
 *   cut        the three good copies, then the file cut in the middle of
 *              a record after them; prints that record's byte offset
 *
 * Prints one line "packets=P flows=F [cut_offset=O]" on stdout: what the
 * test expects to see counted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSS 1460

static FILE *g_out;
static uint32_t g_snaplen = 262144;
static uint64_t g_packets, g_flows;
static uint64_t g_ts_us = 1700000000000000ull;

struct conn {
	uint8_t cip[4], sip[4];
	uint16_t cport, sport;
	uint32_t seq[2];               /* 0 = client, 1 = server */
};

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void xwrite(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, g_out) != n) {
		perror("gen_hostile: write");
		exit(1);
	}
}

static void file_header(void)
{
	uint8_t h[24] = { 0 };
	put_le32(h, 0xa1b2c3d4);
	h[4] = 2; h[6] = 4;                    /* version 2.4 */
	put_le32(h + 16, g_snaplen);
	put_le32(h + 20, 1);                   /* DLT_EN10MB */
	xwrite(h, sizeof(h));
}

static void record(uint64_t ts_us, const uint8_t *pkt, uint32_t len)
{
	uint8_t h[16];
	uint32_t incl = len < g_snaplen ? len : g_snaplen;
	put_le32(h, (uint32_t)(ts_us / 1000000));
	put_le32(h + 4, (uint32_t)(ts_us % 1000000));
	put_le32(h + 8, incl);
	put_le32(h + 12, len);
	xwrite(h, 16);
	xwrite(pkt, incl);
	g_packets++;
}

/* one Ethernet/IPv4/TCP packet; dir 0 = client to server */
static void tcp_pkt(struct conn *c, int dir, uint8_t flags,
		    const uint8_t *data, uint32_t len)
{
	static uint8_t pkt[14 + 20 + 20 + MSS];
	uint8_t *ip = pkt + 14, *tcp = ip + 20;
	const uint8_t *src = dir ? c->sip : c->cip, *dst = dir ? c->cip : c->sip;

	memset(pkt, 0, 54);
	pkt[0] = 2; pkt[6] = 2; pkt[5] = dir ? 1 : 2; pkt[11] = dir ? 2 : 1;
	put_be16(pkt + 12, 0x0800);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(40 + len));
	ip[8] = 64; ip[9] = 6;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put_be16(tcp, dir ? c->sport : c->cport);
	put_be16(tcp + 2, dir ? c->cport : c->sport);
	put_be32(tcp + 4, c->seq[dir]);
	put_be32(tcp + 8, (flags & 0x10) ? c->seq[!dir] : 0);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put_be16(tcp + 14, 65535);
	if (len)
		memcpy(tcp + 20, data, len);
	record(g_ts_us, pkt, 54 + len);
	g_ts_us += 10;
	c->seq[dir] += len + ((flags & 0x03) ? 1 : 0);    /* SYN, FIN count one */
}

#define SYN 0x02
#define FIN 0x01
#define ACK 0x10
#define PSH 0x08

static void conn_init(struct conn *c, uint32_t i, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->cip[0] = 10; c->cip[1] = (uint8_t)(i >> 16); c->cip[2] = (uint8_t)(i >> 8);
	c->cip[3] = (uint8_t)i;
	c->sip[0] = 192; c->sip[1] = 0; c->sip[2] = 2; c->sip[3] = 80;
	c->cport = (uint16_t)(1024 + i % 60000);
	c->sport = sport;
	c->seq[0] = 1000 + i * 7919u;
	c->seq[1] = 5000000 + i * 104729u;
	g_flows++;
}

static void conn_open(struct conn *c)
{
	tcp_pkt(c, 0, SYN, NULL, 0);
	tcp_pkt(c, 1, SYN | ACK, NULL, 0);
	tcp_pkt(c, 0, ACK, NULL, 0);
}

static void conn_send(struct conn *c, int dir, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len) {
		uint32_t n = len > MSS ? MSS : (uint32_t)len;
		tcp_pkt(c, dir, ACK | PSH, p, n);
		p += n;
		len -= n;
	}
}

static void conn_close(struct conn *c)
{
	tcp_pkt(c, 0, FIN | ACK, NULL, 0);
	tcp_pkt(c, 1, FIN | ACK, NULL, 0);
	tcp_pkt(c, 0, ACK, NULL, 0);
}

/* ---- GOOD.pcap copies ---- */

static uint8_t *g_good;
static size_t g_good_len;
static int g_good_copies;

static void load_good(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 24) {
		fprintf(stderr, "gen_hostile: cannot read %s\n", path);
		exit(1);
	}
	rewind(f);
	g_good = malloc((size_t)n);
	if (!g_good || fread(g_good, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "gen_hostile: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	g_good_len = (size_t)n;
	if (g_good[0] != 0xd4 || g_good[1] != 0xc3 || g_good[20] != 1) {
		fprintf(stderr, "gen_hostile: %s: want a little-endian Ethernet pcap\n", path);
		exit(1);
	}
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* one copy of GOOD.pcap at the current time, its client port shifted:
   the client is the endpoint whose port is not the server's (the lower
   port in the first packet's pair is taken as the server's) */
static void mix_good(void)
{
	size_t off = 24;
	uint64_t first = 0;
	int have_first = 0;
	uint16_t server_port = 0;
	uint64_t base = g_ts_us;
	int shift = 1000 * ++g_good_copies;

	while (off + 16 <= g_good_len) {
		uint64_t ts = (uint64_t)get_le32(g_good + off) * 1000000 + get_le32(g_good + off + 4);
		uint32_t incl = get_le32(g_good + off + 8), orig = get_le32(g_good + off + 12);
		uint8_t pkt[65536];
		if (off + 16 + incl > g_good_len || incl > sizeof(pkt))
			break;
		memcpy(pkt, g_good + off + 16, incl);
		off += 16 + incl;
		if (!have_first) {
			first = ts;
			have_first = 1;
		}
		if (incl >= 54 && pkt[12] == 8 && pkt[13] == 0 && pkt[23] == 6) {
			uint8_t *tcp = pkt + 14 + (pkt[14] & 15) * 4;
			uint16_t sp = (uint16_t)(tcp[0] << 8 | tcp[1]), dp = (uint16_t)(tcp[2] << 8 | tcp[3]);
			if (!server_port) {
				server_port = sp < dp ? sp : dp;
				g_flows++;
			}
			if (sp != server_port)
				put_be16(tcp, (uint16_t)(sp + shift));
			if (dp != server_port)
				put_be16(tcp + 2, (uint16_t)(dp + shift));
		}
		(void)orig;
		g_ts_us = base + (ts - first);
		record(g_ts_us, pkt, incl);
	}
	g_ts_us += 1000;
}

/* ---- the cases ---- */

static const char *b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n) v |= in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

static const char resp401[] =
	"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n";

/* one connection: request, 401 answer, close */
static void one_exchange(uint32_t i, const char *req, size_t len)
{
	struct conn c;
	conn_init(&c, i, 80);
	conn_open(&c);
	conn_send(&c, 0, req, len);
	conn_send(&c, 1, resp401, strlen(resp401));
	conn_close(&c);
}

static void case_synflood(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct conn c;
		if (i == n / 2)
			mix_good();
		conn_init(&c, i + 1, 80);
		tcp_pkt(&c, 0, SYN, NULL, 0);
	}
}

static void case_halfopen(uint32_t n)
{
	static const char part[] = "GET /half-open HTTP/1.1\r\nHost: victim\r\nAuthorization: NTLM TlRMTVNTUAAB";
	for (uint32_t i = 0; i < n; i++) {
		struct conn c;
		if (i == n / 2)
			mix_good();
		conn_init(&c, i + 1, 80);
		/* SYN, SYN-ACK, then the partial request (it carries the ACK) */
		tcp_pkt(&c, 0, SYN, NULL, 0);
		tcp_pkt(&c, 1, SYN | ACK, NULL, 0);
		conn_send(&c, 0, part, strlen(part));
	}
}

static void case_overlap(void)
{
	static const char req[] = "GET /first-copy-wins HTTP/1.1\r\nHost: victim\r\n\r\n";
	char evil[sizeof(req)];
	struct conn c;
	uint32_t seq0;

	memcpy(evil, req, sizeof(req));
	memcpy(evil + 5, "SECOND-COPY-LOSE", 16);
	conn_init(&c, 1, 80);
	conn_open(&c);
	seq0 = c.seq[0];
	/* bytes 10.. first, then 0..end (overlaps 10.. with other bytes) */
	c.seq[0] = seq0 + 10;
	tcp_pkt(&c, 0, ACK | PSH, (const uint8_t *)req + 10, (uint32_t)strlen(req) - 10);
	c.seq[0] = seq0;
	tcp_pkt(&c, 0, ACK | PSH, (const uint8_t *)evil, (uint32_t)strlen(evil));
	conn_send(&c, 1, resp401, strlen(resp401));
	conn_close(&c);
}

static void case_bigreq(const char *head, const char *fill_name, size_t count,
			size_t fill_len)
{
	size_t cap = strlen(head) + count * (fill_len + 32) + 64, len;
	char *req = malloc(cap);
	if (!req)
		exit(1);
	len = (size_t)sprintf(req, "%s", head);
	for (size_t k = 0; k < count; k++) {
		len += (size_t)sprintf(req + len, "%s%zu: ", fill_name, count > 1 ? k : 0);
		memset(req + len, 'a', fill_len);
		len += fill_len;
		req[len++] = '\r';
		req[len++] = '\n';
	}
	len += (size_t)sprintf(req + len, "\r\n");
	one_exchange(1, req, len);
	free(req);
}

static void case_bigauth(void)
{
	size_t n = 65537, len;
	char *req = malloc(n + 256);
	if (!req)
		exit(1);
	len = (size_t)sprintf(req, "GET /bigauth HTTP/1.1\r\nHost: victim\r\nAuthorization: NTLM ");
	for (size_t k = 0; k < n; k++)
		req[len++] = b64[k % 64];
	len += (size_t)sprintf(req + len, "\r\n\r\n");
	one_exchange(1, req, len);
	free(req);
}

/* hand-built NTLMSSP messages whose security buffers point outside */
static void case_badntlm(void)
{
	uint8_t t1[40] = "NTLMSSP", t3[88] = "NTLMSSP";
	char b[256], req[512];
	int len;

	put_le32(t1 + 8, 1);
	put_le32(t1 + 12, 0x00003207);           /* domain + workstation supplied */
	/* domain: length 200 at offset 0xfffffff0 (past the end, wraps) */
	t1[16] = 200; t1[18] = 200; put_le32(t1 + 20, 0xfffffff0u);
	t1[24] = 8; t1[26] = 8; put_le32(t1 + 28, 36);  /* runs past 40 */
	b64_encode(t1, sizeof(t1), b);
	len = snprintf(req, sizeof(req), "GET /bad1 HTTP/1.1\r\nHost: victim\r\nAuthorization: NTLM %s\r\n\r\n", b);
	one_exchange(1, req, (size_t)len);

	put_le32(t3 + 8, 3);
	/* LM, NT, domain, user, workstation, session key: 6 buffers at 12.. */
	for (int k = 0; k < 6; k++) {
		uint8_t *sb = t3 + 12 + 8 * k;
		sb[0] = 0x40; sb[2] = 0x40;              /* 64 bytes */
		put_le32(sb + 4, k == 3 ? 0x7fffffffu : 80u + (uint32_t)k * 4);
	}
	put_le32(t3 + 60, 0xe2088215u);
	b64_encode(t3, sizeof(t3), b);
	len = snprintf(req, sizeof(req), "GET /bad3 HTTP/1.1\r\nHost: victim\r\nAuthorization: NTLM %s\r\n\r\n", b);
	one_exchange(2, req, (size_t)len);
}

/* DER is built back to front: prepend one byte */
static void push(uint8_t *der, size_t *start, uint8_t v)
{
	if (*start == 0)
		exit(1);
	der[--*start] = v;
}

static void case_pipeline(void)
{
	struct conn c;
	char req[128];
	conn_init(&c, 1, 80);
	conn_open(&c);
	for (int k = 0; k < 100; k++) {
		int len = snprintf(req, sizeof(req), "GET /pipe/%d HTTP/1.1\r\nHost: victim\r\n\r\n", k);
		conn_send(&c, 0, req, (size_t)len);
	}
	conn_close(&c);
}

static void case_pipeauth(uint32_t n)
{
	size_t vlen = 60000, cap = 2 * vlen + 256, len;
	char *req = malloc(cap);
	if (!req)
		exit(1);
	for (uint32_t i = 0; i < n; i++) {
		struct conn c;
		conn_init(&c, i + 1, 80);
		conn_open(&c);
		for (int k = 0; k < 40; k++) {
			len = (size_t)sprintf(req, "GET /pa HTTP/1.1\r\nHost: victim\r\nAuthorization: Basic ");
			for (size_t j = 0; j < vlen; j++)
				req[len++] = b64[(j + i) % 64];
			len += (size_t)sprintf(req + len, "\r\nProxy-Authorization: Basic ");
			for (size_t j = 0; j < vlen; j++)
				req[len++] = b64[(j + k) % 64];
			len += (size_t)sprintf(req + len, "\r\n\r\n");
			conn_send(&c, 0, req, len);
		}
	}
	free(req);
}

static void case_bignames(uint32_t n)
{
	static const char ok200[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	size_t fl = 15000, mlen = 64 + 3 * fl, len;
	uint8_t *m = calloc(1, mlen);
	char *b = malloc(mlen * 4 / 3 + 8), *req = malloc(mlen * 4 / 3 + 256);
	if (!m || !b || !req)
		exit(1);
	memcpy(m, "NTLMSSP", 8);
	put_le32(m + 8, 3);
	/* LM, NT empty at 64; domain, user, workstation 15,000 bytes each */
	for (int k = 0; k < 6; k++) {
		uint8_t *sb = m + 12 + 8 * k;
		uint32_t l = (k >= 2 && k <= 4) ? (uint32_t)fl : 0;
		uint32_t off = 64 + (k >= 2 && k <= 4 ? (uint32_t)((k - 2) * fl) : 0);
		sb[0] = (uint8_t)l; sb[1] = (uint8_t)(l >> 8);
		sb[2] = sb[0]; sb[3] = sb[1];
		put_le32(sb + 4, off);
	}
	put_le32(m + 60, 0xe2088215u);       /* UNICODE among them */
	for (size_t j = 64; j + 1 < mlen; j += 2) {
		m[j] = 0x00;
		m[j + 1] = 0x4e;              /* U+4E00 */
	}
	b64_encode(m, mlen, b);
	for (uint32_t i = 0; i < n; i++) {
		struct conn c;
		conn_init(&c, i + 1, 80);
		conn_open(&c);
		len = (size_t)sprintf(req, "GET /bignames HTTP/1.1\r\nHost: victim\r\nAuthorization: NTLM %s\r\n\r\n", b);
		conn_send(&c, 0, req, len);
		/* answered and kept alive: the identity stays with the connection */
		conn_send(&c, 1, ok200, strlen(ok200));
	}
	free(m);
	free(b);
	free(req);
}

static void case_ooo(void)
{
	static const char req[] = "GET /ooo HTTP/1.1\r\nHost: victim\r\nX-Pad: ";
	size_t n = 2u << 20;
	uint8_t *body = malloc(n);
	struct conn c;
	if (!body)
		exit(1);
	memset(body, 'o', n);
	conn_init(&c, 1, 80);
	conn_open(&c);
	c.seq[0] += (uint32_t)strlen(req);          /* the request line never comes */
	conn_send(&c, 0, body, n);
	conn_close(&c);
	free(body);
}

/* prepend a DER length for the inner bytes from start to cap */
static void push_len(uint8_t *der, size_t *start, size_t inner)
{
	push(der, start, (uint8_t)inner);
	if (inner < 128)
		return;
	push(der, start, (uint8_t)(inner >> 8));
	if (inner < 65536) {
		push(der, start, 0x82);
		return;
	}
	push(der, start, (uint8_t)(inner >> 16));
	push(der, start, 0x83);
}

/* GSS InitialContextToken (SPNEGO OID) around [0] nested 10,000 deep:
   well-formed lengths, so only the depth limit can stop it */
static void case_deepspnego(void)
{
	static const uint8_t spnego_oid[] = { 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
	size_t depth = 10000, cap = depth * 6 + 32, start = cap;
	uint8_t *der = malloc(cap + 1);   /* +1: quiets -Warray-bounds under -fsanitize */
	char *b, *req;
	size_t len;

	if (!der)
		exit(1);
	/* innermost: OCTET STRING, empty; then [0] constructed around it */
	push(der, &start, 0);
	push(der, &start, 0x04);
	for (size_t k = 0; k < depth; k++) {
		push_len(der, &start, cap - start);
		push(der, &start, 0xa0);
	}
	for (size_t k = sizeof(spnego_oid); k > 0; k--)
		push(der, &start, spnego_oid[k - 1]);
	push_len(der, &start, cap - start);
	push(der, &start, 0x60);
	b = malloc((cap - start) * 4 / 3 + 8);
	req = malloc((cap - start) * 4 / 3 + 256);
	if (!b || !req)
		exit(1);
	b64_encode(der + start, cap - start, b);
	len = (size_t)sprintf(req, "GET /deep HTTP/1.1\r\nHost: victim\r\nAuthorization: Negotiate %s\r\n\r\n", b);
	one_exchange(1, req, len);
	free(der);
	free(b);
	free(req);
}

int main(int argc, char **argv)
{
	const char *cs;
	uint32_t n;
	long cut_at = -1;

	if (argc != 5) {
		fprintf(stderr, "usage: gen_hostile CASE OUT.pcap N GOOD.pcap\n");
		return 2;
	}
	cs = argv[1];
	n = (uint32_t)strtoul(argv[3], NULL, 10);
	load_good(argv[4]);
	g_out = fopen(argv[2], "wb");
	if (!g_out) {
		perror(argv[2]);
		return 1;
	}
	if (!strcmp(cs, "snaplen"))
		g_snaplen = 96;
	file_header();
	mix_good();
	if (!strcmp(cs, "synflood")) case_synflood(n);
	else if (!strcmp(cs, "halfopen")) case_halfopen(n);
	else if (!strcmp(cs, "overlap")) case_overlap();
	else if (!strcmp(cs, "longline"))
		case_bigreq("GET /longline HTTP/1.1\r\nHost: victim\r\n", "X-Long", 1, 1u << 20);
	else if (!strcmp(cs, "manyhdrs"))
		case_bigreq("GET /manyhdrs HTTP/1.1\r\nHost: victim\r\n", "X-H", 10000, 4);
	else if (!strcmp(cs, "bigauth")) case_bigauth();
	else if (!strcmp(cs, "badntlm")) case_badntlm();
	else if (!strcmp(cs, "pipeline")) case_pipeline();
	else if (!strcmp(cs, "ooo")) case_ooo();
	else if (!strcmp(cs, "pipeauth")) case_pipeauth(n);
	else if (!strcmp(cs, "bignames")) case_bignames(n);
	else if (!strcmp(cs, "deepspnego")) case_deepspnego();
	else if (!strcmp(cs, "snaplen") || !strcmp(cs, "cut")) mix_good();
	else {
		fprintf(stderr, "gen_hostile: unknown case %s\n", cs);
		return 2;
	}
	mix_good();
	if (!strcmp(cs, "cut")) {
		/* a last record, cut after 20 of its 54 bytes */
		static const uint8_t junk[54] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0, 0x45 };
		g_ts_us += 1000;
		fflush(g_out);
		cut_at = ftell(g_out);
		uint8_t h[16];
		put_le32(h, (uint32_t)(g_ts_us / 1000000));
		put_le32(h + 4, (uint32_t)(g_ts_us % 1000000));
		put_le32(h + 8, 54);
		put_le32(h + 12, 54);
		xwrite(h, 16);
		xwrite(junk, 20);
	}
	if (fclose(g_out) != 0) {
		perror(argv[2]);
		return 1;
	}
	printf("packets=%llu flows=%llu", (unsigned long long)g_packets, (unsigned long long)g_flows);
	if (cut_at >= 0)
		printf(" cut_offset=%ld", cut_at);
	printf("\n");
	free(g_good);
	return 0;
}
