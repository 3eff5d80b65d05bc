/*
 * gencorpus.c - a messy synthetic pcap with a ground-truth table.
 *
 *   gencorpus -n FLOWS -s SEED -o out.pcap [-t truth.tsv] [-B MAX_BODY_BYTES]
 *
 * Writes N interleaved flows (Ethernet, IPv4/IPv6, 802.1Q/QinQ, TCP, plus
 * UDP and ARP noise) and one truth row per HTTP transaction; see
 * tests/gen/README.md for the scenarios and the exact meaning of each
 * truth column.  The same seed always gives the same bytes.
 *
 * Everything NTLMSSP / SPNEGO in here is HAND-BUILT and SYNTHETIC: the
 * message layouts follow MS-NLMP 2.2.1 and RFC 4178 / MS-SPNG, but every
 * challenge, response, MIC and session key is random bytes.  Nothing here
 * could authenticate anywhere; the corpus only exercises structure.
 *
 * Only libc: the pcap format, Ethernet/IP/TCP headers, checksums, base64,
 * DER and UTF-16LE are all written out below.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 2024-03-04 09:00:00 UTC: the capture's first flow starts here */
#define BASE_US (1709542800ULL * 1000000ULL)
#define NCLIENTS 2000
#define FRAME_MAX 4096

static void die(const char *what)
{
	fprintf(stderr, "gencorpus: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---------------------------------------------------------------- PRNG */

/* splitmix64: tiny, fast, and a seed fully names a corpus */
struct rng {
	uint64_t s;
};

static uint64_t rng_u64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_u64(r) % n) : 0;
}

static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static bool rng_pct(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

static void rng_fill(struct rng *r, uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = rng_u64(r);
		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = rng_u64(r);
		memcpy(p, &v, n);
	}
}

#define PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ------------------------------------------------------------- buffers */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t c = b->cap ? b->cap : 256;
	while (c < b->len + n)
		c *= 2;
	uint8_t *np = realloc(b->p, c);
	if (!np)
		die("realloc");
	b->p = np;
	b->cap = c;
}

static uint8_t *buf_grow(struct buf *b, size_t n)
{
	buf_reserve(b, n);
	uint8_t *at = b->p + b->len;
	b->len += n;
	return at;
}

static void buf_put(struct buf *b, const void *d, size_t n)
{
	if (n)
		memcpy(buf_grow(b, n), d, n);
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void buf_u8(struct buf *b, unsigned v)
{
	*buf_grow(b, 1) = (uint8_t)v;
}

static void buf_le16(struct buf *b, unsigned v)
{
	uint8_t *p = buf_grow(b, 2);
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void buf_le32(struct buf *b, uint32_t v)
{
	uint8_t *p = buf_grow(b, 4);
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void buf_rand(struct buf *b, struct rng *r, size_t n)
{
	rng_fill(r, buf_grow(b, n), n);
}

__attribute__((format(printf, 2, 3)))
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf");
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static void set_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void set_le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void set_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void set_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* ------------------------------------------------ base64, UTF-16, DER */

static void b64_append(struct buf *out, const uint8_t *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		buf_u8(out, tab[(v >> 18) & 63]);
		buf_u8(out, tab[(v >> 12) & 63]);
		buf_u8(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		buf_u8(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* UTF-8 (BMP only, which is all the name tables hold) to UTF-16LE */
static void utf16le_append(struct buf *b, const char *s)
{
	const uint8_t *u = (const uint8_t *)s;
	while (*u) {
		unsigned cp;
		if (u[0] < 0x80) {
			cp = u[0];
			u += 1;
		} else if ((u[0] & 0xe0) == 0xc0 && u[1]) {
			cp = ((u[0] & 0x1fu) << 6) | (u[1] & 0x3fu);
			u += 2;
		} else if ((u[0] & 0xf0) == 0xe0 && u[1] && u[2]) {
			cp = ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);
			u += 3;
		} else {
			fprintf(stderr, "gencorpus: bad UTF-8 in name table\n");
			exit(1);
		}
		buf_le16(b, cp);
	}
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Prefix the buffer's content with a DER tag and definite length. */
static void der_wrap(struct buf *b, uint8_t tag)
{
	uint8_t hdr[4];
	size_t h = 0, n = b->len;
	hdr[h++] = tag;
	if (n < 0x80) {
		hdr[h++] = (uint8_t)n;
	} else if (n < 0x100) {
		hdr[h++] = 0x81;
		hdr[h++] = (uint8_t)n;
	} else {
		hdr[h++] = 0x82;
		hdr[h++] = (uint8_t)(n >> 8);
		hdr[h++] = (uint8_t)n;
	}
	buf_reserve(b, h);
	memmove(b->p + h, b->p, n);
	memcpy(b->p, hdr, h);
	b->len += h;
}

static const uint8_t OID_SPNEGO[] = { 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t OID_NTLMSSP[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
				       0x82, 0x37, 0x02, 0x02, 0x0a };
static const uint8_t OID_MS_KRB5[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7,
				       0x12, 0x01, 0x02, 0x02 };
static const uint8_t OID_KRB5[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
				    0x12, 0x01, 0x02, 0x02 };

/*
 * SPNEGO InitialContextToken carrying a NegTokenInit whose mechTypes start
 * with NTLMSSP and whose mechToken is the NTLM Type 1 (hand-built).
 */
static void spnego_init(struct buf *out, const struct buf *ntlm, struct rng *r)
{
	struct buf mech = { 0 }, tok = { 0 }, seq = { 0 };
	buf_put(&mech, OID_NTLMSSP, sizeof(OID_NTLMSSP));
	if (rng_pct(r, 30)) {
		buf_put(&mech, OID_MS_KRB5, sizeof(OID_MS_KRB5));
		buf_put(&mech, OID_KRB5, sizeof(OID_KRB5));
	}
	der_wrap(&mech, 0x30);
	der_wrap(&mech, 0xa0);                  /* [0] mechTypes */
	buf_put(&tok, ntlm->p, ntlm->len);
	der_wrap(&tok, 0x04);
	der_wrap(&tok, 0xa2);                   /* [2] mechToken */
	buf_put(&seq, mech.p, mech.len);
	buf_put(&seq, tok.p, tok.len);
	der_wrap(&seq, 0x30);
	der_wrap(&seq, 0xa0);                   /* negTokenInit */
	out->len = 0;
	buf_put(out, OID_SPNEGO, sizeof(OID_SPNEGO));
	buf_put(out, seq.p, seq.len);
	der_wrap(out, 0x60);                    /* [APPLICATION 0] */
	buf_free(&mech);
	buf_free(&tok);
	buf_free(&seq);
}

/*
 * NegTokenResp: negState (-1 = absent; 0 accept-completed, 1
 * accept-incomplete, 2 reject), optional supportedMech, optional
 * responseToken, optional (random) mechListMIC.
 */
static void spnego_resp(struct buf *out, int neg_state, bool mech,
			const struct buf *tok, bool mic, struct rng *r)
{
	struct buf part = { 0 };
	out->len = 0;
	if (neg_state >= 0) {
		part.len = 0;
		buf_u8(&part, 0x0a);
		buf_u8(&part, 0x01);
		buf_u8(&part, (unsigned)neg_state);
		der_wrap(&part, 0xa0);
		buf_put(out, part.p, part.len);
	}
	if (mech) {
		part.len = 0;
		buf_put(&part, OID_NTLMSSP, sizeof(OID_NTLMSSP));
		der_wrap(&part, 0xa1);
		buf_put(out, part.p, part.len);
	}
	if (tok) {
		part.len = 0;
		buf_put(&part, tok->p, tok->len);
		der_wrap(&part, 0x04);
		der_wrap(&part, 0xa2);
		buf_put(out, part.p, part.len);
	}
	if (mic) {
		part.len = 0;
		buf_rand(&part, r, 16);
		der_wrap(&part, 0x04);
		der_wrap(&part, 0xa3);
		buf_put(out, part.p, part.len);
	}
	der_wrap(out, 0x30);
	der_wrap(out, 0xa1);                    /* negTokenResp */
	buf_free(&part);
}

/* ------------------------------------------------------------ NTLMSSP */

#define NF_UNICODE      0x00000001u
#define NF_OEM          0x00000002u
#define NF_REQ_TARGET   0x00000004u
#define NF_NTLM         0x00000200u
#define NF_ANONYMOUS    0x00000800u
#define NF_OEM_DOMAIN   0x00001000u
#define NF_OEM_WS       0x00002000u
#define NF_ALWAYS_SIGN  0x00008000u
#define NF_TT_DOMAIN    0x00010000u
#define NF_ESS          0x00080000u
#define NF_TARGET_INFO  0x00800000u
#define NF_VERSION      0x02000000u
#define NF_128          0x20000000u
#define NF_KEY_EXCH     0x40000000u
#define NF_56           0x80000000u

enum ntlm_kind { NK_V2, NK_V1, NK_V1_ESS, NK_ANON };

struct ntlm_id {
	const char *user, *domain, *ws;   /* UTF-8; "" = empty field */
	enum ntlm_kind kind;
	bool unicode;                     /* else OEM (ASCII names only) */
};

static const char *const PTYPE[] = { "NTLMv2", "NTLMv1", "NTLMv1", "No-Password" };

static void ntlm_header(struct buf *m, uint32_t type)
{
	buf_put(m, "NTLMSSP", 8);               /* includes the NUL */
	buf_le32(m, type);
}

/* A (len, maxlen, offset) triple at field_at, pointing at data appended now. */
static void ntlm_payload(struct buf *m, size_t field_at, const void *d, size_t n)
{
	size_t off = m->len;
	buf_put(m, d, n);
	set_le16(m->p + field_at, (unsigned)n);
	set_le16(m->p + field_at + 2, (unsigned)n);
	set_le32(m->p + field_at + 4, (uint32_t)off);
}

static void ntlm_string(struct buf *m, size_t field_at, const char *s, bool unicode)
{
	struct buf t = { 0 };
	if (unicode)
		utf16le_append(&t, s);
	else
		buf_puts(&t, s);
	ntlm_payload(m, field_at, t.p, t.len);
	buf_free(&t);
}

static void ntlm_version(struct buf *m)
{
	buf_u8(m, 10);                          /* Windows 10.0 build 19041 */
	buf_u8(m, 0);
	buf_le16(m, 19041);
	buf_u8(m, 0);
	buf_u8(m, 0);
	buf_u8(m, 0);
	buf_u8(m, 0x0f);                        /* NTLMSSP_REVISION_W2K3 */
}

static uint32_t ntlm_type1(struct buf *m, const struct ntlm_id *id, struct rng *r)
{
	uint32_t fl = NF_REQ_TARGET | NF_NTLM | NF_ALWAYS_SIGN | NF_128 | NF_56 | NF_OEM;
	if (id->unicode)
		fl |= NF_UNICODE;
	if (id->kind != NK_V1)
		fl |= NF_ESS;
	if (id->kind == NK_V2)
		fl |= NF_KEY_EXCH | NF_VERSION | NF_TARGET_INFO;
	bool supply = rng_pct(r, 30) && is_ascii(id->domain) && is_ascii(id->ws) &&
		      id->domain[0] && id->ws[0];
	if (supply)
		fl |= NF_OEM_DOMAIN | NF_OEM_WS;
	m->len = 0;
	ntlm_header(m, 1);
	buf_le32(m, fl);
	buf_put(m, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);   /* domain, ws fields */
	if (fl & NF_VERSION)
		ntlm_version(m);
	if (supply) {
		/* Type 1 names are always OEM (MS-NLMP 2.2.1.1) */
		ntlm_string(m, 16, id->domain, false);
		ntlm_string(m, 24, id->ws, false);
	} else {
		set_le32(m->p + 20, (uint32_t)m->len);
		set_le32(m->p + 28, (uint32_t)m->len);
	}
	return fl;
}

struct server_id {
	const char *nb_domain, *nb_computer, *dns_domain, *dns_computer;
};

static void av_pair(struct buf *b, unsigned id, const char *s)
{
	struct buf t = { 0 };
	utf16le_append(&t, s);
	buf_le16(b, id);
	buf_le16(b, (unsigned)t.len);
	buf_put(b, t.p, t.len);
	buf_free(&t);
}

static void target_info(struct buf *ti, const struct server_id *s, struct rng *r, bool client)
{
	av_pair(ti, 2, s->nb_domain);
	av_pair(ti, 1, s->nb_computer);
	av_pair(ti, 4, s->dns_domain);
	av_pair(ti, 3, s->dns_computer);
	buf_le16(ti, 7);                        /* MsvAvTimestamp */
	buf_le16(ti, 8);
	buf_rand(ti, r, 8);
	if (client) {
		buf_le16(ti, 6);                /* MsvAvFlags: MIC present */
		buf_le16(ti, 4);
		buf_le32(ti, 2);
		char spn[160];
		snprintf(spn, sizeof(spn), "HTTP/%s", s->dns_computer);
		av_pair(ti, 9, spn);            /* MsvAvTargetName */
	}
	buf_le32(ti, 0);                        /* MsvAvEOL */
}

static uint32_t ntlm_type2(struct buf *m, uint32_t cfl, const struct server_id *s,
			   struct rng *r)
{
	uint32_t fl = NF_REQ_TARGET | NF_NTLM | NF_ALWAYS_SIGN | NF_TT_DOMAIN |
		      NF_TARGET_INFO | NF_VERSION | NF_128 | NF_56;
	fl |= (cfl & NF_UNICODE) ? NF_UNICODE : NF_OEM;
	fl |= cfl & (NF_ESS | NF_KEY_EXCH);
	struct buf ti = { 0 };
	m->len = 0;
	ntlm_header(m, 2);
	buf_put(m, "\0\0\0\0\0\0\0\0", 8);      /* TargetNameFields @12 */
	buf_le32(m, fl);                        /* @20 */
	buf_rand(m, r, 8);                      /* ServerChallenge @24 */
	buf_put(m, "\0\0\0\0\0\0\0\0", 8);      /* Reserved @32 */
	buf_put(m, "\0\0\0\0\0\0\0\0", 8);      /* TargetInfoFields @40 */
	ntlm_version(m);                        /* @48, payload from 56 */
	ntlm_string(m, 12, s->nb_domain, (fl & NF_UNICODE) != 0);
	target_info(&ti, s, r, false);
	ntlm_payload(m, 40, ti.p, ti.len);
	buf_free(&ti);
	return fl;
}

static void ntlm_type3(struct buf *m, const struct ntlm_id *id, uint32_t sfl,
		       const struct server_id *s, struct rng *r)
{
	uint32_t fl = sfl & ~(NF_TT_DOMAIN | NF_TARGET_INFO | NF_REQ_TARGET);
	fl &= ~(NF_UNICODE | NF_OEM);
	fl |= id->unicode ? NF_UNICODE : NF_OEM;
	if (id->kind == NK_ANON)
		fl |= NF_ANONYMOUS;
	if (id->kind == NK_V2)
		fl |= NF_VERSION | NF_TARGET_INFO;
	/* v2: Version + MIC (88-byte header); v1: the old 64-byte header, or 72 with Version */
	bool ver = id->kind == NK_V2 || rng_pct(r, 50);
	if (ver)
		fl |= NF_VERSION;
	else
		fl &= ~NF_VERSION;

	struct buf lm = { 0 }, nt = { 0 };
	switch (id->kind) {
	case NK_V2:
		buf_rand(&lm, r, 24);           /* LMv2 */
		buf_rand(&nt, r, 16);           /* NTProofStr */
		buf_u8(&nt, 1);                 /* RespType */
		buf_u8(&nt, 1);                 /* HiRespType */
		buf_put(&nt, "\0\0\0\0\0\0", 6);
		buf_rand(&nt, r, 8);            /* TimeStamp */
		buf_rand(&nt, r, 8);            /* ChallengeFromClient */
		buf_put(&nt, "\0\0\0\0", 4);
		target_info(&nt, s, r, true);
		buf_put(&nt, "\0\0\0\0", 4);
		break;
	case NK_V1:
		buf_rand(&lm, r, 24);
		buf_rand(&nt, r, 24);
		break;
	case NK_V1_ESS:
		buf_rand(&lm, r, 8);            /* client challenge + Z(16) */
		buf_put(&lm, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
		buf_rand(&nt, r, 24);
		break;
	case NK_ANON:
		if (rng_pct(r, 70))
			buf_u8(&lm, 0);         /* LmChallengeResponse = Z(1) */
		break;
	}

	m->len = 0;
	ntlm_header(m, 3);
	buf_grow(m, 48);                        /* 6 (len,max,off) fields @12..59 */
	memset(m->p + 12, 0, 48);
	buf_le32(m, fl);                        /* @60 */
	if (ver)
		ntlm_version(m);                /* @64 */
	if (id->kind == NK_V2)
		buf_rand(m, r, 16);             /* MIC @72, payload from 88 */

	uint8_t key[16];
	rng_fill(r, key, sizeof(key));
	size_t keylen = (fl & NF_KEY_EXCH) && id->kind != NK_ANON ? 16 : 0;
	bool u = id->unicode;
	/* Windows' payload order; anonymous messages always (nobody else sends them) */
	if (id->kind == NK_ANON || rng_pct(r, 70)) {
		ntlm_string(m, 28, id->domain, u);
		ntlm_string(m, 36, id->user, u);
		ntlm_string(m, 44, id->ws, u);
		ntlm_payload(m, 12, lm.p, lm.len);
		ntlm_payload(m, 20, nt.p, nt.len);
		ntlm_payload(m, 52, key, keylen);
	} else {                                /* responses first, as curl does */
		ntlm_payload(m, 12, lm.p, lm.len);
		ntlm_payload(m, 20, nt.p, nt.len);
		ntlm_string(m, 28, id->domain, u);
		ntlm_string(m, 36, id->user, u);
		ntlm_string(m, 44, id->ws, u);
		ntlm_payload(m, 52, key, keylen);
	}
	buf_free(&lm);
	buf_free(&nt);
}

/* ------------------------------------------------------ flows, packets */

enum { C2S = 0, S2C = 1 };
enum { PK_TCP, PK_UDP, PK_ARP };

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

struct pkt {
	uint64_t t_us;                  /* from the flow's start */
	uint32_t seq, ack, off, len;    /* off/len: bytes of stream[dir] */
	uint8_t dir, flags, kind, syn_opt;
};

struct range {
	uint32_t off, len;
};

struct flow {
	int family;                     /* 4 or 6 */
	uint8_t ip[2][16];              /* [C2S] client, [S2C] server */
	uint16_t port[2];
	uint8_t mac[2][6];
	uint16_t vlan_outer, vlan;      /* 0 = no tag */
	uint32_t isn[2];
	uint32_t rcv_next[2];           /* bytes of stream[d] its peer holds in order */
	uint8_t fin_seen[2];
	uint16_t mss[2];
	uint16_t ipid[2];
	uint8_t ttl[2];
	struct buf stream[2];           /* every byte each side sends */
	struct range held[2][16];       /* out-of-order bytes the peer holds */
	int nheld[2];
	struct pkt *pk;
	size_t npk, cappk, next;
	uint64_t t;                     /* generation cursor, µs from start */
	uint64_t t0;                    /* absolute start, µs since the epoch */
	int tx;                         /* next tx_index */
	bool midstream;                 /* no handshake in the capture */
	/* for the truth's time columns: the current request's first data
	   packet and the last server data packet, µs from t0 */
	uint64_t req_t, resp_t;
	bool req_fresh;                 /* req_t is the current request's */
	char ipstr[2][INET6_ADDRSTRLEN];
};

struct gen {
	struct rng r;
	FILE *truth;
	size_t max_body_bytes;
	uint16_t next_port[2][NCLIENTS];        /* [v4/v6][client] */
	struct range *segs;
	size_t nsegs, capsegs;
	uint32_t *order;
	size_t caporder;
};

static struct pkt *pkt_add(struct gen *g, struct flow *f, int dir, int kind)
{
	if (f->npk == f->cappk) {
		f->cappk = f->cappk ? f->cappk * 2 : 64;
		struct pkt *np = realloc(f->pk, f->cappk * sizeof(*np));
		if (!np)
			die("realloc");
		f->pk = np;
	}
	struct pkt *p = &f->pk[f->npk++];
	memset(p, 0, sizeof(*p));
	p->t_us = f->t;
	p->dir = (uint8_t)dir;
	p->kind = (uint8_t)kind;
	f->t += rng_range(&g->r, 4, 180);       /* serialisation + jitter */
	return p;
}

static uint32_t ack_for(const struct flow *f, int dir)
{
	int o = !dir;
	return f->isn[o] + 1 + f->rcv_next[o] + f->fin_seen[o];
}

/* The peer of dir receives [off, off+len) of stream[dir]. */
static void rcv_update(struct flow *f, int dir, uint32_t off, uint32_t len)
{
	uint32_t end = off + len;
	if (off > f->rcv_next[dir]) {
		if (f->nheld[dir] < 16)
			f->held[dir][f->nheld[dir]++] = (struct range){ off, len };
		return;
	}
	if (end > f->rcv_next[dir])
		f->rcv_next[dir] = end;
	for (bool again = true; again;) {
		again = false;
		for (int i = 0; i < f->nheld[dir]; i++) {
			struct range h = f->held[dir][i];
			if (h.off > f->rcv_next[dir])
				continue;
			if (h.off + h.len > f->rcv_next[dir])
				f->rcv_next[dir] = h.off + h.len;
			f->held[dir][i] = f->held[dir][--f->nheld[dir]];
			again = true;
			break;
		}
	}
}

static void tcp_data(struct gen *g, struct flow *f, int dir, uint32_t off, uint32_t len,
		     uint8_t flags)
{
	struct pkt *p = pkt_add(g, f, dir, PK_TCP);
	p->seq = f->isn[dir] + 1 + off;
	p->ack = ack_for(f, dir);
	p->off = off;
	p->len = len;
	p->flags = flags;
	rcv_update(f, dir, off, len);
	if (len && dir == C2S && !f->req_fresh) {
		f->req_t = p->t_us;
		f->req_fresh = true;
	} else if (len && dir == S2C) {
		f->resp_t = p->t_us;
	}
}

static void tcp_ack(struct gen *g, struct flow *f, int dir)
{
	struct pkt *p = pkt_add(g, f, dir, PK_TCP);
	p->seq = f->isn[dir] + 1 + f->stream[dir].len + f->fin_seen[dir];
	p->ack = ack_for(f, dir);
	p->flags = TH_ACK;
}

static void seg_push(struct gen *g, uint32_t off, uint32_t len)
{
	if (g->nsegs == g->capsegs) {
		g->capsegs = g->capsegs ? g->capsegs * 2 : 256;
		g->segs = realloc(g->segs, g->capsegs * sizeof(*g->segs));
		g->order = realloc(g->order, g->capsegs * sizeof(*g->order));
		if (!g->segs || !g->order)
			die("realloc");
	}
	g->segs[g->nsegs++] = (struct range){ off, len };
}

/*
 * Send n bytes from dir as TCP segments: MSS-sized, with the header block
 * (its first hdr_len bytes) sometimes cut at a random byte or trickled in
 * tiny pieces, a few segments swapped within a window of 3, a few
 * retransmitted (whole, or repacketised with their predecessor), and the
 * peer's ACKs, including duplicate ACKs while it holds out-of-order data.
 */
static void send_bytes(struct gen *g, struct flow *f, int dir, const uint8_t *data,
		       size_t n, size_t hdr_len)
{
	struct rng *r = &g->r;
	if (!n)
		return;
	uint32_t base = (uint32_t)f->stream[dir].len;
	buf_put(&f->stream[dir], data, n);
	uint32_t mss = f->mss[dir], pos = 0;
	g->nsegs = 0;
	if (hdr_len > 1 && rng_pct(r, 35)) {
		uint32_t cut = rng_range(r, 1, (uint32_t)hdr_len - 1);
		if (cut > mss)
			cut = mss;
		seg_push(g, base, cut);
		pos = cut;
	}
	if (pos < hdr_len && rng_pct(r, 4)) {
		while (pos < hdr_len) {
			uint32_t l = rng_range(r, 1, 16);
			if (l > hdr_len - pos)
				l = (uint32_t)hdr_len - pos;
			seg_push(g, base + pos, l);
			pos += l;
		}
	}
	while (pos < n) {
		uint32_t l = rng_pct(r, 8) ? rng_range(r, 1, mss) : mss;
		if (l > n - pos)
			l = (uint32_t)(n - pos);
		seg_push(g, base + pos, l);
		pos += l;
	}
	for (size_t i = 0; i < g->nsegs; i++)
		g->order[i] = (uint32_t)i;
	/*
	 * With no SYN seen, a direction starts where its first packet says:
	 * that first packet must be the first in sequence, or the bytes before
	 * it are unknowable to any observer (so to the truth).
	 */
	size_t first_swap = f->midstream && base == 0 ? 1 : 0;
	for (size_t i = first_swap; i + 1 < g->nsegs; i++) {
		if (!rng_pct(r, 3))
			continue;
		size_t room = g->nsegs - 1 - i, k = rng_range(r, 1, room < 3 ? (uint32_t)room : 3);
		uint32_t tmp = g->order[i];
		g->order[i] = g->order[i + k];
		g->order[i + k] = tmp;
		i += k;
	}
	int since_ack = 0;
	uint32_t end = base + (uint32_t)n;
	for (size_t j = 0; j < g->nsegs; j++) {
		struct range s = g->segs[g->order[j]];
		uint8_t fl = TH_ACK | (s.off + s.len == end ? TH_PSH : 0);
		tcp_data(g, f, dir, s.off, s.len, fl);
		if (rng_pct(r, 3)) {
			/* retransmit: the same segment, both with its predecessor, or
			 * an overlap of their halves (same bytes, new boundaries) */
			struct range prev = j ? g->segs[g->order[j - 1]] : s;
			bool joint = j && prev.off + prev.len == s.off && prev.len + s.len <= mss;
			uint32_t how = rng_below(r, 3);
			if (joint && how == 1)
				tcp_data(g, f, dir, prev.off, prev.len + s.len, fl);
			else if (joint && how == 2 && prev.len > 1 && s.len > 1)
				tcp_data(g, f, dir, prev.off + prev.len / 2,
					 prev.len - prev.len / 2 + s.len / 2, TH_ACK);
			else
				tcp_data(g, f, dir, s.off, s.len, fl);
		}
		if (f->nheld[dir] > 0 || ++since_ack >= 2 || j + 1 == g->nsegs) {
			tcp_ack(g, f, !dir);
			since_ack = 0;
		}
		if (rng_pct(r, 1))
			tcp_ack(g, f, !dir);    /* a stray duplicate ACK */
	}
}

static void send_buf(struct gen *g, struct flow *f, int dir, const struct buf *b, size_t hdr_len)
{
	send_bytes(g, f, dir, b->p, b->len, hdr_len);
}

static void think(struct gen *g, struct flow *f, uint32_t lo_us, uint32_t hi_us)
{
	f->t += rng_range(&g->r, lo_us, hi_us);
}

static void tcp_open(struct gen *g, struct flow *f)
{
	struct rng *r = &g->r;
	f->isn[C2S] = (uint32_t)rng_u64(r);
	f->isn[S2C] = (uint32_t)rng_u64(r);
	f->mss[C2S] = (uint16_t)rng_range(r, 536, 1460);
	f->mss[S2C] = (uint16_t)rng_range(r, 536, 1460);
	if (rng_pct(r, 10)) {
		f->midstream = true;            /* picked up mid-stream: no SYN */
		return;
	}
	int syns = rng_pct(r, 3) ? 2 : 1;       /* a retransmitted SYN */
	for (int i = 0; i < syns; i++) {
		struct pkt *p = pkt_add(g, f, C2S, PK_TCP);
		p->seq = f->isn[C2S];
		p->flags = TH_SYN;
		p->syn_opt = 1;
		if (i + 1 < syns)
			think(g, f, 1000, 3000);
	}
	think(g, f, 200, 40000);
	struct pkt *p = pkt_add(g, f, S2C, PK_TCP);
	p->seq = f->isn[S2C];
	p->ack = f->isn[C2S] + 1;
	p->flags = TH_SYN | TH_ACK;
	p->syn_opt = 1;
	think(g, f, 200, 40000);
	p = pkt_add(g, f, C2S, PK_TCP);
	p->seq = f->isn[C2S] + 1;
	p->ack = f->isn[S2C] + 1;
	p->flags = TH_ACK;
	think(g, f, 10, 2000);
}

static void tcp_fin(struct gen *g, struct flow *f, int dir)
{
	struct pkt *p = pkt_add(g, f, dir, PK_TCP);
	p->seq = f->isn[dir] + 1 + f->stream[dir].len;
	p->ack = ack_for(f, dir);
	p->flags = TH_FIN | TH_ACK;
	f->fin_seen[dir] = 1;
}

enum close_how { CL_CLIENT_FIN, CL_SERVER_FIN, CL_CLIENT_RST, CL_SERVER_RST, CL_NONE, CL_RANDOM };

static void tcp_close(struct gen *g, struct flow *f, enum close_how how)
{
	if (how == CL_RANDOM) {
		uint32_t p = rng_below(&g->r, 100);
		how = p < 45 ? CL_CLIENT_FIN : p < 70 ? CL_SERVER_FIN : p < 82 ? CL_CLIENT_RST :
		      p < 94 ? CL_SERVER_RST : CL_NONE;
	}
	think(g, f, 100, 200000);
	int d = (how == CL_CLIENT_FIN || how == CL_CLIENT_RST) ? C2S : S2C;
	if (how == CL_CLIENT_FIN || how == CL_SERVER_FIN) {
		tcp_fin(g, f, d);
		think(g, f, 100, 20000);
		tcp_ack(g, f, !d);
		tcp_fin(g, f, !d);
		think(g, f, 100, 20000);
		tcp_ack(g, f, d);
	} else if (how == CL_CLIENT_RST || how == CL_SERVER_RST) {
		struct pkt *p = pkt_add(g, f, d, PK_TCP);
		p->seq = f->isn[d] + 1 + f->stream[d].len;
		p->ack = ack_for(f, d);
		p->flags = TH_RST | TH_ACK;
	}
}

/* ---------------------------------------------------------- addresses */

enum srv_kind { SRV_ORIGIN, SRV_PROXY, SRV_OTHER };

static void flow_addrs(struct gen *g, struct flow *f, enum srv_kind sk, uint16_t sport)
{
	struct rng *r = &g->r;
	f->family = rng_pct(r, 15) ? 6 : 4;
	uint32_t c = rng_below(r, NCLIENTS);
	uint32_t s = sk == SRV_ORIGIN ? 10 + rng_below(r, 10) :
		     sk == SRV_PROXY ? 1 + rng_below(r, 3) : 1 + rng_below(r, 60);
	uint16_t *np = &g->next_port[f->family == 6][c];
	if (*np < 30000)
		*np = (uint16_t)rng_range(r, 30000, 40000);
	*np = (uint16_t)(*np + rng_range(r, 1, 3));
	f->port[C2S] = *np;
	f->port[S2C] = sport;
	if (f->family == 4) {
		uint8_t cli[4] = { 10, 10, (uint8_t)(c / 250), (uint8_t)(c % 250 + 2) };
		uint8_t net = sk == SRV_ORIGIN ? 2 : sk == SRV_PROXY ? 100 : 113;
		uint8_t srv[4] = { (uint8_t)(net == 2 ? 192 : net == 100 ? 198 : 203),
				   (uint8_t)(net == 2 ? 0 : net == 100 ? 51 : 0), net, (uint8_t)s };
		memcpy(f->ip[C2S], cli, 4);
		memcpy(f->ip[S2C], srv, 4);
	} else {
		static const uint8_t pfx[6] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0 };
		memcpy(f->ip[C2S], pfx, 6);
		memcpy(f->ip[S2C], pfx, 6);
		f->ip[C2S][5] = 1;
		f->ip[S2C][5] = (uint8_t)(2 + sk);
		f->ip[C2S][14] = (uint8_t)(c >> 8);
		f->ip[C2S][15] = (uint8_t)c;
		f->ip[S2C][15] = (uint8_t)s;
	}
	uint8_t cm[6] = { 0x02, 0x00, 0x5e, (uint8_t)(c >> 8), (uint8_t)c, 0x01 };
	uint8_t sm[6] = { 0x02, 0x00, 0x5e, 0xff, (uint8_t)sk, (uint8_t)s };
	memcpy(f->mac[C2S], cm, 6);
	memcpy(f->mac[S2C], sm, 6);
	if (rng_pct(r, 20)) {
		f->vlan = (uint16_t)rng_range(r, 1, 4094);
		if (rng_pct(r, 20))
			f->vlan_outer = (uint16_t)rng_range(r, 1, 4094);
	}
	f->ttl[C2S] = rng_pct(r, 60) ? 128 : 64;
	f->ttl[S2C] = rng_pct(r, 60) ? 128 : 64;
	f->ipid[C2S] = (uint16_t)rng_u64(r);
	f->ipid[S2C] = (uint16_t)rng_u64(r);
	int af = f->family == 4 ? AF_INET : AF_INET6;
	inet_ntop(af, f->ip[C2S], f->ipstr[C2S], sizeof(f->ipstr[C2S]));
	inet_ntop(af, f->ip[S2C], f->ipstr[S2C], sizeof(f->ipstr[S2C]));
}

/* -------------------------------------------------------------- truth */

struct authrow {
	const char *scheme, *user, *domain, *ws, *ptype, *result;
	bool proxy, inherited;
};

static const char *dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void truth_row(struct gen *g, struct flow *f, const char *method, const char *url,
		      int status, const struct authrow *a)
{
	int tx = f->tx++;
	if (!g->truth)
		return;
	char st[16] = "-", resp_end[24] = "-";
	if (status > 0) {
		snprintf(st, sizeof(st), "%d", status);
		snprintf(resp_end, sizeof(resp_end), "%llu",
			 (unsigned long long)(f->t0 + f->resp_t));
	}
	/* the rows of a pipelined burst share the burst's first packet */
	f->req_fresh = false;
	fprintf(g->truth, "%s\t%u\t%s\t%u\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%llu\t%s\n",
		f->ipstr[C2S], f->port[C2S], f->ipstr[S2C], f->port[S2C], tx, method, url,
		st, dash(a->scheme), a->proxy, dash(a->user), dash(a->domain), dash(a->ws),
		dash(a->ptype), a->inherited, dash(a->result),
		(unsigned long long)(f->t0 + f->req_t), resp_end);
}

/* --------------------------------------------------------------- HTTP */

static const char *const HOSTS[] = {
	"intranet.corp.example.com", "sharepoint.corp.example.com", "owa.corp.example.com",
	"wiki.example.org", "www.example.org", "files.example.net",
};
static const char *const AGENTS[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Trident/7.0; rv:11.0) like Gecko",
	"Microsoft-WebDAV-MiniRedir/10.0.19045",
	"curl/7.88.1",
	"Microsoft Office Excel 2014",
	"python-requests/2.31.0",
};

struct conn {
	const char *host;
	bool absolute;                  /* proxy form: absolute-URI requests */
	const char *cred_name;          /* header sent on every tail request */
	const char *cred_value;
	const char *agent;
};

static void make_path(struct gen *g, char *out, size_t n)
{
	struct rng *r = &g->r;
	switch (rng_below(r, 9)) {
	case 0: snprintf(out, n, "/"); break;
	case 1: snprintf(out, n, "/index.html"); break;
	case 2: snprintf(out, n, "/api/v1/items/%u", rng_below(r, 100000)); break;
	case 3: snprintf(out, n, "/sites/team/Shared%%20Documents/report-%u.docx", rng_below(r, 999)); break;
	case 4: snprintf(out, n, "/images/logo-%u.png", rng_below(r, 50)); break;
	case 5: snprintf(out, n, "/search?q=caf%%C3%%A9+%u&page=%u", rng_below(r, 999), rng_below(r, 9)); break;
	case 6: snprintf(out, n, "/owa/?ae=Folder&t=IPF.Note&id=%08x", (unsigned)rng_u64(r)); break;
	case 7: snprintf(out, n, "/_vti_bin/lists.asmx"); break;
	default: snprintf(out, n, "/ews/exchange.asmx;jsessionid=%06x?x=%u", rng_below(r, 0xffffff), rng_below(r, 10)); break;
	}
}

static void make_url(struct gen *g, const struct conn *c, char *out, size_t n)
{
	char path[256];
	make_path(g, path, sizeof(path));
	if (c->absolute)
		snprintf(out, n, "http://%s%s", c->host, path);
	else
		snprintf(out, n, "%s", path);
}

/* Request head; returns its length (the header block is all of it). */
static size_t http_req(struct gen *g, struct buf *b, const struct conn *c, const char *method,
		       const char *url, const char *auth_name, const char *auth_value,
		       const char *extra)
{
	b->len = 0;
	buf_printf(b, "%s %s HTTP/1.1\r\n", method, url);
	if (strcmp(method, "CONNECT") == 0)
		buf_printf(b, "Host: %s\r\n", url);
	else
		buf_printf(b, "Host: %s\r\n", c->host);
	buf_printf(b, "User-Agent: %s\r\n", c->agent);
	if (rng_pct(&g->r, 70))
		buf_puts(b, "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\n");
	if (auth_name)
		buf_printf(b, "%s: %s\r\n", auth_name, auth_value);
	if (extra)
		buf_puts(b, extra);
	if (c->absolute && rng_pct(&g->r, 50))
		buf_puts(b, "Proxy-Connection: Keep-Alive\r\n");
	else if (rng_pct(&g->r, 50))
		buf_puts(b, "Connection: keep-alive\r\n");
	buf_puts(b, "\r\n");
	return b->len;
}

static const char *reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 207: return "Multi-Status";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 407: return "Proxy Authentication Required";
	case 500: return "Internal Server Error";
	default: return "Whatever";
	}
}

enum body { B_NONE, B_CL, B_CHUNKED, B_EOF };

static size_t body_size(struct gen *g)
{
	struct rng *r = &g->r;
	if (rng_pct(r, 25))
		return rng_below(r, 300);
	size_t max = g->max_body_bytes, v = (size_t)1 << rng_range(r, 8, 20);
	if (v > max)
		v = max;
	return rng_below(r, (uint32_t)v + 1);
}

static void chunked_body(struct gen *g, struct buf *b, size_t total)
{
	struct rng *r = &g->r;
	while (total) {
		size_t n = rng_range(r, 1, 8192);
		if (n > total)
			n = total;
		buf_printf(b, rng_pct(r, 50) ? "%zx" : "%zX", n);
		if (rng_pct(r, 5))
			buf_puts(b, ";ext=1");
		buf_puts(b, "\r\n");
		buf_rand(b, r, n);
		buf_puts(b, "\r\n");
		total -= n;
	}
	buf_puts(b, "0\r\n");
	if (rng_pct(r, 10))
		buf_puts(b, "X-Checksum: 0\r\n");
	buf_puts(b, "\r\n");
}

/*
 * Response: status line, headers (extra is already CRLF-terminated lines),
 * then the body shape asked for.  *hdr_len gets the header block length.
 */
static void http_resp(struct gen *g, struct buf *b, size_t *hdr_len, int status,
		      const char *extra, enum body bk, size_t body_bytes, bool head)
{
	b->len = 0;
	buf_printf(b, "HTTP/%s %d %s\r\n", bk == B_EOF ? "1.0" : "1.1", status, reason(status));
	buf_puts(b, "Server: Microsoft-IIS/10.0\r\nDate: Mon, 04 Mar 2024 09:00:00 GMT\r\n");
	if (extra)
		buf_puts(b, extra);
	if (bk == B_CL)
		buf_printf(b, "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n",
			   body_bytes);
	else if (bk == B_CHUNKED)
		buf_puts(b, "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n");
	else if (bk == B_EOF)
		buf_puts(b, "Content-Type: text/plain\r\nConnection: close\r\n");
	buf_puts(b, "\r\n");
	*hdr_len = b->len;
	if (head)
		return;
	if (bk == B_CL || bk == B_EOF)
		buf_rand(b, &g->r, body_bytes);
	else if (bk == B_CHUNKED)
		chunked_body(g, b, body_bytes);
}

/* One request then its response, with think times; returns nothing. */
static void exchange(struct gen *g, struct flow *f, const struct buf *req, size_t req_hdr,
		     const struct buf *resp, size_t resp_hdr)
{
	send_buf(g, f, C2S, req, req_hdr);
	think(g, f, 300, 60000);                /* server time */
	if (resp)
		send_buf(g, f, S2C, resp, resp_hdr);
	think(g, f, 1000, 400000);              /* client think time */
}

static const char *cred_extra(const struct conn *c, char *tmp, size_t n)
{
	if (!c->cred_name)
		return NULL;
	snprintf(tmp, n, "%s: %s\r\n", c->cred_name, c->cred_value);
	return tmp;
}

/*
 * One ordinary transaction (the shapes a keep-alive connection carries
 * after any authentication): GET with Content-Length / chunked / 304 /
 * errors, HEAD, POST with a body, 100-continue, a pipelined burst, WebDAV
 * methods.  Every one is answered unless noresp.  Each gets a truth row
 * with the authrow given.
 */
static void tx_plain(struct gen *g, struct flow *f, const struct conn *c,
		     const struct authrow *a, bool noresp)
{
	struct rng *r = &g->r;
	struct buf req = { 0 }, resp = { 0 };
	char url[512], ctmp[4096], extra[4200];
	const char *ce = cred_extra(c, ctmp, sizeof(ctmp));
	size_t rh, sh;
	uint32_t shape = rng_below(r, 100);
	make_url(g, c, url, sizeof(url));

	if (noresp) {
		rh = http_req(g, &req, c, "GET", url, NULL, NULL, ce);
		send_buf(g, f, C2S, &req, rh);
		truth_row(g, f, "GET", url, -1, a);
	} else if (shape < 30) {
		rh = http_req(g, &req, c, "GET", url, NULL, NULL, ce);
		http_resp(g, &resp, &sh, 200, NULL, B_CL, body_size(g), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "GET", url, 200, a);
	} else if (shape < 45) {
		rh = http_req(g, &req, c, "GET", url, NULL, NULL, ce);
		http_resp(g, &resp, &sh, 200, NULL, B_CHUNKED, body_size(g), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "GET", url, 200, a);
	} else if (shape < 52) {
		rh = http_req(g, &req, c, "HEAD", url, NULL, NULL, ce);
		http_resp(g, &resp, &sh, 200, NULL, B_CL, body_size(g), true);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "HEAD", url, 200, a);
	} else if (shape < 60) {
		snprintf(extra, sizeof(extra), "If-None-Match: \"%08x\"\r\n%s",
			 (unsigned)rng_u64(r), ce ? ce : "");
		rh = http_req(g, &req, c, "GET", url, NULL, NULL, extra);
		http_resp(g, &resp, &sh, 304, "ETag: \"1\"\r\n", B_NONE, 0, false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "GET", url, 304, a);
	} else if (shape < 70) {
		size_t n = body_size(g);
		bool chunked = rng_pct(r, 20);
		if (chunked)
			snprintf(extra, sizeof(extra), "Content-Type: application/octet-stream\r\n"
				 "Transfer-Encoding: chunked\r\n%s", ce ? ce : "");
		else
			snprintf(extra, sizeof(extra), "Content-Type: application/octet-stream\r\n"
				 "Content-Length: %zu\r\n%s", n, ce ? ce : "");
		rh = http_req(g, &req, c, "POST", url, NULL, NULL, extra);
		if (chunked)
			chunked_body(g, &req, n);
		else
			buf_rand(&req, r, n);
		int st = rng_pct(r, 70) ? 200 : 201;
		http_resp(g, &resp, &sh, st, NULL, B_CL, rng_below(r, 400), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "POST", url, st, a);
	} else if (shape < 77) {
		/* 100-continue: head, "100 Continue", body, final answer */
		size_t n = body_size(g) + 1;
		snprintf(extra, sizeof(extra), "Content-Length: %zu\r\nExpect: 100-continue\r\n%s",
			 n, ce ? ce : "");
		const char *m = rng_pct(r, 50) ? "PUT" : "POST";
		rh = http_req(g, &req, c, m, url, NULL, NULL, extra);
		send_buf(g, f, C2S, &req, rh);
		think(g, f, 300, 20000);
		http_resp(g, &resp, &sh, 100, NULL, B_NONE, 0, false);
		send_buf(g, f, S2C, &resp, sh);
		think(g, f, 100, 5000);
		req.len = 0;
		buf_rand(&req, r, n);
		int st = rng_pct(r, 50) ? 201 : 204;
		http_resp(g, &resp, &sh, st, NULL, st == 201 ? B_CL : B_NONE, rng_below(r, 100), false);
		exchange(g, f, &req, 0, &resp, sh);
		truth_row(g, f, m, url, st, a);
	} else if (shape < 87) {
		/* pipelining: 2-4 requests written at once, then the answers */
		int k = (int)rng_range(r, 2, 4);
		const char *methods[4];
		char urls[4][512];
		int sts[4];
		struct buf all = { 0 }, one = { 0 };
		size_t first_hdr = 0;
		for (int i = 0; i < k; i++) {
			methods[i] = rng_pct(r, 75) ? "GET" : "HEAD";
			make_url(g, c, urls[i], sizeof(urls[i]));
			size_t l = http_req(g, &one, c, methods[i], urls[i], NULL, NULL, ce);
			if (!i)
				first_hdr = l;
			buf_put(&all, one.p, one.len);
		}
		send_buf(g, f, C2S, &all, first_hdr);
		think(g, f, 300, 60000);
		all.len = 0;
		for (int i = 0; i < k; i++) {
			sts[i] = rng_pct(r, 85) ? 200 : 404;
			bool head = methods[i][0] == 'H';
			http_resp(g, &one, &sh, sts[i], NULL, rng_pct(r, 30) && !head ? B_CHUNKED : B_CL,
				  body_size(g), head);
			buf_put(&all, one.p, one.len);
		}
		send_buf(g, f, S2C, &all, 0);
		think(g, f, 1000, 400000);
		for (int i = 0; i < k; i++)
			truth_row(g, f, methods[i], urls[i], sts[i], a);
		buf_free(&all);
		buf_free(&one);
	} else if (shape < 93) {
		static const char *const DAV[] = { "OPTIONS", "PROPFIND", "DELETE" };
		const char *m = PICK(r, DAV);
		snprintf(extra, sizeof(extra), "%s%s", m[0] == 'P' ? "Depth: 1\r\nContent-Length: 0\r\n" : "",
			 ce ? ce : "");
		rh = http_req(g, &req, c, m, url, NULL, NULL, extra);
		int st = m[0] == 'P' ? 207 : 204;
		http_resp(g, &resp, &sh, st, m[0] == 'O' ? "Allow: GET, HEAD, OPTIONS, PROPFIND\r\n" : NULL,
			  st == 207 ? B_CL : B_NONE, rng_below(r, 2000), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, m, url, st, a);
	} else {
		static const int ERRS[] = { 302, 404, 500 };
		int st = PICK(r, ERRS);
		rh = http_req(g, &req, c, "GET", url, NULL, NULL, ce);
		http_resp(g, &resp, &sh, st, st == 302 ? "Location: /login\r\n" : NULL, B_CL,
			  rng_below(r, 600), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "GET", url, st, a);
	}
	buf_free(&req);
	buf_free(&resp);
}

static void conn_init(struct gen *g, struct conn *c, bool absolute)
{
	memset(c, 0, sizeof(*c));
	c->host = PICK(&g->r, HOSTS);
	c->absolute = absolute;
	c->agent = PICK(&g->r, AGENTS);
}

/* Plain keep-alive connection, no authentication. */
static void flow_plain(struct gen *g, struct flow *f, bool absolute)
{
	struct rng *r = &g->r;
	struct conn c;
	static const struct authrow none = { 0 };
	conn_init(g, &c, absolute);
	tcp_open(g, f);
	int n = (int)rng_range(r, 1, 6);
	for (int i = 0; i < n; i++)
		tx_plain(g, f, &c, &none, false);
	uint32_t end = rng_below(r, 100);
	if (end < 8) {
		/* a request that never gets an answer */
		tx_plain(g, f, &c, &none, true);
		tcp_close(g, f, rng_pct(r, 50) ? CL_CLIENT_RST : rng_pct(r, 50) ? CL_CLIENT_FIN : CL_NONE);
	} else if (end < 14) {
		/* HTTP/1.0 answer whose body ends with the connection */
		struct buf req = { 0 }, resp = { 0 };
		char url[512];
		size_t sh;
		make_url(g, &c, url, sizeof(url));
		size_t rh = http_req(g, &req, &c, "GET", url, NULL, NULL, NULL);
		http_resp(g, &resp, &sh, 200, NULL, B_EOF, body_size(g), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "GET", url, 200, &none);
		tcp_close(g, f, CL_SERVER_FIN);
		buf_free(&req);
		buf_free(&resp);
	} else {
		tcp_close(g, f, CL_RANDOM);
	}
}

/* -------------------------------------------------------- auth flows */

static const char *const USERS_ASCII[] = {
	"alice", "bob", "carol.jones", "svc_sql", "Administrator", "j.smith", "WEB01$", "backup-op",
};
static const char *const USERS_UNICODE[] = {
	"José", "Jürgen", "Zoë", "Ørjan", "Łukasz", "Дмитрий", "山田太郎", "François",
};
static const char *const DOMAINS[] = { "CORP", "CONTOSO", "EXAMPLE", "corp.example.com", "" };
static const char *const DOMAINS_UNICODE[] = { "CORP", "ÉTUDES", "MÜNCHEN" };
static const char *const WSS[] = { "WS-0042", "LAPTOP-7F3K", "DESKTOP-A1B2C3", "" };
static const char *const WSS_UNICODE[] = { "WS-0042", "POSTE-RÉSEAU" };

static const struct server_id SERVERS[] = {
	{ "CORP", "WEB01", "corp.example.com", "web01.corp.example.com" },
	{ "CONTOSO", "SP2019", "contoso.local", "sp2019.contoso.local" },
	{ "CORP", "PROXY1", "corp.example.com", "proxy1.corp.example.com" },
};

static void pick_ntlm_id(struct gen *g, struct ntlm_id *id)
{
	struct rng *r = &g->r;
	uint32_t k = rng_below(r, 100);
	id->kind = k < 62 ? NK_V2 : k < 77 ? NK_V1 : k < 90 ? NK_V1_ESS : NK_ANON;
	id->unicode = rng_pct(r, 88);
	if (id->unicode && rng_pct(r, 40)) {
		id->user = PICK(r, USERS_UNICODE);
		id->domain = PICK(r, DOMAINS_UNICODE);
		id->ws = PICK(r, WSS_UNICODE);
	} else {
		id->user = PICK(r, USERS_ASCII);
		id->domain = PICK(r, DOMAINS);
		id->ws = PICK(r, WSS);
	}
	if (id->kind == NK_ANON) {
		id->user = "";
		id->domain = "";
	}
}

enum wrap { W_NTLM, W_SPNEGO, W_RAW };

static void auth_value(struct buf *out, const char *scheme, const struct buf *tok)
{
	out->len = 0;
	buf_printf(out, "%s ", scheme);
	b64_append(out, tok->p, tok->len);
	buf_u8(out, 0);
}

/* Random bytes in well-formed TLS records, for tunnels and port 443. */
static void tls_records(struct gen *g, struct buf *b, unsigned type, size_t total)
{
	while (total) {
		size_t n = rng_range(&g->r, 1, 4000);
		if (n > total)
			n = total;
		buf_u8(b, type);
		buf_u8(b, 3);
		buf_u8(b, type == 0x16 ? 1 : 3);
		buf_u8(b, (unsigned)(n >> 8));
		buf_u8(b, (unsigned)n);
		buf_rand(b, &g->r, n);
		total -= n;
	}
}

static void tunnel(struct gen *g, struct flow *f)
{
	struct buf b = { 0 };
	int rounds = (int)rng_range(&g->r, 1, 4);
	for (int i = 0; i < rounds; i++) {
		b.len = 0;
		tls_records(g, &b, i ? 0x17 : 0x16, rng_range(&g->r, 100, 3000));
		send_buf(g, f, C2S, &b, 0);
		think(g, f, 300, 50000);
		b.len = 0;
		tls_records(g, &b, i ? 0x17 : 0x16, rng_range(&g->r, 100, 20000));
		send_buf(g, f, S2C, &b, 0);
		think(g, f, 300, 50000);
	}
	buf_free(&b);
}

/*
 * NTLM handshake flows: over "NTLM", over "Negotiate" wrapped in SPNEGO,
 * or raw NTLMSSP under "Negotiate"; origin (401) or proxy (407, absolute
 * URIs, or CONNECT then a tunnel).  An anonymous request first (usually),
 * then Type 1 / Type 2, Type 3 / final answer; a failed attempt may be
 * retried on the same connection; after success, keep-alive requests
 * without credentials inherit the identity.
 */
static void flow_ntlm(struct gen *g, struct flow *f, enum wrap w, bool proxy, bool connect)
{
	struct rng *r = &g->r;
	struct conn c;
	conn_init(g, &c, proxy && !connect);
	const char *scheme = w == W_NTLM ? "NTLM" : "Negotiate";
	const char *h_req = proxy ? "Proxy-Authorization" : "Authorization";
	const char *h_chal = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
	int code = proxy ? 407 : 401;
	const struct server_id *srv = &SERVERS[proxy ? 2 : rng_below(r, 2)];
	char url[512], extra[8192];
	const char *method;
	if (connect) {
		method = "CONNECT";
		snprintf(url, sizeof(url), "%s:443", c.host);
	} else {
		uint32_t m = rng_below(r, 100);
		method = m < 70 ? "GET" : m < 88 ? "POST" : "PROPFIND";
		make_url(g, &c, url, sizeof(url));
	}
	/* handshake legs carry an empty body for POST/PROPFIND, as IE does */
	const char *body_hdr = strcmp(method, "GET") && !connect ? "Content-Length: 0\r\n" : "";
	struct buf req = { 0 }, resp = { 0 }, tok = { 0 }, wrapped = { 0 }, val = { 0 }, hdrs = { 0 };
	size_t rh, sh;
	/* no credentials; proxy because the answer is a 407 (README rule 1) */
	const struct authrow anon = { .proxy = proxy };
	tcp_open(g, f);

	if (rng_pct(r, 85)) {
		hdrs.len = 0;
		if (w == W_NTLM && rng_pct(r, 50))
			buf_printf(&hdrs, "%s: NTLM\r\n", h_chal);
		else if (rng_pct(r, 50))
			buf_printf(&hdrs, "%s: Negotiate\r\n%s: NTLM\r\n", h_chal, h_chal);
		else if (rng_pct(r, 50))
			buf_printf(&hdrs, "%s: Negotiate, NTLM\r\n", h_chal);
		else
			buf_printf(&hdrs, "%s: %s\r\n", h_chal, scheme);
		buf_u8(&hdrs, 0);
		rh = http_req(g, &req, &c, method, url, NULL, NULL, body_hdr);
		http_resp(g, &resp, &sh, code, (const char *)hdrs.p, B_CL, rng_range(r, 0, 1300), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, method, url, code, &anon);
	}

	bool ok = false;
	struct ntlm_id id;
	for (int attempt = 0; attempt < 2 && !ok; attempt++) {
		pick_ntlm_id(g, &id);
		bool fail = attempt == 0 && rng_pct(r, 15);
		struct authrow a = { .scheme = scheme, .proxy = proxy };

		/* Type 1 -> 401/407 + Type 2 */
		uint32_t fl1 = ntlm_type1(&tok, &id, r);
		if (w == W_SPNEGO)
			spnego_init(&wrapped, &tok, r);
		auth_value(&val, scheme, w == W_SPNEGO ? &wrapped : &tok);
		rh = http_req(g, &req, &c, method, url, h_req, (const char *)val.p, body_hdr);
		uint32_t fl2 = ntlm_type2(&tok, fl1, srv, r);
		if (w == W_SPNEGO)
			spnego_resp(&wrapped, 1, true, &tok, false, r);
		auth_value(&val, scheme, w == W_SPNEGO ? &wrapped : &tok);
		snprintf(extra, sizeof(extra), "%s: %s\r\n", h_chal, (const char *)val.p);
		http_resp(g, &resp, &sh, code, extra, B_CL, rng_range(r, 0, 400), false);
		exchange(g, f, &req, rh, &resp, sh);
		a.result = "pending";
		truth_row(g, f, method, url, code, &a);

		/* Type 3 -> final answer */
		ntlm_type3(&tok, &id, fl2, srv, r);
		if (w == W_SPNEGO)
			spnego_resp(&wrapped, -1, false, &tok, rng_pct(r, 30), r);
		auth_value(&val, scheme, w == W_SPNEGO ? &wrapped : &tok);
		rh = http_req(g, &req, &c, method, url, h_req, (const char *)val.p, body_hdr);
		int st;
		extra[0] = 0;
		if (fail) {
			st = code;
			if (w == W_SPNEGO && rng_pct(r, 50)) {
				spnego_resp(&wrapped, 2, false, NULL, false, r);
				auth_value(&val, scheme, &wrapped);
				snprintf(extra, sizeof(extra), "%s: %s\r\n", h_chal, (const char *)val.p);
			} else {
				snprintf(extra, sizeof(extra), "%s: %s\r\n", h_chal, scheme);
			}
		} else {
			st = connect ? 200 : rng_pct(r, 95) ? 200 : 404;
			if (w == W_SPNEGO && !proxy && rng_pct(r, 70)) {
				spnego_resp(&wrapped, 0, rng_pct(r, 50), NULL, rng_pct(r, 50), r);
				auth_value(&val, scheme, &wrapped);
				snprintf(extra, sizeof(extra), "%s: %s\r\n", h_chal, (const char *)val.p);
			} else if (!proxy && rng_pct(r, 30)) {
				snprintf(extra, sizeof(extra), "Persistent-Auth: true\r\n");
			}
		}
		if (connect && !fail) {
			resp.len = 0;
			buf_puts(&resp, "HTTP/1.1 200 Connection established\r\n\r\n");
			sh = resp.len;
			exchange(g, f, &req, rh, &resp, sh);
		} else {
			http_resp(g, &resp, &sh, st, extra, B_CL, rng_range(r, 0, 3000), false);
			exchange(g, f, &req, rh, &resp, sh);
		}
		a.user = id.user;
		a.domain = id.domain;
		a.ws = id.ws;
		a.ptype = PTYPE[id.kind];
		a.result = fail ? "failure" : "success";
		truth_row(g, f, method, url, st, &a);
		ok = !fail;
		if (fail && rng_pct(r, 50))
			break;                  /* gives up; the connection closes */
	}

	if (ok && connect) {
		tunnel(g, f);
	} else if (ok) {
		struct authrow a = { .scheme = scheme, .proxy = proxy, .user = id.user,
				     .domain = id.domain, .ws = id.ws, .ptype = PTYPE[id.kind],
				     .result = "success", .inherited = true };
		int n = (int)rng_range(r, 0, 5);
		for (int i = 0; i < n; i++)
			tx_plain(g, f, &c, &a, false);
	}
	tcp_close(g, f, CL_RANDOM);
	buf_free(&req);
	buf_free(&resp);
	buf_free(&tok);
	buf_free(&wrapped);
	buf_free(&val);
	buf_free(&hdrs);
}

/* CONNECT through a proxy that asks for nothing, then the tunnel. */
static void flow_connect_open(struct gen *g, struct flow *f)
{
	struct conn c;
	static const struct authrow none = { 0 };
	char url[300];
	struct buf req = { 0 }, resp = { 0 };
	conn_init(g, &c, false);
	snprintf(url, sizeof(url), "%s:443", c.host);
	tcp_open(g, f);
	size_t rh = http_req(g, &req, &c, "CONNECT", url, NULL, NULL, NULL);
	buf_puts(&resp, "HTTP/1.1 200 Connection established\r\nProxy-Agent: squid\r\n\r\n");
	exchange(g, f, &req, rh, &resp, resp.len);
	truth_row(g, f, "CONNECT", url, 200, &none);
	tunnel(g, f);
	tcp_close(g, f, CL_RANDOM);
	buf_free(&req);
	buf_free(&resp);
}

/* Basic: an optional anonymous 401/407 first, then credentials on every request. */
static void flow_basic(struct gen *g, struct flow *f, bool proxy)
{
	struct rng *r = &g->r;
	struct conn c;
	const struct authrow anon = { .proxy = proxy };    /* README rule 1 */
	static const char *const BASIC_USERS[] = { "alice", "bob", "webadmin", "José", "Jürgen", "svc.report" };
	conn_init(g, &c, proxy);
	const char *h_req = proxy ? "Proxy-Authorization" : "Authorization";
	const char *h_chal = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
	int code = proxy ? 407 : 401;
	char url[512], extra[300], cred[300];
	struct buf req = { 0 }, resp = { 0 }, val = { 0 };
	size_t rh, sh;
	make_url(g, &c, url, sizeof(url));
	snprintf(extra, sizeof(extra), "%s: Basic realm=\"%s\"\r\n", h_chal,
		 proxy ? "Squid proxy" : "Intranet");
	tcp_open(g, f);
	if (rng_pct(r, 60)) {
		rh = http_req(g, &req, &c, "GET", url, NULL, NULL, NULL);
		http_resp(g, &resp, &sh, code, extra, B_CL, rng_range(r, 0, 500), false);
		exchange(g, f, &req, rh, &resp, sh);
		truth_row(g, f, "GET", url, code, &anon);
	}
	bool ok = false;
	const char *user = NULL;
	for (int attempt = 0; attempt < 2 && !ok; attempt++) {
		bool fail = attempt == 0 && rng_pct(r, 15);
		user = PICK(r, BASIC_USERS);
		snprintf(cred, sizeof(cred), "%s:%s%u", user, fail ? "wrong" : "S3cret!", rng_below(r, 100));
		val.len = 0;
		buf_puts(&val, "Basic ");
		b64_append(&val, (const uint8_t *)cred, strlen(cred));
		buf_u8(&val, 0);
		rh = http_req(g, &req, &c, "GET", url, h_req, (const char *)val.p, NULL);
		int st = fail ? code : 200;
		http_resp(g, &resp, &sh, st, fail ? extra : NULL, B_CL, body_size(g), false);
		exchange(g, f, &req, rh, &resp, sh);
		struct authrow a = { .scheme = "Basic", .proxy = proxy, .user = user, .ptype = "Plaintext",
				     .result = fail ? "failure" : "success" };
		truth_row(g, f, "GET", url, st, &a);
		ok = !fail;
		if (fail && rng_pct(r, 50))
			break;
	}
	if (ok) {
		struct authrow a = { .scheme = "Basic", .proxy = proxy, .user = user, .ptype = "Plaintext",
				     .result = "success" };
		c.cred_name = h_req;
		c.cred_value = (const char *)val.p;
		int n = (int)rng_range(r, 0, 4);
		for (int i = 0; i < n; i++)
			tx_plain(g, f, &c, &a, false);
	}
	tcp_close(g, f, CL_RANDOM);
	buf_free(&req);
	buf_free(&resp);
	buf_free(&val);
}

/* -------------------------------------------------------------- noise */

/* TCP that is not HTTP: random bytes on port 80, TLS, SSH, SMTP. */
static void flow_noise_tcp(struct gen *g, struct flow *f, int what)
{
	struct rng *r = &g->r;
	struct buf b = { 0 };
	tcp_open(g, f);
	int rounds = (int)rng_range(r, 1, 4);
	for (int i = 0; i < rounds; i++) {
		for (int d = 0; d < 2; d++) {
			b.len = 0;
			size_t n = rng_range(r, 1, 3000);
			if (what == 0) {                /* binary junk, never a letter first */
				buf_rand(&b, r, n);
				b.p[0] = (uint8_t)(b.p[0] & 0x1f);
			} else if (what == 1) {
				tls_records(g, &b, i ? 0x17 : 0x16, n);
			} else if (what == 2) {
				if (i == 0)
					buf_puts(&b, d ? "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" : "SSH-2.0-PuTTY_Release_0.80\r\n");
				else
					buf_rand(&b, r, n);
			} else {
				if (d)
					buf_printf(&b, "250-mail.example.org Hello\r\n250 OK %u\r\n", i);
				else
					buf_printf(&b, "%s\r\n", i ? "MAIL FROM:<a@example.org>" : "EHLO client.example.org");
			}
			send_buf(g, f, d, &b, 0);
			think(g, f, 100, 30000);
		}
	}
	tcp_close(g, f, CL_RANDOM);
	buf_free(&b);
}

static void flow_noise_udp(struct gen *g, struct flow *f)
{
	struct rng *r = &g->r;
	int n = (int)rng_range(r, 1, 3);
	for (int i = 0; i < n; i++) {
		for (int d = 0; d < 2; d++) {
			uint32_t off = (uint32_t)f->stream[d].len;
			uint32_t len = rng_range(r, 12, 512);
			buf_rand(&f->stream[d], r, len);
			struct pkt *p = pkt_add(g, f, d, PK_UDP);
			p->off = off;
			p->len = len;
			think(g, f, 200, 20000);
		}
	}
}

static void flow_noise_arp(struct gen *g, struct flow *f)
{
	pkt_add(g, f, C2S, PK_ARP);
	think(g, f, 50, 2000);
	pkt_add(g, f, S2C, PK_ARP);
}

/* One flow of a kind drawn at random: see README for the mix. */
static void flow_generate(struct gen *g, struct flow *f)
{
	struct rng *r = &g->r;
	static const uint16_t ORIGIN_PORTS[] = { 80, 80, 80, 80, 80, 80, 8080, 8000, 8888 };
	static const uint16_t PROXY_PORTS[] = { 3128, 8080 };
	uint16_t oport = PICK(r, ORIGIN_PORTS), pport = PICK(r, PROXY_PORTS);
	uint32_t p = rng_below(r, 100);
	if (p < 25) {
		flow_addrs(g, f, SRV_ORIGIN, oport);
		flow_plain(g, f, false);
	} else if (p < 29) {
		flow_addrs(g, f, SRV_PROXY, pport);
		flow_plain(g, f, true);
	} else if (p < 41) {
		flow_addrs(g, f, SRV_ORIGIN, oport);
		flow_ntlm(g, f, W_NTLM, false, false);
	} else if (p < 50) {
		flow_addrs(g, f, SRV_ORIGIN, oport);
		flow_ntlm(g, f, W_SPNEGO, false, false);
	} else if (p < 54) {
		flow_addrs(g, f, SRV_ORIGIN, oport);
		flow_ntlm(g, f, W_RAW, false, false);
	} else if (p < 60) {
		flow_addrs(g, f, SRV_PROXY, pport);
		flow_ntlm(g, f, rng_pct(r, 70) ? W_NTLM : W_SPNEGO, true, false);
	} else if (p < 63) {
		flow_addrs(g, f, SRV_PROXY, pport);
		if (rng_pct(r, 50))
			flow_ntlm(g, f, W_NTLM, true, true);
		else
			flow_connect_open(g, f);
	} else if (p < 71) {
		bool proxy = rng_pct(r, 30);
		flow_addrs(g, f, proxy ? SRV_PROXY : SRV_ORIGIN, proxy ? pport : oport);
		flow_basic(g, f, proxy);
	} else if (p < 79) {
		flow_addrs(g, f, SRV_OTHER, 80);
		flow_noise_tcp(g, f, 0);
	} else if (p < 86) {
		flow_addrs(g, f, SRV_OTHER, 443);
		flow_noise_tcp(g, f, 1);
	} else if (p < 90) {
		flow_addrs(g, f, SRV_OTHER, 22);
		flow_noise_tcp(g, f, 2);
	} else if (p < 93) {
		flow_addrs(g, f, SRV_OTHER, 25);
		flow_noise_tcp(g, f, 3);
	} else if (p < 98) {
		flow_addrs(g, f, SRV_OTHER, rng_pct(r, 60) ? 53 : 123);
		flow_noise_udp(g, f);
	} else {
		flow_addrs(g, f, SRV_OTHER, 0);
		f->family = 4;                  /* ARP is IPv4 only */
		memcpy(f->ip[C2S], (const uint8_t[]){ 10, 10, 0, (uint8_t)rng_range(r, 2, 250) }, 4);
		memcpy(f->ip[S2C], (const uint8_t[]){ 10, 10, 0, 1 }, 4);
		flow_noise_arp(g, f);
	}
}

/* ------------------------------------------------------------- output */

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < n)
		s += (uint32_t)p[i] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet (+tags) + IP + TCP/UDP (or ARP) for one packet; returns its length. */
static size_t frame_build(uint8_t *fr, const struct flow *f, const struct pkt *p, uint16_t ipid)
{
	int s = p->dir, d = !p->dir;
	size_t at = 0;
	bool arp = p->kind == PK_ARP;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(fr, arp && s == C2S ? bcast : f->mac[d], 6);
	memcpy(fr + 6, f->mac[s], 6);
	at = 12;
	if (f->vlan_outer) {
		set_be16(fr + at, 0x88a8);
		set_be16(fr + at + 2, f->vlan_outer);
		at += 4;
	}
	if (f->vlan) {
		set_be16(fr + at, 0x8100);
		set_be16(fr + at + 2, f->vlan);
		at += 4;
	}
	if (arp) {
		set_be16(fr + at, 0x0806);
		uint8_t *a = fr + at + 2;
		set_be16(a, 1);                 /* Ethernet */
		set_be16(a + 2, 0x0800);
		a[4] = 6;
		a[5] = 4;
		set_be16(a + 6, s == C2S ? 1 : 2);
		memcpy(a + 8, f->mac[s], 6);
		memcpy(a + 14, f->ip[s], 4);
		memcpy(a + 18, s == C2S ? (const uint8_t *)"\0\0\0\0\0\0" : f->mac[d], 6);
		memcpy(a + 24, f->ip[d], 4);
		return at + 2 + 28;
	}
	set_be16(fr + at, f->family == 4 ? 0x0800 : 0x86dd);
	at += 2;
	const uint8_t *payload = f->stream[s].p + p->off;
	bool tcp = p->kind == PK_TCP;
	size_t l4h = tcp ? (p->syn_opt ? 24 : 20) : 8, l4len = l4h + p->len;
	uint8_t *ip = fr + at;
	uint32_t ps;                            /* pseudo-header sum */
	if (f->family == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		set_be16(ip + 2, (unsigned)(20 + l4len));
		set_be16(ip + 4, ipid);
		set_be16(ip + 6, 0x4000);       /* DF */
		ip[8] = f->ttl[s];
		ip[9] = tcp ? 6 : 17;
		memcpy(ip + 12, f->ip[s], 4);
		memcpy(ip + 16, f->ip[d], 4);
		set_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
		ps = csum_add(0, ip + 12, 8);
		at += 20;
	} else {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		set_be16(ip + 4, (unsigned)l4len);
		ip[6] = tcp ? 6 : 17;
		ip[7] = f->ttl[s];
		memcpy(ip + 8, f->ip[s], 16);
		memcpy(ip + 24, f->ip[d], 16);
		ps = csum_add(0, ip + 8, 32);
		at += 40;
	}
	ps += (uint32_t)(tcp ? 6 : 17) + (uint32_t)l4len;
	uint8_t *l4 = fr + at;
	memset(l4, 0, l4h);
	set_be16(l4, f->port[s]);
	set_be16(l4 + 2, f->port[d]);
	if (tcp) {
		set_be32(l4 + 4, p->seq);
		set_be32(l4 + 8, p->ack);
		l4[12] = (uint8_t)((l4h / 4) << 4);
		l4[13] = p->flags;
		set_be16(l4 + 14, 64240);
		if (p->syn_opt) {
			l4[20] = 2;             /* MSS option */
			l4[21] = 4;
			set_be16(l4 + 22, f->mss[d]);
		}
	} else {
		set_be16(l4 + 4, (unsigned)l4len);
	}
	memcpy(l4 + l4h, payload, p->len);
	uint16_t ck = csum_fold(csum_add(ps, l4, l4len));
	if (!tcp && ck == 0)
		ck = 0xffff;
	set_be16(l4 + (tcp ? 16 : 6), ck);
	return at + l4len;
}

static void put_le32(FILE *o, uint32_t v)
{
	uint8_t b[4];
	set_le32(b, v);
	fwrite(b, 1, 4, o);
}

static void pcap_header(FILE *o)
{
	put_le32(o, 0xa1b2c3d4);                /* microsecond timestamps */
	put_le32(o, 2 | (4u << 16));            /* version 2.4 */
	put_le32(o, 0);                         /* thiszone */
	put_le32(o, 0);                         /* sigfigs */
	put_le32(o, 262144);                    /* snaplen */
	put_le32(o, 1);                         /* LINKTYPE_ETHERNET */
}

static void pcap_write(FILE *o, struct flow *f, const struct pkt *p, uint8_t *fr)
{
	uint16_t ipid = f->ipid[p->dir]++;
	size_t n = frame_build(fr, f, p, ipid);
	uint64_t ts = f->t0 + p->t_us;
	put_le32(o, (uint32_t)(ts / 1000000));
	put_le32(o, (uint32_t)(ts % 1000000));
	put_le32(o, (uint32_t)n);
	put_le32(o, (uint32_t)n);
	fwrite(fr, 1, n, o);
}

/* ------------------------------------------- interleaving (a min-heap) */

static uint64_t next_ts(const struct flow *f)
{
	return f->t0 + f->pk[f->next].t_us;
}

static void heap_down(struct flow **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && next_ts(h[l]) < next_ts(h[m]))
			m = l;
		if (l + 1 < n && next_ts(h[l + 1]) < next_ts(h[m]))
			m = l + 1;
		if (m == i)
			return;
		struct flow *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void heap_up(struct flow **h, size_t i)
{
	while (i) {
		size_t p = (i - 1) / 2;
		if (next_ts(h[p]) <= next_ts(h[i]))
			return;
		struct flow *t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

static void flow_free(struct flow *f)
{
	buf_free(&f->stream[0]);
	buf_free(&f->stream[1]);
	free(f->pk);
	free(f);
}

static void usage(void)
{
	fprintf(stderr, "usage: gencorpus -n FLOWS -s SEED -o OUT.pcap [-t TRUTH.tsv] [-B MAX_BODY_BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long nflows = 0;
	unsigned long long seed = 1;
	const char *out_path = NULL, *truth_path = NULL;
	size_t max_body = 32768;
	int opt;
	while ((opt = getopt(argc, argv, "n:s:o:t:B:h")) != -1) {
		switch (opt) {
		case 'n': nflows = strtoul(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'o': out_path = optarg; break;
		case 't': truth_path = optarg; break;
		case 'B': max_body = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (!out_path || !nflows || optind != argc || max_body < 1 || max_body > (1u << 24))
		usage();

	struct gen *g = calloc(1, sizeof(*g));
	if (!g)
		die("calloc");
	g->r.s = seed;
	g->max_body_bytes = max_body;
	FILE *out = fopen(out_path, "wb");
	if (!out)
		die(out_path);
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	if (truth_path) {
		g->truth = fopen(truth_path, "w");
		if (!g->truth)
			die(truth_path);
		fputs("client_ip\tclient_port\tserver_ip\tserver_port\ttx_index\tmethod\turl\tstatus\t"
		      "auth_scheme\tproxy\tuser\tdomain\tworkstation\tpassword_type\tinherited\tresult\t"
		      "req_time_us\tresp_end_time_us\n",
		      g->truth);
	}
	pcap_header(out);

	/* flows arrive every ~10 ms on average and overlap while they run */
	struct flow **heap = calloc(nflows, sizeof(*heap));
	uint8_t *frame = malloc(FRAME_MAX);
	if (!heap || !frame)
		die("calloc");
	size_t nheap = 0;
	unsigned long made = 0;
	uint64_t arrival = BASE_US;
	while (made < nflows || nheap) {
		if (made < nflows && (!nheap || arrival <= next_ts(heap[0]))) {
			struct flow *f = calloc(1, sizeof(*f));
			if (!f)
				die("calloc");
			f->t0 = arrival;        /* before: the truth's times need it */
			flow_generate(g, f);
			arrival += rng_range(&g->r, 1, 20000);
			made++;
			if (!f->npk) {
				flow_free(f);
				continue;
			}
			heap[nheap] = f;
			heap_up(heap, nheap++);
			continue;
		}
		struct flow *f = heap[0];
		pcap_write(out, f, &f->pk[f->next++], frame);
		if (f->next == f->npk) {
			flow_free(f);
			heap[0] = heap[--nheap];
		}
		if (nheap)
			heap_down(heap, nheap, 0);
	}
	if (fclose(out) != 0)
		die(out_path);
	if (g->truth && fclose(g->truth) != 0)
		die(truth_path);
	free(heap);
	free(frame);
	free(g->segs);
	free(g->order);
	free(g);
	return 0;
}
