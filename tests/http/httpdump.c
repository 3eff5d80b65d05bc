/*
 * httpdump - capture/ + http/ only: one line per HTTP transaction.
 *
 *   httpdump FILE...      (pcap/pcapng, merged in time order)
 *
 * Output, tab-separated, one line per tx_done in the order they come:
 *   tx  flow_id tx_id cli_ip cli_port srv_ip srv_port method url status anomalies(hex)
 *       n_www n_proxy_authn has_authz has_proxy_authz req_body resp_body
 * then one "stats" line with the http_stats counters (key=value).
 * Used by t_http_tshark.sh to hold our pairing against tshark's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "capture/capture.h"
#include "http/http.h"

struct dump {
	struct http_ctx *h;
};

static void *on_open(void *user, const struct flow_info *fi)
{
	struct dump *d = user;
	return http_conn_new(d->h, fi, NULL);
}

static void on_data(void *user, void *fu, enum cap_dir dir, const uint8_t *data,
		    size_t len, uint64_t ts)
{
	(void)user;
	http_conn_data(fu, dir, data, len, ts);
}

static void on_gap(void *user, void *fu, enum cap_dir dir, uint64_t n, uint64_t ts)
{
	(void)user;
	http_conn_gap(fu, dir, n, ts);
}

static void on_close(void *user, void *fu, enum cap_close_reason why, uint64_t ts)
{
	(void)user;
	(void)why;
	http_conn_close(fu, ts);
}

/* printable copy: tabs and newlines would break the line format */
static void put_field(const char *s)
{
	if (!s) {
		fputs("-", stdout);
		return;
	}
	for (; *s; s++)
		putchar((*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s);
}

static void on_tx(void *user, void *cu, const struct http_tx *t)
{
	char cli[INET6_ADDRSTRLEN], srv[INET6_ADDRSTRLEN];
	(void)user;
	(void)cu;
	inet_ntop(t->family, t->cli_ip, cli, sizeof(cli));
	inet_ntop(t->family, t->srv_ip, srv, sizeof(srv));
	printf("tx\t%llu\t%u\t%s\t%u\t%s\t%u\t", (unsigned long long)t->flow_id,
	       t->tx_id, cli, t->cli_port, srv, t->srv_port);
	put_field(t->method[0] ? t->method : NULL);
	putchar('\t');
	put_field(t->url.s);
	printf("\t%d\t%x\t%d\t%d\t%d\t%d\t%llu\t%llu\n", t->status, t->anomalies,
	       t->n_www_authenticate, t->n_proxy_authenticate,
	       t->authorization.s != NULL, t->proxy_authorization.s != NULL,
	       (unsigned long long)t->req_body_bytes,
	       (unsigned long long)t->resp_body_bytes);
}

int main(int argc, char **argv)
{
	struct dump d;
	struct http_callbacks hcb = { .user = &d, .tx_done = on_tx };
	struct cap_callbacks ccb = { .user = &d, .flow_open = on_open, .flow_data = on_data,
				     .flow_gap = on_gap, .flow_close = on_close };
	struct cap_config cfg;
	struct capture *cap;
	const struct http_stats *s;
	char err[512];
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: httpdump FILE...\n");
		return 2;
	}
	memset(&cfg, 0, sizeof(cfg));
	d.h = http_ctx_new(&hcb);
	cap = cap_open_files((const char *const *)argv + 1, argc - 1, &cfg, &ccb,
			     err, sizeof(err));
	if (!cap || !d.h) {
		fprintf(stderr, "httpdump: %s\n", cap ? "out of memory" : err);
		return 2;
	}
	rc = cap_run(cap, err, sizeof(err));
	cap_flush(cap);
	s = http_get_stats(d.h);
	printf("stats\tconns=%llu\tconns_http=%llu\tconns_not_http=%llu\trequests=%llu"
	       "\tresponses=%llu\tunanswered=%llu\torphan_responses=%llu"
	       "\tparse_errors=%llu\tresyncs=%llu\ttunnels=%llu\tcut_fields=%llu\n",
	       (unsigned long long)s->conns, (unsigned long long)s->conns_http,
	       (unsigned long long)s->conns_not_http, (unsigned long long)s->requests,
	       (unsigned long long)s->responses, (unsigned long long)s->unanswered,
	       (unsigned long long)s->orphan_responses,
	       (unsigned long long)s->parse_errors, (unsigned long long)s->resyncs,
	       (unsigned long long)s->tunnels, (unsigned long long)s->cut_fields);
	cap_close(cap);
	http_ctx_free(d.h);
	if (rc < 0) {
		fprintf(stderr, "httpdump: %s\n", err);
		return 1;
	}
	return 0;
}
