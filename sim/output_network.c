/* output_network.c: the pictures of a watched run's network (`womsim run
 * --snapshots DAYS`, watch.h): network.dat (the edges, then each day's
 * agents and the messages they heard that day) and network.gp, which
 * draws network-DAY.png and network-DAY.svg for each day and network.gif
 * over the days; the pictures of another run's days removed, so that the
 * folder holds only this run's. Colours are Okabe and Ito's, those of
 * timeseries.gp: an agent's state as in "Who knows the business", a
 * message's valence as in "Word of mouth"; an agent is paler the worse
 * its opinion, and a bad message's arrow is dashed, a good one's solid,
 * so that a grey print keeps them apart.
 * Workload: up to WOM_WATCH_MAX_PICTURE_AGENTS agents, their edges and a
 * day's messages per day drawn (up to WOM_WATCH_MAX_DAYS).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "output_internal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "womsim/version.h"

enum { UNAWARE, PROSPECT, CUSTOMER, LOST, STATES };

static const char *const state_titles[STATES] = {"unaware", "prospect", "customer", "lost"};
static const unsigned state_colours[STATES] = {0x999999, 0x009E73, 0x0072B2, 0xD55E00};
#define GOOD_COLOUR "#0072B2"
#define BAD_COLOUR  "#D55E00"
#define EDGE_COLOUR "#DDDDDD"

/* How much of the state's colour (against white) an agent of attitude
 * `attitude` (in 1/64 of a point, within [-cap, cap]) is drawn with: 0.3
 * at -cap, 1 at +cap. */
static double shade(int16_t attitude, int64_t cap) {
    double opinion = cap > 0 ? (attitude / 64.0 / (double)cap + 1) / 2 : 0.5;
    opinion = opinion < 0 ? 0 : opinion > 1 ? 1 : opinion;
    return 0.3 + 0.7 * opinion;
}

static unsigned shaded_colour(unsigned colour, double weight) {
    unsigned mixed = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
        double channel = (colour >> shift) & 0xFF;
        mixed |= (unsigned)lround(255 - (255 - channel) * weight) << shift;
    }
    return mixed;
}

/* What one day's picture holds. */
typedef struct {
    uint32_t day;
    const wom_watch_agent_t *agents;
    uint64_t first, end; /* the messages heard that day: sent the day before */
    uint64_t good, bad;
    uint32_t states[STATES];
    int nodes_index, messages_index; /* gnuplot's index of the blocks; -1: none */
} picture_t;

/* The pictures' messages, agents and block indices: the edges are block
 * 0 when there are any, then each day's agents, then its messages when
 * it heard some. */
static void plan_pictures(const wom_watch_t *w, picture_t *pictures) {
    int index = w->edge_count > 0 ? 1 : 0;
    uint64_t m = 0;
    for (size_t d = 0; d < w->options.snapshot_count; d++) {
        picture_t *p = &pictures[d];
        *p = (picture_t){.day = w->options.snapshot_days[d],
                         .agents = w->snapshots + d * (size_t)w->agents};
        while (m < w->message_count && w->message_day[m] + 1 < p->day) {
            m++;
        }
        p->first = m;
        while (m < w->message_count && w->message_day[m] + 1 == p->day) {
            p->bad += w->messages[m].valence;
            m++;
        }
        p->end = m;
        p->good = p->end - p->first - p->bad;
        for (uint32_t v = 0; v < w->agents; v++) {
            p->states[p->agents[v].state.state]++;
        }
        p->nodes_index = index++;
        p->messages_index = p->end > p->first ? index++ : -1;
    }
}

/* A coordinate, to 5 decimals of the unit square. */
static void coordinate(wom_text_t *text, double value) {
    wom_text_printf(text, "%.5f", value);
}

static void edges_block(wom_text_t *text, const wom_watch_t *w) {
    wom_text_printf(text, "# edges: x y dx dy\n");
    for (uint64_t e = 0; e < w->edge_count; e++) {
        const double *a = &w->layout[2 * w->edges[2 * e]], *b = &w->layout[2 * w->edges[2 * e + 1]];
        coordinate(text, a[0]);
        wom_text_printf(text, " ");
        coordinate(text, a[1]);
        wom_text_printf(text, " ");
        coordinate(text, b[0] - a[0]);
        wom_text_printf(text, " ");
        coordinate(text, b[1] - a[1]);
        wom_text_printf(text, "\n");
    }
    wom_text_printf(text, "\n\n");
}

static void nodes_block(wom_text_t *text, const wom_watch_t *w, const picture_t *p) {
    wom_text_printf(text, "# day %u's agents: x y colour state attitude agent\n", p->day);
    for (uint32_t v = 0; v < w->agents; v++) {
        const wom_model_agent_t *s = &p->agents[v].state;
        coordinate(text, w->layout[2 * v]);
        wom_text_printf(text, " ");
        coordinate(text, w->layout[2 * v + 1]);
        wom_text_printf(text, " %u %s ",
                        shaded_colour(state_colours[s->state], shade(s->attitude, w->attitude_cap)),
                        state_titles[s->state]);
        wom_text_number(text, s->attitude / 64.0);
        wom_text_printf(text, " %u\n", v);
    }
    wom_text_printf(text, "\n\n");
}

/* The arrows end short of the hearer, by this share of the unit square,
 * so that its head shows beside the hearer's point. */
#define ARROW_GAP 0.012

static void messages_block(wom_text_t *text, const wom_watch_t *w, const picture_t *p) {
    wom_text_printf(text,
                    "# messages heard on day %u (told on day %u): x y dx dy bad teller hearer "
                    "kind\n",
                    p->day, p->day - 1);
    for (uint64_t m = p->first; m < p->end; m++) {
        const wom_model_message_t *message = &w->messages[m];
        const double *a = &w->layout[2 * message->teller], *b = &w->layout[2 * message->hearer];
        double dx = b[0] - a[0], dy = b[1] - a[1], length = hypot(dx, dy);
        double keep = length > 2 * ARROW_GAP ? 1 - ARROW_GAP / length : 1;
        coordinate(text, a[0]);
        wom_text_printf(text, " ");
        coordinate(text, a[1]);
        wom_text_printf(text, " ");
        coordinate(text, dx * keep);
        wom_text_printf(text, " ");
        coordinate(text, dy * keep);
        wom_text_printf(text, " %u %u %u %s\n", message->valence, message->teller, message->hearer,
                        wom_output_message_kind(message->kind));
    }
    wom_text_printf(text, "\n\n");
}

static void network_dat(wom_text_t *text, const wom_watch_t *w, const picture_t *pictures) {
    wom_text_printf(text,
                    "# womsim %s: the network of replication 1 (run %u) on the days drawn; "
                    "blocks (gnuplot's index) separated by two blank lines; x and y in the "
                    "unit square (igraph's Kamada-Kawai layout); colour 0xRRGGBB\n",
                    WOM_VERSION, w->run_id);
    if (w->edge_count > 0) {
        edges_block(text, w);
    }
    for (size_t d = 0; d < w->options.snapshot_count; d++) {
        nodes_block(text, w, &pictures[d]);
        if (pictures[d].messages_index >= 0) {
            messages_block(text, w, &pictures[d]);
        }
    }
}

/* A point's size in gnuplot's units: smaller as the network grows. */
static double point_size(uint32_t agents) {
    double size = 12 / sqrt(agents > 0 ? agents : 1);
    return size < 0.35 ? 0.35 : size > 1.6 ? 1.6 : size;
}

/* One day's plot command. */
static void plot_day(wom_text_t *text, const wom_watch_t *w, const picture_t *p) {
    wom_text_printf(text,
                    "set title 'day %u: %u customers, %u prospects, %u lost, %u unaware; "
                    "messages heard: %llu good, %llu bad'\nplot ",
                    p->day, p->states[CUSTOMER], p->states[PROSPECT], p->states[LOST],
                    p->states[UNAWARE], (unsigned long long)p->good, (unsigned long long)p->bad);
    if (w->edge_count > 0) {
        wom_text_printf(text,
                        "data index 0 using 1:2:3:4 with vectors nohead lw 0.5 lc rgb '" EDGE_COLOUR
                        "' notitle, \\\n    ");
    }
    if (p->good > 0) {
        wom_text_printf(text,
                        "data index %d using 1:2:($5 == 0 ? $3 : NaN):4 with vectors head "
                        "filled size 0.015,20 lw 1.5 dt 1 lc rgb '" GOOD_COLOUR
                        "' notitle, \\\n    ",
                        p->messages_index);
    }
    if (p->bad > 0) {
        wom_text_printf(text,
                        "data index %d using 1:2:($5 == 1 ? $3 : NaN):4 with vectors head "
                        "filled size 0.015,20 lw 1.5 dt 2 lc rgb '" BAD_COLOUR
                        "' notitle, \\\n    ",
                        p->messages_index);
    }
    wom_text_printf(text,
                    "data index %d using 1:2:3 with points pt 7 ps %.2f lc rgb variable notitle, "
                    "\\\n    data index %d using 1:2 with points pt 6 ps %.2f lw 0.5 lc rgb "
                    "'#333333' notitle, \\\n    @keys\n",
                    p->nodes_index, point_size(w->agents), p->nodes_index, point_size(w->agents));
}

/* gnuplot's variable of a picture's name: network-7.png is network_7_png. */
static void picture_variable(char *variable, size_t size, const char *name) {
    snprintf(variable, size, "%s", name);
    for (char *c = variable; *c; c++) {
        *c = *c == '-' || *c == '.' ? '_' : *c;
    }
}

static void network_gp(wom_text_t *text, const wom_watch_t *w, const picture_t *pictures) {
    wom_text_printf(text,
                    "# womsim %s: draws network-DAY.png and network-DAY.svg for each day of "
                    "network.dat, and network.gif over the days:\n#   gnuplot network.gp\n"
                    "# Points are agents, coloured by state, paler the worse their opinion "
                    "(attitude); grey lines are ties; arrows are the messages heard that day "
                    "(told the day before): solid good, dashed bad.\n"
                    "data = 'network.dat'\n",
                    WOM_VERSION);
    size_t count = w->options.snapshot_count;
    char name[64], variable[64];
    for (size_t d = 0; d < count; d++) {
        for (int svg = 0; svg < 2; svg++) {
            snprintf(name, sizeof name, "network-%u.%s", pictures[d].day, svg ? "svg" : "png");
            picture_variable(variable, sizeof variable, name);
            wom_text_printf(text, "if (!exists('%s')) %s = '%s'\n", variable, variable, name);
        }
    }
    wom_text_printf(text, "if (!exists('network_gif')) network_gif = 'network.gif'\n");
    wom_text_printf(text, "keys = \"keyentry with points pt 7 ps 1.5 lc rgb '#%06X' title '%s'",
                    state_colours[0], state_titles[0]);
    for (int s = 1; s < STATES; s++) {
        wom_text_printf(text, ", keyentry with points pt 7 ps 1.5 lc rgb '#%06X' title '%s'",
                        state_colours[s], state_titles[s]);
    }
    wom_text_printf(text,
                    ", keyentry with vectors lw 1.5 dt 1 lc rgb '" GOOD_COLOUR
                    "' title 'good message', keyentry with vectors lw 1.5 dt 2 lc rgb '" BAD_COLOUR
                    "' title 'bad message'\"\n");
    wom_text_printf(text, "unset border\nunset tics\nset size ratio -1\n"
                          "set xrange [-0.03:1.03]\nset yrange [-0.03:1.03]\n"
                          "set key below horizontal\n");
    static const char *const terminals[3] = {
        "pngcairo size 800,860 noenhanced font ',10'",
        "svg size 800,860 dynamic noenhanced font ',10'",
        "gif animate delay 150 loop 0 size 600,660 noenhanced"};
    for (int t = 0; t < 3; t++) {
        wom_text_printf(text, "set terminal %s\n", terminals[t]);
        if (t == 2) {
            wom_text_printf(text, "set output network_gif\n");
        }
        for (size_t d = 0; d < count; d++) {
            if (t < 2) {
                snprintf(name, sizeof name, "network-%u.%s", pictures[d].day, t ? "svg" : "png");
                picture_variable(variable, sizeof variable, name);
                wom_text_printf(text, "set output %s\n", variable);
            }
            plot_day(text, w, &pictures[d]);
            if (t < 2) {
                wom_text_printf(text, "set output\n");
            }
        }
        if (t == 2) {
            wom_text_printf(text, "set output\n");
        }
    }
}

/* Whether `name` is a picture of a day, network-DAY.png or .svg. */
static bool day_picture(const char *name) {
    if (strncmp(name, "network-", 8) != 0) {
        return false;
    }
    size_t digits = strspn(name + 8, "0123456789");
    return digits > 0 &&
           (strcmp(name + 8 + digits, ".png") == 0 || strcmp(name + 8 + digits, ".svg") == 0);
}

static int select_day_picture(const struct dirent *entry) {
    return day_picture(entry->d_name);
}

wom_status wom_output_network_pictures(const char *dir, char ***names, size_t *count) {
    struct dirent **entries = NULL;
    int found = scandir(dir, &entries, select_day_picture, alphasort);
    *names = NULL;
    *count = 0;
    if (found < 0) {
        return errno == ENOENT ? WOM_OK : WOM_EIO;
    }
    *names = malloc((found > 0 ? (size_t)found : 1) * sizeof **names);
    wom_status status = *names != NULL ? WOM_OK : WOM_ENOMEM;
    for (int i = 0; i < found; i++) {
        if (status == WOM_OK) {
            (*names)[*count] = strdup(entries[i]->d_name);
            status = (*names)[*count] != NULL ? WOM_OK : WOM_ENOMEM;
            *count += status == WOM_OK;
        }
        free(entries[i]);
    }
    free(entries);
    return status;
}

/* Removes every picture a run drew: this run's are drawn again. */
static wom_status remove_pictures(const char *dir, wom_error_t *error) {
    char **names = NULL;
    size_t count = 0;
    wom_status status = wom_output_network_pictures(dir, &names, &count);
    if (status != WOM_OK) {
        wom_error_set(error, status, dir, 0, "cannot list the folder's network pictures");
    }
    for (size_t i = 0; i < count; i++) {
        status = status == WOM_OK ? wom_file_remove(dir, names[i], error) : status;
        free(names[i]);
    }
    free(names);
    return status == WOM_OK ? wom_file_remove(dir, "network.gif", error) : status;
}

wom_status wom_output_write_network(const char *dir, const wom_watch_t *watch, wom_error_t *error) {
    wom_status status = remove_pictures(dir, error);
    bool drawn = watch != NULL && watch->snapshot_rows > 0;
    if (!drawn) {
        status = status == WOM_OK ? wom_file_remove(dir, "network.dat", error) : status;
        return status == WOM_OK ? wom_file_remove(dir, "network.gp", error) : status;
    }
    picture_t *pictures = malloc(watch->options.snapshot_count * sizeof *pictures);
    if (pictures == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory for the pictures");
    }
    plan_pictures(watch, pictures);
    wom_text_t text;
    wom_text_init(&text);
    network_dat(&text, watch, pictures);
    status = status == WOM_OK ? wom_file_write_text(dir, "network.dat", &text, error) : status;
    wom_text_destroy(&text);
    wom_text_init(&text);
    network_gp(&text, watch, pictures);
    status = status == WOM_OK ? wom_file_write_text(dir, "network.gp", &text, error) : status;
    wom_text_destroy(&text);
    free(pictures);
    return status;
}

wom_status wom_output_render_network(const char *dir, const wom_watch_t *watch,
                                     wom_error_t *error) {
    size_t count = 2 * watch->options.snapshot_count + 1;
    wom_output_picture_t *pictures = calloc(count, sizeof *pictures);
    if (pictures == NULL) {
        return wom_error_set(error, WOM_ENOMEM, "", 0, "out of memory for the pictures");
    }
    for (size_t d = 0; d < watch->options.snapshot_count; d++) {
        for (int svg = 0; svg < 2; svg++) {
            wom_output_picture_t *p = &pictures[2 * d + (size_t)svg];
            snprintf(p->name, sizeof p->name, "network-%u.%s", watch->options.snapshot_days[d],
                     svg ? "svg" : "png");
            picture_variable(p->variable, sizeof p->variable, p->name);
        }
    }
    snprintf(pictures[count - 1].name, sizeof pictures[count - 1].name, "network.gif");
    snprintf(pictures[count - 1].variable, sizeof pictures[count - 1].variable, "network_gif");
    wom_status status = wom_output_render_pictures(dir, "network.gp", pictures, count, error);
    free(pictures);
    return status;
}
