/*
 * capbench - throughput of capture/ against the floor: a bare libpcap
 * read loop over the same file.  Not part of the program.
 *   capbench FILE [ROUNDS]
 * Prints packets/s for each and the ratio; each is the best of ROUNDS
 * (default 3) so a busy machine disturbs the figure less.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "capture/capture.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bare_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *d)
{
	uint64_t *acc = (uint64_t *)user;
	acc[0]++;
	acc[1] += h->caplen + d[0];    /* touch the packet like a decoder would */
}

static double run_bare(const char *path, uint64_t *pkts)
{
	char err[PCAP_ERRBUF_SIZE];
	uint64_t acc[2] = { 0, 0 };
	double t0 = now_s();
	pcap_t *p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "capbench: %s\n", err);
		exit(2);
	}
	pcap_dispatch(p, -1, bare_cb, (u_char *)acc);
	pcap_close(p);
	*pkts = acc[0];
	return now_s() - t0;
}

static uint64_t sink_bytes;

static void *on_open(void *u, const struct flow_info *fi) { (void)u; (void)fi; return NULL; }
static void on_data(void *u, void *f, enum cap_dir d, const uint8_t *p, size_t n, uint64_t ts)
{
	(void)u; (void)f; (void)d; (void)ts;
	sink_bytes += n + (n ? p[0] : 0);
}

static double run_cap(const char *path, uint64_t *pkts, uint64_t *flows)
{
	char err[512];
	struct cap_callbacks cb = { .flow_open = on_open, .flow_data = on_data };
	struct cap_config cfg = { 0 };
	double t0 = now_s();
	struct capture *c = cap_open_files(&path, 1, &cfg, &cb, err, sizeof(err));
	if (!c) {
		fprintf(stderr, "capbench: %s\n", err);
		exit(2);
	}
	if (cap_run(c, err, sizeof(err)) < 0)
		fprintf(stderr, "capbench: %s\n", err);
	cap_flush(c);
	*pkts = cap_get_stats(c)->packets;
	*flows = cap_get_stats(c)->flows;
	cap_close(c);
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: capbench FILE [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	double best_bare = 1e30, best_cap = 1e30;
	uint64_t pkts = 0, cpkts = 0, flows = 0;
	for (int i = 0; i < rounds; i++) {
		double b = run_bare(argv[1], &pkts);
		double c = run_cap(argv[1], &cpkts, &flows);
		if (b < best_bare)
			best_bare = b;
		if (c < best_cap)
			best_cap = c;
	}
	printf("packets %llu flows %llu\n", (unsigned long long)pkts, (unsigned long long)flows);
	printf("bare pcap_dispatch: %.3f s  %.0f pkt/s\n", best_bare, (double)pkts / best_bare);
	printf("cap_run:            %.3f s  %.0f pkt/s\n", best_cap, (double)cpkts / best_cap);
	printf("ratio cap_run/bare: %.2f\n", best_bare / best_cap);
	return 0;
}
