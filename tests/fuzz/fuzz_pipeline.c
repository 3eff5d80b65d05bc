/*
 * fuzz_pipeline.c - libFuzzer target for the whole chain: the input is a
 * capture file (pcap or pcapng, as damaged as the fuzzer likes) read by
 * pipeline_new/pipeline_run exactly as `authscope -r` reads it, through
 * capture/ -> http/ -> ntlm/ handshakes -> every report writer.
 *
 * The file lives in a memfd (no disk writes) opened by its /proc/self/fd
 * path.  The memory cap is small (256 KiB) so eviction happens.  Every
 * writer in report_formats gets every record (to /dev/null), and the json
 * writer's output also goes to memory: each line must parse as a JSON
 * object, or the target aborts (report.h: one record = one line).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <jansson.h>

#include "report/pipeline.h"
#include "report/report.h"

#define FZ_MAX_WRITERS 32

struct fz_out {
	struct report_writer *w[FZ_MAX_WRITERS];
	int n;
};

static void fz_http(void *user, const struct as_http *r)
{
	struct fz_out *o = user;
	for (int i = 0; i < o->n; i++)
		report_http(o->w[i], r);
}

static void fz_auth(void *user, const struct as_auth *a)
{
	struct fz_out *o = user;
	for (int i = 0; i < o->n; i++)
		report_auth(o->w[i], a);
}

/* every line of the json writer is a JSON object */
static void check_json_lines(const char *buf, size_t len)
{
	size_t start = 0;

	if (len && buf[len - 1] != '\n')
		abort();                 /* a partial line */
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		json_error_t e;
		json_t *j = json_loadb(buf + start, i - start, 0, &e);
		if (!j || !json_is_object(j))
			abort();
		json_decref(j);
		start = i + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct fz_out out = { .n = 0 };
	struct pipeline_sink sink = { &out, fz_http, fz_auth };
	struct pipeline_opts po;
	struct pipeline *p;
	char path[64], err[512];
	const char *files[1] = { path };
	char *jbuf = NULL;
	size_t jlen = 0;
	FILE *jf;
	int fd;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	fd = memfd_create("fuzz_pipeline", 0);
	if (fd < 0 || !devnull)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	jf = open_memstream(&jbuf, &jlen);
	if (!jf)
		abort();
	out.w[out.n++] = report_open("json", jf, NULL);
	for (int i = 0; report_formats[i] && out.n < FZ_MAX_WRITERS; i++)
		out.w[out.n++] = report_open(report_formats[i], devnull, NULL);

	memset(&po, 0, sizeof(po));
	po.files = files;
	po.nfiles = 1;
	po.cap.memcap_bytes = 256 << 10;
	po.cap.flow_ooo_cap_bytes = 16 << 10;
	p = pipeline_new(&po, &sink, err, sizeof(err));
	if (p) {
		json_t *st;
		char *line;

		pipeline_run(p, err, sizeof(err));
		st = pipeline_stats_json(p);
		line = json_dumps(st, JSON_COMPACT);
		if (line)
			report_raw_json(out.w[0], line);
		free(line);
		json_decref(st);
		pipeline_free(p);
	}
	for (int i = 0; i < out.n; i++)
		report_close(out.w[i]);
	fclose(jf);
	check_json_lines(jbuf, jlen);
	free(jbuf);
	close(fd);
	return 0;
}
