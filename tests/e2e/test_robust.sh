# test_robust.sh: results that cannot lie (issue 17): a network file's
# contents are part of the scenario's identity (resume and merge refuse a
# file replaced by another of as many nodes; manifests record its SHA-256);
# merge checks every task file against its shard's manifest; the output
# folder is locked while a run, resume or merge uses it.
# SPDX-License-Identifier: GPL-3.0-or-later

# A 6-node ring with one chord; `robust_network 2 5` puts the chord elsewhere.
robust_network() {
    printf '1 2\n2 3\n3 4\n4 5\n5 6\n6 1\n%s %s\n' "$1" "$2" >net.txt
}

robust_scenario() {
    scenario robust.ini <<'INI'
[simulation]
steps = 40
replications = 4
seed = 385
[network]
model = file
file = net.txt
INI
}

test_robust_network_file_is_part_of_the_scenario() {
    robust_scenario
    robust_network 1 4
    "$WOMSIM" run robust.ini -o m -q --no-plot --shard 0/2 || fail "shard 0/2 failed"
    sha=$(sha256sum net.txt | cut -c 1-64)
    grep -q "\"network_sha256\": \"$sha\"" m/shards/0-of-2.json ||
        fail "the shard manifest does not record the network file's SHA-256"
    grep -q '"network_file": ".*net.txt"' m/shards/0-of-2.json ||
        fail "the shard manifest does not name the network file"
    hash=$("$WOMSIM" check robust.ini | sed 's/.*sha256 //')
    grep -q "\"scenario_hash\": \"$hash\"" m/shards/0-of-2.json ||
        fail "check's hash is not the one the run recorded"
    # Another graph of as many nodes, between shards.
    robust_network 2 5
    expect_exit 65 "or the network file net.txt changed since they ran" \
        "$WOMSIM" run robust.ini -o m -q --no-plot --shard 1/2
    robust_network 1 4
    "$WOMSIM" run robust.ini -o m -q --no-plot --shard 1/2 || fail "shard 1/2 failed"
    robust_network 2 5
    expect_exit 65 "net.txt: the network file changed since the shards ran" \
        "$WOMSIM" merge m -q --no-plot
    [ ! -e m/runs.csv ] || fail "a refused merge wrote outputs"
    # Before --resume of a killed run (only the task files tell).
    robust_network 1 4
    "$WOMSIM" run robust.ini -o r -q --no-plot || fail "run failed"
    grep -q "\"network_sha256\": \"$sha\"" r/manifest.json ||
        fail "manifest.json does not record the network file's SHA-256"
    rm r/manifest.json
    robust_network 2 5
    expect_exit 65 "the scenario file, the network file net.txt or its options" \
        "$WOMSIM" run robust.ini -o r -q --no-plot --resume
    # A scenario without a file records none.
    "$WOMSIM" run robust.ini -o g -q --no-plot --set network.model=ring --set network.nodes=30 \
        --set network.mean_degree=4 || fail "a run on a ring failed"
    if grep -q network_sha256 g/manifest.json; then
        fail "a generated network's manifest names a file"
    fi
}
