/*
 * writer_proxy.c - forward-proxy access logs: ProxySG (seed 000) and
 * Squid's native access.log.
 *
 * ProxySG, the field order of seed 000's example lines, one #Fields
 * header per output file:
 *   [16/Mar/2004:12:38:06 +0000] 2 172.16.32.29 TCP_DENIED/407 1101 GET
 *   http://www.example.com - NONE/- - none ICAP_NOT_SCANNED
 * Squid native (src/log/FormatSquidNative.cc layout):
 *   1700000000.123     45 10.0.0.1 TCP_MISS/200 1234 GET http://x/ alice
 *   HIER_DIRECT/x text/html
 * Both stamp the line with the time the transaction ended (the response's
 * last byte), as Squid and ProxySG write the entry at completion.
 * Neither format has a Content-Type on the wire records: '-'.
 */
#include <string.h>
#include <sys/socket.h>

#include "writer_common.h"

/* a space-free token: %XX for controls, space, DEL, bytes of ill-formed
   UTF-8 (and every byte >= 0x80 when high is set, as Squid's URL
   escaping does) */
static void tok_esc_hi(struct jsonw *o, const char *s, size_t n, bool high)
{
	if (!s || n == 0) {
		jsonw_ch(o, '-');
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t u8 = c >= 0x80 && !high ? jsonw_utf8_len(s + i, n - i) : 0;
		if (u8) {
			jsonw_raw(o, s + i, u8);
			i += u8 - 1;
		} else if (c <= 0x20 || c >= 0x7f) {
			rep_hex_byte(o, "%", c, true);
		} else {
			jsonw_ch(o, (char)c);
		}
	}
}

static void tok_esc(struct jsonw *o, const char *s, size_t n)
{
	tok_esc_hi(o, s, n, false);
}

static void url_esc(struct jsonw *o, const char *s, size_t n)
{
	tok_esc_hi(o, s, n, true);
}

/*
 * Squid's user-name quoting (Format::QuoteMimeBlob): CR/LF as \r \n,
 * '\\' doubled, controls, DEL, bytes >= 0x80, '%', '[' and ']' as %XX.
 * Ours on top: ' ' as %20, so the line still splits on spaces.
 */
static void squid_user_esc(struct jsonw *o, const char *s)
{
	if (rep_empty(s)) {
		jsonw_ch(o, '-');
		return;
	}
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\r')
			jsonw_raw(o, "\\r", 2);
		else if (c == '\n')
			jsonw_raw(o, "\\n", 2);
		else if (c <= 0x20 || c >= 0x7f || c == '%' || c == '[' || c == ']')
			rep_hex_byte(o, "%", c, false);   /* Squid's c2x */
		else if (c == '\\')
			jsonw_raw(o, "\\\\", 2);
		else
			jsonw_ch(o, (char)c);
	}
}

/* the host the proxy went to: Host header, else the URL's authority,
   else the server address; without ":port" */
static void proxy_host(struct jsonw *o, const struct http_tx *tx)
{
	const char *h = tx->host.s;
	size_t n = h ? tx->host.len : 0;

	if (!n && tx->url.s) {
		const char *u = tx->url.s;
		const char *p = strstr(u, "://");
		h = p ? p + 3 : u;
		n = strcspn(h, "/?#");
		if (u[0] == '/')
			n = 0;
	}
	if (!n) {
		char ip[REP_IP_MAX];
		rep_ip(ip, tx->family, tx->srv_ip);
		jsonw_cstr(o, ip);
		return;
	}
	/* cut ":port", but not inside an [IPv6] literal */
	size_t end = n;
	for (size_t i = n; i > 0; i--) {
		if (h[i - 1] == ']')
			break;
		if (h[i - 1] == ':') {
			end = i - 1;
			break;
		}
	}
	tok_esc(o, h, end);
}

static bool is_connect(const struct http_tx *tx)
{
	return strcmp(tx->method, "CONNECT") == 0;
}

static void proxy_user(struct report_writer *w, const struct as_http *r,
		       enum rep_ident_style style, bool squid)
{
	const char *u = rep_user_logged(r) ?
		rep_ident(w, r->user, r->domain, r->mech, style) : NULL;
	if (squid)
		squid_user_esc(&w->jw, u);
	else
		tok_esc(&w->jw, u, u ? strlen(u) : 0);
}

/* --- ProxySG --- */

static void sg_header(struct report_writer *w)
{
	jsonw_reset(&w->jw);
	jsonw_cstr(&w->jw, "#Software: authscope\n#Fields: localtime "
		   "time-taken c-ip s-action/sc-status sc-bytes cs-method cs-uri "
		   "cs-username s-hierarchy/s-supplier-name rs(Content-Type) "
		   "sc-filter-category s-icap-status");
	rep_flush(w);
	w->header_done = true;
}

static void sg_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;
	char ip[REP_IP_MAX];
	int st = tx->status;
	bool denied = st == 401 || st == 407;
	int64_t ms = rep_time_taken_ms(tx);

	if (!w->header_done)
		sg_header(w);
	jsonw_reset(o);
	jsonw_ch(o, '[');
	rep_clf_time(w, rep_end_ts_us(tx));
	jsonw_raw(o, "] ", 2);
	if (ms < 0)
		jsonw_ch(o, '-');
	else
		jsonw_u64(o, (uint64_t)ms);
	jsonw_ch(o, ' ');
	rep_ip(ip, tx->family, tx->cli_ip);
	jsonw_cstr(o, ip);
	jsonw_ch(o, ' ');
	if (st < 0)
		jsonw_cstr(o, "TCP_ERR_MISS/0");
	else {
		jsonw_cstr(o, denied ? "TCP_DENIED/" :
			   is_connect(tx) ? "TCP_TUNNELED/" : "TCP_NC_MISS/");
		jsonw_u64(o, (uint64_t)st);
	}
	jsonw_ch(o, ' ');
	jsonw_u64(o, tx->resp_bytes);
	jsonw_ch(o, ' ');
	tok_esc(o, tx->method, strlen(tx->method));
	jsonw_ch(o, ' ');
	if (is_connect(tx)) {
		jsonw_cstr(o, "tcp://");
		tok_esc(o, tx->url.s, tx->url.s ? tx->url.len : 0);
		jsonw_ch(o, '/');
	} else {
		rep_abs_url(o, tx, tok_esc);
	}
	jsonw_ch(o, ' ');
	proxy_user(w, r, REP_IDENT_WINDOWS, false);
	if (denied || st < 0) {
		jsonw_cstr(o, " NONE/-");
	} else {
		jsonw_cstr(o, " DIRECT/");
		proxy_host(o, tx);
	}
	jsonw_cstr(o, " - none ICAP_NOT_SCANNED");
	rep_flush(w);
}

const struct writer_ops writer_proxysg = {
	.name = "proxysg",
	.http = sg_http,
};

/* --- Squid --- */

static void squid_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;
	char ip[REP_IP_MAX];
	char num[64];
	int st = tx->status;
	int64_t ms = rep_time_taken_ms(tx);
	const char *action;

	if (st < 0)
		action = "TCP_MISS_ABORTED";
	else if (st == 407 || (st == 401 && r->proxy))
		action = "TCP_DENIED";
	else if (is_connect(tx) && st >= 200 && st < 300)
		action = "TCP_TUNNEL";
	else
		action = "TCP_MISS";
	bool none = st < 0 || strcmp(action, "TCP_DENIED") == 0;

	jsonw_reset(o);
	uint64_t end_us = rep_end_ts_us(tx);
	snprintf(num, sizeof(num), "%9llu.%03u %6lld ",
		 (unsigned long long)(end_us / 1000000u),
		 (unsigned)(end_us % 1000000u / 1000u),
		 (long long)(ms < 0 ? 0 : ms));
	jsonw_cstr(o, num);
	rep_ip(ip, tx->family, tx->cli_ip);
	jsonw_cstr(o, ip);
	jsonw_ch(o, ' ');
	jsonw_cstr(o, action);
	jsonw_ch(o, '/');
	jsonw_u64_pad(o, st < 0 ? 0 : (uint64_t)st, 3);
	jsonw_ch(o, ' ');
	jsonw_u64(o, tx->resp_bytes);
	jsonw_ch(o, ' ');
	tok_esc(o, tx->method, strlen(tx->method));
	jsonw_ch(o, ' ');
	if (is_connect(tx))
		url_esc(o, tx->url.s, tx->url.s ? tx->url.len : 0);
	else
		rep_abs_url(o, tx, url_esc);
	jsonw_ch(o, ' ');
	proxy_user(w, r, REP_IDENT_UNIX, true);
	if (none) {
		jsonw_cstr(o, " HIER_NONE/-");
	} else {
		jsonw_cstr(o, " HIER_DIRECT/");
		proxy_host(o, tx);
	}
	jsonw_cstr(o, " -");
	rep_flush(w);
}

const struct writer_ops writer_squid = {
	.name = "squid",
	.http = squid_http,
};
