#pragma once
// Extreme eigenpairs of A^-1 B for a factorised symmetric positive definite A and a symmetric
// B: block Lanczos on the symmetric form C = L^-1 P B P^T L^-T of the factor A = P^T L L^T P, so
// that every step is one multiplication by B and two triangular solves of a few columns with the
// factor already made; its convergence checked after every step, thick restarts
// (LIGHTBODY_EIGEN=spectra: Spectra's implicitly restarted Lanczos instead, for the benchmark).
// This is shift-and-invert with the shift in A: buckling (A = K, B = K_G) and vibration (A = K + s
// M, B = M). A factor shared by the processes of an MPI launch (or the iterative solver) has no
// triangular halves: then the same Lanczos runs in the A inner product on A^-1 B, each step one
// full solve, one product with B (A w = B f is known for the orthogonalisation) and one with A
// for the new basis vector (A V kept by the recurrence drifts from the product at every step).
// The iterative solver gives its preconditioner instead of exact solves: then LOBPCG
// (preconditioned_eigenpairs, solver/preconditioned_eigen.cc). Spectra stays inside the .cc.
#include "solver/cholmod_factor.h"
#include "solver/lanczos_basis.h"
#include "solver/row_operators.h"

#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/vector.h>

#include <functional>
#include <vector>

namespace lightbody
{
  struct EigenPairs
  {
    // nu with A^-1 B phi = nu phi, the most extreme first; phi normalised to phi^T A phi = 1.
    std::vector<double>                 values;
    std::vector<dealii::Vector<double>> vectors;
    unsigned                            iterations = 0; // restarts of the Lanczos process
    unsigned                            products   = 0; // products with C
    unsigned                            steps      = 0; // Lanczos steps (blocks of products)
    bool                                converged  = false;
    // by preconditioned_eigenpairs: `iterations` and `steps` LOBPCG's, `products` the
    // applications of the preconditioner
    bool preconditioned = false;
    int  processes      = 1; // holding LOBPCG's blocks, each its rows (under mpirun)
  };

  enum class EigenEnd
  {
    smallest, // most negative first (buckling: nu = -1 / load factor)
    largest   // largest first (vibration: nu = 1 / (omega^2 + s))
  };

  struct PencilMatrix;

  // The factorised A: CHOLMOD's factor, or a full solve (x := A^-1 x) with products by A
  // itself (y := A x), of size n.
  struct FactoredMatrix
  {
    const SparseCholesky                         *cholesky = nullptr;
    std::function<void(double *)>                 solve;
    std::function<void(const double *, double *)> multiply;
    // Solves of several vectors at once (`count` vectors of size n, each its own), where the
    // factor has them (null: one after the other).
    std::function<void(double *const *columns, std::size_t count)> solve_columns;
    // Where the Lanczos process keeps its basis of `columns` vectors and their products with A
    // (null: whole in this process): on a factor shared by processes, each its rows.
    std::function<std::unique_ptr<LanczosBasis>(long columns)> basis;
    // y := T x for an approximate inverse T of A, symmetric positive definite (the iterative
    // solver's preconditioner): with it (and `multiply`) the eigenpairs come from LOBPCG
    // (preconditioned_eigenpairs) instead of the Lanczos process.
    std::function<void(const double *, double *)> precondition;
    // Under an MPI launch with the iterative solver: asks the other processes to join LOBPCG
    // on a B they hold (B.shared > 0) and gives the operators on rank 0's rows of the blocks
    // (null: the blocks whole on this process).
    std::function<RowOperators(const PencilMatrix &)> spread;
    std::size_t                                       n = 0;

    std::size_t size() const { return cholesky ? cholesky->size() : n; }
  };

  // B of the pencil: a sparse matrix of this process, or products y := B x with a matrix
  // spread over the processes of an MPI launch (then only with A's solves, not its halves).
  struct PencilMatrix
  {
    PencilMatrix(const dealii::SparseMatrix<double> &m) : matrix(&m) {}
    explicit PencilMatrix(std::function<void(const double *, double *)> product)
      : multiply(std::move(product))
    {
    }
    const dealii::SparseMatrix<double>           *matrix = nullptr;
    std::function<void(const double *, double *)> multiply;
    // Products of several vectors at once (n x columns, one after the other), where B has them
    // (null: one after the other).
    std::function<void(const double *, double *, std::size_t)> multiply_columns;
    // B spread over the processes of an MPI launch: its index among the matrices the other
    // processes hold while they serve rank 0 (0: none), and rank 0's part of its products
    // (made by all processes together, each its part).
    long                           shared = 0;
    std::function<SpreadProduct()> part;

    // y = B x for vectors of the pencil's size.
    void vmult(const double *x, double *y, std::size_t n) const;
    // The same for `columns` vectors (n x columns, one after the other).
    void vmult(const double *x, double *y, std::size_t n, std::size_t columns) const;
  };

  // Told after each Lanczos step (from the thread that runs the process: several at once when
  // they run side by side): the products with the pencil's matrix so far and how many of the
  // wanted pairs lead converged.
  using EigenProgress = std::function<void(unsigned products, unsigned converged)>;

  // The most vectors of a Lanczos step chosen by extreme_eigenpairs.
  inline constexpr unsigned lanczos_block_most = 3;

  // The vectors of the Lanczos basis for `count` pairs (at most the pencil's size):
  // max(2 count + 1, count + 20, 3 count, subspace). With blocks of three vectors a step the
  // basis must leave room for several steps between thick restarts, which keep about
  // count + (basis - count) / 2 vectors: 20 natural frequencies of cases/van_body_6200.yaml at
  // mesh.size=300mm (68 k DoFs) with a basis of 41 had not converged after 8202 products (907
  // restarts, 176 s), with 60 they took 111 products (3 restarts, 13 s; 2026-12-04).
  constexpr unsigned lanczos_subspace(unsigned count, unsigned subspace)
  {
    unsigned most = subspace;
    for (unsigned v : {2 * count + 1, count + 20, lanczos_block_most * count})
      most = v > most ? v : most;
    return most;
  }

  // The `count` eigenpairs at one end of the spectrum. Returns what converged (all of them when
  // `converged`). Throws ModelError when the factor's solves fail. The Lanczos subspace has
  // lanczos_subspace(count, subspace) vectors. Each Lanczos step takes a block of `block`
  // vectors (0: min(count, lanczos_block_most)); on a CHOLMOD factor one pass over the factor
  // for all of them (solver/supernodal_solve.h), on a factor shared by processes one solve of
  // the block (FactoredMatrix::solve_columns): fewer steps, and an eigenvalue of multiplicity up
  // to the block (the mode pairs of a cylinder) found as often as it repeats.
  EigenPairs extreme_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B, unsigned count,
                                EigenEnd end, double tolerance = 1e-9, unsigned subspace = 0,
                                unsigned block = 0, const EigenProgress &progress = {});
  // The same by LOBPCG on B x = nu A x with A.precondition standing for A^-1 (one application
  // a vector and iteration, no solves): A.multiply and A.precondition required; `tolerance` on
  // the residual in the preconditioner's norm relative to |nu| (solver/preconditioned_eigen.cc).
  // LIGHTBODY_EIGEN=lanczos: the Lanczos process with A's solves instead.
  EigenPairs preconditioned_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B,
                                       unsigned count, EigenEnd end, double tolerance,
                                       const EigenProgress &progress = {});
  // The `count` largest where the vectors `known` span eigenvectors of the largest eigenvalues
  // (a free body's rigid-body modes for M x = nu (K + s M) x, exact in arithmetic but not in
  // the products: K + s M is so much stiffer in the elastic modes that the products' round-off
  // keeps their residuals from converging): their pairs by Rayleigh-Ritz on their span, the
  // rest by LOBPCG with them deflated (kept B-orthogonal to them). The caller checks that the
  // known pairs are what it knew them to be (their eigenvalues come first).
  EigenPairs preconditioned_eigenpairs(const FactoredMatrix &A, const PencilMatrix &B,
                                       unsigned                                   count,
                                       const std::vector<dealii::Vector<double>> &known,
                                       double tolerance, const EigenProgress &progress = {});
  // Ranks 1..N-1 of an MPI launch: their part of rank 0's preconditioned_eigenpairs through
  // A.spread, on the operators of their rows (the arguments rank 0's, sent by it).
  void serve_preconditioned_eigenpairs(const RowOperators &ops);
  // Whether extreme_eigenpairs takes A's pencils to preconditioned_eigenpairs.
  bool runs_preconditioned(const FactoredMatrix &A);
  // What preconditioned_eigenpairs holds for `count` pairs of a pencil of size n, bytes.
  double preconditioned_eigen_bytes(std::size_t n, unsigned count);
  // Several pencils (A, B_k) on one factor, each its count_k eigenpairs (the buckling analyses of
  // a support set's load cases): their block Lanczos processes run side by side, one thread
  // each, and the solves they ask for at about the same time are made together. On CHOLMOD's
  // factor the triangular solves, as solves of up to eight columns, one pass over the factor for
  // each (the solves read the factor from memory and take about as long for a few columns as for
  // one); on a factor shared by MPI processes (A.solve_columns, with A.multiply and each B_k's
  // products callable from any thread, one at a time) the full solves of all of them in one
  // solve phase. Each result is what extreme_eigenpairs gives for its pencil alone, to
  // round-off. A without solve_columns (the iterative solver): one pencil after the other.
  struct EigenRequest
  {
    const PencilMatrix *B     = nullptr;
    unsigned            count = 0;
    EigenProgress       progress; // (none: not told)
  };
  std::vector<EigenPairs> extreme_eigenpairs_together(const FactoredMatrix            &A,
                                                      const std::vector<EigenRequest> &requests,
                                                      EigenEnd end, double tolerance,
                                                      unsigned subspace);
} // namespace lightbody
