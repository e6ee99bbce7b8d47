/* watch_reach.c: how far each story of a watched run travelled (watch.h),
 * from its sorted trace: the people a story's teller told (directly), and
 * those its hearers' retellings reached day after day (through hearsay),
 * within WOM_WATCH_REACH_DAYS of its telling, and how many retellings deep
 * it went. Pure computation. Workload: a trace of up to --trace-limit
 * messages; each story costs the messages of its own chain (a binary
 * search per reteller and day), and marks per agent keep it from counting
 * a person twice.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "womsim/watch.h"

#include <stdlib.h>
#include <string.h>

/* What following the stories needs: the trace, each day's first message,
 * and marks per agent. */
typedef struct {
    const wom_watch_t *watch;
    uint64_t *day_start; /* steps + 2 entries: day d is [day_start[d], day_start[d + 1]) */
    uint64_t *reached;   /* per agent: story number + 1 when the story reached it */
    uint64_t *queued;    /* per agent: (story + 1) * (steps + 2) + day when in a frontier */
    uint32_t *frontier[2];
} follow_t;

static uint64_t key_of(uint32_t teller, uint8_t kind) {
    return (uint64_t)teller << 8 | kind;
}

/* The first message of day `day` at or after (teller, kind). */
static uint64_t lower_bound(const follow_t *f, uint32_t day, uint32_t teller, uint8_t kind) {
    uint64_t lo = f->day_start[day], hi = f->day_start[day + 1], key = key_of(teller, kind);
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        const wom_model_message_t *m = &f->watch->messages[mid];
        if (key_of(m->teller, m->kind) < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* One story in progress: its number, teller, valence and counts. */
typedef struct {
    uint64_t number;
    uint32_t teller, day;
    uint8_t valence;
    uint64_t direct, hearsay;
    uint32_t depth;
} story_t;

/* Counts `hearer` as reached (once per story) and queues it in the
 * frontier of `day` (once per day). */
static void reach(follow_t *f, story_t *story, uint32_t hearer, uint32_t day, uint32_t *frontier,
                  uint32_t *size, bool direct) {
    if (hearer == story->teller) {
        return;
    }
    if (f->reached[hearer] != story->number + 1) {
        f->reached[hearer] = story->number + 1;
        *(direct ? &story->direct : &story->hearsay) += 1;
    }
    uint64_t mark = (story->number + 1) * ((uint64_t)f->watch->steps + 2) + day;
    if (f->queued[hearer] != mark) {
        f->queued[hearer] = mark;
        frontier[(*size)++] = hearer;
    }
}

/* The story's retellings: each day, the hearsay of that valence its
 * hearers of the day before sent. */
static void follow_hearsay(follow_t *f, story_t *story, uint32_t size) {
    const wom_watch_t *w = f->watch;
    uint32_t last = story->day + WOM_WATCH_REACH_DAYS - 1;
    last = last < w->steps ? last : w->steps;
    int current = 0;
    for (uint32_t day = story->day + 1; size > 0 && day <= last; day++) {
        uint32_t next = 0;
        for (uint32_t i = 0; i < size; i++) {
            uint32_t teller = f->frontier[current][i];
            for (uint64_t m = lower_bound(f, day, teller, WOM_MESSAGE_HEARSAY);
                 m < f->day_start[day + 1] && w->messages[m].teller == teller &&
                 w->messages[m].kind == WOM_MESSAGE_HEARSAY;
                 m++) {
                if (w->messages[m].valence == story->valence) {
                    reach(f, story, w->messages[m].hearer, day, f->frontier[1 - current], &next,
                          false);
                }
            }
        }
        if (next > 0) {
            story->depth = day - story->day;
        }
        current = 1 - current;
        size = next;
    }
}

/* Which story class a first-hand message opens, or -1 (hearsay, advice). */
static int story_class(const wom_model_message_t *m) {
    if (m->kind == WOM_MESSAGE_RECOVERY) {
        return WOM_WATCH_RECOVERED;
    }
    if (m->kind == WOM_MESSAGE_EXPERIENCE) {
        return m->valence ? WOM_WATCH_BAD : WOM_WATCH_GOOD;
    }
    return -1;
}

static int compare_counts(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Adds a finished story to its class. */
static void add_story(wom_watch_reach_t *r, uint64_t *reached, const story_t *story) {
    uint64_t total = story->direct + story->hearsay;
    if (r->stories == 0 || total > r->max_reached) {
        r->max_reached = total;
        r->furthest_teller = story->teller;
        r->furthest_day = story->day;
        r->furthest_direct = story->direct;
        r->furthest_hearsay = story->hearsay;
    }
    reached[r->stories++] = total;
    r->mean_direct += (double)story->direct;
    r->mean_hearsay += (double)story->hearsay;
    r->deepest = story->depth > r->deepest ? story->depth : r->deepest;
}

/* Means and the distribution's median and 90th percentile (nearest rank). */
static void finish_class(wom_watch_reach_t *r, uint64_t *reached) {
    if (r->stories == 0) {
        return;
    }
    qsort(reached, r->stories, sizeof *reached, compare_counts);
    r->mean_direct /= (double)r->stories;
    r->mean_hearsay /= (double)r->stories;
    r->mean_reached = r->mean_direct + r->mean_hearsay;
    r->median_reached = reached[(r->stories - 1) / 2];
    r->p90_reached = reached[(r->stories * 9 + 9) / 10 - 1];
}

/* Retellings whose teller heard two or more messages of their valence the
 * day before: credited to each story it heard. */
static uint64_t shared_retellings(const follow_t *f, uint32_t *heard) {
    const wom_watch_t *w = f->watch;
    uint64_t shared = 0;
    for (uint32_t day = 1; day <= w->steps; day++) {
        for (uint64_t m = f->day_start[day - 1]; m < f->day_start[day]; m++) {
            heard[2 * (size_t)w->messages[m].hearer + w->messages[m].valence]++;
        }
        for (uint64_t m = f->day_start[day]; m < f->day_start[day + 1]; m++) {
            const wom_model_message_t *h = &w->messages[m];
            shared +=
                h->kind == WOM_MESSAGE_HEARSAY && heard[2 * (size_t)h->teller + h->valence] > 1;
        }
        for (uint64_t m = f->day_start[day - 1]; m < f->day_start[day]; m++) {
            heard[2 * (size_t)w->messages[m].hearer + w->messages[m].valence] = 0;
        }
    }
    return shared;
}

static void follow_all(follow_t *f, wom_watch_t *w, uint64_t *reached[WOM_WATCH_STORIES]) {
    uint64_t number = 0;
    for (uint64_t m = 0; m < w->message_count;) {
        const wom_model_message_t *first = &w->messages[m];
        int class = story_class(first);
        uint64_t end = m;
        while (end < w->message_count && w->message_day[end] == w->message_day[m] &&
               w->messages[end].teller == first->teller && w->messages[end].kind == first->kind) {
            end++;
        }
        if (class >= 0) {
            story_t story = {number++, first->teller, w->message_day[m], first->valence, 0, 0, 0};
            uint32_t size = 0;
            for (uint64_t i = m; i < end; i++) {
                reach(f, &story, w->messages[i].hearer, story.day, f->frontier[0], &size, true);
            }
            follow_hearsay(f, &story, size);
            add_story(&w->reach[class], reached[class], &story);
        }
        m = end;
    }
}

wom_status wom_watch_reach(wom_watch_t *w) {
    follow_t f = {.watch = w};
    size_t agents = w->agents > 0 ? w->agents : 1;
    f.day_start = calloc((size_t)w->steps + 2, sizeof *f.day_start);
    f.reached = calloc(agents, sizeof *f.reached);
    f.queued = calloc(agents, sizeof *f.queued);
    f.frontier[0] = malloc(agents * sizeof *f.frontier[0]);
    f.frontier[1] = malloc(agents * sizeof *f.frontier[1]);
    uint32_t *heard = calloc(2 * agents, sizeof *heard);
    uint64_t *reached[WOM_WATCH_STORIES];
    bool ok = f.day_start && f.reached && f.queued && f.frontier[0] && f.frontier[1] && heard;
    for (int c = 0; c < WOM_WATCH_STORIES; c++) {
        reached[c] = malloc((w->message_count + 1) * sizeof *reached[c]);
        ok = ok && reached[c] != NULL;
    }
    if (ok) {
        for (uint64_t m = 0, day = 0; day <= (uint64_t)w->steps + 1; day++) {
            while (m < w->message_count && w->message_day[m] < day) {
                m++;
            }
            f.day_start[day] = m;
        }
        memset(w->reach, 0, sizeof w->reach);
        follow_all(&f, w, reached);
        for (int c = 0; c < WOM_WATCH_STORIES; c++) {
            finish_class(&w->reach[c], reached[c]);
        }
        w->hearsay_shared = shared_retellings(&f, heard);
    }
    for (int c = 0; c < WOM_WATCH_STORIES; c++) {
        free(reached[c]);
    }
    free(heard);
    free(f.frontier[0]);
    free(f.frontier[1]);
    free(f.queued);
    free(f.reached);
    free(f.day_start);
    return ok ? WOM_OK : WOM_ENOMEM;
}
