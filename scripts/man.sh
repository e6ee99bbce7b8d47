#!/bin/sh
# man.sh WOMSIM: prints the manual page womsim.1, made from the program's own
# help texts ('womsim help' and 'womsim help COMMAND'), so that the page
# always says what --help says. help2man would render only the general
# help; this adds every command's options and the exit codes as sections.
# `make` writes it to build/womsim.1; `make install` installs it.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

womsim=$1

# Text as roff: backslashes escaped, and a line that starts with a dot or
# a quote kept from being read as a request.
roff() {
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

# A block printed as it is, line for line.
verbatim() {
    echo '.nf'
    roff
    echo '.fi'
}

version=$("$womsim" --version | sed -n '1s/^womsim \([^ ]*\).*/\1/p')
general=$("$womsim" help)
commands=$(printf '%s\n' "$general" | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p; s/^  \([a-z][a-z]*\)$/\1/p' |
    awk '!seen[$0]++')

cat <<EOF
.TH WOMSIM 1 "" "womsim $version" "User Commands"
.SH NAME
womsim \\- simulate word of mouth about a business over a social network
.SH SYNOPSIS
.B womsim
.I COMMAND
.RI [ ARGS ]
.SH DESCRIPTION
womsim is a parallel agent-based simulator of word-of-mouth reputation:
customers who are satisfied tell a few people, dissatisfied ones tell more,
over a social network, and a scenario file describes the service. Results
are byte-identical for a scenario and random seed on any number of threads,
shards or processes.
.SH COMMANDS
EOF
printf '%s\n' "$general" | sed -n '3,/^$/p' | sed '$d' | verbatim
for command in $commands; do
    echo ".SS womsim $command"
    "$womsim" help "$command" | verbatim
done
cat <<EOF
.SH EXIT STATUS
EOF
printf '%s\n' "$general" | sed -n '/^Exit codes/,$p' | roff
cat <<EOF
.SH FILES
.TP
.I PREFIX/share/womsim/configs/
the library of scenarios; \\fBwomsim run NAME\\fR finds NAME.ini there when
no file NAME or NAME.ini exists in the current folder
.TP
.I PREFIX/share/womsim/reference/
the reference runs \\fBwomsim regress\\fR reruns when given no folder
.TP
.I PREFIX/share/doc/womsim/
the documentation: tutorial, model, parameters, batch runs, validation
.SH SEE ALSO
.BR gnuplot (1),
.BR mpirun (1)
EOF
