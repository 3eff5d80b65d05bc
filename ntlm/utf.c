/* utf.c - see utf.h */
#include "ntlm/utf.h"

#include <stdlib.h>
#include <stdbool.h>

#define REPLACEMENT 0xFFFDu

/* append one code point; out has room (callers size for 4 bytes/unit) */
static size_t put_cp(char *out, size_t o, uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = REPLACEMENT;
	if (cp < 0x80) {
		out[o++] = (char)cp;
	} else if (cp < 0x800) {
		out[o++] = (char)(0xC0 | (cp >> 6));
		out[o++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out[o++] = (char)(0xE0 | (cp >> 12));
		out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[o++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[o++] = (char)(0xF0 | (cp >> 18));
		out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[o++] = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

char *utf16le_to_utf8(const uint8_t *p, size_t n)
{
	/* each 2-byte unit yields at most 3 bytes; a pair 4 bytes for 4 in */
	char *out = malloc((n / 2 + 1) * 3 + 1);
	size_t o = 0, i = 0;

	if (!out)
		return NULL;
	while (p && i + 1 < n) {
		uint32_t u = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
		i += 2;
		if (u - 1 < 0x7f) {      /* U+0001..U+007F: most names */
			out[o++] = (char)u;
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
			uint32_t lo = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				i += 2;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
			}
		}
		o = put_cp(out, o, u);   /* lone surrogates become U+FFFD */
	}
	if (p && i < n)
		o = put_cp(out, o, REPLACEMENT);
	out[o] = '\0';
	return out;
}

/* length of a valid UTF-8 sequence at p (1..4), 0 when invalid */
static size_t utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t len, k;
	uint32_t c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3F);
	}
	/* overlong, surrogate and out-of-range forms are invalid */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

char *bytes_to_utf8(const uint8_t *p, size_t n)
{
	char *out = malloc(n * 3 + 1);
	size_t o = 0, i = 0;

	if (!out)
		return NULL;
	while (p && i < n) {
		uint32_t cp;
		size_t k;
		if ((unsigned)p[i] - 1 < 0x7f) {   /* ASCII but NUL: as is */
			out[o++] = (char)p[i++];
			continue;
		}
		k = utf8_seq(p + i, n - i, &cp);
		if (k == 0) {
			cp = REPLACEMENT;
			k = 1;
		}
		o = put_cp(out, o, cp);
		i += k;
	}
	out[o] = '\0';
	return out;
}
