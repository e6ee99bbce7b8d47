# womsim.bash: bash completion for womsim. `make install` puts it where
# bash-completion looks (PREFIX/share/bash-completion/completions/womsim);
# to try it from the source tree: `source scripts/womsim.bash`.
# Commands, options and keys come from the program itself ('womsim help',
# 'womsim COMMAND --help', 'womsim params'), so they never fall out of step.
#
# SPDX-License-Identifier: GPL-3.0-or-later

_womsim_commands() {
    "$1" help 2>/dev/null | sed -n 's/^  \([a-z][a-z]*\)\( .*\)\{0,1\}$/\1/p' | sort -u
}

_womsim_options() {
    "$1" "$2" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
}

_womsim_keys() {
    "$1" params 2>/dev/null | sed -n 's/^\([a-z_]*\.[a-z_0-9]*\) .*/\1/p'
}

_womsim() {
    local program=${COMP_WORDS[0]} current=${COMP_WORDS[COMP_CWORD]}
    local previous=${COMP_WORDS[COMP_CWORD - 1]} command=${COMP_WORDS[1]:-}
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_womsim_commands "$program")" -- "$current")
        return
    fi
    case $previous in
    --set | --sweep | --vary | --free)
        compopt -o nospace 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -W "$(_womsim_keys "$program")" -S = -- "$current")
        return
        ;;
    -o | --output)
        mapfile -t COMPREPLY < <(compgen -d -- "$current")
        return
        ;;
    esac
    case $current in
    -*)
        mapfile -t COMPREPLY < <(compgen -W "$(_womsim_options "$program" "$command")" -- "$current")
        ;;
    *)
        if [ "$command" = params ]; then
            mapfile -t COMPREPLY < <(compgen -W "$(_womsim_keys "$program")" -- "$current")
        elif [ "$command" = help ]; then
            mapfile -t COMPREPLY < <(compgen -W "$(_womsim_commands "$program")" -- "$current")
        elif [ "$command" = run ] || [ "$command" = sensitivity ] || [ "$command" = check ] ||
            [ "$command" = graph ]; then
            mapfile -t COMPREPLY < <(compgen -f -X '!*.ini' -- "$current"
                compgen -d -- "$current")
        else
            mapfile -t COMPREPLY < <(compgen -f -- "$current")
        fi
        ;;
    esac
}

complete -F _womsim womsim
