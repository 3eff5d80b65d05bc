/* decode_cli.c - see decode_cli.h */
#include "ntlm/decode_cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "ntlm/b64.h"
#include "ntlm/ntlmssp.h"
#include "ntlm/token.h"
#include "ntlm/token_json.h"

#define MAX_CHALLENGES 16
#define MAX_LINE_BYTES (1u << 20)   /* longer lines are refused, not cut */

struct opts {
	bool text, secrets;
};

static const char *const header_names[] = {
	"Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate",
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* "Authorization: NTLM ..." -> "NTLM ..." (only the four auth headers) */
static const char *strip_header_name(const char *s, size_t *n)
{
	for (size_t i = 0; i < sizeof header_names / sizeof header_names[0]; i++) {
		size_t hl = strlen(header_names[i]);
		if (*n > hl && strncasecmp(s, header_names[i], hl) == 0 && s[hl] == ':') {
			*n -= hl + 1;
			return s + hl + 1;
		}
	}
	return s;
}

/* a single word of base64: a bare token pasted without its scheme */
static bool bare_token(const char *s, size_t n)
{
	if (n < 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!b64_char(s[i]))
			return false;
	return true;
}

/* pick the scheme a bare token would have come with */
static const char *bare_scheme(const char *s, size_t n)
{
	uint8_t *raw;
	size_t len;
	const char *scheme = NULL;

	if (!b64_decode(s, n, &raw, &len))
		return NULL;
	if (ntlmssp_is(raw, len))
		scheme = "NTLM";
	else if (len > 0 && (raw[0] == 0x60 || raw[0] == 0xa0 || raw[0] == 0xa1))
		scheme = "Negotiate";
	free(raw);
	return scheme;
}

static json_t *token_entry(const struct auth_token *t, const struct opts *o, bool *err)
{
	json_t *j = auth_token_to_json(t, o->secrets);
	if (t->anomaly) {
		json_object_set_new(j, "error", json_string(t->anomaly));
		*err = true;
	}
	return j;
}

static void emit(json_t *j, const struct opts *o)
{
	char *s;

	if (o->text) {
		json_t *err = json_object_get(j, "error");
		printf("error: %s\n\n", err ? json_string_value(err) : "?");
		return;
	}
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (s) {
		puts(s);
		free(s);
	}
}

static void print_text(const struct auth_token *toks, int count, const struct opts *o)
{
	for (int i = 0; i < count; i++) {
		if (count > 1)
			printf("Challenge %d\n", i + 1);
		auth_token_print_text(stdout, &toks[i], o->secrets, count > 1);
	}
	putchar('\n');
}

/* decode one pasted value; returns true when it had an error */
static bool decode_value(const char *value, size_t n, const struct opts *o)
{
	struct auth_token toks[MAX_CHALLENGES];
	char *buf = NULL;
	const char *s = value, *scheme;
	bool err = false;
	int count;
	json_t *out;

	while (n > 0 && is_ws(*s)) { s++; n--; }
	s = strip_header_name(s, &n);
	while (n > 0 && is_ws(*s)) { s++; n--; }
	while (n > 0 && is_ws(s[n - 1])) n--;
	if (n == 0) {
		out = json_pack("{s:s}", "error", "empty value");
		emit(out, o);
		json_decref(out);
		return true;
	}
	if (bare_token(s, n) && (scheme = bare_scheme(s, n))) {
		size_t sl = strlen(scheme);
		buf = malloc(sl + 1 + n);
		if (!buf)
			return true;
		memcpy(buf, scheme, sl);
		buf[sl] = ' ';
		memcpy(buf + sl + 1, s, n);
		s = buf;
		n += sl + 1;
	}
	count = auth_challenges_decode(s, n, o->secrets ? AUTH_KEEP_SECRETS : 0, toks,
				       MAX_CHALLENGES);
	if (count == 0) {
		out = json_pack("{s:s}", "error", "no authentication scheme");
		err = true;
	} else if (count == 1) {
		out = token_entry(&toks[0], o, &err);
		if (toks[0].scheme == SCHEME_OTHER) {
			json_object_set_new(out, "error", json_string("unknown scheme"));
			err = true;
		}
	} else {
		json_t *arr = json_array();
		for (int i = 0; i < count; i++)
			json_array_append_new(arr, token_entry(&toks[i], o, &err));
		out = json_pack("{s:o}", "challenges", arr);
	}
	if (o->text && count > 0) {
		json_t *e = json_object_get(out, "error");
		if (e && count == 1)   /* per-challenge errors are in the tree */
			printf("Error: %s\n", json_string_value(e));
		print_text(toks, count, o);
	} else {
		emit(out, o);
	}
	json_decref(out);
	for (int i = 0; i < count; i++)
		auth_token_free(&toks[i]);
	free(buf);
	return err;
}

static int decode_stdin(const struct opts *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	bool err = false;

	while ((got = getline(&line, &cap, stdin)) >= 0) {
		size_t n = (size_t)got;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n > MAX_LINE_BYTES) {
			puts("{\"error\":\"line too long\"}");
			err = true;
			continue;
		}
		err |= decode_value(line, n, o);
	}
	free(line);
	return err ? 1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: authscope decode [--text] [--secrets] [VALUE... | -]\n"
	      "  VALUE: \"NTLM TlRM...\", \"Negotiate YII...\", \"Basic ...\", \"Digest ...\",\n"
	      "         optionally prefixed by its header name, or a bare base64 token;\n"
	      "         none or '-' reads one value per line from standard input.\n", f);
}

enum arg_kind { ARG_VALUE, ARG_TEXT, ARG_SECRETS, ARG_STDIN, ARG_HELP, ARG_END, ARG_BAD };

static enum arg_kind arg_kind(const char *a, bool after_end)
{
	if (after_end) return ARG_VALUE;
	if (!strcmp(a, "--")) return ARG_END;
	if (!strcmp(a, "--text")) return ARG_TEXT;
	if (!strcmp(a, "--secrets")) return ARG_SECRETS;
	if (!strcmp(a, "-")) return ARG_STDIN;
	if (!strcmp(a, "-h") || !strcmp(a, "--help")) return ARG_HELP;
	if (a[0] == '-' && a[1] == '-') return ARG_BAD;
	return ARG_VALUE;
}

int decode_main(int argc, char **argv)
{
	struct opts o = { false, false };
	bool err = false, values = false, from_stdin = false, end = false;
	int i;

	/* options first, wherever they stand, so they apply to every value */
	for (i = 1; i < argc; i++) {
		switch (arg_kind(argv[i], end)) {
		case ARG_END: end = true; break;
		case ARG_TEXT: o.text = true; break;
		case ARG_SECRETS: o.secrets = true; break;
		case ARG_STDIN: from_stdin = true; break;
		case ARG_HELP: usage(stdout); return 0;
		case ARG_BAD:
			fprintf(stderr, "authscope decode: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		case ARG_VALUE: values = true; break;
		}
	}
	end = false;
	for (i = 1; i < argc; i++) {
		enum arg_kind k = arg_kind(argv[i], end);
		if (k == ARG_END)
			end = true;
		else if (k == ARG_VALUE)
			err |= decode_value(argv[i], strlen(argv[i]), &o);
	}
	if (!values || from_stdin)
		err |= decode_stdin(&o) != 0;
	fflush(stdout);
	return err ? 1 : 0;
}
