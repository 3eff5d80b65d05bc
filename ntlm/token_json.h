/*
 * token_json.h - a decoded auth_token as JSON (jansson) or as a text tree.
 *
 * What a caller may rely on (the `authscope decode` contract, keys only
 * ever added):
 *   scheme, mech, anomaly (when set), and one of the objects
 *   ntlm     type, flags ("0xa2888205"), flag_names [], version {major,
 *            minor, build, ntlm_revision}; Type 1 negotiate_domain,
 *            negotiate_workstation; Type 2 server_challenge (hex),
 *            target_name, target_info {nb_computer_name, nb_domain_name,
 *            dns_computer_name, dns_domain_name, dns_tree_name,
 *            target_name, timestamp (FILETIME), timestamp_utc, flags,
 *            channel_bindings}; Type 3
 *            domain, user, workstation, password_type, lm_response_len,
 *            nt_response_len, session_key_len, ntlmv2, ess, anonymous,
 *            mic_present, client_challenge, target_info (v2 blob pairs,
 *            plus blob_timestamp, blob_timestamp_utc)
 *   spnego   token, mech_types [], req_flags, req_flag_names [] ("mutualFlag"),
 *            mech_token, mech_list_mic,
 *            neg_state, supported_mech
 *   kerberos msg_type, realm, sname, etype, kvno, authenticator_etype,
 *            ap_options, ap_option_names [] ("mutual-required"),
 *            legacy_oid, error_code, error_name, client
 *   basic    user
 *   digest   username, realm, uri, qop, algorithm, userhash, nonce
 * A string field that was not present is omitted, never "".  With
 * secrets, ntlm also gets lm_response, nt_response, session_key (hex)
 * when the token was decoded with AUTH_KEEP_SECRETS.
 */
#ifndef AUTHSCOPE_TOKEN_JSON_H
#define AUTHSCOPE_TOKEN_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "ntlm/token.h"

/* a new reference; NULL only when out of memory */
json_t *auth_token_to_json(const struct auth_token *t, bool secrets);

/* human-readable tree (tshark's packet-details style), indented by
   `indent` levels */
void auth_token_print_text(FILE *f, const struct auth_token *t, bool secrets, int indent);

#endif
