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
	w->len = w->cap = w->line = 0;
}

void jsonw_reset(struct jsonw *w)
{
	w->len = w->line;
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
const char jsonw_digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned u64_ndigits(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

/* written backwards from its last digit, in place: no copy */
static char *put_u64_wide(char *p, uint64_t v)
{
	char *e = p + u64_ndigits(v), *q = e;

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		q -= 2;
		memcpy(q, jsonw_digits2 + 2 * r, 2);
	}
	if (v >= 10)
		memcpy(q - 2, jsonw_digits2 + 2 * v, 2);
	else
		q[-1] = (char)('0' + v);
	return e;
}

/* the same in 32 bits (ports, lengths, ids): cheaper divisions */
char *jsonw_put_u64_big(char *p, uint64_t v)
{
	if (v > UINT32_MAX)
		return put_u64_wide(p, v);
	uint32_t x = (uint32_t)v;
	unsigned n = x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 :
		     x < 1000000 ? 6 : x < 10000000 ? 7 : x < 100000000 ? 8 :
		     x < 1000000000 ? 9 : 10;
	char *e = p + n, *q = e;

	while (x >= 100) {
		uint32_t d = x / 100;
		q -= 2;
		memcpy(q, jsonw_digits2 + 2 * (x - 100 * d), 2);
		x = d;
	}
	if (x >= 10)
		memcpy(q - 2, jsonw_digits2 + 2 * x, 2);
	else
		q[-1] = (char)('0' + x);
	return e;
}

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	char *p = jsonw_begin(w, JSONW_U64_ROOM);

	if (p)
		jsonw_end(w, jsonw_put_u64(p, v));
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
	char *p = jsonw_begin(w, (size_t)width);

	if (p)
		jsonw_end(w, jsonw_put_u64_pad(p, v, width));
}

int jsonw_flush(struct jsonw *w, FILE *out)
{
	int rc = jsonw_end_line(w);

	if (jsonw_write(w, out) != 0)
		rc = -1;
	return rc;
}

int jsonw_end_line(struct jsonw *w)
{
	jsonw_ch(w, '\n');
	if (w->failed) {
		jsonw_reset(w);
		return -1;
	}
	w->line = w->len;
	jsonw_reset(w);
	return 0;
}

int jsonw_write(struct jsonw *w, FILE *out)
{
	size_t n = w->line;
	size_t put = n ? fwrite(w->buf, 1, n, out) : 0;

	/* a line begun meanwhile (none today) moves to the front */
	memmove(w->buf, w->buf + n, w->len - n);
	w->len -= n;
	w->line = 0;
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

/* one byte of class 1; returns the end */
static char *put_escape(char *o, uint8_t c)
{
	char e;

	switch (c) {
	case '"':  e = '"'; break;
	case '\\': e = '\\'; break;
	case '\n': e = 'n'; break;
	case '\r': e = 'r'; break;
	case '\t': e = 't'; break;
	case '\b': e = 'b'; break;
	case '\f': e = 'f'; break;
	default:
		memcpy(o, "\\u00", 4);
		o[4] = hexdig[c >> 4];
		o[5] = hexdig[c & 15];
		return o + 6;
	}
	o[0] = '\\';
	o[1] = e;
	return o + 2;
}

#if defined(__SSE2__) && !defined(JSONW_PORTABLE)
#include <emmintrin.h>

/* bit i set when byte i of v is not copied as is: < 0x20 or >= 0x80 (one
   signed compare catches both), '"' or '\\' */
static inline unsigned vec_hits(__m128i v)
{
	__m128i c = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));

	c = _mm_or_si128(c, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
	c = _mm_or_si128(c, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	return (unsigned)_mm_movemask_epi8(c);
}

/*
 * How many leading bytes of s[0..n) are plain; they are copied to o on
 * the way.  Sixteen bytes per step, the last step overlapping the one
 * before; shorter strings as two overlapping halves of eight or four.
 * Never a byte outside s[0..n) is read nor outside o[0..n) written
 * (bytes past the answer may be written: the caller overwrites them).
 */
static inline __attribute__((always_inline)) size_t
copy_plain(char *o, const char *s, size_t n)
{
	unsigned m;

	if (n >= 16) {
		size_t i = 0;
		__m128i v;
		for (; i + 16 <= n; i += 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)(o + i), v);
			m = vec_hits(v);
			if (m)
				return i + (size_t)__builtin_ctz(m);
		}
		if (i == n)
			return n;
		/* the last 16 bytes; those before i are known plain */
		size_t at = n - 16;
		v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
		_mm_storeu_si128((__m128i *)(void *)(o + at), v);
		m = vec_hits(v) & (0xffffu << (i - at));
		return m ? at + (size_t)__builtin_ctz(m) : n;
	}
	if (n >= 8) {
		uint64_t a, b;
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
		m = vec_hits(_mm_set_epi64x((long long)b, (long long)a));
		if (!m)
			return n;
		if (m & 0xff)
			return (size_t)__builtin_ctz(m);
		return n - 8 + (size_t)__builtin_ctz(m >> 8);
	}
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(o, &a, 4);
		memcpy(o + n - 4, &b, 4);
		m = vec_hits(_mm_set_epi32(0, 0, (int)b, (int)a)) & 0xff;
		if (!m)
			return n;
		if (m & 0xf)
			return (size_t)__builtin_ctz(m);
		return n - 4 + (size_t)__builtin_ctz(m >> 4);
	}
	size_t i = 0;
	while (i < n && json_class[(uint8_t)s[i]] == 0) {
		o[i] = s[i];
		i++;
	}
	return i;
}

#else  /* portable: eight bytes per step in a word */

/*
 * Nonzero when a byte of the word is not copied as is: >= 0x80, < 0x20,
 * '"' or '\\' (the usual SWAR zero-byte tests; a flagged word always
 * holds a real hit, the table then finds the exact byte).
 */
#define ONES64 0x0101010101010101ULL
#define HIGH64 0x8080808080808080ULL
static inline uint64_t word_hit(uint64_t x)
{
	uint64_t q = x ^ (ONES64 * '"'), b = x ^ (ONES64 * '\\');

	return (x | ((x - ONES64 * 0x20) & ~x) |
		((q - ONES64) & ~q) | ((b - ONES64) & ~b)) & HIGH64;
}

/* as above: only plain bytes are written to o here */
static inline __attribute__((always_inline)) size_t
copy_plain(char *o, const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 8) {
		uint64_t x;
		for (; i + 8 <= n; i += 8) {
			memcpy(&x, s + i, 8);
			if (word_hit(x))
				goto bytes;
			memcpy(o + i, &x, 8);
		}
		if (i == n)
			return n;
		memcpy(&x, s + n - 8, 8);
		if (!word_hit(x)) {
			memcpy(o + n - 8, &x, 8);
			return n;
		}
	}
bytes:
	while (i < n && json_class[(uint8_t)s[i]] == 0) {
		o[i] = s[i];
		i++;
	}
	return i;
}
#endif

/* from the first byte of s that is not plain (at i) to the end: escapes,
   UTF-8 checks, and plain runs between them; out of line, so the common
   case below stays small */
static __attribute__((noinline)) char *put_escaped(char *o, const char *s,
						   size_t n, size_t i)
{
	const uint8_t *p = (const uint8_t *)s;

	while (i < n) {
		uint8_t c = p[i];
		size_t bad = 0, ok;
		switch (json_class[c]) {
		case 1:
			o = put_escape(o, c);
			i++;
			break;
		case 2:
			ok = utf8_seq(p + i, n - i, &bad);
			if (ok) {
				memcpy(o, s + i, ok);
				o += ok;
				i += ok;
				break;
			}
			o = JSONW_LIT(o, "\xef\xbf\xbd");
			i += bad;
			break;
		default:
			o = JSONW_LIT(o, "\xef\xbf\xbd");
			i++;
			break;
		}
		size_t run = copy_plain(o, s + i, n - i);
		o += run;
		i += run;
	}
	*o++ = '"';
	return o;
}

char *jsonw_put_strn_slow(char *o, const char *s, size_t n)
{
	*o++ = '"';
	size_t run = copy_plain(o, s, n);
	if (run == n) {
		o[n] = '"';
		return o + n + 1;
	}
	return put_escaped(o + run, s, n, run);
}

void jsonw_strn(struct jsonw *w, const char *s, size_t n)
{
	char *o = jsonw_begin(w, jsonw_str_room(s ? n : 0));

	if (o)
		jsonw_end(w, jsonw_put_strn(o, s, n));
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
