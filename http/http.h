/*
 * http.h - ordered TCP bytes in, HTTP/1.x transactions out.
 *
 * One http_conn per TCP connection, one llhttp parser per direction.  HTTP
 * is recognised by its first bytes on any port.  Requests and responses are
 * paired FIFO, so keep-alive, pipelining, 1xx, HEAD, 204/304 and CONNECT
 * come out right.  Only the fields below are copied; bodies are counted.
 *
 * What a caller may rely on:
 *  - tx_done is called once per transaction, in request order within the
 *    connection, when its response is complete, or at http_conn_close()
 *    (status -1) for requests never answered.
 *  - every string in struct http_tx is NUL-terminated, bounded by the caps
 *    below (longer values are cut and HTTP_ANOM_* set), and may hold any
 *    byte the wire carried except NUL; valid only during the callback.
 *  - the four authentication headers are kept whole up to HTTP_AUTH_MAX;
 *    repeated WWW-Authenticate / Proxy-Authenticate headers are all kept
 *    (up to HTTP_CHALLENGES_MAX; more set HTTP_ANOM_AUTH_CUT).
 *  - tx_id counts 0, 1, 2... in the order tx_done is called, which is the
 *    order of the requests on the wire.
 *  - header names match case-insensitively; a value split across segments
 *    or callbacks is joined; obs-fold continuation lines are folded into
 *    one value with a single space; leading/trailing blanks are trimmed;
 *    NUL bytes are dropped.  A repeated single-valued header (Host,
 *    User-Agent, Referer, Authorization, Proxy-Authorization,
 *    Persistent-Auth) keeps its first value; X-Forwarded-For and
 *    Connection lines are joined with ", ".
 *  - a response with no request pending (mid-stream pick-up, lost request,
 *    a server's unsolicited 408) is reported as a transaction of its own:
 *    method "", url NULL, HTTP_ANOM_NO_REQUEST, and counted in
 *    orphan_responses.  A response cannot belong to a request whose first
 *    byte came later than the response's first byte.
 *  - 1xx responses other than 101 are not final: the transaction keeps
 *    waiting for the final response (resp_ts_us is the first byte of the
 *    first response, 1xx included; resp_bytes counts them too).
 *  - CONNECT answered 2xx, and 101 Switching Protocols: the connection is a
 *    tunnel from then on; nothing more is parsed in either direction.  A
 *    CONNECT/Upgrade refused (407, 401, 200 without upgrade...) keeps the
 *    connection parsed as HTTP: what the client sent before the answer is
 *    held (up to 64 KiB) and parsed then, in wire order.
 *  - gaps: a gap inside a body whose length is known (Content-Length, a
 *    chunk) or that runs to the close is skipped without losing the
 *    message framing; the transaction gets HTTP_ANOM_GAP.  Any other gap,
 *    or a parse error, restarts that direction at the next message start
 *    (a known method + space, or "HTTP/1." for responses, at a line start
 *    or at the first byte of a segment; on the response side "HTTP/1."
 *    anywhere, so junk after a body does not hide the next status line).
 *    A request is queued only once llhttp accepted its method, a response
 *    takes its request only once llhttp accepted its status code: junk
 *    that fails to parse never takes part in pairing.
 *    Request side: the request that lost bytes is closed with
 *    HTTP_ANOM_GAP; a gap between requests stands for one lost request (a
 *    transaction with method "" and HTTP_ANOM_GAP, so that responses
 *    still pair).  Response side: the transaction whose response lost
 *    bytes is closed (its status if the status line was seen, else -1);
 *    the first response after the restart goes to the LATEST pending
 *    request whose first byte is not later than the response's first byte
 *    (among requests with the same timestamp, the earliest); requests
 *    before it are closed unanswered with HTTP_ANOM_GAP.  This is exact
 *    for keep-alive without pipelining whatever the number of responses
 *    lost; with pipelined requests sent in separate segments a lost whole
 *    response can shift the pairing, and those transactions carry
 *    HTTP_ANOM_GAP.  After a parse error (no bytes lost) pairing stays FIFO.
 *    On a side picked up mid-stream, bytes before its first status line
 *    are the tail of the oldest pending request's response when that
 *    request came first (closed like a gap).  These rules take the
 *    timestamps given to http_conn_data as the time each byte was seen.
 *  - at most HTTP_PIPELINE_MAX requests wait for their responses.  When
 *    one more comes, the oldest is reported at once (status -1,
 *    HTTP_ANOM_PIPELINE_CAP), so a one-sided capture still reports every
 *    request whole; if its response comes later it is reported on its own
 *    (method "", HTTP_ANOM_PIPELINE_CAP) and pairing stays FIFO.  (Only
 *    while the oldest's response is being read are newer requests reported
 *    that way instead.)
 *  - more than HTTP_HEADERS_MAX header lines in a message, or a header line
 *    (other than the four auth headers) longer than HTTP_HEADER_LINE_MAX:
 *    HTTP_ANOM_HEADER_LIMIT; parsing goes on, nothing is buffered, memory
 *    per connection stays bounded, and all of http/ under its memcap
 *    (http_set_memcap).
 *  - statistics: conns == conns_http + conns_not_http once every connection
 *    is closed; a connection is HTTP when either direction starts (or, when
 *    no SYN was seen, has a line starting within its first 64 KiB) with a
 *    request or "HTTP/1."; requests counts every request whose method
 *    llhttp accepted, responses every final response (1xx not counted).
 */
#ifndef AUTHSCOPE_HTTP_H
#define AUTHSCOPE_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "../capture/capture.h"

#define HTTP_METHOD_MAX   32
#define HTTP_URL_MAX      8192
#define HTTP_FIELD_MAX    1024     /* Host, User-Agent, Content-Type... */
#define HTTP_AUTH_MAX     65536    /* one auth header value */
#define HTTP_CHALLENGES_MAX 8      /* WWW-/Proxy-Authenticate lines kept */
#define HTTP_PIPELINE_MAX 32       /* requests waiting for a response, kept whole */
#define HTTP_HEADERS_MAX  512      /* header lines per message before HEADER_LIMIT */
#define HTTP_HEADER_LINE_MAX 65536 /* one non-auth header line before HEADER_LIMIT */
#define HTTP_MEMCAP_DEFAULT (256ull << 20) /* all copies, all connections */

/* anomaly bits, set on the transaction */
#define HTTP_ANOM_GAP          0x0001u  /* bytes lost inside this tx */
#define HTTP_ANOM_URL_CUT      0x0002u
#define HTTP_ANOM_FIELD_CUT    0x0004u
#define HTTP_ANOM_AUTH_CUT     0x0008u
#define HTTP_ANOM_PARSE_ERROR  0x0010u  /* llhttp rejected the stream */
#define HTTP_ANOM_HEADER_LIMIT 0x0020u  /* too many headers / line too long */
#define HTTP_ANOM_NO_REQUEST   0x0040u  /* response with no request seen */
#define HTTP_ANOM_PIPELINE_CAP 0x0080u  /* too many pending requests */

struct http_str {
	char *s;       /* NUL-terminated, NULL when absent */
	size_t len;
};

struct http_tx {
	uint64_t flow_id;
	uint32_t tx_id;                 /* 0-based within the connection */
	uint64_t req_ts_us;             /* first byte of the request */
	uint64_t resp_ts_us;            /* first byte of the response, 0 none */
	uint64_t resp_end_ts_us;        /* last byte of the response, 0 none */

	/* endpoints with the roles worked out: client sent the request */
	int family;
	uint8_t cli_ip[16], srv_ip[16];
	uint16_t cli_port, srv_port;

	char method[HTTP_METHOD_MAX];
	struct http_str url;            /* as sent: origin-form, absolute, authority */
	struct http_str host;
	struct http_str user_agent;
	struct http_str referer;
	char protocol[16];              /* "HTTP/1.1" */
	int status;                     /* -1 when no response */
	char resp_protocol[16];
	struct http_str reason;         /* status phrase */

	struct http_str authorization;          /* request */
	struct http_str proxy_authorization;    /* request */
	struct http_str www_authenticate[HTTP_CHALLENGES_MAX];   /* response */
	int n_www_authenticate;
	struct http_str proxy_authenticate[HTTP_CHALLENGES_MAX]; /* response */
	int n_proxy_authenticate;
	struct http_str x_forwarded_for;        /* request, for verify */
	struct http_str persistent_auth;        /* response "Persistent-Auth" */
	struct http_str connection_hdr;         /* response "Connection" */

	uint64_t req_body_bytes;
	uint64_t resp_body_bytes;
	uint64_t req_bytes;             /* whole request on the wire */
	uint64_t resp_bytes;            /* whole response on the wire */
	unsigned anomalies;             /* HTTP_ANOM_* */
};

struct http_stats {
	uint64_t conns;                 /* connections handed to http/ */
	uint64_t conns_http;            /* recognised as HTTP */
	uint64_t conns_not_http;
	uint64_t requests;
	uint64_t responses;
	uint64_t unanswered;            /* requests flushed with status -1 */
	uint64_t orphan_responses;      /* responses with no request */
	uint64_t parse_errors;
	uint64_t resyncs;               /* direction restarted after a gap/error */
	uint64_t tunnels;               /* CONNECT 2xx / Upgrade: stopped parsing */
	uint64_t cut_fields;
	uint64_t mem_bytes;             /* now held by copies, queues, holds */
	uint64_t mem_refused;           /* allocations refused by the memcap */
};

struct http_callbacks {
	void *user;
	/* conn_user is what the caller passed to http_conn_new */
	void (*tx_done)(void *user, void *conn_user, const struct http_tx *tx);
};

struct http_ctx;     /* shared by all connections: callbacks, stats, caps */
struct http_conn;

struct http_ctx *http_ctx_new(const struct http_callbacks *cb);
void http_ctx_free(struct http_ctx *h);
const struct http_stats *http_get_stats(const struct http_ctx *h);
/*
 * Cap on what http/ holds for all connections together (copied strings,
 * pending requests, bytes held during CONNECT/Upgrade); 0 = default.
 * Over it, copies are cut (HTTP_ANOM_*_CUT / HEADER_LIMIT), requests that
 * cannot be queued are still paired but reported without their fields (as
 * for the pipeline cap: HTTP_ANOM_PIPELINE_CAP), and mem_refused counts.
 * The connection structs themselves (under 2 KiB each) are not included:
 * capture/ charges those per flow.
 */
void http_set_memcap(struct http_ctx *h, uint64_t bytes);

struct http_conn *http_conn_new(struct http_ctx *h, const struct flow_info *fi,
				void *conn_user);
void http_conn_data(struct http_conn *c, enum cap_dir dir,
		    const uint8_t *data, size_t len, uint64_t ts_us);
void http_conn_gap(struct http_conn *c, enum cap_dir dir, uint64_t gap_bytes,
		   uint64_t ts_us);
/* flushes every pending transaction, then frees c */
void http_conn_close(struct http_conn *c, uint64_t ts_us);

#endif
