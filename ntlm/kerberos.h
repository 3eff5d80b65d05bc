/*
 * kerberos.h - outer fields of Kerberos messages carried in Negotiate:
 * RFC 1964 GSS framing, RFC 4120 AP-REQ, AP-REP, KRB-ERROR.
 *
 * What a caller may rely on: nothing encrypted is opened here (that is
 * ntlm/krbtkt.h's job with a keytab).  krb_decode_gss takes the bytes of a
 * GSS InitialContextToken ([APPLICATION 0]: mech OID, 2-byte TOK_ID,
 * message) or a bare Kerberos message; every length is checked (der.h);
 * k->ap_req / ap_req_len point at the whole AP-REQ element inside the
 * buffer given, so the buffer must outlive k (auth_token keeps it in raw).
 * Returns NULL or an anomaly name ("krb_bad_token", "krb_bad_tok_id",
 * "krb_bad_message", "krb_unknown_message", or a der_* name).
 */
#ifndef AUTHSCOPE_KERBEROS_H
#define AUTHSCOPE_KERBEROS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "ntlm/token.h"

#define OID_SPNEGO   "1.3.6.1.5.5.2"
#define OID_KRB5     "1.2.840.113554.1.2.2"
#define OID_MS_KRB5  "1.2.840.48018.1.2.2"
#define OID_KRB5_U2U "1.2.840.113554.1.2.2.3"
#define OID_NTLMSSP  "1.3.6.1.4.1.311.2.2.10"
#define OID_NEGOEX   "1.3.6.1.4.1.311.2.2.30"

/* a GSS-framed Kerberos token, or a bare AP-REQ/AP-REP/KRB-ERROR */
const char *krb_decode_gss(const uint8_t *buf, size_t len, struct krb_info *k);

void krb_info_free(struct krb_info *k);

/* "KRB5KRB_AP_ERR_SKEW" for 37 (MIT's names), NULL when unknown */
const char *krb_error_name(int code);
/* "aes256-cts-hmac-sha1-96" for 18, NULL when unknown */
const char *krb_etype_name(int etype);
/* "AP-REQ" for 14, "AP-REP" 15, "KRB-ERROR" 30, NULL otherwise */
const char *krb_msg_type_name(int msg_type);

bool krb_is_krb5_oid(const char *dotted);

#endif
