#pragma once
// The operators LOBPCG (solver/preconditioned_eigen.cc) works with, on the rows of its blocks
// this process holds: in one process all of them, under an MPI launch with the iterative
// solver each process the rows the solver's matrix gives it, so that no process holds a whole
// block (every call then collective: all processes make it together, in the same order).
#include <cstddef>
#include <functional>
#include <vector>

namespace lightbody
{
  // A product B x spread over the processes, each making its own part: the DoFs (sorted, each
  // once) of x it takes and of y it gives, and its product on them (x and y of dofs.size()
  // entries each, in that order); B x is the sum of the processes' parts (a DoF's entry of y
  // given by several processes is added up).
  struct SpreadProduct
  {
    std::vector<long>                             dofs;
    std::function<void(const double *, double *)> product;
  };

  struct RowOperators
  {
    std::size_t dofs  = 0; // the pencil's size (DoFs)
    std::size_t local = 0; // this process's rows
    // The DoF of each of this process's rows (-1: a row of the solver's own, outside the
    // pencil, kept zero); empty: row i is DoF i.
    std::vector<long> row_dof;

    // y = A x, y = T x (T the preconditioner) and y = B x on this process's rows.
    std::function<void(const double *, double *)> multiply, precondition, pencil;
    // Small data (Gram matrices, inner products) summed over the processes in place: the
    // same values on every process afterwards (in one process: nothing).
    std::function<void(double *, std::size_t)> sum;
    // Rank 0's values to every process (in one process: nothing).
    std::function<void(double *, std::size_t)> broadcast;
    // This process's rows of a vector from rank 0's whole vector (DoF numbering; null off
    // rank 0), and back: `whole` filled on rank 0 only.
    std::function<void(const double *whole, double *rows)> scatter;
    std::function<void(const double *rows, double *whole)> gather;
    bool leads     = true; // rank 0 (or one process): it reports and returns the pairs
    int  processes = 1;    // holding the rows

    long dof(std::size_t row) const
    {
      return row_dof.empty() ? static_cast<long>(row) : row_dof[row];
    }
  };
} // namespace lightbody
