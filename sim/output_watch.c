/* output_watch.c: a watched run's files (watch.h): trace.csv, a row per
 * message, and agents.csv, a row per agent per day asked, each written
 * whole or not at all through file.c, and network.dat and .gp
 * (output_network.c); and summary.json's "watch" member,
 * how far the stories travelled. Workload: up to --trace-limit rows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "womsim/output.h"

const char *wom_output_message_kind(int kind) {
    static const char *const names[WOM_MESSAGE_KINDS] = {[WOM_MESSAGE_EXPERIENCE] = "experience",
                                                         [WOM_MESSAGE_RECOVERY] = "recovery",
                                                         [WOM_MESSAGE_HEARSAY] = "hearsay",
                                                         [WOM_MESSAGE_ADVICE] = "advice"};
    return names[kind];
}

const char *wom_output_story_name(int story) {
    static const char *const names[WOM_WATCH_STORIES] = {
        [WOM_WATCH_BAD] = "bad", [WOM_WATCH_GOOD] = "good", [WOM_WATCH_RECOVERED] = "recovered"};
    return names[story];
}

static const char *const state_names[] = {"unaware", "prospect", "customer", "lost"};

static void trace_csv(wom_text_t *text, const wom_watch_t *w) {
    wom_text_printf(text, "day,teller,hearer,valence,kind,weight\n");
    for (uint64_t m = 0; m < w->message_count; m++) {
        const wom_model_message_t *message = &w->messages[m];
        wom_text_printf(text, "%u,%u,%u,%s,%s,%u\n", w->message_day[m], message->teller,
                        message->hearer, message->valence ? "bad" : "good",
                        wom_output_message_kind(message->kind), message->weight);
    }
}

static void agents_csv(wom_text_t *text, const wom_watch_t *w) {
    wom_text_printf(text, "day,agent,degree,segment,state,attitude,purchases,loyal,intermediary,"
                          "heard_good,heard_bad\n");
    for (size_t i = 0; i < w->table_rows; i++) {
        const wom_watch_agent_t *a = &w->table[i];
        const wom_model_agent_t *s = &a->state;
        wom_text_printf(text, "%u,%u,%u,%u,%s,", a->day, a->agent, a->degree, a->segment,
                        state_names[s->state]);
        wom_text_number(text, s->attitude / 64.0);
        wom_text_printf(text, ",%u,%d,%d,%d,%d\n", s->purchases, s->loyal, s->intermediary,
                        s->heard_good, s->heard_bad);
    }
}

/* Writes dir/name from `build`, or removes a file left there by another
 * run when it is not wanted. */
static wom_status write_or_remove(const char *dir, const char *name, bool wanted,
                                  void (*build)(wom_text_t *, const wom_watch_t *),
                                  const wom_watch_t *w, wom_error_t *error) {
    if (!wanted) {
        return wom_file_remove(dir, name, error);
    }
    wom_text_t text;
    wom_text_init(&text);
    build(&text, w);
    wom_status status = wom_file_write_text(dir, name, &text, error);
    wom_text_destroy(&text);
    return status;
}

wom_status wom_output_write_watch(const char *dir, const wom_watch_t *watch, wom_error_t *error) {
    bool traced = watch != NULL && watch->traced;
    bool tabled = watch != NULL && watch->table_rows > 0;
    wom_status status = write_or_remove(dir, "trace.csv", traced, trace_csv, watch, error);
    status = status == WOM_OK ? write_or_remove(dir, "agents.csv", tabled, agents_csv, watch, error)
                              : status;
    return status == WOM_OK ? wom_output_write_network(dir, watch, error) : status;
}

static void json_reach(wom_text_t *text, const wom_watch_reach_t *r) {
    wom_text_printf(text, "{\"stories\": %llu, \"reached_mean\": ", (unsigned long long)r->stories);
    wom_text_number(text, r->mean_reached);
    wom_text_printf(text, ", \"reached_directly_mean\": ");
    wom_text_number(text, r->mean_direct);
    wom_text_printf(text, ", \"reached_through_hearsay_mean\": ");
    wom_text_number(text, r->mean_hearsay);
    wom_text_printf(text,
                    ", \"reached_median\": %llu, \"reached_p90\": %llu, \"reached_max\": %llu, "
                    "\"deepest_retelling\": %u",
                    (unsigned long long)r->median_reached, (unsigned long long)r->p90_reached,
                    (unsigned long long)r->max_reached, r->deepest);
    if (r->stories > 0) {
        wom_text_printf(text,
                        ", \"furthest\": {\"teller\": %u, \"day\": %u, \"reached_directly\": "
                        "%llu, \"reached_through_hearsay\": %llu}",
                        r->furthest_teller, r->furthest_day, (unsigned long long)r->furthest_direct,
                        (unsigned long long)r->furthest_hearsay);
    }
    wom_text_printf(text, "}");
}

void wom_output_watch_json(wom_text_t *text, const wom_watch_t *w) {
    wom_text_printf(text, ",\n  \"watch\": {\n    \"run_id\": %u,\n    \"replication\": 1",
                    w->run_id);
    if (w->table_rows > 0) {
        wom_text_printf(text, ",\n    \"agent_days\": [");
        for (size_t d = 0; d < w->options.day_count; d++) {
            wom_text_printf(text, "%s%u", d ? ", " : "", w->options.days[d]);
        }
        wom_text_printf(text, "]");
    }
    if (w->snapshot_rows > 0) {
        wom_text_printf(text, ",\n    \"snapshot_days\": [");
        for (size_t d = 0; d < w->options.snapshot_count; d++) {
            wom_text_printf(text, "%s%u", d ? ", " : "", w->options.snapshot_days[d]);
        }
        wom_text_printf(text, "]");
    }
    if (w->traced) {
        wom_text_printf(text,
                        ",\n    \"messages\": %llu,\n    \"trace_limit\": %llu,\n"
                        "    \"reach_days\": %d,\n    \"retellings_shared\": %llu,\n"
                        "    \"stories\": {\n",
                        (unsigned long long)w->message_count,
                        (unsigned long long)w->options.trace_limit, WOM_WATCH_REACH_DAYS,
                        (unsigned long long)w->hearsay_shared);
        for (int c = 0; c < WOM_WATCH_STORIES; c++) {
            wom_text_printf(text, "      \"%s\": ", wom_output_story_name(c));
            json_reach(text, &w->reach[c]);
            wom_text_printf(text, c + 1 < WOM_WATCH_STORIES ? ",\n" : "\n");
        }
        wom_text_printf(text, "    }");
    }
    wom_text_printf(text, "\n  }");
}
