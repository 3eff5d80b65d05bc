/*
 * pipeline.c - wire capture/ -> http/ -> ntlm/ together (see pipeline.h).
 *
 * The per-flow glue is one small struct holding the http/ and ntlm/
 * halves of a connection; every callback is a direct hand-over.
 */
#include <stdlib.h>
#include <string.h>
#include <signal.h>

#include "pipeline.h"
#include "../http/http.h"
#include "../ntlm/handshake.h"
#include "../ntlm/krbtkt.h"

/* what http/ and ntlm/ hold per open connection before any message
   (struct http_conn with its two parsers, hs_conn, pl_conn), charged to
   --memcap through cap_config.flow_user_bytes: tests/hostile measured
   ~2.6 KiB of RSS per idle connection, ~3.6 KiB with a partial request */
#define PL_FLOW_USER_BYTES 4096

struct pl_conn {
	struct http_conn *http;
	struct hs_conn *hs;
};

struct pipeline {
	struct pipeline_opts opts;
	struct pipeline_sink sink;
	struct capture *cap;
	struct http_ctx *http;
	struct hs_ctx *hs;
	struct krbtkt *kt;
	uint64_t alloc_failures;
};

static void *pl_flow_open(void *user, const struct flow_info *fi)
{
	struct pipeline *p = user;
	struct pl_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		p->alloc_failures++;
		return NULL;
	}
	c->hs = hs_conn_new(p->hs, fi->flow_id);
	c->http = http_conn_new(p->http, fi, c);
	if (!c->hs || !c->http) {
		p->alloc_failures++;
		if (c->http)
			http_conn_close(c->http, fi->first_ts_us);
		hs_conn_close(c->hs);
		free(c);
		return NULL;
	}
	return c;
}

static void pl_flow_data(void *user, void *flow_user, enum cap_dir dir,
			 const uint8_t *data, size_t len, uint64_t ts_us)
{
	struct pl_conn *c = flow_user;
	(void)user;
	if (c)
		http_conn_data(c->http, dir, data, len, ts_us);
}

static void pl_flow_gap(void *user, void *flow_user, enum cap_dir dir,
			uint64_t gap_bytes, uint64_t ts_us)
{
	struct pl_conn *c = flow_user;
	(void)user;
	if (c)
		http_conn_gap(c->http, dir, gap_bytes, ts_us);
}

static void pl_flow_close(void *user, void *flow_user,
			  enum cap_close_reason why, uint64_t ts_us)
{
	struct pl_conn *c = flow_user;
	(void)user;
	(void)why;
	if (!c)
		return;
	/* http/ flushes its unanswered requests into hs/ first */
	http_conn_close(c->http, ts_us);
	hs_conn_close(c->hs);
	free(c);
}

static void pl_tx_done(void *user, void *conn_user, const struct http_tx *tx)
{
	struct pl_conn *c = conn_user;
	(void)user;
	hs_conn_tx(c->hs, tx);
}

static void pl_on_http(void *user, const struct as_http *r)
{
	struct pipeline *p = user;
	if (p->sink.on_http)
		p->sink.on_http(p->sink.user, r);
}

static void pl_on_auth(void *user, const struct as_auth *a)
{
	struct pipeline *p = user;
	if (p->sink.on_auth)
		p->sink.on_auth(p->sink.user, a);
}

struct pipeline *pipeline_new(const struct pipeline_opts *o,
			      const struct pipeline_sink *sink,
			      char *err, size_t errlen)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct cap_callbacks cb = {
		.flow_open = pl_flow_open, .flow_data = pl_flow_data,
		.flow_gap = pl_flow_gap, .flow_close = pl_flow_close,
	};
	struct http_callbacks hcb = { .tx_done = pl_tx_done };
	struct hs_sink hsink = { .on_http = pl_on_http, .on_auth = pl_on_auth };

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->opts = *o;
	p->sink = *sink;
	cb.user = hcb.user = hsink.user = p;
	if (o->nkeytabs > 0) {
		p->kt = krbtkt_open(o->keytabs, o->nkeytabs, err, errlen);
		if (!p->kt)
			goto fail;
	}
	p->http = http_ctx_new(&hcb);
	p->hs = hs_ctx_new(&hsink, p->kt);
	if (!p->http || !p->hs) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	struct cap_config capcfg = o->cap;
	if (!capcfg.flow_user_bytes)
		capcfg.flow_user_bytes = PL_FLOW_USER_BYTES;
	if (o->iface)
		p->cap = cap_open_live(o->iface, &capcfg, &cb, err, errlen);
	else
		p->cap = cap_open_files(o->files, o->nfiles, &capcfg, &cb, err, errlen);
	if (!p->cap)
		goto fail;
	return p;
fail:
	pipeline_free(p);
	return NULL;
}

int pipeline_run(struct pipeline *p, char *err, size_t errlen)
{
	int rc = cap_run(p->cap, err, errlen);
	cap_flush(p->cap);
	return rc;
}

void pipeline_break(struct pipeline *p)
{
	if (p && p->cap)
		cap_break(p->cap);
}

void pipeline_print_stats(const struct pipeline *p, FILE *f)
{
	const struct cap_stats *cs = cap_get_stats(p->cap);
	const struct http_stats *hs = http_get_stats(p->http);
	const struct hs_stats *as = hs_get_stats(p->hs);

	fprintf(f, "authscope: %llu packets (%llu bytes), %llu TCP connections\n",
		(unsigned long long)cs->packets, (unsigned long long)cs->bytes,
		(unsigned long long)cs->flows);
	fprintf(f, "  skipped: %llu not IP, %llu not TCP, %llu truncated, %llu bad link type\n",
		(unsigned long long)cs->not_ip, (unsigned long long)cs->not_tcp,
		(unsigned long long)cs->truncated, (unsigned long long)cs->bad_link);
	fprintf(f, "  ip: %llu tunnelled, %llu fragments, %llu reassembled, %llu fragments dropped\n",
		(unsigned long long)cs->tunnels, (unsigned long long)cs->ip_fragments,
		(unsigned long long)cs->ip_reassembled, (unsigned long long)cs->ip_frag_dropped);
	fprintf(f, "  tcp: %llu gaps (%llu bytes), %llu retransmitted, %llu conflicting overlaps, "
		   "%llu out-of-order dropped, %llu flows timed out, %llu evicted\n",
		(unsigned long long)cs->tcp_gaps, (unsigned long long)cs->tcp_gap_bytes,
		(unsigned long long)cs->tcp_retransmit, (unsigned long long)cs->tcp_overlap_conflict,
		(unsigned long long)cs->tcp_ooo_dropped, (unsigned long long)cs->flows_timed_out,
		(unsigned long long)cs->flows_evicted);
	if (cs->kernel_drops || cs->iface_drops || p->opts.iface)
		fprintf(f, "  live: %llu dropped by the kernel, %llu by the interface\n",
			(unsigned long long)cs->kernel_drops, (unsigned long long)cs->iface_drops);
	fprintf(f, "  http: %llu connections, %llu requests, %llu responses, %llu unanswered, "
		   "%llu orphan responses, %llu parse errors, %llu resyncs, %llu tunnels, %llu not HTTP\n",
		(unsigned long long)hs->conns_http, (unsigned long long)hs->requests,
		(unsigned long long)hs->responses, (unsigned long long)hs->unanswered,
		(unsigned long long)hs->orphan_responses, (unsigned long long)hs->parse_errors,
		(unsigned long long)hs->resyncs, (unsigned long long)hs->tunnels,
		(unsigned long long)hs->conns_not_http);
	fprintf(f, "  auth: %llu handshakes, %llu success, %llu failure, %llu incomplete, "
		   "%llu inherited requests, %llu bad tokens, %llu Type 3 without its challenge\n",
		(unsigned long long)as->handshakes, (unsigned long long)as->success,
		(unsigned long long)as->failure, (unsigned long long)as->incomplete,
		(unsigned long long)as->inherited, (unsigned long long)as->tokens_bad,
		(unsigned long long)(as->challenge_not_seen + as->challenge_other_conn));
	if (p->alloc_failures)
		fprintf(f, "  %llu connections not followed: out of memory\n",
			(unsigned long long)p->alloc_failures);
}

#define J(obj, key, v) json_object_set_new(obj, key, json_integer((json_int_t)(v)))

json_t *pipeline_stats_json(const struct pipeline *p)
{
	const struct cap_stats *cs = cap_get_stats(p->cap);
	const struct http_stats *hs = http_get_stats(p->http);
	const struct hs_stats *as = hs_get_stats(p->hs);
	json_t *o = json_object(), *c = json_object(), *t = json_object(),
	       *h = json_object(), *a = json_object();

	J(c, "packets", cs->packets); J(c, "bytes", cs->bytes);
	J(c, "not_ip", cs->not_ip); J(c, "not_tcp", cs->not_tcp);
	J(c, "truncated", cs->truncated); J(c, "bad_link", cs->bad_link);
	J(c, "tunnels", cs->tunnels); J(c, "ip_fragments", cs->ip_fragments);
	J(c, "ip_reassembled", cs->ip_reassembled); J(c, "ip_frag_dropped", cs->ip_frag_dropped);
	J(c, "kernel_drops", cs->kernel_drops); J(c, "iface_drops", cs->iface_drops);
	J(t, "flows", cs->flows); J(t, "flows_timed_out", cs->flows_timed_out);
	J(t, "flows_evicted", cs->flows_evicted); J(t, "retransmit", cs->tcp_retransmit);
	J(t, "overlap_conflict", cs->tcp_overlap_conflict); J(t, "ooo_held", cs->tcp_ooo_held);
	J(t, "ooo_dropped", cs->tcp_ooo_dropped); J(t, "gaps", cs->tcp_gaps);
	J(t, "gap_bytes", cs->tcp_gap_bytes);
	J(h, "conns", hs->conns); J(h, "conns_http", hs->conns_http);
	J(h, "conns_not_http", hs->conns_not_http); J(h, "requests", hs->requests);
	J(h, "responses", hs->responses); J(h, "unanswered", hs->unanswered);
	J(h, "orphan_responses", hs->orphan_responses); J(h, "parse_errors", hs->parse_errors);
	J(h, "resyncs", hs->resyncs); J(h, "tunnels", hs->tunnels); J(h, "cut_fields", hs->cut_fields);
	J(a, "handshakes", as->handshakes); J(a, "success", as->success);
	J(a, "failure", as->failure); J(a, "incomplete", as->incomplete);
	J(a, "inherited", as->inherited); J(a, "tokens_bad", as->tokens_bad);
	J(a, "challenge_not_seen", as->challenge_not_seen);
	J(a, "challenge_other_conn", as->challenge_other_conn);
	J(a, "krb_decrypted", as->krb_decrypted); J(a, "krb_undecrypted", as->krb_undecrypted);
	json_object_set_new(o, "event_type", json_string("stats"));
	json_object_set_new(o, "capture", c);
	json_object_set_new(o, "tcp", t);
	json_object_set_new(o, "http", h);
	json_object_set_new(o, "auth", a);
	J(o, "alloc_failures", p->alloc_failures);
	return o;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	if (p->cap)
		cap_close(p->cap);
	if (p->http)
		http_ctx_free(p->http);
	if (p->hs)
		hs_ctx_free(p->hs);
	if (p->kt)
		krbtkt_close(p->kt);
	free(p);
}
