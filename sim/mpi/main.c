/* mpi/main.c: womsim-mpi, the distributed build (make MPI=1). Under
 * `mpirun -np N womsim-mpi run SCENARIO [womsim run options]`, rank r runs
 * shard r/N of the batch exactly as `womsim run --shard r/N` does, writing
 * its task files and shard manifest into the output folder; once every
 * rank is done, rank 0 merges them exactly as `womsim merge` does. So the
 * outputs are a single process's, byte for byte, and this file holds only
 * the MPI glue: the batch itself is cli_run's and cli_merge's.
 *
 * The output folder must be on a filesystem every rank sees (NFS, Lustre,
 * GPFS, or one machine's disk): ranks exchange only exit statuses, the
 * results travel through the files. Workload: two collective calls per run.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <igraph/igraph.h>
#include <mpi.h>

#include "cli.h"

static const char usage[] =
    "usage: mpirun -np N womsim-mpi run SCENARIO [womsim run options]\n"
    "       mpirun -np N womsim-mpi sensitivity SCENARIO --vary KEY=LO:HI... [options]\n"
    "  rank r of N runs shard r/N into the output folder (on a filesystem every\n"
    "  rank sees); rank 0 then merges the shards as 'womsim merge' does;\n"
    "  'womsim help run' and 'womsim help sensitivity' list the options\n";

/* `womsim run`'s options, parsed as cli_run parses them (from a copy of
 * the arguments: the parser permutes its argv). */
static int parse_options(int argc, char **argv, cli_run_options_t *options) {
    char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
    if (copy == NULL) {
        fputs("womsim: out of memory\n", stderr);
        return EX_OSERR;
    }
    memcpy(copy, argv, (size_t)argc * sizeof *copy);
    copy[argc] = NULL;
    int code = cli_parse_run_options(argc, copy, options);
    free(copy);
    return code;
}

/* Waits for a collective without spinning: a rank done early waits while
 * ranks on its machine still compute (and rank 0 merges), and Open MPI's
 * blocking calls would busy-poll a core those need. */
static void wait_idle(MPI_Request *request) {
    const struct timespec pause = {0, 10000000}; /* 10 ms */
    int done = 0;
    for (MPI_Test(request, &done, MPI_STATUS_IGNORE); !done;
         MPI_Test(request, &done, MPI_STATUS_IGNORE)) {
        nanosleep(&pause, NULL);
    }
}

/* `womsim run ARGS --shard r/N`: this rank's shard, quiet but for errors
 * when there are several ranks (their reports would interleave; rank 0
 * reports the merge). */
static int run_shard(int argc, char **argv, int rank, int ranks) {
    char shard[32];
    char **args = malloc(((size_t)argc + 5) * sizeof *args);
    if (args == NULL) {
        fputs("womsim: out of memory\n", stderr);
        return EX_OSERR;
    }
    snprintf(shard, sizeof shard, "%d/%d", rank, ranks);
    /* Right after "run", so that a "--" among the user's words cannot
     * turn them into file names. */
    int n = 0;
    args[n++] = argv[0];
    args[n++] = argv[1];
    args[n++] = "--shard";
    args[n++] = shard;
    if (ranks > 1) {
        args[n++] = "-q";
    }
    memcpy(args + n, argv + 2, (size_t)(argc - 2) * sizeof *args);
    n += argc - 2;
    args[n] = NULL;
    int code = cli_run(n, args);
    free(args);
    return code;
}

/* `womsim merge DIR` with the run's -q, --no-plot and --max-mem. Its
 * manifest records that command, which redoes this step; the shards'
 * manifests record the womsim-mpi command. */
static int merge(const cli_run_options_t *options) {
    char dir[WOM_MAX_PATH], max_mem[32];
    cli_run_folder(options, dir, sizeof dir);
    snprintf(max_mem, sizeof max_mem, "%llu", (unsigned long long)options->max_bytes);
    char *args[8] = {"womsim", "merge", dir, "--max-mem", max_mem};
    int n = 5;
    if (options->quiet) {
        args[n++] = "-q";
    }
    if (!options->plot) {
        args[n++] = "--no-plot";
    }
    return cli_merge(n, args);
}

/* Runs this rank's shard and, when every rank succeeded, the merge on rank
 * 0. Every rank returns the same code: the worst of the shards', else the
 * merge's. */
static int run(int argc, char **argv, int rank, int ranks) {
    cli_run_options_t options;
    int code = parse_options(argc, argv, &options), worst = EX_OK;
    if (code != CLI_PARSED) {
        return code; /* every rank read the same arguments and said why, or printed the help */
    }
    if (options.shard_given) { /* every rank sees it: one message */
        code = rank == 0 ? cli_usage_error("womsim-mpi sets --shard itself: rank r of N runs "
                                           "shard r/N")
                         : EX_USAGE;
    } else {
        code = run_shard(argc, argv, rank, ranks);
    }
    /* The reduction is the barrier: no rank gets past it before every
     * shard has written its task files and manifest (or failed). */
    MPI_Request request;
    MPI_Iallreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &request);
    wait_idle(&request);
    if (worst != EX_OK || ranks == 1) { /* one rank: shard 0/1 aggregated already */
        return worst;
    }
    code = rank == 0 ? merge(&options) : EX_OK;
    MPI_Ibcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
    wait_idle(&request);
    return code;
}

/* womsim-mpi --help, -h or help. */
static bool asks_for_help(int argc, char **argv) {
    return argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                         strcmp(argv[1], "help") == 0);
}

int main(int argc, char **argv) {
    int provided = 0, rank = 0, ranks = 1;
    /* Only the main thread calls MPI; OpenMP threads run the tasks. */
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    gsl_set_error_handler_off();
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    int code = EX_USAGE;
    if (argc >= 2 && (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "sensitivity") == 0)) {
        code = run(argc, argv, rank, ranks);
    } else {
        code = asks_for_help(argc, argv) ? EX_OK : EX_USAGE;
        if (rank == 0) {
            fputs(usage, code == EX_OK ? stdout : stderr);
        }
    }
    fflush(stdout);
    fflush(stderr);
    MPI_Finalize();
    return code;
}
