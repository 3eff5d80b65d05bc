/*
 * jsonw.h - a small streaming writer: one line built in a reused buffer,
 * then written with one fwrite.
 *
 * Why not jansson: building and dumping a 20-key record with jansson costs
 * about 13 us; the record stream must keep up with libpcap (DESIGN.md).
 * Suricata's EVE output made the same move.
 *
 * What a caller may rely on:
 *  - jsonw_str() turns ANY byte string into a valid JSON string: '"' and
 *    '\\' escaped, control bytes as \u00XX (\n \r \t \b \f short forms),
 *    and every ill-formed UTF-8 sequence (stray continuation bytes,
 *    overlongs, surrogates, code points above U+10FFFF, truncated
 *    sequences) replaced by one U+FFFD per maximal ill-formed subpart
 *    (Unicode ch. 3 "best practice"), so a strict parser always accepts it;
 *  - keys are written as given: callers pass plain ASCII literals;
 *  - the buffer grows as needed and is kept between lines; when memory
 *    runs out the line is marked failed (jsonw_flush drops it, returns -1)
 *    instead of writing a truncated line;
 *  - jsonw_flush writes the whole line (with its '\n') in one fwrite;
 *    jsonw_end_line keeps finished lines in the buffer instead, and
 *    jsonw_write hands all of them over in one fwrite (report.c decides
 *    when): either way no line is ever handed over in part.
 *
 * The same buffer serves the text formats: jsonw_raw / jsonw_ch / jsonw_u64
 * append bytes without any escaping.
 */
#ifndef AUTHSCOPE_JSONW_H
#define AUTHSCOPE_JSONW_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

struct jsonw {
	char *buf;
	size_t len, cap;
	size_t line;          /* start of the line being built: the whole
				 lines before it wait for jsonw_write */
	bool failed;          /* allocation failed for this line */
	bool need_comma;      /* a member was written in the open object */
	bool spaced;          /* ", " and ": " (jansson's default look) */
};

void jsonw_init(struct jsonw *w, bool spaced);
void jsonw_free(struct jsonw *w);
/* start a new line, keeping the buffer */
void jsonw_reset(struct jsonw *w);
/* append '\n' and fwrite the line (with any lines waiting before it)
   at once; -1 when the line failed or the write fell short */
int jsonw_flush(struct jsonw *w, FILE *out);
/* append '\n' and keep the line, to be written later with the others
   by jsonw_write; -1 (and the line dropped) when it failed */
int jsonw_end_line(struct jsonw *w);
/* fwrite the whole lines kept so far in one go; -1 when it fell short */
int jsonw_write(struct jsonw *w, FILE *out);

/* room for n more bytes; false (and the line marked failed) when not */
bool jsonw_grow_slow(struct jsonw *w, size_t n);
static inline bool jsonw_grow(struct jsonw *w, size_t n)
{
	if (!w->failed && n <= w->cap - w->len)
		return true;
	return jsonw_grow_slow(w, n);
}

/* raw bytes, no escaping (inline: the hot path of every writer) */
static inline void jsonw_raw(struct jsonw *w, const char *s, size_t n)
{
	if (n == 0 || !jsonw_grow(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void jsonw_ch(struct jsonw *w, char c)
{
	if (jsonw_grow(w, 1))
		w->buf[w->len++] = c;
}

static inline void jsonw_cstr(struct jsonw *w, const char *s)   /* NULL: nothing */
{
	if (s)
		jsonw_raw(w, s, strlen(s));
}
void jsonw_u64(struct jsonw *w, uint64_t v);
void jsonw_i64(struct jsonw *w, int64_t v);
/* v zero-padded to width digits */
void jsonw_u64_pad(struct jsonw *w, uint64_t v, int width);
/* reserve n bytes and return where to write them (NULL on failure) */
char *jsonw_reserve(struct jsonw *w, size_t n);

/* length (2..4) of the well-formed UTF-8 sequence at s, 0 when the bytes
   there are not one (s[0] must be >= 0x80) */
size_t jsonw_utf8_len(const char *s, size_t left);

/* JSON structure */
void jsonw_obj_close(struct jsonw *w);
/* "key": -- inline so the key's strlen folds to a constant */
static inline void jsonw_key(struct jsonw *w, const char *key)
{
	size_t kl = strlen(key);
	if (!jsonw_grow(w, kl + 6))
		return;
	char *p = w->buf + w->len;
	if (!w->spaced) {
		/* the compact form (every JSON line): ',' stored always and
		   kept only after a member, the key copied at a constant length */
		p[0] = ',';
		p += w->need_comma;
		p[0] = '"';
		memcpy(p + 1, key, kl);
		p[kl + 1] = '"';
		p[kl + 2] = ':';
		w->len = (size_t)(p + kl + 3 - w->buf);
		w->need_comma = true;
		return;
	}
	if (w->need_comma) {
		*p++ = ',';
		if (w->spaced)
			*p++ = ' ';
	}
	*p++ = '"';
	memcpy(p, key, kl);
	p += kl;
	*p++ = '"';
	*p++ = ':';
	if (w->spaced)
		*p++ = ' ';
	w->len = (size_t)(p - w->buf);
	w->need_comma = true;
}

/* key NULL: top level; inline for the same constant-key reason */
static inline void jsonw_obj_open(struct jsonw *w, const char *key)
{
	if (key)
		jsonw_key(w, key);
	jsonw_ch(w, '{');
	w->need_comma = false;
}

/* a JSON string value (escaped), or null when s is NULL */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);

static inline void jsonw_kv_str(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	jsonw_str(w, s);
}

static inline void jsonw_kv_strn(struct jsonw *w, const char *key,
				 const char *s, size_t n)
{
	jsonw_key(w, key);
	jsonw_strn(w, s, n);
}

static inline void jsonw_kv_u64(struct jsonw *w, const char *key, uint64_t v)
{
	jsonw_key(w, key);
	jsonw_u64(w, v);
}

static inline void jsonw_kv_i64(struct jsonw *w, const char *key, int64_t v)
{
	jsonw_key(w, key);
	jsonw_i64(w, v);
}

static inline void jsonw_kv_bool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	if (v)
		jsonw_raw(w, "true", 4);
	else
		jsonw_raw(w, "false", 5);
}

static inline void jsonw_kv_null(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_raw(w, "null", 4);
}

/* a value already formatted as JSON (number text, nested object) */
void jsonw_kv_rawval(struct jsonw *w, const char *key, const char *json);

/*
 * Writing through a pointer, for records of a fixed shape: the caller
 * reserves a bound for the whole record once (jsonw_begin), writes with
 * the jsonw_put_* functions, which check nothing, and hands the end back
 * (jsonw_end).  Each put_ states the room it may use.
 */
/* room for n more bytes and where they start; NULL when the line failed */
static inline char *jsonw_begin(struct jsonw *w, size_t n)
{
	if (!jsonw_grow(w, n))
		return NULL;
	return w->buf + w->len;
}

static inline void jsonw_end(struct jsonw *w, char *p)
{
	w->len = (size_t)(p - w->buf);
}

/* a string literal: its length is a constant (no strlen, no call) */
#define JSONW_LIT(p, lit) \
	(memcpy((p), "" lit, sizeof(lit) - 1), (p) + sizeof(lit) - 1)

/* the most jsonw_put_strn writes for n bytes: "null" or quotes and up to
   six bytes per byte (\u00XX) */
static inline size_t jsonw_str_room(size_t n)
{
	return n > (SIZE_MAX - 4) / 6 ? SIZE_MAX : 6 * n + 4;
}

/* "00" "01" ... "99" */
extern const char jsonw_digits2[201];

#define JSONW_U64_ROOM 20
char *jsonw_put_u64_big(char *p, uint64_t v);   /* v >= 100 */
/* v in decimal; room JSONW_U64_ROOM.  Inline: most numbers in a record
   (ports aside) are below 100 */
static inline char *jsonw_put_u64(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	if (v < 100) {
		memcpy(p, jsonw_digits2 + 2 * v, 2);
		return p + 2;
	}
	return jsonw_put_u64_big(p, v);
}
/* v in decimal with its sign; room JSONW_U64_ROOM + 1 */
static inline char *jsonw_put_i64(char *p, int64_t v)
{
	if (v >= 0)
		return jsonw_put_u64(p, (uint64_t)v);
	*p = '-';
	/* -(v+1)+1 avoids overflow on INT64_MIN */
	return jsonw_put_u64(p + 1, (uint64_t)(-(v + 1)) + 1);
}
/* v zero-padded (or cut) to width digits; room width.  Inline: the
   width is a constant at every caller, the loop unrolls */
static inline char *jsonw_put_u64_pad(char *p, uint64_t v, int width)
{
	int i = width;

	while (i >= 2) {
		i -= 2;
		memcpy(p + i, jsonw_digits2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (i == 1)
		p[0] = (char)('0' + v % 10);
	return p + width;
}

/* jsonw_strn's output (s NULL: null); room jsonw_str_room(n).  The
   test for NULL inline: many of a record's strings are absent */
char *jsonw_put_strn_slow(char *p, const char *s, size_t n);   /* s != NULL */
static inline char *jsonw_put_strn(char *p, const char *s, size_t n)
{
	if (!s)
		return JSONW_LIT(p, "null");
	return jsonw_put_strn_slow(p, s, n);
}

#endif
