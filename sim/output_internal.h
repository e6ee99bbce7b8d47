/* output_internal.h (private): what the files of the output module share:
 * output.c writes a point's files and draws pictures, output_batch.c the
 * files of a whole batch, output_manifest.c the provenance.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_OUTPUT_INTERNAL_H
#define WOMSIM_OUTPUT_INTERNAL_H

#include "womsim/output.h"

/* A name as it may appear in a comment or a single-quoted gnuplot string:
 * control characters become '?', a quote is doubled. */
void wom_output_quoted_name(wom_text_t *text, const char *name);

/* The pictures a gnuplot script draws when run by hand, NAME.png and
 * NAME.svg (womsim gives other names with -e). */
void wom_output_picture_names(wom_text_t *text, const char *name);

#endif
