/* main.c: the womsim program: picks the subcommand. Library error handlers
 * that would abort (GSL's, igraph's) are turned off here, once, so every
 * failure comes back as a status.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <igraph/igraph.h>

#include "cli.h"

static const char usage[] =
    "usage: womsim COMMAND [ARGS]\n"
    "\n"
    "  run SCENARIO [options]   simulate and write timeseries.csv, summary.json, plots;\n"
    "                           a sweep (a key with a list of values) writes sweep.csv,\n"
    "                           runs.csv and points/<index>/ (docs/batch.md)\n"
    "      -o DIR               output folder (default out/<scenario name>)\n"
    "      -r N                 replications (simulation.replications)\n"
    "      -s SEED              seed (simulation.seed)\n"
    "      -t N                 threads (default: OMP_NUM_THREADS or all cores)\n"
    "      --set KEY=VALUE      override a scenario key (repeatable)\n"
    "      --sweep KEY=LIST     sweep a key: 0.7:0.95:0.05 or 'a, b, c' (as --set)\n"
    "      --max-tasks N        refuse batches of more than N tasks (points x\n"
    "                           replications; default 100000)\n"
    "      --shard I/N          run only the tasks with run_id % N == I and keep their\n"
    "                           files for merge (default under a SLURM job array:\n"
    "                           SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT)\n"
    "      --max-mem SIZE       refuse runs estimated above SIZE (e.g. 8G; default:\n"
    "                           the memory available now; 0: no limit)\n"
    "      --resume             continue a killed or stopped batch in its folder: keep\n"
    "                           its finished tasks, run the rest (same arguments)\n"
    "      --parallel MODE      auto (default), tasks (whole tasks per thread) or\n"
    "                           agents (each task's agents split over the threads)\n"
    "      --no-plot            do not run gnuplot\n"
    "      -q                   print nothing but errors (progress goes to stderr\n"
    "                           unless -q or the environment sets CI)\n"
    "  merge DIR [--no-plot] [-q] [--max-mem SIZE]\n"
    "                           check that every shard in DIR is done and agrees, then\n"
    "                           write the outputs an unsharded run writes\n"
    "  check SCENARIO [--set KEY=VALUE]... [--dump]\n"
    "                           validate; --dump prints the canonical scenario\n"
    "  params [--markdown]      list every scenario key with default, range, meaning\n"
    "  graph SCENARIO [--set KEY=VALUE]... [--write FILE]\n"
    "  graph --edges FILE [--directed] [--write FILE]\n"
    "                           build or read a network and print its statistics;\n"
    "                           --write exports it as a SNAP edge list\n"
    "  regress [DIR] [--set KEY=VALUE]... [--update]\n"
    "                           rerun the reference runs DIR/LIST names (default DIR:\n"
    "                           results/reference) and compare their files byte for\n"
    "                           byte: a difference names the file, its first differing\n"
    "                           line and each metric's largest relative change, and\n"
    "                           exits 65; --set changes every rerun; --update makes the\n"
    "                           references anew (make reference; docs/regression.md)\n"
    "  version                  print the version\n"
    "  help                     print this help\n"
    "\n"
    "Exit codes (sysexits): 64 usage, 65 bad data file (or a folder of another\n"
    "scenario, or a reference run that differs), 66 missing input, 69 memory limit,\n"
    "73 cannot create output, 74 I/O error, 75 stopped by SIGINT/SIGTERM (continue\n"
    "with --resume), 78 bad scenario.\n";

int main(int argc, char **argv) {
    gsl_set_error_handler_off();
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    if (argc < 2) {
        fputs(usage, stderr);
        return EX_USAGE;
    }
    const char *command = argv[1];
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {{"run", cli_run},       {"merge", cli_merge}, {"check", cli_check},
                    {"params", cli_params}, {"graph", cli_graph}, {"regress", cli_regress}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(command, commands[i].name) == 0) {
            return commands[i].run(argc, argv);
        }
    }
    if (strcmp(command, "version") == 0 || strcmp(command, "--version") == 0) {
        printf("womsim %s (GSL %s, igraph %s)\n", WOM_VERSION, GSL_VERSION, IGRAPH_VERSION);
        return EX_OK;
    }
    if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 ||
        strcmp(command, "-h") == 0) {
        fputs(usage, stdout);
        return EX_OK;
    }
    return cli_usage_error("unknown command '%s'", command);
}
