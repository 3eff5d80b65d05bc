/*
 * test_token_trunc.c - every token the tests know, cut at every length,
 * raw (the decoded bytes re-encoded) and as the base64 text: decoding
 * never crashes (this runs under ASan+UBSan in build-san) and never
 * yields a name that was not in the full token.  The rule: in a cut
 * token, user / domain / workstation / realm / sname are either absent or
 * identical to the full token's.
 *
 * Tokens: the MS-NLMP 4.2 messages and the capture samples
 * (test_token_samples.h), plus hand-built SPNEGO / Kerberos / Basic /
 * Digest values (marked below).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "ntlm/b64.h"
#include "ntlm/token.h"
#include "test_token_samples.h"
#include "test_token_util.h"

/* MS-NLMP 4.2.2.3, 4.2.3.3, 4.2.4.3 messages (see test_ntlm.c) */
static const char *const nlmp_hex[] = {
	"4e544c4d53535000020000000c000c003800000033820a820123456789abcdef"
	"00000000000000000000000000000000060070170000000f5300650072007600"
	"65007200",
	"4e544c4d5353500003000000180018006c00000018001800840000000c000c00"
	"480000000800080054000000100010005c000000100010009c000000358280e2"
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
	"4d005000550054004500520098def7b87f88aa5dafe2df779688a172def11c7d"
	"5ccdef1367c43011f30298a2ad35ece64f16331c44bdbed927841f94518822b1"
	"b3f350c8958682ecbb3e3cb7",
	"4e544c4d5353500003000000180018006c00000018001800840000000c000c00"
	"480000000800080054000000100010005c000000000000009c00000035820882"
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
	"4d0050005500540045005200aaaaaaaaaaaaaaaa000000000000000000000000"
	"000000007537f803ae367128ca458204bde7caf81e97ed2683267232",
	"4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef"
	"00000000000000002400240044000000060070170000000f5300650072007600"
	"6500720002000c0044006f006d00610069006e0001000c005300650072007600"
	"6500720000000000",
	"4e544c4d5353500003000000180018006c00000054005400840000000c000c00"
	"480000000800080054000000100010005c00000010001000d8000000358288e2"
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
	"4d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaa"
	"aaaaaaaa68cd0ab851e51c96aabc927bebef6a1c010100000000000000000000"
	"00000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00"
	"01000c005300650072007600650072000000000000000000c5dad2544fc97990"
	"94ce1ce90bc9d03e",
};

/* text values (hand-built except where noted) */
static const char *const text_values[] = {
	"Basic dXNlcjpwYXNzd29yZA==",
	"Basic w6R4OnA6cQ==",
	/* RFC 7616 3.9.1 example */
	"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
	"uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf\", qop=auth",
	"Digest username=\"a\\\"b\\\\c\", realm=\"r\"",
	"Basic realm=\"a, b\", Negotiate, NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct names {
	char *v[8];
};

static void names_of(const struct auth_token *t, struct names *n)
{
	n->v[0] = dup_or_null(t->ntlm.user);
	n->v[1] = dup_or_null(t->ntlm.domain);
	n->v[2] = dup_or_null(t->ntlm.workstation);
	n->v[3] = dup_or_null(t->krb.realm);
	n->v[4] = dup_or_null(t->krb.sname);
	n->v[5] = dup_or_null(t->basic_user);
	n->v[6] = dup_or_null(t->digest_username);
	n->v[7] = dup_or_null(t->digest_realm);
}

static void names_free(struct names *n)
{
	for (int i = 0; i < 8; i++)
		free(n->v[i]);
}

static const char *const name_keys[8] = {
	"ntlm.user", "ntlm.domain", "ntlm.workstation", "krb.realm", "krb.sname",
	"basic_user", "digest_username", "digest_realm",
};

static void check_cut(const struct names *full, const struct auth_token *t,
		      const char *what, size_t len)
{
	struct names cut;
	names_of(t, &cut);
	for (int i = 0; i < 8; i++)
		if (cut.v[i] && (!full->v[i] || strcmp(cut.v[i], full->v[i]) != 0))
			fail_msg("%s cut at %zu: %s = \"%s\", full token has \"%s\"", what, len,
				 name_keys[i], cut.v[i], full->v[i] ? full->v[i] : "(none)");
	names_free(&cut);
}

/* cut the text value at every length */
static void cut_text(const char *value, const char *what, int *n_names)
{
	struct auth_token t;
	struct names full;
	size_t n = strlen(value);

	auth_token_decode(value, n, AUTH_KEEP_SECRETS, &t);
	names_of(&t, &full);
	for (int i = 0; i < 8; i++)
		*n_names += full.v[i] != NULL;
	auth_token_free(&t);
	for (size_t len = 0; len < n; len++) {
		/* a heap copy of exactly len bytes: ASan sees any over-read */
		char *cut = malloc(len ? len : 1);
		memcpy(cut, value, len);
		auth_token_decode(cut, len, AUTH_KEEP_SECRETS, &t);
		check_cut(&full, &t, what, len);
		auth_token_free(&t);
		free(cut);
	}
	names_free(&full);
}

/* cut the decoded bytes at every length and re-encode them */
static void cut_raw(const char *scheme, const uint8_t *raw, size_t n, const char *what)
{
	struct auth_token t;
	struct names full;

	decode_raw(scheme, raw, n, 0, &t);
	names_of(&t, &full);
	auth_token_free(&t);
	for (size_t len = 0; len < n; len++) {
		decode_raw(scheme, raw, len, AUTH_KEEP_SECRETS, &t);
		check_cut(&full, &t, what, len);
		auth_token_free(&t);
	}
	names_free(&full);
}

/* the scheme word and the token of "SCHEME TOKEN" */
static void cut_sample_raw(const char *value, const char *what)
{
	const char *sp = strchr(value, ' ');
	char scheme[32];
	uint8_t *raw;
	size_t n;

	if (!sp || (size_t)(sp - value) >= sizeof scheme)
		return;
	memcpy(scheme, value, (size_t)(sp - value));
	scheme[sp - value] = '\0';
	if (!b64_decode(sp + 1, strlen(sp + 1), &raw, &n))
		return;   /* not a binary token */
	cut_raw(scheme, raw, n, what);
	free(raw);
}

static void test_cut_samples(void **state)
{
	int names = 0;
	(void)state;
	for (size_t i = 0; i < N_TOKEN_SAMPLES; i++) {
		cut_text(token_samples[i].value, token_samples[i].source, &names);
		cut_sample_raw(token_samples[i].value, token_samples[i].source);
	}
	/* the samples do carry names, so the rule above was exercised */
	assert_true(names >= 20);
}

static void test_cut_nlmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof nlmp_hex / sizeof nlmp_hex[0]; i++) {
		uint8_t raw[1024];
		size_t n = hex2bin(nlmp_hex[i], raw, sizeof raw);
		char *b = b64enc(raw, n), *v = malloc(strlen(b) + 6);
		int names = 0;
		sprintf(v, "NTLM %s", b);
		cut_raw("NTLM", raw, n, "MS-NLMP message");
		cut_text(v, "MS-NLMP message (base64)", &names);
		free(v);
		free(b);
	}
}

static void test_cut_hand_built(void **state)
{
	struct buf tok;
	uint8_t raw[1024];
	size_t n = hex2bin(nlmp_hex[4], raw, sizeof raw);
	int names = 0;
	(void)state;
	/* hand-built SPNEGO around the MS-NLMP NTLMv2 AUTHENTICATE */
	build_neg_token_init(&tok, HEX_NTLMSSP, raw, n);
	cut_raw("Negotiate", tok.b, tok.n, "hand-built NegTokenInit");
	build_neg_token_resp(&tok, 1, NULL, raw, n);
	cut_raw("Negotiate", tok.b, tok.n, "hand-built NegTokenResp");
	/* hand-built KRB-ERROR */
	build_krb_error(&tok, HEX_KRB5, (const uint8_t *)"\x03\x00");
	cut_raw("Negotiate", tok.b, tok.n, "hand-built KRB-ERROR");
	for (size_t i = 0; i < sizeof text_values / sizeof text_values[0]; i++)
		cut_text(text_values[i], text_values[i], &names);
	assert_true(names >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_samples),
		cmocka_unit_test(test_cut_nlmp),
		cmocka_unit_test(test_cut_hand_built),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
