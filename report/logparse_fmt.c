/*
 * logparse_fmt.c - Apache LogFormat and Squid logformat strings.
 *
 * A format string compiles to a list of items: literal text and
 * directives.  A line is read against the list left to right; the extent
 * of a directive's value is decided by the literal that follows it.  When
 * that literal also occurs inside the value (a user name with a space, a
 * URL with '" '), the reader backtracks to the next occurrence, within a
 * step budget so a hostile line costs bounded time.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logparse_int.h"

enum fld {
	F_LIT = 0, F_OPAQUE, F_NUM, F_CLI_IP, F_CLI_HOST, F_SRV_IP, F_CLI_PORT,
	F_SRV_PORT, F_USER, F_TIME_CLF, F_TIME_FMT, F_TIME_SEC, F_TIME_MSEC,
	F_TIME_USEC, F_TIME_SECFRAC, F_FRAC_MS, F_FRAC_US, F_REQLINE,
	F_METHOD, F_PATH, F_QUERY, F_URL, F_STATUS, F_DUR_US, F_DUR_MS,
	F_DUR_S, F_VHOST, F_ACTION,
};

struct fmt_item {
	enum fld f;
	char *text;        /* literal text, or the {arg} / time format */
	size_t len;
	bool end_time;     /* time taken at the end of the request */
};

#define STEP_BUDGET 20000

/* ---- compiling ---- */

static bool add_item(struct fmt *f, enum fld k, const char *text, size_t len,
		     char *err, size_t errlen)
{
	if (f->n >= LP_MAX_ITEMS) {
		snprintf(err, errlen, "format has more than %d items", LP_MAX_ITEMS);
		return false;
	}
	/* adjacent literals merge, so "%%" next to text stays one literal */
	if (k == F_LIT && f->n > 0 && f->items[f->n - 1].f == F_LIT) {
		struct fmt_item *it = &f->items[f->n - 1];
		char *nt = realloc(it->text, it->len + len + 1);
		if (!nt)
			return false;
		memcpy(nt + it->len, text, len);
		it->len += len;
		nt[it->len] = '\0';
		it->text = nt;
		return true;
	}
	struct fmt_item *it = &f->items[f->n];
	memset(it, 0, sizeof(*it));
	it->f = k;
	if (text) {
		it->text = malloc(len + 1);
		if (!it->text)
			return false;
		memcpy(it->text, text, len);
		it->text[len] = '\0';
		it->len = len;
	}
	f->n++;
	return true;
}

static bool arg_is(const char *a, size_t alen, const char *w)
{
	return a && alen == strlen(w) && strncmp(a, w, alen) == 0;
}

/* Apache's %{...}t variants */
static enum fld apache_time(const char **arg, size_t *alen, bool *end)
{
	if (!*arg)
		return F_TIME_CLF;
	if (*alen >= 6 && strncmp(*arg, "begin:", 6) == 0) {
		*arg += 6;
		*alen -= 6;
	} else if (*alen >= 4 && strncmp(*arg, "end:", 4) == 0) {
		*arg += 4;
		*alen -= 4;
		*end = true;
	}
	if (arg_is(*arg, *alen, "sec"))
		return F_TIME_SEC;
	if (arg_is(*arg, *alen, "msec"))
		return F_TIME_MSEC;
	if (arg_is(*arg, *alen, "usec"))
		return F_TIME_USEC;
	if (arg_is(*arg, *alen, "msec_frac"))
		return F_FRAC_MS;
	if (arg_is(*arg, *alen, "usec_frac"))
		return F_FRAC_US;
	return F_TIME_FMT;
}

static enum fld apache_code(char c, const char **arg, size_t *alen, bool *end)
{
	switch (c) {
	case 'a': return F_CLI_IP;
	case 'h': return F_CLI_HOST;
	case 'A': return F_SRV_IP;
	case 'b': case 'B': case 'O': case 'I': case 'S': case 'k': case 'P':
		return F_NUM;
	case 'D': return F_DUR_US;
	case 'T':
		if (arg_is(*arg, *alen, "ms"))
			return F_DUR_MS;
		if (arg_is(*arg, *alen, "us"))
			return F_DUR_US;
		return F_DUR_S;
	case 'p':
		return arg_is(*arg, *alen, "remote") ? F_CLI_PORT : F_SRV_PORT;
	case 'u': return F_USER;
	case 't': return apache_time(arg, alen, end);
	case 'r': return F_REQLINE;
	case 'm': return F_METHOD;
	case 'U': return F_PATH;
	case 'q': return F_QUERY;
	case 's': return F_STATUS;
	case 'v': case 'V': return F_VHOST;
	case 'H': case 'C': case 'e': case 'f': case 'i': case 'l': case 'L':
	case 'n': case 'o': case 'R': case 'X':
		return F_OPAQUE;
	default:
		return (enum fld)-1;
	}
}

static bool compile_apache_dir(struct fmt *f, const char **pp, char *err,
			       size_t errlen)
{
	const char *p = *pp;          /* just after '%' */
	const char *arg = NULL;
	size_t alen = 0;
	for (;;) {
		if (*p == '<' || *p == '>' || *p == '!' || *p == ',' ||
		    isdigit((unsigned char)*p)) {
			p++;
		} else if (*p == '{') {
			const char *e = strchr(p, '}');
			if (!e) {
				snprintf(err, errlen, "unterminated %%{ in format");
				return false;
			}
			arg = p + 1;
			alen = (size_t)(e - arg);
			p = e + 1;
		} else {
			break;
		}
	}
	if (*p == '%')
		return *pp = p + 1, add_item(f, F_LIT, "%", 1, err, errlen);
	if (*p == '^' && p[1] == 't' && (p[2] == 'i' || p[2] == 'o')) {
		*pp = p + 3;
		return add_item(f, F_OPAQUE, NULL, 0, err, errlen);
	}
	bool end = false;
	enum fld k = apache_code(*p, &arg, &alen, &end);
	if ((int)k < 0) {
		snprintf(err, errlen, "unknown LogFormat directive %%%c", *p ? *p : '?');
		return false;
	}
	*pp = p + 1;
	if (!add_item(f, k, arg, alen, err, errlen))
		return false;
	f->items[f->n - 1].end_time = end;
	return true;
}

struct sq_code {
	const char *code;
	enum fld f;
};

/* longest first where one is a prefix of another */
static const struct sq_code sq_codes[] = {
	{ "ssl::bump_mode", F_OPAQUE }, { "err_detail", F_OPAQUE },
	{ "err_code", F_OPAQUE }, { "note", F_OPAQUE },
	{ ">eui", F_OPAQUE }, { "<eui", F_OPAQUE },
	{ ">la", F_SRV_IP }, { ">lp", F_SRV_PORT }, { "<la", F_OPAQUE },
	{ "<lp", F_OPAQUE }, { ">Hs", F_STATUS }, { "<Hs", F_OPAQUE },
	{ ">ha", F_OPAQUE }, { ">rm", F_METHOD }, { ">ru", F_URL },
	{ ">rp", F_PATH }, { ">rv", F_OPAQUE }, { ">rs", F_OPAQUE },
	{ ">rd", F_OPAQUE }, { ">rP", F_OPAQUE }, { "<rm", F_OPAQUE },
	{ "<ru", F_OPAQUE }, { "<rp", F_OPAQUE }, { "<rv", F_OPAQUE },
	{ "<st", F_NUM }, { ">st", F_NUM }, { "<sh", F_NUM }, { ">sh", F_NUM },
	{ "<tt", F_OPAQUE }, { "<pt", F_OPAQUE },
	{ ">a", F_CLI_IP }, { ">A", F_OPAQUE }, { ">p", F_CLI_PORT },
	{ "<a", F_OPAQUE }, { "<A", F_OPAQUE }, { "<p", F_OPAQUE },
	{ ">h", F_OPAQUE }, { "<h", F_OPAQUE },
	{ "la", F_SRV_IP }, { "lp", F_SRV_PORT },
	{ "ts", F_TIME_SEC }, { "tu", F_FRAC_MS }, { "tl", F_TIME_FMT },
	{ "tg", F_TIME_FMT }, { "tr", F_DUR_MS }, { "tS", F_TIME_SECFRAC },
	{ "dt", F_OPAQUE }, { "un", F_USER }, { "ul", F_USER },
	{ "ui", F_OPAQUE }, { "us", F_OPAQUE }, { "ue", F_OPAQUE },
	{ "Hs", F_STATUS }, { "Ss", F_ACTION }, { "Sh", F_OPAQUE },
	{ "mt", F_OPAQUE }, { "rm", F_METHOD }, { "ru", F_URL },
	{ "rp", F_PATH }, { "rv", F_OPAQUE }, { "rs", F_OPAQUE },
	{ "rd", F_OPAQUE }, { "rP", F_OPAQUE }, { "st", F_NUM },
	{ "sh", F_NUM }, { "et", F_OPAQUE }, { "ea", F_OPAQUE },
	{ "ss", F_OPAQUE }, { "tt", F_OPAQUE },
};

static bool compile_squid_dir(struct fmt *f, const char **pp, char *err,
			      size_t errlen)
{
	const char *p = *pp;
	const char *arg = NULL;
	size_t alen = 0;
	if (*p == '%') {
		*pp = p + 1;
		return add_item(f, F_LIT, "%", 1, err, errlen);
	}
	while (*p == '"' || *p == '[' || *p == '#' || *p == '\'' || *p == '/' ||
	       *p == '-' || *p == '.' || isdigit((unsigned char)*p))
		p++;
	if (*p == '{') {
		const char *e = strchr(p, '}');
		if (!e) {
			snprintf(err, errlen, "unterminated %%{ in format");
			return false;
		}
		arg = p + 1;
		alen = (size_t)(e - arg);
		p = e + 1;
	}
	enum fld k = (enum fld)-1;
	size_t clen = 0;
	for (size_t i = 0; i < sizeof(sq_codes) / sizeof(sq_codes[0]); i++) {
		size_t l = strlen(sq_codes[i].code);
		if (strncmp(p, sq_codes[i].code, l) == 0) {
			k = sq_codes[i].f;
			clen = l;
			break;
		}
	}
	if ((int)k < 0) {
		/* a code we do not know: an opaque field of [<>]*letters */
		const char *q = p;
		while (*q == '<' || *q == '>')
			q++;
		size_t nl = 0;
		while (isalpha((unsigned char)q[nl]) && nl < 2)
			nl++;
		if (nl == 0) {
			snprintf(err, errlen, "bad logformat code at \"%.10s\"", p);
			return false;
		}
		k = F_OPAQUE;
		clen = (size_t)(q - p) + nl;
	}
	p += clen;
	if (*p == '{' && !arg) {
		const char *e = strchr(p, '}');
		if (!e) {
			snprintf(err, errlen, "unterminated { in format");
			return false;
		}
		arg = p + 1;
		alen = (size_t)(e - arg);
		p = e + 1;
	}
	*pp = p;
	if (k == F_TIME_FMT && !arg) {
		arg = "%d/%b/%Y:%H:%M:%S %z";
		alen = strlen(arg);
	}
	if (!add_item(f, k, arg, alen, err, errlen))
		return false;
	/* Squid logs when the transaction ends; %tS is the start */
	f->items[f->n - 1].end_time = k != F_TIME_SECFRAC;
	return true;
}

struct fmt *lp_fmt_compile(const char *spec, bool squid, char *err, size_t errlen)
{
	struct fmt *f = calloc(1, sizeof(*f));
	if (!f || !(f->items = calloc(LP_MAX_ITEMS, sizeof(*f->items)))) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->squid = squid;
	const char *p = spec;
	while (*p) {
		if (*p == '%') {
			p++;
			bool ok = squid ? compile_squid_dir(f, &p, err, errlen)
					: compile_apache_dir(f, &p, err, errlen);
			if (!ok) {
				lp_fmt_free(f);
				return NULL;
			}
			continue;
		}
		const char *q = p;
		/* Apache's config parser turns \" \n \t into the characters */
		if (*q == '\\' && q[1]) {
			char c = q[1] == 'n' ? '\n' : q[1] == 't' ? '\t' : q[1];
			if (!add_item(f, F_LIT, &c, 1, err, errlen))
				goto fail;
			p += 2;
			continue;
		}
		while (*q && *q != '%' && *q != '\\')
			q++;
		if (!add_item(f, F_LIT, p, (size_t)(q - p), err, errlen))
			goto fail;
		p = q;
	}
	if (f->n == 0) {
		snprintf(err, errlen, "empty format");
		goto fail;
	}
	return f;
fail:
	lp_fmt_free(f);
	return NULL;
}

void lp_fmt_free(struct fmt *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->n; i++)
		free(f->items[i].text);
	free(f->items);
	free(f);
}

/* ---- reading a line ---- */

struct span {
	size_t off, len;
};

struct mctx {
	const struct fmt *f;
	const char *s;
	size_t n;
	struct span sp[LP_MAX_ITEMS];
	long budget;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* literal at pos; with flex, whitespace in the literal matches a run of 1+
   blanks (Squid pads columns; Apache writes exactly its literal, and an
   empty %q between two blanks must survive); returns the end or -1 */
static size_t lit_match(const char *s, size_t n, size_t pos, const char *lit,
			size_t litlen, bool flex)
{
	size_t i = 0;
	while (i < litlen) {
		if (flex && is_ws(lit[i])) {
			if (pos >= n || !is_ws(s[pos]))
				return (size_t)-1;
			while (i < litlen && is_ws(lit[i]))
				i++;
			while (pos < n && is_ws(s[pos]))
				pos++;
			continue;
		}
		if (pos >= n || s[pos] != lit[i])
			return (size_t)-1;
		pos++;
		i++;
	}
	return pos;
}

static bool numeric_kind(enum fld k)
{
	switch (k) {
	case F_NUM: case F_CLI_PORT: case F_SRV_PORT: case F_TIME_SEC:
	case F_TIME_MSEC: case F_TIME_USEC: case F_FRAC_MS: case F_FRAC_US:
	case F_STATUS: case F_DUR_US: case F_DUR_MS: case F_DUR_S:
	case F_TIME_SECFRAC:
		return true;
	default:
		return false;
	}
}

static bool match_from(struct mctx *m, int i, size_t pos);

/* a time directive with a fixed shape: consumes exactly its text */
static bool match_time(struct mctx *m, int i, size_t pos)
{
	const struct fmt_item *it = &m->f->items[i];
	int64_t t;
	unsigned fl = 0;
	if (it->f == F_TIME_CLF) {
		if (pos >= m->n || m->s[pos] != '[')
			return false;
		const char *e = memchr(m->s + pos, ']', m->n - pos);
		if (!e)
			return false;
		size_t end = (size_t)(e - m->s) + 1;
		if (log_strptime(m->s + pos + 1, end - pos - 2, "%d/%b/%Y:%H:%M:%S %z",
				 &t, &fl, NULL) != (long)(end - pos - 2))
			return false;
		m->sp[i] = (struct span){ pos, end - pos };
		return match_from(m, i + 1, end);
	}
	long used = log_strptime(m->s + pos, m->n - pos, it->text, &t, &fl, NULL);
	if (used <= 0)
		return false;
	m->sp[i] = (struct span){ pos, (size_t)used };
	return match_from(m, i + 1, pos + (size_t)used);
}

static bool escaped_at(const char *s, size_t from, size_t q)
{
	size_t bs = 0;
	while (q > from && s[q - 1] == '\\') {
		bs++;
		q--;
	}
	return bs & 1;
}

static bool match_from(struct mctx *m, int i, size_t pos)
{
	if (--m->budget < 0)
		return false;
	if (i == m->f->n) {
		while (pos < m->n && is_ws(m->s[pos]))
			pos++;
		return pos == m->n;
	}
	const struct fmt_item *it = &m->f->items[i];
	if (it->f == F_LIT) {
		size_t e = lit_match(m->s, m->n, pos, it->text, it->len, m->f->squid);
		return e != (size_t)-1 && match_from(m, i + 1, e);
	}
	if (it->f == F_TIME_CLF || it->f == F_TIME_FMT)
		return match_time(m, i, pos);
	if (i + 1 == m->f->n) {
		size_t e = m->n;
		while (e > pos && is_ws(m->s[e - 1]))
			e--;
		m->sp[i] = (struct span){ pos, e - pos };
		return true;
	}
	const struct fmt_item *nx = &m->f->items[i + 1];
	if (nx->f != F_LIT) {
		/* two directives back to back: a number, or a blank-free token */
		size_t e = pos;
		/* %U%q: the path ends where the query starts */
		bool stop_q = it->f == F_PATH && nx->f == F_QUERY;
		while (e < m->n && !is_ws(m->s[e]) && !(stop_q && m->s[e] == '?') &&
		       (!numeric_kind(it->f) || isdigit((unsigned char)m->s[e]) ||
			m->s[e] == '-' || m->s[e] == '.'))
			e++;
		m->sp[i] = (struct span){ pos, e - pos };
		return match_from(m, i + 1, e);
	}
	for (size_t q = pos; q < m->n; q++) {
		if (m->budget < 0)
			return false;
		bool first_ok = is_ws(nx->text[0]) ? is_ws(m->s[q]) : m->s[q] == nx->text[0];
		if (!first_ok || escaped_at(m->s, pos, q))
			continue;
		m->sp[i] = (struct span){ pos, q - pos };
		if (match_from(m, i + 1, q))
			return true;
		/* a blank-free value cannot run past a blank: numbers stop early */
		if (numeric_kind(it->f) && is_ws(m->s[q]))
			return false;
	}
	return false;
}

/* ---- turning spans into fields ---- */

struct tacc {
	int64_t tz_us;            /* from a zone-only directive */
	int64_t base_us;
	bool has_base;
	int64_t frac_us;
	uint32_t res_us;
	unsigned flags;
};

static bool span_uint(const char *s, struct span sp, uint64_t *v)
{
	return lp_parse_uint(s + sp.off, sp.len, v);
}

/* a time format that holds nothing but a zone */
static bool tz_only(const char *f)
{
	bool any = false;
	for (; *f; f++) {
		if (*f != '%')
			continue;
		f++;
		if (*f != 'z' && *f != 'Z')
			return false;
		any = true;
		if (!*f)
			break;
	}
	return any;
}

static void apply_time(const struct fmt_item *it, const char *s, struct span sp,
		       struct tacc *t)
{
	uint64_t v;
	int64_t tv;
	unsigned fl = 0;
	switch (it->f) {
	case F_TIME_CLF:
		if (sp.len >= 2 && log_strptime(s + sp.off + 1, sp.len - 2,
						"%d/%b/%Y:%H:%M:%S %z", &tv, &fl, NULL) > 0) {
			t->base_us = tv;
			t->has_base = true;
			t->res_us = 1000000;
		}
		break;
	case F_TIME_FMT:
		if (tz_only(it->text)) {
			/* "%{%z}t" after a zone-less time: the offset alone */
			if (log_strptime(s + sp.off, sp.len, it->text, &tv, &fl, NULL) > 0)
				t->tz_us = tv;
			break;
		}
		if (log_strptime(s + sp.off, sp.len, it->text, &tv, &fl, NULL) > 0) {
			t->base_us = tv;
			t->has_base = true;
			t->res_us = 1000000;
			t->flags |= fl;
		}
		break;
	case F_TIME_SEC:
	case F_TIME_MSEC:
	case F_TIME_USEC: {
		/* %{sec}t, %{msec}t, %{usec}t: the same epoch count in three units */
		int64_t unit_us = it->f == F_TIME_SEC ? 1000000 : it->f == F_TIME_MSEC ? 1000 : 1;
		if (span_uint(s, sp, &v) && v < 100000000000000000ull / (uint64_t)unit_us) {
			t->base_us = (int64_t)v * unit_us;
			t->has_base = true;
			t->res_us = unit_us;
		}
		break;
	}
	case F_TIME_SECFRAC: {
		/* "1234567890.123" */
		const char *p = s + sp.off;
		const char *dot = memchr(p, '.', sp.len);
		size_t il = dot ? (size_t)(dot - p) : sp.len;
		if (lp_parse_uint(p, il, &v) && v < 100000000000ull) {
			t->base_us = (int64_t)v * 1000000;
			t->has_base = true;
			t->res_us = 1000000;
			if (dot) {
				uint64_t f = 0, scale = 1000000;
				size_t fl2 = sp.len - il - 1;
				for (size_t k = 0; k < fl2 && k < 6; k++) {
					char c = dot[1 + k];
					if (!isdigit((unsigned char)c))
						break;
					scale /= 10;
					f += (uint64_t)(c - '0') * scale;
				}
				t->base_us += (int64_t)f;
				t->res_us = fl2 >= 6 ? 1 : fl2 >= 3 ? 1000 : t->res_us;
			}
		}
		break;
	}
	case F_FRAC_MS:
		if (span_uint(s, sp, &v) && v < 1000) {
			t->frac_us = (int64_t)v * 1000;
			t->res_us = 1000;
		}
		break;
	case F_FRAC_US:
		if (span_uint(s, sp, &v) && v < 1000000) {
			t->frac_us = (int64_t)v;
			t->res_us = 1;
		}
		break;
	default:
		break;
	}
}

struct urlacc {
	const char *path, *query, *url;
	size_t plen, qlen, ulen;
};

static void apply_item(struct logparse *lp, const struct fmt *f, int i,
		       const char *s, struct span sp, struct log_entry *e,
		       struct tacc *t, struct urlacc *u)
{
	const struct fmt_item *it = &f->items[i];
	const char *v = s + sp.off;
	uint64_t x;
	if (it->end_time && it->f >= F_TIME_CLF && it->f <= F_FRAC_US)
		e->flags |= LE_TIME_END;
	switch (it->f) {
	case F_CLI_IP: case F_CLI_HOST:
		if (lp_parse_ip(v, sp.len, &e->family, e->cli_ip))
			e->flags |= LE_HAS_CLI;
		break;
	case F_SRV_IP:
		if (lp_parse_ip(v, sp.len, &e->srv_family, e->srv_ip))
			e->flags |= LE_HAS_SRV;
		break;
	case F_CLI_PORT:
		if (span_uint(s, sp, &x) && x > 0 && x < 65536)
			e->cli_port = (uint16_t)x;
		break;
	case F_SRV_PORT:
		if (span_uint(s, sp, &x) && x > 0 && x < 65536)
			e->srv_port = (uint16_t)x;
		break;
	case F_USER:
		if (f->squid) {
			/* Squid doubles a backslash and writes %xx for blanks */
			char *u1 = lp_sb_unesc(lp, v, sp.len);
			e->user = lp_dash_null(u1 ? lp_sb_pct(lp, u1, strlen(u1)) : NULL);
		} else {
			e->user = lp_dash_null(lp_sb_unesc(lp, v, sp.len));
		}
		break;
	case F_REQLINE: {
		char *r = lp_sb_unesc(lp, v, sp.len);
		if (r)
			lp_request_line(lp, r, strlen(r), e);
		break;
	}
	case F_METHOD:
		e->method = lp_dash_null(lp_sb_put(lp, v, sp.len));
		break;
	case F_PATH:
		u->path = v;
		u->plen = sp.len;
		break;
	case F_QUERY:
		u->query = v;
		u->qlen = sp.len;
		break;
	case F_URL:
		u->url = v;
		u->ulen = sp.len;
		break;
	case F_STATUS:
		if (span_uint(s, sp, &x) && x > 0 && x < 1000)
			e->status = (int)x;
		break;
	case F_DUR_US:
		if (span_uint(s, sp, &x) && x < (1ull << 50))
			e->duration_us = (int64_t)x;
		break;
	case F_DUR_MS:
		if (span_uint(s, sp, &x) && x < (1ull << 40))
			e->duration_us = (int64_t)x * 1000;
		break;
	case F_DUR_S:
		if (span_uint(s, sp, &x) && x < (1ull << 30))
			e->duration_us = (int64_t)x * 1000000;
		break;
	case F_VHOST:
		e->vhost = lp_dash_null(lp_sb_put(lp, v, sp.len));
		break;
	case F_ACTION:
		e->action = lp_dash_null(lp_sb_put(lp, v, sp.len));
		break;
	default:
		apply_time(it, s, sp, t);
		break;
	}
}

static void finish_url(struct logparse *lp, struct log_entry *e, struct urlacc *u)
{
	if (u->url) {
		e->url = lp_dash_null(lp_sb_unesc(lp, u->url, u->ulen));
		return;
	}
	if (!u->path)
		return;
	/* %q is "" or "?query" */
	size_t ql = u->qlen;
	if (!u->query || !ql || u->query[0] != '?')
		ql = 0;
	char *buf = lp_sb_put2(lp, u->path, u->plen, u->query, ql);
	e->url = lp_dash_null(buf);
}

bool lp_fmt_parse(struct logparse *lp, const struct fmt *f, const char *s,
		  size_t n, struct log_entry *e, char *why, size_t whylen)
{
	struct mctx *m = malloc(sizeof(*m));
	if (!m) {
		snprintf(why, whylen, "out of memory");
		return false;
	}
	m->f = f;
	m->s = s;
	m->n = n;
	m->budget = STEP_BUDGET;
	memset(m->sp, 0, sizeof(m->sp));
	if (!match_from(m, 0, 0)) {
		snprintf(why, whylen, "%s", m->budget < 0 ? "line too ambiguous for the format"
							 : "line does not fit the format");
		free(m);
		return false;
	}
	struct tacc t = { .res_us = 1000000 };
	struct urlacc u = { 0 };
	for (int i = 0; i < f->n; i++)
		if (f->items[i].f != F_LIT)
			apply_item(lp, f, i, s, m->sp[i], e, &t, &u);
	free(m);
	finish_url(lp, e, &u);
	if (f->squid)
		e->flags |= LE_PROXY;
	if (t.has_base) {
		e->time_us = t.base_us + t.frac_us + t.tz_us;
		e->res_us = t.res_us;
		e->flags |= (uint16_t)t.flags;
	} else {
		e->flags |= LE_NO_TIME;
	}
	return true;
}
