/*
 * test_krbtkt.c - ntlm/krbtkt on hand-built AP-REQs.
 *
 * Every AP-REQ here is hand-built (RFC 4120 5.3, 5.5.1 shapes) and sealed
 * with libkrb5's crypto under keys this test makes up and writes to a
 * keytab in a temp dir, so the cases a real KDC will not produce (another
 * name in the authenticator, damaged plaintext, truncations, bit flips)
 * can be tested.  tests/krb/t_krbtkt.sh covers tickets from a real KDC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <cmocka.h>

#include <krb5/krb5.h>

#include "ntlm/krbtkt.h"

#define REALM "EXAMPLE.COM"
#define SPN1 "HTTP"
#define SPN2 "web.example.com"
#define KVNO 3

/* ---- a tiny DER writer for the hand-built messages --------------------- */

struct buf {
	uint8_t d[8192];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof b->d);
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

/* tag + definite length + the concatenation of the given parts */
static struct buf tlv(uint8_t tag, int nparts, ...)
{
	struct buf c = { .n = 0 }, out = { .n = 0 };
	va_list ap;
	int i;

	va_start(ap, nparts);
	for (i = 0; i < nparts; i++) {
		const struct buf *p = va_arg(ap, const struct buf *);
		put(&c, p->d, p->n);
	}
	va_end(ap);
	out.d[out.n++] = tag;
	if (c.n < 0x80) {
		out.d[out.n++] = (uint8_t)c.n;
	} else if (c.n < 0x100) {
		out.d[out.n++] = 0x81;
		out.d[out.n++] = (uint8_t)c.n;
	} else {
		out.d[out.n++] = 0x82;
		out.d[out.n++] = (uint8_t)(c.n >> 8);
		out.d[out.n++] = (uint8_t)c.n;
	}
	put(&out, c.d, c.n);
	return out;
}

static struct buf raw(const void *p, size_t n)
{
	struct buf b = { .n = 0 };
	put(&b, p, n);
	return b;
}

static struct buf str(uint8_t tag, const char *s)
{
	struct buf c = raw(s, strlen(s));
	return tlv(tag, 1, &c);
}

static struct buf integer(int64_t v)
{
	uint8_t be[8];
	size_t i = 0;
	int j;
	struct buf c;

	for (j = 0; j < 8; j++)
		be[j] = (uint8_t)((uint64_t)v >> (56 - 8 * j));
	/* minimal two's complement: drop sign-only leading bytes */
	while (i < 7 && ((be[i] == 0 && !(be[i + 1] & 0x80)) || (be[i] == 0xff && (be[i + 1] & 0x80))))
		i++;
	c = raw(be + i, 8 - i);
	return tlv(0x02, 1, &c);
}

static struct buf ctx_tag(int n, const struct buf *inner)
{
	return tlv((uint8_t)(0xa0 + n), 1, inner);
}

static struct buf ctx_int(int n, int64_t v)
{
	struct buf i = integer(v);
	return ctx_tag(n, &i);
}

static struct buf ctx_gs(int n, const char *s)
{
	struct buf g = str(0x1b, s);
	return ctx_tag(n, &g);
}

static struct buf ctx_time(int n, const char *t)
{
	struct buf g = str(0x18, t);
	return ctx_tag(n, &g);
}

static struct buf ctx_octets(int n, const void *p, size_t len)
{
	struct buf r = raw(p, len), o = tlv(0x04, 1, &r);
	return ctx_tag(n, &o);
}

static struct buf ctx_bits32(int n, uint32_t v)
{
	uint8_t b[5] = { 0, (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	struct buf r = raw(b, 5), o = tlv(0x03, 1, &r);
	return ctx_tag(n, &o);
}

/* PrincipalName with one or two components */
static struct buf pname(int type, const char *c1, const char *c2)
{
	struct buf s1 = str(0x1b, c1), s2 = c2 ? str(0x1b, c2) : raw("", 0);
	struct buf seq = tlv(0x30, 2, &s1, &s2), f1 = ctx_tag(1, &seq), f0 = ctx_int(0, type);
	return tlv(0x30, 2, &f0, &f1);
}

/* ---- keys, keytab and sealing ------------------------------------------- */

static krb5_context kctx;
static char dir[64];
static char kt_path[128];
static krb5_keyblock key18, key23, key20, key18_other;

static void make_key(krb5_enctype e, krb5_keyblock *kb)
{
	assert_int_equal(krb5_c_make_random_key(kctx, e, kb), 0);
}

static void kt_add(const char *path, const char *princ, krb5_kvno kvno, krb5_keyblock *kb)
{
	char name[256];
	krb5_keytab kt;
	krb5_keytab_entry ent;

	snprintf(name, sizeof name, "FILE:%s", path);
	assert_int_equal(krb5_kt_resolve(kctx, name, &kt), 0);
	memset(&ent, 0, sizeof ent);
	assert_int_equal(krb5_parse_name(kctx, princ, &ent.principal), 0);
	ent.vno = kvno;
	ent.key = *kb;
	assert_int_equal(krb5_kt_add_entry(kctx, kt, &ent), 0);
	krb5_free_principal(kctx, ent.principal);
	krb5_kt_close(kctx, kt);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(krb5_init_context(&kctx), 0);
	strcpy(dir, "/tmp/test_krbtkt.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(kt_path, sizeof kt_path, "%s/svc.keytab", dir);
	make_key(ENCTYPE_AES256_CTS_HMAC_SHA1_96, &key18);
	make_key(ENCTYPE_ARCFOUR_HMAC, &key23);
	make_key(ENCTYPE_AES256_CTS_HMAC_SHA384_192, &key20);
	make_key(ENCTYPE_AES256_CTS_HMAC_SHA1_96, &key18_other);
	kt_add(kt_path, SPN1 "/" SPN2 "@" REALM, KVNO, &key18);
	kt_add(kt_path, SPN1 "/" SPN2 "@" REALM, KVNO, &key23);
	kt_add(kt_path, SPN1 "/" SPN2 "@" REALM, KVNO, &key20);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	krb5_free_keyblock_contents(kctx, &key18);
	krb5_free_keyblock_contents(kctx, &key23);
	krb5_free_keyblock_contents(kctx, &key20);
	krb5_free_keyblock_contents(kctx, &key18_other);
	krb5_free_context(kctx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct buf seal(const krb5_keyblock *kb, krb5_keyusage usage, const struct buf *plain)
{
	size_t len = 0;
	krb5_data in = { KV5M_DATA, (unsigned)plain->n, (char *)plain->d };
	krb5_enc_data out;
	struct buf b = { .n = 0 };

	assert_int_equal(krb5_c_encrypt_length(kctx, kb->enctype, plain->n, &len), 0);
	assert_true(len <= sizeof b.d);
	memset(&out, 0, sizeof out);
	out.ciphertext.length = (unsigned)len;
	out.ciphertext.data = (char *)b.d;
	assert_int_equal(krb5_c_encrypt(kctx, kb, usage, NULL, &in, &out), 0);
	b.n = out.ciphertext.length;
	return b;
}

static struct buf encdata(int etype, int kvno, const struct buf *cipher)
{
	struct buf e = ctx_int(0, etype), k = ctx_int(1, kvno), c = ctx_octets(2, cipher->d, cipher->n);
	return kvno >= 0 ? tlv(0x30, 3, &e, &k, &c) : tlv(0x30, 2, &e, &c);
}

/* what a case varies */
struct spec {
	const krb5_keyblock *svc_key;  /* seals the ticket */
	int tkt_kvno;
	const char *sname2;            /* second sname component */
	const char *cname1, *cname2;   /* ticket's client */
	const char *acname1;           /* authenticator's client, NULL = same */
	uint32_t ap_options;
	const struct buf *tkt_plain;   /* replaces the EncTicketPart */
	bool corrupt_auth;
	size_t tkt_cut, auth_cut;      /* nonzero: seal only that many bytes */
};

static struct buf session_key(void)
{
	static const uint8_t k[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
	return raw(k, sizeof k);
}

static struct buf build_apreq(const struct spec *s)
{
	struct buf sk = session_key();
	krb5_keyblock skb = { KV5M_KEYBLOCK, ENCTYPE_AES256_CTS_HMAC_SHA1_96, (unsigned)sk.n, sk.d };
	/* EncTicketPart: flags, key, crealm, cname, transited, authtime, endtime */
	struct buf kt = ctx_int(0, 18), kv = ctx_octets(1, sk.d, sk.n), kseq = tlv(0x30, 2, &kt, &kv);
	struct buf f0 = ctx_bits32(0, 0x40e10000), f1 = ctx_tag(1, &kseq), f2 = ctx_gs(2, REALM);
	struct buf cn = pname(1, s->cname1, s->cname2), f3 = ctx_tag(3, &cn);
	struct buf tr0 = ctx_int(0, 1), tr1 = ctx_octets(1, "", 0), trs = tlv(0x30, 2, &tr0, &tr1);
	struct buf f4 = ctx_tag(4, &trs), f5 = ctx_time(5, "20260101120000Z"), f7 = ctx_time(7, "20260101220000Z");
	struct buf etp_seq = tlv(0x30, 7, &f0, &f1, &f2, &f3, &f4, &f5, &f7), etp = tlv(0x63, 1, &etp_seq);
	struct buf tc;
	struct buf ted;

	if (s->tkt_cut)
		etp.n = s->tkt_cut;
	tc = seal(s->svc_key, 2, s->tkt_plain ? s->tkt_plain : &etp);
	ted = encdata(s->svc_key->enctype, s->tkt_kvno, &tc);
	/* Ticket */
	struct buf sn = pname(2, SPN1, s->sname2 ? s->sname2 : SPN2);
	struct buf t0 = ctx_int(0, 5), t1 = ctx_gs(1, REALM), t2 = ctx_tag(2, &sn), t3 = ctx_tag(3, &ted);
	struct buf tseq = tlv(0x30, 4, &t0, &t1, &t2, &t3), tkt = tlv(0x61, 1, &tseq);
	/* Authenticator */
	struct buf acn = pname(1, s->acname1 ? s->acname1 : s->cname1, s->acname1 ? NULL : s->cname2);
	struct buf a0 = ctx_int(0, 5), a1 = ctx_gs(1, REALM), a2 = ctx_tag(2, &acn);
	struct buf a4 = ctx_int(4, 123456), a5 = ctx_time(5, "20260101120005Z");
	struct buf aseq = tlv(0x30, 5, &a0, &a1, &a2, &a4, &a5), auth = tlv(0x62, 1, &aseq);
	struct buf ac, aed, ap0 = ctx_int(0, 5), ap1 = ctx_int(1, 14), ap2 = ctx_bits32(2, s->ap_options);
	struct buf ap3 = ctx_tag(3, &tkt), ap4, apseq;

	if (s->auth_cut)
		auth.n = s->auth_cut;
	ac = seal(&skb, 11, &auth);
	if (s->corrupt_auth)
		ac.d[ac.n / 2] ^= 0x01;
	aed = encdata(18, -1, &ac);
	ap4 = ctx_tag(4, &aed);
	apseq = tlv(0x30, 5, &ap0, &ap1, &ap2, &ap3, &ap4);
	return tlv(0x6e, 1, &apseq);
}

static struct spec base_spec(void)
{
	struct spec s = { &key18, KVNO, NULL, "alice", NULL, NULL, 0, NULL, false, 0, 0 };
	return s;
}

static struct krbtkt *open_svc(void)
{
	const char *p[1] = { kt_path };
	char err[256];
	struct krbtkt *k = krbtkt_open(p, 1, err, sizeof err);

	if (!k)
		fail_msg("krbtkt_open: %s", err);
	assert_int_equal(krbtkt_key_count(k), 3);
	return k;
}

/* decrypt a private heap copy, so ASan sees any read past the end */
static void run(struct krbtkt *k, const uint8_t *p, size_t n, struct krb_info *ki)
{
	uint8_t *copy = malloc(n ? n : 1);

	assert_non_null(copy);
	memcpy(copy, p, n);
	memset(ki, 0, sizeof *ki);
	ki->ap_req = copy;
	ki->ap_req_len = n;
	krbtkt_decrypt(k, ki);
	ki->ap_req = NULL;   /* the results must not point into the input */
	free(copy);
}

/* ---- cases ---------------------------------------------------------------- */

static void check_alice(const struct krb_info *ki)
{
	assert_null(ki->decrypt_anomaly);
	assert_string_equal(ki->client, "alice");
	assert_string_equal(ki->client_realm, REALM);
	assert_string_equal(ki->authenticator_client, "alice");
	assert_string_equal(ki->authenticator_realm, REALM);
}

static void test_etypes(void **state)
{
	const krb5_keyblock *keys[3] = { &key18, &key23, &key20 };
	struct krbtkt *k = open_svc();
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct spec s = base_spec();
		struct buf ap;
		struct krb_info ki;
		char want[128];

		s.svc_key = keys[i];
		ap = build_apreq(&s);
		run(k, ap.d, ap.n, &ki);
		check_alice(&ki);
		snprintf(want, sizeof want, "key HTTP/web.example.com@EXAMPLE.COM kvno 3 etype %d ",
			 (int)keys[i]->enctype);
		assert_non_null(ki.decrypt_detail);
		assert_non_null(strstr(ki.decrypt_detail, want));
		/* 2026-01-01 12:00:00Z, +10 h, authenticator 5 s later */
		assert_int_equal(ki.tkt_authtime, 1767268800);
		assert_int_equal(ki.tkt_endtime, 1767268800 + 36000);
		assert_int_equal(ki.auth_ctime, 1767268805);
		assert_int_equal(ki.auth_cusec, 123456);
		assert_int_equal(ki.tkt_flags, 0x40e10000);
		/* what the server's clock checks would say, by packet time */
		assert_null(krbtkt_check_times(&ki, 1767268805, 300));
		assert_null(krbtkt_check_times(&ki, 1767268805 + 300, 300));
		assert_string_equal(krbtkt_check_times(&ki, 1767268805 + 301, 300), "krb_clock_skew");
		assert_string_equal(krbtkt_check_times(&ki, 1767268805 - 301, 300), "krb_clock_skew");
		ki.auth_ctime = 1767268800 - 400;   /* client clock 400 s behind */
		assert_string_equal(krbtkt_check_times(&ki, 1767268800 - 400, 300), "krb_ticket_not_yet_valid");
		ki.auth_ctime = 1767268800 + 36000 + 400;
		assert_string_equal(krbtkt_check_times(&ki, 1767268800 + 36000 + 400, 300), "krb_ticket_expired");
		krbtkt_info_free(&ki);
		assert_null(krbtkt_check_times(&ki, 0, 300));   /* nothing decrypted */
		krbtkt_info_free(&ki);   /* twice is harmless */
	}
	krbtkt_close(k);
}

static void test_multi_component_client(void **state)
{
	struct krbtkt *k = open_svc();
	struct spec s = base_spec();
	struct buf ap;
	struct krb_info ki;

	(void)state;
	s.cname1 = "host";
	s.cname2 = "ws1.example.com";
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_null(ki.decrypt_anomaly);
	assert_string_equal(ki.client, "host/ws1.example.com");
	krbtkt_info_free(&ki);
	/* a '/' or '@' inside one component is escaped, not a separator */
	s.cname1 = "a/b@c";
	s.cname2 = NULL;
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.client, "a\\/b\\@c");
	krbtkt_info_free(&ki);
	krbtkt_close(k);
}

static void test_authenticator_mismatch(void **state)
{
	struct krbtkt *k = open_svc();
	struct spec s = base_spec();
	struct buf ap;
	struct krb_info ki;

	(void)state;
	s.acname1 = "mallory";
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_authenticator_client_mismatch");
	assert_string_equal(ki.client, "alice");
	assert_string_equal(ki.authenticator_client, "mallory");
	krbtkt_info_free(&ki);

	s = base_spec();
	s.corrupt_auth = true;
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_authenticator_decrypt_failed");
	assert_null(ki.authenticator_client);
	krbtkt_info_free(&ki);
	krbtkt_close(k);
}

static void test_wrong_key_and_no_key(void **state)
{
	struct krbtkt *k = open_svc();
	struct spec s = base_spec();
	struct buf ap;
	struct krb_info ki;

	(void)state;
	/* same principal, kvno and etype as the keytab, another key */
	s.svc_key = &key18_other;
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_decrypt_failed");
	assert_null(ki.client);
	assert_non_null(strstr(ki.decrypt_detail, "HTTP/web.example.com@EXAMPLE.COM kvno 3 etype 18"));
	krbtkt_info_free(&ki);

	/* a principal and kvno the keytab does not have, sealed with an
	   unrelated key: nothing opens it */
	s.sname2 = "other.example.com";
	s.tkt_kvno = 9;
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_no_key");
	assert_null(ki.client);
	assert_non_null(strstr(ki.decrypt_detail, "no key for HTTP/other.example.com@EXAMPLE.COM kvno 9 etype 18"));
	krbtkt_info_free(&ki);

	/* the same SPN alias sealed with the service's own key (an account's
	   several SPNs share a key): opened, and the detail says with what */
	s.svc_key = &key18;
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	check_alice(&ki);
	assert_non_null(strstr(ki.decrypt_detail, "for a ticket to HTTP/other.example.com@EXAMPLE.COM kvno 9"));
	krbtkt_info_free(&ki);
	krbtkt_close(k);
}

static void test_bad_tickets(void **state)
{
	struct krbtkt *k = open_svc();
	struct spec s = base_spec();
	struct buf ap, junk = raw("\x30\x03\x02\x01\x05", 5);
	struct krb_info ki;

	(void)state;
	/* decrypts with the right key, but the plaintext is no EncTicketPart */
	s.tkt_plain = &junk;
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_bad_ticket");
	assert_null(ki.client);
	krbtkt_info_free(&ki);

	s = base_spec();
	s.ap_options = 0x40000000;   /* use-session-key: user-to-user */
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_user_to_user");
	assert_null(ki.client);
	krbtkt_info_free(&ki);

	run(k, junk.d, junk.n, &ki);
	assert_string_equal(ki.decrypt_anomaly, "krb_bad_ticket");
	krbtkt_info_free(&ki);

	/* no AP-REQ at all: nothing to do, nothing claimed */
	memset(&ki, 0, sizeof ki);
	krbtkt_decrypt(k, &ki);
	assert_null(ki.decrypt_anomaly);
	assert_null(ki.client);
	krbtkt_close(k);
}

/* every prefix and every single-bit flip: no crash, and never another user */
static void test_truncations_and_flips(void **state)
{
	struct krbtkt *k = open_svc();
	struct spec s = base_spec();
	struct buf ap = build_apreq(&s);
	struct krb_info ki;
	size_t i;
	int opened = 0;

	(void)state;
	for (i = 1; i < ap.n; i++) {   /* 0 bytes: no AP-REQ, nothing to say */
		run(k, ap.d, i, &ki);
		assert_null(ki.client);
		assert_non_null(ki.decrypt_anomaly);
		krbtkt_info_free(&ki);
	}
	for (i = 0; i < ap.n * 8; i += 3) {
		struct buf f = ap;
		f.d[i / 8] ^= (uint8_t)(1u << (i % 8));
		run(k, f.d, f.n, &ki);
		if (ki.client) {
			assert_string_equal(ki.client, "alice");
			opened++;
		}
		krbtkt_info_free(&ki);
	}
	/* flips in the outer fields (options, sname...) still open the ticket */
	assert_true(opened > 0);
	krbtkt_close(k);
}

/* the decrypted parts cut short: authenticated by the key, still malformed */
static void test_decrypted_truncations(void **state)
{
	struct krbtkt *k = open_svc();
	struct spec s = base_spec();
	struct krb_info ki;
	size_t n, full;
	struct buf ap;

	(void)state;
	for (s.tkt_cut = 1; ; s.tkt_cut++) {
		ap = build_apreq(&s);
		run(k, ap.d, ap.n, &ki);
		full = ki.client != NULL;
		if (!full) {
			assert_non_null(ki.decrypt_anomaly);
			assert_string_equal(ki.decrypt_anomaly, "krb_bad_ticket");
		}
		krbtkt_info_free(&ki);
		if (full)
			break;   /* the whole EncTicketPart */
	}
	assert_true(s.tkt_cut > 100);
	s = base_spec();
	for (n = 1; n < 200; n++) {
		s.auth_cut = n;
		ap = build_apreq(&s);
		run(k, ap.d, ap.n, &ki);
		assert_string_equal(ki.client, "alice");
		if (!ki.decrypt_anomaly) {
			assert_string_equal(ki.authenticator_client, "alice");
			krbtkt_info_free(&ki);
			break;   /* the whole Authenticator */
		}
		assert_string_equal(ki.decrypt_anomaly, "krb_authenticator_bad");
		krbtkt_info_free(&ki);
	}
	assert_true(n > 20 && n < 200);
	krbtkt_close(k);
}

static void test_open_errors(void **state)
{
	char bad[160], msg[256];
	const char *p[2] = { kt_path, bad };
	FILE *f;
	uint8_t b[600];
	size_t n;

	(void)state;
	/* missing */
	snprintf(bad, sizeof bad, "%s/nonexistent.keytab", dir);
	assert_null(krbtkt_open(p, 2, msg, sizeof msg));
	assert_non_null(strstr(msg, bad));
	/* truncated copy of a good keytab */
	f = fopen(kt_path, "rb");
	assert_non_null(f);
	n = fread(b, 1, sizeof b, f);
	fclose(f);
	assert_true(n > 20);
	snprintf(bad, sizeof bad, "%s/trunc.keytab", dir);
	f = fopen(bad, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n - 3, f), n - 3);
	fclose(f);
	msg[0] = '\0';
	assert_null(krbtkt_open(p, 2, msg, sizeof msg));
	assert_non_null(strstr(msg, bad));
	assert_non_null(strstr(msg, "truncated"));
	/* not a keytab */
	f = fopen(bad, "wb");
	assert_non_null(f);
	fputs("GET / HTTP/1.1\r\n", f);
	fclose(f);
	assert_null(krbtkt_open(p, 2, msg, sizeof msg));
	assert_non_null(strstr(msg, "not a keytab"));
	/* none given */
	assert_null(krbtkt_open(p, 0, msg, sizeof msg));
	assert_true(msg[0] != '\0');
}

/* old keytabs carry DES keys libkrb5 no longer uses: they load, unused */
static void test_legacy_etype_keytab(void **state)
{
	char path[160], err[256];
	const char *p[1] = { path };
	uint8_t des[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	krb5_keyblock kb = { KV5M_KEYBLOCK, ENCTYPE_DES_CBC_MD5, sizeof des, des };
	struct krbtkt *k;
	struct spec s = base_spec();
	struct buf ap;
	struct krb_info ki;

	(void)state;
	snprintf(path, sizeof path, "%s/legacy.keytab", dir);
	kt_add(path, SPN1 "/" SPN2 "@" REALM, KVNO, &kb);
	kt_add(path, SPN1 "/" SPN2 "@" REALM, KVNO, &key18);
	k = krbtkt_open(p, 1, err, sizeof err);
	if (!k)
		fail_msg("krbtkt_open: %s", err);
	assert_int_equal(krbtkt_key_count(k), 2);
	ap = build_apreq(&s);
	run(k, ap.d, ap.n, &ki);
	check_alice(&ki);
	krbtkt_info_free(&ki);
	krbtkt_close(k);
}

/* one instance from several threads (the --workers case) */
struct thr {
	struct krbtkt *k;
	struct buf ap;
	int ok;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	int i;

	for (i = 0; i < 200; i++) {
		struct krb_info ki;
		memset(&ki, 0, sizeof ki);
		ki.ap_req = t->ap.d;
		ki.ap_req_len = t->ap.n;
		krbtkt_decrypt(t->k, &ki);
		if (ki.client && strcmp(ki.client, "alice") == 0 && !ki.decrypt_anomaly)
			t->ok++;
		krbtkt_info_free(&ki);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct spec s = base_spec();
	static struct thr t[3];
	pthread_t th[3];
	int i;

	(void)state;
	t[0].k = open_svc();
	t[0].ap = build_apreq(&s);
	for (i = 0; i < 3; i++) {
		t[i].k = t[0].k;
		t[i].ap = t[0].ap;
		t[i].ok = 0;
		assert_int_equal(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].ok, 200);
	}
	krbtkt_close(t[0].k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_etypes),
		cmocka_unit_test(test_multi_component_client),
		cmocka_unit_test(test_authenticator_mismatch),
		cmocka_unit_test(test_wrong_key_and_no_key),
		cmocka_unit_test(test_bad_tickets),
		cmocka_unit_test(test_truncations_and_flips),
		cmocka_unit_test(test_decrypted_truncations),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_legacy_etype_keytab),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
