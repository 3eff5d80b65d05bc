/*
 * test_token_lean.c - AUTH_LEAN (ntlm/token.h) changes nothing the
 * handshake reads.  Every capture sample and MS-NLMP message, whole and
 * with its decoded bytes cut at every length, is decoded with and
 * without the flag (as a credential and as a challenge list): the
 * anomaly and every field ntlm/handshake.c uses must be equal, and the
 * names the flag skips must be absent.
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

/* MS-NLMP 4.2.4.2.2 / 4.2.4.3: a CHALLENGE with TargetInfo, and an
   NTLMv2 AUTHENTICATE whose blob carries AV pairs */
static const char *const nlmp_hex[] = {
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

/* one-leg schemes and a challenge list (hand-built; RFC 7616 3.9.1) */
static const char *const text_values[] = {
	"Basic dXNlcjpwYXNzd29yZA==",
	"Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
	"uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf\", qop=auth",
	"Basic realm=\"a, b\", Negotiate, NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
};

static int streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

#define SAME_STR(f) do {                                                     \
		if (!streq(full->f, lean->f))                                \
			fail_msg("%s: " #f " \"%s\" full, \"%s\" lean", what,  \
				 full->f ? full->f : "(null)",               \
				 lean->f ? lean->f : "(null)");              \
	} while (0)
#define SAME(f) do {                                                         \
		if (full->f != lean->f)                                      \
			fail_msg("%s: " #f " differs", what);                \
	} while (0)

static void same_for_handshake(const struct auth_token *full,
			       const struct auth_token *lean, const char *what)
{
	SAME(scheme);
	SAME(mech);
	SAME(has_data);
	SAME_STR(anomaly);
	SAME(ntlm.type);
	SAME(ntlm.flags);
	SAME_STR(ntlm.user);
	SAME_STR(ntlm.domain);
	SAME_STR(ntlm.workstation);
	SAME_STR(ntlm.password_type);
	SAME(ntlm.anonymous);
	SAME(ntlm.av_timestamp);
	SAME(ntlm.av_flags);
	SAME(ntlm.has_mic);
	SAME(ntlm.nt_len);
	SAME(ntlm.lm_len);
	SAME(spnego.token);
	SAME(spnego.neg_state);
	SAME(krb.msg_type);
	SAME(krb.ticket_etype);
	SAME_STR(krb.realm);
	SAME_STR(krb.sname);
	SAME_STR(basic_user);
	SAME_STR(digest_username);
	SAME_STR(digest_realm);
	if (full->ntlm.type == 2) {
		SAME_STR(ntlm.nb_domain);
		SAME_STR(ntlm.nb_computer);
		SAME_STR(ntlm.dns_domain);
		SAME_STR(ntlm.dns_computer);
	}
	/* what the flag skips */
	assert_null(lean->ntlm.neg_domain);
	assert_null(lean->ntlm.neg_workstation);
	assert_null(lean->ntlm.target_name);
	assert_null(lean->ntlm.dns_tree);
	assert_null(lean->ntlm.av_target_name);
	assert_null(lean->ntlm.blob_target_spn);
	if (lean->ntlm.type == 3) {
		assert_null(lean->ntlm.nb_domain);
		assert_null(lean->ntlm.nb_computer);
	}
}

static void compare_value(const char *value, size_t n, const char *what)
{
	struct auth_token full, lean, fc[4], lc[4];
	int nf, nl;

	auth_token_decode(value, n, 0, &full);
	auth_token_decode(value, n, AUTH_LEAN, &lean);
	same_for_handshake(&full, &lean, what);
	auth_token_free(&full);
	auth_token_free(&lean);
	nf = auth_challenges_decode(value, n, 0, fc, 4);
	nl = auth_challenges_decode(value, n, AUTH_LEAN, lc, 4);
	assert_int_equal(nf, nl);
	for (int i = 0; i < nf; i++) {
		same_for_handshake(&fc[i], &lc[i], what);
		auth_token_free(&fc[i]);
		auth_token_free(&lc[i]);
	}
}

/* the raw bytes under scheme, whole and cut at every length */
static void compare_raw_cuts(const char *scheme, const uint8_t *raw, size_t n,
			     const char *what)
{
	for (size_t len = 0; len <= n; len++) {
		char *b = b64enc(raw, len);
		size_t sl = strlen(scheme), bl = strlen(b);
		char *v = malloc(sl + 1 + bl + 1);
		memcpy(v, scheme, sl);
		v[sl] = ' ';
		memcpy(v + sl + 1, b, bl + 1);
		compare_value(v, sl + 1 + bl, what);
		free(v);
		free(b);
	}
}

static void test_lean_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_TOKEN_SAMPLES; i++) {
		const char *v = token_samples[i].value, *sp = strchr(v, ' ');
		char scheme[32];
		uint8_t *raw;
		size_t n;

		compare_value(v, strlen(v), token_samples[i].source);
		if (!sp || (size_t)(sp - v) >= sizeof scheme)
			continue;
		memcpy(scheme, v, (size_t)(sp - v));
		scheme[sp - v] = '\0';
		if (!b64_decode(sp + 1, strlen(sp + 1), &raw, &n))
			continue;
		compare_raw_cuts(scheme, raw, n, token_samples[i].source);
		free(raw);
	}
}

static void test_lean_nlmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof nlmp_hex / sizeof nlmp_hex[0]; i++) {
		uint8_t raw[1024];
		size_t n = hex2bin(nlmp_hex[i], raw, sizeof raw);
		compare_raw_cuts("NTLM", raw, n, "MS-NLMP message");
		compare_raw_cuts("Negotiate", raw, n, "MS-NLMP message (Negotiate)");
	}
	for (size_t i = 0; i < sizeof text_values / sizeof text_values[0]; i++)
		compare_value(text_values[i], strlen(text_values[i]), text_values[i]);
}

/* the flag does skip: a full decode of these has the names */
static void test_lean_skips(void **state)
{
	uint8_t raw[1024];
	size_t n = hex2bin(nlmp_hex[1], raw, sizeof raw);
	struct auth_token full, lean;
	(void)state;

	decode_raw("NTLM", raw, n, 0, &full);
	decode_raw("NTLM", raw, n, AUTH_LEAN, &lean);
	assert_int_equal(full.ntlm.type, 3);
	assert_non_null(full.ntlm.nb_domain);
	assert_null(lean.ntlm.nb_domain);
	assert_string_equal(lean.ntlm.user, "User");
	auth_token_free(&full);
	auth_token_free(&lean);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lean_samples),
		cmocka_unit_test(test_lean_nlmp),
		cmocka_unit_test(test_lean_skips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
