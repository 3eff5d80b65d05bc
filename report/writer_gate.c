/*
 * writer_gate.c - Arbortext PE request-manager audit line (seed 004), one
 * per request, on one line:
 *   09:27:20 [http-80-flow-7] INFO GateLogEntry.auditLog - uri='/e3/servlet/e3'
 *   secured='false' host='srv' addr='10.0.0.2' protocol='HTTP/1.1'
 *   scheme='http' method='GET' query='f=status' sc='unknown' authReq='true'
 *   alreadyAuth='false' triedAuth='true' rcAuth='false' remoteUser='null'
 *   allowed='false' why='du' status='401'
 *   reason='Response set up to request authentication.'
 *
 * How each decision is derived from the wire record:
 *   authReq     the server asked for authentication: the answer was
 *               401/407, or the request carried credentials, or it
 *               inherited an identity (a handshake happened before)
 *   alreadyAuth the identity was inherited from the connection
 *   triedAuth   the request carried credentials
 *   rcAuth      it carried credentials, its handshake succeeded and the
 *               answer was not 401/407
 *   remoteUser  the user when rcAuth or alreadyAuth, else 'null'
 *   allowed     a response below 400
 *   why         ours: 'aru' allowed, no auth required; 'arm' allowed,
 *               authenticated; 'du' denied with 401/407; 'dx' denied
 *               otherwise; 'nr' no response seen
 *   status      the HTTP status, 'null' with no response
 * The time is UTC (the seed shows no date); sc is 'unknown' (the security
 * constraint is server configuration); secured 'false' (we read
 * plaintext).  Wire values have controls, DEL, "'" and bytes of ill-formed
 * UTF-8 as %XX; the seed
 * writes remoteUser=null' in places, we always write well-formed quotes.
 */
#include <string.h>

#include "writer_common.h"

static void gate_kv(struct jsonw *o, const char *key, const char *s, size_t n)
{
	jsonw_ch(o, ' ');
	jsonw_cstr(o, key);
	jsonw_raw(o, "='", 2);
	if (s)
		rep_pct_quoted(o, s, n, '\'');
	else
		jsonw_cstr(o, "null");
	jsonw_ch(o, '\'');
}

static void gate_kb(struct jsonw *o, const char *key, bool v)
{
	gate_kv(o, key, v ? "true" : "false", v ? 4 : 5);
}

static bool is_success(const char *result)
{
	return result && strcmp(result, "success") == 0;
}

static void gate_reason(struct jsonw *o, const struct as_http *r,
			const char *user, bool auth_req, bool allowed)
{
	const struct http_tx *tx = r->tx;
	int st = tx->status;

	jsonw_cstr(o, " reason='");
	if (st == 401 || st == 407) {
		jsonw_cstr(o, "Response set up to request authentication.");
	} else if (st < 0) {
		jsonw_cstr(o, "No response seen.");
	} else if (allowed && user) {
		jsonw_cstr(o, "user '");
		rep_pct_quoted(o, user, strlen(user), '\'');
		jsonw_cstr(o, r->inherited ? "' already authenticated by " :
			   "' authenticated by ");
		rep_pct_quoted(o, r->scheme ? r->scheme : "-",
			       r->scheme ? strlen(r->scheme) : 1, '\'');
	} else if (allowed && !auth_req) {
		jsonw_cstr(o, "No authentication required for this request.");
	} else {
		jsonw_cstr(o, "HTTP ");
		jsonw_u64(o, (uint64_t)st);
		if (tx->reason.s && tx->reason.len) {
			jsonw_ch(o, ' ');
			rep_pct_quoted(o, tx->reason.s, tx->reason.len, '\'');
		}
	}
	jsonw_ch(o, '\'');
}

static void gate_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;
	const struct tm *t = rep_gmtime(w, tx->req_ts_us);
	char ip[REP_IP_MAX];
	int st = tx->status;
	bool challenged = st == 401 || st == 407;
	bool auth_req = challenged || r->credentials || r->inherited;
	bool rc_auth = r->credentials && is_success(r->result) && !challenged;
	bool allowed = st >= 0 && st < 400;
	const char *user = (rc_auth || r->inherited) && !rep_empty(r->user) ?
		rep_ident(w, r->user, r->domain, r->mech, REP_IDENT_WINDOWS) : NULL;
	const char *url = tx->url.s ? tx->url.s : "";
	size_t urllen = tx->url.s ? tx->url.len : 0;
	const char *q = memchr(url, '?', urllen);
	size_t stem = q ? (size_t)(q - url) : urllen;

	jsonw_reset(o);
	jsonw_u64_pad(o, (uint64_t)t->tm_hour, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_min, 2);
	jsonw_ch(o, ':');
	jsonw_u64_pad(o, (uint64_t)t->tm_sec, 2);
	jsonw_cstr(o, " [http-");
	jsonw_u64(o, tx->srv_port);
	jsonw_cstr(o, "-flow-");
	jsonw_u64(o, tx->flow_id);
	jsonw_cstr(o, "] INFO GateLogEntry.auditLog -");
	gate_kv(o, "uri", url, stem);
	gate_kb(o, "secured", false);
	rep_ip(ip, tx->family, tx->srv_ip);
	if (tx->host.s && tx->host.len) {
		size_t hn = tx->host.len;
		const char *colon = memchr(tx->host.s, ':', hn);
		if (colon && tx->host.s[0] != '[')
			hn = (size_t)(colon - tx->host.s);
		gate_kv(o, "host", tx->host.s, hn);
	} else {
		gate_kv(o, "host", ip, strlen(ip));
	}
	gate_kv(o, "addr", ip, strlen(ip));
	gate_kv(o, "protocol", tx->protocol[0] ? tx->protocol : NULL,
		strlen(tx->protocol));
	gate_kv(o, "scheme", "http", 4);
	gate_kv(o, "method", tx->method, strlen(tx->method));
	gate_kv(o, "query", q ? q + 1 : NULL, q ? urllen - stem - 1 : 0);
	gate_kv(o, "sc", "unknown", 7);
	gate_kb(o, "authReq", auth_req);
	gate_kb(o, "alreadyAuth", r->inherited);
	gate_kb(o, "triedAuth", r->credentials);
	gate_kb(o, "rcAuth", rc_auth);
	gate_kv(o, "remoteUser", user, user ? strlen(user) : 0);
	gate_kb(o, "allowed", allowed);
	const char *why = st < 0 ? "nr" : challenged ? "du" : !allowed ? "dx" :
		auth_req ? "arm" : "aru";
	gate_kv(o, "why", why, strlen(why));
	if (st < 0) {
		gate_kv(o, "status", NULL, 0);
	} else {
		jsonw_cstr(o, " status='");
		jsonw_u64(o, (uint64_t)st);
		jsonw_ch(o, '\'');
	}
	gate_reason(o, r, user, auth_req, allowed);
	rep_flush(w);
}

const struct writer_ops writer_gate = {
	.name = "gate",
	.http = gate_http,
};
