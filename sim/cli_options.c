/* cli_options.c: the one option parser of every womsim command. A command
 * is a table of options (cli_command_t); this file reads a command line
 * against it GNU-style (short and long forms, values attached or apart,
 * abbreviated long names, `--`), answers -h and --help with the command's
 * help, and says what is wrong with a command line: an unknown option or
 * command with the closest one's name, a missing value, a value given to a
 * flag, each naming the option as it was typed. It also prints the help
 * texts (a command's, and the list of commands of the general help) and
 * reads the option values several commands share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define HELP_WIDTH  79 /* columns of the help texts */
#define HELP_COLUMN 24 /* where an option's help starts */

/* The row every command has after its own. */
static const cli_option_t help_option = {0, 'h', "help", NULL, "print this help"};

static size_t row_count(const cli_command_t *command) {
    return command->option_count + 1;
}

static const cli_option_t *row(const cli_command_t *command, size_t i) {
    return i < command->option_count ? &command->options[i] : &help_option;
}

/* ---- help ---------------------------------------------------------------- */

/* Prints `text` word by word from column `column` (where the cursor is),
 * breaking lines before HELP_WIDTH and starting the lines after at
 * column `indent`, then ends the line. */
static void print_wrapped(FILE *stream, const char *text, int column, int indent) {
    bool line_empty = true;
    for (const char *word = text + strspn(text, " "); *word != '\0'; word += strspn(word, " ")) {
        int length = (int)strcspn(word, " ");
        if (!line_empty && column + 1 + length > HELP_WIDTH) {
            fprintf(stream, "\n%*s", indent, "");
            column = indent;
            line_empty = true;
        }
        column += fprintf(stream, "%s%.*s", line_empty ? "" : " ", length, word);
        line_empty = false;
        word += length;
    }
    fputc('\n', stream);
}

/* Prints "PREFIX NAME SYNOPSIS" for each line of the command's synopsis. */
static void print_synopsis(const cli_command_t *command, const char *first, const char *others,
                           FILE *stream) {
    const char *line = command->synopsis;
    for (bool is_first = true;; is_first = false) {
        int length = (int)strcspn(line, "\n");
        fprintf(stream, "%s%s%s%.*s\n", is_first ? first : others, command->name,
                length > 0 ? " " : "", length, line);
        if (line[length] == '\0') {
            return;
        }
        line += length + 1;
    }
}

static void print_option(const cli_option_t *option, FILE *stream) {
    int column = option->letter != '\0'
                     ? fprintf(stream, "  -%c, --%s", option->letter, option->name)
                     : fprintf(stream, "      --%s", option->name);
    if (option->value != NULL) {
        column += fprintf(stream, " %s", option->value);
    }
    if (column > HELP_COLUMN - 2) {
        fputc('\n', stream);
        column = 0;
    }
    fprintf(stream, "%*s", HELP_COLUMN - column, "");
    print_wrapped(stream, option->help, HELP_COLUMN, HELP_COLUMN);
}

void cli_print_help(const cli_command_t *command, FILE *stream) {
    print_synopsis(command, "usage: womsim ", "       womsim ", stream);
    fputc('\n', stream);
    print_wrapped(stream, command->summary, 0, 0);
    fputs("\noptions:\n", stream);
    for (size_t i = 0; i < row_count(command); i++) {
        print_option(row(command, i), stream);
    }
}

void cli_print_commands(const cli_command_t *const commands[], size_t count, FILE *stream) {
    for (size_t i = 0; i < count; i++) {
        print_synopsis(commands[i], "  ", "  ", stream);
        fprintf(stream, "%6s", "");
        print_wrapped(stream, commands[i]->summary, 6, 6);
    }
}

/* ---- did you mean -------------------------------------------------------- */

/* The closest name seen so far to what was typed. */
typedef struct {
    const char *typed; /* `length` bytes, not NUL-terminated there */
    size_t length;
    const char *name; /* NULL while none is close */
    int score;        /* wom_text_closeness's */
} closest_t;

static void consider(closest_t *closest, const char *name) {
    /* closeness is symmetric: the name, NUL-terminated, stands first */
    int score = wom_text_closeness(name, closest->typed, closest->length);
    if (score < closest->score) {
        closest->name = name;
        closest->score = score;
    }
}

const cli_command_t *cli_find_command(const cli_command_t *const commands[], size_t count,
                                      const char *name) {
    closest_t closest = {name, strlen(name), NULL, WOM_TEXT_NOT_CLOSE};
    for (size_t i = 0; i < count; i++) {
        if (strcmp(commands[i]->name, name) == 0) {
            return commands[i];
        }
        consider(&closest, commands[i]->name);
    }
    if (closest.name != NULL) {
        cli_usage_error("unknown command '%s'; did you mean '%s'?", name, closest.name);
    } else {
        cli_usage_error("unknown command '%s'", name);
    }
    return NULL;
}

/* "--NAME" typed (`length` bytes of `name`) is no option of `command`. */
static int unknown_long(const cli_command_t *command, const char *name, size_t length) {
    closest_t closest = {name, length, NULL, WOM_TEXT_NOT_CLOSE};
    for (size_t i = 0; i < row_count(command); i++) {
        consider(&closest, row(command, i)->name);
    }
    if (closest.name != NULL) {
        return cli_usage_error("unknown option '--%.*s'; did you mean '--%s'?", (int)length, name,
                               closest.name);
    }
    return cli_usage_error("unknown option '--%.*s'", (int)length, name);
}

/* "--NAME" typed begins several options' long names. */
static int ambiguous_long(const cli_command_t *command, const char *name, size_t length) {
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < row_count(command) && used < sizeof names; i++) {
        const char *candidate = row(command, i)->name;
        if (strncmp(candidate, name, length) == 0) {
            used += (size_t)snprintf(names + used, sizeof names - used, "%s--%s",
                                     used > 0 ? ", " : "", candidate);
        }
    }
    return cli_usage_error("option '--%.*s' is ambiguous: it begins %s", (int)length, name, names);
}

/* ---- the parser ---------------------------------------------------------- */

typedef struct {
    const cli_command_t *command;
    cli_option_handler *handle;
    void *context;
    int argc;
    char **argv;
    int next;        /* the word to read next */
    int options_end; /* where the option words read so far end: the operands follow */
} parser_t;

/* Moves argv[from] back to argv[to], the words between one place on. */
static void move_back(char **argv, int from, int to) {
    char *word = argv[from];
    memmove(argv + to + 1, argv + to, (size_t)(from - to) * sizeof *argv);
    argv[to] = word;
}

/* The option of `command` whose long name is `name` (`length` bytes) or,
 * failing that, the only one whose name begins so. */
static int find_long(const cli_command_t *command, const char *name, size_t length,
                     const cli_option_t **found) {
    size_t beginning = 0;
    for (size_t i = 0; length > 0 && i < row_count(command); i++) {
        const cli_option_t *option = row(command, i);
        if (strncmp(option->name, name, length) != 0) {
            continue;
        }
        if (option->name[length] == '\0') {
            *found = option;
            return CLI_PARSED;
        }
        *found = beginning++ == 0 ? option : *found;
    }
    if (beginning == 1) {
        return CLI_PARSED;
    }
    return beginning == 0 ? unknown_long(command, name, length)
                          : ambiguous_long(command, name, length);
}

static const cli_option_t *find_short(const cli_command_t *command, char letter) {
    for (size_t i = 0; i < row_count(command); i++) {
        if (row(command, i)->letter == letter) {
            return row(command, i);
        }
    }
    return NULL;
}

/* The word after the option's as its value; *words counts it. */
static int next_word_value(const parser_t *p, const char *typed, const char **value, int *words) {
    if (p->next + 1 >= p->argc) {
        return cli_usage_error("option '%s' needs a value", typed);
    }
    *value = p->argv[p->next + 1];
    *words = 2;
    return CLI_PARSED;
}

/* Hands an option to the command, or prints the help for -h/--help. */
static int take(const parser_t *p, const cli_option_t *option, const char *typed,
                const char *value) {
    if (option == &help_option) {
        cli_print_help(p->command, stdout);
        return EX_OK;
    }
    cli_option_use_t use = {option, typed, value};
    int code = p->handle(p->context, &use);
    return code == EX_OK ? CLI_PARSED : code;
}

/* "--NAME", "--NAME=VALUE" or "--NAME VALUE" (two words). */
static int read_long(const parser_t *p, const char *word, int *words) {
    const char *name = word + 2;
    size_t length = strcspn(name, "=");
    const cli_option_t *option = NULL;
    int code = find_long(p->command, name, length, &option);
    if (code != CLI_PARSED) {
        return code;
    }
    char typed[64];
    snprintf(typed, sizeof typed, "--%.*s", (int)length, name); /* a table name's length */
    const char *value = NULL;
    if (name[length] == '=' && option->value == NULL) {
        return cli_usage_error("option '%s' takes no value", typed);
    }
    if (name[length] == '=') {
        value = name + length + 1;
    } else if (option->value != NULL) {
        code = next_word_value(p, typed, &value, words);
    }
    return code == CLI_PARSED ? take(p, option, typed, value) : code;
}

/* "-q", "-qr 2", "-r2": letters, the last of them may take a value. */
static int read_short(const parser_t *p, const char *word, int *words) {
    int code = CLI_PARSED;
    for (const char *letter = word + 1; code == CLI_PARSED && *letter != '\0'; letter++) {
        const cli_option_t *option = find_short(p->command, *letter);
        char typed[3] = {'-', *letter, '\0'};
        const char *value = NULL;
        if (option == NULL) {
            return cli_usage_error("unknown option '%s'", typed);
        }
        if (option->value != NULL && letter[1] != '\0') {
            value = letter + 1;
        } else if (option->value != NULL) {
            code = next_word_value(p, typed, &value, words);
        }
        code = code == CLI_PARSED ? take(p, option, typed, value) : code;
        if (value != NULL) {
            break;
        }
    }
    return code;
}

int cli_parse_options(const cli_command_t *command, int argc, char **argv,
                      cli_option_handler *handle, void *context, int *operands) {
    parser_t p = {command, handle, context, argc, argv, 2, 2};
    int code = CLI_PARSED;
    while (code == CLI_PARSED && p.next < argc) {
        const char *word = argv[p.next];
        int words = 1;
        if (strcmp(word, "--") == 0) {
            move_back(argv, p.next, p.options_end++);
            break;
        }
        if (word[0] != '-' || word[1] == '\0') { /* an operand ("-" is one too) */
            p.next++;
            continue;
        }
        code = word[1] == '-' ? read_long(&p, word, &words) : read_short(&p, word, &words);
        for (int i = 0; i < words; i++) {
            move_back(argv, p.next + i, p.options_end++);
        }
        p.next += words;
    }
    *operands = p.options_end;
    return code;
}

/* ---- values several commands share --------------------------------------- */

int cli_take_record(const cli_option_use_t *use, wom_batch_record_t *record, uint32_t *every) {
    uint64_t days = 0;
    if (strcmp(use->value, "final") == 0) {
        *record = WOM_BATCH_RECORD_FINAL;
        return EX_OK;
    }
    if (strncmp(use->value, "every:", 6) == 0 &&
        cli_parse_count(use->value + 6, 1, UINT32_MAX, &days)) {
        *record = WOM_BATCH_RECORD_EVERY;
        *every = (uint32_t)days;
        return EX_OK;
    }
    return cli_usage_error("%s expects final or every:N (N days, at least 1), not '%s'", use->typed,
                           use->value);
}

int cli_take_size(const cli_option_use_t *use, uint64_t *bytes) {
    if (!cli_parse_bytes(use->value, bytes)) {
        return cli_usage_error("%s expects a size such as 512M or 8G, not '%s'", use->typed,
                               use->value);
    }
    return EX_OK;
}
