/*
 * test_token_util.h - helpers shared by the token tests: hex to bytes,
 * base64 encoding, a tiny DER builder for hand-built SPNEGO / Kerberos
 * messages, and "decode this raw message under that scheme".
 */
#ifndef TEST_TOKEN_UTIL_H
#define TEST_TOKEN_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntlm/token.h"

struct buf {
	uint8_t b[8192];
	size_t n;
};

static inline void buf_put(struct buf *d, const void *p, size_t n)
{
	if (n > 0 && d->n + n <= sizeof d->b) {
		memcpy(d->b + d->n, p, n);
		d->n += n;
	}
}

static inline void buf_u8(struct buf *d, uint8_t v) { buf_put(d, &v, 1); }

static inline void buf_le16(struct buf *d, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	buf_put(d, x, 2);
}

static inline void buf_le32(struct buf *d, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	buf_put(d, x, 4);
}

/* DER TLV with a definite length (short or long form) */
static inline void der(struct buf *d, uint8_t tag, const struct buf *content)
{
	size_t n = content ? content->n : 0;
	buf_u8(d, tag);
	if (n < 0x80) {
		buf_u8(d, (uint8_t)n);
	} else if (n < 0x100) {
		buf_u8(d, 0x81);
		buf_u8(d, (uint8_t)n);
	} else {
		buf_u8(d, 0x82);
		buf_u8(d, (uint8_t)(n >> 8));
		buf_u8(d, (uint8_t)n);
	}
	if (content)
		buf_put(d, content->b, n);
}

static inline void der_raw(struct buf *d, uint8_t tag, const void *p, size_t n)
{
	struct buf c = { .n = 0 };
	buf_put(&c, p, n);
	der(d, tag, &c);
}

static inline size_t hex2bin(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (hex[0] && hex[1] && n < cap) {
		unsigned v;
		if (hex[0] == ' ' || hex[0] == '\n') { hex++; continue; }
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static inline char *b64enc(const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = malloc(n / 3 * 4 + 8), *q = o;
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*q++ = a[v >> 18]; *q++ = a[(v >> 12) & 63]; *q++ = a[(v >> 6) & 63]; *q++ = a[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		*q++ = a[v >> 18]; *q++ = a[(v >> 12) & 63]; *q++ = '='; *q++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*q++ = a[v >> 18]; *q++ = a[(v >> 12) & 63]; *q++ = a[(v >> 6) & 63]; *q++ = '=';
	}
	*q = '\0';
	return o;
}

/* "SCHEME base64(raw)" decoded into t */
static inline void decode_raw(const char *scheme, const uint8_t *raw, size_t n,
			      unsigned flags, struct auth_token *t)
{
	char *b = b64enc(raw, n);
	size_t sl = strlen(scheme), bl = strlen(b);
	char *v = malloc(sl + 1 + bl + 1);
	memcpy(v, scheme, sl);
	v[sl] = ' ';
	memcpy(v + sl + 1, b, bl + 1);
	auth_token_decode(v, strlen(v), flags, t);
	free(v);
	free(b);
}

static inline void decode_str(const char *value, struct auth_token *t)
{
	auth_token_decode(value, strlen(value), 0, t);
}

/* ---- hand-built SPNEGO and Kerberos messages ---- */

static inline void oid_tlv(struct buf *d, const char *hexoid)
{
	uint8_t o[32];
	size_t n = hex2bin(hexoid, o, sizeof o);
	der_raw(d, 0x06, o, n);
}

#define HEX_SPNEGO  "2b0601050502"
#define HEX_NTLMSSP "2b06010401823702020a"
#define HEX_KRB5    "2a864886f712010202"
#define HEX_MSKRB5  "2a864882f712010202"

/* hand-built: GSS [APPLICATION 0] { SPNEGO OID, [0] NegTokenInit {
   mechTypes [0], reqFlags [1], mechToken [2] } } */
static inline void build_neg_token_init(struct buf *out, const char *mech_hex,
				 const uint8_t *tok, size_t tok_len)
{
	struct buf mechs = { .n = 0 }, seq_mechs = { .n = 0 }, f0 = { .n = 0 }, f2 = { .n = 0 },
		   f1 = { .n = 0 }, seq = { .n = 0 }, body = { .n = 0 }, init = { .n = 0 },
		   gss = { .n = 0 }, tokos = { .n = 0 };
	oid_tlv(&mechs, mech_hex);
	oid_tlv(&mechs, HEX_KRB5);
	der(&seq_mechs, 0x30, &mechs);
	der(&f0, 0xa0, &seq_mechs);
	der_raw(&f1, 0x03, "\x00\x60", 2);
	der(&body, 0x00, NULL); body.n = 0;
	buf_put(&body, f0.b, f0.n);
	{
		struct buf tmp = { .n = 0 };
		der(&tmp, 0xa1, &f1);
		buf_put(&body, tmp.b, tmp.n);
	}
	der_raw(&tokos, 0x04, tok, tok_len);
	der(&f2, 0xa2, &tokos);
	buf_put(&body, f2.b, f2.n);
	der(&seq, 0x30, &body);
	der(&init, 0xa0, &seq);
	oid_tlv(&gss, HEX_SPNEGO);
	buf_put(&gss, init.b, init.n);
	out->n = 0;
	der(out, 0x60, &gss);
}

/* hand-built: bare [1] NegTokenResp { negState, supportedMech?, responseToken } */
static inline void build_neg_token_resp(struct buf *out, int neg_state, const char *mech_hex,
				 const uint8_t *tok, size_t tok_len)
{
	struct buf body = { .n = 0 }, tmp = { .n = 0 }, seq = { .n = 0 };
	uint8_t st = (uint8_t)neg_state;
	der_raw(&tmp, 0x0a, &st, 1);
	der(&body, 0xa0, &tmp);
	if (mech_hex) {
		tmp.n = 0;
		oid_tlv(&tmp, mech_hex);
		der(&body, 0xa1, &tmp);
	}
	if (tok) {
		tmp.n = 0;
		der_raw(&tmp, 0x04, tok, tok_len);
		der(&body, 0xa2, &tmp);
	}
	der(&seq, 0x30, &body);
	out->n = 0;
	der(out, 0xa1, &seq);
}

/* hand-built KRB-ERROR (RFC 4120 5.9.1) with error 37, GSS-framed */
static inline void build_krb_error(struct buf *out, const char *oid_hex, const uint8_t tok_id[2])
{
	struct buf body = { .n = 0 }, t = { .n = 0 }, n = { .n = 0 }, seq = { .n = 0 },
		   app = { .n = 0 }, gss = { .n = 0 }, names = { .n = 0 }, pn = { .n = 0 };
	der_raw(&t, 0x02, "\x05", 1); der(&body, 0xa0, &t); t.n = 0;
	der_raw(&t, 0x02, "\x1e", 1); der(&body, 0xa1, &t); t.n = 0;
	der_raw(&t, 0x18, "20260101000000Z", 15); der(&body, 0xa4, &t); t.n = 0;
	der_raw(&t, 0x02, "\x00", 1); der(&body, 0xa5, &t); t.n = 0;
	der_raw(&t, 0x02, "\x25", 1); der(&body, 0xa6, &t); t.n = 0;
	der_raw(&t, 0x1b, "EXAMPLE.COM", 11); der(&body, 0xa9, &t); t.n = 0;
	der_raw(&names, 0x1b, "HTTP", 4);
	der_raw(&names, 0x1b, "web.example.com", 15);
	der_raw(&t, 0x02, "\x02", 1); der(&pn, 0xa0, &t); t.n = 0;
	der(&t, 0x30, &names); der(&pn, 0xa1, &t); t.n = 0;
	der(&n, 0x30, &pn);
	der(&body, 0xaa, &n);
	der(&seq, 0x30, &body);
	der(&app, 0x7e, &seq);
	oid_tlv(&gss, oid_hex);
	buf_put(&gss, tok_id, 2);
	buf_put(&gss, app.b, app.n);
	out->n = 0;
	der(out, 0x60, &gss);
}

#endif
