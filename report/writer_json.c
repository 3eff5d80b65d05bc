/*
 * writer_json.c - the contract's records (DESIGN.md), Suricata-EVE-like:
 * one compact object per line, nested "http" and "auth" objects.
 * The key list is in report.h.
 */
#include <string.h>
#include <sys/socket.h>

#include "writer_common.h"

static const struct {
	unsigned bit;
	const char *name;
} http_anoms[] = {
	{ HTTP_ANOM_GAP, "gap" },
	{ HTTP_ANOM_URL_CUT, "url_cut" },
	{ HTTP_ANOM_FIELD_CUT, "field_cut" },
	{ HTTP_ANOM_AUTH_CUT, "auth_cut" },
	{ HTTP_ANOM_PARSE_ERROR, "parse_error" },
	{ HTTP_ANOM_HEADER_LIMIT, "header_limit" },
	{ HTTP_ANOM_NO_REQUEST, "no_request" },
	{ HTTP_ANOM_PIPELINE_CAP, "pipeline_cap" },
};

static void json_endpoints(struct jsonw *o, int family,
			   const uint8_t *cli, uint16_t cport,
			   const uint8_t *srv, uint16_t sport)
{
	char ip[REP_IP_MAX];

	rep_ip(ip, family, cli);
	jsonw_kv_str(o, "src_ip", ip);
	jsonw_kv_u64(o, "src_port", cport);
	rep_ip(ip, family, srv);
	jsonw_kv_str(o, "dest_ip", ip);
	jsonw_kv_u64(o, "dest_port", sport);
}

static void json_hstr(struct jsonw *o, const char *key, const struct http_str *s)
{
	jsonw_kv_strn(o, key, s->s, s->s ? s->len : 0);
}

/* "anomaly": the http bits' names and the handshake layer's names */
static void json_anomaly(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *s = &w->scratch;
	unsigned bits = r->tx->anomalies;

	jsonw_reset(s);
	for (size_t i = 0; i < sizeof(http_anoms) / sizeof(http_anoms[0]); i++) {
		if (!(bits & http_anoms[i].bit))
			continue;
		if (s->len)
			jsonw_ch(s, ',');
		jsonw_cstr(s, http_anoms[i].name);
	}
	if (!rep_empty(r->anomaly)) {
		if (s->len)
			jsonw_ch(s, ',');
		jsonw_cstr(s, r->anomaly);
	}
	if (s->len && !s->failed)
		jsonw_kv_strn(&w->jw, "anomaly", s->buf, s->len);
	if (bits & HTTP_ANOM_GAP)
		jsonw_kv_bool(&w->jw, "gap", true);
}

/* inline: the key stays a constant (no strlen per record) */
static inline void json_opt_int(struct jsonw *o, const char *key, int v, int none)
{
	if (v == none)
		jsonw_kv_null(o, key);
	else
		jsonw_kv_i64(o, key, v);
}

static void json_http_obj(struct jsonw *o, const struct http_tx *tx)
{
	jsonw_obj_open(o, "http");
	json_hstr(o, "hostname", &tx->host);
	json_hstr(o, "url", &tx->url);
	jsonw_kv_str(o, "method", tx->method);
	jsonw_kv_str(o, "protocol", tx->protocol[0] ? tx->protocol : NULL);
	if (tx->status < 0)
		jsonw_kv_null(o, "status");
	else
		jsonw_kv_i64(o, "status", tx->status);
	json_hstr(o, "user_agent", &tx->user_agent);
	json_hstr(o, "referer", &tx->referer);
	json_hstr(o, "x_forwarded_for", &tx->x_forwarded_for);
	jsonw_kv_u64(o, "length", tx->resp_body_bytes);
	jsonw_kv_u64(o, "request_bytes", tx->req_bytes);
	jsonw_kv_u64(o, "response_bytes", tx->resp_bytes);
	int64_t ms = rep_time_taken_ms(tx);
	if (ms < 0)
		jsonw_kv_null(o, "time_taken_ms");
	else
		jsonw_kv_i64(o, "time_taken_ms", ms);
	jsonw_obj_close(o);
}

static void json_auth_obj(struct jsonw *o, const struct as_http *r)
{
	jsonw_obj_open(o, "auth");
	jsonw_kv_str(o, "scheme", r->scheme);
	jsonw_kv_str(o, "mech", r->mech);
	jsonw_kv_bool(o, "proxy", r->proxy);
	jsonw_kv_str(o, "user", rep_empty(r->user) ? NULL : r->user);
	jsonw_kv_str(o, "result", r->result);
	jsonw_kv_str(o, "domain", rep_empty(r->domain) ? NULL : r->domain);
	jsonw_kv_str(o, "workstation",
		     rep_empty(r->workstation) ? NULL : r->workstation);
	jsonw_kv_str(o, "password_type", r->password_type);
	jsonw_kv_bool(o, "inherited", r->inherited);
	jsonw_kv_bool(o, "credentials", r->credentials);
	json_opt_int(o, "ntlm_type", r->ntlm_type, 0);
	json_opt_int(o, "challenge", r->challenge_type, 0);
	if (r->handshake_id)
		jsonw_kv_u64(o, "handshake_id", r->handshake_id);
	else
		jsonw_kv_null(o, "handshake_id");
	jsonw_kv_str(o, "krb_sname", r->krb_sname);
	jsonw_kv_str(o, "krb_realm", r->krb_realm);
	json_opt_int(o, "krb_etype", r->krb_etype, -1);
	jsonw_obj_close(o);
}

static void json_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;

	jsonw_reset(o);
	jsonw_obj_open(o, NULL);
	jsonw_key(o, "timestamp");
	jsonw_ch(o, '"');
	rep_iso_time(w, tx->req_ts_us, "Z\"");
	jsonw_kv_u64(o, "flow_id", tx->flow_id);
	jsonw_kv_str(o, "event_type", "http");
	jsonw_kv_u64(o, "tx_id", tx->tx_id);
	json_endpoints(o, tx->family, tx->cli_ip, tx->cli_port,
		       tx->srv_ip, tx->srv_port);
	json_http_obj(o, tx);
	json_auth_obj(o, r);
	json_anomaly(w, r);
	jsonw_obj_close(o);
	rep_flush(w);
}

static void json_auth(struct report_writer *w, const struct as_auth *a)
{
	struct jsonw *o = &w->jw;
	char ip[REP_IP_MAX];

	jsonw_reset(o);
	jsonw_obj_open(o, NULL);
	jsonw_key(o, "timestamp");
	jsonw_ch(o, '"');
	rep_iso_time(w, a->timestamp_us, "Z\"");
	jsonw_kv_u64(o, "flow_id", a->flow_id);
	jsonw_kv_str(o, "event_type", "auth");
	json_endpoints(o, a->family, a->cli_ip, a->cli_port,
		       a->srv_ip, a->srv_port);

	jsonw_obj_open(o, "auth");
	/* Samba's Authentication event names (seed 003) */
	jsonw_kv_str(o, "status", rep_auth_status(a));
	jsonw_kv_str(o, "serviceDescription", "HTTP");
	jsonw_kv_str(o, "authDescription", a->auth_description);
	jsonw_kv_str(o, "clientDomain", a->domain);
	jsonw_kv_str(o, "clientAccount", a->user);
	jsonw_kv_str(o, "workstation", a->workstation);
	jsonw_kv_str(o, "passwordType", a->password_type);
	rep_ip(ip, a->family, a->cli_ip);
	jsonw_key(o, "remoteAddress");
	jsonw_ch(o, '"');
	jsonw_cstr(o, a->family == AF_INET6 ? "ipv6:" : "ipv4:");
	jsonw_cstr(o, ip);
	jsonw_ch(o, ':');
	jsonw_u64(o, a->cli_port);
	jsonw_ch(o, '"');
	rep_ip(ip, a->family, a->srv_ip);
	jsonw_key(o, "localAddress");
	jsonw_ch(o, '"');
	jsonw_cstr(o, a->family == AF_INET6 ? "ipv6:" : "ipv4:");
	jsonw_cstr(o, ip);
	jsonw_ch(o, ':');
	jsonw_u64(o, a->srv_port);
	jsonw_ch(o, '"');
	/* ours, in the http record's names */
	jsonw_kv_str(o, "result", a->result);
	jsonw_kv_str(o, "scheme", a->scheme);
	jsonw_kv_str(o, "mech", a->mech);
	jsonw_kv_bool(o, "proxy", a->proxy);
	jsonw_kv_str(o, "user", rep_empty(a->user) ? NULL : a->user);
	jsonw_kv_str(o, "domain", rep_empty(a->domain) ? NULL : a->domain);
	jsonw_kv_str(o, "password_type", a->password_type);
	jsonw_kv_u64(o, "handshake_id", a->handshake_id);
	jsonw_kv_i64(o, "legs", a->legs);
	json_opt_int(o, "final_status", a->final_status, -1);
	jsonw_kv_str(o, "server_nb_domain", a->server_nb_domain);
	jsonw_kv_str(o, "server_nb_computer", a->server_nb_computer);
	jsonw_kv_str(o, "server_dns_domain", a->server_dns_domain);
	jsonw_kv_str(o, "server_dns_computer", a->server_dns_computer);
	jsonw_kv_str(o, "krb_sname", a->krb_sname);
	jsonw_kv_str(o, "krb_realm", a->krb_realm);
	json_opt_int(o, "krb_etype", a->krb_etype, -1);
	jsonw_kv_str(o, "method", a->method);
	jsonw_kv_str(o, "url", a->url);
	jsonw_kv_str(o, "hostname", a->hostname);
	jsonw_obj_close(o);
	if (!rep_empty(a->anomaly))
		jsonw_kv_str(o, "anomaly", a->anomaly);
	jsonw_obj_close(o);
	rep_flush(w);
}

const struct writer_ops writer_json = {
	.name = "json",
	.http = json_http,
	.auth = json_auth,
	.takes_raw_json = true,
};
