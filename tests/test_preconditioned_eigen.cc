// LOBPCG on B x = nu A x with an approximate inverse of A (solver/preconditioned_eigen.cc, the
// eigen analyses of the iterative solver) against closed forms and dense solutions: the
// second-difference matrix tridiag(-1, 2, -1) of order n has the eigenvalues
// 2 - 2 cos(k pi / (n + 1)), k = 1..n (G. Strang, Linear Algebra and its Applications, 4th ed.,
// 2006). The preconditioner is spectrally equivalent to A^-1 but not equal to it:
// T = L^-T (I + 0.4 E) L^-1 with A = L L^T and E symmetric of norm 1 (random), so that
// 0.6 <= eig(T A) <= 1.4, as a multigrid cycle is to an elastic body's stiffness.
#include "solver/eigen_solver.h"

#include <Eigen/Dense>

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace
{
  using lightbody::EigenEnd;
  using lightbody::EigenPairs;
  using lightbody::FactoredMatrix;
  using lightbody::PencilMatrix;

  Eigen::MatrixXd second_difference(unsigned n)
  {
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(n, n);
    for (unsigned i = 0; i < n; ++i)
      {
        A(i, i) = 2;
        if (i > 0)
          A(i, i - 1) = A(i - 1, i) = -1;
      }
    return A;
  }

  struct Problem
  {
    Eigen::MatrixXd A, B, T;
    unsigned        applications = 0;

    // T as above, `spread` the size of its departure from A^-1.
    Problem(Eigen::MatrixXd a, Eigen::MatrixXd b, double spread = 0.4)
      : A(std::move(a)), B(std::move(b))
    {
      const auto                       n = A.rows();
      std::mt19937                     random(7);
      std::normal_distribution<double> normal;
      Eigen::MatrixXd                  E(n, n);
      for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
          E(i, j) = normal(random);
      E = 0.5 * (E + E.transpose()).eval();
      E /= Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(E).eigenvalues().cwiseAbs().maxCoeff();
      const Eigen::MatrixXd L = A.llt().matrixL();
      const Eigen::MatrixXd Linv =
        L.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(n, n));
      T = Linv.transpose() * (Eigen::MatrixXd::Identity(n, n) + spread * E) * Linv;
    }

    FactoredMatrix factored()
    {
      FactoredMatrix f;
      f.n        = static_cast<std::size_t>(A.rows());
      f.multiply = [this](const double *x, double *y) {
        Eigen::Map<Eigen::VectorXd>(y, A.rows()) =
          A * Eigen::Map<const Eigen::VectorXd>(x, A.rows());
      };
      f.precondition = [this](const double *x, double *y) {
        Eigen::Map<Eigen::VectorXd>(y, A.rows()) =
          T * Eigen::Map<const Eigen::VectorXd>(x, A.rows());
        ++applications;
      };
      return f;
    }

    PencilMatrix pencil() const
    {
      return PencilMatrix([this](const double *x, double *y) {
        Eigen::Map<Eigen::VectorXd>(y, B.rows()) =
          B * Eigen::Map<const Eigen::VectorXd>(x, B.rows());
      });
    }

    // The pairs' residuals ||B x - nu A x|| / (|nu| ||A x||) and A-norms.
    void check_pairs(const EigenPairs &e) const
    {
      for (std::size_t k = 0; k < e.values.size(); ++k)
        {
          const Eigen::Map<const Eigen::VectorXd> x(e.vectors[k].data(), A.rows());
          EXPECT_NEAR(x.dot(A * x), 1.0, 1e-10) << "pair " << k;
          const double nu = e.values[k];
          EXPECT_LT((B * x - nu * (A * x)).norm(), 1e-5 * std::abs(nu) * (A * x).norm())
            << "pair " << k;
        }
    }
  };
} // namespace

// Vibration's form, the largest nu = 1 / lambda_k with B = I: the closed form.
TEST(PreconditionedEigen, LargestOfTheSecondDifferenceMatchesTheClosedForm)
{
  const unsigned       n = 300;
  Problem              p(second_difference(n), Eigen::MatrixXd::Identity(n, n));
  const FactoredMatrix A = p.factored();
  ASSERT_TRUE(lightbody::runs_preconditioned(A));
  const EigenPairs e = lightbody::extreme_eigenpairs(A, p.pencil(), 4, EigenEnd::largest, 1e-9);
  ASSERT_TRUE(e.converged);
  ASSERT_EQ(e.values.size(), 4u);
  for (unsigned k = 1; k <= 4; ++k)
    {
      const double lambda = 2 - 2 * std::cos(k * M_PI / (n + 1));
      EXPECT_NEAR(e.values[k - 1] * lambda, 1.0, 1e-10) << "k = " << k;
    }
  p.check_pairs(e);
  EXPECT_EQ(e.products, p.applications);
  // (far fewer applications of T than the n of a dense solve; the Lanczos process would
  // solve with A for each product)
  EXPECT_LT(e.products, 400u);
}

// Buckling's form, the most negative nu of an indefinite B, against the dense solution.
TEST(PreconditionedEigen, MostNegativeOfAnIndefinitePencilMatchesTheDenseSolution)
{
  const unsigned  n = 240;
  Eigen::MatrixXd B = Eigen::MatrixXd::Zero(n, n);
  for (unsigned i = 0; i < n; ++i)
    B(i, i) = std::sin(0.37 * i) - 0.2 * std::cos(0.11 * i); // both signs
  for (unsigned i = 1; i < n; ++i)
    B(i, i - 1) = B(i - 1, i) = 0.1;
  Problem          p(second_difference(n), B);
  const EigenPairs e =
    lightbody::extreme_eigenpairs(p.factored(), p.pencil(), 3, EigenEnd::smallest, 1e-8);
  ASSERT_TRUE(e.converged);
  ASSERT_EQ(e.values.size(), 3u);
  const Eigen::GeneralizedSelfAdjointEigenSolver<Eigen::MatrixXd> dense(B, p.A);
  for (int k = 0; k < 3; ++k)
    EXPECT_NEAR(e.values[k], dense.eigenvalues()[k], 1e-10 * std::abs(dense.eigenvalues()[0]))
      << "k = " << k;
  p.check_pairs(e);
}

// A repeated eigenvalue (two equal chains side by side: every eigenvalue twice, as the mode
// pairs of a cylinder) is found as often as it repeats, its vectors A-orthogonal.
TEST(PreconditionedEigen, RepeatedEigenvaluesAreFoundAsOftenAsTheyRepeat)
{
  const unsigned  half = 120, n = 2 * half;
  Eigen::MatrixXd A               = Eigen::MatrixXd::Zero(n, n);
  A.topLeftCorner(half, half)     = second_difference(half);
  A.bottomRightCorner(half, half) = second_difference(half);
  Problem          p(A, Eigen::MatrixXd::Identity(n, n));
  const EigenPairs e =
    lightbody::extreme_eigenpairs(p.factored(), p.pencil(), 4, EigenEnd::largest, 1e-9);
  ASSERT_TRUE(e.converged);
  ASSERT_EQ(e.values.size(), 4u);
  for (unsigned k = 0; k < 4; ++k)
    {
      const double lambda = 2 - 2 * std::cos((k / 2 + 1) * M_PI / (half + 1));
      EXPECT_NEAR(e.values[k] * lambda, 1.0, 1e-10) << "k = " << k;
    }
  for (unsigned i = 0; i < 4; ++i)
    for (unsigned j = 0; j < i; ++j)
      {
        const Eigen::Map<const Eigen::VectorXd> x(e.vectors[i].data(), n),
          y(e.vectors[j].data(), n);
        EXPECT_NEAR(x.dot(A * y), 0.0, 1e-8) << i << ", " << j;
      }
  p.check_pairs(e);
}

// The solutions do not depend on how good T is, only the iterations do: a T further from
// A^-1 (0.2 <= eig(T A) <= 1.8) gives the same eigenvalues in more applications.
TEST(PreconditionedEigen, AWorsePreconditionerGivesTheSameValuesInMoreIterations)
{
  const unsigned   n = 200;
  Problem          good(second_difference(n), Eigen::MatrixXd::Identity(n, n), 0.2);
  Problem          poor(second_difference(n), Eigen::MatrixXd::Identity(n, n), 0.8);
  const EigenPairs a =
    lightbody::extreme_eigenpairs(good.factored(), good.pencil(), 2, EigenEnd::largest, 1e-9);
  const EigenPairs b =
    lightbody::extreme_eigenpairs(poor.factored(), poor.pencil(), 2, EigenEnd::largest, 1e-9);
  ASSERT_TRUE(a.converged && b.converged);
  for (int k = 0; k < 2; ++k)
    EXPECT_NEAR(a.values[k], b.values[k], 1e-10 * a.values[0]);
  EXPECT_GT(b.products, a.products);
}

// Known eigenvectors deflated (a free body's rigid-body modes): a free chain, K the path graph's
// Laplacian (tridiag(-1, 2, -1) with 1 at both ends), whose eigenvalues are 2 - 2 cos(k pi / n),
// k = 0..n-1, k = 0 the constant vector (the rigid translation); A = K + s I with s small against
// the lowest elastic one (1e-6 here, 1.1e-4 for k = 1), B = I: nu = 1 / (lambda_k + s). The
// constant vector given as known, its pair comes from Rayleigh-Ritz on its span, the others
// from LOBPCG kept orthogonal to it; with fewer pairs asked than known, the known ones alone.
TEST(PreconditionedEigen, KnownVectorsAreDeflated)
{
  const unsigned  n = 300;
  const double    s = 1e-6;
  Eigen::MatrixXd K = second_difference(n);
  K(0, 0) = K(n - 1, n - 1) = 1;
  Problem p(K + s * Eigen::MatrixXd::Identity(n, n), Eigen::MatrixXd::Identity(n, n));
  std::vector<dealii::Vector<double>> known(1, dealii::Vector<double>(n));
  known[0] = 2.0; // any multiple
  const EigenPairs e =
    lightbody::preconditioned_eigenpairs(p.factored(), p.pencil(), 4, known, 1e-9);
  ASSERT_TRUE(e.converged);
  ASSERT_EQ(e.values.size(), 4u);
  for (unsigned k = 0; k < 4; ++k)
    {
      const double lambda = 2 - 2 * std::cos(k * M_PI / n);
      EXPECT_NEAR(e.values[k] * (lambda + s), 1.0, 1e-9) << "k = " << k;
    }
  p.check_pairs(e);
  for (unsigned k = 1; k < 4; ++k)
    EXPECT_NEAR(Eigen::Map<const Eigen::VectorXd>(e.vectors[k].data(), n).sum(), 0.0, 1e-8)
      << "k = " << k;
  const EigenPairs one =
    lightbody::preconditioned_eigenpairs(p.factored(), p.pencil(), 1, known, 1e-9);
  ASSERT_TRUE(one.converged);
  ASSERT_EQ(one.values.size(), 1u);
  EXPECT_NEAR(one.values[0] * s, 1.0, 1e-9);
  EXPECT_EQ(one.iterations, 0u);
}
