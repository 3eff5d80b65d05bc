/*
 * basic_digest.h - Basic (RFC 7617) and Digest (RFC 7616) credentials and
 * challenges, plus the auth-param list parser both need.
 *
 * What a caller may rely on: basic_decode keeps only the user part (the
 * bytes before the first ':'; no ':' means no user); the decoded buffer,
 * which holds the password, is wiped before it is freed and never reaches
 * t->raw.  A Basic value made of auth-params rather than a token68 is a
 * challenge: only its realm is kept (basic_realm).  digest_decode parses
 * auth-params (tokens, quoted strings with backslash escapes) into the
 * digest_* fields; username is taken only from a quoted-string (RFC 7616
 * 3.4) or the RFC 8187 username* form.  Both return NULL or an anomaly:
 * "bad_base64", "basic_no_colon", "basic_bad_params", "digest_bad_params",
 * "digest_unquoted_username".
 */
#ifndef AUTHSCOPE_BASIC_DIGEST_H
#define AUTHSCOPE_BASIC_DIGEST_H

#include <stddef.h>
#include <stdbool.h>

#include "ntlm/token.h"

const char *basic_decode(const char *s, size_t n, struct auth_token *t);
const char *digest_decode(const char *s, size_t n, struct auth_token *t);

/*
 * One auth-param at s[*pos]: name and value (unquoted, escapes removed)
 * copied into the caller's buffers (truncated to fit, always terminated).
 * Skips leading whitespace and commas.  Returns 2 when a quoted-string
 * param was read, 1 for a token value, 0 at the end, -1 on a malformed
 * list.
 */
int auth_param_next(const char *s, size_t n, size_t *pos,
		    char *name, size_t name_cap, char *value, size_t value_cap);

#endif
