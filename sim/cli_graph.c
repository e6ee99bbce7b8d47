/* cli_graph.c: `womsim graph`: build a scenario's network or read an edge
 * list, print its statistics, optionally export it (--write: the writer
 * chosen by the file's extension: GraphML, GAP's serialized graph or a
 * SNAP edge list).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cli.h"

typedef struct {
    const char *scenario_path;
    char scenario_found[WOM_MAX_PATH]; /* scenario_path, when found installed */
    const char *edges_path;
    const char *format; /* --format, or NULL: by the file's extension */
    const char *write_path;
    bool directed;
    cli_overrides_t overrides;
    uint64_t max_bytes;
} graph_options_t;

enum { GRAPH_SET, GRAPH_EDGES, GRAPH_FORMAT, GRAPH_DIRECTED, GRAPH_WRITE, GRAPH_MAX_MEM };

static const cli_option_t graph_options[] = {
    {GRAPH_SET, '\0', "set", "KEY=VALUE", "override a scenario key (repeatable)"},
    {GRAPH_EDGES, '\0', "edges", "FILE",
     "read a network file instead of a scenario's network: a SNAP edge list, or GraphML, GML, "
     "GAP's serialized graph or Matrix Market by its extension (.graphml, .gml, .sg, .mtx) or "
     "--format"},
    {GRAPH_FORMAT, '\0', "format", "FORMAT",
     "with --edges: snap, graphml, gml, sg or mtx (default: by the extension, else snap)"},
    {GRAPH_DIRECTED, '\0', "directed", NULL, "with --edges: the edges are directed"},
    {GRAPH_WRITE, '\0', "write", "FILE",
     "export the network: GraphML for FILE.graphml (or .xml), GAP's serialized graph for "
     "FILE.sg, else a SNAP edge list; nodes keep the ids of the file read (a SNAP edge list "
     "numbers them 0..n-1 and lists their ids in its header when they are not all non-negative "
     "integers)"},
    {GRAPH_MAX_MEM, '\0', "max-mem", "SIZE",
     "refuse networks estimated above SIZE (e.g. 8G; default: the memory available now, within the "
     "cgroup's limit; "
     "0: no limit)"},
};

/* The format named `name`, or -1. */
static int format_named(const char *name) {
    static const struct {
        const char *name;
        wom_graph_format format;
    } formats[] = {{"snap", WOM_FORMAT_SNAP},
                   {"graphml", WOM_FORMAT_GRAPHML},
                   {"gml", WOM_FORMAT_GML},
                   {"sg", WOM_FORMAT_SG},
                   {"mtx", WOM_FORMAT_MTX}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(name, formats[i].name) == 0) {
            return (int)formats[i].format;
        }
    }
    return -1;
}

/* The format of file `path` by its extension, any case: GraphML for
 * .graphml (or .xml), GML for .gml, GAP's serialized graph for .sg, Matrix
 * Market for .mtx, else a SNAP edge list. */
static wom_graph_format extension_format(const char *path) {
    static const struct {
        const char *extension;
        wom_graph_format format;
    } extensions[] = {{".graphml", WOM_FORMAT_GRAPHML},
                      {".xml", WOM_FORMAT_GRAPHML},
                      {".gml", WOM_FORMAT_GML},
                      {".sg", WOM_FORMAT_SG},
                      {".mtx", WOM_FORMAT_MTX}};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot != NULL && i < sizeof extensions / sizeof extensions[0]; i++) {
        if (strcasecmp(dot, extensions[i].extension) == 0) {
            return extensions[i].format;
        }
    }
    return WOM_FORMAT_SNAP;
}

/* --edges FILE's format: --format's, else by its extension. */
static wom_graph_format edges_format(const graph_options_t *options) {
    if (options->format != NULL) {
        return (wom_graph_format)format_named(options->format);
    }
    return extension_format(options->edges_path);
}

static int take_graph_option(void *context, const cli_option_use_t *use) {
    graph_options_t *options = context;
    switch (use->option->id) {
    case GRAPH_SET:
        return cli_add_override(&options->overrides, use->typed, use->value);
    case GRAPH_EDGES:
        options->edges_path = use->value;
        return EX_OK;
    case GRAPH_FORMAT:
        if (format_named(use->value) < 0) {
            return cli_usage_error(
                "%s: '%s' is not a network format (snap, graphml, gml, sg or mtx)", use->typed,
                use->value);
        }
        options->format = use->value;
        return EX_OK;
    case GRAPH_DIRECTED:
        options->directed = true;
        return EX_OK;
    case GRAPH_WRITE:
        if (extension_format(use->value) == WOM_FORMAT_GML ||
            extension_format(use->value) == WOM_FORMAT_MTX) {
            return cli_usage_error("%s: '%s': womsim writes neither GML nor Matrix Market; name "
                                   "the file .graphml for GraphML, .sg for GAP's serialized "
                                   "graph, or anything else for a SNAP edge list",
                                   use->typed, use->value);
        }
        options->write_path = use->value;
        return EX_OK;
    default: /* GRAPH_MAX_MEM */
        return cli_take_size(use, &options->max_bytes);
    }
}

static int parse_graph_options(int argc, char **argv, graph_options_t *options) {
    *options = (graph_options_t){.max_bytes = wom_resources_available_memory()};
    int operands = 0;
    int code =
        cli_parse_options(&cli_graph_command, argc, argv, take_graph_option, options, &operands);
    if (code != CLI_PARSED) {
        return code;
    }
    if (options->edges_path == NULL && operands == argc - 1) {
        options->scenario_path = cli_find_scenario(argv[operands], options->scenario_found,
                                                   sizeof options->scenario_found);
    } else if (options->edges_path == NULL || operands != argc) {
        return cli_usage_error("graph expects a scenario file or --edges FILE");
    }
    if (options->scenario_path != NULL && options->directed) {
        return cli_usage_error("--directed goes with --edges; in a scenario set network.directed");
    }
    if (options->format != NULL && options->edges_path == NULL) {
        return cli_usage_error("--format goes with --edges; in a scenario set network.format");
    }
    if (options->edges_path != NULL && options->overrides.count > 0) {
        return cli_usage_error("--set goes with a scenario file, not with --edges");
    }
    return CLI_PARSED;
}

/* The network of a scenario file, or of an edge list given with --edges
 * (as if a scenario said model = file): either way through wom_graph_build,
 * which checks the memory estimate first. */
static wom_status build_graph(const graph_options_t *options, wom_graph_t **graph,
                              wom_error_t *error) {
    wom_config_t *config = NULL;
    wom_scenario_t scenario;
    wom_status status =
        cli_load_config(options->scenario_path, &options->overrides, &config, error);
    if (status == WOM_OK) {
        status = cli_single_point(config, options->scenario_path, &scenario, error);
    }
    if (status == WOM_OK && options->edges_path != NULL) {
        scenario.network.model = WOM_NET_FILE;
        scenario.network.format = edges_format(options);
        scenario.network.directed = options->directed;
        if (snprintf(scenario.network.file, sizeof scenario.network.file, "%s",
                     options->edges_path) >= (int)sizeof scenario.network.file) {
            status = wom_error_set(error, WOM_ENOENT, "", 0, "--edges: the path is too long");
        }
    }
    if (status == WOM_OK) {
        status = wom_graph_build(&scenario, options->max_bytes, graph, error);
    }
    wom_config_free(config);
    return status;
}

static void print_stats(const wom_graph_t *graph, const wom_graph_stats_t *stats) {
    printf("nodes            %u\n"
           "edges            %llu (%s)\n"
           "mean degree      %.4f\n"
           "max degree       %u\n"
           "degree quartiles %g, %g, %g\n"
           "clustering       %.6f\n"
           "components       %u (giant component: %.4f of nodes)\n"
           "self-loops dropped  %llu\n"
           "duplicates dropped  %llu\n"
           "memory           %llu bytes\n",
           stats->nodes, (unsigned long long)stats->edges,
           graph->directed ? "directed" : "undirected", stats->mean_degree, stats->max_degree,
           stats->degree_quartiles[0], stats->degree_quartiles[1], stats->degree_quartiles[2],
           stats->clustering, stats->components, stats->giant_share,
           (unsigned long long)graph->loops_dropped, (unsigned long long)graph->duplicates_dropped,
           (unsigned long long)stats->bytes);
}

static wom_status write_snap(FILE *stream, const void *graph) {
    return wom_graph_write_snap(graph, stream);
}

static wom_status write_graphml(FILE *stream, const void *graph) {
    return wom_graph_write_graphml(graph, stream);
}

static wom_status write_sg(FILE *stream, const void *graph) {
    return wom_graph_write_sg(graph, stream);
}

/* --write FILE: the writer its extension names, as --edges reads it
 * (GraphML, GAP's serialized graph), else a SNAP edge list (a .gml or
 * .mtx name is refused with the options). */
static wom_status write_graph(const char *path, const wom_graph_t *graph, wom_error_t *error) {
    switch (extension_format(path)) {
    case WOM_FORMAT_GRAPHML:
        return wom_file_write_with(path, write_graphml, graph, error);
    case WOM_FORMAT_SG:
        if (graph->nodes > WOM_GRAPH_SG_MAX_NODES) {
            return wom_error_set(error, WOM_EINVAL, path, 0,
                                 "the network's %u nodes are more than a serialized graph's int32 "
                                 "ids number (%d)",
                                 graph->nodes, WOM_GRAPH_SG_MAX_NODES);
        }
        return wom_file_write_with(path, write_sg, graph, error);
    default:
        return wom_file_write_with(path, write_snap, graph, error);
    }
}

static int cli_graph(int argc, char **argv) {
    graph_options_t options;
    int code = parse_graph_options(argc, argv, &options);
    if (code != CLI_PARSED) {
        return code;
    }
    wom_graph_t *graph = NULL;
    wom_graph_stats_t stats;
    wom_error_t error = {0};
    wom_status status = build_graph(&options, &graph, &error);
    if (status == WOM_OK) {
        status = wom_graph_stats(graph, &stats);
    }
    if (status == WOM_OK && options.write_path) {
        status = write_graph(options.write_path, graph, &error);
    }
    if (status == WOM_OK) {
        print_stats(graph, &stats);
    }
    wom_graph_free(graph);
    return status == WOM_OK ? EX_OK : cli_fail(status, &error);
}

const cli_command_t cli_graph_command = {
    "graph",
    "SCENARIO [options]\n--edges FILE [options]",
    "Build a scenario's network, or read an edge list, and print its statistics; --write "
    "exports it as a SNAP edge list, GraphML or GAP's serialized graph (FILE.sg).",
    graph_options,
    CLI_COUNT(graph_options),
    cli_graph};
