/*
 * verify.h - hold a server's own log against what the wire shows.
 *
 * `authscope verify` reads the capture once (wire records are copied
 * compactly: struct wire_rec, strings interned), then each log twice: a
 * first pass estimates the clock offset between the log and the capture
 * from unambiguous pairs and learns which servers and clients the log
 * speaks for; the second pass pairs every log line with a wire record,
 * order-preserving per (client, method, url), and gives a verdict.  Wire
 * records nobody claimed are missing_in_log when the log speaks for them,
 * out of scope otherwise.  Log lines are never stored beyond their pass,
 * only findings are, so memory is linear in the capture plus the findings.
 *
 * What a caller may rely on:
 *  - the verdict names (verify_verdict_name) are the contract's;
 *  - every log entry given to verify_log_match gets exactly one pairing
 *    (or is counted out of scope), every in-scope wire record is paired
 *    or reported missing_in_log exactly once;
 *  - identical requests pair one to one, in order.
 */
#ifndef AUTHSCOPE_VERIFY_H
#define AUTHSCOPE_VERIFY_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include "logparse.h"
#include "../ntlm/record.h"

enum verdict {
	V_MATCH = 0,
	V_CHALLENGE_LEG,
	V_USER_MISMATCH,
	V_USER_NOT_ON_WIRE,
	V_USER_NOT_LOGGED,
	V_MISSING_IN_LOG,
	V_MISSING_ON_WIRE,
	V_UNVERIFIABLE,
	V__COUNT
};

/* wire record flags */
#define WR_PROXY       0x01u   /* Proxy-Authorization / 407 flow */
#define WR_INHERITED   0x02u
#define WR_CREDENTIALS 0x04u   /* the request carried credentials */
#define WR_CUT         0x08u   /* gap, cut header, parse error: identity unsure */
#define WR_PROXY_FORM  0x10u   /* absolute URI or CONNECT */
#define WR_MATCHED     0x20u
#define WR_XFF         0x40u   /* cli_ip came from --client-ip-from */
#define WR_NO_REQUEST  0x80u   /* a response whose request was not seen */

struct wire_rec {
	int64_t time_us;            /* http: request's first byte; auth: final answer */
	int64_t end_us;             /* response's last byte; 0 unknown */
	uint64_t flow_id;
	uint64_t hash_cli, hash_any;   /* match keys with / without the client */
	uint32_t tx_id;
	int16_t status;             /* -1 none */
	uint8_t kind;               /* enum log_kind */
	uint8_t flags;              /* WR_* */
	uint8_t family;
	uint8_t cli_ip[16], srv_ip[16];
	uint16_t cli_port, srv_port;
	const char *method, *url, *host;
	const char *user, *domain, *workstation;
	const char *scheme, *mech, *result, *password_type;
};

struct verify_server {
	int family;                 /* 0: any address (port only) */
	uint8_t ip[16];
	uint16_t port;              /* 0: any port */
};

struct verify_opts {
	int64_t max_skew_us;        /* bound on the clock offset; default 300 s */
	int64_t tol_us;             /* slack around the log's time; default 2 s */
	const struct verify_server *servers;   /* --server, wins over all else */
	int nservers;
	bool client_ip_from_xff;    /* --client-ip-from X-Forwarded-For */
};

struct verify_pair {
	enum verdict verdict;
	const struct log_entry *log;    /* NULL for missing_in_log */
	const char *log_file;
	const struct wire_rec *wire;    /* NULL for missing_on_wire */
	const char *reason;             /* one short sentence */
	int64_t delta_us;               /* log time - offset - wire time */
};

typedef void (*verify_pair_cb)(void *user, const struct verify_pair *p);

struct verify;

struct verify *verify_new(const struct verify_opts *o, verify_pair_cb cb, void *user);
void verify_free(struct verify *v);

/* wire side: copy records (strings are interned) */
void verify_add_wire(struct verify *v, const struct wire_rec *w);
void verify_add_http(struct verify *v, const struct as_http *r);
void verify_add_auth(struct verify *v, const struct as_auth *a);
/* all wire records are in: sort and index; returns the count */
size_t verify_wire_done(struct verify *v);
/* a time inside the capture (median), for dateless logs; 0 when empty */
int64_t verify_wire_mid_us(const struct verify *v);

/* pass 1 over every log: offset evidence and scope */
void verify_log_scan(struct verify *v, const struct log_entry *e);
/* pass 1 over: fixes the offset; false when it would exceed max_skew */
bool verify_offset_done(struct verify *v);
/* pass 2 over every log, in the same order: pairs and verdicts */
void verify_log_match(struct verify *v, const struct log_entry *e, const char *file);
/* wire records left over: missing_in_log or out of scope */
void verify_finish(struct verify *v);

struct verify_summary {
	uint64_t counts[V__COUNT];
	uint64_t wire_records, log_entries;
	uint64_t wire_handshakes;       /* of wire_records: auth events */
	uint64_t wire_out_of_scope, log_out_of_scope;
	int64_t offset_us;
	uint64_t offset_pairs;          /* unambiguous pairs behind the offset */
	bool offset_known;
	uint32_t offset_res_us;         /* coarsest log time resolution seen */
	bool offset_too_big;            /* the evidence said more than max_skew */
	int64_t offset_evidence_us;     /* what it said */
	bool scope_named;               /* the log(s) named servers or clients */
	size_t wire_bytes;              /* memory held for the wire side */
};
const struct verify_summary *verify_get_summary(const struct verify *v);

const char *verify_verdict_name(enum verdict v);
/* match, challenge_leg, unverifiable are not findings */
bool verify_is_finding(enum verdict v);

/*
 * Identities: "DOM\user", "user@REALM", "user"; case-insensitive; when
 * only one side has a domain the user parts decide; NetBIOS vs DNS
 * domains agree on the first label.  The user map holds known renames.
 */
struct verify_usermap;
struct verify_usermap *verify_usermap_load(const char *path, char *err, size_t errlen);
void verify_usermap_free(struct verify_usermap *m);
void verify_set_usermap(struct verify *v, const struct verify_usermap *m);
bool verify_same_user(const struct verify_usermap *m, const char *wire_user,
		      const char *wire_domain, const char *log_user);

/* `authscope verify ...`; argv[0] is "verify"; returns the exit status */
int verify_main(int argc, char **argv);

#endif
