/*
 * writer_kemp.c - Kemp LoadMaster ESP user log lines (seed 002).
 *
 * Per request that carried or inherited a user name:
 *   Jul 11 09:12:03 authscope L7_LOG_USER: "10.0.0.2:80" ("-") User "D\u"
 *   requested "GET" "http://host/path?q" "Mozilla/5.0"
 * "attempted" instead of "requested" when the answer was >= 400 or never
 * came.  Per finished handshake (report_auth):
 *   Jul 11 09:12:03 authscope L7_LOG_USER: "10.0.0.2:80": User "D\u"
 *   logged on from "10.0.0.1"          ("denied access" when it failed)
 * Choices the seed leaves open: every value is quoted, the verbs are not;
 * the Virtual Service is the server we saw, the Real Server is unknown
 * ("-"); the user is DOMAIN\user (user@REALM for Kerberos); the prefix is
 * a syslog-style UTC timestamp, host "authscope" and the seed's
 * identifier L7_LOG_USER.  Inside quotes '"', controls, DEL and bytes of
 * ill-formed UTF-8 are %XX.
 * Requests with no user (anonymous, challenge legs) write nothing: the
 * ESP user log is about users.
 */
#include <string.h>
#include <sys/socket.h>

#include "writer_common.h"

/* Kemp quotes every value: the quote itself may not appear inside */
static void kemp_esc(struct jsonw *o, const char *s, size_t n)
{
	rep_pct_quoted(o, s, n, '"');
}

static void kemp_quoted(struct jsonw *o, const char *s, size_t n)
{
	jsonw_ch(o, '"');
	kemp_esc(o, s, n);
	jsonw_ch(o, '"');
}

static void kemp_prefix(struct report_writer *w, uint64_t ts_us, int family,
			const uint8_t *srv_ip, uint16_t srv_port)
{
	struct jsonw *o = &w->jw;
	const struct tm *t = rep_gmtime(w, ts_us);
	char ip[REP_IP_MAX];

	jsonw_cstr(o, rep_month[t->tm_mon % 12]);
	jsonw_ch(o, ' ');
	if (t->tm_mday < 10)
		jsonw_ch(o, ' ');
	jsonw_u64(o, (uint64_t)t->tm_mday);
	jsonw_ch(o, ' ');
	jsonw_u64_pad(o, (uint64_t)t->tm_hour, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_min, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_sec, 2);
	jsonw_cstr(o, " authscope L7_LOG_USER: \"");
	rep_ip(ip, family, srv_ip);
	if (family == AF_INET6) {
		jsonw_ch(o, '[');
		jsonw_cstr(o, ip);
		jsonw_ch(o, ']');
	} else {
		jsonw_cstr(o, ip);
	}
	jsonw_ch(o, ':');
	jsonw_u64(o, srv_port);
	jsonw_ch(o, '"');
}

static void kemp_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;

	if (rep_empty(r->user))
		return;
	const char *u = rep_ident(w, r->user, r->domain, r->mech,
				  REP_IDENT_UNIX);
	if (!u)
		return;
	jsonw_reset(o);
	kemp_prefix(w, tx->req_ts_us, tx->family, tx->srv_ip, tx->srv_port);
	jsonw_cstr(o, " (\"-\") User ");
	kemp_quoted(o, u, strlen(u));
	bool denied = tx->status < 0 || tx->status >= 400;
	jsonw_cstr(o, denied ? " attempted " : " requested ");
	kemp_quoted(o, tx->method, strlen(tx->method));
	jsonw_cstr(o, " \"");
	rep_abs_url(o, tx, kemp_esc);
	jsonw_cstr(o, "\" ");
	kemp_quoted(o, tx->user_agent.s, tx->user_agent.s ? tx->user_agent.len : 0);
	rep_flush(w);
}

static void kemp_auth(struct report_writer *w, const struct as_auth *a)
{
	struct jsonw *o = &w->jw;
	char ip[REP_IP_MAX];

	const char *u = rep_ident(w, a->user, a->domain, a->mech, REP_IDENT_UNIX);
	if (!u)
		return;
	jsonw_reset(o);
	kemp_prefix(w, a->timestamp_us, a->family, a->srv_ip, a->srv_port);
	jsonw_cstr(o, ": User ");
	kemp_quoted(o, u, strlen(u));
	bool ok = a->result && strcmp(a->result, "success") == 0;
	jsonw_cstr(o, ok ? " logged on from " : " denied access from ");
	rep_ip(ip, a->family, a->cli_ip);
	kemp_quoted(o, ip, strlen(ip));
	rep_flush(w);
}

const struct writer_ops writer_kemp = {
	.name = "kemp",
	.http = kemp_http,
	.auth = kemp_auth,
};
