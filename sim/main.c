/* main.c: the womsim program: picks the command, and is the home of the
 * two that only print (help, version) and of the general help. Library
 * error handlers that would abort (GSL's, igraph's) are turned off here,
 * once, so every failure comes back as a status.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
#include <igraph/igraph.h>

#include "cli.h"

static int print_help(int argc, char **argv);
static int print_version(int argc, char **argv);

static const cli_command_t help_command = {
    "help", "[COMMAND]", "Print this help, or a command's (as womsim COMMAND --help does).",
    NULL,   0,           print_help};

static const cli_command_t version_command = {
    "version", "", "Print the version of womsim and of the libraries it was built with.",
    NULL,      0,  print_version};

static const cli_command_t *const commands[] = {&cli_run_command,   &cli_sensitivity_command,
                                                &cli_fit_command,   &cli_merge_command,
                                                &cli_check_command, &cli_params_command,
                                                &cli_graph_command, &cli_regress_command,
                                                &version_command,   &help_command};

static void print_general_help(FILE *stream) {
    fputs("usage: womsim COMMAND [ARGS]\n\n", stream);
    cli_print_commands(commands, CLI_COUNT(commands), stream);
    fputs("\n'womsim help COMMAND' or 'womsim COMMAND --help' lists a command's options.\n"
          "\n"
          "Exit codes (sysexits): 0 done, 64 usage, 65 bad data file (or a folder of\n"
          "another scenario, or a reference run that differs), 66 missing input, 69 memory\n"
          "limit, 70 internal error (a bug: please report it), 71 out of memory or a\n"
          "system call failed, 73 cannot create output (a read-only folder, say), 74 I/O\n"
          "error, 75 stopped by SIGINT/SIGTERM (continue with --resume) or the output\n"
          "folder in use by another womsim (try again later), 78 bad scenario.\n",
          stream);
}

static int print_help(int argc, char **argv) {
    int operands = 0;
    int code = cli_parse_options(&help_command, argc, argv, NULL, NULL, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (operands < argc - 1) {
        return cli_usage_error("help takes at most one command");
    }
    if (operands == argc) {
        print_general_help(stdout);
        return EX_OK;
    }
    const cli_command_t *command = cli_find_command(commands, CLI_COUNT(commands), argv[operands]);
    if (command == NULL) {
        return EX_USAGE;
    }
    cli_print_help(command, stdout);
    return EX_OK;
}

static int print_version(int argc, char **argv) {
    int operands = 0;
    int code = cli_parse_options(&version_command, argc, argv, NULL, NULL, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (operands != argc) {
        return cli_usage_error("version takes no arguments");
    }
    printf("womsim %s (GSL %s, igraph %s)\n", WOM_VERSION, GSL_VERSION, IGRAPH_VERSION);
    return EX_OK;
}

/* "--help", "-h" and "--version" in place of a command name. */
static const char *command_name(const char *word) {
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
        return help_command.name;
    }
    return strcmp(word, "--version") == 0 ? version_command.name : word;
}

int main(int argc, char **argv) {
    gsl_set_error_handler_off();
    igraph_set_error_handler(igraph_error_handler_ignore);
    igraph_set_warning_handler(igraph_warning_handler_ignore);
    if (argc < 2) {
        print_general_help(stderr);
        return EX_USAGE;
    }
    const cli_command_t *command =
        cli_find_command(commands, CLI_COUNT(commands), command_name(argv[1]));
    return command == NULL ? EX_USAGE : command->run(argc, argv);
}
