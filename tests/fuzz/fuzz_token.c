/*
 * fuzz_token.c - libFuzzer target for auth_token_decode and
 * auth_challenges_decode (run by `make fuzz`, tests/fuzz/fuzz.mk).
 *
 * The first input byte picks what the rest is:
 *   0  a header value for auth_token_decode
 *   1  a header value for auth_challenges_decode
 *   2  the binary token of "NTLM <base64>", 3 of "Negotiate <base64>":
 *      base64-encoded here, so mutations hit the NTLMSSP / DER structure
 *      instead of the base64 text.
 * Every result is also rendered as JSON, and Kerberos' ap_req pointer is
 * checked to lie inside the token's raw bytes.
 *
 * Seeds (tests/fuzz/corpus/fuzz_token/): every value of
 * tests/unit/test_token_samples.h as text (mode 0) and as raw bytes
 * (mode 2/3), the MS-NLMP 4.2 messages raw, a challenge list, Basic and
 * Digest values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "ntlm/token.h"
#include "ntlm/token_json.h"

#define MAX_CHALLENGES 8

static char *b64(const uint8_t *p, size_t n, const char *prefix)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t pl = strlen(prefix), i;
	char *o = malloc(pl + n / 3 * 4 + 8), *q;
	if (!o)
		return NULL;
	memcpy(o, prefix, pl);
	q = o + pl;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*q++ = a[v >> 18]; *q++ = a[(v >> 12) & 63]; *q++ = a[(v >> 6) & 63]; *q++ = a[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		*q++ = a[v >> 18]; *q++ = a[(v >> 12) & 63]; *q++ = '='; *q++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*q++ = a[v >> 18]; *q++ = a[(v >> 12) & 63]; *q++ = a[(v >> 6) & 63]; *q++ = '=';
	}
	*q = '\0';
	return o;
}

static void check(const struct auth_token *t)
{
	json_t *j = auth_token_to_json(t, true);
	char *s = json_dumps(j, JSON_COMPACT);
	/* every string is valid UTF-8, so no key is ever dropped by jansson */
	if (!s || (t->scheme != SCHEME_NONE && !json_is_string(json_object_get(j, "scheme"))))
		abort();
	free(s);
	json_decref(j);
	if (t->krb.ap_req) {
		/* must point inside raw: compare as integers, no arithmetic */
		uintptr_t lo = (uintptr_t)t->raw, hi = lo + t->raw_len;
		uintptr_t p = (uintptr_t)t->krb.ap_req;
		if (p < lo || p + t->krb.ap_req_len > hi)
			abort();
	}
	if (t->ntlm.user && !t->has_data)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_token toks[MAX_CHALLENGES];
	char *value;
	size_t n;
	int count;

	if (size < 1)
		return 0;
	n = size - 1;
	switch (data[0] & 3) {
	case 0:
	case 1:
		/* an exact-size heap copy, so ASan catches any over-read */
		value = malloc(n ? n : 1);
		if (!value)
			return 0;
		memcpy(value, data + 1, n);
		if (data[0] & 1) {
			count = auth_challenges_decode(value, n, AUTH_KEEP_SECRETS, toks, MAX_CHALLENGES);
			for (int i = 0; i < count; i++) {
				check(&toks[i]);
				auth_token_free(&toks[i]);
			}
		} else {
			auth_token_decode(value, n, AUTH_KEEP_SECRETS, &toks[0]);
			check(&toks[0]);
			auth_token_free(&toks[0]);
		}
		free(value);
		break;
	default:
		value = b64(data + 1, n, (data[0] & 3) == 2 ? "NTLM " : "Negotiate ");
		if (!value)
			return 0;
		auth_token_decode(value, strlen(value), AUTH_KEEP_SECRETS, &toks[0]);
		check(&toks[0]);
		auth_token_free(&toks[0]);
		free(value);
		break;
	}
	return 0;
}
