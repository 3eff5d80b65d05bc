/* spnego.c - see spnego.h.  ASN.1 from RFC 4178 section 4.2 and
   [MS-SPNG] 2.2.1 (NegTokenInit2's negHints). */
#include "ntlm/spnego.h"

#include <stdio.h>
#include <string.h>

#include "capture/rd.h"
#include "ntlm/der.h"
#include "ntlm/kerberos.h"
#include "ntlm/ntlmssp.h"

#define SPNEGO_INIT 1
#define SPNEGO_RESP 2

const char *spnego_neg_state_name(int s)
{
	switch (s) {
	case 0: return "accept-completed";
	case 1: return "accept-incomplete";
	case 2: return "reject";
	case 3: return "request-mic";
	default: return NULL;
	}
}

const char *spnego_token_name(int token)
{
	return token == SPNEGO_INIT ? "NegTokenInit" :
	       token == SPNEGO_RESP ? "NegTokenResp" : NULL;
}

const char *spnego_mech_name(const char *dotted)
{
	if (strcmp(dotted, OID_NTLMSSP) == 0) return "NTLMSSP";
	if (strcmp(dotted, OID_KRB5) == 0) return "Kerberos 5";
	if (strcmp(dotted, OID_MS_KRB5) == 0) return "MS Kerberos 5";
	if (strcmp(dotted, OID_KRB5_U2U) == 0) return "Kerberos 5 user-to-user";
	if (strcmp(dotted, OID_NEGOEX) == 0) return "NEGOEX";
	if (strcmp(dotted, OID_SPNEGO) == 0) return "SPNEGO";
	return NULL;
}

struct walk {
	struct auth_token *t;
	unsigned flags;
	struct rd mech_token;     /* err set when absent */
	int fields;
};

static const char *read_oid(struct der_tlv *in, char *buf, size_t n)
{
	if (!der_is(in, DER_UNIVERSAL, DER_OID) || !der_oid_str(in->val, buf, n))
		return "spnego_bad_token";
	return NULL;
}

static const char *read_octets(struct der_tlv *in, struct rd *out)
{
	if (!der_is(in, DER_UNIVERSAL, DER_OCTET_STRING))
		return "spnego_bad_token";
	*out = in->val;
	return NULL;
}

static const char *init_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct walk *w = ctx;
	struct spnego_info *s = &w->t->spnego;
	struct rd v, mic;
	const char *bad;

	switch (tag) {
	case 0:   /* mechTypes: SEQUENCE OF OID */
		if (!der_is(in, DER_UNIVERSAL, DER_SEQUENCE))
			return "spnego_bad_token";
		v = in->val;
		while (rd_left(&v) > 0) {
			struct der_tlv o;
			char dotted[64];
			if ((bad = der_next(&v, &o)) || (bad = read_oid(&o, dotted, sizeof dotted)))
				return bad;
			if (s->n_mech_types < 8)
				memcpy(s->mech_types[s->n_mech_types++], dotted, sizeof dotted);
		}
		return NULL;
	case 1:   /* reqFlags */
		if (!der_is(in, DER_UNIVERSAL, DER_BIT_STRING) ||
		    !der_bits32(in->val, &s->req_flags))
			return "spnego_bad_token";
		s->has_req_flags = true;
		return NULL;
	case 2:
		if ((bad = read_octets(in, &w->mech_token)))
			return bad;
		s->has_mech_token = true;
		return NULL;
	case 3:   /* RFC 4178 mechListMIC, or MS negHints (a SEQUENCE) */
		if (der_is(in, DER_UNIVERSAL, DER_SEQUENCE))
			return NULL;
		if ((bad = read_octets(in, &mic)))
			return bad;
		s->has_mech_list_mic = true;
		return NULL;
	case 4:   /* NegTokenInit2 mechListMIC */
		if ((bad = read_octets(in, &mic)))
			return bad;
		s->has_mech_list_mic = true;
		return NULL;
	default:
		return NULL;
	}
}

static const char *resp_field(uint32_t tag, struct der_tlv *in, void *ctx)
{
	struct walk *w = ctx;
	struct spnego_info *s = &w->t->spnego;
	struct rd mic;
	int64_t st;
	const char *bad;

	switch (tag) {
	case 0:
		if (!der_is(in, DER_UNIVERSAL, DER_ENUMERATED) || !der_int(in->val, &st) ||
		    st < 0 || st > 255)
			return "spnego_bad_token";
		s->neg_state = (int)st;
		return NULL;
	case 1:
		return read_oid(in, s->supported_mech, sizeof s->supported_mech);
	case 2:
		if ((bad = read_octets(in, &w->mech_token)))
			return bad;
		s->has_mech_token = true;
		return NULL;
	case 3:
		if ((bad = read_octets(in, &mic)))
			return bad;
		s->has_mech_list_mic = true;
		return NULL;
	default:
		return NULL;
	}
}

/* the mechanism the token is for, as SPNEGO names it ("" when unnamed) */
static const char *declared_mech(const struct spnego_info *s)
{
	if (s->token == SPNEGO_RESP)
		return s->supported_mech;
	return s->n_mech_types > 0 ? s->mech_types[0] : "";
}

static enum auth_mech mech_of_oid(const char *dotted)
{
	if (!dotted[0])
		return MECH_NONE;
	if (strcmp(dotted, OID_NTLMSSP) == 0)
		return MECH_NTLMSSP;
	if (krb_is_krb5_oid(dotted))
		return MECH_KERBEROS;
	return MECH_OTHER;
}

/*
 * Decode the mechanism token.  Its own header decides between NTLMSSP
 * (signature at offset 0) and Kerberos (GSS framing); the declared OID
 * covers the rest.  This is the token's first bytes, never a search.
 */
static const char *decode_mech_token(struct walk *w)
{
	struct auth_token *t = w->t;
	struct rd v = w->mech_token, peek = v;
	size_t n = rd_left(&v);
	const uint8_t *p = rd_bytes(&v, n);
	enum auth_mech m = mech_of_oid(declared_mech(&t->spnego));
	uint8_t first = rd_u8(&peek);

	if (!p)
		return "spnego_bad_token";
	if (ntlmssp_is(p, n))
		m = MECH_NTLMSSP;
	else if (m == MECH_NONE && n > 0 && first == 0x60)
		m = MECH_KERBEROS;
	t->mech = m;
	switch (m) {
	case MECH_NTLMSSP:
		return ntlmssp_decode(p, n, w->flags, &t->ntlm);
	case MECH_KERBEROS:
		return krb_decode_gss(p, n, &t->krb);
	default:
		t->mech = MECH_OTHER;
		return "spnego_unknown_mech";
	}
}

static const char *decode_negotiation_token(struct rd r, struct walk *w)
{
	struct der_tlv choice, seq;
	struct rd cv;
	struct spnego_info *s = &w->t->spnego;
	const char *bad;

	if ((bad = der_next(&r, &choice)) || (bad = der_check(choice.val)))
		return bad;
	if (choice.cls != DER_CONTEXT || !choice.constructed || choice.tag > 1)
		return "spnego_bad_token";
	cv = choice.val;
	if ((bad = der_next(&cv, &seq)))
		return bad;
	if (!der_is(&seq, DER_UNIVERSAL, DER_SEQUENCE))
		return "spnego_bad_token";
	s->token = choice.tag == 0 ? SPNEGO_INIT : SPNEGO_RESP;
	w->t->spnego_wrapped = true;
	bad = der_walk_fields(seq.val, choice.tag == 0 ? init_field : resp_field, w,
			      "spnego_bad_token");
	if (bad)
		return bad;
	if (s->has_mech_token)
		return decode_mech_token(w);
	w->t->mech = mech_of_oid(declared_mech(s));
	return NULL;
}

const char *spnego_decode(const uint8_t *buf, size_t len, unsigned flags,
			  struct auth_token *t)
{
	struct rd r = rd_init(buf, len), peek = r, in;
	struct walk w = { t, flags, { NULL, 0, 0, true }, 0 };
	struct der_tlv gss, oid;
	char dotted[64];
	uint8_t first = rd_u8(&peek);
	const char *bad;

	t->spnego.neg_state = -1;
	if (!rd_ok(&peek))
		return "spnego_bad_token";
	if (first == 0xa0 || first == 0xa1)
		return decode_negotiation_token(r, &w);
	if (first == 0x6e || first == 0x6f || first == 0x7e) {
		/* a bare AP-REQ / AP-REP / KRB-ERROR, no GSS framing */
		t->mech = MECH_KERBEROS;
		return krb_decode_gss(buf, len, &t->krb);
	}
	if (first != 0x60)
		return "spnego_bad_token";
	/* GSS InitialContextToken: [APPLICATION 0] { thisMech, inner } */
	if ((bad = der_next(&r, &gss)))
		return bad;
	in = gss.val;
	if ((bad = der_next(&in, &oid)) || (bad = read_oid(&oid, dotted, sizeof dotted)))
		return bad;
	if (strcmp(dotted, OID_SPNEGO) == 0)
		return decode_negotiation_token(in, &w);
	if (krb_is_krb5_oid(dotted)) {
		t->mech = MECH_KERBEROS;
		return krb_decode_gss(buf, len, &t->krb);
	}
	t->mech = MECH_OTHER;
	return "spnego_unknown_mech";
}
