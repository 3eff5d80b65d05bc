/*
 * jsonw.c - streaming line writer with JSON escaping; see jsonw.h.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

#define JSONW_MIN_CAP 4096

void jsonw_init(struct jsonw *w, bool spaced)
{
	memset(w, 0, sizeof(*w));
	w->spaced = spaced;
}

void jsonw_free(struct jsonw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

void jsonw_reset(struct jsonw *w)
{
	w->len = 0;
	w->failed = false;
	w->need_comma = false;
}

bool jsonw_grow_slow(struct jsonw *w, size_t n)
{
	if (w->failed)
		return false;
	if (n <= w->cap - w->len)
		return true;
	size_t want = w->cap ? w->cap : JSONW_MIN_CAP;
	while (want - w->len < n) {
		if (want > SIZE_MAX / 2) {
			w->failed = true;
			return false;
		}
		want *= 2;
	}
	char *nb = realloc(w->buf, want);
	if (!nb) {
		w->failed = true;
		return false;
	}
	w->buf = nb;
	w->cap = want;
	return true;
}

char *jsonw_reserve(struct jsonw *w, size_t n)
{
	if (!jsonw_grow(w, n))
		return NULL;
	char *p = w->buf + w->len;
	w->len += n;
	return p;
}

/* two digits per division: most values here are small (ports, status,
   lengths), so the loop runs once or twice */
static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	if (v < 10) {
		jsonw_ch(w, (char)('0' + v));
		return;
	}
	char tmp[20];
	char *e = tmp + sizeof(tmp), *p = e;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		p -= 2;
		memcpy(p, digits2 + 2 * r, 2);
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, digits2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	jsonw_raw(w, p, (size_t)(e - p));
}

void jsonw_i64(struct jsonw *w, int64_t v)
{
	if (v < 0) {
		jsonw_ch(w, '-');
		/* -(v+1)+1 avoids overflow on INT64_MIN */
		jsonw_u64(w, (uint64_t)(-(v + 1)) + 1);
	} else {
		jsonw_u64(w, (uint64_t)v);
	}
}

void jsonw_u64_pad(struct jsonw *w, uint64_t v, int width)
{
	char *p = jsonw_reserve(w, (size_t)width);
	if (!p)
		return;
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

int jsonw_flush(struct jsonw *w, FILE *out)
{
	jsonw_ch(w, '\n');
	if (w->failed) {
		jsonw_reset(w);
		return -1;
	}
	size_t n = w->len;
	size_t put = fwrite(w->buf, 1, n, out);
	jsonw_reset(w);
	return put == n ? 0 : -1;
}

/* --- JSON structure --- */

void jsonw_obj_close(struct jsonw *w)
{
	jsonw_ch(w, '}');
	w->need_comma = true;
}

/*
 * Byte classes for the escaper: 0 copy as is, 1 escape (control, '"',
 * '\\'), 2 start of a multi-byte sequence to validate, 3 never valid
 * in UTF-8 as a first byte (continuation, C0/C1 overlong leads, F5..FF).
 */
static const uint8_t json_class[256] = {
	/* 0x00..0x1f */
	1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
	/* 0x20..0x7f: only '"' (0x22) and '\\' (0x5c) */
	0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
	0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
	/* 0x80..0xbf continuation bytes */
	3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3, 3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,
	3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3, 3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,
	/* 0xc0, 0xc1 overlong; 0xc2..0xdf */
	3,3,2,2,2,2,2,2,2,2,2,2,2,2,2,2, 2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
	/* 0xe0..0xef */
	2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
	/* 0xf0..0xf4 valid leads, 0xf5..0xff never */
	2,2,2,2,2,3,3,3,3,3,3,3,3,3,3,3,
};

/*
 * Length of the well-formed UTF-8 sequence at p (1..4), or 0 when it is
 * ill-formed; then *bad is the length of its maximal ill-formed subpart,
 * which becomes one U+FFFD.  Ranges from Unicode Table 3-7.
 */
static size_t utf8_seq(const uint8_t *p, size_t left, size_t *bad)
{
	uint8_t c = p[0];
	size_t need;
	uint8_t lo = 0x80, hi = 0xbf;     /* allowed range of the 2nd byte */

	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0;            /* overlong */
		else if (c == 0xed)
			hi = 0x9f;            /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;            /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;            /* above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	size_t i = 1;
	for (; i < need && i < left; i++) {
		uint8_t b = p[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			break;
	}
	if (i == need)
		return need;
	*bad = i;
	return 0;
}

size_t jsonw_utf8_len(const char *s, size_t left)
{
	size_t bad;
	return left ? utf8_seq((const uint8_t *)s, left, &bad) : 0;
}

static const char hexdig[] = "0123456789abcdef";

static void json_escape_byte(struct jsonw *w, uint8_t c)
{
	switch (c) {
	case '"':  jsonw_raw(w, "\\\"", 2); return;
	case '\\': jsonw_raw(w, "\\\\", 2); return;
	case '\n': jsonw_raw(w, "\\n", 2); return;
	case '\r': jsonw_raw(w, "\\r", 2); return;
	case '\t': jsonw_raw(w, "\\t", 2); return;
	case '\b': jsonw_raw(w, "\\b", 2); return;
	case '\f': jsonw_raw(w, "\\f", 2); return;
	default: break;
	}
	char *o = jsonw_reserve(w, 6);
	if (!o)
		return;
	memcpy(o, "\\u00", 4);
	o[4] = hexdig[c >> 4];
	o[5] = hexdig[c & 15];
}

/*
 * Length of the leading run of bytes that are copied as is (class 0),
 * eight bytes per step: a word is plain when no byte is >= 0x80, < 0x20,
 * '"' or '\\' (the usual SWAR zero-byte tests; a flagged word is always
 * a real hit, then the table finds the exact byte).
 */
#define ONES64 0x0101010101010101ULL
#define HIGH64 0x8080808080808080ULL
static size_t plain_prefix(const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		uint64_t q = x ^ (ONES64 * '"'), b = x ^ (ONES64 * '\\');
		uint64_t hit = x | ((x - ONES64 * 0x20) & ~x) |
			       ((q - ONES64) & ~q) | ((b - ONES64) & ~b);
		if (hit & HIGH64)
			break;
	}
	while (i < n && json_class[p[i]] == 0)
		i++;
	return i;
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	if (!s) {
		jsonw_raw(w, "null", 4);
		return;
	}
	const uint8_t *p = (const uint8_t *)s;
	size_t i = plain_prefix(p, n);

	/* the common case: nothing to escape, one copy between the quotes */
	if (i == n) {
		if (!jsonw_grow(w, n + 2))
			return;
		char *o = w->buf + w->len;
		o[0] = '"';
		memcpy(o + 1, s, n);
		o[n + 1] = '"';
		w->len += n + 2;
		return;
	}
	/* worst case 6 bytes out per byte in: reserve once when it fits */
	jsonw_grow(w, n + 2);
	jsonw_ch(w, '"');
	jsonw_raw(w, s, i);
	while (i < n) {
		size_t run = i;
		while (run < n && json_class[p[run]] == 0)
			run++;
		if (run > i) {
			jsonw_raw(w, s + i, run - i);
			i = run;
			if (i == n)
				break;
		}
		uint8_t c = p[i];
		size_t bad = 0, ok;
		switch (json_class[c]) {
		case 1:
			json_escape_byte(w, c);
			i++;
			break;
		case 2:
			ok = utf8_seq(p + i, n - i, &bad);
			if (ok) {
				jsonw_raw(w, s + i, ok);
				i += ok;
				break;
			}
			jsonw_raw(w, "\xef\xbf\xbd", 3);
			i += bad;
			break;
		default:
			jsonw_raw(w, "\xef\xbf\xbd", 3);
			i++;
			break;
		}
	}
	jsonw_ch(w, '"');
}

void jsonw_str(struct jsonw *w, const char *s)
{
	jsonw_strn(w, s, s ? strlen(s) : 0);
}

void jsonw_kv_rawval(struct jsonw *w, const char *key, const char *json)
{
	jsonw_key(w, key);
	jsonw_cstr(w, json);
}
