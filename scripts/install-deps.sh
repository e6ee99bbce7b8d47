#!/bin/sh
# install-deps.sh: install the Debian packages womsim needs to build and test.
#
# Idempotent and silent when everything is present; runs `apt-get update`
# only when something is missing; uses sudo when not root. With --mpi it also
# installs Open MPI for the distributed build; with --test, what only the
# tests need: Chromium, which loads report.html headless (large, so not for
# `make run`), and clang 14 with LLVM's OpenMP runtime, which builds womsim a
# second time to check that results do not depend on the compiler, and groff,
# which checks the manual page; with --dev, what `make sanitize` and `make fuzz` need: clang
# 14 with its sanitizer and libFuzzer runtimes, LLVM's OpenMP runtime and
# libarcher (the OpenMP tool that tells ThreadSanitizer about OpenMP's
# synchronisation), and valgrind. `make run` needs neither.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

packages="gcc make pkg-config libgsl-dev libigraph-dev libinih-dev \
librandom123-dev libmd-dev libcmocka-dev gnuplot-nox"
for arg in "$@"; do
    case "$arg" in
    --mpi) packages="$packages libopenmpi-dev openmpi-bin" ;;
    --test) packages="$packages chromium clang-14 libomp-14-dev groff-base" ;;
    --dev) packages="$packages clang-14 libclang-rt-14-dev libomp-14-dev valgrind" ;;
    *)
        echo "install-deps.sh: unknown option '$arg' (known: --mpi, --test, --dev)" >&2
        exit 64
        ;;
    esac
done

missing=""
for package in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $package" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps.sh: installing:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: apt-get not found; this script needs Debian 12 or a derivative." >&2
    echo "install-deps.sh: please install by hand:$missing" >&2
    exit 69
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "install-deps.sh: not root and sudo not found; as root run:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 77
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is intended
if ! { $as_root apt-get update -qq &&
    $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
    echo "install-deps.sh: could not install:$missing" >&2
    echo "install-deps.sh: check the network and package sources, then retry." >&2
    exit 69
fi
