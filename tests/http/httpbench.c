/*
 * httpbench - CPU cost of http/ alone: 2000 keep-alive connections x 100
 * NTLM-authenticated GETs with IIS-like 200 responses (1500-byte bodies,
 * each response in two segments).  The messages are hand-built.  Prints
 * transactions and MB per CPU second (CPU time, so a loaded machine does
 * not skew it much).
 *
 *   build/tests/http/httpbench
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "http/http.h"

static const char req[] =
	"GET /sites/team/Shared%20Documents/report.docx?web=1 HTTP/1.1\r\n"
	"Host: intranet.example.com\r\n"
	"User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
	"Accept-Language: en-US,en;q=0.5\r\n"
	"Accept-Encoding: gzip, deflate\r\n"
	"Cookie: WSS_FullScreenMode=false; a=b; c=d\r\n"
	"Authorization: NTLM TlRMTVNTUAADAAAAGAAYAHAAAAAYABgAiAAAABQAFABAAAAADAAMAF"
	"QAAAAQABAAYAAAABAAEACgAAAAFYKI4gYBsR0AAAAPRABPAE0AQQBJAE4AdQBzAGUAcgBXAE8A"
	"UgBLAFMAVABBAFQASQBPAE4A\r\n"
	"Connection: keep-alive\r\n\r\n";

static unsigned long ntx;

static void on_tx(void *user, void *conn_user, const struct http_tx *t)
{
	(void)user;
	(void)conn_user;
	if (t->status > 0)
		ntx++;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	static char resp[4096];
	char body[1500];
	struct http_callbacks cb = { .tx_done = on_tx };
	struct flow_info fi;
	struct http_ctx *h;
	size_t req_len = strlen(req), resp_len, bytes = 0;
	int conns = 2000, per = 100, hl, c, i;
	uint64_t ts = 1;
	double t0, dt;

	memset(body, 'x', sizeof(body));
	hl = snprintf(resp, sizeof(resp),
		      "HTTP/1.1 200 OK\r\nCache-Control: private\r\n"
		      "Content-Type: text/html; charset=utf-8\r\nServer: Microsoft-IIS/10.0\r\n"
		      "Persistent-Auth: true\r\nX-Powered-By: ASP.NET\r\n"
		      "Date: Sun, 22 Nov 2026 03:00:00 GMT\r\nContent-Length: %zu\r\n\r\n",
		      sizeof(body));
	memcpy(resp + hl, body, sizeof(body));
	resp_len = (size_t)hl + sizeof(body);

	h = http_ctx_new(&cb);
	memset(&fi, 0, sizeof(fi));
	fi.family = AF_INET;
	fi.syn_seen = true;
	t0 = cpu_now();
	for (c = 0; c < conns; c++) {
		struct http_conn *hc = http_conn_new(h, &fi, NULL);
		for (i = 0; i < per; i++) {
			http_conn_data(hc, DIR_A_TO_B, (const uint8_t *)req, req_len, ts++);
			http_conn_data(hc, DIR_B_TO_A, (const uint8_t *)resp, 1460, ts++);
			http_conn_data(hc, DIR_B_TO_A, (const uint8_t *)resp + 1460,
				       resp_len - 1460, ts++);
			bytes += req_len + resp_len;
		}
		http_conn_close(hc, ts++);
	}
	dt = cpu_now() - t0;
	printf("%lu tx, %.1f MB in %.3f s CPU: %.0f tx/s, %.0f MB/s\n", ntx,
	       bytes / 1e6, dt, ntx / dt, bytes / 1e6 / dt);
	http_ctx_free(h);
	return ntx == (unsigned long)conns * per ? 0 : 1;
}
