// Large matrices are ordered by CHOLMOD's nested dissection alone; middling ones by METIS on
// their compressed graph where their unknowns come in groups with the same neighbours (a
// solid-shell's through-thickness lines); the others as CHOLMOD chooses (AMD, then METIS where
// AMD's fill is large): measured in bench/factor_benchmark.py (solver/cholmod_factor.cc and
// solver/compressed_ordering.h quote it). Every ordering solves the same system.
#include "solver/cholmod_factor.h"
#include "solver/compressed_ordering.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace
{
  // The lower triangle of the 7-point Laplacian of an m x m x m grid plus the identity, by
  // columns; with `components` 3, its Kronecker product with [2 .5 .5; .5 2 .5; .5 .5 2] (three
  // coupled unknowns per grid point, numbered point by point, as a displacement field's), also
  // positive definite.
  void fill_grid(lightbody::SparseCholesky &c, int m, int components = 1)
  {
    const int  n     = m * m * m * components;
    const auto point = [m](int i, int j, int k) { return (k * m + j) * m + i; };
    std::vector<std::vector<std::pair<int64_t, double>>> columns(n);
    const auto couple = [&](int a, int b, double l) { // points a <= b
      for (int q = 0; q < components; ++q)
        for (int r = 0; r < components; ++r)
          {
            const int row = components * b + r, column = components * a + q;
            if (row >= column)
              columns[column].push_back({row, l * (components == 1 ? 1.0 : q == r ? 2.0 : 0.5)});
          }
    };
    for (int k = 0; k < m; ++k)
      for (int j = 0; j < m; ++j)
        for (int i = 0; i < m; ++i)
          {
            const int a = point(i, j, k);
            couple(a, a, 7.0);
            if (i + 1 < m)
              couple(a, point(i + 1, j, k), -1.0);
            if (j + 1 < m)
              couple(a, point(i, j + 1, k), -1.0);
            if (k + 1 < m)
              couple(a, point(i, j, k + 1), -1.0);
          }
    for (auto &col : columns)
      std::sort(col.begin(), col.end());
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

  std::vector<double> solve_ones(int m, std::string &method, int components = 1,
                                 double *factor_nonzeros = nullptr)
  {
    lightbody::SparseCholesky c;
    fill_grid(c, m, components);
    c.analyse();
    method = c.ordering_method();
    if (factor_nonzeros)
      *factor_nonzeros = c.factor_nonzeros();
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

// Matrices from 5 M to 20 M nonzeros are ordered on their compressed graph
// (solver/compressed_ordering.h) where their unknowns come in groups with the same neighbours
// (larger ones by CHOLMOD's nested dissection of the whole graph): here the three coupled unknowns
// of each grid point. The groups are exactly the points; the factor's fill is within 40 % of
// CHOLMOD's nested dissection of the whole graph and the solution the same; a matrix whose graph
// does not compress (one unknown per point) keeps the earlier orderings.
TEST(CholmodOrdering, CompressedGraphOfLargeMatricesByMetis)
{
  const int m = 16; // 12 288 unknowns
  {
    lightbody::SparseCholesky c;
    fill_grid(c, m, 3);
    const lightbody::CompressedGraph g =
      lightbody::compress_graph(static_cast<int64_t>(c.size()), c.col_ptr(), c.row_index());
    ASSERT_EQ(g.vertices, m * m * m);
    for (std::size_t j = 0; j < c.size(); ++j)
      ASSERT_EQ(g.vertex[j], static_cast<int64_t>(j / 3)) << j; // numbered by first unknown
    const std::vector<int64_t> order = lightbody::compressed_graph_ordering(
      static_cast<int64_t>(c.size()), c.col_ptr(), c.row_index());
    ASSERT_EQ(order.size(), c.size());
    std::vector<int64_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t j = 0; j < sorted.size(); ++j)
      ASSERT_EQ(sorted[j], static_cast<int64_t>(j));  // a permutation
    for (std::size_t k = 0; k < order.size(); k += 3) // each point's unknowns together
      EXPECT_TRUE(order[k] % 3 == 0 && order[k + 1] == order[k] + 1 && order[k + 2] == order[k] + 2)
        << k;
  }
  EXPECT_EQ(lightbody::SparseCholesky::compressed_ordering_from, 5000000u);
  const std::size_t         compressed_from = lightbody::SparseCholesky::compressed_ordering_from;
  const std::size_t         dissection_from = lightbody::SparseCholesky::nested_dissection_from;
  std::string               small_method, whole_method, compressed_method, scalar_method;
  double                    whole_fill = 0, compressed_fill = 0;
  const std::vector<double> a = solve_ones(m, small_method, 3);
  // Counted as large: from nested_dissection_from the whole graph is dissected, compressed or not.
  lightbody::SparseCholesky::compressed_ordering_from = 10000;
  lightbody::SparseCholesky::nested_dissection_from   = 10000;
  const std::vector<double> b                         = solve_ones(m, whole_method, 3, &whole_fill);
  // Counted as middling: the compressed graph, unless the graph does not compress.
  lightbody::SparseCholesky::nested_dissection_from = dissection_from;
  const std::vector<double> d = solve_ones(m, compressed_method, 3, &compressed_fill);
  solve_ones(m, scalar_method, 1);
  lightbody::SparseCholesky::compressed_ordering_from = compressed_from;
  EXPECT_TRUE(small_method == "AMD" || small_method == "METIS") << small_method;
  EXPECT_EQ(whole_method, "nested dissection");
  EXPECT_EQ(compressed_method, "METIS, compressed graph");
  EXPECT_TRUE(scalar_method == "AMD" || scalar_method == "METIS") << scalar_method;
  EXPECT_GT(whole_fill, 0);
  // (On this grid: ours 2.53 M, CHOLMOD's nested dissection 1.94 M, METIS on the whole graph
  // 2.0 M; the natural order, a band of 768, about 9 M. On the bodies ours is within 1 % of
  // METIS's on the whole graph or smaller: the default tank 158.9 against 157.9 M, the van 134.7
  // against 136.4 M.)
  EXPECT_LT(compressed_fill, 1.4 * whole_fill) << whole_fill;
  ASSERT_EQ(a.size(), d.size());
  double largest = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    {
      largest = std::max(largest, std::abs(a[i]));
      EXPECT_NEAR(b[i], a[i], 1e-12);
      EXPECT_NEAR(d[i], a[i], 1e-12);
    }
  EXPECT_GT(largest, 0.05);
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

// A preconditioner's factor kept in single precision (the iterative solver's subdomains): its
// solve is the double factor's to the rounding of the values to single precision, about 6e-8
// of each times the condition number (below 30 here: the grid's Laplacian plus 7 times the
// identity, eigenvalues 1 to 13, times the 3 x 3 coupling's 2), so within 1e-6 of the largest
// but not equal; several columns at once equal their own solves; the halves of the solve are
// refused; its portable loops and AVX2 kernels agree.
TEST(CholmodOrdering, SinglePrecisionFactorSolvesToItsRounding)
{
  lightbody::SparseCholesky exact, single;
  fill_grid(exact, 12, 3);
  fill_grid(single, 12, 3);
  for (auto *c : {&exact, &single})
    {
      c->analyse();
      ASSERT_EQ(c->factorise(), -1);
    }
  ASSERT_TRUE(single.keep_single_precision());
  const std::size_t   n = exact.size();
  std::vector<double> b(n);
  for (std::size_t i = 0; i < n; ++i)
    b[i] = std::sin(0.37 * static_cast<double>(i)) + 0.1 * static_cast<double>(i % 7);
  std::vector<double> x = b, y = b;
  exact.solve(x.data());
  single.solve(y.data());
  double largest = 0, difference = 0;
  for (std::size_t i = 0; i < n; ++i)
    {
      largest    = std::max(largest, std::abs(x[i]));
      difference = std::max(difference, std::abs(x[i] - y[i]));
    }
  EXPECT_LT(difference, 1e-6 * largest);
  // (not the double solve itself: float values differ from double ones)
  EXPECT_GT(difference, 1e-12 * largest);
  std::vector<double> two(2 * n);
  std::copy(b.begin(), b.end(), two.begin());
  std::copy(x.begin(), x.end(), two.begin() + static_cast<std::ptrdiff_t>(n));
  single.solve(two.data(), 2);
  std::vector<double> alone = x;
  single.solve(alone.data());
  for (std::size_t i = 0; i < n; ++i)
    {
      ASSERT_EQ(two[i], y[i]) << i;
      ASSERT_EQ(two[n + i], alone[i]) << i;
    }
  // The portable loops against the AVX2 kernels (where the processor has them): the same
  // solve to the order of the sums (1e-13), a wrong tail or stride would show at 1e-7 or more.
  lightbody::SparseCholesky::vector_kernels = false;
  std::vector<double> plain                 = b;
  single.solve(plain.data());
  lightbody::SparseCholesky::vector_kernels = true;
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_NEAR(plain[i], y[i], 1e-13 * largest) << i;
  EXPECT_THROW(single.solve_lower(x.data()), std::logic_error);
  EXPECT_THROW(single.solve_upper(x.data(), 2), std::logic_error);
  // A factor whose values lie beyond single precision's range stays in double.
  lightbody::SparseCholesky huge;
  fill_grid(huge, 4);
  const std::size_t entries = static_cast<std::size_t>(huge.col_ptr()[huge.size()]);
  for (std::size_t e = 0; e < entries; ++e)
    huge.values()[e] *= 1e80;
  huge.analyse();
  ASSERT_EQ(huge.factorise(), -1);
  EXPECT_FALSE(huge.keep_single_precision());
  EXPECT_FALSE(huge.single_precision()); // (its values converted in part are dropped)
  std::vector<double> h(huge.size(), 1e80);
  huge.solve_lower(h.data());
}
