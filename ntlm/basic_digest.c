/* basic_digest.c - see basic_digest.h */
#include "ntlm/basic_digest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ntlm/b64.h"
#include "ntlm/utf.h"

#define PARAM_VALUE_MAX 4096

/* token68 (credentials) vs auth-params (a challenge: realm="x") */
static bool is_token68(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (isalnum((unsigned char)s[i]) || strchr("-._~+/", s[i])))
		i++;
	while (i < n && s[i] == '=')
		i++;
	return i == n;
}

static void set(char **dst, const char *v);

static const char *basic_challenge(const char *s, size_t n, struct auth_token *t)
{
	size_t pos = 0;
	char name[64], value[1024];
	int rc;

	while ((rc = auth_param_next(s, n, &pos, name, sizeof name, value, sizeof value)) > 0)
		if (!strcasecmp(name, "realm"))
			set(&t->basic_realm, value);
	return rc < 0 ? "basic_bad_params" : NULL;
}

const char *basic_decode(const char *s, size_t n, struct auth_token *t)
{
	uint8_t *buf;
	size_t len, user_len = 0;

	if (!is_token68(s, n))
		return basic_challenge(s, n, t);

	if (!b64_decode(s, n, &buf, &len))
		return "bad_base64";
	while (user_len < len && buf[user_len] != ':')
		user_len++;
	/* no ':' is not user-pass (RFC 7617 2): it may be a cut token whose
	   "user" would be a prefix of the real one, so no user is reported */
	if (user_len < len)
		t->basic_user = bytes_to_utf8(buf, user_len);
	/* the password sat in buf: wipe it before it goes back to malloc */
	explicit_bzero(buf, len);
	free(buf);
	return user_len < len ? NULL : "basic_no_colon";
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 7230 tchar */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void put(char *buf, size_t cap, size_t *o, char c)
{
	if (*o + 1 < cap)
		buf[(*o)++] = c;
}

int auth_param_next(const char *s, size_t n, size_t *pos,
		    char *name, size_t name_cap, char *value, size_t value_cap)
{
	size_t i = *pos, o = 0;
	int quoted = 0;

	name[0] = value[0] = '\0';
	while (i < n && (is_ws(s[i]) || s[i] == ','))
		i++;
	if (i >= n) {
		*pos = i;
		return 0;
	}
	while (i < n && is_tchar(s[i]))
		put(name, name_cap, &o, s[i++]);
	name[o] = '\0';
	while (i < n && is_ws(s[i]))
		i++;
	if (o == 0 || i >= n || s[i] != '=')
		return -1;
	i++;
	while (i < n && is_ws(s[i]))
		i++;
	o = 0;
	if (i < n && s[i] == '"') {
		quoted = 1;
		i++;
		while (i < n && s[i] != '"') {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			put(value, value_cap, &o, s[i++]);
		}
		if (i >= n)
			return -1;       /* unterminated quoted string */
		i++;
	} else {
		while (i < n && is_tchar(s[i]))
			put(value, value_cap, &o, s[i++]);
		/* token68-ish tails ('=' padding, '/') are kept as part of it */
		while (i < n && (s[i] == '=' || s[i] == '/'))
			put(value, value_cap, &o, s[i++]);
		if (o == 0)
			return -1;       /* "name=" with no value */
	}
	value[o] = '\0';
	while (i < n && is_ws(s[i]))
		i++;
	if (i < n && s[i] != ',')
		return -1;
	*pos = i;
	return quoted ? 2 : 1;
}

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = bytes_to_utf8((const uint8_t *)v, strlen(v));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* RFC 8187 ext-value (username*=UTF-8''J%C3%A4s%C3%B8n), in place */
static void ext_value_decode(char *v)
{
	char *q = strstr(v, "''");
	size_t i, o = 0;

	if (!q)
		return;
	q += 2;
	for (i = 0; q[i]; i++) {
		int hi, lo;
		if (q[i] == '%' && (hi = hexval(q[i + 1])) >= 0 && (lo = hexval(q[i + 2])) >= 0 &&
		    (hi | lo) != 0) {   /* %00 stays literal: no hidden NUL */
			v[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			v[o++] = q[i];
		}
	}
	v[o] = '\0';
}

const char *digest_decode(const char *s, size_t n, struct auth_token *t)
{
	size_t pos = 0;
	char name[64];
	char *value = malloc(PARAM_VALUE_MAX);
	bool unquoted_user = false;
	int rc;

	if (!value)
		return NULL;
	while ((rc = auth_param_next(s, n, &pos, name, sizeof name, value, PARAM_VALUE_MAX)) > 0) {
		/* username is a quoted-string (RFC 7616 3.4): an unquoted one
		   cannot be told from a cut one, so it is not reported */
		if (!strcasecmp(name, "username") && rc == 2)
			set(&t->digest_username, value);
		else if (!strcasecmp(name, "username"))
			unquoted_user = true;
		else if (!strcasecmp(name, "username*")) {
			ext_value_decode(value);
			set(&t->digest_username, value);
		}
		else if (!strcasecmp(name, "realm") && rc == 2)
			set(&t->digest_realm, value);   /* quoted-string too */
		else if (!strcasecmp(name, "uri"))
			set(&t->digest_uri, value);
		else if (!strcasecmp(name, "qop"))
			set(&t->digest_qop, value);
		else if (!strcasecmp(name, "algorithm"))
			set(&t->digest_algorithm, value);
		else if (!strcasecmp(name, "userhash"))
			set(&t->digest_userhash, value);
		else if (!strcasecmp(name, "nonce"))
			set(&t->digest_nonce, value);
	}
	free(value);
	if (rc < 0)
		return "digest_bad_params";
	return unquoted_user ? "digest_unquoted_username" : NULL;
}
