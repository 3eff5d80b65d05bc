/*
 * report.h - records in, log lines out.
 *
 * One writer per output format (-F).  A writer turns struct as_http and
 * struct as_auth (ntlm/record.h) into the lines a server of that kind
 * would have written.  The json writer is the contract of DESIGN.md.
 *
 * What a caller may rely on:
 *  - each call writes whole lines (never a partial line), so a reader
 *    tailing the file never sees half a record;
 *  - every byte from the wire is escaped for the format (JSON escapes with
 *    invalid UTF-8 replaced; W3C '+' for space; Apache's \xhh escaping);
 *  - formats that log only requests ignore report_auth.
 */
#ifndef AUTHSCOPE_REPORT_H
#define AUTHSCOPE_REPORT_H

#include <stdio.h>
#include <stdbool.h>

#include "../ntlm/record.h"

struct report_opts {
	const char *w3c_fields;     /* --fields for w3c, NULL = seed 001 default */
	bool show_secrets;          /* never set by default */
	/* where report_open explains a failure (unknown format, unknown
	   w3c field); NULL = stderr */
	char *err;
	size_t errlen;
};

struct report_writer;

/* NULL when the format name is unknown */
struct report_writer *report_open(const char *format, FILE *out,
				  const struct report_opts *opts);
void report_http(struct report_writer *w, const struct as_http *r);
void report_auth(struct report_writer *w, const struct as_auth *a);
/* a JSON object line of any kind, e.g. stats; ignored by non-json formats */
void report_raw_json(struct report_writer *w, const char *line);
void report_set_output(struct report_writer *w, FILE *out);   /* SIGHUP reopen */
void report_close(struct report_writer *w);

/* the list of format names, NULL-terminated, for --help */
extern const char *const report_formats[];

#endif
