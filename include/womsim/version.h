/* version.h: the womsim version, recorded in every output.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef WOMSIM_VERSION_H
#define WOMSIM_VERSION_H

#define WOM_VERSION "0.1.0"

#endif
