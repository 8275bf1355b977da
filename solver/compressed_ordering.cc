#include "solver/compressed_ordering.h"

#include <metis.h>

#include <algorithm>
#include <limits>
#include <numeric>

namespace lightbody
{
  CompressedGraph compress_graph(int64_t n, const int64_t *p, const int64_t *row)
  {
    // Each unknown's key: the sum of random values over its closed neighbourhood (splitmix64,
    // fixed seed: the same grouping in every run and process), and the neighbourhood's size.
    std::vector<uint64_t> value(n), key(n);
    std::vector<int64_t>  size(n, 1);
    uint64_t              state = 0;
    for (auto &v : value)
      {
        uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z          = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        v          = z ^ (z >> 31);
      }
    for (int64_t j = 0; j < n; ++j)
      key[j] += value[j];
    for (int64_t j = 0; j < n; ++j)
      for (int64_t k = p[j]; k < p[j + 1]; ++k)
        if (const int64_t i = row[k]; i != j)
          {
            key[j] += value[i];
            key[i] += value[j];
            ++size[j];
            ++size[i];
          }
    std::vector<int64_t> sorted(n);
    std::iota(sorted.begin(), sorted.end(), int64_t{0});
    std::sort(sorted.begin(), sorted.end(), [&](int64_t a, int64_t b) {
      return key[a] != key[b] ? key[a] < key[b] : size[a] != size[b] ? size[a] < size[b] : a < b;
    });
    // group[j]: the position in `sorted` where j's group starts; vertices numbered after.
    std::vector<int64_t> group(n);
    for (int64_t k = 0; k < n;)
      {
        int64_t e = k + 1;
        while (e < n && key[sorted[e]] == key[sorted[k]] && size[sorted[e]] == size[sorted[k]])
          ++e;
        for (int64_t m = k; m < e; ++m)
          group[sorted[m]] = k;
        k = e;
      }
    CompressedGraph g;
    g.vertex.assign(n, -1);
    std::vector<int64_t> numbered(n, -1); // by group start
    for (int64_t j = 0; j < n; ++j)
      {
        int64_t &v = numbered[group[j]];
        if (v < 0)
          v = g.vertices++;
        g.vertex[j] = v;
      }
    return g;
  }

  std::vector<int64_t> compressed_graph_ordering(int64_t n, const int64_t *p, const int64_t *row)
  {
    const CompressedGraph g = compress_graph(n, p, row);
    const int64_t         m = g.vertices;
    if (n == 0 || m * 2 > n || m > std::numeric_limits<idx_t>::max())
      return {};
    // Each vertex's first unknown and weight.
    std::vector<int64_t> first(m, -1);
    std::vector<idx_t>   weight(m, 0);
    for (int64_t j = 0; j < n; ++j)
      {
        if (first[g.vertex[j]] < 0)
          first[g.vertex[j]] = j;
        ++weight[g.vertex[j]];
      }
    // The merged edges, each seen from the column of the smaller of the two first unknowns: all
    // unknowns of one vertex neighbour all of another's, so that column holds the larger first
    // unknown among its rows.
    std::vector<std::vector<idx_t>> adjacent(m);
    std::vector<int64_t>            seen(m, -1);
    for (int64_t v = 0; v < m; ++v)
      for (int64_t k = p[first[v]]; k < p[first[v] + 1]; ++k)
        {
          const int64_t w = g.vertex[row[k]];
          if (w == v || seen[w] == v)
            continue;
          seen[w] = v;
          adjacent[v].push_back(static_cast<idx_t>(w));
          adjacent[w].push_back(static_cast<idx_t>(v));
        }
    std::vector<idx_t> xadj(m + 1, 0), adjncy;
    int64_t            entries = 0;
    for (int64_t v = 0; v < m; ++v)
      {
        auto &a = adjacent[v];
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());
        entries += static_cast<int64_t>(a.size());
        if (entries > std::numeric_limits<idx_t>::max())
          return {}; // beyond METIS's 32-bit indices
        xadj[v + 1] = static_cast<idx_t>(entries);
      }
    adjncy.reserve(xadj[m]);
    for (auto &a : adjacent)
      {
        adjncy.insert(adjncy.end(), a.begin(), a.end());
        std::vector<idx_t>().swap(a);
      }
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    // Two separators tried at each level, the smaller kept: on the default tank 202 Gflop
    // against 206, the van 162 against 183, for 0.1-0.2 s more (bench/factor_benchmark.py).
    options[METIS_OPTION_NSEPS] = 2;
    idx_t              vertices = static_cast<idx_t>(m);
    std::vector<idx_t> perm(m), inverse(m);
    if (METIS_NodeND(&vertices, xadj.data(), adjncy.data(), weight.data(), options, perm.data(),
                     inverse.data()) != METIS_OK)
      return {};
    // Each vertex's unknowns one after the other, in the vertices' order.
    std::vector<int64_t> position(m);
    for (int64_t k = 0, at = 0; k < m; ++k)
      {
        position[perm[k]] = at;
        at += weight[perm[k]];
      }
    std::vector<int64_t> order(n);
    for (int64_t j = 0; j < n; ++j)
      order[position[g.vertex[j]]++] = j;
    return order;
  }
} // namespace lightbody
