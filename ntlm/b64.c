/* b64.c - see b64.h */
#include "ntlm/b64.h"

#include <stdlib.h>

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
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
	for (i = 0; i < n; i += 4) {
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
