#pragma once
// Shared by the PETSc solvers of this folder (distributed_factor.cc, iterative_solver.cc), not
// by the rest of the program: PETSc's start and the commands rank 0 sends to the other ranks of
// an MPI launch.
#include <petscmat.h>

namespace lightbody::petsc
{
  // Starts PETSc in this process if it is not yet running (in one process: on first use, and
  // finalised at exit).
  void start();
  int  rank(); // in MPI_COMM_WORLD (0 in one process)
  int  size(); // processes of the launch (1 in one process)
  // Rank 0 leading (lead_servers): sends {command, n} to the other ranks (else nothing).
  void broadcast(int command, long n = 0);
  // Throws std::runtime_error for a PETSc error code, naming `what`.
  void check(int code, const char *what);
  // Collective: assembles the symmetric positive definite matrix A (its values set) and makes
  // its vectors.
  void assemble_spd(Mat A, Vec *x, Vec *b);

  // The commands: the direct factorisation's, then the iterative solver's.
  enum Command : int
  {
    stop_serving           = 0,
    new_matrix             = 1,
    analyse_it             = 2,
    factorise_it           = 3,
    solve_it               = 4,
    free_it                = 5,
    solve_shared           = 6, // the solves and products of a factor made together (SPMD run)
    multiply_shared        = 7,
    release                = 8, // rank 0 works with the others again; n: its status
    solve_it_columns       = 9, // solves of several right-hand sides at once; n: how many
    iterative_matrix       = 10,
    iterative_solve        = 11,
    iterative_free         = 12,
    solve_shared_columns   = 13,
    basis_new              = 14, // a Lanczos basis spread by the shared factor's rows; n: its id
    basis_orthogonalise    = 15,
    basis_set              = 16,
    basis_restart          = 17,
    basis_combine          = 18,
    basis_free             = 19,
    iterative_multiply     = 20, // a product with the iterative solver's matrix
    iterative_precondition = 21, // one application of its preconditioner
    iterative_eigen        = 22  // LOBPCG by rows on every process; n: B's index (served matrices)
  };
} // namespace lightbody::petsc
