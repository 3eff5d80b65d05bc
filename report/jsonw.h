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
 *  - jsonw_flush writes the whole line (with its '\n') in one fwrite.
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

struct jsonw {
	char *buf;
	size_t len, cap;
	bool failed;          /* allocation failed for this line */
	bool need_comma;      /* a member was written in the open object */
	bool spaced;          /* ", " and ": " (jansson's default look) */
};

void jsonw_init(struct jsonw *w, bool spaced);
void jsonw_free(struct jsonw *w);
/* start a new line, keeping the buffer */
void jsonw_reset(struct jsonw *w);
/* append '\n' and fwrite the line at once; -1 when the line failed or
   the write fell short */
int jsonw_flush(struct jsonw *w, FILE *out);

/* raw bytes, no escaping */
void jsonw_raw(struct jsonw *w, const char *s, size_t n);
void jsonw_cstr(struct jsonw *w, const char *s);       /* s may be NULL: nothing */
void jsonw_ch(struct jsonw *w, char c);
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
void jsonw_obj_open(struct jsonw *w, const char *key);   /* key NULL: top level */
void jsonw_obj_close(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);         /* "key": */
/* a JSON string value (escaped), or null when s is NULL */
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_kv_str(struct jsonw *w, const char *key, const char *s);
void jsonw_kv_strn(struct jsonw *w, const char *key, const char *s, size_t n);
void jsonw_kv_u64(struct jsonw *w, const char *key, uint64_t v);
void jsonw_kv_i64(struct jsonw *w, const char *key, int64_t v);
void jsonw_kv_bool(struct jsonw *w, const char *key, bool v);
void jsonw_kv_null(struct jsonw *w, const char *key);
/* a value already formatted as JSON (number text, nested object) */
void jsonw_kv_rawval(struct jsonw *w, const char *key, const char *json);

#endif
