/*
 * krbdec - test driver for ntlm/krbtkt: open keytabs, then for every
 * base64 Negotiate token on the command line print what krbtkt_decrypt
 * found, one line per token:
 *
 *   client=alice realm=R anomaly=- auth_client=alice auth_realm=R
 *   flags=0x... authtime=N endtime=N detail=...
 *
 *   krbdec -k KEYTAB [-k KEYTAB...] [TOKEN...]
 *
 * Exit 2 (message on stderr) when a keytab cannot be opened, as
 * authscope does.  The AP-REQ is found by walking the GSS framing
 * (RFC 2743 3.1 InitialContextToken, RFC 4178 NegTokenInit) here in the
 * driver, so the test depends on nothing but krbtkt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/rd.h"
#include "ntlm/der.h"
#include "ntlm/krbtkt.h"

#define MAX_KT 8

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

static uint8_t *b64dec(const char *s, size_t *n)
{
	uint8_t *out = malloc(strlen(s) + 1);
	unsigned acc = 0;
	int bits = 0;

	*n = 0;
	for (; out && *s && *s != '='; s++) {
		int v = b64val((unsigned char)*s);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[(*n)++] = (uint8_t)(acc >> bits);
		}
	}
	return out;
}

/* the AP-REQ inside a GSS krb5 token or a SPNEGO NegTokenInit */
static bool find_apreq(struct rd r, int depth, struct rd *ap)
{
	struct der_tlv t, oid;
	char o[64];

	if (depth > 2 || der_next(&r, &t) || !der_is(&t, DER_APPLICATION, 0))
		return false;
	if (der_next(&t.val, &oid) || !der_is(&oid, DER_UNIVERSAL, DER_OID) ||
	    !der_oid_str(oid.val, o, sizeof o))
		return false;
	if (strcmp(o, "1.2.840.113554.1.2.2") == 0 || strcmp(o, "1.2.840.48018.1.2.2") == 0) {
		uint16_t tok_id = rd_be16(&t.val);
		struct der_tlv a;
		if (tok_id != 0x0100 || der_next(&t.val, &a) || !der_is(&a, DER_APPLICATION, 14))
			return false;
		*ap = a.whole;
		return true;
	}
	if (strcmp(o, "1.3.6.1.5.5.2") == 0) {
		struct der_tlv init, seq, f;
		if (der_next(&t.val, &init) || !der_is(&init, DER_CONTEXT, 0) ||
		    der_next(&init.val, &seq) || !der_is(&seq, DER_UNIVERSAL, DER_SEQUENCE))
			return false;
		while (rd_left(&seq.val) > 0) {
			struct der_tlv os;
			if (der_next(&seq.val, &f))
				return false;
			if (der_is(&f, DER_CONTEXT, 2))
				return !der_next(&f.val, &os) && der_is(&os, DER_UNIVERSAL, DER_OCTET_STRING) &&
				       find_apreq(os.val, depth + 1, ap);
		}
	}
	return false;
}

static const char *s(const char *x)
{
	return x ? x : "-";
}

int main(int argc, char **argv)
{
	const char *kts[MAX_KT];
	int nkt = 0, i = 1;
	char err[512];
	struct krbtkt *k;

	for (; i + 1 < argc && strcmp(argv[i], "-k") == 0 && nkt < MAX_KT; i += 2)
		kts[nkt++] = argv[i + 1];
	k = krbtkt_open(kts, nkt, err, sizeof err);
	if (!k) {
		fprintf(stderr, "krbdec: %s\n", err);
		return 2;
	}
	printf("keys=%zu\n", krbtkt_key_count(k));
	for (; i < argc; i++) {
		struct krb_info ki;
		struct rd ap;
		size_t n;
		uint8_t *raw = b64dec(argv[i], &n);

		memset(&ki, 0, sizeof ki);
		if (!raw || !find_apreq(rd_init(raw, n), 0, &ap)) {
			printf("no_apreq\n");
			free(raw);
			continue;
		}
		ki.ap_req = rd_ptr(&ap);
		ki.ap_req_len = rd_left(&ap);
		krbtkt_decrypt(k, &ki);
		printf("client=%s realm=%s anomaly=%s auth_client=%s auth_realm=%s flags=0x%08x "
		       "authtime=%lld endtime=%lld ctime=%lld detail=%s\n",
		       s(ki.client), s(ki.client_realm), s(ki.decrypt_anomaly),
		       s(ki.authenticator_client), s(ki.authenticator_realm), ki.tkt_flags,
		       (long long)ki.tkt_authtime, (long long)ki.tkt_endtime, (long long)ki.auth_ctime,
		       s(ki.decrypt_detail));
		krbtkt_info_free(&ki);
		free(raw);
	}
	krbtkt_close(k);
	return 0;
}
