/* cli_common.c: messages, exit codes, scenario loading and the clean stop
 * on SIGINT/SIGTERM shared by the subcommands. The only place besides
 * main.c that prints errors.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

static int exit_code(wom_status status) {
    switch (status) {
    case WOM_OK:
        return EX_OK;
    case WOM_ENOMEM:
        return EX_OSERR;
    case WOM_ECONFIG:
        return EX_CONFIG;
    case WOM_ENOENT:
        return EX_NOINPUT;
    case WOM_EDATA:
        return EX_DATAERR;
    case WOM_ETOOBIG:
        return EX_UNAVAILABLE;
    case WOM_EIO:
        return EX_IOERR;
    case WOM_ECANTCREAT:
        return EX_CANTCREAT;
    case WOM_EBUSY:
        return EX_TEMPFAIL;
    case WOM_EINVAL:
    case WOM_ELIBRARY:
        break;
    }
    return EX_SOFTWARE;
}

/* Control bytes are shown as \xNN: a message may quote bytes of a binary
 * file, and a terminal would act on them (escape sequences, returns). */
static void print_visible(const char *text) {
    for (const unsigned char *c = (const unsigned char *)text; *c != '\0'; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            fprintf(stderr, "\\x%02x", *c);
        } else {
            fputc(*c, stderr);
        }
    }
}

int cli_fail(wom_status status, const wom_error_t *error) {
    const char *message = error && error->message[0] ? error->message : wom_strerror(status);
    fputs("womsim: ", stderr);
    if (error && error->file[0]) {
        print_visible(error->file);
        if (error->line > 0) {
            fprintf(stderr, ":%ld", error->line);
        }
        fputs(": ", stderr);
    }
    print_visible(message);
    fputc('\n', stderr);
    return exit_code(status);
}

int cli_usage_error(const char *format, ...) {
    va_list args;
    va_start(args, format);
    fputs("womsim: ", stderr);
    vfprintf(stderr, format, args);
    fputs(" (see 'womsim help')\n", stderr);
    va_end(args);
    return EX_USAGE;
}

int cli_add_override(cli_overrides_t *overrides, const char *option, const char *assignment) {
    if (overrides->count >= CLI_MAX_OVERRIDES) {
        return cli_usage_error("%s: too many overrides (the most is %d)", option,
                               CLI_MAX_OVERRIDES);
    }
    snprintf(overrides->options[overrides->count], sizeof overrides->options[0], "%s", option);
    overrides->items[overrides->count++] = assignment;
    return EX_OK;
}

bool cli_installed_path(const char *relative, char *path, size_t size) {
    char program[WOM_MAX_PATH];
    ssize_t length = readlink("/proc/self/exe", program, sizeof program - 1);
    if (length <= 0 || (size_t)length >= sizeof program - 1) {
        return false;
    }
    program[length] = '\0';
    for (int up = 0; up < 2; up++) { /* PREFIX/bin/womsim -> PREFIX */
        char *slash = strrchr(program, '/');
        if (slash == NULL) {
            return false;
        }
        *slash = '\0';
    }
    int written = snprintf(path, size, "%s/share/womsim/%s", program, relative);
    return written > 0 && (size_t)written < size && access(path, F_OK) == 0;
}

const char *cli_find_scenario(const char *path, char *found, size_t size) {
    if (access(path, F_OK) == 0 || strchr(path, '/') != NULL || strlen(path) > WOM_MAX_PATH / 2) {
        return path;
    }
    char relative[WOM_MAX_PATH];
    snprintf(relative, sizeof relative, "configs/%s", path);
    if (cli_installed_path(relative, found, size)) {
        return found;
    }
    snprintf(relative, sizeof relative, "configs/%s.ini", path);
    return cli_installed_path(relative, found, size) ? found : path;
}

wom_status cli_load_config(const char *path, const cli_overrides_t *overrides,
                           wom_config_t **config, wom_error_t *error) {
    wom_status status = wom_config_alloc(config);
    if (status == WOM_OK && path != NULL) {
        status = wom_config_read_file(*config, path, error);
    }
    for (int i = 0; status == WOM_OK && i < overrides->count; i++) {
        status = wom_config_set_from(*config, overrides->options[i], overrides->items[i], error);
    }
    if (status != WOM_OK) {
        wom_config_free(*config);
        *config = NULL;
    }
    return status;
}

bool cli_parse_bytes(const char *text, uint64_t *bytes) {
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || errno != 0 || !(value >= 0)) {
        return false;
    }
    static const char units[] = "KMGT";
    double scale = 1;
    if (*end != '\0') {
        for (int i = 0; units[i]; i++) {
            scale *= 1024;
            if (*end == units[i] || *end == units[i] + ('a' - 'A')) {
                break;
            }
            if (units[i + 1] == '\0') {
                return false;
            }
        }
        end++;
        if (*end == 'B' || *end == 'b') {
            end++;
        }
    }
    if (*end != '\0' || value * scale >= 1.8e19) {
        return false;
    }
    *bytes = (uint64_t)(value * scale);
    return true;
}

wom_status cli_single_point(const wom_config_t *config, const char *path, wom_scenario_t *scenario,
                            wom_error_t *error) {
    size_t points = wom_config_points(config);
    if (points > 1) {
        return wom_error_set(error, WOM_ECONFIG, path ? path : "", 0,
                             "the scenario sweeps a key over several values (%zu points); "
                             "this command takes one value per key",
                             points);
    }
    return wom_config_scenario(config, 0, scenario, error);
}

void cli_absolute_path(const char *path, char *absolute, size_t size) {
    char cwd[WOM_MAX_PATH];
    if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL ||
        snprintf(absolute, size, "%s/%s", cwd, path) >= (int)size) {
        snprintf(absolute, size, "%s", path);
    }
}

/* ---- stopping on SIGINT and SIGTERM -------------------------------------- */

/* Set by the handler and polled by the batch through
 * wom_batch_control_t.stop; file-scope variables because a signal handler
 * can reach nothing else. stop_note is set before the handler is and only
 * read by it: 0 says nothing (-q), 1 a line, 2 a line after a progress
 * bar's. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t stop_note;

static void on_stop_signal(int number) {
    static const char note[] = "\nwomsim: stopping once the tasks in flight are done (the "
                               "same signal again ends it at once)\n";
    stop_signal = number;
    if (stop_note > 0) { /* write(2) is async-signal-safe; stdio is not */
        ssize_t ignored =
            write(STDERR_FILENO, note + (stop_note == 1), sizeof note - 1 - (stop_note == 1));
        (void)ignored;
    }
}

/* The first SIGINT or SIGTERM asks for a clean stop; SA_RESETHAND leaves
 * the second to kill. A signal the parent ignores stays ignored, as
 * background jobs of a shell script ignore SIGINT. SA_RESTART keeps the
 * file writes in flight from failing with EINTR. */
void cli_catch_stop_signals(bool quiet) {
    const int signals[] = {SIGINT, SIGTERM};
    stop_note = quiet ? 0 : isatty(STDERR_FILENO) == 1 ? 2 : 1;
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old, action = {0};
        if (sigaction(signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN) {
            continue;
        }
        action.sa_handler = on_stop_signal;
        action.sa_flags = SA_RESETHAND | SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, NULL);
    }
}

const volatile sig_atomic_t *cli_stop_flag(void) {
    return &stop_signal;
}

const char *cli_stop_name(void) {
    return stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
}

int cli_default_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

bool cli_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *value) {
    char *end = NULL;
    errno = 0;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno != 0 || parsed < min ||
        parsed > max) {
        return false;
    }
    *value = parsed;
    return true;
}
