/*
 * report.c - format dispatch and what the writers share; see report.h.
 */
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "writer_common.h"

const char *const report_formats[] = {
	"json", "w3c", "proxysg", "squid", "combined", "combined-debian",
	"samba-json", "samba-text", "kemp", "gate", NULL,
};

static const struct writer_ops *const writers[] = {
	&writer_json, &writer_w3c, &writer_proxysg, &writer_squid,
	&writer_combined, &writer_combined_debian,
	&writer_samba_json, &writer_samba_text,
	&writer_kemp, &writer_gate, NULL,
};

const char *const rep_month[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
const char *const rep_wday[7] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

#define REP_BATCH_MAX 65536

/*
 * How many bytes of whole lines may wait before they go to out: what
 * stdio itself would buffer (glibc sizes a FILE's buffer by st_blksize),
 * so the lines reach the file descriptor about when they did one fwrite
 * a line; 0 (each line at once) for a terminal and for a FILE the caller
 * made line buffered or unbuffered (glibc gives those a 1-byte buffer).
 */
static size_t rep_batch_for(FILE *out)
{
	struct stat st;
	int fd = out ? fileno(out) : -1;

	if (fd < 0 || isatty(fd) || __flbf(out) || __fbufsize(out) == 1)
		return 0;
	if (fstat(fd, &st) != 0 || st.st_blksize <= 0)
		return BUFSIZ;
	if (st.st_blksize > REP_BATCH_MAX)
		return REP_BATCH_MAX;
	return (size_t)st.st_blksize;
}

/* the lines waiting, in one fwrite */
static void rep_write(struct report_writer *w)
{
	if (!w->batch_lines)
		return;
	if (jsonw_write(&w->jw, w->out) == 0)
		w->counts.lines += w->batch_lines;
	else
		w->counts.failed += w->batch_lines;
	w->batch_lines = 0;
}

static void report_err(const struct report_opts *o, const char *msg)
{
	if (o && o->err && o->errlen) {
		snprintf(o->err, o->errlen, "%s", msg);
		return;
	}
	fprintf(stderr, "authscope: %s\n", msg);
}

struct report_writer *report_open(const char *format, FILE *out,
				  const struct report_opts *opts)
{
	const struct writer_ops *ops = NULL;
	char msg[256];

	for (int i = 0; format && writers[i]; i++)
		if (strcmp(writers[i]->name, format) == 0)
			ops = writers[i];
	if (!ops) {
		snprintf(msg, sizeof(msg), "unknown output format '%s'",
			 format ? format : "(null)");
		report_err(opts, msg);
		return NULL;
	}
	struct report_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		report_err(opts, "out of memory");
		return NULL;
	}
	w->ops = ops;
	w->out = out;
	w->batch_bytes = rep_batch_for(out);
	if (opts)
		w->opts = *opts;
	jsonw_init(&w->jw, ops->spaced_json);
	jsonw_init(&w->scratch, false);
	if (ops->open && ops->open(w, msg, sizeof(msg)) != 0) {
		report_err(opts, msg);
		report_close(w);
		return NULL;
	}
	return w;
}

void report_http(struct report_writer *w, const struct as_http *r)
{
	if (w && r && r->tx && w->ops->http)
		w->ops->http(w, r);
}

void report_auth(struct report_writer *w, const struct as_auth *a)
{
	if (w && a && w->ops->auth)
		w->ops->auth(w, a);
}

void report_raw_json(struct report_writer *w, const char *line)
{
	if (!w || !line || !w->ops->takes_raw_json)
		return;
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	jsonw_reset(&w->jw);
	jsonw_raw(&w->jw, line, n);
	rep_flush(w);
	rep_write(w);
}

void report_set_output(struct report_writer *w, FILE *out)
{
	if (!w)
		return;
	if (w->out) {
		rep_write(w);
		fflush(w->out);
	}
	w->out = out;
	w->batch_bytes = rep_batch_for(out);
	/* a new file needs its own #Software / #Fields header */
	w->header_done = false;
}

void report_close(struct report_writer *w)
{
	if (!w)
		return;
	if (w->out) {
		rep_write(w);
		fflush(w->out);
	}
	jsonw_free(&w->jw);
	jsonw_free(&w->scratch);
	free(w);
}

const struct report_counts *report_get_counts(struct report_writer *w)
{
	if (w->out)
		rep_write(w);
	return &w->counts;
}

/* --- shared helpers --- */

void rep_flush(struct report_writer *w)
{
	if (jsonw_end_line(&w->jw) != 0) {
		w->counts.failed++;
		return;
	}
	w->batch_lines++;
	if (w->jw.line >= w->batch_bytes)
		rep_write(w);
}

const struct tm *rep_gmtime(struct report_writer *w, uint64_t ts_us)
{
	time_t sec = (time_t)(ts_us / 1000000u);
	if (!w->tm_valid || sec != w->tm_sec) {
		if (!gmtime_r(&sec, &w->tm))
			memset(&w->tm, 0, sizeof(w->tm));
		w->tm_sec = sec;
		w->tm_valid = true;
	}
	return &w->tm;
}

/*
 * IPv6 text as glibc's inet_ntop writes it (RFC 5952: lowercase hex, the
 * first longest run of two or more zero groups as "::"), by hand: inet_ntop
 * prints each group through sprintf, a measurable share of the JSON
 * writer.  Addresses whose zero run starts the address and covers 5 or more
 * groups may be printed with an embedded IPv4 (::ffff:a.b.c.d): those are
 * left to inet_ntop (returns false), so the text stays the same.
 */
static bool rep_ip6(char out[REP_IP_MAX], const uint8_t *ip)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	char *p = out;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)ip[2 * i] << 8 | ip[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, cur_len = 0;
			if (++cur_len > best_len)
				best = cur, best_len = cur_len;
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	if (best == 0 && best_len >= 5)
		return false;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		bool lead = true;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (w[i] >> sh) & 0xf;
			if (lead && d == 0 && sh)
				continue;
			lead = false;
			*p++ = hex[d];
		}
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	*p = '\0';
	return true;
}

void rep_ip(char out[REP_IP_MAX], int family, const uint8_t *ip)
{
	if (family != AF_INET6) {
		/* by hand: glibc's inet_ntop goes through sprintf */
		char *p = out;
		for (int i = 0; i < 4; i++) {
			unsigned v = ip[i];
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return;
	}
	if (rep_ip6(out, ip))
		return;
	if (!inet_ntop(AF_INET6, ip, out, REP_IP_MAX))
		snprintf(out, REP_IP_MAX, "-");
}

/*
 * A direct-mapped cache: formatting an IPv6 address costs a few hundred
 * instructions, looking it up a few dozen, and the two addresses of a
 * connection come back for each of its transactions.  The text is copied
 * at its full size (a constant, so no call), the end moved by its length.
 */
/* a miss: the entry filled, then the text put; out of line and reached
   by a tail call, so the lookup below stays a leaf that saves no
   registers */
static __attribute__((noinline)) char *ip_fill_put(struct rep_ip_text *e, char *p,
						   int family, const uint8_t *ip,
						   uint64_t a, uint64_t b)
{
	rep_ip(e->text, family, ip);
	e->len = (uint8_t)strlen(e->text);
	e->v6 = family == AF_INET6;
	e->ip[0] = a;
	e->ip[1] = b;
	memcpy(p, e->text, REP_IP_MAX);
	return p + e->len;
}

char *rep_put_ip(struct report_writer *w, char *p, int family, const uint8_t *ip)
{
	bool v6 = family == AF_INET6;
	uint64_t a = 0, b = 0;

	if (v6) {
		memcpy(&a, ip, 8);
		memcpy(&b, ip + 8, 8);
	} else {
		uint32_t v4;
		memcpy(&v4, ip, 4);
		a = v4;
	}
	uint64_t h = ((a * 0x9e3779b97f4a7c15ULL) ^ b) * 0xff51afd7ed558ccdULL;
	struct rep_ip_text *e = &w->ip_cache[h >> (64 - REP_IP_CACHE_BITS)];

	if (!e->len || e->ip[0] != a || e->ip[1] != b || e->v6 != v6)
		return ip_fill_put(e, p, family, ip, a, b);
	memcpy(p, e->text, REP_IP_MAX);
	return p + e->len;
}

void rep_iso_time(struct report_writer *w, uint64_t ts_us, const char *suffix)
{
	struct jsonw *o = &w->jw;
	char *p = jsonw_begin(o, REP_ISO_LEN);

	if (p)
		jsonw_end(o, rep_put_iso(w, p, ts_us));
	jsonw_cstr(o, suffix);
}

char *rep_put_iso(struct report_writer *w, char *out, uint64_t ts_us)
{
	time_t sec = (time_t)(ts_us / 1000000u);

	/* the part up to the second is the same for a whole second of
	   records: formatted once per second, copied after */
	if (!w->iso_valid || sec != w->iso_of) {
		const struct tm *t = rep_gmtime(w, ts_us);
		char *p = w->iso;
		p = jsonw_put_u64_pad(p, (uint64_t)t->tm_year + 1900, 4);
		*p++ = '-';
		p = jsonw_put_u64_pad(p, (uint64_t)t->tm_mon + 1, 2);
		*p++ = '-';
		p = jsonw_put_u64_pad(p, (uint64_t)t->tm_mday, 2);
		*p++ = 'T';
		p = jsonw_put_u64_pad(p, (uint64_t)t->tm_hour, 2);
		*p++ = ':';
		p = jsonw_put_u64_pad(p, (uint64_t)t->tm_min, 2);
		*p++ = ':';
		p = jsonw_put_u64_pad(p, (uint64_t)t->tm_sec, 2);
		*p = '.';
		w->iso_of = sec;
		w->iso_valid = true;
	}
	memcpy(out, w->iso, sizeof(w->iso));
	/* the microseconds: three digit pairs, in 32 bits */
	uint32_t us = (uint32_t)(ts_us - (uint64_t)sec * 1000000u);
	uint32_t hi = us / 10000, mid = us / 100 - hi * 100;
	char *p = out + sizeof(w->iso);
	memcpy(p, jsonw_digits2 + 2 * hi, 2);
	memcpy(p + 2, jsonw_digits2 + 2 * mid, 2);
	memcpy(p + 4, jsonw_digits2 + 2 * (us - us / 100 * 100), 2);
	return p + 6;
}

void rep_clf_time(struct report_writer *w, uint64_t ts_us)
{
	const struct tm *t = rep_gmtime(w, ts_us);
	struct jsonw *o = &w->jw;

	jsonw_u64_pad(o, (uint64_t)t->tm_mday, 2);
	jsonw_ch(o, '/');
	jsonw_cstr(o, rep_month[t->tm_mon % 12]);
	jsonw_ch(o, '/');
	jsonw_u64_pad(o, (uint64_t)t->tm_year + 1900, 4);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_hour, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_min, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_sec, 2);
	jsonw_cstr(o, " +0000");
}

uint64_t rep_end_ts_us(const struct http_tx *tx)
{
	if (tx->status < 0 || tx->resp_end_ts_us < tx->req_ts_us)
		return tx->req_ts_us;
	return tx->resp_end_ts_us;
}

int64_t rep_time_taken_ms(const struct http_tx *tx)
{
	if (tx->status < 0 || tx->resp_end_ts_us == 0)
		return -1;
	if (tx->resp_end_ts_us < tx->req_ts_us)
		return 0;
	return (int64_t)((tx->resp_end_ts_us - tx->req_ts_us) / 1000u);
}

static bool is_windows_scheme(const char *scheme)
{
	return scheme && (strcmp(scheme, "NTLM") == 0 ||
			  strcmp(scheme, "Negotiate") == 0);
}

bool rep_user_logged(const struct as_http *r)
{
	int st = r->tx->status;

	if (rep_empty(r->user))
		return false;
	if ((st == 401 || st == 407) && !r->credentials)
		return false;
	if (r->result && strcmp(r->result, "pending") == 0)
		return false;
	if (r->result && strcmp(r->result, "failure") == 0)
		return !is_windows_scheme(r->scheme);
	return true;
}

const char *rep_ident(struct report_writer *w, const char *user,
		      const char *domain, const char *mech,
		      enum rep_ident_style style)
{
	struct jsonw *s = &w->scratch;

	if (rep_empty(user))
		return NULL;
	jsonw_reset(s);
	bool krb = mech && strcmp(mech, "Kerberos") == 0;
	bool ntlm = mech && strcmp(mech, "NTLMSSP") == 0;
	if (!krb && !ntlm) {
		/* Basic / Digest: the name as sent; a Digest realm is not a
		   domain (Apache logs just the user) */
		jsonw_cstr(s, user);
	} else if (style == REP_IDENT_UNIX && krb) {
		jsonw_cstr(s, user);
		if (!rep_empty(domain) && !strchr(user, '@')) {
			jsonw_ch(s, '@');
			jsonw_cstr(s, domain);
		}
	} else {
		if (!rep_empty(domain) && !strchr(user, '\\')) {
			jsonw_cstr(s, domain);
			jsonw_ch(s, '\\');
		}
		jsonw_cstr(s, user);
	}
	jsonw_ch(s, '\0');
	return s->failed ? NULL : s->buf;
}

void rep_abs_url(struct jsonw *o, const struct http_tx *tx,
		 void (*esc)(struct jsonw *, const char *, size_t))
{
	const char *u = tx->url.s ? tx->url.s : "";
	size_t n = tx->url.s ? tx->url.len : 0;

	if (n && u[0] == '/' && tx->host.s && tx->host.len) {
		jsonw_cstr(o, "http://");
		esc(o, tx->host.s, tx->host.len);
	}
	if (n)
		esc(o, u, n);
	else
		jsonw_ch(o, '-');
}

bool rep_auth_ok(const struct as_auth *a)
{
	if (a->status)
		return strcmp(a->status, "NT_STATUS_OK") == 0;
	return a->result && strcmp(a->result, "success") == 0;
}

const char *rep_auth_status(const struct as_auth *a)
{
	if (a->status)
		return a->status;
	return rep_auth_ok(a) ? "NT_STATUS_OK" : "NT_STATUS_LOGON_FAILURE";
}

void rep_hex_byte(struct jsonw *o, const char *prefix, unsigned char c, bool upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = strlen(prefix);
	char *d = jsonw_reserve(o, n + 2);

	if (!d)
		return;
	memcpy(d, prefix, n);
	d[n] = hex[c >> 4];
	d[n + 1] = hex[c & 15];
}

void rep_pct_quoted(struct jsonw *o, const char *s, size_t n, char quote)
{
	for (size_t i = 0; s && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t u8 = c >= 0x80 ? jsonw_utf8_len(s + i, n - i) : 0;
		if (u8) {
			jsonw_raw(o, s + i, u8);
			i += u8 - 1;
		} else if (c < 0x20 || c >= 0x7f || c == (unsigned char)quote) {
			rep_hex_byte(o, "%", c, true);
		} else {
			/* the run of plain bytes at once */
			size_t run = i + 1;
			while (run < n && (unsigned char)s[run] >= 0x20 &&
			       (unsigned char)s[run] < 0x7f && s[run] != quote)
				run++;
			jsonw_raw(o, s + i, run - i);
			i = run - 1;
		}
	}
}
