#pragma once
#include "solver/linear_solver.h"
#include "solver/solution.h"
#include "solver/stage_log.h"

#include <memory>
#include <string>

namespace lightbody
{
  // Linear elastic statics of the model for every load case of the case: assemble once, factorise
  // once, one solve per load case. Throws InputError for supports or loads that select nothing and
  // ModelError for an unsupported body, inverted elements or too little memory.
  struct SolverOptions
  {
    // Memory the factorisation may use, in bytes; 0: what the machine has available now.
    double memory_limit_bytes = 0;
    // A folder of fill-reducing orderings, one file per matrix structure: an ordering found
    // there is used instead of computing one, and one computed is stored ("": none). Runs that
    // differ only in gauges or materials (the points of a sweep) share their ordering.
    std::string ordering_cache;
    // Keep the matrix structure and the symbolic factorisation in this process and reuse them in
    // a later run whose DoFs and constraints (or whose matrix structure) are the same: a sweep
    // worker runs many points that differ only in gauges, materials or loads.
    bool         reuse_structure = false;
    LinearSolver linear_solver   = LinearSolver::automatic;
    // The iterative solver stops at this residual relative to the load (||f - K u|| / ||f||).
    double iterative_tolerance      = 1e-9;
    int    iterative_max_iterations = 2000;
    // The iterative solver's smoother solves subdomains of about this many DoFs exactly.
    std::size_t iterative_subdomain_dofs = 10000;
    // Every process of an MPI launch runs this same solve (the SPMD run, the same model on each):
    // each assembles its share of the elements, the matrix is spread over them and factorised
    // by MUMPS; rank 0's Solution is the whole one (the others hold the displacements too, not
    // the reactions nor the eigen analyses'). Without several processes, a plain run.
    bool together = false;
    // A long eigen analysis (buckling, natural frequencies) says how far it has come every this
    // many seconds (its products and converged modes; 0: after every Lanczos step; negative:
    // never).
    double progress_seconds = 30;
  };

  // The memory the machine has available now (MemAvailable), in bytes; where the machine does
  // not say (no MemAvailable in /proc/meminfo), more than any machine has: memory_known is false.
  double      available_memory_bytes();
  inline bool memory_known(double available_bytes) { return available_bytes < 1e18; }
  // What each of `sharing` processes (or sweep points) run at once on this machine may use: 90 %
  // of the memory it has available now, divided among them (memory_known false where the machine
  // does not say).
  double memory_share(int sharing);
  // What this process may use: `limit_bytes` (--max-memory, per process) where given (> 0), else
  // its share of the machine's available memory with the launch's other processes on it.
  double memory_limit(double limit_bytes);
  // This process's resident memory (Linux; 0 where it cannot be read), in bytes.
  double resident_memory_bytes();
  // "1.73 GB", "12 MB", "850 kB": a size in bytes as a person reads it.
  std::string memory_text(double bytes);

  std::unique_ptr<Solution> solve_load_cases(const Model &model, const Case &c, StageLog &log,
                                             const SolverOptions &options = {});
} // namespace lightbody
