Creator "GML fixture for tests/unit/test_graph.c: 7 nodes (6 isolated), 5 undirected edges"
graph [
  directed 0
  node [ id 0 ]
  node [ id 1 ]
  node [ id 2 ]
  node [ id 3 ]
  node [ id 4 ]
  node [ id 5 ]
  node [ id 6 ]
  edge [ source 0 target 1 ]
  edge [ source 1 target 2 ]
  edge [ source 2 target 3 ]
  edge [ source 3 target 0 ]
  edge [ source 4 target 5 ]
]
