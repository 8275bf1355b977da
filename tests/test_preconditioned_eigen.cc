// LOBPCG on B x = nu A x with an approximate inverse of A (solver/preconditioned_eigen.cc, the
// eigen analyses of the iterative solver) against closed forms and dense solutions: the
// second-difference matrix tridiag(-1, 2, -1) of order n has the eigenvalues
// 2 - 2 cos(k pi / (n + 1)), k = 1..n (G. Strang, Linear Algebra and its Applications, 4th ed.,
// 2006). The preconditioner is spectrally equivalent to A^-1 but not equal to it:
// T = L^-T (I + 0.4 E) L^-1 with A = L L^T and E symmetric of norm 1 (random), so that
// 0.6 <= eig(T A) <= 1.4, as a multigrid cycle is to an elastic body's stiffness. The blocks
// held by rows over two processes (as under mpirun) are played by two threads.
#include "solver/eigen_solver.h"

#include <Eigen/Dense>

#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
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
namespace
{
  // The free chain above, its constant vector known.
  struct FreeChain
  {
    static constexpr unsigned           n = 300;
    static constexpr double             s = 1e-6;
    Problem                             p;
    std::vector<dealii::Vector<double>> known;

    FreeChain() : p(matrix(), Eigen::MatrixXd::Identity(n, n)), known(1, dealii::Vector<double>(n))
    {
      known[0] = 2.0; // any multiple
    }
    static Eigen::MatrixXd matrix()
    {
      Eigen::MatrixXd K = second_difference(n);
      K(0, 0) = K(n - 1, n - 1) = 1;
      return K + s * Eigen::MatrixXd::Identity(n, n);
    }
    // Four pairs: the closed form's, the elastic modes orthogonal to the constant vector.
    void check(const EigenPairs &e) const
    {
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
    }
  };
} // namespace

TEST(PreconditionedEigen, KnownVectorsAreDeflated)
{
  FreeChain    chain;
  Problem     &p     = chain.p;
  const auto  &known = chain.known;
  const double s     = FreeChain::s;
  chain.check(lightbody::preconditioned_eigenpairs(p.factored(), p.pencil(), 4, known, 1e-9));
  const EigenPairs one =
    lightbody::preconditioned_eigenpairs(p.factored(), p.pencil(), 1, known, 1e-9);
  ASSERT_TRUE(one.converged);
  ASSERT_EQ(one.values.size(), 1u);
  EXPECT_NEAR(one.values[0] * s, 1.0, 1e-9);
  EXPECT_EQ(one.iterations, 0u);
}

namespace
{
  // Two processes of an MPI launch played by two threads: their collective calls meet at a
  // barrier and exchange through shared buffers, as LOBPCG's blocks held by rows (RowOperators)
  // are under mpirun with the iterative solver.
  class TwoProcesses
  {
  public:
    // The rows of the solver's numbering, `row_dof` (-1: a placeholder), split at `split`.
    TwoProcesses(const Problem &p, std::vector<long> row_dof, std::size_t split)
      : p_(p), order_(std::move(row_dof)), split_(split), x_(static_cast<Eigen::Index>(p.A.rows())),
        whole_(static_cast<Eigen::Index>(p.A.rows()))
    {
    }

    lightbody::RowOperators operators(int process)
    {
      lightbody::RowOperators ops;
      const std::size_t       first = process == 0 ? 0 : split_;
      const std::size_t       last  = process == 0 ? split_ : order_.size();
      ops.dofs                      = static_cast<std::size_t>(p_.A.rows());
      ops.local                     = last - first;
      ops.leads                     = process == 0;
      ops.row_dof.assign(order_.begin() + static_cast<long>(first),
                         order_.begin() + static_cast<long>(last));
      const auto product = [this, first, last](const Eigen::MatrixXd &M, bool zero_placeholders) {
        return [this, first, last, &M, zero_placeholders](const double *in, double *out) {
          // (x whole in DoF numbering from both processes' rows, M x, this process's rows)
          for (std::size_t r = first; r < last; ++r)
            if (order_[r] >= 0)
              x_[order_[r]] = in[r - first];
          meet();
          const Eigen::VectorXd y = M * x_;
          meet();
          for (std::size_t r = first; r < last; ++r)
            out[r - first] =
              order_[r] < 0 ? (zero_placeholders ? 0.0 : in[r - first]) : y[order_[r]];
        };
      };
      ops.multiply     = product(p_.A, false); // (a placeholder's row: its diagonal, 1)
      ops.precondition = product(p_.T, true);
      ops.pencil       = product(p_.B, true);
      ops.sum          = [this, process](double *data, std::size_t count) {
        (process == 0 ? sum0_ : sum1_).assign(data, data + count);
        meet();
        for (std::size_t i = 0; i < count; ++i)
          data[i] = sum0_[i] + sum1_[i];
        meet();
      };
      ops.broadcast = [this, process](double *data, std::size_t count) {
        if (process == 0)
          sum0_.assign(data, data + count);
        meet();
        std::copy(sum0_.begin(), sum0_.begin() + static_cast<long>(count), data);
        meet();
      };
      ops.scatter = [this, process, first, last](const double *whole, double *mine) {
        if (process == 0)
          whole_ = Eigen::Map<const Eigen::VectorXd>(whole, whole_.size());
        meet();
        for (std::size_t r = first; r < last; ++r)
          mine[r - first] = order_[r] < 0 ? 0.0 : whole_[order_[r]];
        meet();
      };
      ops.gather = [this, process, first, last](const double *mine, double *whole) {
        for (std::size_t r = first; r < last; ++r)
          if (order_[r] >= 0)
            whole_[order_[r]] = mine[r - first];
        meet();
        if (process == 0)
          std::copy(whole_.data(), whole_.data() + whole_.size(), whole);
        meet();
      };
      return ops;
    }

  private:
    // Both threads here before either goes on.
    void meet()
    {
      std::unique_lock<std::mutex> lock(mutex_);
      const unsigned               generation = generation_;
      if (++waiting_ == 2)
        {
          waiting_ = 0;
          ++generation_;
          met_.notify_all();
          return;
        }
      met_.wait(lock, [&] { return generation_ != generation; });
    }

    const Problem          &p_;
    std::vector<long>       order_;
    std::size_t             split_;
    Eigen::VectorXd         x_, whole_;
    std::vector<double>     sum0_, sum1_;
    std::mutex              mutex_;
    std::condition_variable met_;
    unsigned                waiting_ = 0, generation_ = 0;
  };

  // The solver's numbering of n DoFs: reversed, with a placeholder after the first and before
  // the last row, split unevenly.
  std::vector<long> reversed_with_placeholders(unsigned n)
  {
    std::vector<long> order;
    for (long d = static_cast<long>(n) - 1; d >= 0; --d)
      {
        order.push_back(d);
        if (d == static_cast<long>(n) - 1 || d == 1)
          order.push_back(-1);
      }
    return order;
  }
} // namespace

// Under mpirun each process holds its rows of LOBPCG's blocks, the Gram matrices and inner
// products summed over the processes, the vectors gathered at the end: the pairs are those of
// the whole blocks (to round-off: the sums are added in another order), the closed form's.
TEST(PreconditionedEigen, BlocksHeldByRowsOverTwoProcessesGiveTheWholeBlocksPairs)
{
  const unsigned   n = 300;
  Problem          p(second_difference(n), Eigen::MatrixXd::Identity(n, n));
  const EigenPairs whole =
    lightbody::extreme_eigenpairs(p.factored(), p.pencil(), 4, EigenEnd::largest, 1e-9);
  ASSERT_TRUE(whole.converged);
  TwoProcesses   two(p, reversed_with_placeholders(n), 110);
  FactoredMatrix A      = p.factored();
  bool           spread = false;
  A.spread              = [&](const PencilMatrix &) {
    spread = true;
    return two.operators(0);
  };
  PencilMatrix B = p.pencil();
  B.shared       = 1;
  std::thread      other([&] { lightbody::serve_preconditioned_eigenpairs(two.operators(1)); });
  const EigenPairs e = lightbody::extreme_eigenpairs(A, B, 4, EigenEnd::largest, 1e-9);
  other.join();
  EXPECT_TRUE(spread);
  ASSERT_TRUE(e.converged);
  ASSERT_EQ(e.values.size(), 4u);
  for (unsigned k = 1; k <= 4; ++k)
    {
      const double lambda = 2 - 2 * std::cos(k * M_PI / (n + 1));
      EXPECT_NEAR(e.values[k - 1] * lambda, 1.0, 1e-10) << "k = " << k;
      EXPECT_NEAR(e.values[k - 1], whole.values[k - 1], 1e-11 * whole.values[0]);
    }
  p.check_pairs(e);
  // (the same start by DoF: the same steps)
  EXPECT_NEAR(e.iterations, whole.iterations, 1);
}

// The same with known vectors deflated (a free body's vibration under mpirun), scattered to the
// processes' rows from rank 0's.
TEST(PreconditionedEigen, KnownVectorsDeflatedWithTheBlocksHeldByRows)
{
  FreeChain      chain;
  TwoProcesses   two(chain.p, reversed_with_placeholders(FreeChain::n), 200);
  FactoredMatrix A = chain.p.factored();
  A.spread         = [&](const PencilMatrix &) { return two.operators(0); };
  PencilMatrix B   = chain.p.pencil();
  B.shared         = 1;
  std::thread      other([&] { lightbody::serve_preconditioned_eigenpairs(two.operators(1)); });
  const EigenPairs e = lightbody::preconditioned_eigenpairs(A, B, 4, chain.known, 1e-9);
  other.join();
  chain.check(e);
}
