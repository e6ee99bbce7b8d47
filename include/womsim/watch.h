/* watch.h: watching one run of a batch, for classroom-size networks: who
 * told whom (every message of the run, `womsim run --trace`), each agent's
 * state on chosen days (`--agents DAYS`), and how far each story
 * travelled, directly and through hearsay. The watched run is the batch's
 * first task (point 0, replication 1), run again with the same streams on
 * the same network after the batch: its rows are checked against its task
 * file, so the trace is of the run the results report. Only the wom kind
 * has messages and agents to watch; a sweep, a design or a shard is
 * refused (watch one point: run it alone). Deterministic: every step's
 * messages are sorted, so the trace is the same bytes for any thread
 * count. A message sent on day D is heard on day D + 1: the agents of day
 * D and the messages of day D - 1 draw that day's picture.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_WATCH_H
#define WOMSIM_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "womsim/batch.h"
#include "womsim/model.h"
#include "womsim/status.h"

/* --trace-limit's default: about 16 MiB in memory, a trace.csv of about
 * 30 MB. */
#define WOM_WATCH_TRACE_LIMIT 1000000

/* Days a story's reach is counted over, from the day it is first told. */
#define WOM_WATCH_REACH_DAYS 30

/* Most days --agents and --snapshots take. */
#define WOM_WATCH_MAX_DAYS 64

/* Most agents --snapshots draws. The layout (Kamada and Kawai's, see
 * graph_layout.c) holds a distance matrix of agents x agents doubles and
 * grows as its square: configs/baseline.ini's town drawn on 4 days took
 * 4.6 s and 104 MB at 2,000 agents (0.7 s and 25 MB without pictures),
 * 37.6 s and 598 MB at 5,000, whose picture is a hairball no one reads (docs/batch.md, "Watching
 * one run"). */
#define WOM_WATCH_MAX_PICTURE_AGENTS 2000

typedef struct {
    bool trace;                                 /* record every message */
    uint64_t trace_limit;                       /* refuse a run that sends more messages (> 0) */
    uint32_t days[WOM_WATCH_MAX_DAYS];          /* --agents: ascending, distinct */
    size_t day_count;                           /* 0: no agents table */
    uint32_t snapshot_days[WOM_WATCH_MAX_DAYS]; /* --snapshots: ascending, distinct */
    size_t snapshot_count;                      /* 0: no network pictures */
} wom_watch_options_t;

/* One agent on one day. */
typedef struct {
    uint32_t day, agent, degree;
    uint8_t segment;
    wom_model_agent_t state;
} wom_watch_agent_t;

/* Where stories of one kind went (a story: one teller's telling of one
 * experience, the messages of one (day, teller, kind, valence)). */
typedef struct {
    uint64_t stories;
    double mean_reached, mean_direct, mean_hearsay; /* people, per story */
    uint64_t median_reached, p90_reached, max_reached;
    uint32_t deepest; /* most retellings in a chain: 0 when none was passed on */
    /* the story that reached the most people (the first such in trace order) */
    uint32_t furthest_teller, furthest_day;
    uint64_t furthest_direct, furthest_hearsay;
} wom_watch_reach_t;

/* The stories followed: bad experiences, good ones, recovered complaints. */
enum { WOM_WATCH_BAD, WOM_WATCH_GOOD, WOM_WATCH_RECOVERED, WOM_WATCH_STORIES };

typedef struct {
    uint32_t run_id, steps, agents;
    bool traced;
    wom_model_message_t *messages; /* sorted by day, teller, kind, hearer, valence, weight */
    uint32_t *message_day;         /* the day each message was sent */
    uint64_t message_count;
    uint64_t hearsay_shared; /* retellings credited to more than one story (see watch_reach.c) */
    wom_watch_reach_t reach[WOM_WATCH_STORIES];
    wom_watch_agent_t *table; /* day_count x agents, day by day, agent by agent */
    size_t table_rows;
    /* --snapshots: the agents on each day drawn (snapshot_count x agents,
     * as table), where each agent is drawn (x, y in [0, 1], agent by
     * agent), the network's edges (pairs u < v) and attitude's cap; the
     * messages then hold (at least) those of each drawn day's eve */
    wom_watch_agent_t *snapshots;
    size_t snapshot_rows;
    double *layout;
    uint32_t *edges;
    uint64_t edge_count;
    int64_t attitude_cap;
    wom_watch_options_t options;
} wom_watch_t;

/* Checks that `batch` can be watched as `options` ask, before it runs:
 * the wom kind, one point, one shard, agent and snapshot days within the
 * run, and for --snapshots a network of at most
 * WOM_WATCH_MAX_PICTURE_AGENTS agents (the network is built for that: the
 * batch keeps it). WOM_ECONFIG with a message naming the option
 * otherwise. */
wom_status wom_watch_check(wom_batch_t *batch, const wom_watch_options_t *options,
                           wom_error_t *error);

/* Runs the batch's first task again, watching it: the trace (WOM_ETOOBIG
 * when it sends more than options->trace_limit messages, naming the day
 * and the limit), the agents on the days asked, each story's reach, and
 * for --snapshots the agents and messages to draw and the layout. Its
 * rows must equal its task file's (WOM_EDATA otherwise). */
wom_status wom_watch_run(wom_batch_t *batch, const wom_watch_options_t *options, wom_watch_t *watch,
                         wom_error_t *error);

void wom_watch_destroy(wom_watch_t *watch); /* accepts a zeroed watch */

/* The stories' reach from the sorted trace (watch_reach.c): pure. A
 * retelling on day D + 1 by someone who heard a story on day D is counted
 * as part of that story; when the reteller heard several stories of the
 * same valence that day, the model does not say which was passed on (an
 * inbox holds counts), so each is credited (counted in hearsay_shared). */
wom_status wom_watch_reach(wom_watch_t *watch);

#endif
