// The eigen solver on a CHOLMOD factor (solver/eigen_solver.cc: Lanczos checked after every
// product, thick restarts) against closed forms: the tridiagonal matrix tridiag(-1, 2, -1) of
// order n has the eigenvalues 2 - 2 cos(k pi / (n + 1)), k = 1..n (e.g. G. Strang, Linear
// Algebra and its Applications, 4th ed., 2006, the second-difference matrix).
#include "solver/cholmod_factor.h"
#include "solver/eigen_solver.h"

#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>

namespace
{
  using dealii::SparseMatrix;
  using dealii::SparsityPattern;

  double second_difference_eigenvalue(unsigned k, unsigned n)
  {
    return 2 - 2 * std::cos(k * M_PI / (n + 1));
  }

  // a * I + b * tridiag(-1, 2, -1) of order n, on `pattern`.
  void fill(SparseMatrix<double> &m, double a, double b)
  {
    const unsigned n = m.m();
    for (unsigned i = 0; i < n; ++i)
      {
        m.set(i, i, a + 2 * b);
        if (i > 0)
          m.set(i, i - 1, -b);
        if (i + 1 < n)
          m.set(i, i + 1, -b);
      }
  }

  std::unique_ptr<lightbody::SparseCholesky> factorise(const SparseMatrix<double> &A)
  {
    const unsigned n = A.m();
    auto           c = std::make_unique<lightbody::SparseCholesky>();
    c->allocate(n, 2 * n - 1);
    std::size_t k = 0;
    for (unsigned j = 0; j < n; ++j)
      {
        c->col_ptr()[j] = static_cast<int64_t>(k);
        for (unsigned i = j; i < std::min(n, j + 2); ++i)
          {
            c->row_index()[k] = i;
            c->values()[k++]  = A.el(i, j);
          }
      }
    c->col_ptr()[n] = static_cast<int64_t>(k);
    c->analyse();
    EXPECT_EQ(c->factorise(), -1);
    return c;
  }

  // A^-1 B with A = a_A I + b_A T and B = a_B I + b_B T, T = tridiag(-1, 2, -1) of order n;
  // A factorised.
  struct Pencil
  {
    Pencil(unsigned n, double a_A, double b_A, double a_B, double b_B)
    {
      dealii::DynamicSparsityPattern d(n, n);
      for (unsigned i = 0; i < n; ++i)
        for (unsigned j = (i > 0 ? i - 1 : 0); j < std::min(n, i + 2); ++j)
          d.add(i, j);
      pattern.copy_from(d);
      A.reinit(pattern);
      B.reinit(pattern);
      fill(A, a_A, b_A);
      fill(B, a_B, b_B);
      factor     = factorise(A);
      f.cholesky = factor.get();
    }
    SparsityPattern                            pattern;
    SparseMatrix<double>                       A, B;
    std::unique_ptr<lightbody::SparseCholesky> factor;
    lightbody::FactoredMatrix                  f;
  };

  // |B phi - nu A phi| / |nu A phi| and phi^T A phi for each pair.
  void expect_pairs_solve_the_pencil(const Pencil &p, const lightbody::EigenPairs &e);

  // A = T, B = I (the pencil p) through the factor f: the six largest nu = 1 / lambda_k.
  void expect_inverse_second_difference(const Pencil &p, const lightbody::FactoredMatrix &f)
  {
    const unsigned n = p.A.m();
    const auto     e = lightbody::extreme_eigenpairs(f, p.B, 6, lightbody::EigenEnd::largest);
    ASSERT_TRUE(e.converged);
    ASSERT_EQ(e.values.size(), 6u);
    for (unsigned k = 0; k < 6; ++k)
      EXPECT_NEAR(e.values[k], 1 / second_difference_eigenvalue(k + 1, n), 1e-9 * e.values[k])
        << "k = " << k + 1;
    expect_pairs_solve_the_pencil(p, e);
  }

  void expect_pairs_solve_the_pencil(const Pencil &p, const lightbody::EigenPairs &e)
  {
    for (std::size_t k = 0; k < e.values.size(); ++k)
      {
        dealii::Vector<double> Ap(p.A.m()), Bp(p.A.m());
        p.A.vmult(Ap, e.vectors[k]);
        p.B.vmult(Bp, e.vectors[k]);
        EXPECT_NEAR(e.vectors[k] * Ap, 1.0, 1e-9) << "pair " << k;
        Bp.add(-e.values[k], Ap);
        EXPECT_LT(Bp.l2_norm(), 1e-7 * std::abs(e.values[k]) * Ap.l2_norm()) << "pair " << k;
      }
  }
} // namespace

// Vibration's form, A^-1 B phi = nu phi with B = I: the largest nu = 1 / lambda_k of the
// second-difference matrix, well separated.
TEST(EigenSolver, LargestOfTheInverseSecondDifference)
{
  const Pencil p(300, 0, 1, 1, 0);
  expect_inverse_second_difference(p, p.f);
}

// Buckling's form, the most negative nu, on a clustered spectrum that takes restarts: A = I,
// B = -tridiag(-1, 2, -1): nu = -lambda_k from the top of the spectrum, relative gaps of 1e-4.
TEST(EigenSolver, MostNegativeOfAClusteredSpectrumThroughRestarts)
{
  const unsigned n = 400;
  const Pencil   p(n, 1, 0, 0, -1);
  const auto e = lightbody::extreme_eigenpairs(p.f, p.B, 5, lightbody::EigenEnd::smallest, 1e-9);
  ASSERT_TRUE(e.converged);
  EXPECT_GT(e.iterations, 0u) << "no restart: the test does not reach the thick restart";
  ASSERT_EQ(e.values.size(), 5u);
  for (unsigned k = 0; k < 5; ++k)
    EXPECT_NEAR(e.values[k], -second_difference_eigenvalue(n - k, n), 1e-10) << "k = " << n - k;
  expect_pairs_solve_the_pencil(p, e);
}

// The same pencil as before through Spectra (LIGHTBODY_EIGEN=spectra, the benchmark's peer):
// the two solvers agree.
TEST(EigenSolver, AgreesWithSpectra)
{
  const Pencil p(400, 1, 0, 0, -1);
  const auto   a = lightbody::extreme_eigenpairs(p.f, p.B, 4, lightbody::EigenEnd::smallest, 1e-9);
  setenv("LIGHTBODY_EIGEN", "spectra", 1);
  const auto b = lightbody::extreme_eigenpairs(p.f, p.B, 4, lightbody::EigenEnd::smallest, 1e-9);
  unsetenv("LIGHTBODY_EIGEN");
  ASSERT_EQ(a.values.size(), 4u);
  ASSERT_EQ(b.values.size(), 4u);
  for (unsigned k = 0; k < 4; ++k)
    {
      EXPECT_NEAR(a.values[k], b.values[k], 1e-10);
      // The same mode up to its sign.
      EXPECT_NEAR(std::abs(a.vectors[k] * b.vectors[k]), 1.0, 1e-6) << "k = " << k;
    }
}

namespace
{
  // The factor as a factor shared by processes offers it: full solves and products with A (the
  // Lanczos process then works in the A inner product, keeping A V without products).
  lightbody::FactoredMatrix solves_only(const Pencil &p)
  {
    lightbody::FactoredMatrix g;
    g.n        = p.A.m();
    g.solve    = [&p](double *x) { p.factor->solve(x); };
    g.multiply = [&p](const double *x, double *y) {
      dealii::Vector<double> in(x, x + p.A.m()), out(p.A.m());
      p.A.vmult(out, in);
      std::copy(out.begin(), out.end(), y);
    };
    return g;
  }
} // namespace

// A^-1 B in the A inner product (full solves, as on the factor MUMPS shares over processes), A
// the second difference, B = I: nu = 1 / lambda_k (closed form), phi^T A phi = 1.
TEST(EigenSolver, InTheInnerProductOfA)
{
  const Pencil p(300, 0, 1, 1, 0);
  expect_inverse_second_difference(p, solves_only(p));
}

// The clustered spectrum through thick restarts in the A inner product, A = 2 I + T (not the
// identity: the inner product matters), B = -T: nu = -lambda_k / (2 + lambda_k).
TEST(EigenSolver, InTheInnerProductOfAThroughRestarts)
{
  const unsigned n = 400;
  const Pencil   p(n, 2, 1, 0, -1);
  // (The analyses' subspace of 40: blocks of three vectors, the default for five pairs, need
  // room for several steps between restarts; with 25 they took more than 5000 products here, as
  // on the symmetric form, one vector a step 1677.)
  const auto e =
    lightbody::extreme_eigenpairs(solves_only(p), p.B, 5, lightbody::EigenEnd::smallest, 1e-9, 40);
  ASSERT_TRUE(e.converged);
  EXPECT_GT(e.iterations, 0u) << "no restart: the test does not reach the thick restart";
  ASSERT_EQ(e.values.size(), 5u);
  for (unsigned k = 0; k < 5; ++k)
    {
      const double lambda = second_difference_eigenvalue(n - k, n);
      EXPECT_NEAR(e.values[k], -lambda / (2 + lambda), 1e-10) << "k = " << n - k;
    }
  expect_pairs_solve_the_pencil(p, e);
}

// The same with the solves of a step's vectors made as one call (FactoredMatrix::solve_columns,
// the block solves of MUMPS's shared factor): the block call is taken, each step's vectors in it,
// and the pairs are the closed form's (as above) and those of the solves one by one.
TEST(EigenSolver, InTheInnerProductOfAWithBlockSolves)
{
  const unsigned            n = 400;
  const Pencil              p(n, 2, 1, 0, -1);
  lightbody::FactoredMatrix blocks = solves_only(p);
  std::size_t               calls = 0, widest = 0;
  blocks.solve = [](double *) { ADD_FAILURE() << "a single solve where the block was given"; };
  blocks.solve_columns = [&](double *const *x, std::size_t columns) {
    ++calls;
    widest = std::max(widest, columns);
    for (std::size_t j = 0; j < columns; ++j)
      p.factor->solve(x[j]);
  };
  const auto e =
    lightbody::extreme_eigenpairs(blocks, p.B, 5, lightbody::EigenEnd::smallest, 1e-9, 40);
  const auto one_by_one =
    lightbody::extreme_eigenpairs(solves_only(p), p.B, 5, lightbody::EigenEnd::smallest, 1e-9, 40);
  ASSERT_TRUE(e.converged);
  EXPECT_EQ(widest, 3u) << "the step's three vectors are not solved in one call";
  EXPECT_EQ(calls, e.steps) << "each step's vectors in one call";
  ASSERT_EQ(e.values.size(), 5u);
  ASSERT_EQ(one_by_one.values.size(), 5u);
  for (unsigned k = 0; k < 5; ++k)
    {
      const double lambda = second_difference_eigenvalue(n - k, n);
      EXPECT_NEAR(e.values[k], -lambda / (2 + lambda), 1e-10) << "k = " << n - k;
      EXPECT_NEAR(e.values[k], one_by_one.values[k], 1e-13) << "k = " << n - k;
    }
  expect_pairs_solve_the_pencil(p, e);
}

// Many pairs of a clustered spectrum with the default basis: 20 of the pencil above (blocks of
// three). The basis must leave room for several steps between restarts: with 41 vectors (the
// basis 20 pairs had before) the natural frequencies and the buckling factors of
// cases/van_body_6200.yaml (20 modes, mesh.size=300mm) had not converged after 8202 products,
// nor had this pencil (the most products allowed, 200 times the basis); with 60 it takes about
// 1650.
TEST(EigenSolver, TwentyPairsOfAClusteredSpectrum)
{
  const unsigned n = 400;
  const Pencil   p(n, 2, 1, 0, -1);
  EXPECT_EQ(lightbody::lanczos_subspace(20, 0), 60u);
  for (const bool on_cholmod : {true, false})
    {
      const auto e = lightbody::extreme_eigenpairs(on_cholmod ? p.f : solves_only(p), p.B, 20,
                                                   lightbody::EigenEnd::smallest, 1e-9);
      ASSERT_TRUE(e.converged) << "on CHOLMOD's factor: " << on_cholmod;
      EXPECT_LT(e.products, 2500u) << "on CHOLMOD's factor: " << on_cholmod;
      ASSERT_EQ(e.values.size(), 20u);
      for (unsigned k = 0; k < 20; ++k)
        {
          const double lambda = second_difference_eigenvalue(n - k, n);
          EXPECT_NEAR(e.values[k], -lambda / (2 + lambda), 1e-9) << "k = " << n - k;
        }
      expect_pairs_solve_the_pencil(p, e);
    }
}

// A pencil whose matrices do not commute (A = D + T with a graded diagonal D, B = -T: A^-1 B is
// not symmetric, so the inner product matters): the A inner product's Lanczos agrees with the
// symmetric form on CHOLMOD's triangular halves (values and modes).
TEST(EigenSolver, InTheInnerProductOfAAgreesWithTheSymmetricForm)
{
  const unsigned n = 300;
  Pencil         p(n, 1, 1, 0, -1);
  for (unsigned i = 0; i < n; ++i)
    p.A.add(i, i, 3.0 * i / n);
  p.factor     = factorise(p.A);
  p.f.cholesky = p.factor.get();
  const auto a = lightbody::extreme_eigenpairs(p.f, p.B, 4, lightbody::EigenEnd::smallest, 1e-10);
  const auto b =
    lightbody::extreme_eigenpairs(solves_only(p), p.B, 4, lightbody::EigenEnd::smallest, 1e-10);
  ASSERT_EQ(a.values.size(), 4u);
  ASSERT_EQ(b.values.size(), 4u);
  for (unsigned k = 0; k < 4; ++k)
    {
      EXPECT_NEAR(a.values[k], b.values[k], 1e-9 * std::abs(a.values[k])) << "k = " << k;
      dealii::Vector<double> Ab(n);
      p.A.vmult(Ab, b.vectors[k]);
      EXPECT_NEAR(std::abs(a.vectors[k] * Ab), 1.0, 1e-6) << "k = " << k;
    }
  expect_pairs_solve_the_pencil(p, b);
}

namespace
{
  // Three pencils on the factor of A = T = tridiag(-1, 2, -1) with B = -I, -(I + T), -(2 I - T),
  // whose most negative nu are -1 / lambda_k, -(1 / lambda_k + 1) and 1 - 2 / lambda_k for the
  // lowest lambda_k of T (closed form), 4, 3 and 6 pairs: extreme_eigenpairs_together on `A`
  // (made by `factor_of` from the first pencil) gives the closed form, pairs that solve each
  // pencil, and each pencil's pairs as extreme_eigenpairs has them alone on A (after
  // `after_together` has been called). Returns the results side by side.
  std::vector<lightbody::EigenPairs> expect_three_pencils_side_by_side(
    const std::function<lightbody::FactoredMatrix(const Pencil &)> &factor_of,
    const std::function<void()>                                    &after_together = {})
  {
    const unsigned                       n = 300;
    const Pencil                         p(n, 0, 1, -1, 0);  // A = T, B = -I
    const Pencil                         q(n, 0, 1, -1, -1); // B = -(I + T)
    const Pencil                         r(n, 0, 1, -2, 1);  // B = -(2 I - T)
    const lightbody::FactoredMatrix      A = factor_of(p);
    const lightbody::PencilMatrix        bp(p.B), bq(q.B), br(r.B);
    std::vector<lightbody::EigenRequest> given = {{&bp, 4, {}}, {&bq, 3, {}}, {&br, 6, {}}};
    const auto                           together =
      lightbody::extreme_eigenpairs_together(A, given, lightbody::EigenEnd::smallest, 1e-9, 0);
    if (after_together)
      after_together();
    EXPECT_EQ(together.size(), 3u);
    if (together.size() != 3)
      return together;
    const auto expected = [](unsigned which, double lambda) {
      return which == 0 ? -1 / lambda : which == 1 ? -(1 / lambda + 1) : 1 - 2 / lambda;
    };
    const Pencil *pencils[] = {&p, &q, &r};
    for (unsigned w = 0; w < 3; ++w)
      {
        const auto &e = together[w];
        EXPECT_TRUE(e.converged) << w;
        EXPECT_EQ(e.values.size(), given[w].count) << w;
        if (e.values.size() != given[w].count)
          continue;
        for (unsigned k = 0; k < given[w].count; ++k)
          EXPECT_NEAR(e.values[k], expected(w, second_difference_eigenvalue(k + 1, n)),
                      1e-9 * std::abs(e.values[k]))
            << "pencil " << w << ", k = " << k + 1;
        // (each pencil's A is the same T: its own factor serves for the residuals)
        expect_pairs_solve_the_pencil(*pencils[w], e);
        const auto alone = lightbody::extreme_eigenpairs(A, *given[w].B, given[w].count,
                                                         lightbody::EigenEnd::smallest, 1e-9);
        EXPECT_EQ(alone.values.size(), e.values.size());
        for (std::size_t k = 0; k < std::min(e.values.size(), alone.values.size()); ++k)
          EXPECT_NEAR(alone.values[k], e.values[k], 1e-12 * std::abs(e.values[k])) << w << " " << k;
        EXPECT_NEAR(alone.products, e.products, 1) << w;
      }
    return together;
  }
} // namespace

// Several pencils on one factor, their Lanczos processes side by side with each step's solves
// made as one solve of several columns (extreme_eigenpairs_together, the buckling analyses of a
// support set's load cases): the three pencils above on CHOLMOD's halves. They converge after
// different numbers of products, so that processes leave the group while others go on; each
// result equals that of its pencil alone.
TEST(EigenSolver, PencilsOnOneFactorSideBySide)
{
  const auto together = expect_three_pencils_side_by_side([](const Pencil &p) { return p.f; });
  ASSERT_EQ(together.size(), 3u);
  EXPECT_NE(together[0].products, together[2].products)
    << "the pencils converge together: no process leaves the group early";
}

// The same side by side on a factor without triangular halves (the factor MUMPS shares over
// the processes of an MPI launch: full solves of several columns, FactoredMatrix::solve_columns,
// and products with A): the Lanczos processes run in the A inner product, and the solves that
// their steps ask for at about the same time are made as one call of all their columns, never
// two calls at once (rank 0's commands to the other processes go one at a time). The same closed
// forms, and each pencil's pairs as it has them alone on the same solves.
TEST(EigenSolver, PencilsOnASharedFactorSideBySide)
{
  std::size_t      calls = 0, widest = 0, calls_together = 0, widest_together = 0;
  std::atomic<int> inside{0};
  bool             overlapped = false;
  const auto       together   = expect_three_pencils_side_by_side(
    [&](const Pencil &p) {
      lightbody::FactoredMatrix f = solves_only(p);
      f.solve = [](double *) { ADD_FAILURE() << "a single solve where the block was given"; };
      f.solve_columns = [&](double *const *x, std::size_t columns) {
        if (inside.fetch_add(1) != 0)
          overlapped = true;
        ++calls;
        widest = std::max(widest, columns);
        for (std::size_t j = 0; j < columns; ++j)
          p.factor->solve(x[j]);
        inside.fetch_sub(1);
      };
      return f;
    },
    [&] {
      calls_together  = calls;
      widest_together = widest;
    });
  ASSERT_EQ(together.size(), 3u);
  EXPECT_FALSE(overlapped) << "two solves at once";
  std::size_t steps = 0;
  for (const auto &e : together)
    steps += e.steps;
  EXPECT_EQ(widest_together, 9u)
    << "the three processes' blocks of three are not solved in one call";
  // (a process that leaves the group early, or one that makes a new start vector, stands alone)
  EXPECT_LT(calls_together, steps * 2 / 3) << "the steps' solves are not made together";
}

// Each step's block of vectors (one, two, three: the few-column solves of
// solver/supernodal_solve.h for more than one): the same closed-form pairs, with as many products
// as steps times the block.
TEST(EigenSolver, BlocksOfOneTwoAndThreeVectors)
{
  const unsigned n = 300;
  const Pencil   p(n, 0, 1, 1, 0);
  for (const unsigned block : {1u, 2u, 3u})
    {
      const auto e =
        lightbody::extreme_eigenpairs(p.f, p.B, 6, lightbody::EigenEnd::largest, 1e-9, 0, block);
      ASSERT_TRUE(e.converged) << block;
      ASSERT_EQ(e.values.size(), 6u) << block;
      EXPECT_EQ(e.products, e.steps * block);
      for (unsigned k = 0; k < 6; ++k)
        EXPECT_NEAR(e.values[k], 1 / second_difference_eigenvalue(k + 1, n), 1e-9 * e.values[k])
          << "block " << block << ", k = " << k + 1;
      expect_pairs_solve_the_pencil(p, e);
    }
}

// An eigenvalue that repeats (a symmetric structure's mode pairs): two uncoupled copies of the
// second difference, A = I and B = -(T_m + T_m) (block diagonal), so that every nu = -lambda_k
// of T_m is there twice. A block of three vectors a step (the default for four pairs) finds each
// as often as it repeats, with orthonormal modes: -lambda_m, -lambda_m, -lambda_(m-1),
// -lambda_(m-1).
TEST(EigenSolver, RepeatedEigenvaluesFoundAsOftenAsTheyRepeat)
{
  const unsigned m = 150, n = 2 * m;
  Pencil         p(n, 1, 0, 0, -1);
  p.B.set(m - 1, m, 0);
  p.B.set(m, m - 1, 0);
  const auto e = lightbody::extreme_eigenpairs(p.f, p.B, 4, lightbody::EigenEnd::smallest, 1e-9);
  ASSERT_TRUE(e.converged);
  ASSERT_EQ(e.values.size(), 4u);
  for (unsigned k = 0; k < 4; ++k)
    EXPECT_NEAR(e.values[k], -second_difference_eigenvalue(m - k / 2, m), 1e-9) << "k = " << k;
  for (unsigned i = 0; i < 4; ++i)
    for (unsigned j = i + 1; j < 4; ++j)
      EXPECT_NEAR(e.vectors[i] * e.vectors[j], 0.0, 1e-6) << i << ", " << j;
  expect_pairs_solve_the_pencil(p, e);
}

// The A inner product through many steps and restarts on small pencils, where the basis fills
// much of the space: A = I + T, B = T of order 40, 80, 200, the largest nu = lambda_k / (1 +
// lambda_k) (closed form, clustered near 4/5), 1 to 25 pairs; and with B's first 10 rows and
// columns zero (singular, as a mass or K_G with no entries at some DoFs), against the symmetric
// form on CHOLMOD's halves. A V kept by the recurrence (before 2026-12-04) drifted from the
// product at every step: on the order 40, Ritz values 60 times the largest eigenvalue were
// reported as converged.
TEST(EigenSolver, InTheInnerProductOfAOnSmallClusteredPencils)
{
  for (const unsigned n : {40u, 80u, 200u})
    for (const bool singular : {false, true})
      {
        Pencil p(n, 1, 1, 0, 1);
        if (singular)
          for (unsigned i = 0; i < 10; ++i)
            for (auto it = p.B.begin(i); it != p.B.end(i); ++it)
              {
                it->value() = 0;
                p.B.set(it->column(), i, 0);
              }
        for (const unsigned count : {1u, 3u, 8u, 25u})
          {
            const std::string what = "order " + std::to_string(n) + (singular ? " singular" : "") +
                                     ", " + std::to_string(count) + " pairs";
            const auto a =
              lightbody::extreme_eigenpairs(p.f, p.B, count, lightbody::EigenEnd::largest, 1e-9);
            const auto b = lightbody::extreme_eigenpairs(solves_only(p), p.B, count,
                                                         lightbody::EigenEnd::largest, 1e-9);
            ASSERT_TRUE(a.converged) << what;
            ASSERT_TRUE(b.converged) << what;
            ASSERT_EQ(b.values.size(), count) << what;
            for (unsigned k = 0; k < count; ++k)
              {
                const double lambda = second_difference_eigenvalue(n - k, n);
                if (!singular)
                  {
                    EXPECT_NEAR(b.values[k], lambda / (1 + lambda), 1e-9) << what << ", k = " << k;
                  }
                EXPECT_NEAR(b.values[k], a.values[k], 1e-9) << what << ", k = " << k;
              }
            expect_pairs_solve_the_pencil(p, b);
          }
      }
}

namespace
{
  // The sum over the threads of a few numbers, as MPI_Allreduce sums over processes: each thread
  // waits until all have given theirs, then each gets the total.
  class ThreadSum
  {
  public:
    explicit ThreadSum(unsigned parties) : parties_(parties) {}
    void operator()(double *data, long count)
    {
      std::unique_lock<std::mutex> lock(mutex_);
      const unsigned long          round = round_;
      if (arrived_ == 0)
        total_.assign(data, data + count);
      else
        for (long i = 0; i < count; ++i)
          total_[static_cast<std::size_t>(i)] += data[i];
      if (++arrived_ == parties_)
        {
          arrived_ = 0;
          ++round_;
          result_ = total_;
          woken_.notify_all();
        }
      else
        woken_.wait(lock, [&] { return round_ != round; });
      std::copy(result_.begin(), result_.begin() + count, data);
    }

  private:
    const unsigned          parties_;
    unsigned                arrived_ = 0;
    unsigned long           round_   = 0;
    std::vector<double>     total_, result_;
    std::mutex              mutex_;
    std::condition_variable woken_;
  };

  // A Lanczos basis spread over row bands as over the processes of an MPI launch (each band a
  // BasisRows, the orthogonalisation's sums made over the bands, one thread each), the whole
  // vectors copied to and from the bands as a process would scatter and gather them.
  class BandedBasis : public lightbody::LanczosBasis
  {
  public:
    BandedBasis(const std::vector<long> &firsts, long columns, bool a_inner,
                unsigned &orthogonalised)
      : firsts_(firsts), orthogonalised_(orthogonalised)
    {
      for (std::size_t b = 0; b + 1 < firsts.size(); ++b)
        bands_.emplace_back(firsts[b + 1] - firsts[b], columns, a_inner);
    }
    void orthogonalise(double *X, double *AX, long c, long m, double *h) override
    {
      ++orthogonalised_;
      const long               n = firsts_.back();
      ThreadSum                sum(static_cast<unsigned>(bands_.size()));
      std::vector<std::thread> threads;
      for (std::size_t b = 0; b < bands_.size(); ++b)
        threads.emplace_back([&, b] {
          const long          first = firsts_[b], rows = bands_[b].rows();
          std::vector<double> x  = rows_of(X, n, first, rows, c),
                              ax = rows_of(AX, n, first, rows, c), g(m * c);
          bands_[b].orthogonalise(x.data(), ax.data(), c, m, g.data(), std::ref(sum));
          put_rows(x, n, first, rows, X);
          put_rows(ax, n, first, rows, AX);
          if (b == 0)
            std::copy(g.begin(), g.end(), h);
        });
      for (auto &t : threads)
        t.join();
    }
    void set_columns(long first, long count, const double *X, const double *AX) override
    {
      const long n = firsts_.back();
      for (std::size_t b = 0; b < bands_.size(); ++b)
        {
          const long rows = bands_[b].rows();
          bands_[b].set_columns(first, count, rows_of(X, n, firsts_[b], rows, count).data(),
                                rows_of(AX, n, firsts_[b], rows, count).data());
        }
    }
    void restart(long m, const double *S, long keep, long block) override
    {
      for (auto &band : bands_)
        band.restart(m, S, keep, block);
    }
    void combine(long m, const double *S, long k, double *out) override
    {
      const long n = firsts_.back();
      for (std::size_t b = 0; b < bands_.size(); ++b)
        {
          const long          rows = bands_[b].rows();
          std::vector<double> part(static_cast<std::size_t>(rows * k));
          bands_[b].combine(m, S, k, part.data());
          put_rows(part, n, firsts_[b], rows, out);
        }
    }

  private:
    // Rows first..first+rows-1 of the columns of whole vectors (n x columns; null: none), as a
    // process's scatter takes its band, and back.
    static std::vector<double> rows_of(const double *whole, long n, long first, long rows,
                                       long columns)
    {
      std::vector<double> part(whole ? static_cast<std::size_t>(rows * columns) : 0);
      for (long j = 0; whole && j < columns; ++j)
        std::copy(whole + j * n + first, whole + j * n + first + rows, part.begin() + j * rows);
      return part;
    }
    static void put_rows(const std::vector<double> &part, long n, long first, long rows,
                         double *whole)
    {
      for (long j = 0; rows > 0 && j < static_cast<long>(part.size()) / rows; ++j)
        std::copy(part.begin() + j * rows, part.begin() + (j + 1) * rows, whole + j * n + first);
    }

    std::vector<long>                 firsts_;
    std::vector<lightbody::BasisRows> bands_;
    unsigned                         &orthogonalised_;
  };
} // namespace

// The Lanczos basis spread over the processes of an MPI launch, each its band of rows
// (solver/lanczos_basis.h, as distributed_factor.cc spreads it by the shared factor's rows): the
// clustered spectrum through thick restarts in the A inner product (A = 2 I + T, B = -T, blocks
// of three vectors) with the basis in three bands of rows and one empty band gives the closed
// form nu = -lambda_k / (2 + lambda_k) and the pairs of the whole basis, to round-off.
TEST(EigenSolver, BasisSpreadOverBandsOfRows)
{
  const unsigned            n = 400;
  const Pencil              p(n, 2, 1, 0, -1);
  lightbody::FactoredMatrix spread = solves_only(p);
  unsigned                  bases = 0, orthogonalised = 0;
  spread.basis = [&](long columns) {
    ++bases;
    return std::make_unique<BandedBasis>(std::vector<long>{0, 130, 130, 271, 400}, columns, true,
                                         orthogonalised);
  };
  const auto e =
    lightbody::extreme_eigenpairs(spread, p.B, 5, lightbody::EigenEnd::smallest, 1e-9, 40);
  const auto whole =
    lightbody::extreme_eigenpairs(solves_only(p), p.B, 5, lightbody::EigenEnd::smallest, 1e-9, 40);
  EXPECT_EQ(bases, 1u) << "the Lanczos process did not take the spread basis";
  EXPECT_GT(orthogonalised, e.steps) << "the orthogonalisation did not go through the bands";
  ASSERT_TRUE(e.converged);
  EXPECT_GT(e.iterations, 0u) << "no restart: the test does not reach the thick restart";
  ASSERT_EQ(e.values.size(), 5u);
  ASSERT_EQ(whole.values.size(), 5u);
  EXPECT_EQ(e.products, whole.products);
  for (unsigned k = 0; k < 5; ++k)
    {
      const double lambda = second_difference_eigenvalue(n - k, n);
      EXPECT_NEAR(e.values[k], -lambda / (2 + lambda), 1e-10) << "k = " << n - k;
      EXPECT_NEAR(e.values[k], whole.values[k], 1e-12) << "k = " << n - k;
      dealii::Vector<double> Aw(n);
      p.A.vmult(Aw, whole.vectors[k]);
      EXPECT_NEAR(std::abs(e.vectors[k] * Aw), 1.0, 1e-8) << "k = " << n - k;
    }
  expect_pairs_solve_the_pencil(p, e);
}
