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
//
// A free body's vibration (M x = nu (K + s M) x): its six rigid-body modes, known from the
// nodes' coordinates, are found by Rayleigh-Ritz on their span and deflated from the pencil the
// iterations run on (Deflation below). Left in, they never converged: K + s M is some 1e10 times
// as stiff in a thin wall's elastic modes as in its rigid ones, and the products' round-off
// scattered the rigid rotations' Ritz values by 3e-5 about 1 / s.
//
// The blocks are held by rows (RowOperators): in one process whole, under an MPI launch with
// the iterative solver each process the rows of the solver's matrix it owns, every process
// running this code together (the other ranks from serve_preconditioned_eigenpairs), the Gram
// matrices and inner products summed over them (the same values on every process, so that all
// take the same steps), the pairs' vectors gathered to rank 0 at the end.
#include "input/errors.h"
#include "solver/eigen_solver.h"

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
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

    // Known eigenvectors R (B-orthonormal, R^T B R = I) deflated from the pencil: B' = B - B R
    // R^T B (B' R = 0), every vector kept B-orthogonal to R by P = I - R R^T B, the residuals
    // by P^T. Where R spans eigenvectors, those of the rest of the spectrum are B-orthogonal to
    // it and B' x = B x for them: the pencil (B', A) has the same pairs but R's, at nu = 0.
    // X^T Y over all rows (summed over the processes).
    Eigen::MatrixXd gram(const RowOperators &ops, const Block &X, const Block &Y)
    {
      Eigen::MatrixXd G = X.transpose() * Y;
      ops.sum(G.data(), static_cast<std::size_t>(G.size()));
      return G;
    }
    // x_j^T y_j of each column over all rows.
    Eigen::VectorXd column_dots(const RowOperators &ops, const Block &X, const Block &Y)
    {
      Eigen::VectorXd d(X.cols());
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        d[j] = X.col(j).dot(Y.col(j));
      ops.sum(d.data(), static_cast<std::size_t>(d.size()));
      return d;
    }
    // y = op(x) of each column (x and y of this process's rows).
    void by_columns(const std::function<void(const double *, double *)> &op, const Block &X,
                    Block &Y)
    {
      Y.resize(X.rows(), X.cols());
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        op(X.col(j).data(), Y.col(j).data());
    }

    struct Deflation
    {
      Block R, BR;
      void  project(const RowOperators &ops, Block &X) const { X -= R * gram(ops, BR, X); } // P X
      void  project_dual(const RowOperators &ops, Block &Y) const
      {
        Y -= BR * gram(ops, R, Y); // P^T Y
      }
    };
  } // namespace

  double preconditioned_eigen_bytes(std::size_t n, unsigned count)
  {
    // The blocks of n x m held at once: X, W, P and their products with A and B (9; R and
    // T R only while W is made, with X's products alone; at an update the new X and P beside
    // X, W and P), and a known set's deflation (R and B R, a few vectors).
    const unsigned m = block_of(std::max(count, 1u), std::max<std::size_t>(n, 1));
    return 8.0 * static_cast<double>(n) * 10 * m;
  }

  static EigenPairs lobpcg(const RowOperators &ops, unsigned count, EigenEnd end, double tolerance,
                           const EigenProgress &progress, const Deflation *deflation)
  {
    const std::size_t n    = ops.dofs;
    const auto        rows = static_cast<Eigen::Index>(ops.local);
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
    const auto   by_A = [&](const Block &X, Block &Y) { by_columns(ops.multiply, X, Y); };
    const auto   by_B = [&](const Block &X, Block &Y) {
      by_columns(ops.pencil, X, Y);
      if (deflation)
        deflation->project_dual(ops, Y);
      Y *= sign;
    };
    unsigned   applications = 0;
    const auto by_T         = [&](const Block &X, Block &Y) {
      by_columns(ops.precondition, X, Y);
      applications += static_cast<unsigned>(X.cols());
    };

    // The start: T applied to random vectors (the same every run, by DoF: the same on any
    // number of processes), A-orthonormalised.
    Block                                  X(rows, em), AX, BX;
    std::mt19937                           random(20261205);
    std::uniform_real_distribution<double> uniform(-1, 1);
    {
      Block               start(rows, em);
      std::vector<double> column(n);
      for (Eigen::Index j = 0; j < em; ++j)
        {
          for (double &v : column)
            v = uniform(random);
          for (Eigen::Index i = 0; i < rows; ++i)
            {
              const long dof = ops.dof(static_cast<std::size_t>(i));
              start(i, j)    = dof < 0 ? 0.0 : column[static_cast<std::size_t>(dof)];
            }
        }
      by_T(start, X);
      if (deflation)
        deflation->project(ops, X);
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
      const Eigen::MatrixXd Z = orthonormalising(gram(ops, X, AX), drop);
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
      const Eigen::MatrixXd                          G = gram(ops, X, BX);
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(0.5 * (G + G.transpose()));
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
    // Progress is the residual halving or the wanted Ritz values moving on (their sum falls
    // by more than 1e-9 of itself: in exact arithmetic each falls at every step): where an
    // eigenvalue the block had missed enters it, its residual starts high again and falls
    // slowly while the values move (the van example's free vibration under mpirun -np 2, whose
    // preconditioner was then a block Jacobi across the processes: its worst residual 6e-2
    // again at iteration 33, 6e-3 at 78, the values still moving by 1e-3, 2026-12-06).
    double       best_sum      = std::numeric_limits<double>::infinity();
    double       best_residual = std::numeric_limits<double>::infinity();
    unsigned     best_at = 0, stall = 25;
    const double attained = 1e-5;
    bool         stalled  = false;
    bool         fresh    = true; // (AX, BX and theta those of X)
    for (; iteration < most_iterations; ++iteration)
      {
        // The block's products anew (not by the Rayleigh-Ritz step's linear combinations,
        // whose round-off would make the residuals look smaller than they are), its Rayleigh
        // quotients, residuals and their preconditioned form.
        if (!fresh)
          {
            by_A(X, AX); // (X A-orthonormal to round-off)
            by_B(X, BX);
            theta = column_dots(ops, X, BX).cwiseQuotient(column_dots(ops, X, AX));
            fresh = true;
          }
        Block R = BX - AX * theta.asDiagonal();
        if (deflation)
          deflation->project_dual(ops, R); // (only round-off along B R: x^T A R = s x^T M R = 0)
        // (a converged pair's residual is left out of W: soft locking)
        std::vector<Eigen::Index> active;
        Block                     W;
        {
          Block TR;
          by_T(R, TR);
          if (deflation)
            deflation->project(ops, TR);
          unsigned              leading = 0;
          const Eigen::VectorXd rTr     = column_dots(ops, R, TR);
          for (Eigen::Index j = 0; j < em; ++j)
            {
              rho[j] = std::sqrt(std::abs(rTr[j])) / std::max(std::abs(theta[j]), 1e-300);
              if (!std::isfinite(rho[j]))
                throw ModelError("the eigen analysis (LOBPCG) gave a value that is not finite");
            }
          while (leading < count && rho[leading] < tolerance)
            ++leading;
          if (progress && ops.leads)
            progress(applications, leading);
          if (leading == count)
            break;
          const double worst = rho.head(count).maxCoeff();
          const double sum   = theta.head(count).sum();
          if (worst < 0.5 * best_residual)
            {
              best_residual = worst;
              best_at       = iteration;
            }
          if (sum < best_sum - 1e-9 * std::abs(sum))
            {
              best_sum = sum;
              best_at  = iteration;
            }
          if (iteration - best_at >= stall && worst < attained)
            {
              stalled = true;
              break;
            }
          // Stalled above that: the products' round-off is too coarse for the pencil (as a free
          // body's was before its rigid-body modes were deflated: K + s M 1e10 times as stiff in
          // its elastic modes as in its rigid ones, the Ritz values of the rigid rotations
          // scattered by 3e-5 about 1 / s): not converged.
          if (iteration - best_at >= 2 * stall)
            break;
          for (Eigen::Index j = 0; j < em; ++j)
            if (rho[j] >= tolerance)
              active.push_back(j);
          W.resize(rows, static_cast<Eigen::Index>(active.size()));
          for (std::size_t j = 0; j < active.size(); ++j)
            W.col(static_cast<Eigen::Index>(j)) = TR.col(active[j]);
        }
        R.resize(0, 0);
        // W A-orthogonal to X (twice: once is not enough where W has converged into X's span).
        for (int pass = 0; pass < 2; ++pass)
          W -= X * gram(ops, AX, W);
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
        // The Gram matrices of the basis S = [X W P] block by block (S itself and its
        // products are never formed: the blocks' products are made anew at the next step), each
        // column scaled to unit A-norm, so that the A-Gram matrix's small eigenvalues are
        // dependence, not a short column. (This process's rows', then summed.)
        const Eigen::Index           cw = W.cols(), cp = P.cols(), cs = em + cw + cp;
        const std::array<Block *, 3> Sb{{&X, &W, &P}}, ASb{{&AX, &AW, &AP}}, BSb{{&BX, &BW, &BP}};
        const Eigen::Index           at[4] = {0, em, em + cw, cs};
        Eigen::MatrixXd              GA(cs, cs), GB(cs, cs);
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < 3; ++b)
            if (at[a + 1] > at[a] && at[b + 1] > at[b])
              {
                GA.block(at[a], at[b], at[a + 1] - at[a], at[b + 1] - at[b]) =
                  Sb[a]->transpose() * *ASb[b];
                GB.block(at[a], at[b], at[a + 1] - at[a], at[b + 1] - at[b]) =
                  Sb[a]->transpose() * *BSb[b];
              }
        ops.sum(GA.data(), static_cast<std::size_t>(GA.size()));
        ops.sum(GB.data(), static_cast<std::size_t>(GB.size()));
        Eigen::VectorXd unit(cs);
        for (Eigen::Index j = 0; j < cs; ++j)
          unit[j] = GA(j, j) > 0 ? 1 / std::sqrt(GA(j, j)) : 1.0;
        GA                      = unit.asDiagonal() * GA * unit.asDiagonal();
        GB                      = unit.asDiagonal() * GB * unit.asDiagonal();
        const Eigen::MatrixXd Z = orthonormalising(GA, basis_drop);
        if (Z.cols() < em)
          {
            // (the basis has collapsed below the block's width: again without P, or the end)
            if (cp == 0)
              break;
            P.resize(0, 0);
            continue;
          }
        const Eigen::MatrixXd                          H = Z.transpose() * GB * Z;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(0.5 * (H + H.transpose()));
        const Eigen::MatrixXd C = unit.asDiagonal() * (Z * e.eigenvectors().leftCols(em));
        // The products are made anew from the new blocks at the next step: freed here, so
        // that the blocks held at once are X, W, P and their products with A and B (with S =
        // [X W P] and its products copied, 21 blocks: the van example at 300 mm, 68 k DoFs, 20
        // natural frequencies, peak 1.05 GB against 0.85 GB now, the same frequencies; single
        // runs, 2026-12-06).
        for (Block *b : {&AX, &BX, &AW, &BW, &AP, &BP})
          b->resize(0, 0);
        // P: the new X's part in W and P.
        Block Pn = W * C.middleRows(em, cw);
        if (cp > 0)
          Pn += P * C.bottomRows(cp);
        W.resize(0, 0);
        Block Xn = X * C.topRows(em);
        Xn += Pn;
        X     = std::move(Xn);
        P     = std::move(Pn);
        fresh = false;
      }
    if (!fresh)
      {
        // (stopped after an update, at the most iterations: the products and Rayleigh
        // quotients of the block returned)
        by_A(X, AX);
        by_B(X, BX);
        theta = column_dots(ops, X, BX).cwiseQuotient(column_dots(ops, X, AX));
      }
    out.iterations   = iteration;
    out.steps        = iteration;
    out.products     = applications;
    unsigned leading = 0;
    while (leading < count && (stalled || rho[leading] < tolerance))
      ++leading;
    out.converged      = leading == count;
    out.preconditioned = true;
    out.processes      = ops.processes;
    // (most extreme first: the Rayleigh quotients made anew at the last step may have swapped
    // values equal to round-off, as a partly free body's rigid-body modes)
    std::vector<Eigen::Index> order(leading);
    for (unsigned k = 0; k < leading; ++k)
      order[k] = static_cast<Eigen::Index>(k);
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return theta[a] < theta[b]; });
    const Eigen::VectorXd norms = column_dots(ops, X, AX);
    for (const Eigen::Index j : order)
      {
        const double norm = norms[j];
        if (!(norm > 0) || !std::isfinite(norm))
          throw ModelError("the eigen analysis (LOBPCG) gave a vector that is not finite");
        const Eigen::VectorXd  x = X.col(j) / std::sqrt(norm);
        dealii::Vector<double> phi(ops.leads ? n : 0);
        ops.gather(x.data(), ops.leads ? phi.data() : nullptr);
        out.values.push_back(sign * theta[j]);
        out.vectors.push_back(std::move(phi));
      }
    return out;
  }

  namespace
  {
    // What every process runs: rank 0 with its arguments, the others with what rank 0 sends
    // (`known` and `progress` rank 0's alone).
    EigenPairs eigenpairs_by_rows(const RowOperators &ops, unsigned count, EigenEnd end,
                                  double                                     tolerance,
                                  const std::vector<dealii::Vector<double>> *known,
                                  const EigenProgress                       &progress)
    {
      double settings[4] = {static_cast<double>(count), end == EigenEnd::smallest ? 1.0 : 0.0,
                            tolerance, known ? static_cast<double>(known->size()) : 0.0};
      ops.broadcast(settings, 4);
      count                    = static_cast<unsigned>(settings[0]);
      end                      = settings[1] > 0 ? EigenEnd::smallest : EigenEnd::largest;
      tolerance                = settings[2];
      const auto        knowns = static_cast<Eigen::Index>(settings[3]);
      const std::size_t n      = ops.dofs;
      const auto        rows   = static_cast<Eigen::Index>(ops.local);
      if (knowns == 0 || n == 0 || count == 0)
        return lobpcg(ops, count, end, tolerance, progress, nullptr);
      // R: the known vectors made B-orthonormal (dependent ones dropped).
      Deflation d;
      Block     R(rows, knowns), BR;
      for (Eigen::Index j = 0; j < knowns; ++j)
        ops.scatter(known ? (*known)[static_cast<std::size_t>(j)].data() : nullptr,
                    R.col(j).data());
      by_columns(ops.pencil, R, BR);
      {
        const Eigen::MatrixXd Z = orthonormalising(gram(ops, R, BR), 1e-10);
        d.R                     = R * Z;
        d.BR                    = BR * Z;
      }
      const Eigen::Index k = d.R.cols();
      if (k == 0)
        return lobpcg(ops, count, EigenEnd::largest, tolerance, progress, nullptr);
      // Their own pairs: Rayleigh-Ritz on R (R^T B R = I): R^T A R c = mu c, nu = 1 / mu, the
      // vectors R c / sqrt(mu) of unit A-norm; mu ascending, nu descending.
      Block AR;
      by_columns(ops.multiply, d.R, AR);
      const Eigen::MatrixXd                          H = gram(ops, d.R, AR);
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(0.5 * (H + H.transpose()));
      EigenPairs                                     out;
      const unsigned own = static_cast<unsigned>(std::min<Eigen::Index>(k, count));
      for (unsigned j = 0; j < own; ++j)
        {
          const double mu = e.eigenvalues()[j];
          if (!(mu > 0) || !std::isfinite(mu))
            throw ModelError("the eigen analysis (LOBPCG): the known vectors are not of the "
                             "pencil's positive definite side");
          const Eigen::VectorXd  x = d.R * e.eigenvectors().col(j) / std::sqrt(mu);
          dealii::Vector<double> phi(ops.leads ? n : 0);
          ops.gather(x.data(), ops.leads ? phi.data() : nullptr);
          out.values.push_back(1 / mu);
          out.vectors.push_back(std::move(phi));
        }
      out.converged      = true;
      out.preconditioned = true;
      out.processes      = ops.processes;
      if (count > own)
        {
          const EigenProgress told = [&](unsigned products, unsigned converged) {
            if (progress)
              progress(products, converged + own);
          };
          EigenPairs rest = lobpcg(ops, count - own, EigenEnd::largest, tolerance, told, &d);
          out.iterations  = rest.iterations;
          out.steps       = rest.steps;
          out.products    = rest.products;
          out.converged   = rest.converged;
          for (std::size_t j = 0; j < rest.values.size(); ++j)
            {
              out.values.push_back(rest.values[j]);
              out.vectors.push_back(std::move(rest.vectors[j]));
            }
        }
      // (largest first: the known pairs lead where they are the pencil's largest)
      std::vector<std::size_t> order(out.values.size());
      for (std::size_t j = 0; j < order.size(); ++j)
        order[j] = j;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return out.values[a] > out.values[b]; });
      std::vector<double>                 values  = std::move(out.values);
      std::vector<dealii::Vector<double>> vectors = std::move(out.vectors);
      out.values.clear();
      out.vectors.clear();
      for (std::size_t j : order)
        {
          out.values.push_back(values[j]);
          out.vectors.push_back(std::move(vectors[j]));
        }
      return out;
    }

    // One process (or rank 0 alone): the whole blocks, A's and B's own products.
    RowOperators whole_rows(const FactoredMatrix &A, const PencilMatrix &B)
    {
      RowOperators      ops;
      const std::size_t n = A.size();
      ops.dofs = ops.local = n;
      ops.multiply         = A.multiply;
      ops.precondition     = A.precondition;
      ops.pencil           = [&B, n](const double *x, double *y) { B.vmult(x, y, n); };
      ops.sum = ops.broadcast = [](double *, std::size_t) {};
      ops.scatter =
        ops.gather = [n](const double *from, double *to) { std::copy(from, from + n, to); };
      return ops;
    }

    // Whether the processes hold the blocks by rows: A spreads them and the processes hold B.
    // LIGHTBODY_EIGEN=rank0 (read for bench/iterative_eigen_benchmark.py's peer alone): the
    // blocks whole on rank 0 as before 2026-12-06, each product and application of the
    // preconditioner scattered from and gathered to it.
    bool spread(const FactoredMatrix &A, const PencilMatrix &B)
    {
      const char *text = std::getenv("LIGHTBODY_EIGEN");
      return A.spread && B.shared > 0 && !(text && std::string(text) == "rank0");
    }

    // Rank 0's arguments checked before the other processes are asked to join.
    void check_known(const std::vector<dealii::Vector<double>> &known, std::size_t n)
    {
      for (const auto &v : known)
        if (v.size() != n)
          throw ModelError("the eigen analysis (LOBPCG) was given known vectors of another size");
    }
  } // namespace

  EigenPairs preconditioned_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B,
                                       unsigned count, EigenEnd end, double tolerance,
                                       const EigenProgress &progress)
  {
    if (A.size() == 0 || count == 0)
      return lobpcg(whole_rows(A, B), count, end, tolerance, progress, nullptr);
    if (spread(A, B))
      return eigenpairs_by_rows(A.spread(B), count, end, tolerance, nullptr, progress);
    return eigenpairs_by_rows(whole_rows(A, B), count, end, tolerance, nullptr, progress);
  }

  EigenPairs preconditioned_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B,
                                       unsigned                                   count,
                                       const std::vector<dealii::Vector<double>> &known,
                                       double tolerance, const EigenProgress &progress)
  {
    const std::size_t n = A.size();
    check_known(known, n);
    if (n == 0 || count == 0)
      return lobpcg(whole_rows(A, B), count, EigenEnd::largest, tolerance, progress, nullptr);
    if (spread(A, B))
      return eigenpairs_by_rows(A.spread(B), count, EigenEnd::largest, tolerance, &known, progress);
    return eigenpairs_by_rows(whole_rows(A, B), count, EigenEnd::largest, tolerance, &known,
                              progress);
  }

  void serve_preconditioned_eigenpairs(const RowOperators &ops)
  {
    eigenpairs_by_rows(ops, 0, EigenEnd::largest, 0, nullptr, {});
  }
} // namespace lightbody
