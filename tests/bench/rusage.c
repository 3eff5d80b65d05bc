/*
 * rusage.c - run a command, report its wall time, CPU time and peak RSS.
 *
 *   rusage [-o FILE] CMD [ARG...]
 *
 * Prints one line to FILE (default stderr), after the command ends:
 *   wall_s=1.234567 user_s=1.100000 sys_s=0.100000 maxrss_kb=12345 exit=0
 * exit is the command's exit status, or 128+signal.  The command's own
 * stdin/stdout/stderr are left alone.  Exit status: the command's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out_path = argv[2];
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: rusage [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[first], argv + first);
		fprintf(stderr, "rusage: %s: %s\n", argv[first], strerror(errno));
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	FILE *o = out_path ? fopen(out_path, "w") : stderr;
	if (!o) {
		perror(out_path);
		return 2;
	}
	fprintf(o, "wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld exit=%d\n", wall,
		tv_s(ru.ru_utime), tv_s(ru.ru_stime), ru.ru_maxrss, code);
	if (o != stderr)
		fclose(o);
	return code;
}
