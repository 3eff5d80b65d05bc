/*
 * token.h - decode one authentication header value.
 *
 * Input: the value of an Authorization, Proxy-Authorization,
 * WWW-Authenticate or Proxy-Authenticate header, as bytes from the wire
 * ("NTLM TlRM...", "Negotiate YII...", "Basic dXNl...", "Digest
 * username=...", or a challenge list "Negotiate, NTLM").  Output: a struct
 * auth_token with everything decoded.
 *
 * What a caller may rely on:
 *  - auth_token_decode never reads outside the value, never aborts, and
 *    always fills scheme; a malformed token sets anomaly (a short stable
 *    name such as "bad_base64", "ntlm_bad_offset", "der_too_deep") and
 *    keeps whatever was decoded safely before the damage.  A user name is
 *    only ever set from bytes that were inside the token.
 *  - every string is UTF-8 (UTF-16LE converted, bad sequences replaced by
 *    U+FFFD), NUL-terminated, owned by the token; auth_token_free frees it
 *    and leaves every owning pointer NULL (a second free does nothing);
 *    the other fields are then stale until the next auth_token_decode,
 *    which starts from a cleared token.
 *  - no password (Basic) is ever stored; NT/LM responses and session keys
 *    are stored only as lengths unless AUTH_KEEP_SECRETS is passed.
 *  - raw holds the base64-decoded NTLM / Negotiate token (never a Basic
 *    credential); krb.ap_req points into it.  auth_token_free frees what
 *    the keytab decrypter added to krb too (krbtkt_info_free).
 *  - the anomaly names come from the decoders: ntlm/ntlmssp.h (ntlm_*),
 *    ntlm/der.h (der_*), ntlm/spnego.h (spnego_*), ntlm/kerberos.h
 *    (krb_*), ntlm/basic_digest.h (basic_*, digest_*), and here:
 *    "bad_base64", "empty_token".
 *  - auth_challenges_decode splits a list on the commas that start a new
 *    challenge (RFC 7235 2.1: a token not followed by '='), never on commas
 *    inside auth-params or quoted strings.
 *  - JSON / text rendering: ntlm/token_json.h; `authscope decode`:
 *    ntlm/decode_cli.h.
 */
#ifndef AUTHSCOPE_TOKEN_H
#define AUTHSCOPE_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum auth_scheme {
	SCHEME_NONE = 0,   /* empty / absent */
	SCHEME_NTLM,
	SCHEME_NEGOTIATE,
	SCHEME_BASIC,
	SCHEME_DIGEST,
	SCHEME_BEARER,
	SCHEME_OTHER,
};

enum auth_mech {
	MECH_NONE = 0,     /* no token (bare "Negotiate"), or Basic/Digest */
	MECH_NTLMSSP,
	MECH_KERBEROS,
	MECH_OTHER,        /* SPNEGO with a mech we do not decode */
};

/* NTLMSSP message (MS-NLMP 2.2.1) */
struct ntlm_msg {
	int type;                      /* 1, 2, 3; 0 when not NTLMSSP */
	uint32_t flags;
	bool has_version;
	uint8_t ver_major, ver_minor;
	uint16_t ver_build;
	uint8_t ver_ntlm_revision;
	/* Type 1 */
	char *neg_domain, *neg_workstation;
	/* Type 2 */
	uint8_t server_challenge[8];
	char *target_name;
	char *nb_computer, *nb_domain, *dns_computer, *dns_domain, *dns_tree;
	char *av_target_name;          /* MsvAvTargetName (Type 2 or v2 blob) */
	uint64_t av_timestamp;         /* FILETIME, 0 when absent */
	uint32_t av_flags;
	bool has_av_flags;
	bool has_channel_bindings;
	/* Type 3 */
	char *domain, *user, *workstation;
	uint16_t lm_len, nt_len, session_key_len;
	bool has_mic;
	uint8_t mic[16];
	bool ntlmv2;                   /* nt_len > 24 */
	uint8_t client_challenge[8];   /* from the v2 blob, or LM field with ESS */
	uint64_t blob_timestamp;
	char *blob_target_spn;         /* MsvAvTargetName inside the v2 blob */
	const char *password_type;     /* "NTLMv2" "NTLMv1" "LANMan" "No-Password" */
	bool ess;                      /* NTLMv1 with extended session security */
	bool anonymous;
	/* only with AUTH_KEEP_SECRETS */
	uint8_t *lm_resp, *nt_resp, *session_key;
};

struct spnego_info {
	int token;                     /* 0 none, 1 NegTokenInit, 2 NegTokenResp */
	char mech_types[8][64];        /* dotted OIDs */
	int n_mech_types;
	int neg_state;                 /* -1 absent; 0 accept-completed,
					  1 accept-incomplete, 2 reject,
					  3 request-mic */
	char supported_mech[64];
	bool has_mech_token, has_mech_list_mic;
	uint32_t req_flags;
	bool has_req_flags;
};

struct krb_info {
	int msg_type;                  /* 14 AP-REQ, 15 AP-REP, 30 KRB-ERROR, 0 none */
	uint32_t ap_options;
	char *realm;                   /* ticket realm (AP-REQ), error realm */
	char *sname;                   /* "HTTP/web.example.com" */
	int ticket_etype, ticket_kvno; /* kvno -1 when absent */
	int auth_etype;                /* authenticator etype */
	int enc_part_etype;            /* AP-REP */
	int error_code;                /* KRB-ERROR */
	const char *error_name;        /* "KRB5KRB_AP_ERR_SKEW"... */
	bool legacy_oid;               /* 1.2.840.48018.1.2.2 framing */
	/* the raw AP-REQ, pointing into the token's decoded buffer, for the
	   keytab decrypter (ntlm/krbtkt.h) */
	const uint8_t *ap_req;
	size_t ap_req_len;
	/* filled by the keytab decrypter when a key matched */
	char *client;                  /* "alice" */
	char *client_realm;
	const char *decrypt_anomaly;
	/* also filled by ntlm/krbtkt.c (see krbtkt.h); strings malloc'd and
	   freed by krbtkt_info_free; times are Unix seconds, 0 when absent */
	char *decrypt_detail;          /* which key, or why none worked */
	char *authenticator_client, *authenticator_realm;
	uint32_t tkt_flags;            /* TicketFlags, bit 0 (reserved) on top */
	int64_t tkt_authtime, tkt_starttime, tkt_endtime;
	int64_t auth_ctime;            /* authenticator ctime (+ auth_cusec) */
	int32_t auth_cusec;
};

struct auth_token {
	enum auth_scheme scheme;
	char scheme_name[32];          /* as written, for SCHEME_OTHER (bytes
					  outside printable ASCII as '?') */
	enum auth_mech mech;
	bool has_data;                 /* a token/credential followed the scheme */
	struct ntlm_msg ntlm;
	struct spnego_info spnego;
	bool spnego_wrapped;           /* the mech token sat inside SPNEGO */
	struct krb_info krb;
	char *basic_user;              /* Basic: user part only */
	char *basic_realm;             /* Basic challenge: realm= (added) */
	char *digest_username, *digest_realm, *digest_uri, *digest_qop,
	     *digest_algorithm, *digest_userhash, *digest_nonce;
	const char *anomaly;           /* NULL when clean */
	uint8_t *raw;                  /* base64-decoded bytes (owned) */
	size_t raw_len;
};

#define AUTH_KEEP_SECRETS 0x1u
/*
 * Only what ntlm/handshake.c reads: with AUTH_LEAN the NTLM names it
 * never looks at stay NULL (Type 1 domain and workstation, Type 2
 * TargetName, DnsTreeName and MsvAvTargetName, every AV pair name inside
 * a Type 3's NTLMv2 blob).  Every check on the bytes runs as without it:
 * the anomaly, the scheme, mech, user, domain, workstation, password
 * type, the Type 2's NetBIOS / DNS computer and domain names and
 * timestamps are the same.
 */
#define AUTH_LEAN 0x2u

/* Decode one credential or challenge ("Scheme [token|params]"). */
void auth_token_decode(const char *value, size_t len, unsigned flags,
		       struct auth_token *out);
void auth_token_free(struct auth_token *t);

/*
 * A WWW-Authenticate value may list several challenges ("Negotiate, NTLM"
 * or "Basic realm=\"x\", Negotiate"): split into at most max tokens.
 * Returns how many were decoded.
 */
int auth_challenges_decode(const char *value, size_t len, unsigned flags,
			   struct auth_token *out, int max);

const char *auth_scheme_name(enum auth_scheme s);  /* "NTLM"... or NULL */
const char *auth_mech_name(enum auth_mech m);      /* "NTLMSSP"... or NULL */

#endif
