/*
 * verify_main.c - `authscope verify`: options, the capture through the
 * pipeline into the matcher, the logs read twice, the report.
 *
 * Kept apart from verify.c so the matcher's unit tests link without the
 * capture layers.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <jansson.h>

#include "verify.h"
#include "logparse_int.h"
#include "pipeline.h"

#define MAX_FILES       256
#define MAX_SERVERS     64
#define BAD_LINES_SHOWN 20

struct vm {
	bool json;
	FILE *out;
	char *findings;            /* text of each finding, printed after the summary */
	size_t findings_len;
	FILE *fbuf;
	uint64_t bad_lines;
	uint64_t bad_shown;
	bool progress;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: authscope verify -r CAPTURE [-r ...] --log SERVERLOG [--log ...]\n"
"         [--log-format FMT] [--json] [--server ADDR[:PORT]] [--max-skew SECONDS]\n"
"         [--client-ip-from X-Forwarded-For] [--user-map FILE] [--keytab KT]\n"
"  FMT: auto (default), w3c, combined, common, vhost_combined, squid, proxysg,\n"
"       kemp, samba-json, samba-text, gate, 'apache:<LogFormat>', 'squid:<logformat>'\n"
"  exit: 0 no finding, 1 findings, 2 bad usage or unreadable input\n");
}

static void fmt_time(int64_t us, char *buf, size_t n)
{
	time_t s = (time_t)(us >= 0 ? us / 1000000 : (us - 999999) / 1000000);
	long frac = (long)(us - (int64_t)s * 1000000);
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

static void fmt_ep(int family, const uint8_t *ip, uint16_t port, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (family == AF_INET || family == AF_INET6)
		inet_ntop(family, ip, a, sizeof(a));
	if (port)
		snprintf(buf, n, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	else
		snprintf(buf, n, "%s", a);
}

static void wire_user(const struct wire_rec *w, char *buf, size_t n)
{
	if (!w->user)
		snprintf(buf, n, "-");
	else if (w->domain && *w->domain && !strchr(w->user, '\\') && !strchr(w->user, '@'))
		snprintf(buf, n, "%s\\%s", w->domain, w->user);
	else
		snprintf(buf, n, "%s", w->user);
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v ? json_string(v) : json_null());
}

/* JSON strings must be UTF-8: log bytes that are not stay visible as \xhh */
static const char *safe(const char *s, char *buf, size_t n)
{
	if (!s)
		return NULL;
	json_t *j = json_string(s);    /* NULL when s is not UTF-8 */
	if (j) {
		json_decref(j);
		return s;
	}
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o + 5 < n; p++) {
		if (*p < 0x80 && *p >= 0x20)
			buf[o++] = (char)*p;
		else
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", *p);
	}
	buf[o] = '\0';
	return buf;
}

static void emit_json(struct vm *m, const struct verify_pair *p)
{
	json_t *o = json_object();
	char t[64], ep[80], u[600], b1[1024], b2[1024];
	const struct log_entry *e = p->log;
	const struct wire_rec *w = p->wire;
	set_str(o, "verdict", verify_verdict_name(p->verdict));
	set_str(o, "reason", p->reason);
	if (e) {
		set_str(o, "log_file", safe(p->log_file, b1, sizeof(b1)));
		json_object_set_new(o, "log_line", json_integer(e->line));
		if (!(e->flags & LE_NO_TIME)) {
			fmt_time(e->time_us, t, sizeof(t));
			set_str(o, "log_time", t);
		}
		set_str(o, "log_user", safe(e->user, b2, sizeof(b2)));
	} else {
		json_object_set_new(o, "log_file", json_null());
		json_object_set_new(o, "log_line", json_null());
		json_object_set_new(o, "log_user", json_null());
	}
	if (w) {
		set_str(o, "wire_event", w->kind == LOG_KIND_AUTH ? "auth" : "http");
		json_object_set_new(o, "flow_id", json_integer((json_int_t)w->flow_id));
		json_object_set_new(o, "tx_id", json_integer(w->tx_id));
		fmt_time(w->time_us, t, sizeof(t));
		set_str(o, "wire_time", t);
		if (w->user) {
			wire_user(w, u, sizeof(u));
			set_str(o, "wire_user", safe(u, b1, sizeof(b1)));
		} else {
			json_object_set_new(o, "wire_user", json_null());
		}
		set_str(o, "wire_domain", safe(w->domain, b2, sizeof(b2)));
		set_str(o, "workstation", safe(w->workstation, b1, sizeof(b1)));
		set_str(o, "scheme", w->scheme);
		set_str(o, "mech", w->mech);
		set_str(o, "result", w->result);
		set_str(o, "password_type", w->password_type);
		json_object_set_new(o, "inherited", json_boolean(w->flags & WR_INHERITED));
		fmt_ep(w->family, w->cli_ip, w->cli_port, ep, sizeof(ep));
		set_str(o, "client", ep);
		fmt_ep(w->family, w->srv_ip, w->srv_port, ep, sizeof(ep));
		set_str(o, "server", ep);
	} else {
		json_object_set_new(o, "flow_id", json_null());
		json_object_set_new(o, "tx_id", json_null());
		json_object_set_new(o, "wire_user", json_null());
		if (e && (e->flags & LE_HAS_CLI)) {
			fmt_ep(e->family, e->cli_ip, e->cli_port, ep, sizeof(ep));
			set_str(o, "client", ep);
		}
	}
	const char *method = w && w->method ? w->method : e ? e->method : NULL;
	const char *url = w && w->url ? w->url : e ? e->url : NULL;
	int status = w && w->status > 0 ? w->status : e ? e->status : -1;
	set_str(o, "method", safe(method, b1, sizeof(b1)));
	set_str(o, "url", safe(url, b2, sizeof(b2)));
	json_object_set_new(o, "status", status > 0 ? json_integer(status) : json_null());
	if (w)
		fmt_time(w->time_us, t, sizeof(t));
	else if (e && !(e->flags & LE_NO_TIME))
		fmt_time(e->time_us, t, sizeof(t));
	else
		t[0] = '\0';
	set_str(o, "time", t[0] ? t : NULL);
	if (e && w)
		json_object_set_new(o, "delta_s", json_real((double)p->delta_us / 1e6));
	char *s = json_dumps(o, JSON_COMPACT);
	if (s) {
		fprintf(m->out, "%s\n", s);
		free(s);
	}
	json_decref(o);
}

static void vis(FILE *f, const char *s)
{
	if (!s) {
		fputc('-', f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

static void emit_text(struct vm *m, const struct verify_pair *p)
{
	FILE *f = m->fbuf;
	char t[64], ep1[80], ep2[80], u[600];
	const struct log_entry *e = p->log;
	const struct wire_rec *w = p->wire;
	fprintf(f, "%s", verify_verdict_name(p->verdict));
	if (e) {
		fputs("  ", f);
		vis(f, p->log_file);
		fprintf(f, ":%u", e->line);
	}
	fprintf(f, "  (%s)\n", p->reason ? p->reason : "");
	if (e) {
		if (e->flags & LE_NO_TIME)
			snprintf(t, sizeof(t), "-");
		else
			fmt_time(e->time_us, t, sizeof(t));
		fprintf(f, "  log : %s ", t);
		if (e->flags & LE_HAS_CLI)
			fmt_ep(e->family, e->cli_ip, e->cli_port, ep1, sizeof(ep1));
		else
			snprintf(ep1, sizeof(ep1), "-");
		fprintf(f, "%s ", ep1);
		vis(f, e->method);
		fputc(' ', f);
		vis(f, e->url);
		fprintf(f, " %d user=", e->status);
		vis(f, e->user);
		fputc('\n', f);
	} else {
		fprintf(f, "  log : (no line)\n");
	}
	if (w) {
		fmt_time(w->time_us, t, sizeof(t));
		fmt_ep(w->family, w->cli_ip, w->cli_port, ep1, sizeof(ep1));
		fmt_ep(w->family, w->srv_ip, w->srv_port, ep2, sizeof(ep2));
		wire_user(w, u, sizeof(u));
		if (w->kind == LOG_KIND_AUTH)
			fprintf(f, "  wire: %s flow %" PRIu64 " handshake %s -> %s ended by ", t,
				w->flow_id, ep1, ep2);
		else
			fprintf(f, "  wire: %s flow %" PRIu64 " tx %u %s -> %s ", t, w->flow_id,
				w->tx_id, ep1, ep2);
		vis(f, w->method);
		fputc(' ', f);
		vis(f, w->url);
		fprintf(f, " %d %s/%s user=", w->status, w->scheme ? w->scheme : "-",
			w->mech ? w->mech : "-");
		vis(f, u);
		fputs(" ws=", f);
		vis(f, w->workstation);
		fprintf(f, " result=%s%s\n", w->result ? w->result : "-",
			(w->flags & WR_INHERITED) ? " inherited" : "");
	} else {
		fprintf(f, "  wire: (no request)\n");
	}
}

static void on_pair(void *user, const struct verify_pair *p)
{
	struct vm *m = user;
	if (m->json)
		emit_json(m, p);
	else if (verify_is_finding(p->verdict) && m->fbuf)
		emit_text(m, p);
}

static void on_http(void *user, const struct as_http *r)
{
	verify_add_http(user, r);
}

static void on_auth(void *user, const struct as_auth *a)
{
	verify_add_auth(user, a);
}

/* one pass over one log; pass 1 reports bad lines */
static int read_log(struct verify *v, struct vm *m, const char *path, const char *spec,
		    int pass)
{
	char err[256], why[256];
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "authscope verify: cannot read log %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct logparse *lp = logparse_new(spec, err, sizeof(err));
	if (!lp) {
		fprintf(stderr, "authscope verify: %s\n", err);
		fclose(f);
		return -1;
	}
	/* dateless lines (gate, syslog prefixes) get their date in verify,
	   from the days the capture covers */
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint32_t lineno = 0;
	struct log_entry e;
	for (;;) {
		n = getline(&line, &cap, f);
		enum lp_result r;
		if (n < 0) {
			r = logparse_flush(lp, &e, why, sizeof(why));
		} else {
			lineno++;
			size_t l = (size_t)n;
			if (l && line[l - 1] == '\n')
				l--;
			r = logparse_line(lp, line, l, lineno, &e, why, sizeof(why));
			if (m->progress && (lineno & 0xffff) == 0)
				fprintf(stderr, "\rverify: pass %d/2 %s: %u lines", pass, path, lineno);
		}
		if (r == LP_ENTRY) {
			if (pass == 1)
				verify_log_scan(v, &e);
			else
				verify_log_match(v, &e, path);
		} else if (r == LP_BAD && pass == 1) {
			m->bad_lines++;
			if (m->bad_shown++ < BAD_LINES_SHOWN)
				fprintf(stderr, "%s:%u: skipped: %s\n", path,
					n < 0 ? lineno : lineno, why);
		}
		if (n < 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "authscope verify: error reading %s\n", path);
		free(line);
		logparse_free(lp);
		fclose(f);
		return -1;
	}
	if (m->progress && lineno > 0xffff)
		fputc('\n', stderr);
	free(line);
	logparse_free(lp);
	fclose(f);
	return 0;
}

static bool parse_server(const char *s, struct verify_server *out)
{
	memset(out, 0, sizeof(*out));
	uint64_t p;
	if (s[0] == ':' && lp_parse_uint(s + 1, strlen(s + 1), &p) && p > 0 && p < 65536) {
		out->port = (uint16_t)p;
		return true;
	}
	return lp_parse_ip_port(s, strlen(s), &out->family, out->ip, &out->port);
}

static void print_summary(FILE *f, const struct verify_summary *s, struct vm *m)
{
	fprintf(f, "authscope verify: %" PRIu64 " wire records (%" PRIu64 " requests, %" PRIu64
		" handshakes), %" PRIu64 " log entries\n", s->wire_records,
		s->wire_records - s->wire_handshakes, s->wire_handshakes, s->log_entries);
	if (s->offset_known)
		fprintf(f, "clock offset: log = capture %+.3f s (within %.3f s: log time resolution; "
			"%" PRIu64 " unambiguous pairs)\n", (double)s->offset_us / 1e6,
			(double)s->offset_res_us / 2e6, s->offset_pairs);
	else if (s->offset_too_big)
		fprintf(f, "clock offset: the pairs say %+.3f s, beyond --max-skew: assumed 0\n",
			(double)s->offset_evidence_us / 1e6);
	else
		fprintf(f, "clock offset: unknown (no pair to measure it), assumed 0\n");
	fprintf(f, "%-18s %10s\n", "verdict", "count");
	for (int i = 0; i < V__COUNT; i++)
		fprintf(f, "%-18s %10" PRIu64 "%s\n", verify_verdict_name((enum verdict)i),
			s->counts[i], verify_is_finding((enum verdict)i) && s->counts[i] ? "  *" : "");
	fprintf(f, "out of scope: %" PRIu64 " wire records, %" PRIu64 " log entries\n",
		s->wire_out_of_scope, s->log_out_of_scope);
	if (m->bad_lines)
		fprintf(f, "log lines skipped (unreadable): %" PRIu64 "\n", m->bad_lines);
}

enum { O_LOG = 256, O_FMT, O_JSON, O_SERVER, O_SKEW, O_XFF, O_UMAP, O_KEYTAB, O_TOL };

int verify_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "log", required_argument, NULL, O_LOG },
		{ "log-format", required_argument, NULL, O_FMT },
		{ "json", no_argument, NULL, O_JSON },
		{ "server", required_argument, NULL, O_SERVER },
		{ "max-skew", required_argument, NULL, O_SKEW },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "client-ip-from", required_argument, NULL, O_XFF },
		{ "user-map", required_argument, NULL, O_UMAP },
		{ "keytab", required_argument, NULL, O_KEYTAB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *files[MAX_FILES], *logs[MAX_FILES], *keytabs[MAX_FILES];
	static struct verify_server servers[MAX_SERVERS];
	int nfiles = 0, nlogs = 0, nkeytabs = 0, opt;
	const char *spec = NULL, *umap_path = NULL;
	struct verify_opts vo = { 0 };
	struct vm m = { .out = stdout };
	char err[512] = "";

	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:h", lo, NULL)) != -1) {
		char *end;
		switch (opt) {
		case 'r':
			if (nfiles == MAX_FILES)
				goto toomany;
			files[nfiles++] = optarg;
			break;
		case O_LOG:
			if (nlogs == MAX_FILES)
				goto toomany;
			logs[nlogs++] = optarg;
			break;
		case O_FMT: spec = optarg; break;
		case O_JSON: m.json = true; break;
		case O_SERVER:
			if (vo.nservers == MAX_SERVERS)
				goto toomany;
			if (!parse_server(optarg, &servers[vo.nservers])) {
				fprintf(stderr, "authscope verify: --server %s: want ADDR, ADDR:PORT, [V6]:PORT or :PORT\n", optarg);
				return 2;
			}
			vo.nservers++;
			break;
		case O_SKEW: case O_TOL: {
			double d = strtod(optarg, &end);
			if (*end || d < 0 || d > 1e7) {
				fprintf(stderr, "authscope verify: bad number of seconds \"%s\"\n", optarg);
				return 2;
			}
			if (opt == O_SKEW)
				vo.max_skew_us = (int64_t)(d * 1e6) + 1;
			else
				vo.tol_us = (int64_t)(d * 1e6) + 1;
			break;
		}
		case O_XFF:
			if (strcasecmp(optarg, "X-Forwarded-For") != 0) {
				fprintf(stderr, "authscope verify: --client-ip-from: only X-Forwarded-For is captured\n");
				return 2;
			}
			vo.client_ip_from_xff = true;
			break;
		case O_UMAP: umap_path = optarg; break;
		case O_KEYTAB:
			if (nkeytabs == MAX_FILES)
				goto toomany;
			keytabs[nkeytabs++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || !nfiles || !nlogs) {
		if (optind < argc)
			fprintf(stderr, "authscope verify: unexpected argument \"%s\"\n", argv[optind]);
		else
			fprintf(stderr, "authscope verify: need at least one -r CAPTURE and one --log SERVERLOG\n");
		usage(stderr);
		return 2;
	}
	vo.servers = servers;

	/* everything that can be refused is refused before the capture is read */
	struct logparse *probe = logparse_new(spec, err, sizeof(err));
	if (!probe) {
		fprintf(stderr, "authscope verify: --log-format: %s\n", err);
		return 2;
	}
	logparse_free(probe);
	for (int i = 0; i < nlogs; i++) {
		FILE *f = fopen(logs[i], "r");
		if (!f) {
			fprintf(stderr, "authscope verify: cannot read log %s: %s\n", logs[i], strerror(errno));
			return 2;
		}
		fclose(f);
	}
	struct verify_usermap *um = NULL;
	if (umap_path && !(um = verify_usermap_load(umap_path, err, sizeof(err)))) {
		fprintf(stderr, "authscope verify: %s\n", err);
		return 2;
	}

	int rc = 2;
	struct verify *v = verify_new(&vo, on_pair, &m);
	struct pipeline *p = NULL;
	if (!v)
		goto out;
	verify_set_usermap(v, um);
	m.progress = isatty(2);
	struct pipeline_opts po;
	memset(&po, 0, sizeof(po));
	po.files = files;
	po.nfiles = nfiles;
	po.keytabs = keytabs;
	po.nkeytabs = nkeytabs;
	po.progress = m.progress;
	struct pipeline_sink sink = { v, on_http, on_auth };
	p = pipeline_new(&po, &sink, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "authscope verify: %s\n", err);
		goto out;
	}
	if (pipeline_run(p, err, sizeof(err)) < 0) {
		fprintf(stderr, "authscope verify: %s\n", err);
		goto out;
	}
	pipeline_free(p);
	p = NULL;
	verify_wire_done(v);

	for (int i = 0; i < nlogs; i++)
		if (read_log(v, &m, logs[i], spec, 1) < 0)
			goto out;
	if (m.bad_shown > BAD_LINES_SHOWN)
		fprintf(stderr, "... %" PRIu64 " more unreadable lines\n",
			m.bad_shown - BAD_LINES_SHOWN);
	verify_offset_done(v);
	if (!m.json)
		m.fbuf = open_memstream(&m.findings, &m.findings_len);
	for (int i = 0; i < nlogs; i++)
		if (read_log(v, &m, logs[i], spec, 2) < 0)
			goto out;
	verify_finish(v);

	const struct verify_summary *s = verify_get_summary(v);
	if (m.json) {
		print_summary(stderr, s, &m);
	} else {
		fflush(m.fbuf);
		print_summary(stdout, s, &m);
		if (m.findings_len) {
			fputs("\nfindings:\n", stdout);
			fwrite(m.findings, 1, m.findings_len, stdout);
		}
	}
	if (s->wire_records && s->log_entries && !s->counts[V_MATCH] &&
	    !s->counts[V_CHALLENGE_LEG] && !s->counts[V_USER_MISMATCH] &&
	    !s->counts[V_USER_NOT_ON_WIRE] && !s->counts[V_USER_NOT_LOGGED] &&
	    !s->counts[V_UNVERIFIABLE])
		fprintf(stderr, "authscope verify: warning: nothing paired: the log and the "
			"capture share no period or server (clock skew beyond --max-skew? "
			"wrong --server or --log-format?)\n");
	rc = 0;
	for (int i = 0; i < V__COUNT; i++)
		if (verify_is_finding((enum verdict)i) && s->counts[i])
			rc = 1;
	if (fflush(stdout) != 0)
		rc = 2;
out:
	if (m.fbuf)
		fclose(m.fbuf);
	free(m.findings);
	pipeline_free(p);
	verify_free(v);
	verify_usermap_free(um);
	return rc;
toomany:
	fprintf(stderr, "authscope verify: too many files or servers (at most %d)\n", MAX_FILES);
	return 2;
}
