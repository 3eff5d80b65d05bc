/* b64.c - see b64.h */
#include "ntlm/b64.h"

#include <stdlib.h>
#include <string.h>

/* alphabet value + 1, 0 for bytes outside it: one load per character on
   the hot path (every NTLM / Negotiate header goes through here) */
static const uint8_t b64_table[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7,
	['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
	['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
	['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26,
	['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33,
	['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
	['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47,
	['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59,
	['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

static int b64_val(unsigned char c)
{
	return (int)b64_table[c] - 1;
}

/*
 * The fast path's tables: for each of a quad's four positions, the
 * character's six bits already moved to where they land in the three
 * output bytes (byte 0 first, as a little-endian word), or B64_BAD, a
 * bit no valid character sets, so one OR of four loads both assembles
 * the quad and tells whether all four were in the alphabet.  Built by
 * the compiler from the alphabet, never at run time.
 */
#define B64_V(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' :                   \
		  (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26 :                \
		  (c) >= '0' && (c) <= '9' ? (c) - '0' + 52 :                \
		  (c) == '+' ? 62 : (c) == '/' ? 63 : -1)
#define B64_BAD 0x01000000u
#define B64_Q0(v) ((uint32_t)(v) << 2)
#define B64_Q1(v) ((uint32_t)(v) >> 4 | ((uint32_t)(v) & 0xf) << 12)
#define B64_Q2(v) ((uint32_t)(v) >> 2 << 8 | ((uint32_t)(v) & 0x3) << 22)
#define B64_Q3(v) ((uint32_t)(v) << 16)
#define B64_E(Q, c) (B64_V(c) < 0 ? B64_BAD : Q(B64_V(c))),
#define B64_R4(Q, c) B64_E(Q, c) B64_E(Q, (c) + 1) B64_E(Q, (c) + 2) B64_E(Q, (c) + 3)
#define B64_R16(Q, c) B64_R4(Q, c) B64_R4(Q, (c) + 4) B64_R4(Q, (c) + 8) B64_R4(Q, (c) + 12)
#define B64_R64(Q, c) B64_R16(Q, c) B64_R16(Q, (c) + 16) B64_R16(Q, (c) + 32) B64_R16(Q, (c) + 48)
#define B64_R256(Q) { B64_R64(Q, 0) B64_R64(Q, 64) B64_R64(Q, 128) B64_R64(Q, 192) }

static const uint32_t b64_q[4][256] = {
	B64_R256(B64_Q0), B64_R256(B64_Q1), B64_R256(B64_Q2), B64_R256(B64_Q3),
};

static uint32_t b64_quad(const unsigned char *u)
{
	return b64_q[0][u[0]] | b64_q[1][u[1]] | b64_q[2][u[2]] | b64_q[3][u[3]];
}

/* the three bytes of an assembled quad; o has a fourth byte of room */
static void put_quad(uint8_t *o, uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(o, &x, 4);
#else
	o[0] = (uint8_t)x;
	o[1] = (uint8_t)(x >> 8);
	o[2] = (uint8_t)(x >> 16);
#endif
}

bool b64_char(char c)
{
	return c == '=' || b64_val((unsigned char)c) >= 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool b64_decode(const char *s, size_t n, uint8_t **out, size_t *out_len)
{
	size_t i, o = 0, pad = 0;
	uint8_t *buf;

	*out = NULL;
	*out_len = 0;
	while (n > 0 && is_ws(s[0])) { s++; n--; }
	while (n > 0 && is_ws(s[n - 1])) n--;
	if (n % 4 != 0)
		return false;
	if (n >= 1 && s[n - 1] == '=')
		pad = (n >= 2 && s[n - 2] == '=') ? 2 : 1;
	buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return false;
	/* every quad but the last has no padding: the fast path, four
	   table loads and one word store per quad (the word's spare fourth
	   byte lands where the next quad goes: the last quad is not done
	   here, so it never reaches past buf) */
	const unsigned char *u = (const unsigned char *)s;
	i = 0;
	/* two quads a step while two full ones precede the last */
	for (; n >= 12 && i < n - 8; i += 8, o += 6) {
		uint32_t x = b64_quad(u + i), y = b64_quad(u + i + 4);
		if ((x | y) & B64_BAD)
			goto bad;
		put_quad(buf + o, x);
		put_quad(buf + o + 3, y);
	}
	for (; n >= 4 && i < n - 4; i += 4, o += 3) {
		uint32_t x = b64_quad(u + i);
		if (x & B64_BAD)
			goto bad;
		put_quad(buf + o, x);
	}
	for (; i < n; i += 4) {
		int v[4], k;
		bool last = (i + 4 == n);
		for (k = 0; k < 4; k++) {
			bool pad_slot = last && k >= 4 - (int)pad;
			v[k] = pad_slot ? (s[i + k] == '=' ? 0 : -1) : b64_val((unsigned char)s[i + k]);
			if (v[k] < 0)
				goto bad;
		}
		buf[o++] = (uint8_t)((v[0] << 2) | (v[1] >> 4));
		if (!(last && pad == 2))
			buf[o++] = (uint8_t)(((v[1] & 0xF) << 4) | (v[2] >> 2));
		if (!(last && pad >= 1))
			buf[o++] = (uint8_t)(((v[2] & 0x3) << 6) | v[3]);
		/* canonical encodings leave the bits under '=' zero */
		if (last && pad == 2 && (v[1] & 0xF))
			goto bad;
		if (last && pad == 1 && (v[2] & 0x3))
			goto bad;
	}
	*out = buf;
	*out_len = o;
	return true;
bad:
	free(buf);
	return false;
}
