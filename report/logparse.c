/*
 * logparse.c - the parser object, shared helpers, format detection, and the
 * line-oriented formats (W3C, ProxySG, Kemp, Samba, gate).  Apache and
 * Squid format strings live in logparse_fmt.c, times in logparse_time.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <jansson.h>

#include "logparse_int.h"

static const char *const fmt_names[LOGF__COUNT] = {
	"auto", "w3c", "apache", "squid", "proxysg", "kemp", "samba-json",
	"samba-text", "gate",
};

#define APACHE_COMMON   "%h %l %u %t \"%r\" %>s %b"
#define APACHE_COMBINED APACHE_COMMON " \"%{Referer}i\" \"%{User-agent}i\""
#define APACHE_VHOST    "%v:%p " APACHE_COMBINED
#define SQUID_NATIVE    "%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt"

const char *logparse_format_name(enum log_format f)
{
	return (unsigned)f < LOGF__COUNT ? fmt_names[f] : "?";
}

enum log_format logparse_format(const struct logparse *lp)
{
	return lp->fmt;
}

/* ---- scratch buffer ---- */

void lp_sb_reset(struct logparse *lp, size_t need)
{
	/* every string of an entry comes from its line, at most doubled by
	   rebuilding a URL; plus room for the fixed pieces we add */
	size_t want = need * 2 + 1024;
	if (want > lp->sb_cap) {
		char *n = realloc(lp->sb, want);
		if (n) {
			lp->sb = n;
			lp->sb_cap = want;
		}
	}
	lp->sb_used = 0;
}

char *lp_sb_put2(struct logparse *lp, const char *a, size_t alen,
		 const char *b, size_t blen)
{
	if (!lp->sb || alen + blen + 1 > lp->sb_cap - lp->sb_used)
		return NULL;
	char *d = lp->sb + lp->sb_used;
	if (alen)
		memcpy(d, a, alen);
	if (blen)
		memcpy(d + alen, b, blen);
	d[alen + blen] = '\0';
	lp->sb_used += alen + blen + 1;
	return d;
}

char *lp_sb_put(struct logparse *lp, const char *s, size_t n)
{
	return lp_sb_put2(lp, s, n, NULL, 0);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Apache ap_escape_logitem (and Samba's log_escape) undone: \" \\ \xhh \n */
char *lp_sb_unesc(struct logparse *lp, const char *s, size_t n)
{
	char *d = lp_sb_put(lp, s, n);
	if (!d)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < n) {
			char x = s[i + 1];
			if (x == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 &&
			    hexval(s[i + 3]) >= 0) {
				c = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
				i += 3;
			} else if (x == '"' || x == '\\') {
				c = x;
				i++;
			} else if (x == 'n' || x == 't' || x == 'r' || x == 'b' ||
				   x == 'v' || x == 'f') {
				c = x == 'n' ? '\n' : x == 't' ? '\t' : x == 'r' ? '\r' :
				    x == 'b' ? '\b' : x == 'v' ? '\v' : '\f';
				i++;
			}
		}
		d[o++] = c;
	}
	d[o] = '\0';
	return d;
}

/* Squid's username quoting (%xx for blanks, controls and '%') undone */
char *lp_sb_pct(struct logparse *lp, const char *s, size_t n)
{
	char *d = lp_sb_put(lp, s, n);
	if (!d)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			d[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			d[o++] = s[i];
		}
	}
	d[o] = '\0';
	return d;
}

/* W3C: '+' stands for a space, '-' for an empty field */
static char *sb_w3c(struct logparse *lp, const char *s, size_t n, bool plus)
{
	if (n == 1 && s[0] == '-')
		return NULL;
	char *d = lp_sb_put(lp, s, n);
	if (d && plus)
		for (size_t i = 0; i < n; i++)
			if (d[i] == '+')
				d[i] = ' ';
	return d;
}

const char *lp_dash_null(const char *s)
{
	if (!s || !*s || (s[0] == '-' && !s[1]))
		return NULL;
	return s;
}

/* ---- small parsers ---- */

bool lp_parse_uint(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

bool lp_parse_ip(const char *s, size_t n, int *family, uint8_t ip[16])
{
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return false;
	if (s[0] == '[' && n > 2 && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* v6 zone ids ("fe80::1%eth0") are not part of the address */
	char *pct = strchr(buf, '%');
	if (pct)
		*pct = '\0';
	uint8_t tmp[16] = { 0 };
	if (inet_pton(AF_INET, buf, tmp) == 1) {
		memcpy(ip, tmp, 16);
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, tmp) == 1) {
		memcpy(ip, tmp, 16);
		/* v4-mapped addresses are the v4 address on the wire */
		static const uint8_t mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
		if (memcmp(ip, mapped, 12) == 0) {
			memmove(ip, ip + 12, 4);
			memset(ip + 4, 0, 12);
			*family = AF_INET;
		} else {
			*family = AF_INET6;
		}
		return true;
	}
	return false;
}

bool lp_parse_ip_port(const char *s, size_t n, int *family, uint8_t ip[16],
		      uint16_t *port)
{
	uint64_t p;
	*port = 0;
	if (n > 5 && strncmp(s, "ipv4:", 5) == 0) {
		s += 5;
		n -= 5;
	} else if (n > 5 && strncmp(s, "ipv6:", 5) == 0) {
		s += 5;
		n -= 5;
	}
	if (lp_parse_ip(s, n, family, ip))
		return true;
	const char *colon = NULL;
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == ':') {
			colon = s + i - 1;
			break;
		}
	if (!colon)
		return false;
	size_t hl = (size_t)(colon - s);
	if (!lp_parse_uint(colon + 1, n - hl - 1, &p) || p > 65535)
		return false;
	if (!lp_parse_ip(s, hl, family, ip))
		return false;
	*port = (uint16_t)p;
	return true;
}

void lp_entry_init(struct log_entry *e, enum log_format f, uint32_t line)
{
	memset(e, 0, sizeof(*e));
	e->duration_us = -1;
	e->res_us = 1000000;
	e->status = -1;
	e->format = (uint8_t)f;
	e->line = line;
	e->kind = LOG_KIND_REQUEST;
}

void lp_request_line(struct logparse *lp, const char *s, size_t n,
		     struct log_entry *e)
{
	const char *sp1 = memchr(s, ' ', n);
	if (!sp1) {
		e->method = NULL;
		e->url = lp_dash_null(lp_sb_put(lp, s, n));
		return;
	}
	e->method = lp_sb_put(lp, s, (size_t)(sp1 - s));
	const char *u = sp1 + 1;
	size_t ul = n - (size_t)(u - s);
	/* the protocol is the last word, so a URL with a space survives */
	const char *last = NULL;
	for (size_t i = ul; i > 0; i--)
		if (u[i - 1] == ' ') {
			last = u + i - 1;
			break;
		}
	if (last && (size_t)(u + ul - last) > 5 && strncmp(last + 1, "HTTP/", 5) == 0)
		ul = (size_t)(last - u);
	e->url = lp_dash_null(lp_sb_put(lp, u, ul));
}

/* ISO 8601: 2017-03-14T08:34:42[.123456][+1300|Z] */
static bool parse_iso(const char *s, size_t n, int64_t *t, uint32_t *res,
		      size_t *used)
{
	unsigned fl = 0;
	long k = log_strptime(s, n, "%Y-%m-%dT%H:%M:%S", t, &fl, NULL);
	if (k < 0) {
		fl = 0;
		k = log_strptime(s, n, "%Y-%m-%d %H:%M:%S", t, &fl, NULL);
	}
	if (k < 0)
		return false;
	size_t p = (size_t)k;
	*res = 1000000;
	if (p < n && (s[p] == '.' || s[p] == ',')) {
		int64_t f = 0, scale = 1000000;
		size_t d = 0;
		p++;
		while (p < n && isdigit((unsigned char)s[p])) {
			if (d < 6) {
				scale /= 10;
				f += (s[p] - '0') * scale;
				*res = (uint32_t)scale;
			}
			d++;
			p++;
		}
		*t += f;
	}
	if (p < n) {
		int64_t tz;
		unsigned fl2 = 0;
		long z = log_strptime(s + p, n - p, "%z", &tz, &fl2, NULL);
		if (z > 0) {
			/* %z alone parsed as a time: 0 - offset */
			*t += tz;
			p += (size_t)z;
		}
	}
	if (used)
		*used = p;
	return true;
}

/* ---- W3C extended ---- */

enum w3c_field {
	W_OTHER = 0, W_DATE, W_TIME, W_SITENAME, W_SIP, W_METHOD, W_STEM,
	W_QUERY, W_SPORT, W_USER, W_CIP, W_CPORT, W_STATUS, W_SUBSTATUS,
	W_WIN32, W_TAKEN, W_HOST, W_SCHEME, W_URIPORT, W_URIPATH, W_URI,
	W_ACTION, W_LOCALTIME, W_GMTTIME, W_ACTION_STATUS,
};

static const struct { const char *name; enum w3c_field f; } w3c_names[] = {
	{ "date", W_DATE }, { "time", W_TIME }, { "s-sitename", W_SITENAME },
	{ "s-ip", W_SIP }, { "cs-method", W_METHOD }, { "cs-uri-stem", W_STEM },
	{ "cs-uri-query", W_QUERY }, { "s-port", W_SPORT },
	{ "cs-username", W_USER }, { "c-ip", W_CIP }, { "c-port", W_CPORT },
	{ "sc-status", W_STATUS }, { "sc-substatus", W_SUBSTATUS },
	{ "sc-win32-status", W_WIN32 }, { "time-taken", W_TAKEN },
	{ "cs-host", W_HOST }, { "cs(host)", W_HOST },
	{ "cs-uri-scheme", W_SCHEME }, { "cs-uri-port", W_URIPORT },
	{ "cs-uri-path", W_URIPATH }, { "cs-uri", W_URI },
	{ "s-action", W_ACTION }, { "localtime", W_LOCALTIME },
	{ "gmttime", W_GMTTIME }, { "x-timestamp-unix", W_OTHER },
	{ "s-action/sc-status", W_ACTION_STATUS },
};

/* fields only a forward proxy logs */
static bool w3c_proxy_field(const char *name, size_t n)
{
	static const char *const pf[] = { "s-action", "cs-uri-scheme", "s-action/sc-status",
		"sc-filter-result", "x-exception-id", "s-hierarchy",
		"cs-auth-group", "s-supplier-name", "s-supplier-ip" };
	for (size_t i = 0; i < sizeof(pf) / sizeof(pf[0]); i++)
		if (strlen(pf[i]) == n && strncasecmp(pf[i], name, n) == 0)
			return true;
	return false;
}

static enum lp_result w3c_directive(struct logparse *lp, const char *s, size_t n,
				    char *why, size_t whylen)
{
	if (n >= 10 && strncasecmp(s, "#Software:", 10) == 0) {
		if (memmem(s, n, "SGOS", 4) || memmem(s, n, "ProxySG", 7))
			lp->proxy = true;
		return LP_NONE;
	}
	if (n < 8 || strncasecmp(s, "#Fields:", 8) != 0)
		return LP_NONE;
	lp->w3c_n = 0;
	size_t i = 8;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		size_t st = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (i == st)
			break;
		if (lp->w3c_n >= LP_MAX_FIELDS) {
			snprintf(why, whylen, "#Fields names more than %d fields", LP_MAX_FIELDS);
			lp->w3c_n = 0;
			return LP_BAD;
		}
		enum w3c_field f = W_OTHER;
		for (size_t k = 0; k < sizeof(w3c_names) / sizeof(w3c_names[0]); k++)
			if (strlen(w3c_names[k].name) == i - st &&
			    strncasecmp(w3c_names[k].name, s + st, i - st) == 0)
				f = w3c_names[k].f;
		if (w3c_proxy_field(s + st, i - st))
			lp->proxy = true;
		lp->w3c_fields[lp->w3c_n++] = (int)f;
	}
	return LP_NONE;
}

struct tok {
	const char *s;
	size_t n;
};

/* blank-separated tokens; ProxySG quotes values with blanks ("a b") */
static int w3c_tokens(const char *s, size_t n, struct tok *t, int max)
{
	int k = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		if (k >= max)
			return -1;
		if (s[i] == '"') {
			size_t st = ++i;
			while (i < n && s[i] != '"')
				i++;
			t[k].s = s + st;
			t[k].n = i - st;
			if (i < n)
				i++;
		} else if (s[i] == '[' && memchr(s + i, ']', n - i)) {
			/* ProxySG's localtime "[16/Mar/2004:12:38:06 +0000]" */
			size_t st = i;
			while (i < n && s[i] != ']')
				i++;
			i++;
			t[k].s = s + st;
			t[k].n = i - st;
		} else {
			size_t st = i;
			while (i < n && s[i] != ' ' && s[i] != '\t')
				i++;
			t[k].s = s + st;
			t[k].n = i - st;
		}
		k++;
	}
	return k;
}

static bool tok_dash(const struct tok *t)
{
	return t->n == 0 || (t->n == 1 && t->s[0] == '-');
}

struct w3c_acc {
	const struct tok *date, *time, *stem, *query, *host, *scheme, *uport,
		*upath, *uri, *status, *sub, *win32, *ltime;
};

static void w3c_url(struct logparse *lp, struct log_entry *e, struct w3c_acc *a)
{
	if (a->uri && !tok_dash(a->uri)) {
		e->url = sb_w3c(lp, a->uri->s, a->uri->n, false);
		return;
	}
	const struct tok *path = a->stem ? a->stem : a->upath;
	bool q = a->query && !tok_dash(a->query);
	/* IIS logs the query without '?', ProxySG with it */
	struct tok qt;
	if (q && a->query->s[0] == '?') {
		qt.s = a->query->s + 1;
		qt.n = a->query->n - 1;
		a->query = &qt;
		q = qt.n > 0;
	}
	if (lp->proxy && a->host && !tok_dash(a->host)) {
		char buf[512];
		const char *m = e->method ? e->method : "";
		const char *sch = a->scheme && !tok_dash(a->scheme) ? "" : "http";
		int k;
		if (strcasecmp(m, "CONNECT") == 0 || (a->scheme && a->scheme->n == 3 &&
						      strncasecmp(a->scheme->s, "tcp", 3) == 0)) {
			k = snprintf(buf, sizeof(buf), "%.*s:%.*s", (int)a->host->n, a->host->s,
				     a->uport ? (int)a->uport->n : 3, a->uport ? a->uport->s : "443");
			e->url = lp_sb_put(lp, buf, k < (int)sizeof(buf) ? (size_t)k : sizeof(buf) - 1);
			return;
		}
		k = snprintf(buf, sizeof(buf), "%s%.*s://%.*s", sch,
			     a->scheme && !tok_dash(a->scheme) ? (int)a->scheme->n : 0,
			     a->scheme ? a->scheme->s : "", (int)a->host->n, a->host->s);
		if (k >= (int)sizeof(buf))
			k = sizeof(buf) - 1;
		bool defport = !a->uport || tok_dash(a->uport) ||
			       (a->uport->n == 2 && !strncmp(a->uport->s, "80", 2)) ||
			       (a->uport->n == 3 && !strncmp(a->uport->s, "443", 3));
		if (!defport && k + (int)a->uport->n + 2 < (int)sizeof(buf))
			k += snprintf(buf + k, sizeof(buf) - (size_t)k, ":%.*s",
				      (int)a->uport->n, a->uport->s);
		char *pre = lp_sb_put(lp, buf, (size_t)k);
		char *pq = NULL;
		if (path && !tok_dash(path))
			pq = lp_sb_put2(lp, path->s, path->n, q ? "?" : "", q ? 1 : 0);
		char *full = pre ? lp_sb_put2(lp, pre, (size_t)k, pq ? pq : "/",
					     pq ? strlen(pq) : 1) : NULL;
		if (full && q)
			full = lp_sb_put2(lp, full, strlen(full), a->query->s, a->query->n);
		e->url = full;
		return;
	}
	if (!path || tok_dash(path))
		return;
	char *u = q ? lp_sb_put2(lp, path->s, path->n, "?", 1) : lp_sb_put(lp, path->s, path->n);
	if (u && q)
		u = lp_sb_put2(lp, u, strlen(u), a->query->s, a->query->n);
	e->url = u;
}

static bool w3c_time(struct log_entry *e, struct w3c_acc *a)
{
	int64_t t;
	unsigned fl = 0;
	if (a->date && a->time) {
		int64_t d;
		if (log_strptime(a->date->s, a->date->n, "%Y-%m-%d", &d, &fl, NULL) !=
		    (long)a->date->n)
			return false;
		long k = log_strptime(a->time->s, a->time->n, "%H:%M:%S", &t, &fl, NULL);
		if (k < 0)
			return false;
		e->time_us = d + t;
		if ((size_t)k + 1 < a->time->n && a->time->s[k] == '.') {
			uint64_t frac;
			size_t fl2 = a->time->n - (size_t)k - 1;
			if (fl2 <= 6 && lp_parse_uint(a->time->s + k + 1, fl2, &frac)) {
				int64_t sc = 1;
				for (size_t i = fl2; i < 6; i++)
					sc *= 10;
				e->time_us += (int64_t)frac * sc;
				e->res_us = (uint32_t)sc;
			}
		}
		return true;
	}
	if (a->ltime) {
		const char *s = a->ltime->s;
		size_t n = a->ltime->n;
		if (n > 2 && s[0] == '[' && s[n - 1] == ']') {
			s++;
			n -= 2;
		}
		if (log_strptime(s, n, "%d/%b/%Y:%H:%M:%S %z", &t, &fl, NULL) > 0) {
			e->time_us = t;
			return true;
		}
	}
	return false;
}

static void w3c_assign(struct logparse *lp, struct log_entry *e, enum w3c_field f,
		       const struct tok *t, struct w3c_acc *a)
{
	uint64_t v;
	switch (f) {
	case W_DATE: a->date = t; break;
	case W_TIME: a->time = t; break;
	case W_LOCALTIME: case W_GMTTIME: a->ltime = t; break;
	case W_STEM: a->stem = t; break;
	case W_QUERY: a->query = t; break;
	case W_HOST: a->host = t; e->vhost = sb_w3c(lp, t->s, t->n, false); break;
	case W_SCHEME: a->scheme = t; break;
	case W_URIPORT: a->uport = t; break;
	case W_URIPATH: a->upath = t; break;
	case W_URI: a->uri = t; break;
	case W_SITENAME:
		if (!e->vhost)
			e->vhost = sb_w3c(lp, t->s, t->n, true);
		break;
	case W_SIP:
		if (lp_parse_ip(t->s, t->n, &e->srv_family, e->srv_ip))
			e->flags |= LE_HAS_SRV;
		break;
	case W_CIP:
		if (lp_parse_ip(t->s, t->n, &e->family, e->cli_ip))
			e->flags |= LE_HAS_CLI;
		break;
	case W_SPORT:
		if (lp_parse_uint(t->s, t->n, &v) && v > 0 && v < 65536)
			e->srv_port = (uint16_t)v;
		break;
	case W_CPORT:
		if (lp_parse_uint(t->s, t->n, &v) && v > 0 && v < 65536)
			e->cli_port = (uint16_t)v;
		break;
	case W_METHOD: e->method = sb_w3c(lp, t->s, t->n, false); break;
	case W_USER: e->user = lp_dash_null(sb_w3c(lp, t->s, t->n, true)); break;
	case W_STATUS:
		a->status = t;
		if (lp_parse_uint(t->s, t->n, &v) && v > 0 && v < 1000)
			e->status = (int)v;
		break;
	case W_SUBSTATUS: a->sub = t; break;
	case W_WIN32: a->win32 = t; break;
	case W_TAKEN:
		if (lp_parse_uint(t->s, t->n, &v) && v < (1ull << 40))
			e->duration_us = (int64_t)v * 1000;
		break;
	case W_ACTION: e->action = lp_dash_null(sb_w3c(lp, t->s, t->n, false)); break;
	case W_ACTION_STATUS: {
		/* "TCP_DENIED/407" */
		const char *sl = memchr(t->s, '/', t->n);
		if (!sl)
			break;
		e->action = lp_dash_null(lp_sb_put(lp, t->s, (size_t)(sl - t->s)));
		if (lp_parse_uint(sl + 1, t->n - (size_t)(sl - t->s) - 1, &v) && v > 0 && v < 1000)
			e->status = (int)v;
		break;
	}
	default: break;
	}
}

static enum lp_result w3c_line(struct logparse *lp, const char *s, size_t n,
			       uint32_t lineno, struct log_entry *e, char *why,
			       size_t whylen)
{
	if (n && s[0] == '#')
		return w3c_directive(lp, s, n, why, whylen);
	if (lp->w3c_n == 0) {
		snprintf(why, whylen, "data line before any #Fields line");
		return LP_BAD;
	}
	struct tok t[LP_MAX_FIELDS];
	int k = w3c_tokens(s, n, t, LP_MAX_FIELDS);
	if (k != lp->w3c_n) {
		snprintf(why, whylen, "%d fields where #Fields names %d", k, lp->w3c_n);
		return LP_BAD;
	}
	lp_entry_init(e, LOGF_W3C, lineno);
	struct w3c_acc a = { 0 };
	for (int i = 0; i < k; i++)
		w3c_assign(lp, e, (enum w3c_field)lp->w3c_fields[i], &t[i], &a);
	if (!w3c_time(e, &a)) {
		snprintf(why, whylen, "no readable date and time");
		return LP_BAD;
	}
	/* IIS and ProxySG write the line when the response is done */
	e->flags |= LE_TIME_END;
	if (lp->proxy)
		e->flags |= LE_PROXY;
	if (a.sub && !tok_dash(a.sub) && !e->action) {
		char buf[96];
		int m = snprintf(buf, sizeof(buf), "%.*s.%.*s%s%.*s",
				 a.status ? (int)a.status->n : 0, a.status ? a.status->s : "",
				 (int)(a.sub->n > 8 ? 8 : a.sub->n), a.sub->s,
				 a.win32 ? " win32=" : "",
				 a.win32 ? (int)(a.win32->n > 16 ? 16 : a.win32->n) : 0,
				 a.win32 ? a.win32->s : "");
		if (m > 0)
			e->action = lp_sb_put(lp, buf, (size_t)m < sizeof(buf) ? (size_t)m
								 : sizeof(buf) - 1);
	}
	w3c_url(lp, e, &a);
	return LP_ENTRY;
}

/* ---- ProxySG default layout (seed 000) ----
 * [16/Mar/2004:12:38:06 +0000] 2 172.16.32.29 TCP_DENIED/407 1101 GET
 * http://www.example.com - NONE/- - none ICAP_NOT_SCANNED            */
static enum lp_result proxysg_line(struct logparse *lp, const char *s, size_t n,
				   uint32_t lineno, struct log_entry *e,
				   char *why, size_t whylen)
{
	int64_t t;
	unsigned fl = 0;
	if (n && s[0] == '#')
		return LP_NONE;    /* a #Software / #Fields header */
	if (n < 2 || s[0] != '[')
		goto bad;
	const char *rb = memchr(s, ']', n);
	if (!rb)
		goto bad;
	size_t tl = (size_t)(rb - s) - 1;
	if (log_strptime(s + 1, tl, "%d/%b/%Y:%H:%M:%S %z", &t, &fl, NULL) != (long)tl)
		goto bad;
	struct tok tk[LP_MAX_FIELDS];
	size_t off = (size_t)(rb - s) + 1;
	int k = w3c_tokens(s + off, n - off, tk, LP_MAX_FIELDS);
	if (k < 7)
		goto bad;
	lp_entry_init(e, LOGF_PROXYSG, lineno);
	e->time_us = t;
	e->flags |= LE_TIME_END | LE_PROXY;
	uint64_t v;
	if (lp_parse_uint(tk[0].s, tk[0].n, &v) && v < (1ull << 40))
		e->duration_us = (int64_t)v * 1000;
	if (lp_parse_ip(tk[1].s, tk[1].n, &e->family, e->cli_ip))
		e->flags |= LE_HAS_CLI;
	const char *slash = memchr(tk[2].s, '/', tk[2].n);
	if (!slash)
		goto bad;
	e->action = lp_sb_put(lp, tk[2].s, (size_t)(slash - tk[2].s));
	size_t sl = tk[2].n - (size_t)(slash - tk[2].s) - 1;
	if (lp_parse_uint(slash + 1, sl, &v) && v > 0 && v < 1000)
		e->status = (int)v;
	e->method = lp_sb_put(lp, tk[4].s, tk[4].n);
	e->url = lp_dash_null(lp_sb_put(lp, tk[5].s, tk[5].n));
	e->user = lp_dash_null(lp_sb_put(lp, tk[6].s, tk[6].n));
	return LP_ENTRY;
bad:
	snprintf(why, whylen, "not a ProxySG access log line");
	return LP_BAD;
}

/* ---- Kemp ESP user log (seed 002) ---- */

/* an optional syslog or ISO time before the message */
static size_t prefix_time(const char *s, size_t n, struct log_entry *e)
{
	int64_t t;
	unsigned fl = 0;
	uint32_t res;
	size_t used;
	if (parse_iso(s, n, &t, &res, &used)) {
		e->time_us = t;
		e->res_us = res;
		return used;
	}
	long k = log_strptime(s, n, "%b %e %H:%M:%S", &t, &fl, NULL);
	if (k > 0) {
		e->time_us = t;
		e->flags |= (uint16_t)fl;
		return (size_t)k;
	}
	e->flags |= LE_NO_TIME;
	return 0;
}

/* the next "quoted" value at or after *pos */
static bool next_quoted(const char *s, size_t n, size_t *pos, struct tok *t)
{
	const char *q = *pos < n ? memchr(s + *pos, '"', n - *pos) : NULL;
	if (!q)
		return false;
	size_t st = (size_t)(q - s) + 1;
	const char *e = st <= n ? memchr(s + st, '"', n - st) : NULL;
	if (!e)
		return false;
	t->s = s + st;
	t->n = (size_t)(e - t->s);
	*pos = (size_t)(e - s) + 1;
	return true;
}

static enum lp_result kemp_line(struct logparse *lp, const char *s, size_t n,
				uint32_t lineno, struct log_entry *e, char *why,
				size_t whylen)
{
	lp_entry_init(e, LOGF_KEMP, lineno);
	const char *q = memchr(s, '"', n);
	if (!q)
		goto bad;
	prefix_time(s, (size_t)(q - s), e);
	size_t pos = (size_t)(q - s);
	struct tok vs, rs, user, a, b;
	if (!next_quoted(s, n, &pos, &vs))
		goto bad;
	if (lp_parse_ip_port(vs.s, vs.n, &e->srv_family, e->srv_ip, &e->srv_port))
		e->flags |= LE_HAS_SRV;
	const char *u = memmem(s + pos, n - pos, "User \"", 6);
	if (!u)
		goto bad;
	/* ("RS:port") between VS and User is the real server: not needed */
	(void)rs;
	pos = (size_t)(u - s) + 5;
	if (!next_quoted(s, n, &pos, &user))
		goto bad;
	e->user = lp_dash_null(lp_sb_put(lp, user.s, user.n));
	while (pos < n && s[pos] == ' ')
		pos++;
	const char *rest = s + pos;
	size_t rl = n - pos;
	if ((rl >= 9 && strncmp(rest, "requested", 9) == 0) ||
	    (rl >= 9 && strncmp(rest, "attempted", 9) == 0)) {
		e->action = rest[0] == 'r' ? "requested" : "attempted";
		if (!next_quoted(s, n, &pos, &a) || !next_quoted(s, n, &pos, &b))
			goto bad;
		e->method = lp_sb_put(lp, a.s, a.n);
		e->url = lp_dash_null(lp_sb_put(lp, b.s, b.n));
		e->flags |= LE_USER_ONLY;
		return LP_ENTRY;
	}
	if (rl >= 10 && strncmp(rest, "logged off", 10) == 0)
		return LP_NONE;
	/* logon events: "logged on from "HOST"", "denied access from ..." */
	e->kind = LOG_KIND_AUTH;
	e->flags |= LE_USER_ONLY;
	const char *from = memmem(rest, rl, "from \"", 6);
	size_t msg_len = from ? (size_t)(from - rest) : rl;
	while (msg_len && (rest[msg_len - 1] == ' ' || rest[msg_len - 1] == '"'))
		msg_len--;
	size_t ms = rl && rest[0] == '"' ? 1 : 0;
	e->action = lp_sb_put(lp, rest + ms, msg_len > ms ? msg_len - ms : 0);
	if (!e->action || strncmp(e->action, "logged on", 9) != 0)
		e->flags |= LE_AUTH_FAILED;
	if (from) {
		size_t fp = (size_t)(from - s) + 4;
		struct tok h;
		if (next_quoted(s, n, &fp, &h) &&
		    lp_parse_ip_port(h.s, h.n, &e->family, e->cli_ip, &e->cli_port))
			e->flags |= LE_HAS_CLI;
	}
	return LP_ENTRY;
bad:
	snprintf(why, whylen, "not a Kemp ESP user log line");
	return LP_BAD;
}

/* ---- Samba auth events (seed 003) ---- */

static void samba_user(struct logparse *lp, struct log_entry *e, const char *dom,
		       size_t dl, const char *acct, size_t al)
{
	if (!acct || al == 0)
		return;
	if (dom && dl)
		e->user = lp_sb_put2(lp, dom, dl, "\\", 1);
	if (e->user)
		e->user = lp_sb_put2(lp, e->user, dl + 1, acct, al);
	else
		e->user = lp_sb_put(lp, acct, al);
}

static const char *jstr(json_t *o, const char *k, size_t *len)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

static enum lp_result samba_json_line(struct logparse *lp, const char *s, size_t n,
				      uint32_t lineno, struct log_entry *e,
				      char *why, size_t whylen)
{
	const char *br = memchr(s, '{', n);
	if (!br) {
		/* Samba's debug header line before each event */
		if (n && s[0] == '[')
			return LP_NONE;
		snprintf(why, whylen, "no JSON object");
		return LP_BAD;
	}
	json_error_t jerr;
	json_t *root = json_loadb(br, n - (size_t)(br - s), JSON_DISABLE_EOF_CHECK, &jerr);
	if (!root) {
		snprintf(why, whylen, "bad JSON: %s", jerr.text);
		return LP_BAD;
	}
	enum lp_result r = LP_BAD;
	size_t l, l2;
	const char *type = jstr(root, "type", &l);
	json_t *a = type ? json_object_get(root, type) : NULL;
	if (!type || !json_is_object(a)) {
		snprintf(why, whylen, "not a Samba audit event");
		goto out;
	}
	if (strcmp(type, "Authentication") != 0) {
		r = LP_NONE;   /* Authorization and other events repeat a logon */
		goto out;
	}
	lp_entry_init(e, LOGF_SAMBA_JSON, lineno);
	e->kind = LOG_KIND_AUTH;
	const char *ts = jstr(root, "timestamp", &l);
	if (!ts || !parse_iso(ts, l, &e->time_us, &e->res_us, NULL)) {
		snprintf(why, whylen, "no readable timestamp");
		goto out;
	}
	const char *st = jstr(a, "status", &l);
	if (st) {
		e->action = lp_sb_put(lp, st, l);
		if (strcmp(st, "NT_STATUS_OK") != 0)
			e->flags |= LE_AUTH_FAILED;
	}
	const char *ra = jstr(a, "remoteAddress", &l);
	if (ra && lp_parse_ip_port(ra, l, &e->family, e->cli_ip, &e->cli_port))
		e->flags |= LE_HAS_CLI;
	const char *la = jstr(a, "localAddress", &l);
	if (la && lp_parse_ip_port(la, l, &e->srv_family, e->srv_ip, &e->srv_port))
		e->flags |= LE_HAS_SRV;
	const char *dom = jstr(a, "clientDomain", &l);
	const char *acct = jstr(a, "clientAccount", &l2);
	samba_user(lp, e, dom, dom ? l : 0, acct, acct ? l2 : 0);
	const char *svc = jstr(a, "serviceDescription", &l);
	if (svc)
		e->method = lp_sb_put(lp, svc, l);
	r = LP_ENTRY;
out:
	json_decref(root);
	return r;
}

/* the bracketed value after key: "... key [value] ..." */
static bool bracket_after(const char *s, size_t n, const char *key,
			  const char *stop, struct tok *t)
{
	size_t kl = strlen(key);
	const char *k = memmem(s, n, key, kl);
	if (!k)
		return false;
	const char *st = k + kl;
	size_t left = n - (size_t)(st - s);
	const char *e = memmem(st, left, stop, strlen(stop));
	if (!e)
		return false;
	t->s = st;
	t->n = (size_t)(e - st);
	return true;
}

static enum lp_result samba_text_line(struct logparse *lp, const char *s, size_t n,
				      uint32_t lineno, struct log_entry *e,
				      char *why, size_t whylen)
{
	const char *a = memmem(s, n, "Auth: [", 7);
	if (!a)
		return LP_NONE;   /* debug header lines, AuthZ lines, others */
	size_t off = (size_t)(a - s);
	const char *p = s + off;
	size_t pn = n - off;
	struct tok svc, user, ts, st, ra, la;
	lp_entry_init(e, LOGF_SAMBA_TEXT, lineno);
	e->kind = LOG_KIND_AUTH;
	if (!bracket_after(p, pn, "Auth: [", "]", &svc) ||
	    !bracket_after(p, pn, "] user [", "] at [", &user) ||
	    !bracket_after(p, pn, "] at [", "]", &ts)) {
		snprintf(why, whylen, "not a Samba \"Auth:\" line");
		return LP_BAD;
	}
	const char *comma = memchr(svc.s, ',', svc.n);
	e->method = lp_sb_put(lp, svc.s, comma ? (size_t)(comma - svc.s) : svc.n);
	/* "DOM]\[user" */
	const char *sep = memmem(user.s, user.n, "]\\[", 3);
	char *uu = sep ? lp_sb_unesc(lp, sep + 3, user.n - (size_t)(sep - user.s) - 3)
		       : lp_sb_unesc(lp, user.s, user.n);
	char *dd = sep ? lp_sb_unesc(lp, user.s, (size_t)(sep - user.s)) : NULL;
	/* Samba prints a NULL name as "(null)" */
	if (uu && strcmp(uu, "(null)") == 0)
		uu = NULL;
	if (dd && strcmp(dd, "(null)") == 0)
		dd = NULL;
	if (uu && *uu)
		samba_user(lp, e, dd, dd ? strlen(dd) : 0, uu, strlen(uu));
	int64_t t;
	unsigned fl = 0;
	long k = log_strptime(ts.s, ts.n, "%a, %d %b %Y %H:%M:%S", &t, &fl, NULL);
	if (k < 0) {
		snprintf(why, whylen, "no readable time in \"at [...]\"");
		return LP_BAD;
	}
	e->time_us = t;
	size_t q = (size_t)k;
	if (q < ts.n && ts.s[q] == '.') {
		int64_t f = 0, scale = 1000000;
		for (q++; q < ts.n && isdigit((unsigned char)ts.s[q]); q++)
			if (scale > 1) {
				scale /= 10;
				f += (ts.s[q] - '0') * scale;
				e->res_us = (uint32_t)scale;
			}
		e->time_us += f;
	}
	while (q < ts.n && ts.s[q] == ' ')
		q++;
	if (q < ts.n && (ts.s[q] == '+' || ts.s[q] == '-')) {
		int64_t tz;
		unsigned fl2 = 0;
		if (log_strptime(ts.s + q, ts.n - q, "%z", &tz, &fl2, NULL) > 0)
			e->time_us += tz;
	}
	if (bracket_after(p, pn, "] status [", "]", &st)) {
		e->action = lp_sb_put(lp, st.s, st.n);
		if (st.n != 12 || strncmp(st.s, "NT_STATUS_OK", 12) != 0)
			e->flags |= LE_AUTH_FAILED;
	}
	if (bracket_after(p, pn, "remote host [", "]", &ra) &&
	    lp_parse_ip_port(ra.s, ra.n, &e->family, e->cli_ip, &e->cli_port))
		e->flags |= LE_HAS_CLI;
	if (bracket_after(p, pn, "local host [", "]", &la) &&
	    lp_parse_ip_port(la.s, la.n, &e->srv_family, e->srv_ip, &e->srv_port))
		e->flags |= LE_HAS_SRV;
	return LP_ENTRY;
}

/* ---- Arbortext gate audit (seed 004) ---- */

static bool gate_start(const char *s, size_t n)
{
	return n >= 9 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	       s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	       s[5] == ':' && isdigit((unsigned char)s[6]) && isdigit((unsigned char)s[7]) &&
	       (s[8] == ' ' || s[8] == ',' || s[8] == '.');
}

/* a closing quote is one followed by the end, or by blanks and "key=" */
static bool gate_close_at(const char *s, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j >= n)
		return true;
	if (s[j] != ' ' && s[j] != '\t')
		return false;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j >= n)
		return true;
	size_t k = j;
	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
		k++;
	return k > j && k < n && s[k] == '=';
}

/* value of key='v' (tolerating key= 'v' and the log's key=v' slip) */
static bool gate_value(const char *s, size_t n, const char *key, struct tok *t)
{
	size_t kl = strlen(key);
	for (const char *p = s; p < s + n;) {
		const char *k = memmem(p, n - (size_t)(p - s), key, kl);
		if (!k)
			return false;
		size_t i = (size_t)(k - s) + kl;
		bool word_start = k == s || k[-1] == ' ' || k[-1] == '\t';
		if (!word_start || i >= n || s[i] != '=') {
			p = k + 1;
			continue;
		}
		i++;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && s[i] == '\'') {
			size_t st = ++i;
			for (; i < n; i++)
				if (s[i] == '\'' && gate_close_at(s, n, i))
					break;
			t->s = s + st;
			t->n = i - st;
			return true;
		}
		size_t st = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		t->s = s + st;
		t->n = i - st;
		if (t->n && t->s[t->n - 1] == '\'')
			t->n--;
		return true;
	}
	return false;
}

static bool gate_null(const struct tok *t)
{
	return t->n == 0 || (t->n == 4 && strncmp(t->s, "null", 4) == 0);
}

static enum lp_result gate_entry(struct logparse *lp, const char *s, size_t n,
				 uint32_t lineno, struct log_entry *e, char *why,
				 size_t whylen)
{
	lp_sb_reset(lp, n);
	lp_entry_init(e, LOGF_GATE, lineno);
	int64_t t;
	unsigned fl = 0;
	if (log_strptime(s, n, "%H:%M:%S", &t, &fl, NULL) < 0) {
		snprintf(why, whylen, "no time at the start of the entry");
		return LP_BAD;
	}
	e->time_us = t;
	e->flags |= (uint16_t)(fl | LE_DATE_UNKNOWN);
	struct tok uri, q, m, st, ru, addr, host;
	if (!gate_value(s, n, "uri", &uri) || !gate_value(s, n, "status", &st)) {
		snprintf(why, whylen, "gate entry without uri= or status=");
		return LP_BAD;
	}
	uint64_t v;
	if (lp_parse_uint(st.s, st.n, &v) && v > 0 && v < 1000)
		e->status = (int)v;
	if (gate_value(s, n, "method", &m))
		e->method = lp_sb_put(lp, m.s, m.n);
	if (gate_value(s, n, "query", &q) && !gate_null(&q))
		e->url = lp_sb_put2(lp, uri.s, uri.n, "?", 1);
	if (e->url)
		e->url = lp_sb_put2(lp, e->url, uri.n + 1, q.s, q.n);
	else
		e->url = lp_sb_put(lp, uri.s, uri.n);
	if (gate_value(s, n, "remoteUser", &ru) && !gate_null(&ru))
		e->user = lp_sb_put(lp, ru.s, ru.n);
	/* addr is the server's own address */
	if (gate_value(s, n, "addr", &addr) &&
	    lp_parse_ip(addr.s, addr.n, &e->srv_family, e->srv_ip))
		e->flags |= LE_HAS_SRV;
	if (gate_value(s, n, "host", &host))
		e->vhost = lp_sb_put(lp, host.s, host.n);
	return LP_ENTRY;
}

static bool pend_append(struct logparse *lp, const char *s, size_t n)
{
	if (lp->pend_len + n + 2 > LP_MAX_LINE)
		return false;
	if (lp->pend_len + n + 2 > lp->pend_cap) {
		size_t nc = (lp->pend_len + n + 2) * 2;
		char *p = realloc(lp->pend, nc);
		if (!p)
			return false;
		lp->pend = p;
		lp->pend_cap = nc;
	}
	if (lp->pend_len)
		lp->pend[lp->pend_len++] = ' ';
	memcpy(lp->pend + lp->pend_len, s, n);
	lp->pend_len += n;
	return true;
}

static enum lp_result gate_line(struct logparse *lp, const char *s, size_t n,
				uint32_t lineno, struct log_entry *e, char *why,
				size_t whylen)
{
	enum lp_result r = LP_NONE;
	if (gate_start(s, n)) {
		if (lp->pend_len)
			r = gate_entry(lp, lp->pend, lp->pend_len, lp->pend_line, e, why, whylen);
		lp->pend_len = 0;
		lp->pend_line = lineno;
		if (!pend_append(lp, s, n) && r == LP_NONE) {
			snprintf(why, whylen, "entry too long");
			return LP_BAD;
		}
		return r;
	}
	if (!lp->pend_len) {
		snprintf(why, whylen, "continuation line without an entry");
		return LP_BAD;
	}
	if (!pend_append(lp, s, n)) {
		lp->pend_len = 0;
		snprintf(why, whylen, "entry too long");
		return LP_BAD;
	}
	return LP_NONE;
}

/* ---- detection ---- */

static bool squid_native_start(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i < 9 || i >= n || s[i] != '.')
		return false;
	size_t j = i + 1;
	while (j < n && isdigit((unsigned char)s[j]))
		j++;
	return j == i + 4 && j < n && s[j] == ' ';
}

/* "[dd/Mon/yyyy:hh:mm:ss +zzzz] <ms> <ip> <ACTION>/<status> ..." */
static bool proxysg_start(const char *s, size_t n)
{
	if (n < 3 || s[0] != '[')
		return false;
	const char *rb = memchr(s, ']', n > 64 ? 64 : n);
	if (!rb)
		return false;
	struct tok t[LP_MAX_FIELDS];
	size_t off = (size_t)(rb - s) + 1;
	int k = w3c_tokens(s + off, n - off, t, LP_MAX_FIELDS);
	uint64_t v;
	if (k < 7 || !lp_parse_uint(t[0].s, t[0].n, &v))
		return false;
	const char *sl = memchr(t[2].s, '/', t[2].n);
	return sl && memchr(t[2].s, '_', (size_t)(sl - t[2].s)) != NULL;
}

/* "[2024/05/01 10:00:00.123456,  3] file.c:12(func)" */
static bool samba_debug_header(const char *s, size_t n)
{
	return n > 22 && s[0] == '[' && s[5] == '/' && s[8] == '/' &&
	       isdigit((unsigned char)s[1]) && memchr(s, ']', n) &&
	       memmem(s, n, ".c:", 3);
}

static enum log_format detect(struct logparse *lp, const char *s, size_t n)
{
	if (n && s[0] == '#')
		return LOGF_W3C;
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (memmem(s, n, "\"Authentication\"", 16) || memmem(s, n, "\"Authorization\"", 15))
		if (memchr(s, '{', n))
			return LOGF_SAMBA_JSON;
	if (memmem(s, n, "Auth: [", 7))
		return LOGF_SAMBA_TEXT;
	if (memmem(s, n, "GateLogEntry", 12) || (gate_start(s, n) && memmem(s, n, "uri='", 5)))
		return LOGF_GATE;
	if (memmem(s, n, " User \"", 7) && memchr(s, '"', n))
		return LOGF_KEMP;
	if (proxysg_start(s, n))
		return LOGF_PROXYSG;
	if (squid_native_start(s + i, n - i))
		return LOGF_SQUID;
	(void)lp;
	return LOGF_APACHE;
}

/* ---- the parser object ---- */

static bool spec_is(const char *spec, const char *name)
{
	return strcasecmp(spec, name) == 0;
}

struct logparse *logparse_new(const char *spec, char *err, size_t errlen)
{
	struct logparse *lp = calloc(1, sizeof(*lp));
	if (!lp) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	const char *fs = NULL;
	bool squid = false;
	if (!spec || !*spec || spec_is(spec, "auto")) {
		lp->fmt = LOGF_AUTO;
	} else if (spec_is(spec, "w3c") || spec_is(spec, "iis") || spec_is(spec, "elff")) {
		lp->fmt = LOGF_W3C;
	} else if (spec_is(spec, "proxysg-elff")) {
		lp->fmt = LOGF_W3C;
		lp->proxy = true;
	} else if (spec_is(spec, "combined") || spec_is(spec, "nginx") || spec_is(spec, "apache")) {
		fs = APACHE_COMBINED;
	} else if (spec_is(spec, "common") || spec_is(spec, "clf")) {
		fs = APACHE_COMMON;
	} else if (spec_is(spec, "vhost_combined")) {
		fs = APACHE_VHOST;
	} else if (strncasecmp(spec, "apache:", 7) == 0) {
		fs = spec + 7;
	} else if (spec_is(spec, "squid")) {
		fs = SQUID_NATIVE;
		squid = true;
	} else if (strncasecmp(spec, "squid:", 6) == 0) {
		fs = spec + 6;
		squid = true;
	} else {
		enum log_format f = LOGF_AUTO;
		for (int k = LOGF_PROXYSG; k < LOGF__COUNT; k++)
			if (spec_is(spec, fmt_names[k]))
				f = (enum log_format)k;
		if (f == LOGF_AUTO) {
			snprintf(err, errlen, "unknown log format \"%s\"", spec);
			free(lp);
			return NULL;
		}
		lp->fmt = f;
	}
	if (fs) {
		char e2[160];
		lp->lf = lp_fmt_compile(fs, squid, e2, sizeof(e2));
		if (!lp->lf) {
			snprintf(err, errlen, "%s format \"%s\": %s", squid ? "squid" : "apache",
				 fs, e2);
			free(lp);
			return NULL;
		}
		lp->fmt = squid ? LOGF_SQUID : LOGF_APACHE;
	}
	lp->fixed = lp->fmt != LOGF_AUTO;
	return lp;
}

void logparse_free(struct logparse *lp)
{
	if (!lp)
		return;
	lp_fmt_free(lp->lf);
	for (int i = 0; i < 4; i++)
		lp_fmt_free(lp->auto_fmts[i]);
	free(lp->sb);
	free(lp->pend);
	free(lp);
}

void logparse_set_date_hint(struct logparse *lp, int64_t time_us)
{
	lp->has_hint = true;
	lp->last_us = time_us;
}

#define DAY_US (86400LL * 1000000LL)

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t closest(int64_t a, int64_t b, int64_t ref)
{
	int64_t da = a > ref ? a - ref : ref - a;
	int64_t db = b > ref ? b - ref : ref - b;
	return da <= db ? a : b;
}

/* give dateless entries the date nearest the previous entry (or the hint) */
static void resolve_date(struct logparse *lp, struct log_entry *e)
{
	if (!(e->flags & (LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN)) || !lp->has_hint) {
		if (!(e->flags & LE_NO_TIME) && lp->has_hint &&
		    !(e->flags & (LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN)))
			lp->last_us = e->time_us;
		return;
	}
	int64_t ref = lp->last_us;
	int64_t best;
	if (e->flags & LE_DATE_UNKNOWN) {
		int64_t tod = ((e->time_us % DAY_US) + DAY_US) % DAY_US;
		int64_t day0 = (ref >= 0 ? ref / DAY_US : (ref - DAY_US + 1) / DAY_US) * DAY_US;
		best = closest(day0 + tod, day0 - DAY_US + tod, ref);
		best = closest(best, day0 + DAY_US + tod, ref);
	} else {
		int64_t y, ry;
		unsigned m, d, rm, rd;
		int64_t days = e->time_us >= 0 ? e->time_us / DAY_US : 0;
		int64_t within = e->time_us - days * DAY_US;
		civil_from_days(days, &y, &m, &d);
		civil_from_days(ref / DAY_US, &ry, &rm, &rd);
		(void)y; (void)rm; (void)rd;
		best = log_days_from_civil(ry, m, d) * DAY_US + within;
		best = closest(best, log_days_from_civil(ry - 1, m, d) * DAY_US + within, ref);
		best = closest(best, log_days_from_civil(ry + 1, m, d) * DAY_US + within, ref);
	}
	e->time_us = best;
	e->flags &= (uint16_t)~(LE_DATE_UNKNOWN | LE_YEAR_UNKNOWN);
	lp->last_us = best;
}

static enum lp_result apache_auto(struct logparse *lp, const char *s, size_t n,
				  uint32_t lineno, struct log_entry *e,
				  char *why, size_t whylen)
{
	static const char *const specs[] = { APACHE_COMBINED, APACHE_COMMON, APACHE_VHOST };
	char err[128];
	for (int i = 0; i < 3; i++) {
		if (!lp->auto_fmts[i])
			lp->auto_fmts[i] = lp_fmt_compile(specs[i], false, err, sizeof(err));
		if (!lp->auto_fmts[i])
			continue;
		lp_entry_init(e, LOGF_APACHE, lineno);
		lp->sb_used = 0;
		if (lp_fmt_parse(lp, lp->auto_fmts[i], s, n, e, why, whylen)) {
			/* lock in the layout that fits */
			lp->lf = lp->auto_fmts[i];
			lp->auto_fmts[i] = NULL;
			lp->fmt = LOGF_APACHE;
			return LP_ENTRY;
		}
	}
	snprintf(why, whylen, "line matches no known log format");
	return LP_BAD;
}

static enum lp_result dispatch(struct logparse *lp, enum log_format f,
			       const char *s, size_t n, uint32_t lineno,
			       struct log_entry *e, char *why, size_t whylen)
{
	switch (f) {
	case LOGF_W3C: return w3c_line(lp, s, n, lineno, e, why, whylen);
	case LOGF_PROXYSG: return proxysg_line(lp, s, n, lineno, e, why, whylen);
	case LOGF_KEMP: return kemp_line(lp, s, n, lineno, e, why, whylen);
	case LOGF_SAMBA_JSON: return samba_json_line(lp, s, n, lineno, e, why, whylen);
	case LOGF_SAMBA_TEXT: return samba_text_line(lp, s, n, lineno, e, why, whylen);
	case LOGF_GATE: return gate_line(lp, s, n, lineno, e, why, whylen);
	case LOGF_APACHE: case LOGF_SQUID:
		if (!lp->lf)
			return apache_auto(lp, s, n, lineno, e, why, whylen);
		lp_entry_init(e, f, lineno);
		return lp_fmt_parse(lp, lp->lf, s, n, e, why, whylen) ? LP_ENTRY : LP_BAD;
	default:
		snprintf(why, whylen, "no format");
		return LP_BAD;
	}
}

enum lp_result logparse_line(struct logparse *lp, const char *line, size_t len,
			     uint32_t lineno, struct log_entry *out,
			     char *why, size_t whylen)
{
	if (why && whylen)
		why[0] = '\0';
	if (len && line[len - 1] == '\r')
		len--;
	if (len > LP_MAX_LINE) {
		snprintf(why, whylen, "line longer than %d bytes", LP_MAX_LINE);
		return LP_BAD;
	}
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == len)
		return LP_NONE;
	if (memchr(line, '\0', len)) {
		snprintf(why, whylen, "NUL byte in line");
		return LP_BAD;
	}
	enum log_format f = lp->fmt;
	if (f == LOGF_AUTO && samba_debug_header(line, len))
		return LP_NONE;   /* says nothing of the format yet */
	if (f == LOGF_AUTO) {
		f = detect(lp, line, len);
		if (f == LOGF_SQUID) {
			char err[128];
			lp->lf = lp_fmt_compile(SQUID_NATIVE, true, err, sizeof(err));
			if (!lp->lf) {
				snprintf(why, whylen, "%s", err);
				return LP_BAD;
			}
		}
		if (f != LOGF_APACHE)
			lp->fmt = f;
	}
	lp_sb_reset(lp, len);
	enum lp_result r = dispatch(lp, f, line, len, lineno, out, why, whylen);
	if (r == LP_ENTRY)
		resolve_date(lp, out);
	return r;
}

enum lp_result logparse_flush(struct logparse *lp, struct log_entry *out,
			      char *why, size_t whylen)
{
	if (lp->fmt != LOGF_GATE || !lp->pend_len)
		return LP_NONE;
	enum lp_result r = gate_entry(lp, lp->pend, lp->pend_len, lp->pend_line, out,
				      why, whylen);
	lp->pend_len = 0;
	if (r == LP_ENTRY)
		resolve_date(lp, out);
	return r;
}

size_t logparse_buffer(const char *spec, const uint8_t *data, size_t len)
{
	char err[160], why[160];
	struct logparse *lp = logparse_new(spec, err, sizeof(err));
	if (!lp)
		return 0;
	logparse_set_date_hint(lp, 1700000000LL * 1000000);
	struct log_entry e;
	size_t entries = 0, pos = 0;
	uint32_t lineno = 0;
	while (pos < len) {
		const uint8_t *nl = memchr(data + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (data + pos)) : len - pos;
		if (logparse_line(lp, (const char *)data + pos, l, ++lineno, &e, why,
				  sizeof(why)) == LP_ENTRY)
			entries++;
		pos += l + 1;
	}
	if (logparse_flush(lp, &e, why, sizeof(why)) == LP_ENTRY)
		entries++;
	logparse_free(lp);
	return entries;
}

void log_user_split(const char *s, const char **user, size_t *ulen,
		    const char **dom, size_t *dlen)
{
	*dom = NULL;
	*dlen = 0;
	if (!s) {
		*user = NULL;
		*ulen = 0;
		return;
	}
	size_t n = strlen(s);
	const char *bs = memchr(s, '\\', n);
	if (bs) {
		*dom = s;
		*dlen = (size_t)(bs - s);
		*user = bs + 1;
		*ulen = n - *dlen - 1;
		return;
	}
	const char *at = memrchr(s, '@', n);
	if (at && at != s) {
		*user = s;
		*ulen = (size_t)(at - s);
		*dom = at + 1;
		*dlen = n - *ulen - 1;
		return;
	}
	*user = s;
	*ulen = n;
}
