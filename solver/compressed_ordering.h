#pragma once
// A fill-reducing ordering of a symmetric matrix found on its compressed graph.
//
// A solid-shell model's unknowns come in groups with the same neighbours: the three components
// of a node, and the three nodes of a through-thickness line, which belong to the same cells
// (nine unknowns for one layer). Merged into one vertex each, weighted by its size, the graph is
// about an eighth of the matrix's; METIS's nested dissection of it, each vertex's unknowns then
// numbered one after the other, orders the tipper (16.0 M nonzeros in the lower half) in a
// fraction of the time CHOLMOD's choice took (AMD, then METIS on the whole graph) for a factor
// 2 % smaller: ordering, analysis and numeric factorisation 3.5 against 4.5 s
// (bench/factor_benchmark.py, 2026-12-04). Used from 5 M to 20 M nonzeros: above, CHOLMOD's
// nested dissection of the whole graph stays (solver/cholmod_factor.cc says why).
#include <cstdint>
#include <vector>

namespace lightbody
{
  struct CompressedGraph
  {
    // vertex[j]: the merged vertex of unknown j (0..vertices-1, numbered by first unknown).
    std::vector<int64_t> vertex;
    int64_t              vertices = 0;
  };

  // Groups the unknowns of the symmetric pattern given by its lower half in compressed columns
  // (n columns, col_ptr n + 1, row_index: rows >= the column, diagonal optional) by their closed
  // neighbourhoods. The groups are found by a sum of random 64-bit values over each
  // neighbourhood and its size: unknowns merged by a coincidence of those sums (about 2^-64 per
  // pair) would only make the ordering worse, never wrong.
  CompressedGraph compress_graph(int64_t n, const int64_t *col_ptr, const int64_t *row_index);

  // The ordering (order[k]: the unknown eliminated k-th) from METIS's nested dissection of the
  // compressed graph (vertex weights: the group sizes; two separators tried at each level), or
  // empty when the graph does not compress to half the unknowns or METIS fails.
  std::vector<int64_t> compressed_graph_ordering(int64_t n, const int64_t *col_ptr,
                                                 const int64_t *row_index);
} // namespace lightbody
