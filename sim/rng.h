/* rng.h (private to the library and its tests): counter-based random
 * streams. Every draw is a pure function of a
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

#include <stdbool.h>
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
    WOM_SITE_GRAPH = 14,         /* our generators: node v's edges (task: the draw) */
    WOM_SITE_AGENT_MORE = 15,    /* an agent's Bernoulli words after its first */
    WOM_SITE_CASCADE_TIE = 16,   /* ic, sir: the low 24 bits of a try whose byte tied */
    WOM_SITE_ADVICE_COUNT = 17,  /* K of an intermediary's advice (GSL distribution) */
    WOM_SITE_ADVICE_PICK = 18,   /* the hearers of an intermediary's advice */
    WOM_SITE_HISTORY = 19,       /* an initial customer's attitude (GSL normal) */
    WOM_SITE_GRAPH_MATCH = 20,   /* configuration: the matching of the stubs (one stream) */
    WOM_SITE_DESIGN = 21,        /* design.c: a Latin hypercube's column, a Morris trajectory */
    WOM_SITE_BOOTSTRAP = 22,     /* sensitivity.c: one bootstrap resampling */
    WOM_SITE_CALIBRATE = 23      /* calibrate_search.c: a bootstrap refit's two seeds */
};

/* Tasks (run ids) a stream key can tell apart: 2^24. */
#define WOM_RNG_MAX_TASKS (UINT32_C(1) << 24)

/* The key of a stream. The third counter word holds the task in its low 24
 * bits and the site in the high 8, so `task` must be below 2^24 (the batch
 * limit of tasks is far lower) and `site` below 256; the fourth word counts
 * the blocks drawn, so one stream gives 2^32 blocks (2^34 words). */
typedef struct {
    uint64_t seed;
    uint32_t task;  /* the run's stream task (wom_batch_stream_task); a graph's draw */
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

/* The Philox key and first counter of the stream of `key`: the one place a
 * key is packed, shared by the raw streams and the GSL adapter (rng.c), so
 * that the two can never draw from different streams for one key. */
static inline void wom_rng_pack(wom_rng_key_t key, philox4x32_key_t *philox_key,
                                philox4x32_ctr_t *counter) {
    *philox_key = (philox4x32_key_t){{(uint32_t)key.seed, (uint32_t)(key.seed >> 32)}};
    *counter = (philox4x32_ctr_t){{key.agent, key.step, key.task | key.site << 24, 0}};
}

static inline void wom_rng_stream_init(wom_rng_stream_t *stream, wom_rng_key_t key) {
    wom_rng_pack(key, &stream->key, &stream->counter);
    stream->used = 4;
}

/* The first blocks of the streams of entities key.agent .. key.agent +
 * count - 1 (the rest of the key alike) into blocks[0 .. count): blocks
 * computed in one loop overlap in the pipeline. */
static inline void wom_rng_first_blocks(wom_rng_key_t key, uint32_t count,
                                        philox4x32_ctr_t *blocks) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key);
    for (uint32_t i = 0; i < count; i++) {
        philox4x32_ctr_t counter = stream.counter;
        counter.v[0] = key.agent + i;
        blocks[i] = philox4x32(counter, stream.key);
    }
}

/* The stream's next block of four words, always inlined where it is
 * called. */
__attribute__((always_inline)) static inline void
wom_rng_stream_refill_inline(wom_rng_stream_t *stream) {
    stream->block = philox4x32(stream->counter, stream->key);
    stream->counter.v[3]++;
    stream->used = 0;
}

/* The same, kept apart from wom_rng_stream_next so that the compiler
 * inlines the common path, a word already drawn, and not ten Philox rounds
 * at every call site. */
static inline void wom_rng_stream_refill(wom_rng_stream_t *stream) {
    wom_rng_stream_refill_inline(stream);
}

/* The next 32 random bits. */
static inline uint32_t wom_rng_stream_next(wom_rng_stream_t *stream) {
    if (stream->used == 4) {
        wom_rng_stream_refill(stream);
    }
    return stream->block.v[stream->used++];
}

/* The same with the block computed inline: in a loop of draws, inline
 * blocks overlap in the pipeline. */
__attribute__((always_inline)) static inline uint32_t
wom_rng_stream_next_inline(wom_rng_stream_t *stream) {
    if (stream->used == 4) {
        wom_rng_stream_refill_inline(stream);
    }
    return stream->block.v[stream->used++];
}

/* Bernoulli trials of a byte each. A trial against threshold T (a word w
 * succeeds when w < T) reads the byte b as the top 8 bits of its word: it
 * succeeds when b < T >> 24 and fails when b > T >> 24; only on a tie (1
 * in 256) does it need the other 24 bits, taken from a word of their own
 * (wom_rng_word_at), and then succeeds when they are below T's low 24
 * bits. So a trial succeeds with probability exactly T / 2^32, as a whole
 * word would, and a Philox block serves 16 trials instead of 4. */
typedef struct {
    uint32_t high; /* T >> 24: 0 to 256 */
    uint32_t low;  /* T's low 24 bits */
} wom_rng_trial_t;

static inline wom_rng_trial_t wom_rng_trial(uint64_t threshold) {
    return (wom_rng_trial_t){(uint32_t)(threshold >> 24), (uint32_t)(threshold & 0xFFFFFF)};
}

/* The top bits of the 8 bytes of `lanes`, gathered into bits 0-7 (the
 * multiply moves bit 7 of byte i to bit 56 + i without carries). */
static inline unsigned wom_rng_byte_signs(uint64_t lanes) {
    return (
        unsigned)(((lanes >> 7 & UINT64_C(0x0101010101010101)) * UINT64_C(0x0102040810204080)) >>
                  56);
}

/* Eight trials at once (byte i of `bytes` is trial i, `high` below 256):
 * bit i of the result is set when byte i < high, bit i of `*ties` when it
 * equals high. Bytewise arithmetic in a 64-bit word (Hacker's Delight,
 * 6-1): setting each byte's top bit keeps the subtraction from borrowing
 * across bytes. */
static inline unsigned wom_rng_bytes_below(uint64_t bytes, uint32_t high, unsigned *ties) {
    const uint64_t ones = UINT64_C(0x0101010101010101), tops = ones << 7, rest = ~tops;
    uint64_t low_at_least = ((bytes | tops) - (high & 0x7F) * ones) & tops; /* low 7 bits >= */
    uint64_t top = bytes & tops;
    uint64_t below = (high & 0x80) ? ~(top & low_at_least) : ~(top | low_at_least);
    uint64_t differ = bytes ^ (high * ones);
    uint64_t equal = ~(((differ & rest) + rest) | differ | rest);
    *ties = wom_rng_byte_signs(equal);
    return wom_rng_byte_signs(below & tops);
}

/* The next `count` trials (1 to 64) of the stream, from the bytes of its
 * next words, byte k of a word being bits 8k to 8k + 7 (words are read in
 * pairs; a word past the last trial may be drawn and left unused): bit k
 * of the result is set when trial k succeeds outright, bit k of `*ties`
 * when it is a tie. No branch per trial. */
static inline uint64_t wom_rng_stream_trials(wom_rng_stream_t *stream, unsigned count,
                                             uint32_t high, uint64_t *ties) {
    uint64_t used = count == 64 ? UINT64_MAX : (UINT64_C(1) << count) - 1;
    if (high > 0xFF) { /* threshold 2^32: every trial succeeds */
        *ties = 0;
        return used;
    }
    uint64_t successes = 0, equal = 0;
    for (unsigned k = 0; k < count; k += 8) {
        uint64_t bytes = wom_rng_stream_next_inline(stream);
        bytes |= (uint64_t)wom_rng_stream_next_inline(stream) << 32;
        unsigned tied;
        successes |= (uint64_t)wom_rng_bytes_below(bytes, high, &tied) << k;
        equal |= (uint64_t)tied << k;
    }
    *ties = equal & used;
    return successes & used;
}

/* Word 0 of block `index` of the stream of `key`: a word that one event
 * among many (trial `index`) draws only when it needs it. */
static inline uint32_t wom_rng_word_at(wom_rng_key_t key, uint32_t index) {
    wom_rng_stream_t stream;
    wom_rng_stream_init(&stream, key);
    stream.counter.v[3] = index;
    return philox4x32(stream.counter, stream.key).v[0];
}

/* Whether a tie of trial `index` succeeds (see wom_rng_trial_t). */
static inline bool wom_rng_tie_succeeds(wom_rng_key_t key, uint32_t index, uint32_t low) {
    return wom_rng_word_at(key, index) >> 8 < low;
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

/* A uniform integer in [0, bound) from two words: the 64-bit word W gives
 * floor(W bound / 2^64), computed from 32-bit halves, biased by at most
 * bound / 2^64. */
static inline uint32_t wom_rng_stream_index(wom_rng_stream_t *stream, uint32_t bound) {
    uint64_t high = wom_rng_stream_next(stream), low = wom_rng_stream_next(stream);
    return (uint32_t)((high * bound + (low * bound >> 32)) >> 32);
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
