/*
 * handshake.h - rebuild every authentication exchange per connection.
 *
 * Transactions of one connection go in, in request order (http/ promises
 * that); records come out through the sink: one struct as_http per
 * transaction, at once, and one struct as_auth when a handshake finishes
 * (success or failure).  State is kept per connection and separately for
 * the origin server (401 / WWW-Authenticate / Authorization) and a proxy
 * (407 / Proxy-Authenticate / Proxy-Authorization), the way curl keeps it.
 *
 * What a caller may rely on:
 *  - a request's user is only ever a name its own credentials carried, or
 *    the name of the connection's earlier successful handshake
 *    (inherited = true); never a guess from another connection.
 *  - a Type 3 whose Type 2 was not seen on its connection still names its
 *    user, with anomaly "challenge_not_seen" or, when the challenge went
 *    out on another connection, "challenge_on_other_connection".
 *  - challenge legs are result "pending"; the leg with the final
 *    credentials gets "success" or "failure" from the server's answer
 *    (401/407 = failure; any other final status = success; none = pending
 *    with anomaly "outcome_not_seen": the identity is then lent to later
 *    requests on the connection, each marked "outcome_not_seen", until a
 *    401/407 shows the server did not accept it).
 */
#ifndef AUTHSCOPE_HANDSHAKE_H
#define AUTHSCOPE_HANDSHAKE_H

#include <stdint.h>

#include "../http/http.h"
#include "record.h"

struct krbtkt;

struct hs_sink {
	void *user;
	void (*on_http)(void *user, const struct as_http *r);
	void (*on_auth)(void *user, const struct as_auth *a);
};

struct hs_stats {
	uint64_t handshakes;            /* started */
	uint64_t success, failure;
	uint64_t incomplete;            /* cut by the end of the connection */
	uint64_t inherited;             /* requests given the connection's user */
	uint64_t tokens_bad;            /* undecodable tokens (anomaly named) */
	uint64_t challenge_not_seen;
	uint64_t challenge_other_conn;
	uint64_t krb_decrypted, krb_undecrypted;
	uint64_t mem_bytes;             /* names kept by open connections (the
					   layers below count it against --memcap) */
};

struct hs_ctx;
struct hs_conn;

/* kt may be NULL (no --keytab) */
struct hs_ctx *hs_ctx_new(const struct hs_sink *sink, struct krbtkt *kt);
void hs_ctx_free(struct hs_ctx *h);
/* the live counters: the pointer stays valid (and current) until hs_ctx_free */
const struct hs_stats *hs_get_stats(const struct hs_ctx *h);

struct hs_conn *hs_conn_new(struct hs_ctx *h, uint64_t flow_id);
void hs_conn_tx(struct hs_conn *c, const struct http_tx *tx);
void hs_conn_close(struct hs_conn *c);

#endif
