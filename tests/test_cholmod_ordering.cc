// Large matrices are ordered by CHOLMOD's nested dissection alone, smaller ones as CHOLMOD chooses
// (AMD, then METIS where AMD's fill is large): nested dissection gave the default tank and the
// van a smaller factor and a shorter factorisation, and the small models a longer ordering
// (bench/factor_benchmark.py, solver/cholmod_factor.cc). Both orderings solve the same system.
#include "solver/cholmod_factor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace
{
  // The lower triangle of the 7-point Laplacian of an m x m x m grid plus the identity, by columns.
  void fill_grid(lightbody::SparseCholesky &c, int m)
  {
    const int  n     = m * m * m;
    const auto index = [m](int i, int j, int k) { return (k * m + j) * m + i; };
    std::vector<std::vector<std::pair<int64_t, double>>> columns(n);
    for (int k = 0; k < m; ++k)
      for (int j = 0; j < m; ++j)
        for (int i = 0; i < m; ++i)
          {
            const int a = index(i, j, k);
            columns[a].push_back({a, 7.0});
            if (i + 1 < m)
              columns[a].push_back({index(i + 1, j, k), -1.0});
            if (j + 1 < m)
              columns[a].push_back({index(i, j + 1, k), -1.0});
            if (k + 1 < m)
              columns[a].push_back({index(i, j, k + 1), -1.0});
          }
    std::size_t nnz = 0;
    for (const auto &col : columns)
      nnz += col.size();
    c.allocate(n, nnz);
    int64_t    *p = c.col_ptr(), *r = c.row_index();
    double     *x = c.values();
    std::size_t e = 0;
    for (int a = 0; a < n; ++a)
      {
        p[a] = static_cast<int64_t>(e);
        for (const auto &[row, value] : columns[a]) // (rows ascending: i, then j, then k)
          r[e] = row, x[e] = value, ++e;
      }
    p[n] = static_cast<int64_t>(e);
  }

  std::vector<double> solve_ones(int m, std::string &method)
  {
    lightbody::SparseCholesky c;
    fill_grid(c, m);
    c.analyse();
    method = c.ordering_method();
    EXPECT_EQ(c.factorise(), -1);
    std::vector<double> x(c.size(), 1.0);
    c.solve(x.data());
    return x;
  }
} // namespace

TEST(CholmodOrdering, LargeMatricesByNestedDissectionSmallOnesAsCholmodChooses)
{
  const int   m = 16; // 4 096 unknowns, 16 128 nonzeros in the lower half
  std::string small_method, large_method;
  EXPECT_EQ(lightbody::SparseCholesky::nested_dissection_from, 20000000u);
  const std::vector<double> a = solve_ones(m, small_method);
  EXPECT_TRUE(small_method == "AMD" || small_method == "METIS") << small_method;
  // The same matrix counted as large.
  const std::size_t from = lightbody::SparseCholesky::nested_dissection_from;
  lightbody::SparseCholesky::nested_dissection_from = 10000;
  const std::vector<double> b                       = solve_ones(m, large_method);
  lightbody::SparseCholesky::nested_dissection_from = from;
  EXPECT_EQ(large_method, "nested dissection");
  ASSERT_EQ(a.size(), b.size());
  double largest = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    {
      largest = std::max(largest, std::abs(a[i]));
      EXPECT_NEAR(b[i], a[i], 1e-12);
    }
  EXPECT_GT(largest, 0.2); // (the solution of (7 I - neighbours) x = 1 is O(1), not zero)
}
