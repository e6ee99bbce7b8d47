# test_config.sh: every scenario error is refused with "womsim: FILE:LINE:
# message" and its sysexits code; check --dump round-trips.
# SPDX-License-Identifier: GPL-3.0-or-later

test_unknown_section_suggests() {
    scenario bad.ini <<'INI'
[simulaton]
steps = 10
INI
    expect_exit 78 "bad.ini:1: unknown section [simulaton] (did you mean [simulation]?)" \
        "$WOMSIM" check bad.ini
}

test_unknown_key_suggests() {
    scenario bad.ini <<'INI'
; a comment
[service]
qualty = 0.8
INI
    expect_exit 78 "bad.ini:3: unknown key 'qualty' in [service] (did you mean 'quality'?)" \
        "$WOMSIM" check bad.ini
}

test_duplicate_key() {
    scenario bad.ini <<'INI'
[service]
quality = 0.8
purchase_rate = 0.2
quality = 0.7
INI
    expect_exit 78 "bad.ini:4: duplicate key service.quality (first set on line 2)" \
        "$WOMSIM" check bad.ini
}

test_malformed_number() {
    scenario bad.ini <<'INI'
[service]
quality = 0.8x
INI
    expect_exit 78 "bad.ini:2: service.quality: malformed number '0.8x'" "$WOMSIM" check bad.ini
}

test_nan_and_infinity() {
    scenario nan.ini <<'INI'
[service]
quality = nan
INI
    expect_exit 78 "nan.ini:2: " "$WOMSIM" check nan.ini
    grep -q "not a finite number" "$WORK/.stderr" || fail "nan: $(cat "$WORK/.stderr")"
    scenario inf.ini <<'INI'

[wom]
satisfied_tell_mean = inf
INI
    expect_exit 78 "inf.ini:3: " "$WOMSIM" check inf.ini
    grep -q "not a finite number" "$WORK/.stderr" || fail "inf: $(cat "$WORK/.stderr")"
}

test_out_of_range() {
    scenario bad.ini <<'INI'
[service]
quality = 1.5
INI
    expect_exit 78 "bad.ini:2: service.quality = 1.5 is out of range [0, 1]" \
        "$WOMSIM" check bad.ini
}

test_integer_overflow() {
    scenario bad.ini <<'INI'
[simulation]
steps = 99999999999999999999999
INI
    expect_exit 78 "bad.ini:2: " "$WOMSIM" check bad.ini
    grep -q "integer overflow" "$WORK/.stderr" || fail "$(cat "$WORK/.stderr")"
}

test_missing_file() {
    expect_exit 66 "no-such.ini: cannot open" "$WOMSIM" check no-such.ini
}

test_override_checked_like_file() {
    expect_exit 78 "--set: service.quality = 2 is out of range [0, 1]" \
        "$WOMSIM" check "$ROOT/configs/baseline.ini" --set service.quality=2
    expect_exit 78 "--set: unknown key 'qualty' in [service]" \
        "$WOMSIM" check "$ROOT/configs/baseline.ini" --set service.qualty=0.5
}

test_cross_key_rule_names_line() {
    scenario bad.ini <<'INI'
[network]
model = erdos-renyi
nodes = 8
mean_degree = 10
INI
    expect_exit 78 "bad.ini:4: network.mean_degree = 10 must be at most network.nodes - 1 = 7" \
        "$WOMSIM" check bad.ini
}

test_dump_round_trips_with_same_hash() {
    "$WOMSIM" check "$ROOT/configs/baseline.ini" --set service.quality=0.785 --dump >dump.ini ||
        fail "dump failed"
    first=$("$WOMSIM" check "$ROOT/configs/baseline.ini" --set service.quality=0.785 |
        sed 's/.*sha256 //')
    again=$("$WOMSIM" check dump.ini | sed 's/.*sha256 //')
    [ -n "$first" ] && [ "$first" = "$again" ] || fail "hash $first != $again"
    grep -q "^quality = 0.785$" dump.ini || fail "dump lacks quality = 0.785"
    other=$("$WOMSIM" check dump.ini --set service.quality=0.786 | sed 's/.*sha256 //')
    [ "$other" != "$first" ] || fail "hash ignores a changed value"
}

test_params_lists_every_key_and_docs_match() {
    "$WOMSIM" params >params.txt || fail "params failed"
    for key in simulation.steps network.model wom.satisfied_tell_mean service.quality \
        recovery.repurchase_silent_minor; do
        grep -q "^$key " params.txt || fail "params lacks $key"
    done
        "$WOMSIM" params --markdown >params.md
    for doc in parameters.md model.md; do
        sed -n '/<!-- params:begin -->/,/<!-- params:end -->/p' "$ROOT/docs/$doc" |
            sed '1d;$d' >documented.md
        cmp -s params.md documented.md || fail "docs/$doc is stale: regenerate with 'make docs'"
    done
}

# The hash does not depend on how the scenario's path was typed, and a dump
# of a scenario with a relative network.file can be read from its folder.
test_hash_independent_of_invocation_path() {
    mkdir -p sc/data
    printf '0 1\n1 2\n2 0\n' >sc/data/e.txt
    printf '[network]\nmodel = file\nfile = data/e.txt\n' >sc/rel.ini
    a=$("$WOMSIM" check sc/rel.ini | sed 's/.*sha256 //')
    b=$(cd sc && "$WOMSIM" check rel.ini | sed 's/.*sha256 //')
    c=$("$WOMSIM" check "$PWD/sc/./rel.ini" | sed 's/.*sha256 //')
    [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] || fail "hashes differ: $a $b $c"
    "$WOMSIM" check sc/rel.ini --dump >sc/dump.ini || fail "dump failed"
    "$WOMSIM" graph sc/dump.ini >stats.txt || fail "dump does not find its network file"
    grep -q '^nodes *3$' stats.txt || fail "wrong graph from the dump"
}

test_underflow_refused_not_zeroed() {
    expect_exit 78 "'1e-400' is too small for a number" \
        "$WOMSIM" check "$ROOT/configs/baseline.ini" --set service.quality=1e-400
}

# Bytes of a binary file quoted in a message reach the terminal as \xNN,
# not as escape sequences it would act on.
test_control_bytes_escaped_in_messages() {
    printf '[service]\n\033[31mx = 1\n' >esc.ini
    expect_exit 78 "esc.ini:2: unknown key '\\x1b[31mx' in [service]" "$WOMSIM" check esc.ini
    grep -q "$(printf '\033')" "$WORK/.stderr" && fail "raw escape byte in: $(cat -v "$WORK/.stderr")"
    return 0
}
