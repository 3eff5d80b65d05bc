/*
 * peakrss.c - run a command, then write its peak resident set size.
 *
 *   peakrss OUTFILE CMD [ARG...]
 *
 * OUTFILE gets one line "maxrss_kb=N" (ru_maxrss of the child from
 * wait4).  Exit status: the command's, or 128+signal if it was killed,
 * so a crash is never mistaken for success.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: peakrss OUTFILE CMD [ARG...]\n");
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("peakrss: wait4");
		return 125;
	}
	f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 125;
	}
	fprintf(f, "maxrss_kb=%ld\n", ru.ru_maxrss);
	fclose(f);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
