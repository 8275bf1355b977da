#pragma once
// What the tests' MPI programs share (run under mpirun by their .py scripts): MPI started as
// lightbody starts it (MPI_THREAD_SERIALIZED, then PETSc for the shared factors), this process's
// rank and the processes, and the failures of this process's checks, each said on stderr with
// its rank (the first ten).
#include "solver/distributed_factor.h"

#include <mpi.h>

#include <cstdio>
#include <string>

namespace lightbody::testing
{
  class MpiProgram
  {
  public:
    MpiProgram(int &argc, char **&argv)
    {
      int provided = 0;
      MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
      MPI_Comm_rank(MPI_COMM_WORLD, &rank);
      MPI_Comm_size(MPI_COMM_WORLD, &processes);
      start_distributed_factors(processes);
    }
    MpiProgram(const MpiProgram &)            = delete;
    MpiProgram &operator=(const MpiProgram &) = delete;

    void fail(const std::string &what)
    {
      if (failures_++ < 10)
        std::fprintf(stderr, "rank %d: FAILED: %s\n", rank, what.c_str());
    }
    // Finishes PETSc and MPI; the program's exit code: 0 when every check held on this process.
    int finish()
    {
      finish_distributed_factors();
      MPI_Finalize();
      return failures_ == 0 ? 0 : 1;
    }

    int rank = 0, processes = 1;

  private:
    int failures_ = 0;
  };
} // namespace lightbody::testing
