/* token.c - see token.h: scheme dispatch and challenge-list splitting. */
#include "ntlm/token.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ntlm/b64.h"
#include "ntlm/basic_digest.h"
#include "ntlm/kerberos.h"
#include "ntlm/ntlmssp.h"
#include "ntlm/spnego.h"

#define SCHEME(s, name) { s, name, sizeof(name) - 1 }
static const struct { enum auth_scheme s; const char *name; size_t len; } schemes[] = {
	SCHEME(SCHEME_NTLM, "NTLM"),
	SCHEME(SCHEME_NEGOTIATE, "Negotiate"),
	SCHEME(SCHEME_BASIC, "Basic"),
	SCHEME(SCHEME_DIGEST, "Digest"),
	SCHEME(SCHEME_BEARER, "Bearer"),
};

const char *auth_scheme_name(enum auth_scheme s)
{
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (schemes[i].s == s)
			return schemes[i].name;
	return NULL;
}

const char *auth_mech_name(enum auth_mech m)
{
	switch (m) {
	case MECH_NTLMSSP: return "NTLMSSP";
	case MECH_KERBEROS: return "Kerberos";
	case MECH_OTHER: return "other";
	default: return NULL;
	}
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static enum auth_scheme scheme_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (schemes[i].len == n && strncasecmp(s, schemes[i].name, n) == 0)
			return schemes[i].s;
	return SCHEME_OTHER;
}

/* NTLM and Negotiate: base64 into t->raw, then the binary decoders */
static const char *decode_binary(const char *s, size_t n, unsigned flags,
				 struct auth_token *t)
{
	if (!b64_decode(s, n, &t->raw, &t->raw_len))
		return "bad_base64";
	if (t->raw_len == 0)
		return "empty_token";
	if (t->scheme == SCHEME_NTLM || ntlmssp_is(t->raw, t->raw_len)) {
		/* "Negotiate TlRMTVNTUAAB...": raw NTLMSSP without SPNEGO */
		t->mech = MECH_NTLMSSP;
		return ntlmssp_decode(t->raw, t->raw_len, flags, &t->ntlm);
	}
	return spnego_decode(t->raw, t->raw_len, flags, t);
}

void auth_token_decode(const char *value, size_t len, unsigned flags,
		       struct auth_token *out)
{
	size_t i = 0, start, slen;
	const char *rest;
	size_t rest_len;

	memset(out, 0, sizeof *out);
	out->spnego.neg_state = -1;
	out->krb.ticket_kvno = -1;
	if (!value)
		len = 0;
	while (i < len && is_ws(value[i]))
		i++;
	start = i;
	while (i < len && !is_ws(value[i]) && value[i] != ',')
		i++;
	slen = i - start;
	if (slen == 0)
		return;                   /* SCHEME_NONE */
	out->scheme = scheme_of(value + start, slen);
	/* a scheme is an ASCII token; anything else becomes '?' so the name is
	   always printable UTF-8 for the writers (only kept for SCHEME_OTHER:
	   the others have their name in auth_scheme_name) */
	for (size_t k = 0; out->scheme == SCHEME_OTHER &&
			   k < slen && k < sizeof out->scheme_name - 1; k++) {
		unsigned char c = (unsigned char)value[start + k];
		out->scheme_name[k] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	while (i < len && is_ws(value[i]))
		i++;
	rest = value + i;
	rest_len = len - i;
	while (rest_len > 0 && is_ws(rest[rest_len - 1]))
		rest_len--;
	out->has_data = rest_len > 0;
	if (!out->has_data)
		return;
	switch (out->scheme) {
	case SCHEME_NTLM:
	case SCHEME_NEGOTIATE:
		out->anomaly = decode_binary(rest, rest_len, flags, out);
		break;
	case SCHEME_BASIC:
		out->anomaly = basic_decode(rest, rest_len, out);
		break;
	case SCHEME_DIGEST:
		out->anomaly = digest_decode(rest, rest_len, out);
		break;
	default:
		break;   /* Bearer and others: the scheme is all we report */
	}
}

void auth_token_free(struct auth_token *t)
{
	if (!t)
		return;
	/* most tokens are no NTLMSSP message: then ntlm holds nothing
	   (ntlmssp.h) and its sixteen frees can be skipped */
	if (t->ntlm.type)
		ntlm_msg_free(&t->ntlm);
	krb_info_free(&t->krb);
	free(t->basic_user);
	free(t->basic_realm);
	free(t->digest_username);
	free(t->digest_realm);
	free(t->digest_uri);
	free(t->digest_qop);
	free(t->digest_algorithm);
	free(t->digest_userhash);
	free(t->digest_nonce);
	free(t->raw);
	/* not a memset of the whole 1 KB token (per decoded header, and
	   auth_token_decode clears it anyway): what it owned is gone and
	   every owning pointer is NULL, so a second free is harmless */
	t->basic_user = t->basic_realm = NULL;
	t->digest_username = t->digest_realm = t->digest_uri = t->digest_qop = NULL;
	t->digest_algorithm = t->digest_userhash = t->digest_nonce = NULL;
	t->raw = NULL;
	t->raw_len = 0;
}

/*
 * Does the list element starting at s[i] begin a new challenge?  RFC 7235:
 * a challenge starts with auth-scheme followed by SP or the end of the
 * element; an auth-param is "token BWS = ...".  So: a token that is not
 * followed (after optional whitespace) by '=' starts a challenge.
 */
static bool starts_challenge(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && !is_ws(s[j]) && s[j] != ',' && s[j] != '=' && s[j] != '"')
		j++;
	if (j == i)
		return false;
	while (j < n && is_ws(s[j]))
		j++;
	return j >= n || s[j] != '=';
}

/* index of the next top-level comma at or after i (n when none);
   commas inside quoted strings do not count.  Outside quotes only ','
   and '"' matter: memchr skips a base64 token in a few steps instead of
   three tests per character. */
static size_t next_comma(const char *s, size_t n, size_t i)
{
	while (i < n) {
		const char *c = memchr(s + i, ',', n - i);
		size_t end = c ? (size_t)(c - s) : n;
		const char *q = memchr(s + i, '"', end - i);
		if (!q)
			return end;
		/* a quoted string: '\\' escapes the next byte, '"' ends it */
		for (i = (size_t)(q - s) + 1; i < n; i++) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"')
				break;
		}
		i++;
	}
	return n;
}

int auth_challenges_decode(const char *value, size_t len, unsigned flags,
			   struct auth_token *out, int max)
{
	size_t i = 0, cur_start = 0, cur_end = 0;
	bool in_challenge = false;
	int count = 0;

	if (!value || max <= 0)
		return 0;
	while (i < len && count < max) {
		size_t e, j = i;
		while (j < len && (is_ws(value[j]) || value[j] == ','))
			j++;
		if (j >= len)
			break;
		e = next_comma(value, len, j);
		if (starts_challenge(value, len, j)) {
			if (in_challenge)
				auth_token_decode(value + cur_start, cur_end - cur_start,
						  flags, &out[count++]);
			cur_start = j;
			in_challenge = true;
		}
		/* params before any scheme (",x=y") belong to nothing: dropped */
		cur_end = e;
		i = e < len ? e + 1 : len;
	}
	if (in_challenge && count < max)
		auth_token_decode(value + cur_start, cur_end - cur_start, flags, &out[count++]);
	return count;
}
