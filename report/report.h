/*
 * report.h - records in, log lines out.
 *
 * One writer per output format (-F).  A writer turns struct as_http and
 * struct as_auth (ntlm/record.h) into the lines a server of that kind
 * would have written.  The json writer is the contract of DESIGN.md.
 *
 * What a caller may rely on:
 *  - lines are handed to the FILE only whole (a line that cannot be
 *    built entirely is dropped and counted, never cut): each is built in
 *    a reused buffer, where the lines wait until a stdio buffer's worth
 *    (the file's block size, at most 64 KiB) is there, then go in one
 *    fwrite -- about when stdio would have written them to the file
 *    anyway.  A terminal, or a FILE made line buffered or unbuffered by
 *    the caller, gets each line at once.  report_raw_json,
 *    report_set_output, report_get_counts and report_close hand over the
 *    lines waiting first, so a caller may fflush the FILE after them;
 *  - every byte from the wire is escaped for the format (JSON escapes with
 *    invalid UTF-8 replaced; W3C '+' for space; Apache's \xhh escaping),
 *    so one record is one line in every format;
 *  - formats that log only requests ignore report_auth (w3c, proxysg,
 *    squid, combined, combined-debian, gate); samba-json and samba-text
 *    ignore report_http; json and kemp take both;
 *  - nothing secret is written: the records carry no passwords or
 *    responses, and the writers add none;
 *  - the FILE stays the caller's: report_close flushes it, never closes it;
 *  - report_http/report_auth/report_close accept NULL and do nothing.
 *  Field-by-field semantics of every format: README.md, "Output formats".
 *
 * json "http" record (DESIGN.md's contract, Suricata-EVE-like, nested):
 *   timestamp (request's first byte, "2024-07-11T09:12:03.123456Z"),
 *   flow_id, event_type "http", tx_id, src_ip, src_port (client),
 *   dest_ip, dest_port (server; IPv6 in inet_ntop's compressed form),
 *   http: hostname url method protocol status(null: no response)
 *         user_agent referer x_forwarded_for (null when absent)
 *         length (response body bytes) request_bytes response_bytes
 *         time_taken_ms (request start to response end; null)
 *   auth: scheme mech proxy user result domain workstation password_type
 *         inherited credentials (this request carried credentials)
 *         ntlm_type (1/2/3 the request carried, null) challenge (NTLM
 *         message type the response carried, null) handshake_id (null)
 *         krb_sname krb_realm krb_etype (null)
 *   anomaly  comma-separated names (http layer: gap url_cut field_cut
 *            auth_cut parse_error header_limit no_request pipeline_cap,
 *            then the handshake layer's), only when there are some
 *   gap      true, only when bytes were lost inside the transaction
 * json "auth" record (one per finished handshake): timestamp (final
 *   answer), flow_id, event_type "auth", src_ip/src_port/dest_ip/dest_port,
 *   auth: Samba's names  status (NT status name) serviceDescription "HTTP"
 *         authDescription clientDomain clientAccount workstation
 *         passwordType remoteAddress localAddress ("ipv4:1.2.3.4:80",
 *         "ipv6:2001:db8::1:80");
 *         ours, as in the http record  result scheme mech proxy user
 *         domain password_type handshake_id legs final_status (null)
 *         server_nb_domain server_nb_computer server_dns_domain
 *         server_dns_computer (from the Type 2) krb_sname krb_realm
 *         krb_etype method url hostname (the request that finished it);
 *   anomaly at top level when set.
 * Strings are null when absent; in the snake_case keys an empty user,
 * domain or workstation is null too (Samba's keys keep "").
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

/* NULL when the format name is unknown or the options are bad (an
   unknown w3c field): the reason goes to opts->err, else stderr.
   w3c_fields: W3C names separated by commas and/or spaces, from date time
   s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query
   s-port cs-username c-ip c-port cs-version cs(User-Agent) cs(Referer)
   cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes
   time-taken cs(X-Forwarded-For) (case-insensitive) */
struct report_writer *report_open(const char *format, FILE *out,
				  const struct report_opts *opts);
void report_http(struct report_writer *w, const struct as_http *r);
void report_auth(struct report_writer *w, const struct as_auth *a);
/* a JSON object line of any kind, e.g. stats; ignored by non-json formats */
void report_raw_json(struct report_writer *w, const char *line);
/* SIGHUP reopen: flushes the old FILE (the caller closes it); w3c and
   proxysg write their # header again at the top of the new one */
void report_set_output(struct report_writer *w, FILE *out);
void report_close(struct report_writer *w);

/* what a writer did, for the end-of-run stats: nothing is lost silently */
struct report_counts {
	uint64_t lines;     /* records written (a # header block counts one) */
	uint64_t failed;    /* records lost: out of memory or a failed write */
};
/* (the lines waiting are written first, so the counts are final) */
const struct report_counts *report_get_counts(struct report_writer *w);

/* the list of format names, NULL-terminated, for --help */
extern const char *const report_formats[];

#endif
