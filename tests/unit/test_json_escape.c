/*
 * test_json_escape.c - jsonw_strn against a byte-at-a-time reference:
 * every length up to 80 with the byte that needs escaping (or starts a
 * UTF-8 sequence) at every position, and random strings rich in those
 * bytes.  The escaper works on 16-, 8- and 4-byte words with overlapping
 * last words: the edges are where it could go wrong.
 * test_json_escape_portable.c runs the same on the word-at-a-time
 * fallback (JSONW_PORTABLE).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report/jsonw.h"

/* Unicode Table 3-7: length of the well-formed sequence at p, else 0 and
   *bad the maximal ill-formed subpart */
static size_t ref_utf8(const uint8_t *p, size_t left, size_t *bad)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return *bad = 1, 0;
	for (i = 1; i < need && i < left; i++) {
		uint8_t lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xbf;
		if (p[i] < lo_i || p[i] > hi_i)
			break;
	}
	if (i == need)
		return need;
	return *bad = i, 0;
}

static size_t ref_escape(char *o, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0, i = 0;

	o[k++] = '"';
	while (i < n) {
		uint8_t c = s[i];
		size_t bad = 0, ok;
		if (c == '"' || c == '\\') {
			o[k++] = '\\';
			o[k++] = (char)c;
			i++;
		} else if (c < 0x20) {
			const char *sh = strchr("\nn\rr\tt\bb\ff", c);
			if (c && sh) {
				o[k++] = '\\';
				o[k++] = sh[1];
			} else {
				memcpy(o + k, "\\u00", 4);
				o[k + 4] = hex[c >> 4];
				o[k + 5] = hex[c & 15];
				k += 6;
			}
			i++;
		} else if (c < 0x80) {
			o[k++] = (char)c;
			i++;
		} else if ((ok = ref_utf8(s + i, n - i, &bad)) != 0) {
			memcpy(o + k, s + i, ok);
			k += ok;
			i += ok;
		} else {
			memcpy(o + k, "\xef\xbf\xbd", 3);
			k += 3;
			i += bad;
		}
	}
	o[k++] = '"';
	return k;
}

/* s copied to the end of a heap block of exactly n bytes, so ASan sees
   any read past it */
static void check(const uint8_t *src, size_t n)
{
	uint8_t *s = malloc(n ? n : 1);
	char *want = malloc(6 * n + 4);
	struct jsonw w;

	assert_non_null(s);
	assert_non_null(want);
	memcpy(s, src, n);
	size_t k = ref_escape(want, s, n);
	jsonw_init(&w, false);
	jsonw_strn(&w, (const char *)s, n);
	assert_false(w.failed);
	if (w.len != k || memcmp(w.buf, want, k) != 0)
		fail_msg("length %zu: escaped text differs", n);
	jsonw_free(&w);
	free(want);
	free(s);
}

static const uint8_t specials[] = {
	'"', '\\', 0x00, 0x01, '\n', 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc3,
	0xe2, 0xed, 0xf0, 0xf4, 0xf5, 0xff,
};

static void test_every_position(void **state)
{
	uint8_t s[80];

	(void)state;
	for (size_t n = 0; n <= sizeof(s); n++) {
		memset(s, 'a', n);
		check(s, n);
		for (size_t at = 0; at < n; at++)
			for (size_t k = 0; k < sizeof(specials); k++) {
				memset(s, 'a', n);
				s[at] = specials[k];
				check(s, n);
				/* a valid two-byte sequence across the position */
				if (at + 1 < n) {
					s[at] = 0xc3;
					s[at + 1] = 0xa9;
					check(s, n);
				}
			}
	}
}

static void test_random(void **state)
{
	static const uint8_t pool[] = {
		'a', 'b', ' ', '/', '~', '"', '\\', 0x00, '\t', 0x1b, 0x7f,
		0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0,
		0xf4, 0xf8, 0xff,
	};
	uint8_t s[100];
	uint32_t x = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		x = x * 1103515245u + 12345u;
		size_t n = (x >> 8) % sizeof(s);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			/* mostly plain, so long runs meet the word paths */
			s[i] = (x >> 24) % 4 ? (uint8_t)('a' + (x >> 8) % 26)
					     : pool[(x >> 16) % sizeof(pool)];
		}
		check(s, n);
	}
}

static void test_null(void **state)
{
	struct jsonw w;

	(void)state;
	jsonw_init(&w, false);
	jsonw_strn(&w, NULL, 5);
	assert_int_equal(w.len, 4);
	assert_memory_equal(w.buf, "null", 4);
	jsonw_free(&w);
}

static void test_numbers(void **state)
{
	static const uint64_t v[] = {
		0, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535, 99999,
		100000, 1234567, 4294967295ULL, 10000000000000000000ULL,
		UINT64_MAX,
	};
	char buf[32], want[32];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *e = jsonw_put_u64(buf, v[i]);
		int k = snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		assert_int_equal(e - buf, k);
		assert_memory_equal(buf, want, (size_t)k);
		e = jsonw_put_i64(buf, -(int64_t)(v[i] / 2) - 1);
		k = snprintf(want, sizeof(want), "%lld", -(long long)(v[i] / 2) - 1);
		assert_int_equal(e - buf, k);
		assert_memory_equal(buf, want, (size_t)k);
	}
	assert_int_equal(jsonw_put_i64(buf, INT64_MIN) - buf, 20);
	assert_memory_equal(buf, "-9223372036854775808", 20);
	for (int width = 1; width <= 7; width++) {
		char *e = jsonw_put_u64_pad(buf, 1234567, width);
		assert_int_equal(e - buf, width);
		snprintf(want, sizeof(want), "%07d", 1234567);
		assert_memory_equal(buf, want + 7 - width, (size_t)width);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_position),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
