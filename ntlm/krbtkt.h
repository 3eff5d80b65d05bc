/*
 * krbtkt.h - read the client's name out of a Kerberos AP-REQ with the
 * service's keytab (MIT libkrb5 for the keytab files and the crypto; the
 * DER is walked with ntlm/der.h).
 *
 * Without the service key a Kerberos ticket says nothing about who sent
 * it: the client principal is inside the encrypted part.  With the keytab
 * the server itself uses, authscope decrypts the ticket (key usage 2) and
 * then the authenticator (usage 11, with the ticket's session key), as the
 * server's krb5_rd_req would, minus the replay cache and the clock checks
 * (a capture is read long after the fact; the record carries the ticket
 * times so the handshake layer can judge them against packet time).
 *
 * What a caller may rely on:
 *  - krbtkt_open reads every entry of every keytab into memory once; it
 *    returns NULL and an error message naming the file when one cannot be
 *    read, is not a keytab, is truncated or corrupt, or holds no key.
 *  - krbtkt_decrypt never reads outside ki->ap_req[0 .. ap_req_len), never
 *    aborts, and fills (all malloc'd, freed by auth_token_free through
 *    krbtkt_info_free):
 *      ki->client, ki->client_realm  the ticket's client ("alice",
 *                                    "EXAMPLE.COM") when the ticket
 *                                    decrypted with a keytab key; NULL
 *                                    otherwise.  Never set from anything
 *                                    the KDC did not encrypt.
 *      ki->decrypt_anomaly           NULL when the ticket and the
 *                                    authenticator decrypted and name the
 *                                    same client; else a static name:
 *        "krb_no_key"            no key of the ticket's etype in any keytab
 *                                could decrypt and none matched exactly
 *                                (detail names principal, kvno, etype)
 *        "krb_decrypt_failed"    the key for that principal/kvno/etype
 *                                failed the integrity check (wrong key)
 *        "krb_bad_ticket"        AP-REQ, ticket or its decrypted part is
 *                                not well-formed DER of the RFC 4120 shape
 *        "krb_user_to_user"      ticket is sealed with a TGT session key
 *        "krb_authenticator_decrypt_failed"
 *        "krb_authenticator_bad" authenticator decrypted but malformed
 *        "krb_authenticator_client_mismatch"
 *                                authenticator names another client
 *                                (client stays the ticket's; a server
 *                                would have refused the request)
 *        "krb_out_of_memory"
 *      ki->decrypt_detail            one line for a human: which key
 *                                    decrypted the ticket ("key
 *                                    HTTP/web@R kvno 3 etype 18"), or
 *                                    why not ("no key for HTTP/web@R kvno
 *                                    3 etype 18 (keytab has: kvno 2 etype
 *                                    18)").  Never a key byte.
 *      ki->authenticator_client/_realm, tkt_flags, tkt_authtime,
 *      tkt_starttime, tkt_endtime, auth_ctime, auth_cusec (ntlm/token.h).
 *  - When the exact (principal, kvno, etype) key is absent, every key of
 *    the same etype is tried, principal first (what MIT's acceptor does
 *    with GSS_C_NO_CREDENTIAL): an AD account's several SPNs share one
 *    key, and keytabs with a stale kvno are common.  The detail then
 *    names both the key used and what the ticket asked for.
 *  - Thread safety: calls on one instance are serialized by a mutex in
 *    the instance (a krb5_context must not be used by two threads at
 *    once); separate instances share nothing.
 *  - No key, session key or decrypted byte is ever printed or kept after
 *    the call: buffers holding them are zeroed before they are freed.
 */
#ifndef AUTHSCOPE_KRBTKT_H
#define AUTHSCOPE_KRBTKT_H

#include <stddef.h>
#include <stdint.h>

#include "ntlm/token.h"

struct krbtkt;

struct krbtkt *krbtkt_open(const char *const *keytab_paths, int n,
			   char *err, size_t errlen);
void krbtkt_decrypt(struct krbtkt *k, struct krb_info *ki);
void krbtkt_close(struct krbtkt *k);

/*
 * The clock checks krbtkt_decrypt leaves out, against the time the request
 * was seen (packet time, Unix seconds), as MIT's krb5_rd_req makes them
 * with clockskew skew_s (its default: 300): NULL when the times are fine
 * or unknown (nothing decrypted), else "krb_clock_skew" (authenticator
 * time off by more than skew_s: the server answers KRB_AP_ERR_SKEW),
 * "krb_ticket_not_yet_valid" (KRB_AP_ERR_TKT_NYV), "krb_ticket_expired"
 * (KRB_AP_ERR_TKT_EXPIRED).  Pure function of its arguments.
 */
const char *krbtkt_check_times(const struct krb_info *ki, int64_t seen_s, int skew_s);

/* number of keys loaded (for --stats and tests) */
size_t krbtkt_key_count(const struct krbtkt *k);

/* free and clear what krbtkt_decrypt filled in ki (safe to call twice) */
void krbtkt_info_free(struct krb_info *ki);

#endif
