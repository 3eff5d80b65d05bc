/*
 * handshake.c - per-connection authentication state (see handshake.h).
 *
 * Each connection has two sides, origin and proxy, each a small state
 * machine: NONE -> NEGOTIATED (Type 1 sent) -> CHALLENGED (Type 2 seen)
 * -> AUTHENTICATED / NONE.  One-leg schemes (Kerberos, Basic, Digest) go
 * from NONE straight to AUTHENTICATED or NONE.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "handshake.h"
#include "krbtkt.h"
#include "token.h"

enum hs_state { HS_NONE, HS_NEGOTIATED, HS_CHALLENGED, HS_AUTHENTICATED };
enum { SIDE_ORIGIN = 0, SIDE_PROXY = 1 };

/* a Type 2 seen recently anywhere, to explain a Type 3 that arrives on a
   connection other than its challenge's */
#define RECENT_CHALLENGES 1024

struct recent_challenge {
	uint64_t av_timestamp;           /* MsvAvTimestamp of the Type 2 */
	uint64_t flow_id;
};

/* strings a side sets and drops together: one allocation for all */
#define HS_NAMES_MAX 6
struct hs_names {
	const char *v[HS_NAMES_MAX];     /* NULL when absent */
	char *block;                     /* owns every v[i] */
	uint64_t bytes;                  /* strlen + 1 of each v[i] */
};

/* what the Type 2 said about the server */
enum { SRV_NB_DOMAIN, SRV_NB_COMPUTER, SRV_DNS_DOMAIN, SRV_DNS_COMPUTER, SRV_N };
/* the identity, kept for later requests on the connection */
enum { ID_USER, ID_DOMAIN, ID_WORKSTATION, ID_PASSWORD_TYPE, ID_KRB_SNAME,
       ID_KRB_REALM, ID_N };

struct hs_side {
	enum hs_state state;
	uint64_t handshake_id;
	int legs;
	bool saw_gap;
	bool unconfirmed;                /* AUTHENTICATED, final answer unseen */
	/* auth_scheme_name / auth_mech_name: static strings, not copied */
	const char *scheme, *mech;
	uint64_t how_bytes;              /* counted as copies used to be */
	struct hs_names srv;             /* SRV_* */
	uint64_t challenge_ts;           /* MsvAvTimestamp of the Type 2 */
	bool have_challenge;
	struct hs_names id;              /* ID_* */
	int krb_etype;
	uint64_t bytes;                  /* the three groups' bytes */
};

struct hs_conn {
	struct hs_ctx *ctx;
	uint64_t flow_id;
	struct hs_side side[2];
	uint64_t mem_bytes;              /* its share of ctx->st.mem_bytes */
};

struct hs_ctx {
	struct hs_sink sink;
	struct krbtkt *kt;
	struct hs_stats st;
	uint64_t next_handshake_id;
	struct recent_challenge recent[RECENT_CHALLENGES];
	unsigned recent_next;
	struct hs_tx *scratch;           /* one transaction at a time */
};

/* per-transaction working set: what the record will point to */
struct hs_tx {
	const struct http_tx *tx;
	struct hs_conn *c;
	int sidx;
	bool cred_decoded;               /* cred holds a decode to free */
	struct auth_token cred;          /* the request's credentials */
	struct auth_token chal[HTTP_CHALLENGES_MAX];
	int n_chal;
	struct as_http rec;
	struct as_auth auth;             /* sent after rec, when have_auth */
	bool have_auth;
	char anomaly[160];
};

static void names_clear(struct hs_side *s, struct hs_names *g)
{
	free(g->block);
	s->bytes -= g->bytes;
	memset(g, 0, sizeof(*g));
}

/*
 * Every string a side keeps goes through here, a group at a time (src[i]
 * NULL: absent): one allocation instead of one per name, and the side's
 * byte count follows, so accounting a connection never walks its
 * strings.  The bytes counted are what separate copies would take.
 */
static void names_set(struct hs_side *s, struct hs_names *g,
		      const char *const *src, int n)
{
	size_t len[HS_NAMES_MAX], total = 0;
	char *block = NULL, *p;

	for (int i = 0; i < n; i++) {
		len[i] = src[i] ? strlen(src[i]) + 1 : 0;
		total += len[i];
	}
	if (total)
		block = malloc(total);
	names_clear(s, g);
	if (!block)
		return;
	p = block;
	for (int i = 0; i < n; i++) {
		if (!len[i])
			continue;
		memcpy(p, src[i], len[i]);
		g->v[i] = p;
		p += len[i];
	}
	g->block = block;
	g->bytes = total;
	s->bytes += total;
}

static void side_forget_identity(struct hs_side *s)
{
	names_clear(s, &s->id);
	s->krb_etype = -1;
}

static void side_forget_server(struct hs_side *s)
{
	names_clear(s, &s->srv);
	s->have_challenge = false;
	s->challenge_ts = 0;
}

static void side_free(struct hs_side *s)
{
	side_forget_identity(s);
	side_forget_server(s);
	s->bytes -= s->how_bytes;
	s->how_bytes = 0;
	s->scheme = s->mech = NULL;
}

struct hs_ctx *hs_ctx_new(const struct hs_sink *sink, struct krbtkt *kt)
{
	struct hs_ctx *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->sink = *sink;
	h->kt = kt;
	h->next_handshake_id = 1;
	/* zeroed once; the tokens need no clearing between transactions:
	   auth_token_decode starts each from zero, and only the decoded
	   ones are read (cred when cred_decoded, chal[0..n_chal)) */
	h->scratch = calloc(1, sizeof(*h->scratch));
	if (!h->scratch) {
		free(h);
		return NULL;
	}
	return h;
}

void hs_ctx_free(struct hs_ctx *h)
{
	if (h)
		free(h->scratch);
	free(h);
}

const struct hs_stats *hs_get_stats(const struct hs_ctx *h)
{
	return &h->st;
}

struct hs_conn *hs_conn_new(struct hs_ctx *h, uint64_t flow_id)
{
	static const struct hs_conn fresh = {
		.side = { [0].krb_etype = -1, [1].krb_etype = -1 },
	};
	/* malloc and a copy of a clean one, not calloc (nor malloc +
	   memset, which the compiler turns into calloc): glibc's calloc
	   skips the thread cache, and a connection is opened about every
	   time one is closed */
	struct hs_conn *c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = fresh;
	c->ctx = h;
	c->flow_id = flow_id;
	return c;
}

/* the strings a connection keeps: a hostile peer can make each name
   tens of KB, so they are counted (tests/hostile: bignames) */
static void conn_account(struct hs_conn *c)
{
	uint64_t now = c->side[0].bytes + c->side[1].bytes;
	c->ctx->st.mem_bytes -= c->mem_bytes;
	c->ctx->st.mem_bytes += now;
	c->mem_bytes = now;
}

void hs_conn_close(struct hs_conn *c)
{
	if (!c)
		return;
	c->ctx->st.mem_bytes -= c->mem_bytes;
	for (int i = 0; i < 2; i++) {
		if (c->side[i].state == HS_NEGOTIATED || c->side[i].state == HS_CHALLENGED)
			c->ctx->st.incomplete++;
		side_free(&c->side[i]);
	}
	free(c);
}

/* append ",name" (cut to what fits, as snprintf would) */
static void add_anomaly(struct hs_tx *t, const char *name)
{
	size_t n = strlen(t->anomaly), k, room;
	char *p = t->anomaly + n;

	if (!name || strstr(t->anomaly, name))
		return;
	room = sizeof(t->anomaly) - n - 1;
	if (n && room) {
		*p++ = ',';
		room--;
	}
	k = strlen(name);
	if (k > room)
		k = room;
	memcpy(p, name, k);
	p[k] = '\0';
}

static bool is_challenge_status(int status, int sidx)
{
	return sidx == SIDE_PROXY ? status == 407 : status == 401;
}

/* the request's credentials and which side they talk to */
static void pick_side(struct hs_tx *t)
{
	const struct http_tx *tx = t->tx;
	bool has_auth = tx->authorization.s != NULL;
	bool has_proxy = tx->proxy_authorization.s != NULL;
	const struct http_str *v = NULL;

	if (has_proxy && (!has_auth || tx->status == 407)) {
		t->sidx = SIDE_PROXY;
		v = &tx->proxy_authorization;
	} else if (has_auth) {
		t->sidx = SIDE_ORIGIN;
		v = &tx->authorization;
	} else if (tx->status == 407 ||
		   (t->c->side[SIDE_PROXY].state == HS_AUTHENTICATED &&
		    t->c->side[SIDE_ORIGIN].state != HS_AUTHENTICATED)) {
		t->sidx = SIDE_PROXY;
	} else {
		t->sidx = SIDE_ORIGIN;
	}
	if (v) {
		auth_token_decode(v->s, v->len, AUTH_LEAN, &t->cred);
		t->cred_decoded = true;
	} else
		t->cred.scheme = SCHEME_NONE;
}

static void decode_challenges(struct hs_tx *t)
{
	const struct http_tx *tx = t->tx;
	const struct http_str *hv = t->sidx == SIDE_PROXY ? tx->proxy_authenticate : tx->www_authenticate;
	int n = t->sidx == SIDE_PROXY ? tx->n_proxy_authenticate : tx->n_www_authenticate;

	for (int i = 0; i < n && t->n_chal < HTTP_CHALLENGES_MAX; i++) {
		if (!hv[i].s)
			continue;
		t->n_chal += auth_challenges_decode(hv[i].s, hv[i].len, AUTH_LEAN, t->chal + t->n_chal,
						    HTTP_CHALLENGES_MAX - t->n_chal);
	}
}

/* the Type 2 among the response's challenges, if any */
static const struct auth_token *find_type2(const struct hs_tx *t)
{
	for (int i = 0; i < t->n_chal; i++)
		if (t->chal[i].mech == MECH_NTLMSSP && t->chal[i].ntlm.type == 2)
			return &t->chal[i];
	return NULL;
}

/* a Negotiate answer saying reject, or a Kerberos error */
static bool challenge_rejects(const struct hs_tx *t)
{
	for (int i = 0; i < t->n_chal; i++) {
		if (t->chal[i].spnego.token == 2 && t->chal[i].spnego.neg_state == 2)
			return true;
		if (t->chal[i].mech == MECH_KERBEROS && t->chal[i].krb.msg_type == 30)
			return true;
	}
	return false;
}

static void remember_challenge(struct hs_ctx *h, const struct ntlm_msg *m, uint64_t flow_id)
{
	struct recent_challenge *r;
	if (!m->av_timestamp)
		return;
	r = &h->recent[h->recent_next++ % RECENT_CHALLENGES];
	r->av_timestamp = m->av_timestamp;
	r->flow_id = flow_id;
}

/*
 * A Type 3 does not carry the server challenge, but an NTLMv2 response is
 * keyed on it and the v2 blob copies the Type 2's timestamp; a match on
 * the timestamp is what ties the Type 3 to a challenge seen elsewhere.
 * With neither we can only say the challenge was not seen.
 */
static bool challenge_elsewhere(struct hs_ctx *h, const struct ntlm_msg *t3, uint64_t flow_id)
{
	if (!t3->av_timestamp)
		return false;
	for (unsigned i = 0; i < RECENT_CHALLENGES; i++)
		if (h->recent[i].av_timestamp == t3->av_timestamp &&
		    h->recent[i].flow_id != flow_id)
			return true;
	return false;
}

static const char *result_of(int status, int sidx)
{
	if (status < 0)
		return "pending";
	return is_challenge_status(status, sidx) ? "failure" : "success";
}

static void start_handshake(struct hs_tx *t, struct hs_side *s)
{
	struct hs_ctx *h = t->c->ctx;
	if (s->state == HS_NEGOTIATED || s->state == HS_CHALLENGED)
		add_anomaly(t, "handshake_restarted");
	side_forget_identity(s);
	side_forget_server(s);
	s->handshake_id = h->next_handshake_id++;
	s->legs = 0;
	s->saw_gap = false;
	s->unconfirmed = false;
	h->st.handshakes++;
	s->scheme = auth_scheme_name(t->cred.scheme);
	s->mech = auth_mech_name(t->cred.mech);
	/* the byte count (--memcap) stays what it was when these were
	   copies, so eviction decisions do not move */
	s->bytes -= s->how_bytes;
	s->how_bytes = (s->scheme ? strlen(s->scheme) + 1 : 0) +
		       (s->mech ? strlen(s->mech) + 1 : 0);
	s->bytes += s->how_bytes;
}

static void emit_auth(struct hs_tx *t, struct hs_side *s, const char *result)
{
	const struct http_tx *tx = t->tx;
	struct hs_ctx *h = t->c->ctx;
	struct as_auth *ap = &t->auth, a;
	bool ok = strcmp(result, "success") == 0;

	if (ok)
		h->st.success++;
	else
		h->st.failure++;
	memset(&a, 0, sizeof(a));
	a.timestamp_us = tx->resp_ts_us ? tx->resp_ts_us : tx->req_ts_us;
	a.flow_id = tx->flow_id;
	a.handshake_id = s->handshake_id;
	a.family = tx->family;
	memcpy(a.cli_ip, tx->cli_ip, 16);
	memcpy(a.srv_ip, tx->srv_ip, 16);
	a.cli_port = tx->cli_port;
	a.srv_port = tx->srv_port;
	a.proxy = t->sidx == SIDE_PROXY;
	a.scheme = t->rec.scheme;
	a.mech = t->rec.mech;
	a.auth_description = t->rec.mech ? t->rec.mech : t->rec.scheme;
	a.status = ok ? "NT_STATUS_OK" :
		   t->rec.mech && !strcmp(t->rec.mech, "Kerberos") ? "NT_STATUS_ACCESS_DENIED" :
		   "NT_STATUS_LOGON_FAILURE";
	a.result = result;
	a.user = t->rec.user;
	a.domain = t->rec.domain;
	a.workstation = t->rec.workstation;
	a.password_type = t->rec.password_type;
	a.server_nb_domain = s->srv.v[SRV_NB_DOMAIN];
	a.server_nb_computer = s->srv.v[SRV_NB_COMPUTER];
	a.server_dns_domain = s->srv.v[SRV_DNS_DOMAIN];
	a.server_dns_computer = s->srv.v[SRV_DNS_COMPUTER];
	a.krb_sname = t->rec.krb_sname;
	a.krb_realm = t->rec.krb_realm;
	a.krb_etype = t->rec.krb_etype;
	a.legs = s->legs;
	a.final_status = tx->status;
	a.method = tx->method;
	a.url = tx->url.s;
	a.hostname = tx->host.s;
	*ap = a;
	t->have_auth = true;
}

/* the record's identity fields point at the side's kept copy */
static void rec_identity_from_side(struct hs_tx *t, const struct hs_side *s)
{
	t->rec.user = s->id.v[ID_USER];
	t->rec.domain = s->id.v[ID_DOMAIN];
	t->rec.workstation = s->id.v[ID_WORKSTATION];
	t->rec.password_type = s->id.v[ID_PASSWORD_TYPE];
	t->rec.krb_sname = s->id.v[ID_KRB_SNAME];
	t->rec.krb_realm = s->id.v[ID_KRB_REALM];
	t->rec.krb_etype = s->krb_etype;
}

static void finish(struct hs_tx *t, struct hs_side *s)
{
	const char *res = result_of(t->tx->status, t->sidx);
	if (challenge_rejects(t))
		res = "failure";
	t->rec.result = res;
	rec_identity_from_side(t, s);
	if (!strcmp(res, "pending")) {
		/*
		 * The server's answer was not captured (lossy capture, end of
		 * input).  The credentials still name who tried; if the client
		 * goes on using the connection, later requests are lent the
		 * identity, marked unconfirmed, until a 401/407 says otherwise.
		 */
		add_anomaly(t, "outcome_not_seen");
		s->state = HS_AUTHENTICATED;
		s->unconfirmed = true;
		t->c->ctx->st.incomplete++;
		return;
	}
	s->unconfirmed = false;
	emit_auth(t, s, res);
	/* a failed identity stays in the side until the next handshake:
	   the record still points at it, and NONE never lends it out */
	s->state = !strcmp(res, "success") ? HS_AUTHENTICATED : HS_NONE;
}

static void on_ntlm_type1(struct hs_tx *t, struct hs_side *s)
{
	const struct auth_token *t2;

	start_handshake(t, s);
	s->legs = 1;
	s->state = HS_NEGOTIATED;
	t2 = find_type2(t);
	if (t2) {
		const struct ntlm_msg *m = &t2->ntlm;
		s->state = HS_CHALLENGED;
		s->have_challenge = true;
		s->challenge_ts = m->av_timestamp;
		const char *srv[SRV_N] = {
			[SRV_NB_DOMAIN] = m->nb_domain,
			[SRV_NB_COMPUTER] = m->nb_computer,
			[SRV_DNS_DOMAIN] = m->dns_domain,
			[SRV_DNS_COMPUTER] = m->dns_computer,
		};
		names_set(s, &s->srv, srv, SRV_N);
		remember_challenge(t->c->ctx, m, t->c->flow_id);
		t->rec.challenge_type = 2;
		t->rec.result = "pending";
	} else if (t->tx->status < 0) {
		t->rec.result = "pending";
		add_anomaly(t, "handshake_cut");
	} else if (is_challenge_status(t->tx->status, t->sidx)) {
		/* 401 with no Type 2: the server refused to negotiate */
		t->rec.result = "failure";
		add_anomaly(t, "no_challenge");
		emit_auth(t, s, "failure");
		s->state = HS_NONE;
	} else {
		/* IE sends a Type 1 up front; a page that allows anonymous
		   access answers it at once: no handshake, no user */
		t->rec.result = NULL;
		add_anomaly(t, "type1_not_challenged");
		s->state = HS_NONE;
	}
}

static void on_ntlm_type3(struct hs_tx *t, struct hs_side *s)
{
	const struct ntlm_msg *m = &t->cred.ntlm;
	struct hs_ctx *h = t->c->ctx;

	if (s->state != HS_CHALLENGED) {
		bool type1_here = s->state == HS_NEGOTIATED;
		if (!type1_here && challenge_elsewhere(h, m, t->c->flow_id)) {
			add_anomaly(t, "challenge_on_other_connection");
			h->st.challenge_other_conn++;
		} else {
			add_anomaly(t, "challenge_not_seen");
			h->st.challenge_not_seen++;
		}
		if (!type1_here)
			start_handshake(t, s);
	} else if (m->av_timestamp && s->challenge_ts && m->av_timestamp != s->challenge_ts) {
		add_anomaly(t, "challenge_mismatch");
	}
	s->legs++;
	side_forget_identity(s);
	const char *id[ID_N] = {
		[ID_USER] = !m->anonymous && m->user && m->user[0] ? m->user : NULL,
		[ID_DOMAIN] = m->domain && m->domain[0] ? m->domain : NULL,
		[ID_WORKSTATION] = m->workstation && m->workstation[0] ? m->workstation : NULL,
		[ID_PASSWORD_TYPE] = m->password_type,
	};
	names_set(s, &s->id, id, ID_N);
	finish(t, s);
}

static void on_kerberos(struct hs_tx *t, struct hs_side *s)
{
	struct hs_ctx *h = t->c->ctx;
	struct krb_info *k = &t->cred.krb;

	start_handshake(t, s);
	s->legs = 1;
	if (k->msg_type != 14) {
		add_anomaly(t, "krb_not_ap_req");
		t->rec.result = result_of(t->tx->status, t->sidx);
		return;
	}
	if (h->kt) {
		krbtkt_decrypt(h->kt, k);
		if (k->client) {
			h->st.krb_decrypted++;
			/* a ticket the server would refuse: skew, expired */
			add_anomaly(t, krbtkt_check_times(k, (int64_t)(t->tx->req_ts_us / 1000000), 300));
		} else {
			h->st.krb_undecrypted++;
		}
		/* the ticket may open while its authenticator does not, or
		   names someone else: the user is the ticket's, flagged */
		if (k->decrypt_anomaly)
			add_anomaly(t, k->decrypt_anomaly);
		else if (!k->client)
			add_anomaly(t, "krb_decrypt_failed");
	} else {
		h->st.krb_undecrypted++;
	}
	const char *id[ID_N] = {
		[ID_USER] = k->client,
		[ID_DOMAIN] = k->client ? (k->client_realm ? k->client_realm : k->realm) : k->realm,
		[ID_PASSWORD_TYPE] = "Kerberos",
		[ID_KRB_SNAME] = k->sname,
		[ID_KRB_REALM] = k->realm,
	};
	names_set(s, &s->id, id, ID_N);
	s->krb_etype = k->ticket_etype;
	finish(t, s);
}

static void on_one_leg(struct hs_tx *t, struct hs_side *s, const char *user,
		       const char *domain, const char *pwtype)
{
	start_handshake(t, s);
	s->legs = 1;
	const char *id[ID_N] = {
		[ID_USER] = user && user[0] ? user : NULL,
		[ID_DOMAIN] = domain,
		[ID_PASSWORD_TYPE] = pwtype,
	};
	names_set(s, &s->id, id, ID_N);
	finish(t, s);
	/* Basic and Digest authenticate each request, not the connection */
	if (s->state == HS_AUTHENTICATED)
		s->state = HS_NONE;
}

static void on_credentials(struct hs_tx *t)
{
	struct hs_side *s = &t->c->side[t->sidx];
	struct auth_token *c = &t->cred;

	t->rec.credentials = true;
	t->rec.scheme = auth_scheme_name(c->scheme);
	t->rec.mech = auth_mech_name(c->mech);
	if (c->anomaly) {
		add_anomaly(t, c->anomaly);
		t->c->ctx->st.tokens_bad++;
	}
	if (c->mech == MECH_NTLMSSP) {
		t->rec.ntlm_type = c->ntlm.type;
		if (c->ntlm.type == 1)
			on_ntlm_type1(t, s);
		else if (c->ntlm.type == 3)
			on_ntlm_type3(t, s);
		else
			add_anomaly(t, "ntlm_unexpected_type");
	} else if (c->mech == MECH_KERBEROS) {
		on_kerberos(t, s);
	} else if (c->scheme == SCHEME_BASIC) {
		on_one_leg(t, s, c->basic_user, NULL, "Plaintext");
	} else if (c->scheme == SCHEME_DIGEST) {
		on_one_leg(t, s, c->digest_username, c->digest_realm, NULL);
	} else {
		/* a scheme or mech we cannot read: the outcome, but no user */
		t->rec.result = result_of(t->tx->status, t->sidx);
		if (s->state == HS_AUTHENTICATED)
			side_forget_identity(s);
		s->state = HS_NONE;
	}
	if ((t->tx->anomalies & HTTP_ANOM_GAP) && s->handshake_id)
		add_anomaly(t, "gap_in_handshake");
}

/* no credentials on this request */
static void on_bare_request(struct hs_tx *t)
{
	struct hs_side *s = &t->c->side[t->sidx];
	int status = t->tx->status;

	if (s->state == HS_AUTHENTICATED) {
		if (is_challenge_status(status, t->sidx)) {
			/* the server no longer honours the connection's login */
			side_forget_identity(s);
			s->state = HS_NONE;
			return;
		}
		t->rec.scheme = s->scheme;
		t->rec.mech = s->mech;
		t->rec.inherited = true;
		t->rec.result = "success";
		if (s->unconfirmed)
			add_anomaly(t, "outcome_not_seen");
		t->rec.handshake_id = s->handshake_id;
		rec_identity_from_side(t, s);
		t->c->ctx->st.inherited++;
		return;
	}
	if (s->state == HS_CHALLENGED || s->state == HS_NEGOTIATED) {
		/* a request in the middle of a handshake without its next leg */
		add_anomaly(t, "handshake_abandoned");
		s->state = HS_NONE;
		t->c->ctx->st.incomplete++;
	}
}

void hs_conn_tx(struct hs_conn *c, const struct http_tx *tx)
{
	struct hs_ctx *h = c->ctx;
	struct hs_tx *t = h->scratch;

	/* everything but the tokens (see hs_ctx_new) */
	memset(t, 0, offsetof(struct hs_tx, cred));
	t->n_chal = 0;
	memset(&t->rec, 0, sizeof(t->rec));
	t->have_auth = false;   /* t->auth is only read when emit_auth filled it */
	t->anomaly[0] = '\0';
	t->tx = tx;
	t->c = c;
	t->rec.tx = tx;
	t->rec.krb_etype = -1;
	pick_side(t);
	t->rec.proxy = t->sidx == SIDE_PROXY;
	decode_challenges(t);
	for (int i = 0; i < t->n_chal; i++)
		if (t->chal[i].anomaly)
			add_anomaly(t, t->chal[i].anomaly);
	if (find_type2(t))
		t->rec.challenge_type = 2;
	if (t->cred.scheme != SCHEME_NONE)
		on_credentials(t);
	else
		on_bare_request(t);
	if (!t->rec.handshake_id && t->rec.credentials)
		t->rec.handshake_id = c->side[t->sidx].handshake_id;
	t->rec.anomaly = t->anomaly[0] ? t->anomaly : NULL;
	if (h->sink.on_http)
		h->sink.on_http(h->sink.user, &t->rec);
	/* the handshake's record follows the request that finished it */
	if (t->have_auth && h->sink.on_auth) {
		t->auth.anomaly = t->rec.anomaly;
		h->sink.on_auth(h->sink.user, &t->auth);
	}
	if (t->cred_decoded)
		auth_token_free(&t->cred);
	for (int i = 0; i < t->n_chal; i++)
		auth_token_free(&t->chal[i]);
	conn_account(c);
}
