/*
 * rd.h - the one reader for untrusted bytes.
 *
 * Every decoder that touches bytes from the wire (link/IP/TCP in capture/,
 * NTLMSSP, DER, Kerberos in ntlm/) reads through a struct rd.  A read past
 * the end sets rd->err and returns 0; the caller checks rd_ok() once at the
 * end instead of branching after every field (the shape of Arkime's bsb and
 * tcpdump's GET_* macros).  No pointer arithmetic on wire data happens
 * outside this header.
 *
 * What a caller may rely on:
 *  - no function reads outside [base, base+len);
 *  - once err is set it stays set, and every later read returns 0 / NULL;
 *  - rd_sub() gives a bounded view of (offset, length) inside the buffer,
 *    with the range checked once here.
 */
#ifndef AUTHSCOPE_RD_H
#define AUTHSCOPE_RD_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

struct rd {
	const uint8_t *base;
	size_t len;
	size_t pos;
	bool err;
};

static inline struct rd rd_init(const void *p, size_t len)
{
	struct rd r = { (const uint8_t *)p, p ? len : 0, 0, false };
	return r;
}

static inline bool rd_ok(const struct rd *r) { return !r->err; }
static inline size_t rd_left(const struct rd *r) { return r->err ? 0 : r->len - r->pos; }
static inline size_t rd_pos(const struct rd *r) { return r->pos; }
static inline const uint8_t *rd_ptr(const struct rd *r) { return r->err ? NULL : r->base + r->pos; }

/* true when n more bytes are available; sets err otherwise */
static inline bool rd_need(struct rd *r, size_t n)
{
	if (r->err || n > r->len - r->pos) {
		r->err = true;
		return false;
	}
	return true;
}

static inline void rd_skip(struct rd *r, size_t n)
{
	if (rd_need(r, n))
		r->pos += n;
}

/* absolute seek inside the buffer */
static inline void rd_seek(struct rd *r, size_t off)
{
	if (r->err || off > r->len)
		r->err = true;
	else
		r->pos = off;
}

/* pointer to the next n bytes, and advance; NULL on short buffer */
static inline const uint8_t *rd_bytes(struct rd *r, size_t n)
{
	const uint8_t *p;
	if (!rd_need(r, n))
		return NULL;
	p = r->base + r->pos;
	r->pos += n;
	return p;
}

static inline uint8_t rd_u8(struct rd *r)
{
	return rd_need(r, 1) ? r->base[r->pos++] : 0;
}

/* one unaligned load and a byte swap where needed: the compiler does not
   always see that in a shift-and-or of single bytes */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RD_FROM_BE16(v) (v)
#define RD_FROM_BE32(v) (v)
#define RD_FROM_LE16(v) __builtin_bswap16(v)
#define RD_FROM_LE32(v) __builtin_bswap32(v)
#else
#define RD_FROM_BE16(v) __builtin_bswap16(v)
#define RD_FROM_BE32(v) __builtin_bswap32(v)
#define RD_FROM_LE16(v) (v)
#define RD_FROM_LE32(v) (v)
#endif

static inline uint16_t rd_be16(struct rd *r)
{
	uint16_t v;
	if (!rd_need(r, 2))
		return 0;
	memcpy(&v, r->base + r->pos, 2);
	r->pos += 2;
	return RD_FROM_BE16(v);
}

static inline uint32_t rd_be32(struct rd *r)
{
	uint32_t v;
	if (!rd_need(r, 4))
		return 0;
	memcpy(&v, r->base + r->pos, 4);
	r->pos += 4;
	return RD_FROM_BE32(v);
}

static inline uint16_t rd_le16(struct rd *r)
{
	uint16_t v;
	if (!rd_need(r, 2))
		return 0;
	memcpy(&v, r->base + r->pos, 2);
	r->pos += 2;
	return RD_FROM_LE16(v);
}

static inline uint32_t rd_le32(struct rd *r)
{
	uint32_t v;
	if (!rd_need(r, 4))
		return 0;
	memcpy(&v, r->base + r->pos, 4);
	r->pos += 4;
	return RD_FROM_LE32(v);
}

static inline uint64_t rd_le64(struct rd *r)
{
	uint64_t lo = rd_le32(r);
	uint64_t hi = rd_le32(r);
	return lo | (hi << 32);
}

/*
 * A bounded view of [off, off+n) of r's whole buffer (absolute offsets, as
 * NTLMSSP's (length, offset) fields are).  On a bad range the returned view
 * has err set and r is marked too, so the caller sees it on rd_ok(r).
 */
static inline struct rd rd_sub(struct rd *r, size_t off, size_t n)
{
	struct rd s = { NULL, 0, 0, true };
	if (r->err || off > r->len || n > r->len - off) {
		r->err = true;
		return s;
	}
	s.base = r->base + off;
	s.len = n;
	s.err = false;
	return s;
}

/* a bounded view of the next n bytes, and advance past them */
static inline struct rd rd_take(struct rd *r, size_t n)
{
	struct rd s = rd_sub(r, r->pos, n);
	if (!s.err)
		r->pos += n;
	return s;
}

#endif
