/* rng.h: counter-based random streams. Every draw is a pure function of a
 * key (seed, task, step, agent, call site) through Random123's Philox4x32-10,
 * so results never depend on thread count or scheduling order.
 *
 * Two ways to draw:
 * - wom_rng_stream_t, inline: a stream of raw 32-bit words for hot loops
 *   (Bernoulli draws compare a word with a precomputed threshold, uniform
 *   integers use a multiply-shift); no function call per draw.
 * - a gsl_rng reset to a key (Random123's gsl_microrng adapter), so GSL's
 *   distributions (gsl_ran_poisson, ...) draw from the same keyed streams;
 *   used per event (a tell count), not per agent per step.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_RNG_H
#define WOMSIM_RNG_H

#include <stdint.h>

#include <Random123/philox.h>
#include <gsl/gsl_rng.h>

/* Call sites: one constant per place in the code that draws, so that two
 * places never share a stream. Values are part of the output's identity:
 * changing one changes results (and must update reference runs). */
enum {
    WOM_SITE_AGENT_STEP = 1,     /* the first Bernoulli word of agents 4i .. 4i + 3 (key i) */
    WOM_SITE_TELL_COUNT = 2,     /* K, the number told (GSL distribution) */
    WOM_SITE_TELL_PICK = 3,      /* which K neighbours (Floyd's sampling) */
    WOM_SITE_SEEDING = 4,        /* initial customers and prospects */
    WOM_SITE_FORWARD_COUNT = 5,  /* K of each hearsay re-telling (GSL) */
    WOM_SITE_FORWARD_PICK = 6,   /* hearers of hearsay re-tellings */
    WOM_SITE_REVIEW = 7,         /* readers of an online review */
    WOM_SITE_INTERMEDIARIES = 8, /* who the intermediaries are */
    WOM_SITE_IC_SEEDS = 9,       /* ic: the nodes active at t = 0 */
    WOM_SITE_IC_STEP = 10,       /* ic: a newly active node's tries at its neighbours */
    WOM_SITE_SIR_SEEDS = 11,     /* sir: the nodes infected at t = 0 */
    WOM_SITE_SIR_STEP = 12,      /* sir: an infected node's recovery word, then its tries */
    WOM_SITE_BASS_STEP = 13,     /* bass: a non-adopter's adoption word */
    WOM_SITE_GRAPH = 14,         /* erdos-renyi, barabasi-albert: node v's edges (task 0) */
    WOM_SITE_AGENT_MORE = 15     /* an agent's Bernoulli words after its first */
};

/* Tasks (run ids) a stream key can tell apart: 2^24. */
#define WOM_RNG_MAX_TASKS (UINT32_C(1) << 24)

/* The key of a stream. The third counter word holds the task in its low 24
 * bits and the site in the high 8, so `task` must be below 2^24 (the batch
 * limit of tasks is far lower) and `site` below 256; the fourth word counts
 * the blocks drawn, so one stream gives 2^32 blocks (2^34 words). */
typedef struct {
    uint64_t seed;
    uint32_t task;  /* run_id: sweep point x replication */
    uint32_t step;  /* 0 = set-up */
    uint32_t agent; /* or any entity id */
    uint32_t site;  /* WOM_SITE_* */
} wom_rng_key_t;

typedef struct {
    philox4x32_ctr_t counter;
    philox4x32_key_t key;
    philox4x32_ctr_t block; /* the last four words drawn */
    unsigned used;          /* words of `block` already handed out */
} wom_rng_stream_t;

static inline void wom_rng_stream_init(wom_rng_stream_t *stream, wom_rng_key_t key) {
    stream->key = (philox4x32_key_t){{(uint32_t)key.seed, (uint32_t)(key.seed >> 32)}};
    stream->counter = (philox4x32_ctr_t){{key.agent, key.step, key.task | key.site << 24, 0}};
    stream->used = 4;
}

/* The first four words of the stream of `key`, as one Philox block. A loop
 * that computes many independent blocks before using them runs Philox at
 * its throughput (several blocks in flight) instead of its latency. */
static inline philox4x32_ctr_t wom_rng_first_block(wom_rng_key_t key) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key);
    return philox4x32(stream.counter, stream.key);
}

/* The stream's next block of four words (kept apart from
 * wom_rng_stream_next so that the compiler inlines the common path, a
 * word already drawn, and not ten Philox rounds at every call site). */
static inline void wom_rng_stream_refill(wom_rng_stream_t *stream) {
    stream->block = philox4x32(stream->counter, stream->key);
    stream->counter.v[3]++;
    stream->used = 0;
}

/* The next 32 random bits. */
static inline uint32_t wom_rng_stream_next(wom_rng_stream_t *stream) {
    if (stream->used == 4) {
        wom_rng_stream_refill(stream);
    }
    return stream->block.v[stream->used++];
}

/* The stream's next `count` words (1 to 64) as Bernoulli draws against
 * `threshold`: bit k of the result is set when word k succeeds. The same
 * words, in the same order, as `count` calls of wom_rng_stream_next, but
 * without a branch per word: the blocks are independent, so the processor
 * computes several at once, and the caller branches only on successes. */
static inline uint64_t wom_rng_stream_successes(wom_rng_stream_t *stream, unsigned count,
                                                uint64_t threshold) {
    uint64_t successes = 0;
    unsigned k = 0;
    for (; k < count && stream->used < 4; k++) {
        successes |= (uint64_t)(stream->block.v[stream->used++] < threshold) << k;
    }
    for (; k < count; k += 4) {
        stream->block = philox4x32(stream->counter, stream->key);
        stream->counter.v[3]++;
        const uint32_t *word = stream->block.v;
        unsigned take = count - k < 4 ? count - k : 4;
        unsigned nibble = (unsigned)(word[0] < threshold) | (unsigned)(word[1] < threshold) << 1 |
                          (unsigned)(word[2] < threshold) << 2 |
                          (unsigned)(word[3] < threshold) << 3;
        successes |= (uint64_t)(nibble & ((1u << take) - 1)) << k;
        stream->used = take;
    }
    return successes;
}

/* A Bernoulli threshold: a word w succeeds when w < threshold. Probability 0
 * never succeeds; 1 always does (2^32 exceeds every word). */
static inline uint64_t wom_rng_threshold(double probability) {
    if (probability <= 0) {
        return 0;
    }
    if (probability >= 1) {
        return UINT64_C(1) << 32;
    }
    return (uint64_t)(probability * 4294967296.0 + 0.5);
}

/* A Bernoulli threshold for a word already known to lie in [0, range)
 * (what is left of a word after an earlier threshold): the word succeeds
 * when below it. */
static inline uint64_t wom_rng_threshold_within(double probability, uint64_t range) {
    if (probability <= 0) {
        return 0;
    }
    if (probability >= 1) {
        return range;
    }
    return (uint64_t)(probability * (double)range + 0.5);
}

/* A uniform integer in [0, bound) by multiply-shift: biased by at most
 * bound / 2^32, negligible for neighbour counts (Lemire 2019 without the
 * rejection step, so each draw costs exactly one word). */
static inline uint32_t wom_rng_stream_below(wom_rng_stream_t *stream, uint32_t bound) {
    return (uint32_t)(((uint64_t)wom_rng_stream_next(stream) * bound) >> 32);
}

/* A uniform double in (0, 1] from two words (53 random bits). */
static inline double wom_rng_stream_unit(wom_rng_stream_t *stream) {
    uint64_t high = wom_rng_stream_next(stream) >> 5, low = wom_rng_stream_next(stream) >> 6;
    return (double)((high << 26 | low) + 1) * 0x1p-53;
}

/* A gsl_rng whose draws come from a keyed Philox stream; reset it to a key
 * before each use. Allocate once per worker, never in the step. */
gsl_rng *wom_rng_alloc_gsl(void);
void wom_rng_reset_gsl(gsl_rng *rng, wom_rng_key_t key);

/* The RNG's name, for provenance. */
const char *wom_rng_name(void);

#endif
