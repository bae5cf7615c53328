/*
 * measure.c - runs one program and says how long it took and how much
 * memory it held at most, for the benchmark driver (run.py).
 *
 * usage: measure RESULT-FILE PROGRAM [ARG...]
 *
 * PROGRAM keeps this process's standard input, output and error. When it
 * has finished, RESULT-FILE holds one line "WALL-SECONDS MAXRSS-KIB STATUS":
 * the wall time from just before the fork to the end of the wait, the
 * child's peak resident set (getrusage via wait4), and its exit code (128 +
 * the signal when killed). measure exits 0 when it could run the program.
 *
 * Why not time it from Python: a child forked (or vforked) by a process
 * inherits that process's peak resident set as its own starting point, so
 * a child of the Python driver would never report less than the driver's
 * ~20 MiB. This process is tiny, and the start of Python is not timed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#define _DEFAULT_SOURCE /* wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: measure RESULT-FILE PROGRAM [ARG...]\n");
		return 1;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("measure: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = WIFEXITED(status) ? WEXITSTATUS(status)
	                             : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255;
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fprintf(f, "%.6f %ld %d\n", wall, (long)ru.ru_maxrss, code);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
