#pragma once
// The processes of an MPI launch (mpirun, mpiexec, srun). lightbody joins MPI only when a launcher
// started it: a plain `lightbody run` loads MPI's start-up only for the iterative solver (PETSc,
// as a world of one), and the worker processes a sweep starts never join a launch.
#include <string>

namespace lightbody
{
  struct MpiWorld
  {
    bool active     = false; // MPI was initialised by start_mpi()
    int  rank       = 0;
    int  size       = 1;
    int  local_size = 1; // processes of this launch on this machine
  };

  // Whether the environment shows an MPI launcher (Open MPI, MPICH / Intel MPI, PMIx).
  bool launched_by_mpi();

  // Initialises MPI when launched_by_mpi(); otherwise returns the single-process world.
  const MpiWorld &start_mpi();

  // The world start_mpi() made (the single-process world before it or without a launcher).
  const MpiWorld &mpi_world();

  // Whether `mine` holds on every process of the launch (collective; `mine` in one process).
  bool every_process(bool mine);

  // Whether `value` is the same on every process of the launch (collective; true in one process).
  bool same_on_every_process(unsigned long long value);

  // A fingerprint of a file's bytes (of nothing where it cannot be read): the processes of a
  // launch compare the copies of the case's files their machines have.
  unsigned long long file_fingerprint(const std::string &path);
  // What is said of such a file whose copies differ ("another machine", "process 2's machine"
  // has another copy).
  std::string other_copy_text(const std::string &whose);

  // Finalises MPI if start_mpi() initialised it.
  void finish_mpi();

  // Removes the launcher's variables (OMPI_*, PMIX_*, PMI_*) from this process's environment: a
  // sweep's worker inherits them, and a point that starts PETSc (the iterative solver) must start
  // MPI as a world of its own, not as a second copy of its launcher's rank.
  void leave_launch_environment();
} // namespace lightbody
