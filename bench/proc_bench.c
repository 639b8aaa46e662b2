/* proc_bench: wall-clock medians of whole processes, run side by side.
 *
 *   proc_bench RUNS [--prep 'SHELL COMMAND'] -- NAME PROGRAM ARGS... [-- NAME PROGRAM ARGS...]...
 *
 * One untimed warm-up round, then RUNS rounds; each round runs every command once (in turn,
 * the order reversed every other round), stdin and stdout from/to /dev/null, stderr to the file
 * proc_bench.stderr in the current directory (shown when the command fails). --prep runs `sh -c 'SHELL
 * COMMAND'` untimed before every run of every command (e.g. a fresh ledger). A command that exits non-zero
 * stops everything. Timing is CLOCK_MONOTONIC from fork to wait4; peak RSS is wait4's ru_maxrss. Prints one
 * line per command: NAME median_ms min_ms max_ms peak_rss_kib median_cpu_ms (user + system time, which other
 * load on the machine disturbs less than wall-clock time). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 8

struct command {
  const char* name;
  char** argv;
  double* ms;
  double* cpu_ms;
  long max_rss_kib;
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static void run_prep(const char* prep) {
  if (prep == NULL) return;
  const int rc = system(prep);
  if (rc != 0) {
    fprintf(stderr, "proc_bench: --prep '%s' failed (%d)\n", prep, rc);
    exit(2);
  }
}

static double tv_ms(struct timeval tv) {
  return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs one command; returns its wall-clock time in ms and its CPU time in *cpu_ms. */
static double run_once(struct command* c, double* cpu_ms) {
  const double start = now_ms();
  const pid_t pid = fork();
  if (pid < 0) {
    perror("proc_bench: fork");
    exit(2);
  }
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_RDWR);
    const int err_fd = open("proc_bench.stderr", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (null_fd < 0 || err_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
      perror("proc_bench: redirecting");
      _exit(127);
    }
    execvp(c->argv[0], c->argv);
    perror(c->argv[0]);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) {
    perror("proc_bench: wait4");
    exit(2);
  }
  const double ms = now_ms() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "proc_bench: %s (%s) failed with status %d:\n", c->name, c->argv[0], status);
    FILE* err = fopen("proc_bench.stderr", "r");
    for (int ch; err != NULL && (ch = fgetc(err)) != EOF;) fputc(ch, stderr);
    exit(2);
  }
  if (ru.ru_maxrss > c->max_rss_kib) c->max_rss_kib = ru.ru_maxrss;
  *cpu_ms = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
  return ms;
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr,
            "usage: proc_bench RUNS [--prep CMD] -- NAME PROGRAM ARGS... [-- NAME PROGRAM ARGS...]...\n");
    return 2;
  }
  const int runs = atoi(argv[1]);
  if (runs < 1 || runs > 100000) return 2;
  int i = 2;
  const char* prep = NULL;
  if (strcmp(argv[i], "--prep") == 0 && i + 1 < argc) {
    prep = argv[i + 1];
    i += 2;
  }
  struct command commands[MAX_COMMANDS];
  int n = 0;
  while (i < argc) {
    if (strcmp(argv[i], "--") != 0 || i + 2 >= argc || n == MAX_COMMANDS) {
      fprintf(stderr, "proc_bench: expected '-- NAME PROGRAM ARGS...' at '%s'\n", argv[i]);
      return 2;
    }
    argv[i] = NULL; /* ends the previous command's argv */
    commands[n].name = argv[i + 1];
    commands[n].argv = &argv[i + 2];
    commands[n].max_rss_kib = 0;
    commands[n].ms = calloc((size_t)runs, sizeof(double));
    commands[n].cpu_ms = calloc((size_t)runs, sizeof(double));
    if (commands[n].ms == NULL || commands[n].cpu_ms == NULL) return 2;
    ++n;
    i += 3;
    while (i < argc && strcmp(argv[i], "--") != 0) ++i;
  }
  if (n == 0) return 2;
  for (int c = 0; c < n; ++c) {
    double cpu = 0;
    run_prep(prep);
    (void)run_once(&commands[c], &cpu);
  }
  for (int r = 0; r < runs; ++r) {
    for (int k = 0; k < n; ++k) {
      struct command* c = &commands[r % 2 ? n - 1 - k : k];
      run_prep(prep);
      c->ms[r] = run_once(c, &c->cpu_ms[r]);
    }
  }
  for (int c = 0; c < n; ++c) {
    struct command* k = &commands[c];
    const double wall = median(k->ms, runs), cpu = median(k->cpu_ms, runs);
    printf("%s %.3f %.3f %.3f %ld %.3f\n", k->name, wall, k->ms[0], k->ms[runs - 1], k->max_rss_kib, cpu);
    free(k->ms);
    free(k->cpu_ms);
  }
  return 0;
}
