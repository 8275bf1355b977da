#pragma once
#include <cstddef>
namespace lightbody
{
  // The linear solver of a run: the sparse direct factorisation (CHOLMOD in one process, MUMPS
  // over the processes of an MPI launch), or conjugate gradients preconditioned by algebraic
  // multigrid (PETSc GAMG with the rigid-body modes) for models whose factor does not fit in
  // memory. automatic: direct unless its factor would need more memory than may be used.
  enum class LinearSolver
  {
    automatic,
    direct,
    iterative
  };

  // The iterative solver's work in a run: its solves, their iterations (the most of one, and
  // all of them), time and largest relative residual, and the preconditioner's set-up time,
  // levels and grid complexity (of the last made).
  struct IterativeStatistics
  {
    unsigned solves = 0, iterations_max = 0;
    long     iterations_total = 0;
    double   seconds = 0, residual_max = 0, preconditioner_seconds = 0;
    int      levels          = 0;
    double   grid_complexity = 0;
    // The multigrid's smoother: exact solves on subdomains of this many DoFs, or (0) the
    // inverse of each through-thickness line's block where those would not fit in memory.
    std::size_t subdomain_dofs = 0;
  };
} // namespace lightbody
