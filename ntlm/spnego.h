/*
 * spnego.h - the token of a Negotiate header that is not raw NTLMSSP:
 * GSS-API InitialContextToken (RFC 2743 3.1) carrying SPNEGO (RFC 4178)
 * NegTokenInit / NegTokenResp, a bare NegTokenInit [0] / NegTokenResp [1]
 * (what servers and later legs send), a GSS-framed Kerberos token, or a
 * bare Kerberos AP-REQ / AP-REP / KRB-ERROR.
 *
 * What a caller may rely on: the DER is walked, never searched; the
 * mechanism token is decoded by the mechanism the SPNEGO fields name
 * (mechTypes[0] for an optimistic token, supportedMech in a response),
 * NTLMSSP through ntlmssp.h and Kerberos through kerberos.h.  Fills
 * t->spnego, t->mech, t->spnego_wrapped, t->ntlm or t->krb, and returns
 * NULL or an anomaly ("spnego_bad_token", "spnego_unknown_mech", der_*,
 * ntlm_*, krb_*).  buf must be t->raw (Kerberos points into it).
 */
#ifndef AUTHSCOPE_SPNEGO_H
#define AUTHSCOPE_SPNEGO_H

#include <stddef.h>
#include <stdint.h>

#include "ntlm/token.h"

const char *spnego_decode(const uint8_t *buf, size_t len, unsigned flags,
			  struct auth_token *t);

/* "accept-completed", "accept-incomplete", "reject", "request-mic" */
const char *spnego_neg_state_name(int neg_state);

/* "NegTokenInit" / "NegTokenResp" for spnego_info.token 1 / 2 */
const char *spnego_token_name(int token);

/* a short name for a mechanism OID ("NTLMSSP", "Kerberos 5"...) or NULL */
const char *spnego_mech_name(const char *dotted);

#endif
