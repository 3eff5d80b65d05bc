/* kerberos.c - see kerberos.h.  ASN.1 from RFC 4120 section 5. */
#include "ntlm/kerberos.h"

#include <stdlib.h>
#include <string.h>

#include "ntlm/der.h"
#include "ntlm/krbtkt.h"
#include "ntlm/utf.h"

enum { KRB_AP_REQ = 14, KRB_AP_REP = 15, KRB_ERROR = 30 };
#define KRB_MAX_NAME_COMPONENTS 16

static const struct { int code; const char *name; } krb_errors[] = {
	{ 0, "KRB5KDC_ERR_NONE" },
	{ 6, "KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN" },
	{ 7, "KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN" },
	{ 12, "KRB5KDC_ERR_POLICY" },
	{ 13, "KRB5KDC_ERR_BADOPTION" },
	{ 14, "KRB5KDC_ERR_ETYPE_NOSUPP" },
	{ 18, "KRB5KDC_ERR_CLIENT_REVOKED" },
	{ 23, "KRB5KDC_ERR_KEY_EXP" },
	{ 24, "KRB5KDC_ERR_PREAUTH_FAILED" },
	{ 25, "KRB5KDC_ERR_PREAUTH_REQUIRED" },
	{ 31, "KRB5KRB_AP_ERR_BAD_INTEGRITY" },
	{ 32, "KRB5KRB_AP_ERR_TKT_EXPIRED" },
	{ 33, "KRB5KRB_AP_ERR_TKT_NYV" },
	{ 34, "KRB5KRB_AP_ERR_REPEAT" },
	{ 35, "KRB5KRB_AP_ERR_NOT_US" },
	{ 36, "KRB5KRB_AP_ERR_BADMATCH" },
	{ 37, "KRB5KRB_AP_ERR_SKEW" },
	{ 38, "KRB5KRB_AP_ERR_BADADDR" },
	{ 39, "KRB5KRB_AP_ERR_BADVERSION" },
	{ 40, "KRB5KRB_AP_ERR_MSG_TYPE" },
	{ 41, "KRB5KRB_AP_ERR_MODIFIED" },
	{ 42, "KRB5KRB_AP_ERR_BADORDER" },
	{ 44, "KRB5KRB_AP_ERR_BADKEYVER" },
	{ 45, "KRB5KRB_AP_ERR_NOKEY" },
	{ 46, "KRB5KRB_AP_ERR_MUT_FAIL" },
	{ 47, "KRB5KRB_AP_ERR_BADDIRECTION" },
	{ 48, "KRB5KRB_AP_ERR_METHOD" },
	{ 49, "KRB5KRB_AP_ERR_BADSEQ" },
	{ 50, "KRB5KRB_AP_ERR_INAPP_CKSUM" },
	{ 52, "KRB5KRB_ERR_RESPONSE_TOO_BIG" },
	{ 60, "KRB5KRB_ERR_GENERIC" },
	{ 61, "KRB5KRB_ERR_FIELD_TOOLONG" },
	{ 68, "KRB5KDC_ERR_WRONG_REALM" },
};

static const struct { int etype; const char *name; } krb_etypes[] = {
	{ 1, "des-cbc-crc" }, { 3, "des-cbc-md5" }, { 16, "des3-cbc-sha1" },
	{ 17, "aes128-cts-hmac-sha1-96" }, { 18, "aes256-cts-hmac-sha1-96" },
	{ 19, "aes128-cts-hmac-sha256-128" }, { 20, "aes256-cts-hmac-sha384-192" },
	{ 23, "rc4-hmac" }, { 24, "rc4-hmac-exp" },
};

const char *krb_error_name(int code)
{
	for (size_t i = 0; i < sizeof krb_errors / sizeof krb_errors[0]; i++)
		if (krb_errors[i].code == code)
			return krb_errors[i].name;
	return NULL;
}

const char *krb_etype_name(int etype)
{
	for (size_t i = 0; i < sizeof krb_etypes / sizeof krb_etypes[0]; i++)
		if (krb_etypes[i].etype == etype)
			return krb_etypes[i].name;
	return NULL;
}

const char *krb_msg_type_name(int msg_type)
{
	switch (msg_type) {
	case KRB_AP_REQ: return "AP-REQ";
	case KRB_AP_REP: return "AP-REP";
	case KRB_ERROR: return "KRB-ERROR";
	default: return NULL;
	}
}

bool krb_is_krb5_oid(const char *dotted)
{
	return strcmp(dotted, OID_KRB5) == 0 || strcmp(dotted, OID_MS_KRB5) == 0 ||
	       strcmp(dotted, OID_KRB5_U2U) == 0;
}

static const char *walk_seq(struct rd seq, der_field_fn fn, void *ctx)
{
	return der_walk_fields(seq, fn, ctx, "krb_bad_message");
}

/* [APPLICATION n] { SEQUENCE { ... } }: the SEQUENCE contents */
static const char *unwrap_app_seq(struct der_tlv *app, struct rd *seq)
{
	struct der_tlv s;
	struct rd v = app->val;
	const char *bad = der_next(&v, &s);
	if (bad)
		return bad;
	if (!der_is(&s, DER_UNIVERSAL, DER_SEQUENCE) || !s.constructed)
		return "krb_bad_message";
	*seq = s.val;
	return NULL;
}

static bool tlv_int(struct der_tlv *t, int *out)
{
	int64_t v;
	if (!der_is(t, DER_UNIVERSAL, DER_INTEGER) || !der_int(t->val, &v) ||
	    v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int)v;
	return true;
}

static char *tlv_string(struct der_tlv *t)
{
	struct rd v = t->val;
	size_t n = rd_left(&v);
	const uint8_t *p = rd_bytes(&v, n);
	return bytes_to_utf8(p, n);
}

/* EncryptedData: etype and kvno (kvno -1 when absent) */
struct enc_data { int etype, kvno; };

static const char *enc_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct enc_data *e = ctx;
	if (tag == 0 && !tlv_int(in, &e->etype))
		return "krb_bad_message";
	if (tag == 1 && !tlv_int(in, &e->kvno))
		return "krb_bad_message";
	return NULL;
}

static const char *read_enc_data(struct der_tlv *in, struct enc_data *e)
{
	e->etype = 0;
	e->kvno = -1;
	if (!der_is(in, DER_UNIVERSAL, DER_SEQUENCE))
		return "krb_bad_message";
	return walk_seq(in->val, enc_field, e);
}

/* PrincipalName: name-string components joined with '/' */
static const char *principal_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	char **out = ctx;
	struct rd v;
	int n = 0;
	size_t cap = 1, used = 0;
	char *s;

	if (tag != 1)
		return NULL;   /* name-type: not needed */
	if (!der_is(in, DER_UNIVERSAL, DER_SEQUENCE))
		return "krb_bad_message";
	v = in->val;
	cap = rd_left(&v) * 3 + 1;   /* worst case: every byte U+FFFD */
	s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = '\0';
	while (rd_left(&v) > 0) {
		struct der_tlv c;
		const char *bad = der_next(&v, &c);
		char *part;
		size_t pl;
		if (bad || ++n > KRB_MAX_NAME_COMPONENTS) {
			free(s);
			return bad ? bad : "krb_bad_message";
		}
		part = tlv_string(&c);
		if (!part)
			continue;
		pl = strlen(part);
		if (used + pl + 2 <= cap) {
			if (used)
				s[used++] = '/';
			memcpy(s + used, part, pl + 1);
			used += pl;
		}
		free(part);
	}
	free(*out);
	*out = s;
	return NULL;
}

static const char *read_principal(struct der_tlv *in, char **out)
{
	if (!der_is(in, DER_UNIVERSAL, DER_SEQUENCE))
		return "krb_bad_message";
	return walk_seq(in->val, principal_field, out);
}

/* Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno, realm, sname, enc-part } */
static const char *ticket_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct krb_info *k = ctx;
	struct enc_data e;
	const char *bad;

	switch (tag) {
	case 1:
		free(k->realm);
		k->realm = tlv_string(in);
		return NULL;
	case 2:
		return read_principal(in, &k->sname);
	case 3:
		if ((bad = read_enc_data(in, &e)))
			return bad;
		k->ticket_etype = e.etype;
		k->ticket_kvno = e.kvno;
		return NULL;
	default:
		return NULL;
	}
}

static const char *read_ticket(struct der_tlv *in, struct krb_info *k)
{
	struct rd seq;
	const char *bad;
	if (!der_is(in, DER_APPLICATION, 1))
		return "krb_bad_message";
	if ((bad = unwrap_app_seq(in, &seq)))
		return bad;
	return walk_seq(seq, ticket_field, k);
}

static const char *check_msg_type(struct der_tlv *in, struct krb_info *k)
{
	int mt;
	if (!tlv_int(in, &mt) || mt != k->msg_type)
		return "krb_bad_message";
	return NULL;
}

static const char *ap_req_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct krb_info *k = ctx;
	struct enc_data e;
	const char *bad;

	switch (tag) {
	case 1:
		return check_msg_type(in, k);
	case 2:
		if (!der_is(in, DER_UNIVERSAL, DER_BIT_STRING) ||
		    !der_bits32(in->val, &k->ap_options))
			return "krb_bad_message";
		return NULL;
	case 3:
		return read_ticket(in, k);
	case 4:
		if ((bad = read_enc_data(in, &e)))
			return bad;
		k->auth_etype = e.etype;
		return NULL;
	default:
		return NULL;
	}
}

static const char *ap_rep_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct krb_info *k = ctx;
	struct enc_data e;
	const char *bad;

	if (tag == 1)
		return check_msg_type(in, k);
	if (tag == 2) {
		if ((bad = read_enc_data(in, &e)))
			return bad;
		k->enc_part_etype = e.etype;
	}
	return NULL;
}

static const char *krb_error_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct krb_info *k = ctx;

	switch (tag) {
	case 1:
		return check_msg_type(in, k);
	case 6:
		if (!tlv_int(in, &k->error_code))
			return "krb_bad_message";
		k->error_name = krb_error_name(k->error_code);
		return NULL;
	case 9:
		free(k->realm);
		k->realm = tlv_string(in);
		return NULL;
	case 10:
		return read_principal(in, &k->sname);
	default:
		return NULL;
	}
}

/* one Kerberos message element at the reader */
static const char *decode_msg(struct rd r, struct krb_info *k)
{
	struct der_tlv app;
	struct rd seq;
	const char *bad = der_next(&r, &app);
	der_field_fn fn;

	if (bad)
		return bad;
	if (app.cls != DER_APPLICATION || !app.constructed)
		return "krb_bad_message";
	if ((bad = der_check(app.val)))
		return bad;
	switch (app.tag) {
	case KRB_AP_REQ: fn = ap_req_field; break;
	case KRB_AP_REP: fn = ap_rep_field; break;
	case KRB_ERROR: fn = krb_error_field; break;
	default: return "krb_unknown_message";
	}
	k->msg_type = (int)app.tag;
	if ((bad = unwrap_app_seq(&app, &seq)))
		return bad;
	if (app.tag == KRB_AP_REQ) {
		struct rd w = app.whole;
		k->ap_req_len = rd_left(&w);
		k->ap_req = rd_ptr(&w);
	}
	return walk_seq(seq, fn, k);
}

const char *krb_decode_gss(const uint8_t *buf, size_t len, struct krb_info *k)
{
	struct rd r = rd_init(buf, len);
	struct der_tlv gss, oid;
	struct rd in, peek = r;
	char dotted[64];
	uint16_t tok_id;
	const char *bad;

	k->ticket_kvno = -1;
	if (rd_u8(&peek) != 0x60 && rd_ok(&peek))
		return decode_msg(r, k);     /* bare message, no GSS framing */
	if ((bad = der_next(&r, &gss)))
		return bad;
	in = gss.val;
	if ((bad = der_next(&in, &oid)))
		return bad;
	if (!der_is(&oid, DER_UNIVERSAL, DER_OID) || !der_oid_str(oid.val, dotted, sizeof dotted) ||
	    !krb_is_krb5_oid(dotted))
		return "krb_bad_token";
	k->legacy_oid = strcmp(dotted, OID_MS_KRB5) == 0;
	tok_id = rd_be16(&in);
	if (!rd_ok(&in))
		return "krb_bad_token";
	/* RFC 1964 1.1: 01 00 AP-REQ, 02 00 AP-REP, 03 00 KRB-ERROR */
	if (tok_id != 0x0100 && tok_id != 0x0200 && tok_id != 0x0300)
		return "krb_bad_tok_id";
	if ((bad = decode_msg(rd_take(&in, rd_left(&in)), k)))
		return bad;
	if ((tok_id == 0x0100 && k->msg_type != KRB_AP_REQ) ||
	    (tok_id == 0x0200 && k->msg_type != KRB_AP_REP) ||
	    (tok_id == 0x0300 && k->msg_type != KRB_ERROR))
		return "krb_bad_tok_id";
	return NULL;
}

void krb_info_free(struct krb_info *k)
{
	free(k->realm);
	free(k->sname);
	krbtkt_info_free(k);   /* what the keytab decrypter filled */
	memset(k, 0, sizeof *k);
	k->ticket_kvno = -1;
}
