/* womsim.h: the whole public API of libwomsim.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_WOMSIM_H
#define WOMSIM_WOMSIM_H

#include "womsim/aggregate.h"
#include "womsim/analytic.h"
#include "womsim/bassfit.h"
#include "womsim/batch.h"
#include "womsim/calibrate.h"
#include "womsim/compare.h"
#include "womsim/config.h"
#include "womsim/design.h"
#include "womsim/file.h"
#include "womsim/graph.h"
#include "womsim/metrics.h"
#include "womsim/model.h"
#include "womsim/output.h"
#include "womsim/report.h"
#include "womsim/resources.h"
#include "womsim/sensitivity.h"
#include "womsim/stats.h"
#include "womsim/status.h"
#include "womsim/text.h"
#include "womsim/watch.h"
#include "womsim/version.h"

#endif
