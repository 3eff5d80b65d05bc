/*
 * authscope - who really authenticated: HTTP NTLM / Negotiate / Basic /
 * Digest on the wire, rebuilt into the log lines the server should have
 * written.  This file only parses the command line and hands over to the
 * modules: report/pipeline.c runs capture -> http -> ntlm, report/ writes.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "report/pipeline.h"
#include "report/report.h"
#include "report/verify.h"
#include "ntlm/decode_cli.h"

#define AUTHSCOPE_VERSION "0.1.0"
#define MAX_FILES 4096
#define MAX_KEYTABS 64

static struct pipeline *g_pipeline;
static volatile sig_atomic_t g_reopen;
static volatile sig_atomic_t g_stats_now;

/* handlers only set flags (and pcap_breakloop): the capture loop's tick
   acts on them in the main thread */
static void on_stop_signal(int sig)
{
	(void)sig;
	pipeline_break(g_pipeline);
}

static void on_hup(int sig)
{
	(void)sig;
	g_reopen = 1;
	pipeline_wakeup(g_pipeline);
}

/* SIGUSR1, and SIGALRM every --stats-interval seconds */
static void on_stats_signal(int sig)
{
	(void)sig;
	g_stats_now = 1;
	pipeline_wakeup(g_pipeline);
}

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: authscope -r FILE [-r FILE ...] [options] [BPF EXPRESSION]\n"
"       authscope -i IFACE [options] [BPF EXPRESSION]\n"
"       authscope decode [--text] [VALUE ... | -]\n"
"       authscope verify -r FILE ... --log SERVERLOG [--log-format FMT] [--json]\n"
"\n"
"Reads HTTP traffic, decodes NTLM / Negotiate (SPNEGO, Kerberos) / Basic /\n"
"Digest authentication, rebuilds every handshake per connection and writes\n"
"the access-log lines a server would have written.\n"
"\n"
"  -r FILE            read a pcap or pcapng file (repeat: merged in time order)\n"
"  -i IFACE           capture live on IFACE (\"any\" for all)\n"
"  -F FORMAT          output format (default json): json w3c proxysg squid\n"
"                     combined combined-debian samba-json samba-text kemp gate\n"
"  -o FILE            write records to FILE (default standard output)\n"
"  --fields LIST      w3c: the fields to write (comma separated)\n"
"  --keytab FILE      service keytab: name the client inside Kerberos tickets\n"
"  --stats            write a JSON stats record at the end (json format)\n"
"  --stats-interval S also every S seconds while running (and on SIGUSR1)\n"
"  --workers N        N worker threads, each with its own flow table\n"
"  -q                 no counters on standard error at the end\n"
"  --memcap BYTES     memory for everything that grows with traffic: flows,\n"
"                     held segments, fragments, HTTP and handshake state (256M)\n"
"  --idle-timeout S   close flows idle for S seconds of capture time (300)\n"
"  -s SNAPLEN         live: bytes per packet (default 262144)\n"
"  -B KIB             live: kernel buffer size in KiB\n"
"  --immediate        live: deliver packets at once (no batching)\n"
"  -Z USER            live: drop privileges to USER once the capture is open\n"
"  --version, -h/--help\n"
"\n"
"Exit status: 0 done, 2 bad usage or unreadable/damaged input.\n");
}

static uint64_t parse_size(const char *s, bool *ok)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	*ok = errno == 0 && end != s;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		*ok = false;
	return v;
}

static int drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		fprintf(stderr, "authscope: -Z: no such user '%s'\n", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "authscope: -Z %s: %s\n", user, strerror(errno));
		return -1;
	}
	return 0;
}

struct out_ctx {
	struct report_writer *w;
	FILE *f;
	const char *path;
	bool json;                    /* stats lines go into the output */
	unsigned stats_interval_s;
};

static void maybe_reopen(struct out_ctx *o)
{
	FILE *nf;

	if (!g_reopen || !o->path)
		return;
	g_reopen = 0;
	nf = fopen(o->path, "a");
	if (!nf) {
		fprintf(stderr, "authscope: reopen %s: %s\n", o->path, strerror(errno));
		return;
	}
	fflush(o->f);
	report_set_output(o->w, nf);
	fclose(o->f);
	o->f = nf;
}

static void sink_http(void *user, const struct as_http *r)
{
	struct out_ctx *o = user;
	maybe_reopen(o);
	report_http(o->w, r);
}

static void sink_auth(void *user, const struct as_auth *a)
{
	struct out_ctx *o = user;
	report_auth(o->w, a);
}

/* a stats record: into the output (json), else on standard error
   while running (at the end the summary on standard error says it) */
static void write_stats(struct out_ctx *o, bool at_exit)
{
	json_t *st = pipeline_stats_json(g_pipeline);
	char *line = json_dumps(st, JSON_COMPACT);

	if (line && o->json) {
		pipeline_output_lock(g_pipeline);
		report_raw_json(o->w, line);
		fflush(o->f);
		pipeline_output_unlock(g_pipeline);
	} else if (line && !at_exit) {
		fprintf(stderr, "%s\n", line);
	}
	free(line);
	json_decref(st);
}

/* from the capture loop, main thread: act on the signal flags */
static void on_tick(void *user)
{
	struct out_ctx *o = user;

	if (g_reopen) {
		pipeline_output_lock(g_pipeline);
		maybe_reopen(o);
		pipeline_output_unlock(g_pipeline);
	}
	if (g_stats_now) {
		g_stats_now = 0;
		write_stats(o, false);
	}
}

enum {
	OPT_KEYTAB = 256, OPT_STATS, OPT_FIELDS, OPT_MEMCAP, OPT_IDLE,
	OPT_IMMEDIATE, OPT_VERSION, OPT_WORKERS, OPT_STATS_INTERVAL,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keytab", required_argument, NULL, OPT_KEYTAB },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "fields", required_argument, NULL, OPT_FIELDS },
		{ "memcap", required_argument, NULL, OPT_MEMCAP },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE },
		{ "immediate", no_argument, NULL, OPT_IMMEDIATE },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *files[MAX_FILES];
	static const char *keytabs[MAX_KEYTABS];
	struct pipeline_opts po;
	struct report_opts ro;
	struct out_ctx out = { .f = stdout };
	struct pipeline_sink sink = { &out, sink_http, sink_auth };
	const char *format = "json", *outpath = NULL, *drop_user = NULL;
	char err[512] = "", *bpf = NULL;
	bool want_stats = false, quiet = false, ok;
	int opt, rc;

	if (argc > 1 && !strcmp(argv[1], "decode"))
		return decode_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "verify"))
		return verify_main(argc - 1, argv + 1);

	memset(&po, 0, sizeof(po));
	memset(&ro, 0, sizeof(ro));
	po.files = files;
	po.keytabs = keytabs;
	while ((opt = getopt_long(argc, argv, "+r:i:F:o:s:B:Z:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (po.nfiles == MAX_FILES) {
				fprintf(stderr, "authscope: more than %d -r files\n", MAX_FILES);
				return 2;
			}
			files[po.nfiles++] = optarg;
			break;
		case 'i': po.iface = optarg; break;
		case 'F': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 's': po.cap.snaplen = atoi(optarg); break;
		case 'B': po.cap.buffer_kib = atoi(optarg); break;
		case 'Z': drop_user = optarg; break;
		case 'q': quiet = true; break;
		case OPT_KEYTAB:
			if (po.nkeytabs == MAX_KEYTABS) {
				fprintf(stderr, "authscope: more than %d keytabs\n", MAX_KEYTABS);
				return 2;
			}
			keytabs[po.nkeytabs++] = optarg;
			break;
		case OPT_STATS: want_stats = true; break;
		case OPT_FIELDS: ro.w3c_fields = optarg; break;
		case OPT_MEMCAP:
			po.cap.memcap_bytes = parse_size(optarg, &ok);
			if (!ok) {
				fprintf(stderr, "authscope: --memcap: not a size: '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_IDLE:
			po.cap.idle_timeout_us = (uint64_t)atoi(optarg) * 1000000u;
			break;
		case OPT_IMMEDIATE: po.cap.immediate = true; break;
		case OPT_WORKERS:
			po.workers = atoi(optarg);
			if (po.workers < 1 || po.workers > 64) {
				fprintf(stderr, "authscope: --workers: 1 to 64, not '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_STATS_INTERVAL:
			if (atoi(optarg) < 1) {
				fprintf(stderr, "authscope: --stats-interval: seconds >= 1, not '%s'\n",
					optarg);
				return 2;
			}
			out.stats_interval_s = (unsigned)atoi(optarg);
			break;
		case OPT_VERSION: printf("authscope %s\n", AUTHSCOPE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((po.nfiles == 0) == (po.iface == NULL)) {
		fprintf(stderr, "authscope: give -r FILE (one or more) or -i IFACE, not both\n");
		usage(stderr);
		return 2;
	}
	/* the rest is a BPF expression, as tcpdump takes it */
	for (int i = optind; i < argc; i++) {
		size_t n = (bpf ? strlen(bpf) : 0) + strlen(argv[i]) + 2;
		char *nb = realloc(bpf, n);
		if (!nb)
			return 2;
		if (!bpf)
			nb[0] = '\0';
		else
			strcat(nb, " ");
		strcat(nb, argv[i]);
		bpf = nb;
	}
	po.cap.bpf = bpf;

	if (outpath) {
		out.f = fopen(outpath, "a");
		if (!out.f) {
			fprintf(stderr, "authscope: %s: %s\n", outpath, strerror(errno));
			return 2;
		}
		out.path = outpath;
	}
	ro.err = err;
	ro.errlen = sizeof(err);
	out.w = report_open(format, out.f, &ro);
	if (!out.w) {
		fprintf(stderr, "authscope: -F %s: %s\n", format, err[0] ? err : "cannot open writer");
		return 2;
	}
	po.progress = isatty(STDERR_FILENO) && po.nfiles > 0;
	po.tick = on_tick;
	po.tick_user = &out;
	out.json = !strcmp(format, "json");

	g_pipeline = pipeline_new(&po, &sink, err, sizeof(err));
	if (!g_pipeline) {
		fprintf(stderr, "authscope: %s\n", err);
		report_close(out.w);
		return 2;
	}
	if (drop_user && drop_privileges(drop_user) != 0) {
		pipeline_free(g_pipeline);
		return 2;
	}
	set_handler(SIGINT, on_stop_signal);
	set_handler(SIGTERM, on_stop_signal);
	set_handler(SIGHUP, on_hup);
	set_handler(SIGUSR1, on_stats_signal);
	if (out.stats_interval_s) {
		struct itimerval it = { { (time_t)out.stats_interval_s, 0 },
					{ (time_t)out.stats_interval_s, 0 } };
		set_handler(SIGALRM, on_stats_signal);
		setitimer(ITIMER_REAL, &it, NULL);
	}

	rc = pipeline_run(g_pipeline, err, sizeof(err));
	if (want_stats || out.stats_interval_s)
		write_stats(&out, true);
	if (!quiet) {
		const struct report_counts *rc_out = report_get_counts(out.w);
		pipeline_print_stats(g_pipeline, stderr);
		fprintf(stderr, "  output: %llu lines written, %llu lost\n",
			(unsigned long long)rc_out->lines, (unsigned long long)rc_out->failed);
	}
	report_close(out.w);
	if (out.path)
		fclose(out.f);
	else
		fflush(stdout);
	pipeline_free(g_pipeline);
	free(bpf);
	if (rc != 0) {
		fprintf(stderr, "authscope: %s\n", err);
		return 2;
	}
	return 0;
}
