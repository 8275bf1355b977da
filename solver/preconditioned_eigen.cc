// The eigen analyses of the iterative solver: LOBPCG (Knyazev's locally optimal block
// preconditioned conjugate gradients) on the pencil B x = nu A x, the iterative solver's
// preconditioner T (one multigrid cycle) standing for A^-1, where the Lanczos process of
// eigen_solver.cc solves with A to full accuracy for every product.
//
// Each iteration: the residuals R = B X - A X Theta of the block X (A-orthonormal), W = T R for
// the columns not yet converged, then the Rayleigh-Ritz step on S = [X W P] (P: the previous
// step's direction) in the A inner product. The basis S is made A-orthonormal through the
// eigen-decomposition of its Gram matrix, directions whose A-norm has vanished to round-off
// dropped (the Gram matrix of [X W P] turns singular as the block converges, where a Cholesky
// factorisation breaks down). Convergence: sqrt(r^T T r) / |theta| with x^T A x = 1, the
// residual in the norm T approximates A^-1 by, i.e. ||C y - theta y|| / |theta| for the
// symmetric form C = A^-1/2 B A^-1/2 (the Lanczos process's measure): dimensionless and free of
// the round-off floor of the Euclidean residual of a low mode of a thin wall, near eps times the
// condition number of A (SLEPc's LOBPCG, whose test is the Euclidean residual relative to the
// eigenvalue, stalled there on tests/data/iterative_plate.yaml, 1e-8 to 1e-2, until its basis
// broke down).
#include "input/errors.h"
#include "solver/eigen_solver.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace lightbody
{
  namespace
  {
    using Block = Eigen::MatrixXd; // n x columns, column-major

    // The block's columns `extra` more than the pairs wanted: a wider block widens the gap that
    // sets LOBPCG's rate (its k-th pair converges with the ratio of the k-th to the (m+1)-th
    // eigenvalue).
    unsigned block_of(unsigned count, std::size_t n)
    {
      const unsigned m = count + std::max(2u, (count + 1) / 2);
      return static_cast<unsigned>(std::min<std::size_t>(m, n));
    }

    // Coefficients Z (S Z A-orthonormal) from the Gram matrix G = S^T A S: its eigenvectors
    // scaled by 1/sqrt(eigenvalue), those of eigenvalues below `drop` times the largest left out.
    Eigen::MatrixXd orthonormalising(const Eigen::MatrixXd &G, double drop)
    {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(0.5 * (G + G.transpose()));
      const Eigen::VectorXd                         &l    = e.eigenvalues();
      const double                                   most = l.maxCoeff();
      std::vector<Eigen::Index>                      keep;
      for (Eigen::Index i = 0; i < l.size(); ++i)
        if (l[i] > drop * most && l[i] > 0)
          keep.push_back(i);
      Eigen::MatrixXd Z(G.rows(), static_cast<Eigen::Index>(keep.size()));
      for (std::size_t j = 0; j < keep.size(); ++j)
        Z.col(static_cast<Eigen::Index>(j)) = e.eigenvectors().col(keep[j]) / std::sqrt(l[keep[j]]);
      return Z;
    }
  } // namespace

  double preconditioned_eigen_bytes(std::size_t n, unsigned count)
  {
    // The blocks of n x m: X, W, P, their products with A and B, R and T R (11), the start's
    // (1) and the basis S = [X W P] with its products (9, copies).
    const unsigned m = block_of(std::max(count, 1u), std::max<std::size_t>(n, 1));
    return 8.0 * static_cast<double>(n) * 21 * m;
  }

  EigenPairs preconditioned_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B,
                                       unsigned count, EigenEnd end, double tolerance,
                                       const EigenProgress &progress)
  {
    const std::size_t n = A.size();
    EigenPairs        out;
    if (n == 0 || count == 0)
      {
        out.converged      = true;
        out.preconditioned = true;
        return out;
      }
    count             = static_cast<unsigned>(std::min<std::size_t>(count, n));
    const unsigned m  = block_of(count, n);
    const auto     em = static_cast<Eigen::Index>(m);
    // The smallest of sign B x = theta A x: the most negative nu, or (largest) the largest.
    const double sign = end == EigenEnd::smallest ? 1.0 : -1.0;
    const auto   by_A = [&](const Block &X, Block &Y) {
      Y.resize(X.rows(), X.cols());
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        A.multiply(X.col(j).data(), Y.col(j).data());
    };
    const auto by_B = [&](const Block &X, Block &Y) {
      Y.resize(X.rows(), X.cols());
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        B.vmult(X.col(j).data(), Y.col(j).data(), n);
      Y *= sign;
    };
    unsigned   applications = 0;
    const auto by_T         = [&](const Block &X, Block &Y) {
      Y.resize(X.rows(), X.cols());
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        A.precondition(X.col(j).data(), Y.col(j).data());
      applications += static_cast<unsigned>(X.cols());
    };

    // The start: T applied to random vectors (the same every run), A-orthonormalised.
    Block                                  X(static_cast<Eigen::Index>(n), em), AX, BX;
    std::mt19937                           random(20261205);
    std::uniform_real_distribution<double> uniform(-1, 1);
    {
      Block start(static_cast<Eigen::Index>(n), em);
      for (Eigen::Index j = 0; j < em; ++j)
        for (std::size_t i = 0; i < n; ++i)
          start(static_cast<Eigen::Index>(i), j) = uniform(random);
      by_T(start, X);
    }
    by_A(X, AX);
    // Directions of the start dropped below 1e-13 of the largest A-norm (the start must have
    // the block's columns); of a step's basis S, of unit columns, below 1e-10: near-dependent
    // directions, scaled up by 1/sqrt(eigenvalue) into the basis, bring their round-off with
    // them (on tests/data/iterative_plate.yaml with 1e-13 the residuals grew again from 1e-9 to
    // 1e-2 after converging, with 1e-10 and 1e-8 not).
    const double drop       = 1e-13;
    const double basis_drop = 1e-10;
    {
      const Eigen::MatrixXd Z = orthonormalising(X.transpose() * AX, drop);
      if (Z.cols() < em)
        throw ModelError("the eigen analysis (LOBPCG) could not start: its start vectors are "
                         "dependent");
      X  = X * Z;
      AX = AX * Z;
    }
    by_B(X, BX);
    // Rayleigh-Ritz on X alone.
    Eigen::VectorXd theta;
    {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(0.5 *
                                                       (X.transpose() * BX + BX.transpose() * X));
      theta = e.eigenvalues();
      X     = X * e.eigenvectors();
      AX    = AX * e.eigenvectors();
      BX    = BX * e.eigenvectors();
    }
    Block           P, AP, BP; // the previous directions (none at first)
    const auto      most_iterations = 500u;
    Eigen::VectorXd rho(em);
    unsigned        iteration = 0;
    // The residuals stop falling at round-off (near 1e-8 on the tied plates of
    // tests/data/mpi_tied.yaml, the eigenvalues then steady to 1e-7): where the largest of the
    // wanted pairs' has not fallen for `stall` iterations and is below `attained`, the pairs are
    // as accurate as this arithmetic makes them (their eigenvalues' errors go with its square).
    double       best_residual = std::numeric_limits<double>::infinity();
    unsigned     best_at = 0, stall = 25;
    const double attained = 1e-5;
    bool         stalled  = false;
    for (; iteration < most_iterations; ++iteration)
      {
        // The block's products anew (not by the Rayleigh-Ritz step's linear combinations,
        // whose round-off would make the residuals look smaller than they are), its Rayleigh
        // quotients, residuals and their preconditioned form.
        if (iteration > 0)
          {
            by_A(X, AX); // (X A-orthonormal to round-off)
            by_B(X, BX);
            for (Eigen::Index j = 0; j < em; ++j)
              theta[j] = X.col(j).dot(BX.col(j)) / X.col(j).dot(AX.col(j));
          }
        Block R = BX - AX * theta.asDiagonal();
        // (a converged pair's residual is left out of W: soft locking)
        std::vector<Eigen::Index> active;
        Block                     W;
        {
          Block TR;
          by_T(R, TR);
          unsigned leading = 0;
          for (Eigen::Index j = 0; j < em; ++j)
            {
              const double rTr = std::abs(R.col(j).dot(TR.col(j)));
              rho[j]           = std::sqrt(rTr) / std::max(std::abs(theta[j]), 1e-300);
              if (!std::isfinite(rho[j]))
                throw ModelError("the eigen analysis (LOBPCG) gave a value that is not finite");
            }
          while (leading < count && rho[leading] < tolerance)
            ++leading;
          if (progress)
            progress(applications, leading);
          if (leading == count)
            break;
          const double worst = rho.head(count).maxCoeff();
          if (worst < 0.5 * best_residual)
            {
              best_residual = worst;
              best_at       = iteration;
            }
          if (iteration - best_at >= stall && worst < attained)
            {
              stalled = true;
              break;
            }
          // Stalled above that: the products' round-off is too coarse for the pencil (a free
          // body: K + s M is 1e10 times as stiff in its elastic modes as in its rigid ones, and
          // the Ritz values of the rigid rotations scattered by 3e-5 about 1 / s): not converged.
          if (iteration - best_at >= 2 * stall)
            break;
          for (Eigen::Index j = 0; j < em; ++j)
            if (rho[j] >= tolerance)
              active.push_back(j);
          W.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(active.size()));
          for (std::size_t j = 0; j < active.size(); ++j)
            W.col(static_cast<Eigen::Index>(j)) = TR.col(active[j]);
        }
        // W A-orthogonal to X (twice: once is not enough where W has converged into X's span).
        for (int pass = 0; pass < 2; ++pass)
          W -= X * (AX.transpose() * W);
        Block AW, BW;
        by_A(W, AW);
        by_B(W, BW);
        // P's products anew too: P is the small difference of successive blocks, and its
        // products by linear combinations lose their digits as the block converges (on
        // tests/data/mpi_tied.yaml's vibration the residuals went from 1e-8 back up to 1e-3,
        // the eigenvalues moving in their sixth digit).
        if (P.cols() > 0)
          {
            by_A(P, AP);
            by_B(P, BP);
          }
        const Eigen::Index cw = W.cols(), cp = P.cols(), cs = em + cw + cp;
        Block              S(static_cast<Eigen::Index>(n), cs), AS(S.rows(), cs), BS(S.rows(), cs);
        S << X, W, P;
        AS << AX, AW, AP;
        BS << BX, BW, BP;
        // Each column of unit A-norm first, so that the Gram matrix's small eigenvalues are
        // dependence, not a short column.
        for (Eigen::Index j = 0; j < cs; ++j)
          {
            const double a = S.col(j).dot(AS.col(j));
            if (a > 0)
              {
                const double f = 1 / std::sqrt(a);
                S.col(j) *= f;
                AS.col(j) *= f;
                BS.col(j) *= f;
              }
          }
        const Eigen::MatrixXd Z = orthonormalising(S.transpose() * AS, basis_drop);
        if (Z.cols() < em)
          {
            // (the basis has collapsed below the block's width: again without P, or the end)
            if (cp == 0)
              break;
            P.resize(0, 0);
            continue;
          }
        const Eigen::MatrixXd                          H = Z.transpose() * (S.transpose() * BS) * Z;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(0.5 * (H + H.transpose()));
        const Eigen::MatrixXd                          C = Z * e.eigenvectors().leftCols(em);
        // P: the new X's part in W and P (the products of both made anew at the next step).
        P = S.rightCols(cw + cp) * C.bottomRows(cw + cp);
        X = S * C;
      }
    out.iterations   = iteration;
    out.steps        = iteration;
    out.products     = applications;
    unsigned leading = 0;
    while (leading < count && (stalled || rho[leading] < tolerance))
      ++leading;
    out.converged      = leading == count;
    out.preconditioned = true;
    for (unsigned k = 0; k < leading; ++k)
      {
        const auto             j = static_cast<Eigen::Index>(k);
        dealii::Vector<double> phi(n);
        const double           norm = X.col(j).dot(AX.col(j));
        if (!(norm > 0) || !std::isfinite(norm))
          throw ModelError("the eigen analysis (LOBPCG) gave a vector that is not finite");
        for (std::size_t i = 0; i < n; ++i)
          phi[i] = X(static_cast<Eigen::Index>(i), j) / std::sqrt(norm);
        out.values.push_back(sign * theta[j]);
        out.vectors.push_back(std::move(phi));
      }
    return out;
  }
} // namespace lightbody
