/* der.c - see der.h */
#include "ntlm/der.h"

#include <string.h>

static const char *read_tag(struct rd *r, struct der_tlv *t)
{
	uint8_t b = rd_u8(r);
	int n = 0;

	if (!rd_ok(r))
		return "der_truncated";
	t->cls = (enum der_class)(b >> 6);
	t->constructed = (b & 0x20) != 0;
	t->tag = b & 0x1f;
	if (t->tag != 0x1f)
		return NULL;
	/* high tag number form: base-128, bounded to 4 bytes */
	t->tag = 0;
	do {
		b = rd_u8(r);
		if (!rd_ok(r))
			return "der_truncated";
		if (++n > 4)
			return "der_bad_tag";
		t->tag = (t->tag << 7) | (b & 0x7f);
	} while (b & 0x80);
	return NULL;
}

static const char *read_len(struct rd *r, size_t *len)
{
	uint8_t b = rd_u8(r);
	int n;

	if (!rd_ok(r))
		return "der_truncated";
	if (b < 0x80) {
		*len = b;
		return NULL;
	}
	if (b == 0x80)
		return "der_indefinite_length";
	n = b & 0x7f;
	if (n > 4)
		return "der_bad_length";
	*len = 0;
	while (n-- > 0) {
		uint8_t x = rd_u8(r);
		if (!rd_ok(r))
			return "der_truncated";
		*len = (*len << 8) | x;
	}
	return NULL;
}

const char *der_next(struct rd *r, struct der_tlv *t)
{
	size_t start = rd_pos(r), len = 0;
	const char *bad;

	memset(t, 0, sizeof *t);
	t->val.err = t->whole.err = true;
	if (!rd_ok(r) || rd_left(r) == 0)
		return "der_truncated";
	if ((bad = read_tag(r, t)) || (bad = read_len(r, &len)))
		return bad;
	if (len > rd_left(r))
		return "der_bad_length";
	t->val = rd_take(r, len);
	t->whole = rd_sub(r, start, rd_pos(r) - start);
	return NULL;
}

static const char *check_level(struct rd r, int depth)
{
	while (rd_left(&r) > 0) {
		struct der_tlv t;
		const char *bad = der_next(&r, &t);
		if (bad)
			return bad;
		if (t.constructed) {
			if (depth + 1 > DER_MAX_DEPTH)
				return "der_too_deep";
			if ((bad = check_level(t.val, depth + 1)))
				return bad;
		}
	}
	return NULL;
}

const char *der_check(struct rd r)
{
	return check_level(r, 0);
}

bool der_int(struct rd v, int64_t *out)
{
	size_t n = rd_left(&v), i;
	uint64_t x;

	if (n == 0 || n > 8)
		return false;
	x = rd_u8(&v);
	if (x & 0x80)
		x |= ~(uint64_t)0xff;   /* sign extend */
	for (i = 1; i < n; i++)
		x = (x << 8) | rd_u8(&v);
	*out = (int64_t)x;
	return rd_ok(&v);
}

bool der_bits32(struct rd v, uint32_t *out)
{
	uint32_t x = 0;
	int i;

	if (rd_left(&v) < 1)
		return false;
	(void)rd_u8(&v);   /* unused-bit count: the bits are read as written */
	for (i = 0; i < 4; i++)
		x = (x << 8) | (rd_left(&v) ? rd_u8(&v) : 0);
	*out = x;
	return rd_ok(&v);
}

/* append the decimal digits of v at buf[*o], keeping room for the NUL */
static bool put_dec(char *buf, size_t n, size_t *o, uint64_t v)
{
	char tmp[24];
	int k = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (*o + (size_t)k >= n)
		return false;
	while (k > 0)
		buf[(*o)++] = tmp[--k];
	return true;
}

bool der_oid_str(struct rd v, char *buf, size_t n)
{
	size_t o = 0;
	bool first = true;

	if (n == 0)
		return false;
	buf[0] = '\0';
	if (rd_left(&v) == 0)
		return false;
	while (rd_left(&v) > 0) {
		uint64_t arc = 0;
		uint8_t b;
		int k = 0;
		do {
			b = rd_u8(&v);
			if (!rd_ok(&v) || ++k > 9)
				goto bad;
			arc = (arc << 7) | (b & 0x7f);
		} while (b & 0x80);
		if (first) {
			unsigned a = arc < 40 ? 0 : arc < 80 ? 1 : 2;
			if (!put_dec(buf, n, &o, a))
				goto bad;
			arc -= 40u * a;
			first = false;
		}
		if (o + 1 >= n)
			goto bad;
		buf[o++] = '.';
		if (!put_dec(buf, n, &o, arc))
			goto bad;
	}
	buf[o] = '\0';
	return true;
bad:
	buf[0] = '\0';
	return false;
}

bool der_is(const struct der_tlv *t, enum der_class cls, uint32_t tag)
{
	return t->cls == cls && t->tag == tag;
}

const char *der_walk_fields(struct rd seq, der_field_fn fn, void *ctx,
			    const char *not_tagged)
{
	while (rd_left(&seq) > 0) {
		struct der_tlv f, inner;
		struct rd fv;
		const char *bad = der_next(&seq, &f);
		if (bad)
			return bad;
		if (f.cls != DER_CONTEXT || !f.constructed)
			return not_tagged;
		fv = f.val;
		if ((bad = der_next(&fv, &inner)))
			return bad;
		if ((bad = fn(f.tag, &inner, ctx)))
			return bad;
	}
	return NULL;
}
