#include "solver/eigen_solver.h"

#include "input/errors.h"
#include "solver/huge_pages.h"

#include <Spectra/SymEigsSolver.h>
#include <Spectra/SymGEigsSolver.h>

#include <Eigen/Dense>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <stdexcept>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace lightbody
{
  namespace
  {
    // LIGHTBODY_EIGEN=spectra: Spectra's implicitly restarted Lanczos on a CHOLMOD factor too,
    // for bench/buckling_benchmark.py to compare.
    bool spectra_requested()
    {
      const char *text = std::getenv("LIGHTBODY_EIGEN");
      return text && std::string(text) == "spectra";
    }

    // y = L^-1 P B P^T L^-T x, the operator Spectra iterates with.
    class FactoredPencil
    {
    public:
      using Scalar = double;

      FactoredPencil(const SparseCholesky &A, const PencilMatrix &B) : A_(A), B_(B), t_(A.size()) {}
      Eigen::Index rows() const { return static_cast<Eigen::Index>(A_.size()); }
      Eigen::Index cols() const { return rows(); }

      void perform_op(const double *x, double *y) const
      {
        std::copy(x, x + A_.size(), t_.begin());
        A_.solve_upper(t_.data());
        B_.vmult(t_.data(), y, A_.size());
        A_.solve_lower(y);
      }

    private:
      const SparseCholesky          &A_;
      const PencilMatrix            &B_;
      mutable dealii::Vector<double> t_;
    };

    // y = B x: Spectra's operator of the regular-inverse mode.
    class Product
    {
    public:
      using Scalar = double;

      Product(const PencilMatrix &B, std::size_t n) : B_(B), n_(n) {}
      Eigen::Index rows() const { return static_cast<Eigen::Index>(n_); }
      Eigen::Index cols() const { return rows(); }

      void perform_op(const double *x, double *y) const { B_.vmult(x, y, n_); }

    private:
      const PencilMatrix &B_;
      std::size_t         n_;
    };

    // A of the regular-inverse mode: its products and its solves (the factor's full solve).
    // Spectra's Lanczos step takes the A-norm of the residual and then its A-products with the
    // basis, each a product with A of the same vector: the last product is remembered (a
    // comparison of two vectors against a product with the whole matrix).
    class SolvedMatrix
    {
    public:
      using Scalar = double;

      SolvedMatrix(const FactoredMatrix &A)
        : multiply_(A.multiply), solve_(A.solve), last_x_(A.size()), last_y_(A.size())
      {
      }
      Eigen::Index rows() const { return static_cast<Eigen::Index>(last_x_.size()); }
      Eigen::Index cols() const { return rows(); }

      void perform_op(const double *x, double *y) const
      {
        const std::size_t n = last_x_.size();
        if (!known_ || !std::equal(x, x + n, last_x_.begin()))
          {
            std::copy(x, x + n, last_x_.begin());
            multiply_(x, last_y_.data());
            known_ = true;
          }
        std::copy(last_y_.begin(), last_y_.end(), y);
      }

      void solve(const double *x, double *y) const
      {
        std::copy(x, x + rows(), y);
        solve_(y);
      }

    private:
      const std::function<void(const double *, double *)> &multiply_;
      const std::function<void(double *)>                 &solve_;
      mutable std::vector<double>                          last_x_, last_y_;
      mutable bool                                         known_ = false;
    };

    // The operator of the Lanczos process: w = C f (and, in the A inner product, A w), the
    // products with A (null: the Euclidean inner product) and the map from the process's
    // vectors to the eigenvectors (null: none).
    struct LanczosOperator
    {
      std::function<void(const double *f, double *w, double *aw)> apply;
      std::function<void(const double *x, double *ax)>            a_multiply;
      std::function<void(double *)>                               back;
    };

    // Lanczos on C = L^-1 P B P^T L^-T (symmetric), its basis kept orthonormal in full (classical
    // Gram-Schmidt, twice), checked after every product: it stops as soon as the wanted Ritz pairs
    // have converged, where Spectra's implicitly restarted Lanczos checks only after a whole
    // subspace (the default tank's buckling, 3 modes: 29 products against 41). Thick restart
    // (Wu & Simon, SIAM J. Matrix Anal. Appl. 22 (2000) 602-616; Stewart's Krylov-Schur form):
    // C V = V H + beta f e^T after each step, with f the next basis vector; a Ritz pair
    // (theta, V s) has the residual beta |s_last| (Parlett, The Symmetric Eigenvalue Problem,
    // 1998, ch. 13) and has converged when that is at most tolerance times |theta|. When the
    // basis is full, the most wanted half is kept as Ritz vectors (H diagonal) and the process
    // goes on from f.
    EigenPairs thick_restart_lanczos(const LanczosOperator &C, Eigen::Index n, Eigen::Index nev,
                                     Eigen::Index ncv, EigenEnd end, double tolerance)
    {
      ncv = std::min(n, std::max(ncv, nev + 2));
      // Columns 0..m-1 the basis, column m the next vector f; in the A inner product also
      // Y = A V, kept by the same combinations as V (no products with A but the start's).
      const bool      a_inner = static_cast<bool>(C.a_multiply);
      Eigen::MatrixXd V(n, ncv + 1), Y(a_inner ? n : 0, a_inner ? ncv + 1 : 0);
      advise_huge_pages(V.data(), sizeof(double) * static_cast<std::size_t>(V.size()));
      if (a_inner)
        advise_huge_pages(Y.data(), sizeof(double) * static_cast<std::size_t>(Y.size()));
      // x -= V g, (A x -= Y g), with g = V^T (A x): orthogonalised against the first m columns
      // twice (classical Gram-Schmidt); returns the sum of the g.
      const auto orthogonalise = [&](Eigen::VectorXd &x, Eigen::VectorXd &ax, Eigen::Index m) {
        Eigen::VectorXd h = Eigen::VectorXd::Zero(m);
        for (int pass = 0; pass < 2; ++pass)
          {
            const Eigen::VectorXd g = V.leftCols(m).transpose() * (a_inner ? ax : x);
            x -= V.leftCols(m) * g;
            if (a_inner)
              ax -= Y.leftCols(m) * g;
            h += g;
          }
        return h;
      };
      // The norm of x (in the A inner product: sqrt(x^T A x)).
      const auto norm = [&](const Eigen::VectorXd &x, const Eigen::VectorXd &ax) {
        return a_inner ? std::sqrt(std::max(0.0, x.dot(ax))) : x.norm();
      };
      Eigen::MatrixXd                        H = Eigen::MatrixXd::Zero(ncv, ncv);
      std::mt19937_64                        random(20261203);
      std::uniform_real_distribution<double> uniform(-1, 1);
      const auto                             random_vector = [&](Eigen::Index m) {
        // A pseudo-random unit vector orthogonal to the first m columns (none: the space is full).
        for (int attempt = 0; attempt < 5; ++attempt)
          {
            Eigen::VectorXd x(n), ax(a_inner ? n : 0);
            for (Eigen::Index i = 0; i < n; ++i)
              x[i] = uniform(random);
            if (a_inner)
              C.a_multiply(x.data(), ax.data());
            const double before = norm(x, ax);
            orthogonalise(x, ax, m);
            const double size = norm(x, ax);
            if (size > 1e-8 * before)
              {
                V.col(m) = x / size;
                if (a_inner)
                  Y.col(m) = ax / size;
                return true;
              }
          }
        return false;
      };
      random_vector(0);
      Eigen::VectorXd w(n), aw(a_inner ? n : 0);

      EigenPairs                out;
      Eigen::Index              m    = 0;
      double                    beta = 0; // C V = V H + beta f e_m^T: the residual's size
      Eigen::VectorXd           theta;
      Eigen::MatrixXd           S;
      std::vector<Eigen::Index> order; // Ritz pairs, most wanted first
      const unsigned max_products = static_cast<unsigned>(std::max<Eigen::Index>(200 * ncv, 2000));
      // Not stopped before the basis has this many vectors: an eigenvector with a small share of
      // the start vector shows in the Ritz values only after some steps.
      const Eigen::Index least = std::min(n, std::max(2 * nev + 1, nev + 10));
      const auto         pair  = [&](Eigen::Index k) { return order[static_cast<std::size_t>(k)]; };
      // How many of the most wanted Ritz pairs lead converged: residual beta |s_last| at most
      // tolerance |theta|.
      const auto leading_converged = [&] {
        Eigen::Index k = 0;
        while (k < std::min(m, nev) &&
               std::abs(beta * S(m - 1, pair(k))) <= tolerance * std::abs(theta[pair(k)]))
          ++k;
        return k;
      };
      for (;;)
        {
          // w = C f, orthogonalised against the basis and f: H's new column, beta f' the rest.
          C.apply(V.col(m).data(), w.data(), a_inner ? aw.data() : nullptr);
          ++out.products;
          const Eigen::VectorXd h = orthogonalise(w, aw, m + 1);
          H.block(0, m, m + 1, 1) = h;
          H.block(m, 0, 1, m + 1) = h.transpose();
          ++m;
          const bool full = m == n;
          beta            = full ? 0 : norm(w, aw);
          if (!full)
            {
              if (beta > 1e-12 * H.topLeftCorner(m, m).cwiseAbs().maxCoeff())
                {
                  V.col(m) = w / beta;
                  if (a_inner)
                    Y.col(m) = aw / beta;
                }
              else
                {
                  // An invariant subspace: no residual; go on from a new direction.
                  beta = 0;
                  random_vector(m);
                }
            }

          Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ritz(H.topLeftCorner(m, m));
          theta = ritz.eigenvalues();
          S     = ritz.eigenvectors();
          order.resize(static_cast<std::size_t>(m));
          for (Eigen::Index k = 0; k < m; ++k)
            order[static_cast<std::size_t>(k)] = end == EigenEnd::smallest ? k : m - 1 - k;
          if ((m >= least && leading_converged() >= nev) || full)
            {
              out.converged = true;
              break;
            }
          if (out.products >= max_products)
            break;
          if (m == ncv)
            {
              // Thick restart: the most wanted half of the basis, as Ritz vectors; f stays.
              const Eigen::Index keep = std::max(nev + 1, std::min(m - 1, nev + (ncv - nev) / 2));
              Eigen::MatrixXd    Sk(m, keep);
              for (Eigen::Index k = 0; k < keep; ++k)
                Sk.col(k) = S.col(pair(k));
              // (Their residuals, along f, come back as H's new column at the next step,
              // computed: V^T C f.)
              const Eigen::VectorXd f = V.col(m);
              V.leftCols(keep)        = (V.leftCols(m) * Sk).eval();
              V.col(keep)             = f;
              if (a_inner)
                {
                  const Eigen::VectorXd af = Y.col(m);
                  Y.leftCols(keep)         = (Y.leftCols(m) * Sk).eval();
                  Y.col(keep)              = af;
                }
              H.setZero();
              for (Eigen::Index k = 0; k < keep; ++k)
                H(k, k) = theta[pair(k)];
              m = keep;
              ++out.iterations;
            }
        }
      // The leading wanted pairs that converged, most extreme first; phi = C.back(y).
      const Eigen::Index count = out.converged ? std::min(m, nev) : leading_converged();
      for (Eigen::Index k = 0; k < count; ++k)
        {
          out.values.push_back(theta[pair(k)]);
          dealii::Vector<double> phi(static_cast<std::size_t>(n));
          const Eigen::VectorXd  y = V.leftCols(m) * S.col(pair(k));
          std::copy(y.data(), y.data() + n, phi.begin());
          if (C.back)
            C.back(phi.data());
          out.vectors.push_back(std::move(phi));
        }
      return out;
    }

    // Runs the Lanczos process and collects what converged; `back` maps the solver's vectors
    // to the DoFs (in place).
    template <class Solver>
    EigenPairs extreme_pairs_of(Solver &eigs, Spectra::SortRule rule, double tolerance,
                                std::size_t n, const std::function<void(double *)> &back)
    {
      EigenPairs out;
      try
        {
          eigs.init();
          eigs.compute(rule, /*maxit*/ 200, tolerance, rule);
        }
      catch (const ModelError &)
        {
          throw;
        }
      catch (const std::exception &e)
        {
          throw ModelError(std::string("the eigen solver failed: ") + e.what());
        }
      out.iterations                = static_cast<unsigned>(eigs.num_iterations());
      out.products                  = static_cast<unsigned>(eigs.num_operations());
      out.converged                 = eigs.info() == Spectra::CompInfo::Successful;
      const Eigen::VectorXd values  = eigs.eigenvalues();
      const Eigen::MatrixXd vectors = eigs.eigenvectors();
      for (Eigen::Index k = 0; k < values.size(); ++k)
        {
          out.values.push_back(values[k]);
          dealii::Vector<double> phi(n);
          for (std::size_t i = 0; i < n; ++i)
            phi[i] = vectors(static_cast<Eigen::Index>(i), k);
          if (back)
            back(phi.data());
          out.vectors.push_back(std::move(phi));
        }
      return out;
    }
  } // namespace

  namespace
  {
    // nev and ncv of the Lanczos process for `count` pairs of a pencil of size n.
    std::pair<Eigen::Index, Eigen::Index> subspace_of(Eigen::Index n, unsigned count,
                                                      unsigned subspace)
    {
      const auto nev = std::min<Eigen::Index>(count, n - 1);
      const auto ncv = std::min<Eigen::Index>(
        n, std::max<Eigen::Index>({2 * nev + 1, nev + 20, static_cast<Eigen::Index>(subspace)}));
      return {nev, ncv};
    }

    // C = L^-1 P B P^T L^-T (symmetric): two triangular solves, solve(upper, x), and a product
    // with B per step; t: a vector of the pencil's size to work in.
    LanczosOperator symmetric_form(const std::function<void(bool, double *)> &solve,
                                   const PencilMatrix &B, dealii::Vector<double> &t)
    {
      LanczosOperator C;
      C.apply = [&solve, &B, &t](const double *f, double *w, double *) {
        std::copy(f, f + t.size(), t.begin());
        solve(true, t.data());
        B.vmult(t.data(), w, t.size());
        solve(false, w);
      };
      C.back = [&solve](double *x) { solve(true, x); };
      return C;
    }

    // The triangular solves of several threads, each asking for one at a time: when every
    // member has asked (or left), the last to ask makes them all, those of each kind as one solve
    // of several columns, and the others wake with their vectors solved.
    class SolveGroup
    {
    public:
      SolveGroup(const SparseCholesky &L, unsigned members) : L_(L), members_(members) {}

      // x := L^-1 P x (lower) or x := P^T L^-T x (upper).
      void solve(bool upper, double *x)
      {
        std::unique_lock<std::mutex> lock(mutex_);
        Request                      r{upper, x, false, nullptr};
        pending_.push_back(&r);
        if (pending_.size() == members_)
          run(lock);
        else
          woken_.wait(lock, [&] { return r.done; });
        if (r.error)
          std::rethrow_exception(r.error);
      }

      // A member that asks for no more solves (done, or failed).
      void leave()
      {
        std::unique_lock<std::mutex> lock(mutex_);
        --members_;
        if (members_ > 0 && pending_.size() == members_)
          run(lock);
      }

    private:
      struct Request
      {
        bool               upper;
        double            *x;
        bool               done = false;
        std::exception_ptr error;
      };

      void run(std::unique_lock<std::mutex> &)
      {
        const std::size_t n = L_.size();
        for (const bool upper : {false, true})
          {
            std::vector<Request *> those;
            for (Request *r : pending_)
              if (r->upper == upper)
                those.push_back(r);
            if (those.empty())
              continue;
            try
              {
                if (those.size() == 1)
                  upper ? L_.solve_upper(those[0]->x) : L_.solve_lower(those[0]->x);
                else
                  {
                    columns_.resize(n * those.size());
                    for (std::size_t k = 0; k < those.size(); ++k)
                      std::copy(those[k]->x, those[k]->x + n, columns_.begin() + k * n);
                    upper ? L_.solve_upper(columns_.data(), those.size())
                          : L_.solve_lower(columns_.data(), those.size());
                    for (std::size_t k = 0; k < those.size(); ++k)
                      std::copy(columns_.begin() + k * n, columns_.begin() + (k + 1) * n,
                                those[k]->x);
                  }
              }
            catch (...)
              {
                for (Request *r : those)
                  r->error = std::current_exception();
              }
          }
        for (Request *r : pending_)
          r->done = true;
        pending_.clear();
        woken_.notify_all();
      }

      const SparseCholesky   &L_;
      std::size_t             members_;
      std::vector<Request *>  pending_;
      std::vector<double>     columns_;
      std::mutex              mutex_;
      std::condition_variable woken_;
    };
  } // namespace

  std::vector<EigenPairs> extreme_eigenpairs_together(const SparseCholesky            &A,
                                                      const std::vector<EigenRequest> &requests,
                                                      EigenEnd end, double tolerance,
                                                      unsigned subspace)
  {
    std::vector<EigenPairs> out(requests.size());
    if (requests.size() == 1 || spectra_requested())
      {
        FactoredMatrix f;
        f.cholesky = &A;
        for (std::size_t k = 0; k < requests.size(); ++k)
          out[k] =
            extreme_eigenpairs(f, *requests[k].B, requests[k].count, end, tolerance, subspace);
        return out;
      }
    const auto                      n = static_cast<Eigen::Index>(A.size());
    SolveGroup                      group(A, static_cast<unsigned>(requests.size()));
    std::vector<std::exception_ptr> errors(requests.size());
    std::vector<std::thread>        threads;
    const auto                      member = [&](std::size_t k) {
      try
        {
          const auto [nev, ncv] = subspace_of(n, requests[k].count, subspace);
          dealii::Vector<double>                    t(A.size());
          const std::function<void(bool, double *)> solve = [&](bool upper, double *x) {
            group.solve(upper, x);
          };
          out[k] = thick_restart_lanczos(symmetric_form(solve, *requests[k].B, t), n, nev, ncv, end,
                                                              tolerance);
        }
      catch (...)
        {
          errors[k] = std::current_exception();
        }
      group.leave();
    };
    for (std::size_t k = 0; k < requests.size(); ++k)
      try
        {
          threads.emplace_back(member, k);
        }
      catch (...)
        {
          // (no thread for this one and those after it: the others must not wait for them)
          errors[k] = std::current_exception();
          for (std::size_t m = k; m < requests.size(); ++m)
            group.leave();
          break;
        }
    for (auto &t : threads)
      t.join();
    for (const auto &e : errors)
      if (e)
        std::rethrow_exception(e);
    return out;
  }

  void PencilMatrix::vmult(const double *x, double *y, std::size_t n) const
  {
    if (!matrix)
      return multiply(x, y);
    dealii::Vector<double> in(x, x + n), out(n);
    matrix->vmult(out, in);
    std::copy(out.begin(), out.end(), y);
  }

  EigenPairs extreme_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B, unsigned count,
                                EigenEnd end, double tolerance, unsigned subspace)
  {
    const auto n          = static_cast<Eigen::Index>(A.size());
    const auto [nev, ncv] = subspace_of(n, count, subspace);
    const auto rule =
      end == EigenEnd::smallest ? Spectra::SortRule::SmallestAlge : Spectra::SortRule::LargestAlge;
    if (A.cholesky && !spectra_requested())
      {
        const SparseCholesky                     &L = *A.cholesky;
        dealii::Vector<double>                    t(A.size());
        const std::function<void(bool, double *)> solve = [&L](bool upper, double *x) {
          upper ? L.solve_upper(x) : L.solve_lower(x);
        };
        return thick_restart_lanczos(symmetric_form(solve, B, t), n, nev, ncv, end, tolerance);
      }
    if (!spectra_requested())
      {
        // A^-1 B, self-adjoint in the A inner product: a product with B and a full solve per
        // step, A w = B f known without a product with A (Spectra's regular-inverse mode takes
        // several).
        LanczosOperator C;
        C.apply = [&](const double *f, double *w, double *aw) {
          B.vmult(f, aw, A.size());
          std::copy(aw, aw + A.size(), w);
          A.solve(w);
        };
        C.a_multiply = A.multiply;
        return thick_restart_lanczos(C, n, nev, ncv, end, tolerance);
      }
    if (A.cholesky)
      {
        // The vectors of C are L^T P phi.
        FactoredPencil                         op(*A.cholesky, B);
        Spectra::SymEigsSolver<FactoredPencil> eigs(op, nev, ncv);
        return extreme_pairs_of(eigs, rule, tolerance, A.size(),
                                [&](double *x) { A.cholesky->solve_upper(x); });
      }
    // A^-1 B phi = nu phi with phi^T A phi = 1, as above.
    Product      op(B, A.size());
    SolvedMatrix a(A);
    Spectra::SymGEigsSolver<Product, SolvedMatrix, Spectra::GEigsMode::RegularInverse> eigs(
      op, a, nev, ncv);
    return extreme_pairs_of(eigs, rule, tolerance, A.size(), {});
  }
} // namespace lightbody
