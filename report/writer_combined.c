/*
 * writer_combined.c - Apache/NCSA combined log:
 *   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
 * Wire bytes are escaped as Apache's ap_escape_logitem does: '"' and '\\'
 * get a backslash, \b \n \r \t \v their C escapes, every other control or
 * non-printable byte (and DEL, and bytes >= 0x80) \xhh.  So an NTLM user
 * DOMAIN\user appears as DOMAIN\\user, as in a real Apache log.
 *
 * combined-debian: Debian's and Ubuntu's apache2.conf define "combined"
 * with %O (bytes sent, headers included; mod_logio) in place of %b:
 *   %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"
 * %O of a request never answered is 0.
 */
#include <string.h>

#include "writer_common.h"

enum { COMBINED_BODY_BYTES, COMBINED_BYTES_SENT };

static void apache_esc(struct jsonw *o, const char *s, size_t n)
{

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			/* copy the whole run of plain bytes at once */
			size_t run = i + 1;
			while (run < n && (unsigned char)s[run] >= 0x20 &&
			       (unsigned char)s[run] < 0x7f && s[run] != '"' &&
			       s[run] != '\\')
				run++;
			jsonw_raw(o, s + i, run - i);
			i = run - 1;
			continue;
		}
		switch (c) {
		case '"': jsonw_raw(o, "\\\"", 2); break;
		case '\\': jsonw_raw(o, "\\\\", 2); break;
		case '\b': jsonw_raw(o, "\\b", 2); break;
		case '\n': jsonw_raw(o, "\\n", 2); break;
		case '\r': jsonw_raw(o, "\\r", 2); break;
		case '\t': jsonw_raw(o, "\\t", 2); break;
		case '\v': jsonw_raw(o, "\\v", 2); break;
		default:
			rep_hex_byte(o, "\\x", c, false);
			break;
		}
	}
}

/* an item: '-' when empty, escaped otherwise */
static void apache_item(struct jsonw *o, const char *s, size_t n)
{
	if (!s || n == 0)
		jsonw_ch(o, '-');
	else
		apache_esc(o, s, n);
}

static void combined_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;
	char ip[REP_IP_MAX];

	jsonw_reset(o);
	rep_ip(ip, tx->family, tx->cli_ip);
	jsonw_cstr(o, ip);
	jsonw_cstr(o, " - ");
	const char *u = rep_user_logged(r) ?
		rep_ident(w, r->user, r->domain, r->mech, REP_IDENT_UNIX) : NULL;
	apache_item(o, u, u ? strlen(u) : 0);
	jsonw_cstr(o, " [");
	rep_clf_time(w, tx->req_ts_us);
	jsonw_cstr(o, "] \"");
	/* the request line as sent */
	apache_esc(o, tx->method, strlen(tx->method));
	if (tx->url.s && tx->url.len) {
		jsonw_ch(o, ' ');
		apache_esc(o, tx->url.s, tx->url.len);
	}
	if (tx->protocol[0]) {
		jsonw_ch(o, ' ');
		apache_esc(o, tx->protocol, strlen(tx->protocol));
	}
	jsonw_cstr(o, "\" ");
	if (tx->status < 0)
		jsonw_ch(o, '-');
	else
		jsonw_u64(o, (uint64_t)tx->status);
	jsonw_ch(o, ' ');
	if (w->ops->variant == COMBINED_BYTES_SENT)
		jsonw_u64(o, tx->resp_bytes);
	else if (tx->resp_body_bytes == 0)
		jsonw_ch(o, '-');
	else
		jsonw_u64(o, tx->resp_body_bytes);
	jsonw_cstr(o, " \"");
	apache_item(o, tx->referer.s, tx->referer.len);
	jsonw_cstr(o, "\" \"");
	apache_item(o, tx->user_agent.s, tx->user_agent.len);
	jsonw_ch(o, '"');
	rep_flush(w);
}

const struct writer_ops writer_combined = {
	.name = "combined",
	.http = combined_http,
	.variant = COMBINED_BODY_BYTES,
};

const struct writer_ops writer_combined_debian = {
	.name = "combined-debian",
	.http = combined_http,
	.variant = COMBINED_BYTES_SENT,
};
