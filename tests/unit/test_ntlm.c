/*
 * test_ntlm.c - NTLMSSP, base64, SPNEGO, Kerberos framing, Basic, Digest
 * and challenge-list splitting, decoded field by field.
 *
 * Sources of the messages: the MS-NLMP section 4.2 examples (4.2.2.3
 * NTLMv1, 4.2.3.3 NTLMv1 with extended session security, 4.2.4.3 NTLMv2;
 * user "User", domain "Domain", workstation "COMPUTER", server "Server",
 * server challenge 0123456789abcdef), real header values from the public
 * captures (test_token_samples.h), and messages built by hand in this file,
 * each marked "hand-built".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include <jansson.h>

#include "ntlm/b64.h"
#include "ntlm/der.h"
#include "ntlm/kerberos.h"
#include "ntlm/ntlmssp.h"
#include "ntlm/token.h"
#include "ntlm/token_json.h"
#include "test_token_samples.h"
#include "test_token_util.h"

/* ---- MS-NLMP 4.2 examples ---- */

/* 4.2.2.3 CHALLENGE_MESSAGE (also used by 4.2.3) */
static const char nlmp_v1_challenge[] =
	"4e544c4d53535000020000000c000c003800000033820a820123456789abcdef"
	"00000000000000000000000000000000060070170000000f5300650072007600"
	"65007200";
/* 4.2.2.3 AUTHENTICATE_MESSAGE */
static const char nlmp_v1_auth[] =
	"4e544c4d5353500003000000180018006c00000018001800840000000c000c00"
	"480000000800080054000000100010005c000000100010009c000000358280e2"
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
	"4d005000550054004500520098def7b87f88aa5dafe2df779688a172def11c7d"
	"5ccdef1367c43011f30298a2ad35ece64f16331c44bdbed927841f94518822b1"
	"b3f350c8958682ecbb3e3cb7";
/* 4.2.3.3 AUTHENTICATE_MESSAGE (NTLMv1 with ESS) */
static const char nlmp_ess_auth[] =
	"4e544c4d5353500003000000180018006c00000018001800840000000c000c00"
	"480000000800080054000000100010005c000000000000009c00000035820882"
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
	"4d0050005500540045005200aaaaaaaaaaaaaaaa000000000000000000000000"
	"000000007537f803ae367128ca458204bde7caf81e97ed2683267232";
/* 4.2.4.3 CHALLENGE_MESSAGE */
static const char nlmp_v2_challenge[] =
	"4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef"
	"00000000000000002400240044000000060070170000000f5300650072007600"
	"6500720002000c0044006f006d00610069006e0001000c005300650072007600"
	"6500720000000000";
/* 4.2.4.3 AUTHENTICATE_MESSAGE */
static const char nlmp_v2_auth[] =
	"4e544c4d5353500003000000180018006c00000054005400840000000c000c00"
	"480000000800080054000000100010005c00000010001000d8000000358288e2"
	"0501280a0000000f44006f006d00610069006e00550073006500720043004f00"
	"4d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaa"
	"aaaaaaaa68cd0ab851e51c96aabc927bebef6a1c010100000000000000000000"
	"00000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e00"
	"01000c005300650072007600650072000000000000000000c5dad2544fc97990"
	"94ce1ce90bc9d03e";

static void decode_hex(const char *scheme, const char *hex, unsigned flags, struct auth_token *t)
{
	uint8_t raw[2048];
	size_t n = hex2bin(hex, raw, sizeof raw);
	decode_raw(scheme, raw, n, flags, t);
}

static void test_nlmp_v1_challenge(void **state)
{
	struct auth_token t;
	static const uint8_t chal[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	(void)state;
	decode_hex("NTLM", nlmp_v1_challenge, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.scheme, SCHEME_NTLM);
	assert_int_equal(t.mech, MECH_NTLMSSP);
	assert_int_equal(t.ntlm.type, 2);
	assert_int_equal(t.ntlm.flags, 0x820a8233);
	assert_memory_equal(t.ntlm.server_challenge, chal, 8);
	assert_string_equal(t.ntlm.target_name, "Server");
	assert_true(t.ntlm.has_version);
	assert_int_equal(t.ntlm.ver_major, 6);
	assert_int_equal(t.ntlm.ver_minor, 0);
	assert_int_equal(t.ntlm.ver_build, 6000);
	assert_int_equal(t.ntlm.ver_ntlm_revision, 15);
	assert_null(t.ntlm.nb_domain);
	auth_token_free(&t);
}

static void test_nlmp_v1_auth(void **state)
{
	struct auth_token t;
	(void)state;
	decode_hex("NTLM", nlmp_v1_auth, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.ntlm.type, 3);
	assert_int_equal(t.ntlm.flags, 0xe2808235);
	assert_string_equal(t.ntlm.domain, "Domain");
	assert_string_equal(t.ntlm.user, "User");
	assert_string_equal(t.ntlm.workstation, "COMPUTER");
	assert_int_equal(t.ntlm.lm_len, 24);
	assert_int_equal(t.ntlm.nt_len, 24);
	assert_int_equal(t.ntlm.session_key_len, 16);
	assert_string_equal(t.ntlm.password_type, "NTLMv1");
	assert_false(t.ntlm.ess);
	assert_false(t.ntlm.ntlmv2);
	assert_false(t.ntlm.anonymous);
	assert_int_equal(t.ntlm.ver_major, 5);
	assert_int_equal(t.ntlm.ver_minor, 1);
	assert_int_equal(t.ntlm.ver_build, 2600);
	assert_false(t.ntlm.has_mic);   /* payload starts at 0x48: no room */
	/* secrets are not kept unless asked for */
	assert_null(t.ntlm.nt_resp);
	assert_null(t.ntlm.lm_resp);
	assert_null(t.ntlm.session_key);
	auth_token_free(&t);
}

static void test_nlmp_v1_auth_secrets(void **state)
{
	struct auth_token t;
	uint8_t nt[24];
	(void)state;
	hex2bin("67c43011f30298a2ad35ece64f16331c44bdbed927841f94", nt, sizeof nt);
	decode_hex("NTLM", nlmp_v1_auth, AUTH_KEEP_SECRETS, &t);
	assert_non_null(t.ntlm.nt_resp);
	assert_memory_equal(t.ntlm.nt_resp, nt, 24);
	assert_non_null(t.ntlm.session_key);
	auth_token_free(&t);
}

static void test_nlmp_ess_auth(void **state)
{
	struct auth_token t;
	static const uint8_t cc[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
	(void)state;
	decode_hex("NTLM", nlmp_ess_auth, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.ntlm.flags, 0x82088235);
	assert_string_equal(t.ntlm.user, "User");
	assert_string_equal(t.ntlm.password_type, "NTLMv1");
	assert_true(t.ntlm.ess);
	assert_memory_equal(t.ntlm.client_challenge, cc, 8);
	assert_int_equal(t.ntlm.session_key_len, 0);
	auth_token_free(&t);
}

static void test_nlmp_v2_challenge(void **state)
{
	struct auth_token t;
	(void)state;
	decode_hex("NTLM", nlmp_v2_challenge, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.ntlm.type, 2);
	assert_int_equal(t.ntlm.flags, 0xe28a8233);
	assert_string_equal(t.ntlm.target_name, "Server");
	assert_string_equal(t.ntlm.nb_domain, "Domain");
	assert_string_equal(t.ntlm.nb_computer, "Server");
	assert_null(t.ntlm.dns_domain);
	auth_token_free(&t);
}

static void test_nlmp_v2_auth(void **state)
{
	struct auth_token t;
	static const uint8_t cc[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
	(void)state;
	decode_hex("NTLM", nlmp_v2_auth, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.ntlm.type, 3);
	assert_int_equal(t.ntlm.flags, 0xe2888235);
	assert_string_equal(t.ntlm.user, "User");
	assert_string_equal(t.ntlm.domain, "Domain");
	assert_string_equal(t.ntlm.workstation, "COMPUTER");
	assert_int_equal(t.ntlm.nt_len, 84);
	assert_true(t.ntlm.ntlmv2);
	assert_string_equal(t.ntlm.password_type, "NTLMv2");
	assert_false(t.ntlm.ess);
	assert_memory_equal(t.ntlm.client_challenge, cc, 8);
	assert_int_equal(t.ntlm.blob_timestamp, 0);
	assert_string_equal(t.ntlm.nb_domain, "Domain");
	assert_string_equal(t.ntlm.nb_computer, "Server");
	assert_false(t.ntlm.has_av_flags);
	auth_token_free(&t);
}

/* ---- hand-built NTLMSSP messages for each anomaly ---- */

struct t3_fields {
	uint32_t flags;
	const uint8_t *lm; size_t lm_len;
	const uint8_t *nt; size_t nt_len;
	const uint8_t *domain; size_t domain_len;
	const uint8_t *user; size_t user_len;
	const uint8_t *ws; size_t ws_len;
	long user_off;   /* -1: natural place; else forced offset */
	const uint8_t *mic;   /* non-NULL: 88-byte header with Version + MIC */
};

/* hand-built AUTHENTICATE: 64-byte header (no version), payload after */
static void build_type3(struct buf *d, const struct t3_fields *f)
{
	const uint8_t *data[5] = { f->lm, f->nt, f->domain, f->user, f->ws };
	size_t len[5] = { f->lm_len, f->nt_len, f->domain_len, f->user_len, f->ws_len };
	uint32_t off = f->mic ? 88 : 64;
	int i;

	d->n = 0;
	buf_put(d, "NTLMSSP\0", 8);
	buf_le32(d, 3);
	for (i = 0; i < 5; i++) {
		uint32_t o = off;
		if (i == 3 && f->user_off >= 0)
			o = (uint32_t)f->user_off;
		buf_le16(d, (uint16_t)len[i]);
		buf_le16(d, (uint16_t)len[i]);
		buf_le32(d, o);
		off += (uint32_t)len[i];
	}
	buf_le16(d, 0); buf_le16(d, 0); buf_le32(d, off);   /* session key */
	buf_le32(d, f->flags | (f->mic ? NTLMSSP_NEGOTIATE_VERSION : 0));
	if (f->mic) {
		buf_put(d, "\x0a\x00\x61\x4a\x00\x00\x00\x0f", 8);   /* 10.0.19041 */
		buf_put(d, f->mic, 16);
	}
	for (i = 0; i < 5; i++)
		buf_put(d, data[i], len[i]);
}

static const uint8_t u16_user[] = { 'b', 0, 'o', 0, 'b', 0 };
static const uint8_t u16_dom[] = { 'D', 0, 'O', 0, 'M', 0 };
static const uint8_t resp24[24] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				    17, 18, 19, 20, 21, 22, 23, 24 };
static const uint8_t zeros24[24];

static void test_bad_signature(void **state)
{
	struct auth_token t;
	struct buf d = { .n = 0 };
	(void)state;
	/* hand-built: signature with the last byte wrong */
	buf_put(&d, "NTLMSSP\1", 8);
	buf_le32(&d, 1);
	buf_le32(&d, 0);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_bad_signature");
	assert_int_equal(t.ntlm.type, 0);
	auth_token_free(&t);
}

static void test_bad_type(void **state)
{
	struct auth_token t;
	struct buf d = { .n = 0 };
	(void)state;
	/* hand-built: message type 4 does not exist */
	buf_put(&d, "NTLMSSP\0", 8);
	buf_le32(&d, 4);
	buf_le32(&d, 0);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_bad_type");
	auth_token_free(&t);
}

static void test_truncated_header(void **state)
{
	struct auth_token t;
	struct buf d = { .n = 0 };
	(void)state;
	/* hand-built: an AUTHENTICATE cut in its field descriptors */
	buf_put(&d, "NTLMSSP\0", 8);
	buf_le32(&d, 3);
	buf_le32(&d, 0x00180018);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_truncated");
	assert_null(t.ntlm.user);
	auth_token_free(&t);
}

static void test_user_offset_out_of_range(void **state)
{
	struct auth_token t;
	struct buf d;
	struct t3_fields f = { 0x00000001, NULL, 0, resp24, 24, u16_dom, 6, u16_user, 6, NULL, 0, 4000, NULL };
	(void)state;
	/* hand-built: the user field points past the message */
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_bad_offset");
	assert_null(t.ntlm.user);          /* never a guessed user */
	assert_string_equal(t.ntlm.domain, "DOM");   /* the good field stays */
	auth_token_free(&t);

	/* hand-built: offset + length wraps a 32-bit sum */
	f.user_off = 0xfffffffe;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_bad_offset");
	assert_null(t.ntlm.user);
	auth_token_free(&t);
}

static void test_password_types(void **state)
{
	struct auth_token t;
	struct buf d;
	static const uint8_t zero1[1] = { 0 };
	struct t3_fields f = { 0x00000001, zeros24, 24, resp24, 24, u16_dom, 6, u16_user, 6, NULL, 0, -1, NULL };
	(void)state;
	/* hand-built: LM all zeros, NT 24 bytes: NTLMv1 (length decides) */
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_null(t.anomaly);
	assert_string_equal(t.ntlm.password_type, "NTLMv1");
	auth_token_free(&t);

	/* hand-built: LM only */
	f.lm = resp24; f.nt = NULL; f.nt_len = 0;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.ntlm.password_type, "LANMan");
	assert_false(t.ntlm.anonymous);
	auth_token_free(&t);

	/* hand-built: anonymous (empty user, empty NT, 1-byte zero LM) */
	f.lm = zero1; f.lm_len = 1; f.user = NULL; f.user_len = 0; f.domain_len = 0;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_null(t.anomaly);
	assert_null(t.ntlm.user);
	assert_true(t.ntlm.anonymous);
	assert_string_equal(t.ntlm.password_type, "No-Password");
	auth_token_free(&t);

	/* hand-built: NT response of 30 bytes is NTLMv2 by length, but too
	   short for a blob */
	{
		uint8_t nt30[30] = { 0 };
		struct t3_fields g = { 0x00000001, NULL, 0, nt30, 30, NULL, 0, u16_user, 6, NULL, 0, -1, NULL };
		build_type3(&d, &g);
		decode_raw("NTLM", d.b, d.n, 0, &t);
		assert_string_equal(t.anomaly, "ntlm_bad_v2_blob");
		assert_string_equal(t.ntlm.password_type, "NTLMv2");
		assert_string_equal(t.ntlm.user, "bob");
		auth_token_free(&t);
	}
}

static void test_mic(void **state)
{
	struct auth_token t;
	struct buf d, blob = { .n = 0 };
	static const uint8_t zero_mic[16];
	static const uint8_t some_mic[16] = { 0x48, 0x16, 0x35, 0x6e, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct t3_fields f = { 0x00000001, zeros24, 24, NULL, 0, u16_dom, 6, u16_user, 6, NULL, 0, -1,
			       some_mic };
	(void)state;
	/* hand-built NTLMv2 response whose blob sets MsvAvFlags = MIC present */
	buf_put(&blob, "0123456789abcdef", 16);                /* NTProofStr */
	buf_put(&blob, "\x01\x01\0\0\0\0\0\0", 8);
	buf_put(&blob, "\0\0\0\0\0\0\0\0", 8);             /* timestamp */
	buf_put(&blob, "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa", 8);
	buf_put(&blob, "\0\0\0\0", 4);
	buf_le16(&blob, 6); buf_le16(&blob, 4); buf_le32(&blob, 2);
	buf_le16(&blob, 0); buf_le16(&blob, 0);
	f.nt = blob.b;
	f.nt_len = blob.n;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_null(t.anomaly);
	assert_true(t.ntlm.has_mic);
	assert_memory_equal(t.ntlm.mic, some_mic, 16);
	assert_int_equal(t.ntlm.ver_build, 19041);
	auth_token_free(&t);

	/* hand-built: the same with the MIC zeroed ("drop the MIC") */
	f.mic = zero_mic;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_mic_missing");
	assert_false(t.ntlm.has_mic);
	assert_string_equal(t.ntlm.user, "bob");
	auth_token_free(&t);

	/* hand-built: and with no room for a MIC at all */
	f.mic = NULL;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_mic_missing");
	auth_token_free(&t);
}

static void test_oem_and_utf16_strings(void **state)
{
	struct auth_token t;
	struct buf d;
	/* hand-built: OEM strings (no NEGOTIATE_UNICODE) */
	static const uint8_t oem_user[] = { 'a', 'l', 'i', 'c', 'e' };
	struct t3_fields f = { 0x00000002, NULL, 0, resp24, 24, NULL, 0, oem_user, 5, NULL, 0, -1, NULL };
	/* hand-built: a lone high surrogate, then an embedded NUL, then a
	   control character: each is kept visible, never dropped or cut */
	static const uint8_t odd_user[] = { 'x', 0, 0x00, 0xd8, 'y', 0, 0, 0, 'z', 0, 0x01, 0 };
	(void)state;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.ntlm.user, "alice");
	auth_token_free(&t);

	f.flags = 1;
	f.user = odd_user;
	f.user_len = sizeof odd_user;
	build_type3(&d, &f);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.ntlm.user, "x\xef\xbf\xbdy\xef\xbf\xbdz\x01");
	{
		json_t *j = auth_token_to_json(&t, false);
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		assert_non_null(strcasestr(s, "\"user\":\"x\\ufffdy\\ufffdz\\u0001\""));
		free(s);
		json_decref(j);
	}
	auth_token_free(&t);
}

/* hand-built CHALLENGE with the given target-info bytes */
static void build_type2(struct buf *d, const struct buf *ti)
{
	d->n = 0;
	buf_put(d, "NTLMSSP\0", 8);
	buf_le32(d, 2);
	buf_le16(d, 0); buf_le16(d, 0); buf_le32(d, 48);     /* target name */
	buf_le32(d, NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_TARGET_INFO);
	buf_put(d, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	buf_put(d, "\0\0\0\0\0\0\0\0", 8);
	buf_le16(d, (uint16_t)ti->n); buf_le16(d, (uint16_t)ti->n); buf_le32(d, 48);
	buf_put(d, ti->b, ti->n);
}

static void test_av_pairs(void **state)
{
	struct auth_token t;
	struct buf ti = { .n = 0 }, d;
	(void)state;
	/* hand-built: DNS domain, flags, timestamp, target name, channel
	   bindings, EOL */
	buf_le16(&ti, 4); buf_le16(&ti, 4); buf_put(&ti, "a\0b\0", 4);
	buf_le16(&ti, 6); buf_le16(&ti, 4); buf_le32(&ti, 2);
	buf_le16(&ti, 7); buf_le16(&ti, 8); buf_le32(&ti, 0x89abcdef); buf_le32(&ti, 0x01d00000);
	buf_le16(&ti, 9); buf_le16(&ti, 4); buf_put(&ti, "H\0/\0", 4);
	buf_le16(&ti, 10); buf_le16(&ti, 16); buf_put(&ti, "0123456789abcdef", 16);
	buf_le16(&ti, 0); buf_le16(&ti, 0);
	build_type2(&d, &ti);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_null(t.anomaly);
	assert_string_equal(t.ntlm.dns_domain, "ab");
	assert_true(t.ntlm.has_av_flags);
	assert_int_equal(t.ntlm.av_flags, 2);
	assert_true(t.ntlm.av_timestamp == 0x01d0000089abcdefULL);
	assert_string_equal(t.ntlm.av_target_name, "H/");
	assert_true(t.ntlm.has_channel_bindings);
	auth_token_free(&t);

	/* hand-built: an AV pair whose length runs past TargetInfo */
	ti.n = 0;
	buf_le16(&ti, 2); buf_le16(&ti, 200); buf_put(&ti, "D\0", 2);
	build_type2(&d, &ti);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_bad_av_pair");
	assert_null(t.ntlm.nb_domain);
	auth_token_free(&t);

	/* hand-built: 100 empty pairs and no EOL: the count is bounded */
	ti.n = 0;
	for (int i = 0; i < 100; i++) {
		buf_le16(&ti, 8);
		buf_le16(&ti, 0);
	}
	build_type2(&d, &ti);
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_too_many_av_pairs");
	auth_token_free(&t);

	/* hand-built: TargetInfo offset outside the message */
	ti.n = 8;
	build_type2(&d, &ti);
	d.n -= 8;
	decode_raw("NTLM", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "ntlm_bad_offset");
	auth_token_free(&t);
}

/* ---- base64 ---- */

static void test_base64(void **state)
{
	uint8_t *out;
	size_t n;
	struct auth_token t;
	(void)state;
	assert_true(b64_decode(" \tTWFu\r\n", 8, &out, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(out, "Man", 3);
	free(out);
	assert_true(b64_decode("TWE=", 4, &out, &n));
	assert_int_equal(n, 2);
	free(out);
	assert_true(b64_decode("TQ==", 4, &out, &n));
	assert_int_equal(n, 1);
	free(out);
	assert_true(b64_decode("", 0, &out, &n));
	assert_int_equal(n, 0);
	free(out);
	assert_false(b64_decode("TW Fu", 5, &out, &n));    /* inner space */
	assert_false(b64_decode("TWF", 3, &out, &n));      /* length */
	assert_false(b64_decode("TW*u", 4, &out, &n));     /* bad char */
	assert_false(b64_decode("T=Fu", 4, &out, &n));     /* '=' inside */
	assert_false(b64_decode("TW=u", 4, &out, &n));
	assert_false(b64_decode("====", 4, &out, &n));
	assert_false(b64_decode("TR==", 4, &out, &n));     /* bits under '=' */
	assert_false(b64_decode("TWF=TWFu", 8, &out, &n)); /* pad then more */
	assert_false(b64_decode("TWFu-_", 6, &out, &n));   /* base64url */
	assert_false(b64_decode("TWFuTW\x80uTWFu", 12, &out, &n)); /* not the last quad */
	assert_false(b64_decode("TWFuTW=uTWFu", 12, &out, &n));
	assert_null(out);

	auth_token_decode("NTLM TlRM!!!!", 13, 0, &t);
	assert_string_equal(t.anomaly, "bad_base64");
	assert_int_equal(t.scheme, SCHEME_NTLM);
	assert_true(t.has_data);
	auth_token_free(&t);
}

/* ---- SPNEGO, hand-built around real NTLMSSP messages ---- */

static void test_spnego_init_ntlm(void **state)
{
	struct auth_token t;
	uint8_t raw[2048];
	size_t n = hex2bin(nlmp_v2_auth, raw, sizeof raw);
	struct buf tok;
	(void)state;
	build_neg_token_init(&tok, HEX_NTLMSSP, raw, n);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_true(t.spnego_wrapped);
	assert_int_equal(t.spnego.token, 1);
	assert_int_equal(t.spnego.n_mech_types, 2);
	assert_string_equal(t.spnego.mech_types[0], "1.3.6.1.4.1.311.2.2.10");
	assert_string_equal(t.spnego.mech_types[1], "1.2.840.113554.1.2.2");
	assert_true(t.spnego.has_req_flags);
	{
		json_t *j = auth_token_to_json(&t, false);
		char *s = json_dumps(json_object_get(j, "spnego"), JSON_COMPACT);
		assert_non_null(strstr(s, "\"req_flag_names\":[\"mutualFlag\",\"replayFlag\"]"));
		free(s);
		json_decref(j);
	}
	assert_true(t.spnego.has_mech_token);
	assert_int_equal(t.mech, MECH_NTLMSSP);
	assert_int_equal(t.ntlm.type, 3);
	assert_string_equal(t.ntlm.user, "User");
	auth_token_free(&t);
}

static void test_spnego_resp_ntlm(void **state)
{
	struct auth_token t;
	uint8_t raw[2048];
	size_t n = hex2bin(nlmp_v2_challenge, raw, sizeof raw);
	struct buf tok;
	(void)state;
	build_neg_token_resp(&tok, 1, HEX_NTLMSSP, raw, n);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.spnego.token, 2);
	assert_int_equal(t.spnego.neg_state, 1);
	assert_string_equal(t.spnego.supported_mech, "1.3.6.1.4.1.311.2.2.10");
	assert_int_equal(t.mech, MECH_NTLMSSP);
	assert_int_equal(t.ntlm.type, 2);
	assert_string_equal(t.ntlm.nb_domain, "Domain");
	auth_token_free(&t);

	/* hand-built: the client's last leg names no mechanism */
	n = hex2bin(nlmp_v1_auth, raw, sizeof raw);
	build_neg_token_resp(&tok, 1, NULL, raw, n);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.mech, MECH_NTLMSSP);
	assert_string_equal(t.ntlm.user, "User");
	auth_token_free(&t);

	/* hand-built: accept-completed, no token */
	build_neg_token_resp(&tok, 0, HEX_NTLMSSP, NULL, 0);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.spnego.neg_state, 0);
	assert_int_equal(t.mech, MECH_NTLMSSP);
	assert_int_equal(t.ntlm.type, 0);
	auth_token_free(&t);
}

static void test_spnego_unknown_mech(void **state)
{
	struct auth_token t;
	struct buf tok;
	(void)state;
	/* hand-built: a NegoEx-like token under an OID we do not decode */
	build_neg_token_init(&tok, "2b06010401823702021e", (const uint8_t *)"NEGOEXTS", 8);
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_string_equal(t.anomaly, "spnego_unknown_mech");
	assert_int_equal(t.mech, MECH_OTHER);
	auth_token_free(&t);
}

static void test_der_anomalies(void **state)
{
	struct auth_token t;
	struct buf d = { .n = 0 }, inner = { .n = 0 };
	(void)state;
	/* hand-built: NegTokenResp with an indefinite length */
	buf_put(&d, "\xa1\x80\x30\x03\x0a\x01\x00\x00\x00", 9);
	decode_raw("Negotiate", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "der_indefinite_length");
	auth_token_free(&t);

	/* hand-built: a length larger than the token */
	d.n = 0;
	buf_put(&d, "\xa1\x20\x30\x03\x0a\x01\x00", 7);
	decode_raw("Negotiate", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "der_bad_length");
	auth_token_free(&t);

	/* hand-built: a 5-byte long-form length */
	d.n = 0;
	buf_put(&d, "\xa1\x85\x00\x00\x00\x00\x05\x30\x03\x0a\x01\x00", 12);
	decode_raw("Negotiate", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "der_bad_length");
	auth_token_free(&t);

	/* hand-built: 40 nested SEQUENCEs inside a NegTokenResp */
	for (int i = 0; i < 40; i++) {
		struct buf w = { .n = 0 };
		der(&w, 0x30, &inner);
		inner = w;
	}
	d.n = 0;
	{
		struct buf f = { .n = 0 }, seq = { .n = 0 };
		der(&f, 0xa3, &inner);
		der(&seq, 0x30, &f);
		der(&d, 0xa1, &seq);
	}
	decode_raw("Negotiate", d.b, d.n, 0, &t);
	assert_string_equal(t.anomaly, "der_too_deep");
	auth_token_free(&t);
}

/* ---- Kerberos: real tokens from the captures ---- */

static const char *sample(const char *source)
{
	for (size_t i = 0; i < N_TOKEN_SAMPLES; i++)
		if (strcmp(token_samples[i].source, source) == 0)
			return token_samples[i].value;
	fail_msg("no sample %s", source);
	return NULL;
}

static void check_ap_req(struct auth_token *t)
{
	struct rd r;
	assert_non_null(t->krb.ap_req);
	assert_true(t->krb.ap_req >= t->raw && t->krb.ap_req_len > 0);
	assert_true(t->krb.ap_req_len <= t->raw_len);
	/* the whole [APPLICATION 14] element, and nothing past its end */
	r = rd_init(t->krb.ap_req, t->krb.ap_req_len);
	{
		struct der_tlv tlv;
		assert_null(der_next(&r, &tlv));
		assert_int_equal(tlv.cls, DER_APPLICATION);
		assert_int_equal(tlv.tag, 14);
		assert_int_equal(rd_left(&r), 0);
	}
}

static void test_kerberos_ap_req(void **state)
{
	struct auth_token t;
	(void)state;
	decode_str(sample("bruteshark-kerberos-v5-udp-2.pcap frame 20"), &t);
	assert_null(t.anomaly);
	assert_int_equal(t.scheme, SCHEME_NEGOTIATE);
	assert_int_equal(t.mech, MECH_KERBEROS);
	assert_true(t.spnego_wrapped);
	assert_int_equal(t.spnego.token, 1);
	assert_int_equal(t.spnego.n_mech_types, 3);
	assert_string_equal(t.spnego.mech_types[0], "1.2.840.48018.1.2.2");
	assert_int_equal(t.krb.msg_type, 14);
	assert_string_equal(t.krb.realm, "DENYDC.COM");
	assert_string_equal(t.krb.sname, "HTTP/fc4.denyDC.com");
	assert_int_equal(t.krb.ticket_etype, 23);
	assert_int_equal(t.krb.ticket_kvno, 4);
	assert_int_equal(t.krb.auth_etype, 23);
	assert_int_equal(t.krb.ap_options, 0x20000000);   /* mutual-required */
	check_ap_req(&t);
	{
		json_t *j = auth_token_to_json(&t, false);
		char *s = json_dumps(json_object_get(j, "kerberos"), JSON_COMPACT);
		assert_non_null(strstr(s, "\"ap_option_names\":[\"mutual-required\"]"));
		assert_non_null(strstr(s, "\"sname\":\"HTTP/fc4.denyDC.com\""));
		free(s);
		json_decref(j);
	}
	auth_token_free(&t);

	decode_str(sample("bruteshark-kerberos-v5-udp-3.pcap frame 19"), &t);
	assert_null(t.anomaly);
	assert_string_equal(t.krb.sname, "HTTP/upwin2003.denyDC.com");
	assert_int_equal(t.krb.ticket_kvno, 2);
	check_ap_req(&t);
	auth_token_free(&t);
}

static void test_kerberos_ap_rep(void **state)
{
	struct auth_token t;
	(void)state;
	decode_str(sample("bruteshark-kerberos-v5-udp-3.pcap frame 66"), &t);
	assert_null(t.anomaly);
	assert_int_equal(t.spnego.token, 2);
	assert_int_equal(t.spnego.neg_state, 0);
	assert_string_equal(t.spnego.supported_mech, "1.2.840.48018.1.2.2");
	assert_int_equal(t.mech, MECH_KERBEROS);
	assert_int_equal(t.krb.msg_type, 15);
	assert_int_equal(t.krb.enc_part_etype, 23);
	assert_null(t.krb.ap_req);
	auth_token_free(&t);

	decode_str(sample("bruteshark-kerberos-v5-udp-2.pcap frame 22"), &t);
	assert_null(t.anomaly);
	assert_int_equal(t.spnego.neg_state, 0);
	assert_int_equal(t.mech, MECH_KERBEROS);
	assert_int_equal(t.krb.msg_type, 0);
	auth_token_free(&t);
}

static void test_kerberos_error(void **state)
{
	struct auth_token t;
	struct buf tok;
	(void)state;
	build_krb_error(&tok, HEX_MSKRB5, (const uint8_t *)"\x03\x00");
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_null(t.anomaly);
	assert_int_equal(t.mech, MECH_KERBEROS);
	assert_false(t.spnego_wrapped);
	assert_true(t.krb.legacy_oid);
	assert_int_equal(t.krb.msg_type, 30);
	assert_int_equal(t.krb.error_code, 37);
	assert_string_equal(t.krb.error_name, "KRB5KRB_AP_ERR_SKEW");
	assert_string_equal(t.krb.realm, "EXAMPLE.COM");
	assert_string_equal(t.krb.sname, "HTTP/web.example.com");
	auth_token_free(&t);

	/* the same KRB-ERROR without GSS framing (after the 2-byte TOK_ID,
	   the rest of the hand-built token is the bare message) */
	{
		struct rd r = rd_init(tok.b, tok.n);
		struct der_tlv gss, oid;
		struct rd in;
		assert_null(der_next(&r, &gss));
		in = gss.val;
		assert_null(der_next(&in, &oid));
		rd_skip(&in, 2);
		decode_raw("Negotiate", rd_ptr(&in), rd_left(&in), 0, &t);
		assert_null(t.anomaly);
		assert_int_equal(t.mech, MECH_KERBEROS);
		assert_int_equal(t.krb.error_code, 37);
		assert_false(t.krb.legacy_oid);
		auth_token_free(&t);
	}

	/* hand-built: TOK_ID says AP-REQ but the message is a KRB-ERROR */
	build_krb_error(&tok, HEX_KRB5, (const uint8_t *)"\x01\x00");
	decode_raw("Negotiate", tok.b, tok.n, 0, &t);
	assert_string_equal(t.anomaly, "krb_bad_tok_id");
	assert_false(t.krb.legacy_oid);
	auth_token_free(&t);
}

/* ---- real NTLM tokens from the captures ---- */

static void test_capture_ntlm(void **state)
{
	struct auth_token t;
	(void)state;
	decode_str(sample("bruteshark-http-ntlm-gssapi.pcap frame 12"), &t);
	assert_null(t.anomaly);
	assert_int_equal(t.scheme, SCHEME_NEGOTIATE);
	assert_int_equal(t.mech, MECH_NTLMSSP);
	assert_false(t.spnego_wrapped);
	assert_string_equal(t.ntlm.domain, "10.0.1.101");
	assert_string_equal(t.ntlm.user, "Susan");
	assert_string_equal(t.ntlm.workstation, "XP-CLIENT");
	assert_string_equal(t.ntlm.password_type, "NTLMv1");
	assert_true(t.ntlm.ess);
	auth_token_free(&t);

	decode_str(sample("zeek-erspan-sharepoint.pcap frame 102"), &t);
	assert_null(t.anomaly);
	assert_string_equal(t.ntlm.user, "administrator");
	assert_string_equal(t.ntlm.domain, "sp");
	assert_string_equal(t.ntlm.password_type, "NTLMv2");
	assert_int_equal(t.ntlm.nt_len, 280);
	assert_true(t.ntlm.has_mic);
	assert_true(t.ntlm.has_av_flags);
	assert_true(t.ntlm.av_flags & 2);
	assert_string_equal(t.ntlm.blob_target_spn, "HTTP/192.168.69.2");
	{
		/* tshark shows this blob timestamp as Sep 15, 2015 20:39:38.139125500 UTC */
		json_t *j = auth_token_to_json(&t, false);
		json_t *ti = json_object_get(json_object_get(j, "ntlm"), "target_info");
		assert_string_equal(json_string_value(json_object_get(ti, "blob_timestamp_utc")),
				    "2015-09-15T20:39:38.1391255Z");
		json_decref(j);
	}
	auth_token_free(&t);

	decode_str(sample("zeek-erspan-sharepoint.pcap frame 101"), &t);
	assert_null(t.anomaly);
	assert_int_equal(t.ntlm.type, 2);
	assert_string_equal(t.ntlm.target_name, "SP");
	assert_string_equal(t.ntlm.nb_computer, "TFDSP");
	assert_string_equal(t.ntlm.dns_domain, "sp.local");
	auth_token_free(&t);

	decode_str(sample("arkime-ntlm-synthetic.pcap frame 48"), &t);
	assert_null(t.anomaly);
	assert_string_equal(t.ntlm.user, "dave");
	assert_string_equal(t.ntlm.domain, "HTTPDOM");
	/* placeholder responses: 24-byte NT, no ESS */
	assert_string_equal(t.ntlm.password_type, "NTLMv1");
	assert_false(t.ntlm.ess);
	auth_token_free(&t);

	decode_str(sample("arkime-ntlm-synthetic.pcap frame 44"), &t);
	assert_string_equal(t.ntlm.neg_domain, "HTTPDOM");
	assert_string_equal(t.ntlm.neg_workstation, "HTTPHOST");
	auth_token_free(&t);
}

/* ---- Basic and Digest ---- */

static void test_basic(void **state)
{
	struct auth_token t;
	(void)state;
	decode_str("Basic dXNlcjpwYXNzd29yZA==", &t);   /* user:password */
	assert_null(t.anomaly);
	assert_int_equal(t.scheme, SCHEME_BASIC);
	assert_string_equal(t.basic_user, "user");
	assert_null(t.raw);                    /* the password is not kept */
	{
		json_t *j = auth_token_to_json(&t, true);
		char *s = json_dumps(j, JSON_COMPACT);
		assert_null(strstr(s, "password"));
		assert_null(strstr(s, "cGFzc3dvcmQ"));
		free(s);
		json_decref(j);
	}
	auth_token_free(&t);

	decode_str("basic   w6R4OnA6cQ==  ", &t);     /* "äx:p:q": first ':' */
	assert_string_equal(t.basic_user, "\xc3\xa4x");
	auth_token_free(&t);

	decode_str("Basic dXNlcg==", &t);             /* "user", no colon */
	assert_string_equal(t.anomaly, "basic_no_colon");
	assert_null(t.basic_user);   /* could be a cut "user..." */
	auth_token_free(&t);

	decode_str("Basic realm=\"Intranet, EU\", charset=\"UTF-8\"", &t);
	assert_null(t.anomaly);
	assert_null(t.basic_user);
	assert_string_equal(t.basic_realm, "Intranet, EU");
	auth_token_free(&t);
}

static void test_digest(void **state)
{
	struct auth_token t;
	(void)state;
	/* RFC 7616 3.9.1 example request */
	decode_str("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
		   "uri=\"/dir/index.html\", algorithm=SHA-256, "
		   "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
		   "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
		   "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
		   "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", &t);
	assert_null(t.anomaly);
	assert_int_equal(t.scheme, SCHEME_DIGEST);
	assert_string_equal(t.digest_username, "Mufasa");
	assert_string_equal(t.digest_realm, "http-auth@example.org");
	assert_string_equal(t.digest_uri, "/dir/index.html");
	assert_string_equal(t.digest_qop, "auth");
	assert_string_equal(t.digest_algorithm, "SHA-256");
	assert_string_equal(t.digest_nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
	auth_token_free(&t);

	/* hand-built: escapes inside a quoted string, RFC 8187 username* */
	decode_str("Digest username=\"a\\\"b\\\\c\", realm=\"r\"", &t);
	assert_string_equal(t.digest_username, "a\"b\\c");
	auth_token_free(&t);
	decode_str("Digest username*=UTF-8''J%C3%A4s%C3%B8n%00x, userhash=false", &t);
	assert_string_equal(t.digest_username, "J\xc3\xa4s\xc3\xb8n%00x");
	assert_string_equal(t.digest_userhash, "false");
	auth_token_free(&t);

	/* hand-built: an unquoted username is not trusted */
	decode_str("Digest username=Mufasa, realm=\"r\"", &t);
	assert_string_equal(t.anomaly, "digest_unquoted_username");
	assert_null(t.digest_username);
	assert_string_equal(t.digest_realm, "r");
	auth_token_free(&t);

	/* hand-built: unterminated quoted string */
	decode_str("Digest username=\"Mufasa, realm=x", &t);
	assert_string_equal(t.anomaly, "digest_bad_params");
	auth_token_free(&t);
}

/* ---- challenge lists ---- */

static void test_challenge_split(void **state)
{
	struct auth_token t[8];
	const char *v;
	int n;
	(void)state;

	v = "Basic realm=\"a, b\", Negotiate, NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==";
	n = auth_challenges_decode(v, strlen(v), 0, t, 8);
	assert_int_equal(n, 3);
	assert_int_equal(t[0].scheme, SCHEME_BASIC);
	assert_string_equal(t[0].basic_realm, "a, b");
	assert_int_equal(t[1].scheme, SCHEME_NEGOTIATE);
	assert_false(t[1].has_data);
	assert_int_equal(t[2].scheme, SCHEME_NTLM);
	assert_int_equal(t[2].ntlm.type, 1);
	assert_null(t[2].anomaly);
	for (int i = 0; i < n; i++)
		auth_token_free(&t[i]);

	v = "Digest realm=\"x\", qop=\"auth,auth-int\", nonce=\"n,1\", Basic realm=\"y\"";
	n = auth_challenges_decode(v, strlen(v), 0, t, 8);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].digest_qop, "auth,auth-int");
	assert_string_equal(t[0].digest_nonce, "n,1");
	assert_string_equal(t[1].basic_realm, "y");
	for (int i = 0; i < n; i++)
		auth_token_free(&t[i]);

	v = "  Negotiate ,NTLM,, ";
	n = auth_challenges_decode(v, strlen(v), 0, t, 8);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].scheme, SCHEME_NEGOTIATE);
	assert_int_equal(t[1].scheme, SCHEME_NTLM);
	assert_false(t[1].has_data);
	for (int i = 0; i < n; i++)
		auth_token_free(&t[i]);

	/* quoted comma and '=' tricks: realm="NTLM x, Basic" is one param */
	v = "Digest realm = \"NTLM x, Basic\", nonce=abc";
	n = auth_challenges_decode(v, strlen(v), 0, t, 8);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].digest_realm, "NTLM x, Basic");
	assert_string_equal(t[0].digest_nonce, "abc");
	auth_token_free(&t[0]);

	/* the output array bounds the count */
	v = "NTLM, NTLM, NTLM, NTLM";
	n = auth_challenges_decode(v, strlen(v), 0, t, 3);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++)
		auth_token_free(&t[i]);

	n = auth_challenges_decode("", 0, 0, t, 8);
	assert_int_equal(n, 0);
	n = auth_challenges_decode(" , ", 3, 0, t, 8);
	assert_int_equal(n, 0);
}

static void test_every_sample_decodes(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_TOKEN_SAMPLES; i++) {
		struct auth_token t;
		decode_str(token_samples[i].value, &t);
		if (t.anomaly)
			fail_msg("%s: %s", token_samples[i].source, t.anomaly);
		assert_true(t.mech == MECH_NTLMSSP || t.mech == MECH_KERBEROS);
		auth_token_free(&t);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(auth_scheme_name(SCHEME_NEGOTIATE), "Negotiate");
	assert_null(auth_scheme_name(SCHEME_NONE));
	assert_string_equal(auth_mech_name(MECH_KERBEROS), "Kerberos");
	assert_string_equal(ntlm_flag_name(19), "NEGOTIATE_EXTENDED_SESSIONSECURITY");
	assert_null(ntlm_flag_name(3));
	assert_string_equal(krb_error_name(37), "KRB5KRB_AP_ERR_SKEW");
	{
		char oid[16];
		static const uint8_t big[] = { 0x88, 0x37, 0x01 };      /* 2.999.1 */
		static const uint8_t unterminated[] = { 0x2b, 0x86 };
		assert_true(der_oid_str(rd_init(big, sizeof big), oid, sizeof oid));
		assert_string_equal(oid, "2.999.1");
		assert_false(der_oid_str(rd_init(big, sizeof big), oid, 6));   /* no room */
		assert_string_equal(oid, "");
		assert_false(der_oid_str(rd_init(unterminated, sizeof unterminated), oid, sizeof oid));
	}
	{
		struct auth_token t;
		decode_str("Bearer abc.def", &t);
		assert_int_equal(t.scheme, SCHEME_BEARER);
		auth_token_free(&t);
		decode_str("Foo bar", &t);
		assert_int_equal(t.scheme, SCHEME_OTHER);
		assert_string_equal(t.scheme_name, "Foo");
		auth_token_free(&t);
		decode_str("\xff\x01x\xc3\xa9 bar", &t);
		assert_int_equal(t.scheme, SCHEME_OTHER);
		assert_string_equal(t.scheme_name, "??x??");
		auth_token_free(&t);
		decode_str("   ", &t);
		assert_int_equal(t.scheme, SCHEME_NONE);
		auth_token_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nlmp_v1_challenge),
		cmocka_unit_test(test_nlmp_v1_auth),
		cmocka_unit_test(test_nlmp_v1_auth_secrets),
		cmocka_unit_test(test_nlmp_ess_auth),
		cmocka_unit_test(test_nlmp_v2_challenge),
		cmocka_unit_test(test_nlmp_v2_auth),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_user_offset_out_of_range),
		cmocka_unit_test(test_password_types),
		cmocka_unit_test(test_mic),
		cmocka_unit_test(test_oem_and_utf16_strings),
		cmocka_unit_test(test_av_pairs),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_spnego_init_ntlm),
		cmocka_unit_test(test_spnego_resp_ntlm),
		cmocka_unit_test(test_spnego_unknown_mech),
		cmocka_unit_test(test_der_anomalies),
		cmocka_unit_test(test_kerberos_ap_req),
		cmocka_unit_test(test_kerberos_ap_rep),
		cmocka_unit_test(test_kerberos_error),
		cmocka_unit_test(test_capture_ntlm),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_challenge_split),
		cmocka_unit_test(test_every_sample_decodes),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
