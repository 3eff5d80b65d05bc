/*
 * writer_json.c - the contract's records (DESIGN.md), Suricata-EVE-like:
 * one compact object per line, nested "http" and "auth" objects.
 * The key list is in report.h.
 *
 * A record has a fixed shape, so it is written as a template: the room
 * for the whole line is reserved once (the strings' worst case plus
 * JSON_REC_FIXED), then every run of keys and punctuation between two
 * values is one literal copied at a constant length.
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

/*
 * Room for everything in a record but its strings: the literals (under
 * 900 bytes in either record), at most 21 bytes per number, the time
 * (REP_ISO_LEN) and REP_IP_MAX per address; 2048 leaves a margin for
 * keys added later.
 */
#define JSON_REC_FIXED 2048

struct sv {
	const char *s;       /* NULL: null */
	size_t n;
};

/* a record's strings (every one set before use), and their lengths
   summed on the way for the room */
#define STRS_MAX 22
struct strs {
	struct sv v[STRS_MAX];
	uint64_t sum, any;
};

static inline void str_set(struct strs *t, int i, const char *s, size_t n)
{
	t->v[i] = (struct sv){ s, n };
	t->sum += n;
	t->any |= n;
}

static inline void str_c(struct strs *t, int i, const char *s)
{
	str_set(t, i, s, s ? strlen(s) : 0);
}

/* NULL for "" too (the snake_case user / domain / workstation) */
static inline void str_nonempty(struct strs *t, int i, const char *s)
{
	str_c(t, i, rep_empty(s) ? NULL : s);
}

static inline void str_h(struct strs *t, int i, const struct http_str *h)
{
	str_set(t, i, h->s, h->s ? h->len : 0);
}

/* JSON_REC_FIXED and jsonw_str_room() of each of count strings; one
   string of 2^28 bytes or more asks for everything (the line fails,
   never wraps) */
static size_t strs_room(const struct strs *t, unsigned count)
{
	if (t->any >> 28)
		return SIZE_MAX;
	uint64_t room = JSON_REC_FIXED + 6 * t->sum + 4 * (uint64_t)count;
	return room > SIZE_MAX ? SIZE_MAX : (size_t)room;
}

static inline char *put_sv(char *p, struct sv v)
{
	return jsonw_put_strn(p, v.s, v.n);
}

static inline char *put_bool(char *p, bool v)
{
	return v ? JSONW_LIT(p, "true") : JSONW_LIT(p, "false");
}

/* v, or null when it is none */
static inline char *put_opt_int(char *p, int v, int none)
{
	return v == none ? JSONW_LIT(p, "null") : jsonw_put_i64(p, v);
}

/* "src_ip":...,"dest_port":N -- the same in both records; the caller
   wrote the ',' and the key's opening quote is ours */
static char *put_endpoints(struct report_writer *w, char *p, int family,
			   const uint8_t *cli, uint16_t cport,
			   const uint8_t *srv, uint16_t sport)
{
	p = JSONW_LIT(p, "\"src_ip\":\"");
	p = rep_put_ip(w, p, family, cli);
	p = JSONW_LIT(p, "\",\"src_port\":");
	p = jsonw_put_u64(p, cport);
	p = JSONW_LIT(p, ",\"dest_ip\":\"");
	p = rep_put_ip(w, p, family, srv);
	p = JSONW_LIT(p, "\",\"dest_port\":");
	return jsonw_put_u64(p, sport);
}

/* "anomaly": the http bits' names and the handshake layer's names */
static void json_anomaly(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *s = &w->scratch;
	unsigned bits = r->tx->anomalies;

	if (!bits && rep_empty(r->anomaly))
		return;
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


enum {
	H_HOST, H_URL, H_METHOD, H_PROTOCOL, H_UA, H_REFERER, H_XFF,
	H_SCHEME, H_MECH, H_USER, H_RESULT, H_DOMAIN, H_WORKSTATION,
	H_PWTYPE, H_SNAME, H_REALM, H_NSTR
};

static char *put_http(struct report_writer *w, char *p, const struct as_http *r,
		      const struct sv *v)
{
	const struct http_tx *tx = r->tx;

	p = JSONW_LIT(p, "{\"timestamp\":\"");
	p = rep_put_iso(w, p, tx->req_ts_us);
	p = JSONW_LIT(p, "Z\",\"flow_id\":");
	p = jsonw_put_u64(p, tx->flow_id);
	p = JSONW_LIT(p, ",\"event_type\":\"http\",\"tx_id\":");
	p = jsonw_put_u64(p, tx->tx_id);
	*p++ = ',';
	p = put_endpoints(w, p, tx->family, tx->cli_ip, tx->cli_port,
			  tx->srv_ip, tx->srv_port);

	p = JSONW_LIT(p, ",\"http\":{\"hostname\":");
	p = put_sv(p, v[H_HOST]);
	p = JSONW_LIT(p, ",\"url\":");
	p = put_sv(p, v[H_URL]);
	p = JSONW_LIT(p, ",\"method\":");
	p = put_sv(p, v[H_METHOD]);
	p = JSONW_LIT(p, ",\"protocol\":");
	p = put_sv(p, v[H_PROTOCOL]);
	p = JSONW_LIT(p, ",\"status\":");
	p = tx->status < 0 ? JSONW_LIT(p, "null") : jsonw_put_i64(p, tx->status);
	p = JSONW_LIT(p, ",\"user_agent\":");
	p = put_sv(p, v[H_UA]);
	p = JSONW_LIT(p, ",\"referer\":");
	p = put_sv(p, v[H_REFERER]);
	p = JSONW_LIT(p, ",\"x_forwarded_for\":");
	p = put_sv(p, v[H_XFF]);
	p = JSONW_LIT(p, ",\"length\":");
	p = jsonw_put_u64(p, tx->resp_body_bytes);
	p = JSONW_LIT(p, ",\"request_bytes\":");
	p = jsonw_put_u64(p, tx->req_bytes);
	p = JSONW_LIT(p, ",\"response_bytes\":");
	p = jsonw_put_u64(p, tx->resp_bytes);
	p = JSONW_LIT(p, ",\"time_taken_ms\":");
	int64_t ms = rep_time_taken_ms(tx);
	p = ms < 0 ? JSONW_LIT(p, "null") : jsonw_put_i64(p, ms);

	p = JSONW_LIT(p, "},\"auth\":{\"scheme\":");
	p = put_sv(p, v[H_SCHEME]);
	p = JSONW_LIT(p, ",\"mech\":");
	p = put_sv(p, v[H_MECH]);
	p = JSONW_LIT(p, ",\"proxy\":");
	p = put_bool(p, r->proxy);
	p = JSONW_LIT(p, ",\"user\":");
	p = put_sv(p, v[H_USER]);
	p = JSONW_LIT(p, ",\"result\":");
	p = put_sv(p, v[H_RESULT]);
	p = JSONW_LIT(p, ",\"domain\":");
	p = put_sv(p, v[H_DOMAIN]);
	p = JSONW_LIT(p, ",\"workstation\":");
	p = put_sv(p, v[H_WORKSTATION]);
	p = JSONW_LIT(p, ",\"password_type\":");
	p = put_sv(p, v[H_PWTYPE]);
	p = JSONW_LIT(p, ",\"inherited\":");
	p = put_bool(p, r->inherited);
	p = JSONW_LIT(p, ",\"credentials\":");
	p = put_bool(p, r->credentials);
	p = JSONW_LIT(p, ",\"ntlm_type\":");
	p = put_opt_int(p, r->ntlm_type, 0);
	p = JSONW_LIT(p, ",\"challenge\":");
	p = put_opt_int(p, r->challenge_type, 0);
	p = JSONW_LIT(p, ",\"handshake_id\":");
	p = r->handshake_id ? jsonw_put_u64(p, r->handshake_id) : JSONW_LIT(p, "null");
	p = JSONW_LIT(p, ",\"krb_sname\":");
	p = put_sv(p, v[H_SNAME]);
	p = JSONW_LIT(p, ",\"krb_realm\":");
	p = put_sv(p, v[H_REALM]);
	p = JSONW_LIT(p, ",\"krb_etype\":");
	p = put_opt_int(p, r->krb_etype, -1);
	*p++ = '}';
	return p;
}

static void json_http(struct report_writer *w, const struct as_http *r)
{
	struct jsonw *o = &w->jw;
	const struct http_tx *tx = r->tx;
	struct strs t;

	t.sum = t.any = 0;

	str_h(&t, H_HOST, &tx->host);
	str_h(&t, H_URL, &tx->url);
	str_c(&t, H_METHOD, tx->method);
	str_c(&t, H_PROTOCOL, tx->protocol[0] ? tx->protocol : NULL);
	str_h(&t, H_UA, &tx->user_agent);
	str_h(&t, H_REFERER, &tx->referer);
	str_h(&t, H_XFF, &tx->x_forwarded_for);
	str_c(&t, H_SCHEME, r->scheme);
	str_c(&t, H_MECH, r->mech);
	str_nonempty(&t, H_USER, r->user);
	str_c(&t, H_RESULT, r->result);
	str_nonempty(&t, H_DOMAIN, r->domain);
	str_nonempty(&t, H_WORKSTATION, r->workstation);
	str_c(&t, H_PWTYPE, r->password_type);
	str_c(&t, H_SNAME, r->krb_sname);
	str_c(&t, H_REALM, r->krb_realm);

	jsonw_reset(o);
	char *p = jsonw_begin(o, strs_room(&t, H_NSTR));
	if (p) {
		jsonw_end(o, put_http(w, p, r, t.v));
		o->need_comma = true;
	}
	json_anomaly(w, r);
	jsonw_obj_close(o);
	rep_flush(w);
}

enum {
	A_STATUS, A_AUTHDESC, A_CDOMAIN, A_CACCOUNT, A_CWORKSTATION, A_CPWTYPE,
	A_RESULT, A_SCHEME, A_MECH, A_USER, A_DOMAIN, A_PWTYPE,
	A_NB_DOMAIN, A_NB_COMPUTER, A_DNS_DOMAIN, A_DNS_COMPUTER,
	A_SNAME, A_REALM, A_METHOD, A_URL, A_HOST, A_ANOMALY, A_NSTR
};
_Static_assert(H_NSTR <= STRS_MAX && A_NSTR <= STRS_MAX, "struct strs too small");

/* "ipv4:1.2.3.4:80" */
static char *put_samba_addr(struct report_writer *w, char *p, int family,
			    const uint8_t *ip, uint16_t port)
{
	*p++ = '"';
	p = family == AF_INET6 ? JSONW_LIT(p, "ipv6:") : JSONW_LIT(p, "ipv4:");
	p = rep_put_ip(w, p, family, ip);
	*p++ = ':';
	p = jsonw_put_u64(p, port);
	*p++ = '"';
	return p;
}

static char *put_auth(struct report_writer *w, char *p, const struct as_auth *a,
		      const struct sv *v)
{
	p = JSONW_LIT(p, "{\"timestamp\":\"");
	p = rep_put_iso(w, p, a->timestamp_us);
	p = JSONW_LIT(p, "Z\",\"flow_id\":");
	p = jsonw_put_u64(p, a->flow_id);
	p = JSONW_LIT(p, ",\"event_type\":\"auth\",");
	p = put_endpoints(w, p, a->family, a->cli_ip, a->cli_port,
			  a->srv_ip, a->srv_port);

	/* Samba's Authentication event names (seed 003) */
	p = JSONW_LIT(p, ",\"auth\":{\"status\":");
	p = put_sv(p, v[A_STATUS]);
	p = JSONW_LIT(p, ",\"serviceDescription\":\"HTTP\",\"authDescription\":");
	p = put_sv(p, v[A_AUTHDESC]);
	p = JSONW_LIT(p, ",\"clientDomain\":");
	p = put_sv(p, v[A_CDOMAIN]);
	p = JSONW_LIT(p, ",\"clientAccount\":");
	p = put_sv(p, v[A_CACCOUNT]);
	p = JSONW_LIT(p, ",\"workstation\":");
	p = put_sv(p, v[A_CWORKSTATION]);
	p = JSONW_LIT(p, ",\"passwordType\":");
	p = put_sv(p, v[A_CPWTYPE]);
	p = JSONW_LIT(p, ",\"remoteAddress\":");
	p = put_samba_addr(w, p, a->family, a->cli_ip, a->cli_port);
	p = JSONW_LIT(p, ",\"localAddress\":");
	p = put_samba_addr(w, p, a->family, a->srv_ip, a->srv_port);
	/* ours, in the http record's names */
	p = JSONW_LIT(p, ",\"result\":");
	p = put_sv(p, v[A_RESULT]);
	p = JSONW_LIT(p, ",\"scheme\":");
	p = put_sv(p, v[A_SCHEME]);
	p = JSONW_LIT(p, ",\"mech\":");
	p = put_sv(p, v[A_MECH]);
	p = JSONW_LIT(p, ",\"proxy\":");
	p = put_bool(p, a->proxy);
	p = JSONW_LIT(p, ",\"user\":");
	p = put_sv(p, v[A_USER]);
	p = JSONW_LIT(p, ",\"domain\":");
	p = put_sv(p, v[A_DOMAIN]);
	p = JSONW_LIT(p, ",\"password_type\":");
	p = put_sv(p, v[A_PWTYPE]);
	p = JSONW_LIT(p, ",\"handshake_id\":");
	p = jsonw_put_u64(p, a->handshake_id);
	p = JSONW_LIT(p, ",\"legs\":");
	p = jsonw_put_i64(p, a->legs);
	p = JSONW_LIT(p, ",\"final_status\":");
	p = put_opt_int(p, a->final_status, -1);
	p = JSONW_LIT(p, ",\"server_nb_domain\":");
	p = put_sv(p, v[A_NB_DOMAIN]);
	p = JSONW_LIT(p, ",\"server_nb_computer\":");
	p = put_sv(p, v[A_NB_COMPUTER]);
	p = JSONW_LIT(p, ",\"server_dns_domain\":");
	p = put_sv(p, v[A_DNS_DOMAIN]);
	p = JSONW_LIT(p, ",\"server_dns_computer\":");
	p = put_sv(p, v[A_DNS_COMPUTER]);
	p = JSONW_LIT(p, ",\"krb_sname\":");
	p = put_sv(p, v[A_SNAME]);
	p = JSONW_LIT(p, ",\"krb_realm\":");
	p = put_sv(p, v[A_REALM]);
	p = JSONW_LIT(p, ",\"krb_etype\":");
	p = put_opt_int(p, a->krb_etype, -1);
	p = JSONW_LIT(p, ",\"method\":");
	p = put_sv(p, v[A_METHOD]);
	p = JSONW_LIT(p, ",\"url\":");
	p = put_sv(p, v[A_URL]);
	p = JSONW_LIT(p, ",\"hostname\":");
	p = put_sv(p, v[A_HOST]);
	*p++ = '}';
	if (v[A_ANOMALY].s) {
		p = JSONW_LIT(p, ",\"anomaly\":");
		p = put_sv(p, v[A_ANOMALY]);
	}
	*p++ = '}';
	return p;
}

static void json_auth(struct report_writer *w, const struct as_auth *a)
{
	struct jsonw *o = &w->jw;
	struct strs t;

	t.sum = t.any = 0;

	str_c(&t, A_STATUS, rep_auth_status(a));
	str_c(&t, A_AUTHDESC, a->auth_description);
	str_c(&t, A_CDOMAIN, a->domain);
	str_c(&t, A_CACCOUNT, a->user);
	str_c(&t, A_CWORKSTATION, a->workstation);
	str_c(&t, A_CPWTYPE, a->password_type);
	str_c(&t, A_RESULT, a->result);
	str_c(&t, A_SCHEME, a->scheme);
	str_c(&t, A_MECH, a->mech);
	str_nonempty(&t, A_USER, a->user);
	str_nonempty(&t, A_DOMAIN, a->domain);
	str_c(&t, A_PWTYPE, a->password_type);
	str_c(&t, A_NB_DOMAIN, a->server_nb_domain);
	str_c(&t, A_NB_COMPUTER, a->server_nb_computer);
	str_c(&t, A_DNS_DOMAIN, a->server_dns_domain);
	str_c(&t, A_DNS_COMPUTER, a->server_dns_computer);
	str_c(&t, A_SNAME, a->krb_sname);
	str_c(&t, A_REALM, a->krb_realm);
	str_c(&t, A_METHOD, a->method);
	str_c(&t, A_URL, a->url);
	str_c(&t, A_HOST, a->hostname);
	str_nonempty(&t, A_ANOMALY, a->anomaly);

	jsonw_reset(o);
	char *p = jsonw_begin(o, strs_room(&t, A_NSTR));
	if (p)
		jsonw_end(o, put_auth(w, p, a, t.v));
	rep_flush(w);
}

const struct writer_ops writer_json = {
	.name = "json",
	.http = json_http,
	.auth = json_auth,
	.takes_raw_json = true,
};
