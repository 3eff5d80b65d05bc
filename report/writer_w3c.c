/*
 * writer_w3c.c - IIS W3C extended log (seed 001).
 *
 * Header lines (#Software #Version #Date #Fields) before the first record
 * of each output file; #Date is that record's date.  date/time are when
 * the response ended (IIS writes the entry then; time-taken is measured
 * from the request's first byte).  Values: ' ' becomes
 * '+' (as IIS writes User-Agent), other control bytes, DEL and bytes that
 * are not well-formed UTF-8 become %XX (UTF-8 stays as is),
 * empty becomes '-'.  sc-substatus / sc-win32-status follow IIS under
 * Windows Integrated authentication:
 *   401/407 and no credentials               -> 2  2148074254 (SEC_E_NO_CREDENTIALS)
 *   401/407 NTLM challenge leg (Type 1 in or
 *     Type 2 out) or a pending handshake     -> 1  0, user '-'
 *   401/407 after credentials (failed logon) -> 1  2148074252 (SEC_E_LOGON_DENIED)
 *   any other status                         -> 0  0
 *   no response                              -> '-' for all three
 */
#include <string.h>

#include "writer_common.h"

enum w3c_field {
	F_DATE, F_TIME, F_SITENAME, F_COMPUTERNAME, F_SIP, F_METHOD,
	F_URI_STEM, F_URI_QUERY, F_SPORT, F_USERNAME, F_CIP, F_CPORT,
	F_VERSION, F_UA, F_REFERER, F_HOST, F_STATUS, F_SUBSTATUS,
	F_WIN32, F_SCBYTES, F_CSBYTES, F_TIME_TAKEN, F_XFF,
};

static const char *const w3c_names[] = {
	[F_DATE] = "date", [F_TIME] = "time",
	[F_SITENAME] = "s-sitename", [F_COMPUTERNAME] = "s-computername",
	[F_SIP] = "s-ip", [F_METHOD] = "cs-method",
	[F_URI_STEM] = "cs-uri-stem", [F_URI_QUERY] = "cs-uri-query",
	[F_SPORT] = "s-port", [F_USERNAME] = "cs-username",
	[F_CIP] = "c-ip", [F_CPORT] = "c-port", [F_VERSION] = "cs-version",
	[F_UA] = "cs(User-Agent)", [F_REFERER] = "cs(Referer)",
	[F_HOST] = "cs-host", [F_STATUS] = "sc-status",
	[F_SUBSTATUS] = "sc-substatus", [F_WIN32] = "sc-win32-status",
	[F_SCBYTES] = "sc-bytes", [F_CSBYTES] = "cs-bytes",
	[F_TIME_TAKEN] = "time-taken", [F_XFF] = "cs(X-Forwarded-For)",
};
#define W3C_NNAMES ((int)(sizeof(w3c_names) / sizeof(w3c_names[0])))

static const char w3c_default[] =
	"date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
	"c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
	"sc-win32-status time-taken";

static int w3c_lookup(const char *name, size_t n)
{
	for (int i = 0; i < W3C_NNAMES; i++)
		if (strlen(w3c_names[i]) == n && strncasecmp(w3c_names[i], name, n) == 0)
			return i;
	return -1;
}

static int w3c_open(struct report_writer *w, char *err, size_t errlen)
{
	const char *p = w->opts.w3c_fields ? w->opts.w3c_fields : w3c_default;

	w->w3c_nfields = 0;
	while (*p) {
		size_t n = strcspn(p, ", \t");
		if (n) {
			int f = w3c_lookup(p, n);
			if (f < 0) {
				snprintf(err, errlen, "unknown w3c field '%.*s'",
					 (int)(n > 64 ? 64 : n), p);
				return -1;
			}
			if (w->w3c_nfields == W3C_FIELDS_MAX) {
				snprintf(err, errlen, "too many w3c fields");
				return -1;
			}
			w->w3c_fields[w->w3c_nfields++] = f;
		}
		p += n;
		p += strspn(p, ", \t");
	}
	if (w->w3c_nfields == 0) {
		snprintf(err, errlen, "empty w3c field list");
		return -1;
	}
	return 0;
}

/* one W3C value: '+' for ' ', %XX for other controls, DEL and bytes of
   ill-formed UTF-8, '-' when empty */
static void w3c_esc(struct jsonw *o, const char *s, size_t n)
{
	size_t i = 0;

	if (!s || n == 0) {
		jsonw_ch(o, '-');
		return;
	}
	while (i < n) {
		size_t run = i;
		while (run < n && (unsigned char)s[run] > 0x20 &&
		       (unsigned char)s[run] < 0x7f)
			run++;
		jsonw_raw(o, s + i, run - i);
		if (run == n)
			break;
		unsigned char c = (unsigned char)s[run];
		size_t u8 = c >= 0x80 ? jsonw_utf8_len(s + run, n - run) : 0;
		if (u8) {
			jsonw_raw(o, s + run, u8);
			i = run + u8;
			continue;
		}
		if (c == ' ') {
			jsonw_ch(o, '+');
		} else {
			rep_hex_byte(o, "%", c, true);
		}
		i = run + 1;
	}
}

static void w3c_cesc(struct jsonw *o, const char *s)
{
	w3c_esc(o, s, s ? strlen(s) : 0);
}

/* IIS sc-substatus and sc-win32-status (see the table above) */
static void w3c_codes(const struct as_http *r, int *sub, uint64_t *win32,
		      bool *challenge)
{
	int st = r->tx->status;

	*sub = 0;
	*win32 = 0;
	*challenge = false;
	if (st != 401 && st != 407)
		return;
	*sub = 1;
	if (!r->credentials) {
		*sub = 2;
		*win32 = 2148074254u;
	} else if (r->ntlm_type == 1 || r->challenge_type == 2 ||
		   (r->result && strcmp(r->result, "pending") == 0)) {
		*challenge = true;
	} else {
		*win32 = 2148074252u;
	}
}

static void w3c_header(struct report_writer *w, uint64_t ts_us)
{
	struct jsonw *o = &w->jw;
	const struct tm *t = rep_gmtime(w, ts_us);

	jsonw_reset(o);
	jsonw_cstr(o, "#Software: authscope\n#Version: 1.0\n#Date: ");
	jsonw_u64_pad(o, (uint64_t)t->tm_year + 1900, 4);
	jsonw_ch(o, '-');
	jsonw_u64_pad(o, (uint64_t)t->tm_mon + 1, 2);
	jsonw_ch(o, '-');
	jsonw_u64_pad(o, (uint64_t)t->tm_mday, 2);
	jsonw_ch(o, ' ');
	jsonw_u64_pad(o, (uint64_t)t->tm_hour, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_min, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_sec, 2);
	jsonw_cstr(o, "\n#Fields:");
	for (int i = 0; i < w->w3c_nfields; i++) {
		jsonw_ch(o, ' ');
		jsonw_cstr(o, w3c_names[w->w3c_fields[i]]);
	}
	rep_flush(w);
	w->header_done = true;
}

static void w3c_ip(struct jsonw *o, int family, const uint8_t *ip)
{
	char buf[REP_IP_MAX];
	rep_ip(buf, family, ip);
	jsonw_cstr(o, buf);
}

static void w3c_field(struct report_writer *w, const struct as_http *r,
		      int f)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;
	const struct tm *t;
	const char *url = tx->url.s ? tx->url.s : "";
	size_t urllen = tx->url.s ? tx->url.len : 0;
	const char *q = memchr(url, '?', urllen);
	size_t stem = q ? (size_t)(q - url) : urllen;
	int sub;
	uint64_t win32;
	bool chal;
	int64_t ms;

	w3c_codes(r, &sub, &win32, &chal);
	switch ((enum w3c_field)f) {
	case F_DATE:
		t = rep_gmtime(w, rep_end_ts_us(tx));
		jsonw_u64_pad(o, (uint64_t)t->tm_year + 1900, 4);
		jsonw_ch(o, '-');
		jsonw_u64_pad(o, (uint64_t)t->tm_mon + 1, 2);
		jsonw_ch(o, '-');
		jsonw_u64_pad(o, (uint64_t)t->tm_mday, 2);
		break;
	case F_TIME:
		t = rep_gmtime(w, rep_end_ts_us(tx));
		jsonw_u64_pad(o, (uint64_t)t->tm_hour, 2);
		jsonw_ch(o, ':');
		jsonw_u64_pad(o, (uint64_t)t->tm_min, 2);
		jsonw_ch(o, ':');
		jsonw_u64_pad(o, (uint64_t)t->tm_sec, 2);
		break;
	case F_SITENAME: jsonw_cstr(o, "W3SVC1"); break;
	case F_COMPUTERNAME: jsonw_ch(o, '-'); break;
	case F_SIP: w3c_ip(o, tx->family, tx->srv_ip); break;
	case F_METHOD: w3c_cesc(o, tx->method); break;
	case F_URI_STEM: w3c_esc(o, url, stem); break;
	case F_URI_QUERY:
		w3c_esc(o, q ? q + 1 : NULL, q ? urllen - stem - 1 : 0);
		break;
	case F_SPORT: jsonw_u64(o, tx->srv_port); break;
	case F_USERNAME:
		w3c_cesc(o, (!chal && sub != 2 && rep_user_logged(r)) ?
			 rep_ident(w, r->user, r->domain, r->mech,
				   REP_IDENT_WINDOWS) : NULL);
		break;
	case F_CIP: w3c_ip(o, tx->family, tx->cli_ip); break;
	case F_CPORT: jsonw_u64(o, tx->cli_port); break;
	case F_VERSION: w3c_cesc(o, tx->protocol); break;
	case F_UA: w3c_esc(o, tx->user_agent.s, tx->user_agent.len); break;
	case F_REFERER: w3c_esc(o, tx->referer.s, tx->referer.len); break;
	case F_HOST: w3c_esc(o, tx->host.s, tx->host.len); break;
	case F_XFF:
		w3c_esc(o, tx->x_forwarded_for.s, tx->x_forwarded_for.len);
		break;
	case F_STATUS:
		if (tx->status < 0)
			jsonw_ch(o, '-');
		else
			jsonw_u64(o, (uint64_t)tx->status);
		break;
	case F_SUBSTATUS:
		if (tx->status < 0)
			jsonw_ch(o, '-');
		else
			jsonw_u64(o, (uint64_t)sub);
		break;
	case F_WIN32:
		if (tx->status < 0)
			jsonw_ch(o, '-');
		else
			jsonw_u64(o, win32);
		break;
	case F_SCBYTES: jsonw_u64(o, tx->resp_bytes); break;
	case F_CSBYTES: jsonw_u64(o, tx->req_bytes); break;
	case F_TIME_TAKEN:
		ms = rep_time_taken_ms(tx);
		if (ms < 0)
			jsonw_ch(o, '-');
		else
			jsonw_u64(o, (uint64_t)ms);
		break;
	}
}

static void w3c_http(struct report_writer *w, const struct as_http *r)
{
	if (!w->header_done)
		w3c_header(w, rep_end_ts_us(r->tx));
	jsonw_reset(&w->jw);
	for (int i = 0; i < w->w3c_nfields; i++) {
		if (i)
			jsonw_ch(&w->jw, ' ');
		w3c_field(w, r, w->w3c_fields[i]);
	}
	rep_flush(w);
}

const struct writer_ops writer_w3c = {
	.name = "w3c",
	.open = w3c_open,
	.http = w3c_http,
};
