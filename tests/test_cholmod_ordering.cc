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

// Several right-hand sides at once (the load cases of a support set, the buckling analyses side
// by side): one pass over the supernodal factor for all columns, through the few-column products
// and triangular solves of app/blas_columns.cc (2 to 8 columns) or the library's (9). Each column
// equals its own solve, for the full solve and for each triangular half, and L^-1 P then
// P^T L^-T gives the full solve back.
TEST(CholmodOrdering, SeveralColumnsAtOnceEqualTheirOwnSolves)
{
  lightbody::SparseCholesky c;
  fill_grid(c, 16);
  c.analyse();
  ASSERT_EQ(c.factorise(), -1);
  const std::size_t n = c.size();
  for (const std::size_t columns : {2u, 3u, 8u, 9u})
    {
      std::vector<double> b(n * columns);
      for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = std::sin(0.37 * static_cast<double>(i)) + 0.1 * static_cast<double>(i % 7);
      for (int kind = 0; kind < 3; ++kind)
        {
          std::vector<double> together = b;
          kind == 0   ? c.solve(together.data(), columns)
          : kind == 1 ? c.solve_lower(together.data(), columns)
                      : c.solve_upper(together.data(), columns);
          for (std::size_t k = 0; k < columns; ++k)
            {
              std::vector<double> alone(b.begin() + k * n, b.begin() + (k + 1) * n);
              kind == 0   ? c.solve(alone.data())
              : kind == 1 ? c.solve_lower(alone.data())
                          : c.solve_upper(alone.data());
              double largest = 0;
              for (double v : alone)
                largest = std::max(largest, std::abs(v));
              ASSERT_GT(largest, 0);
              for (std::size_t i = 0; i < n; ++i)
                ASSERT_NEAR(together[k * n + i], alone[i], 1e-12 * largest)
                  << columns << " columns, kind " << kind << ", column " << k << ", row " << i;
            }
        }
      std::vector<double> halves = b, full = b;
      c.solve_lower(halves.data(), columns);
      c.solve_upper(halves.data(), columns);
      c.solve(full.data(), columns);
      for (std::size_t i = 0; i < full.size(); ++i)
        ASSERT_NEAR(halves[i], full[i], 1e-12 * (1 + std::abs(full[i]))) << columns;
    }
}
