/*
 * krbdec - test driver for ntlm/krbtkt: open keytabs, then for every
 * base64 Negotiate token on the command line print what krbtkt_decrypt
 * found, one line per token:
 *
 *   client=alice realm=R anomaly=- auth_client=alice auth_realm=R
 *   flags=0x... authtime=N endtime=N ctime=N times_now=- detail=...
 *
 * (times_now: krbtkt_check_times against the current clock)
 *
 *   krbdec -k KEYTAB [-k KEYTAB...] [-n N] [TOKEN...]
 *
 * -n N decrypts each token N more times and prints the mean time per
 * krbtkt_decrypt call to stderr (the figure in the module's report).
 *
 * A TOKEN is a header value ("Negotiate YII...") or bare base64; it goes
 * through auth_token_decode (ntlm/token.h) as in authscope, which finds
 * the AP-REQ in the GSS / SPNEGO framing.  Exit 2 (message on stderr)
 * when a keytab cannot be opened, as authscope does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ntlm/krbtkt.h"
#include "ntlm/token.h"

#define MAX_KT 8

static const char *s(const char *x)
{
	return x ? x : "-";
}

int main(int argc, char **argv)
{
	const char *kts[MAX_KT];
	int nkt = 0, i = 1;
	char err[512];
	struct krbtkt *k;

	long reps = 0;

	for (; i + 1 < argc && nkt < MAX_KT; i += 2) {
		if (strcmp(argv[i], "-k") == 0)
			kts[nkt++] = argv[i + 1];
		else if (strcmp(argv[i], "-n") == 0)
			reps = atol(argv[i + 1]);
		else
			break;
	}
	k = krbtkt_open(kts, nkt, err, sizeof err);
	if (!k) {
		fprintf(stderr, "krbdec: %s\n", err);
		return 2;
	}
	printf("keys=%zu\n", krbtkt_key_count(k));
	for (; i < argc; i++) {
		struct auth_token tok;
		struct krb_info *ki = &tok.krb;
		char *val = NULL;

		if (asprintf(&val, "%s%s", strncmp(argv[i], "Negotiate ", 10) ? "Negotiate " : "",
			     argv[i]) < 0)
			return 1;
		memset(&tok, 0, sizeof tok);
		auth_token_decode(val, strlen(val), 0, &tok);
		if (!ki->ap_req) {
			printf("no_apreq %s\n", s(tok.anomaly));
		} else {
			krbtkt_decrypt(k, ki);
			printf("client=%s realm=%s anomaly=%s auth_client=%s auth_realm=%s flags=0x%08x "
			       "authtime=%lld endtime=%lld ctime=%lld times_now=%s detail=%s\n",
			       s(ki->client), s(ki->client_realm), s(ki->decrypt_anomaly),
			       s(ki->authenticator_client), s(ki->authenticator_realm), ki->tkt_flags,
			       (long long)ki->tkt_authtime, (long long)ki->tkt_endtime,
			       (long long)ki->auth_ctime,
			       s(krbtkt_check_times(ki, (int64_t)time(NULL), 300)), s(ki->decrypt_detail));
		}
		if (ki->ap_req && reps > 0) {
			struct timespec t0, t1;
			long r;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			for (r = 0; r < reps; r++)
				krbtkt_decrypt(k, ki);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			fprintf(stderr, "krbdec: %.2f us per krbtkt_decrypt (%ld runs)\n",
				((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / reps, reps);
		}
		krbtkt_info_free(ki);   /* harmless if auth_token_free does it too */
		auth_token_free(&tok);
		free(val);
	}
	krbtkt_close(k);
	return 0;
}
