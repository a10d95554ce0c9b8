/*
 * interleave: wall times of commands run in turn, so that drift in the
 * machine (which moves a block of hyperfine runs of one command against the
 * next block) falls on all of them alike.
 *
 *   interleave RUNS 'cmd1 arg...' 'cmd2 arg...' ...
 *
 * Each round spawns every command once, the order rotated by one each round,
 * with stdin, stdout and stderr on /dev/null, and times spawn to reap. Ten
 * rounds of warm-up are not counted. Prints, per command, a tab-separated
 * line: the command, its median and its minimum in microseconds; then the
 * median over rounds of the paired ratio cmd1/cmd2 (both from one round).
 * Words are split on spaces; no quoting. A benchmark tool: it asserts
 * nothing, and exits 1 if a command fails.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { MAX_CMDS = 8, MAX_WORDS = 32, WARMUP = 10 };

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double run(char **argv, posix_spawn_file_actions_t *fa)
{
	pid_t pid;
	int status;
	double t0 = now_us();
	if (posix_spawnp(&pid, argv[0], fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "interleave: cannot run %s\n", argv[0]);
		exit(1);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "interleave: %s failed\n", argv[0]);
		exit(1);
	}
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc - 2 > MAX_CMDS) {
		fprintf(stderr, "usage: interleave RUNS CMD... (at most %d)\n", MAX_CMDS);
		return 2;
	}
	int runs = atoi(argv[1]), k = argc - 2;
	if (runs < 1) {
		fprintf(stderr, "interleave: RUNS must be at least 1\n");
		return 2;
	}
	char *words[MAX_CMDS][MAX_WORDS + 1];
	for (int c = 0; c < k; c++) {
		int n = 0;
		for (char *w = strtok(argv[c + 2], " "); w; w = strtok(NULL, " ")) {
			if (n == MAX_WORDS) {
				fprintf(stderr, "interleave: too many words\n");
				return 2;
			}
			words[c][n++] = w;
		}
		if (n == 0) {
			fprintf(stderr, "interleave: empty command\n");
			return 2;
		}
		words[c][n] = NULL;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);

	double *t = calloc((size_t)k * runs, sizeof *t);
	double *ratio = calloc(runs, sizeof *ratio);
	if (!t || !ratio)
		return 1;
	for (int r = -WARMUP; r < runs; r++)
		for (int j = 0; j < k; j++) {
			int c = ((r < 0 ? 0 : r) + j) % k;
			double us = run(words[c], &fa);
			if (r >= 0)
				t[(size_t)c * runs + r] = us;
		}
	if (k >= 2)
		for (int r = 0; r < runs; r++)
			ratio[r] = t[r] / t[(size_t)runs + r];
	for (int c = 0; c < k; c++) {
		double *v = t + (size_t)c * runs;
		double m = median(v, runs);
		printf("%s", words[c][0]);
		for (int w = 1; words[c][w]; w++)
			printf(" %s", words[c][w]);
		printf("\t%.0f\t%.0f\n", m, v[0]);
	}
	if (k >= 2)
		printf("ratio\t%.3f\n", median(ratio, runs));
	return 0;
}
