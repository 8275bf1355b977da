#include "solver/eigen_solver.h"

#include "input/errors.h"
#include "solver/supernodal_solve.h"

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
    // Whether LIGHTBODY_EIGEN names `method` (read for the benchmarks only): `spectra`,
    // Spectra's implicitly restarted Lanczos on a CHOLMOD factor too (bench/buckling_benchmark.py);
    // `lanczos`, the Lanczos process where the iterative solver's preconditioner would give
    // LOBPCG (bench/iterative_eigen_benchmark.py's peer).
    bool eigen_method_requested(const char *method)
    {
      const char *text = std::getenv("LIGHTBODY_EIGEN");
      return text && std::string(text) == method;
    }
    bool spectra_requested() { return eigen_method_requested("spectra"); }
    bool lanczos_requested() { return eigen_method_requested("lanczos"); }

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

    // The operator of the Lanczos process: W = C F for a block of vectors (n x columns, one
    // column after the other; in the A inner product also AW = A W), the products with A (null:
    // the Euclidean inner product), the map from the process's vectors to the eigenvectors
    // (null: none) and where its basis is kept (null: whole in this process).
    struct LanczosOperator
    {
      // W = C F (and A W), W in F's place (F read before W is written).
      std::function<void(const double *F, double *W, double *AW, Eigen::Index columns)> apply;
      std::function<void(const double *x, double *ax)>                                  a_multiply;
      std::function<void(double *)>                                                     back;
      std::function<std::unique_ptr<LanczosBasis>(long columns)>                        basis;
    };

    // Block Lanczos on C = L^-1 P B P^T L^-T (symmetric), b vectors a step, its basis kept
    // orthonormal in full (classical Gram-Schmidt, twice), checked after every step: it stops as
    // soon as the wanted Ritz pairs have converged, where Spectra's implicitly restarted Lanczos
    // checks only after a whole subspace (the default tank's buckling, 3 modes: 29 products
    // against 41). Thick restart (Wu & Simon, SIAM J. Matrix Anal. Appl. 22 (2000) 602-616;
    // Stewart's Krylov-Schur form) of the block process (Golub & Underwood 1977; Grimes, Lewis &
    // Simon, SIAM J. Matrix Anal. Appl. 15 (1994) 228-272): C V = V H + F R E^T after each step,
    // F the next block of the basis and R (b x b, upper triangular) the last block's part along
    // it; a Ritz pair (theta, V s) has the residual |R s_last| (s_last: the last b entries of s;
    // Parlett, The Symmetric Eigenvalue Problem, 1998, ch. 13) and has converged when that is at
    // most tolerance times |theta|. When the basis is full, the most wanted half is kept as Ritz
    // vectors (H diagonal) and the process goes on from F. A block of several vectors costs one
    // pass over the factor for all of them (solver/eigen_solver.h): fewer, dearer steps, and a
    // cluster of eigenvalues (a near double buckling load) is found in one block.
    EigenPairs thick_restart_lanczos(const LanczosOperator &C, Eigen::Index n, Eigen::Index nev,
                                     Eigen::Index ncv, EigenEnd end, double tolerance,
                                     Eigen::Index b = 1, const EigenProgress &progress = {})
    {
      b   = std::max<Eigen::Index>(1, b);
      ncv = std::min(n, std::max(ncv, nev + 1 + b));
      if (n < ncv + 2 * b)
        {
          // A small pencil: one vector a step (its basis may fill the whole space).
          b   = 1;
          ncv = std::min(n, std::max(ncv, nev + 2));
        }
      // Columns 0..m-1 the basis, columns m..m+b-1 the next block F (also kept whole here:
      // the next step's vectors); in the A inner product also Y = A V: a product with A for each
      // new vector, kept by the same combinations as V at a restart.
      const bool      a_inner = static_cast<bool>(C.a_multiply);
      const long      columns = static_cast<long>(ncv + b);
      const auto      basis   = C.basis ? C.basis(columns) : whole_basis(n, columns, a_inner);
      Eigen::MatrixXd F(n, b), AF(a_inner ? n : 0, a_inner ? b : 0);
      // X -= V G, (A X -= Y G), with G = V^T (A X): orthogonalised against the first m columns
      // twice (classical Gram-Schmidt); returns the sum of the G.
      const auto orthogonalise = [&](Eigen::MatrixXd &X, Eigen::MatrixXd &AX, Eigen::Index m) {
        Eigen::MatrixXd h(m, X.cols());
        basis->orthogonalise(X.data(), a_inner ? AX.data() : nullptr, static_cast<long>(X.cols()),
                             static_cast<long>(m), h.data());
        return h;
      };
      // The norm of column j of X (in the A inner product: sqrt(x^T A x)).
      const auto norm = [&](const Eigen::MatrixXd &X, const Eigen::MatrixXd &AX, Eigen::Index j) {
        return a_inner ? std::sqrt(std::max(0.0, X.col(j).dot(AX.col(j)))) : X.col(j).norm();
      };
      Eigen::MatrixXd                        H = Eigen::MatrixXd::Zero(ncv, ncv);
      std::mt19937_64                        random(20261203);
      std::uniform_real_distribution<double> uniform(-1, 1);
      const auto                             random_vector = [&](Eigen::Index m, Eigen::Index j) {
        // Column m, the next block's column j: a pseudo-random unit vector orthogonal to the
        // first m columns (none: the space is full).
        for (int attempt = 0; attempt < 5; ++attempt)
          {
            Eigen::MatrixXd x(n, 1), ax(a_inner ? n : 0, a_inner ? 1 : 0);
            for (Eigen::Index i = 0; i < n; ++i)
              x(i, 0) = uniform(random);
            if (a_inner)
              C.a_multiply(x.data(), ax.data());
            const double before = norm(x, ax, 0);
            orthogonalise(x, ax, m);
            if (a_inner)
              {
                // (A x made again after the cancellation, which leaves the rounding of the
                // larger x before in the small x after; and once more after a second pass)
                C.a_multiply(x.data(), ax.data());
                orthogonalise(x, ax, m);
                C.a_multiply(x.data(), ax.data());
              }
            const double size = norm(x, ax, 0);
            if (size > 1e-8 * before)
              {
                F.col(j) = x.col(0) / size;
                if (a_inner)
                  AF.col(j) = ax.col(0) / size;
                basis->set_columns(static_cast<long>(m), 1, F.col(j).data(),
                                   a_inner ? AF.col(j).data() : nullptr);
                return true;
              }
          }
        return false;
      };
      for (Eigen::Index j = 0; j < b; ++j)
        random_vector(j, j);
      // W = C F is made in F's place, and becomes the next F there (F is in the basis, and a
      // new column j of F is made from W's column j after those before it): a step holds one
      // block of whole vectors (and its products with A), not two.
      Eigen::MatrixXd &W = F, &AW = AF;

      EigenPairs                out;
      Eigen::Index              m = 0;
      Eigen::MatrixXd           R = Eigen::MatrixXd::Zero(b, b); // C V = V H + F R E^T
      Eigen::VectorXd           theta;
      Eigen::MatrixXd           S;
      std::vector<Eigen::Index> order; // Ritz pairs, most wanted first
      const unsigned max_products = static_cast<unsigned>(std::max<Eigen::Index>(200 * ncv, 2000));
      // Not stopped before the basis has this many vectors: an eigenvector with a small share of
      // the start vectors shows in the Ritz values only after some steps.
      const Eigen::Index least = std::min(n, std::max(2 * nev + 1, nev + 10));
      const auto         pair  = [&](Eigen::Index k) { return order[static_cast<std::size_t>(k)]; };
      // The residual of Ritz pair k: |R s_last|.
      const auto residual = [&](Eigen::Index k) { return (R * S.block(m - b, k, b, 1)).norm(); };
      // How many of the most wanted Ritz pairs lead converged: residual at most tolerance |theta|.
      const auto leading_converged = [&] {
        Eigen::Index k = 0;
        while (k < std::min(m, nev) && residual(pair(k)) <= tolerance * std::abs(theta[pair(k)]))
          ++k;
        return k;
      };
      for (;;)
        {
          // W = C F, orthogonalised against the basis and F: H's new columns; the rest is the
          // next block (QR, column by column).
          C.apply(F.data(), W.data(), a_inner ? AW.data() : nullptr, b);
          out.products += static_cast<unsigned>(b);
          ++out.steps;
          const Eigen::MatrixXd h = orthogonalise(W, AW, m + b);
          H.block(0, m, m + b, b) = h;
          H.block(m, 0, b, m + b) = h.transpose();
          H.block(m, m, b, b)     = 0.5 * (h.bottomRows(b) + h.bottomRows(b).transpose());
          m += b;
          const bool full = m == n;
          R.setZero();
          if (!full)
            {
              const double scale = 1e-12 * H.topLeftCorner(m, m).cwiseAbs().maxCoeff();
              // The next block's columns go into the basis together (one command where the
              // basis is spread over processes), those made before a new direction first.
              Eigen::Index stored = 0;
              const auto   store  = [&](Eigen::Index to) {
                if (to > stored)
                  basis->set_columns(static_cast<long>(m + stored), static_cast<long>(to - stored),
                                        F.col(stored).data(),
                                     a_inner ? AF.col(stored).data() : nullptr);
                stored = std::max(stored, to);
              };
              for (Eigen::Index j = 0; j < b; ++j)
                {
                  // Column j against the next block's columns made before it, twice.
                  for (int pass = 0; pass < 2; ++pass)
                    for (Eigen::Index i = 0; i < j; ++i)
                      {
                        const double g = F.col(i).dot(a_inner ? AW.col(j) : W.col(j));
                        W.col(j) -= g * F.col(i);
                        if (a_inner)
                          AW.col(j) -= g * AF.col(i);
                        R(i, j) += g;
                      }
                  const double beta = norm(W, AW, j);
                  if (beta > scale)
                    {
                      R(j, j)  = beta;
                      F.col(j) = W.col(j) / beta;
                      // A V made by a product, not kept as AW / beta: the recurrence's A W
                      // carries the rounding of the columns of Y it was orthogonalised with, and
                      // dividing by beta amplified it at every step (a pencil of 40 DoFs, one
                      // vector a step: |Y - A V| from 1e-15 to 1 in 32 steps, Ritz values 60
                      // times the largest eigenvalue reported as converged).
                      if (a_inner)
                        C.a_multiply(F.col(j).data(), AF.col(j).data());
                    }
                  else
                    {
                      // An invariant subspace: no residual there; go on from a new direction
                      // (orthogonal to the columns before it, which it needs in the basis).
                      R.col(j).setZero();
                      store(j);
                      random_vector(m + j, j);
                      stored = j + 1;
                    }
                }
              store(b);
            }

          Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ritz(H.topLeftCorner(m, m));
          theta = ritz.eigenvalues();
          S     = ritz.eigenvectors();
          order.resize(static_cast<std::size_t>(m));
          for (Eigen::Index k = 0; k < m; ++k)
            order[static_cast<std::size_t>(k)] = end == EigenEnd::smallest ? k : m - 1 - k;
          const Eigen::Index converged = leading_converged();
          if (progress)
            progress(out.products, static_cast<unsigned>(converged));
          if ((m >= least && converged >= nev) || full)
            {
              out.converged = true;
              break;
            }
          if (out.products >= max_products)
            break;
          if (m + b > ncv)
            {
              // Thick restart: the most wanted half of the basis, as Ritz vectors; F stays.
              const Eigen::Index keep =
                std::min(m, std::max(nev + 1, std::min(ncv - b, nev + (ncv - nev) / 2)));
              Eigen::MatrixXd Sk(m, keep);
              for (Eigen::Index k = 0; k < keep; ++k)
                Sk.col(k) = S.col(pair(k));
              // (Their residuals, along F, come back as H's new columns at the next step,
              // computed: V^T C F.)
              basis->restart(static_cast<long>(m), Sk.data(), static_cast<long>(keep),
                             static_cast<long>(b));
              H.setZero();
              for (Eigen::Index k = 0; k < keep; ++k)
                H(k, k) = theta[pair(k)];
              m = keep;
              ++out.iterations;
            }
        }
      // The leading wanted pairs that converged, most extreme first; phi = C.back(y).
      const Eigen::Index count = out.converged ? std::min(m, nev) : leading_converged();
      F.resize(0, 0); // (the step's vectors, no longer needed)
      AF.resize(0, 0);
      Eigen::MatrixXd Sc(m, count), phis(n, count);
      for (Eigen::Index k = 0; k < count; ++k)
        Sc.col(k) = S.col(pair(k));
      basis->combine(static_cast<long>(m), Sc.data(), static_cast<long>(count), phis.data());
      for (Eigen::Index k = 0; k < count; ++k)
        {
          out.values.push_back(theta[pair(k)]);
          dealii::Vector<double> phi(static_cast<std::size_t>(n));
          std::copy(phis.col(k).data(), phis.col(k).data() + n, phi.begin());
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
      const auto ncv =
        std::min<Eigen::Index>(n, lanczos_subspace(static_cast<unsigned>(nev), subspace));
      return {nev, ncv};
    }

    // The vectors of a Lanczos step on a CHOLMOD factor for nev wanted pairs (`given`: the
    // caller's choice, 0: this one): as many as the pairs wanted, at most three
    // (bench/buckling_benchmark.py --blocks, default tank, two analyses of 3 modes side by side,
    // medians of 3, 2026-12-04: buckling 9.78 s with one vector a step, 6.92 with two, 6.33 with
    // three, 7.53 with four (two restarts each); a subspace of 60 instead of 40 did not help).
    // LIGHTBODY_LANCZOS_BLOCK=b (the benchmark's) overrides both.
    Eigen::Index block_of(Eigen::Index nev, unsigned given)
    {
      if (const char *text = std::getenv("LIGHTBODY_LANCZOS_BLOCK"))
        return std::max(1, std::atoi(text));
      if (given > 0)
        return given;
      return std::clamp<Eigen::Index>(nev, 1, lanczos_block_most);
    }

    // C = L^-1 P B P^T L^-T (symmetric): two triangular solves, solve(upper, x, columns), and a
    // product with B per vector of a step; t: room for a step's vectors.
    using BlockSolve = std::function<void(bool upper, double *x, Eigen::Index columns)>;
    LanczosOperator symmetric_form(const BlockSolve &solve, const PencilMatrix &B,
                                   std::vector<double> &t, std::size_t n)
    {
      LanczosOperator C;
      C.apply = [&solve, &B, &t, n](const double *f, double *w, double *, Eigen::Index columns) {
        const std::size_t size = n * static_cast<std::size_t>(columns);
        t.resize(size);
        std::copy(f, f + size, t.begin());
        solve(true, t.data(), columns);
        B.vmult(t.data(), w, n, static_cast<std::size_t>(columns));
        solve(false, w, columns);
      };
      C.back = [&solve](double *x) { solve(true, x, 1); };
      return C;
    }

    // A^-1 B, self-adjoint in the A inner product: a product with B, a full solve and a product
    // with A per vector, A w = B f known for the orthogonalisation (Spectra's regular-inverse
    // mode takes several products with A); solve(x, columns): the full solves of a step's
    // vectors.
    using FullSolve = std::function<void(double *x, std::size_t columns)>;
    LanczosOperator inner_product_form(const FactoredMatrix &A, const PencilMatrix &B,
                                       const FullSolve &solve)
    {
      LanczosOperator C;
      C.apply = [&A, &B, &solve](const double *f, double *w, double *aw, Eigen::Index columns) {
        const std::size_t n = A.size(), k = static_cast<std::size_t>(columns);
        B.vmult(f, aw, n, k);
        std::copy(aw, aw + n * k, w);
        solve(w, k);
      };
      C.a_multiply = A.multiply;
      C.basis      = A.basis;
      return C;
    }

    // The solves of several threads, each asking for a few columns at a time: when every member
    // has asked (or left), the last to ask makes them all, those of each kind as solves of up to
    // `most_columns` columns, and the others wake with their vectors solved. On CHOLMOD's factor
    // the triangular solves, up to eight columns (what app/blas_columns.cc's kernels take: one
    // pass over the factor each); on a factor shared by MPI processes its full solves (one kind).
    class SolveGroup
    {
    public:
      // solve(upper, columns, count): the solve of `count` columns of size n, each its own.
      using Solve = std::function<void(bool upper, double *const *columns, std::size_t count)>;
      SolveGroup(std::size_t n, Solve solve, std::size_t most_columns, unsigned members)
        : n_(n), solve_(std::move(solve)), most_columns_(most_columns), members_(members)
      {
      }

      // x := L^-1 P x (lower) or x := P^T L^-T x (upper; the full solve: either), x: n x columns.
      void solve(bool upper, double *x, Eigen::Index columns)
      {
        std::unique_lock<std::mutex> lock(mutex_);
        Request                      r{upper, x, static_cast<std::size_t>(columns), false, nullptr};
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
        std::size_t        columns;
        bool               done = false;
        std::exception_ptr error;
      };

      void run(std::unique_lock<std::mutex> &)
      {
        const std::size_t n = n_, most_columns = most_columns_;
        for (const bool upper : {false, true})
          {
            std::vector<Request *> those;
            std::vector<double *>  columns;
            for (Request *r : pending_)
              if (r->upper == upper)
                {
                  those.push_back(r);
                  for (std::size_t j = 0; j < r->columns; ++j)
                    columns.push_back(r->x + j * n);
                }
            try
              {
                for (std::size_t first = 0; first < columns.size(); first += most_columns)
                  solve_(upper, columns.data() + first,
                         std::min(most_columns, columns.size() - first));
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

      const std::size_t       n_;
      const Solve             solve_;
      const std::size_t       most_columns_;
      std::size_t             members_;
      std::vector<Request *>  pending_;
      std::mutex              mutex_;
      std::condition_variable woken_;
    };
  } // namespace

  std::vector<EigenPairs> extreme_eigenpairs_together(const FactoredMatrix            &A,
                                                      const std::vector<EigenRequest> &requests,
                                                      EigenEnd end, double tolerance,
                                                      unsigned subspace)
  {
    std::vector<EigenPairs> out(requests.size());
    if (requests.size() == 1 || spectra_requested() || (!A.cholesky && !A.solve_columns))
      {
        for (std::size_t k = 0; k < requests.size(); ++k)
          out[k] = extreme_eigenpairs(A, *requests[k].B, requests[k].count, end, tolerance,
                                      subspace, 0, requests[k].progress);
        return out;
      }
    const auto        n       = static_cast<Eigen::Index>(A.size());
    const unsigned    members = static_cast<unsigned>(requests.size());
    SolveGroup::Solve solve;
    std::size_t       most_columns = SupernodalSolve::most_columns;
    if (const SparseCholesky *L = A.cholesky)
      // (the triangular solves of a block of columns one after the other in memory: the
      // members' columns copied into one, unless they are so already)
      solve = [L, n = A.size(), buffer = std::make_shared<std::vector<double>>()](
                bool upper, double *const *columns, std::size_t count) {
        bool together = true;
        for (std::size_t k = 1; k < count; ++k)
          together = together && columns[k] == columns[0] + k * n;
        double *x = columns[0];
        if (!together)
          {
            buffer->resize(n * count);
            for (std::size_t k = 0; k < count; ++k)
              std::copy(columns[k], columns[k] + n, buffer->begin() + k * n);
            x = buffer->data();
          }
        upper ? L->solve_upper(x, count) : L->solve_lower(x, count);
        if (!together)
          for (std::size_t k = 0; k < count; ++k)
            std::copy(buffer->begin() + k * n, buffer->begin() + (k + 1) * n, columns[k]);
      };
    else
      {
        // (a factor shared by MPI processes: one solve phase for the steps of all of them,
        // each member's columns solved where they are)
        solve = [&A](bool, double *const *columns, std::size_t count) {
          A.solve_columns(columns, count);
        };
        most_columns = lanczos_block_most * members;
      }
    SolveGroup                      group(A.size(), solve, most_columns, members);
    std::vector<std::exception_ptr> errors(requests.size());
    std::vector<std::thread>        threads;
    const auto                      member = [&](std::size_t k) {
      try
        {
          const auto [nev, ncv] = subspace_of(n, requests[k].count, subspace);
          std::vector<double> t;
          const BlockSolve    solve = [&](bool upper, double *x, Eigen::Index columns) {
            group.solve(upper, x, columns);
          };
          const FullSolve full = [&](double *x, std::size_t columns) {
            group.solve(false, x, static_cast<Eigen::Index>(columns));
          };
          out[k] = thick_restart_lanczos(
                                 A.cholesky ? symmetric_form(solve, *requests[k].B, t, A.size())
                                            : inner_product_form(A, *requests[k].B, full),
            n, nev, ncv, end, tolerance, block_of(nev, 0), requests[k].progress);
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

  void PencilMatrix::vmult(const double *x, double *y, std::size_t n, std::size_t columns) const
  {
    if (multiply_columns)
      return multiply_columns(x, y, columns);
    for (std::size_t j = 0; j < columns; ++j)
      vmult(x + j * n, y + j * n, n);
  }

  void PencilMatrix::vmult(const double *x, double *y, std::size_t n) const
  {
    if (!matrix)
      return multiply(x, y);
    dealii::Vector<double> in(x, x + n), out(n);
    matrix->vmult(out, in);
    std::copy(out.begin(), out.end(), y);
  }

  bool runs_preconditioned(const FactoredMatrix &A)
  {
    return A.precondition && !A.cholesky && !lanczos_requested();
  }

  EigenPairs extreme_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B, unsigned count,
                                EigenEnd end, double tolerance, unsigned subspace, unsigned block,
                                const EigenProgress &progress)
  {
    const auto n          = static_cast<Eigen::Index>(A.size());
    const auto [nev, ncv] = subspace_of(n, count, subspace);
    const auto rule =
      end == EigenEnd::smallest ? Spectra::SortRule::SmallestAlge : Spectra::SortRule::LargestAlge;
    if (runs_preconditioned(A))
      return preconditioned_eigenpairs(A, B, count, end, tolerance, progress);
    if (A.cholesky && !spectra_requested())
      {
        const SparseCholesky &L = *A.cholesky;
        std::vector<double>   t;
        const BlockSolve      solve = [&L](bool upper, double *x, Eigen::Index columns) {
          upper ? L.solve_upper(x, static_cast<std::size_t>(columns))
                : L.solve_lower(x, static_cast<std::size_t>(columns));
        };
        return thick_restart_lanczos(symmetric_form(solve, B, t, A.size()), n, nev, ncv, end,
                                     tolerance, block_of(nev, block), progress);
      }
    if (!spectra_requested())
      {
        const FullSolve solve = [&A](double *x, std::size_t k) {
          if (A.solve_columns)
            {
              std::vector<double *> columns;
              for (std::size_t j = 0; j < k; ++j)
                columns.push_back(x + j * A.size());
              return A.solve_columns(columns.data(), k);
            }
          for (std::size_t j = 0; j < k; ++j)
            A.solve(x + j * A.size());
        };
        const LanczosOperator C = inner_product_form(A, B, solve);
        // As many vectors a step as on a CHOLMOD factor (solved together where A can): one vector a
        // step finds one eigenvector of a repeated eigenvalue only, its Krylov space holding just
        // the start vector's part of the eigenspace (a plate of 2 x 1 elements with a triple
        // natural frequency: 3178.56, 3178.69, 3179.80 Hz under mpirun against the triple 3178.56
        // in one process).
        return thick_restart_lanczos(C, n, nev, ncv, end, tolerance, block_of(nev, block),
                                     progress);
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
