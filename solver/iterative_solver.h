#pragma once
// Preconditioned conjugate gradients for models whose direct factor does not fit in memory:
// PETSc's CG with a smoothed-aggregation multigrid (GAMG), given the six rigid-body modes of
// every node so that it coarsens an elastic body as a body (plain AMG on a thin-walled body
// needs thousands of iterations): two levels smoothed by exact solves on subdomains (additive
// Schwarz) with the coarse level factorised, or GAMG's levels smoothed block-wise. In one
// process PETSc is started on first use; under mpirun the rows are spread over the processes
// (each process giving its share of the matrix, set_matrix_together, or rank 0 sending them all),
// the others then serving rank 0's commands (see distributed_factor.h). PETSc stays inside the
// .cc.
#include "solver/row_operators.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lightbody
{
  struct IterativeOutcome
  {
    int    iterations = 0;
    double residual   = 0; // ||b - A x|| / ||b||
    bool   converged  = false;
    // Why it stopped short ("did not converge" when out of iterations; "found the stiffness or
    // its preconditioner not positive definite ...", ...), or "converged".
    std::string reason = "converged";
  };

  class IterativeSolver
  {
  public:
    IterativeSolver();
    ~IterativeSolver();
    IterativeSolver(const IterativeSolver &)            = delete;
    IterativeSolver &operator=(const IterativeSolver &) = delete;

    // Fills the columns and values of row i of the symmetric matrix (both halves).
    using RowFunction = std::function<void(std::size_t, std::vector<int> &, std::vector<double> &)>;

    // The matrix of n DoFs, three per node: DoFs 3k, 3k + 1, 3k + 2 are the x, y and z
    // displacements of node k, whose coordinates are node_coordinates[3k .. 3k + 2] (the
    // rigid-body modes are made from them; NaN: a placeholder, outside the modes). Then the
    // preconditioner: its set-up time in seconds is returned.
    // `block`: the matrix's block size, a multiple of 3 (DoFs that belong together: the
    // multigrid aggregates them as one and never splits them between subdomains).
    // `subdomain_dofs`: the size of the smoother's subdomains (consecutive rows; at least one
    // per process); 0: no subdomains, the multigrid's levels smoothed by the inverse of each
    // block (several times the iterations, no less memory; see the .cc).
    // `copied`: called once the rows have been read, before the preconditioner is made (the
    // caller may free its own matrix there to lower the peak).
    double set_matrix(std::size_t n, const RowFunction &row,
                      const std::vector<double> &node_coordinates, unsigned block = 3,
                      std::size_t subdomain_dofs = 10000, const std::function<void()> &copied = {});
    // Under an MPI launch, called by every process together (not while rank 0 leads them):
    // the same matrix from the processes' shares, each giving the rows of its own share
    // (`share_row`, empty rows where it has none; the shares are added up) and every node's
    // coordinates, so that no process holds the whole matrix. Rank 0's object then solves and
    // multiplies as after set_matrix, the others serving its commands; every process destroys
    // its object at the same point (collective). In one process the same as set_matrix.
    double set_matrix_together(std::size_t n, const RowFunction &share_row,
                               const std::vector<double> &node_coordinates, unsigned block,
                               std::size_t subdomain_dofs, const std::function<void()> &copied);
    // Solves A x = b in place (b and x on rank 0) to a relative residual `tolerance`, starting
    // from zero; at most `max_iterations`.
    IterativeOutcome solve(double *b_in_x_out, double tolerance, int max_iterations) const;

    // y = A x (x and y on rank 0, in the solver's numbering).
    void multiply(const double *x, double *y) const;
    // y = T x for the preconditioner T, an approximate inverse of A, symmetric positive
    // definite (one multigrid cycle; x and y on rank 0, in the solver's numbering).
    void precondition(const double *x, double *y) const;

    // Under an MPI launch, by every process together after set_matrix_together: the DoF of each
    // of the solver's rows (-1: a placeholder) and the DoFs in all, for spread_rows.
    void set_numbering(std::vector<long> row_dof, std::size_t dofs);
    bool numbered() const; // (set_numbering called for this matrix)
    // Rank 0 leading the others: asks them to join an eigen analysis (LOBPCG) whose blocks each
    // process holds by the rows of this matrix it owns, and gives rank 0's operators on them:
    // products with A and the preconditioner on the rows, with B through each process's part
    // of it (`part`, in DoF numbering), B being the matrix of index `pencil` among those the
    // others hold while they serve (serve_rank0).
    RowOperators spread_rows(long pencil, SpreadProduct part) const;

    // The memory per DoF and process this solver adds to what the run holds when it is given
    // the matrix (measured, see the .cc; the caller's own copy of the matrix freed by `copied`):
    // `subdomain_dofs` as for set_matrix.
    static double added_bytes_per_dof(std::size_t subdomain_dofs, int processes);

    int         processes() const;
    std::size_t nonzeros() const;        // the matrix's entries (both halves)
    double      grid_complexity() const; // unknowns on all levels / unknowns of the finest
    int         levels() const;
    // The size of the subdomains the finest level's smoother solves (as asked, or a smoother
    // PETSC_OPTIONS chose; 0: none, e.g. line blocks).
    std::size_t subdomain_dofs() const;

    struct Impl; // (also what the other ranks hold while they serve)

  private:
    std::unique_ptr<Impl> impl_;
    bool follower_ = false; // ranks 1..N-1 after set_matrix_together: the servers' objects
  };

  // What the eigen analyses of a support set will cost with this solver, said when it takes the
  // set: `analyses` analyses (buckling load cases, or one vibration analysis) of up to `modes`
  // modes each, LOBPCG's (see the .cc).
  std::string iterative_eigen_note(unsigned modes, std::size_t analyses);

  // Ranks 1..N-1 of a launch: carries out the iterative solver's command `message` (from the
  // loop of serve_distributed_factors); false if the command is not one of its own.
  bool serve_iterative_command(const long message[2]);
  // Ranks 1..N-1: their part of the eigen analysis rank 0 began with spread_rows, B's products
  // through their `part` of it (that of the matrix the command named).
  void serve_iterative_eigen(SpreadProduct part);
} // namespace lightbody
