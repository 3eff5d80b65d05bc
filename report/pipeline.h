/*
 * pipeline.h - the whole chain capture/ -> http/ -> ntlm/ as one call.
 *
 * main.c (record writing) and verify (matching against a server log) both
 * need the wire records; this is the one place that wires the layers
 * together.  Records arrive through the sink in the order transactions
 * complete: in request order within a connection, interleaved across
 * connections.
 */
#ifndef AUTHSCOPE_PIPELINE_H
#define AUTHSCOPE_PIPELINE_H

#include <stdio.h>
#include <jansson.h>

#include "../capture/capture.h"
#include "../ntlm/record.h"

struct pipeline_opts {
	const char *const *files;      /* -r, in any order: merged by time */
	int nfiles;
	const char *iface;             /* -i, or NULL */
	struct cap_config cap;
	const char *const *keytabs;    /* --keytab, may be 0 */
	int nkeytabs;
	bool progress;                 /* progress line on stderr (files) */
	/* 0 or 1: everything in the calling thread.  N > 1: N worker
	   threads, each with its own flow table and http/ntlm state; files
	   are read by the calling thread and split by cap_packet_hash, a
	   live interface is opened N times in one PACKET_FANOUT group.
	   Records come out as with one worker, as a set: the order across
	   connections differs, flow_id and handshake_id stay unique but are
	   numbered per worker (worker k of N: k+1, k+1+N, k+1+2N...), the
	   memory cap is split evenly, and a challenge on one connection is
	   found from another only when both reach the same worker (files:
	   always for one client-server address pair; live: the kernel
	   hashes the 4-tuple, so not across connections). */
	int workers;
	/* optional: called in the calling thread from the capture loop, at
	   least every 4096 packets and about every 100 ms live: the place to
	   act on signal flags (stats, reopen).  Sink calls may run in worker
	   threads, never two at once (the pipeline serialises them). */
	void (*tick)(void *user);
	void *tick_user;
};

struct pipeline_sink {
	void *user;
	void (*on_http)(void *user, const struct as_http *r);
	void (*on_auth)(void *user, const struct as_auth *a);
};

struct pipeline;

/* NULL with a message in err on bad input (unreadable file, bad filter,
   unreadable keytab) */
struct pipeline *pipeline_new(const struct pipeline_opts *o,
			      const struct pipeline_sink *sink,
			      char *err, size_t errlen);
/* 0 when input ended or pipeline_break was called, -1 on a read error
   (everything before it was delivered); every open transaction is
   flushed to the sink before it returns */
int pipeline_run(struct pipeline *p, char *err, size_t errlen);
void pipeline_break(struct pipeline *p);             /* async-signal-safe */
/* live: run the tick now, capture goes on (SIGHUP, SIGUSR1); async-signal-safe */
void pipeline_wakeup(struct pipeline *p);
/* counters of every layer: human-readable, and as a JSON object */
void pipeline_print_stats(const struct pipeline *p, FILE *f);
json_t *pipeline_stats_json(const struct pipeline *p);
void pipeline_free(struct pipeline *p);
/* hold off sink calls from worker threads while the caller writes to
   the sink's output itself (stats line, reopen); no-ops with 1 worker */
void pipeline_output_lock(struct pipeline *p);
void pipeline_output_unlock(struct pipeline *p);
int pipeline_workers(const struct pipeline *p);

#endif
