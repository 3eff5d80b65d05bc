/*
 * test_token_parts.c - the pieces under the token decoders: UTF-16LE and
 * 8-bit string conversion, SPNEGO fields the capture tokens do not carry
 * (mechListMIC, NegTokenInit2 negHints, malformed field types), and the
 * name tables.  Every message here is hand-built.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "ntlm/spnego.h"
#include "ntlm/token.h"
#include "ntlm/utf.h"
#include "test_token_util.h"

static void expect_utf16(const uint8_t *p, size_t n, const char *want)
{
	char *s = utf16le_to_utf8(p, n);
	assert_string_equal(s, want);
	free(s);
}

static void expect_bytes(const char *p, size_t n, const char *want)
{
	char *s = bytes_to_utf8((const uint8_t *)p, n);
	assert_string_equal(s, want);
	free(s);
}

static void test_utf16(void **state)
{
	/* "é" U+00E9, "€" U+20AC, U+1F600 as a surrogate pair */
	static const uint8_t mixed[] = { 0xe9, 0x00, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde };
	static const uint8_t low_alone[] = { 0x00, 0xdc, 'a', 0 };
	static const uint8_t high_then_a[] = { 0x3d, 0xd8, 'a', 0 };
	static const uint8_t odd[] = { 'a', 0, 'b' };
	(void)state;
	expect_utf16(mixed, sizeof mixed, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	expect_utf16(low_alone, sizeof low_alone, "\xef\xbf\xbd" "a");
	expect_utf16(high_then_a, sizeof high_then_a, "\xef\xbf\xbd" "a");
	expect_utf16(odd, sizeof odd, "a\xef\xbf\xbd");
	expect_utf16(NULL, 0, "");
	expect_utf16(mixed, 0, "");
}

static void test_bytes(void **state)
{
	(void)state;
	expect_bytes("plain", 5, "plain");
	expect_bytes("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	expect_bytes("\xff", 1, "\xef\xbf\xbd");                 /* never valid */
	expect_bytes("\xc0\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd");    /* overlong NUL */
	expect_bytes("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	expect_bytes("\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd");    /* cut sequence */
	expect_bytes("a\0b", 3, "a\xef\xbf\xbd" "b");              /* NUL kept visible */
	expect_bytes("\x01\x7f", 2, "\x01\x7f");                    /* controls kept */
}

/* hand-built NegTokenInit: mechTypes + [3] field + optional [4] */
static void init_with(struct buf *out, const struct buf *f3, const struct buf *f4)
{
	struct buf mechs = { .n = 0 }, seq_m = { .n = 0 }, body = { .n = 0 }, seq = { .n = 0 };
	oid_tlv(&mechs, HEX_NTLMSSP);
	der(&seq_m, 0x30, &mechs);
	der(&body, 0xa0, &seq_m);
	if (f3)
		der(&body, 0xa3, f3);
	if (f4)
		der(&body, 0xa4, f4);
	der(&seq, 0x30, &body);
	out->n = 0;
	der(out, 0xa0, &seq);
}

static void test_spnego_mic_and_hints(void **state)
{
	struct auth_token t;
	struct buf tok, mic = { .n = 0 }, hints = { .n = 0 }, name = { .n = 0 }, f = { .n = 0 };
	(void)state;
	/* RFC 4178: [3] mechListMIC OCTET STRING */
	der_raw(&mic, 0x04, "0123456789abcdef", 16);
	init_with(&tok, &mic, NULL);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_true(t.spnego.has_mech_list_mic);
	assert_int_equal(t.mech, MECH_NTLMSSP);   /* named by mechTypes[0] */
	assert_false(t.spnego.has_mech_token);
	auth_token_free(&t);

	/* MS-SPNG NegTokenInit2: [3] negHints SEQUENCE, [4] mechListMIC */
	der_raw(&name, 0x1b, "not_defined_in_RFC4178@please_ignore", 36);
	der(&f, 0xa0, &name);
	der(&hints, 0x30, &f);
	init_with(&tok, &hints, NULL);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_false(t.spnego.has_mech_list_mic);
	auth_token_free(&t);
	init_with(&tok, &hints, &mic);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_true(t.spnego.has_mech_list_mic);
	auth_token_free(&t);

	/* [4] that is not an OCTET STRING */
	init_with(&tok, &hints, &hints);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_string_equal(t.anomaly, "spnego_bad_token");
	auth_token_free(&t);
}

static void test_spnego_bad_fields(void **state)
{
	struct auth_token t;
	struct buf body = { .n = 0 }, tmp = { .n = 0 }, seq = { .n = 0 }, tok = { .n = 0 };
	(void)state;
	/* negState as an INTEGER instead of ENUMERATED */
	der_raw(&tmp, 0x02, "\x01", 1);
	der(&body, 0xa0, &tmp);
	der(&seq, 0x30, &body);
	der(&tok, 0xa1, &seq);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_string_equal(t.anomaly, "spnego_bad_token");
	assert_int_equal(t.spnego.neg_state, -1);
	auth_token_free(&t);

	/* a NegTokenResp whose mechListMIC is present and state reject */
	body.n = tmp.n = seq.n = tok.n = 0;
	der_raw(&tmp, 0x0a, "\x02", 1);
	der(&body, 0xa0, &tmp);
	tmp.n = 0;
	der_raw(&tmp, 0x04, "mic", 3);
	der(&body, 0xa3, &tmp);
	der(&seq, 0x30, &body);
	der(&tok, 0xa1, &seq);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.spnego.neg_state, 2);
	assert_true(t.spnego.has_mech_list_mic);
	assert_int_equal(t.mech, MECH_NONE);
	auth_token_free(&t);

	/* a choice tag that is neither [0] nor [1] */
	tok.n = 0;
	buf_put(&tok, "\xa2\x02\x30\x00", 4);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_string_equal(t.anomaly, "spnego_bad_token");
	auth_token_free(&t);

	/* GSS framing around an OID that is neither SPNEGO nor Kerberos */
	tok.n = 0;
	{
		struct buf in = { .n = 0 };
		oid_tlv(&in, HEX_NTLMSSP);
		buf_put(&in, "NTLMSSP\0", 8);
		der(&tok, 0x60, &in);
	}
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_string_equal(t.anomaly, "spnego_unknown_mech");
	assert_int_equal(t.ntlm.type, 0);   /* never found by searching */
	auth_token_free(&t);

	/* not DER at all */
	decode_raw("Negotiate", (const uint8_t *)"\x30\x00", 2, 0, &t);
	assert_string_equal(t.anomaly, "spnego_bad_token");
	auth_token_free(&t);
}

static void test_name_tables(void **state)
{
	(void)state;
	assert_string_equal(spnego_neg_state_name(0), "accept-completed");
	assert_string_equal(spnego_neg_state_name(3), "request-mic");
	assert_null(spnego_neg_state_name(-1));
	assert_string_equal(spnego_token_name(1), "NegTokenInit");
	assert_string_equal(spnego_token_name(2), "NegTokenResp");
	assert_null(spnego_token_name(0));
	assert_string_equal(spnego_mech_name("1.3.6.1.4.1.311.2.2.10"), "NTLMSSP");
	assert_string_equal(spnego_mech_name("1.2.840.48018.1.2.2"), "MS Kerberos 5");
	assert_null(spnego_mech_name("1.2.3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_spnego_mic_and_hints),
		cmocka_unit_test(test_spnego_bad_fields),
		cmocka_unit_test(test_name_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
