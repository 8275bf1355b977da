#pragma once
// The whole run as a library call: Case -> Model -> Solution -> Results -> files. No global
// state (but for the matrix structures kept with RunOptions::reuse_structure): a script or a
// sweep can call it many times in one process.
#include "input/case.h"
#include "solver/linear_solver.h"
#include "solver/stage_log.h"

#include <memory>
#include <string>

namespace lightbody
{
  class Model;
  class Solution;
  class Results;

  struct RunOptions
  {
    int    threads            = 0; // 0: all cores
    double memory_limit_bytes = 0; // for the factorisation; 0: the memory available
    // A folder where fill-reducing orderings are kept between runs of the same matrix structure
    // ("": none); see SolverOptions::ordering_cache.
    std::string ordering_cache;
    // Keep the matrix structure and symbolic factorisation for later runs in this process; see
    // SolverOptions::reuse_structure.
    bool reuse_structure = false;
    // --solver: direct, iterative, or automatic (direct unless its factor does not fit).
    LinearSolver linear_solver = LinearSolver::automatic;
  };

  struct RunOutcome
  {
    RunOutcome();
    ~RunOutcome();
    RunOutcome(RunOutcome &&) noexcept;
    RunOutcome &operator=(RunOutcome &&) noexcept;
    // Declared in this order so that results go before the solution and the solution before
    // the model they refer to.
    Case                      case_data;
    std::unique_ptr<Model>    model;
    std::unique_ptr<Solution> solution;
    std::unique_ptr<Results>  results;
    // The SPMD run (under mpirun): every process solved together; rank 0 alone has results,
    // and every process writes its piece of the .vtu files (write_results, write_result_pieces).
    bool together = false;
  };

  // Meshes, solves and post-processes a case. Under an MPI launch of several processes every
  // process calls it (the SPMD run, app/main.cc): the solve is made together, and only rank 0's
  // outcome has results (the others' have none).
  RunOutcome run_case(const Case &c, const RunOptions &options, StageLog &log);

  // What a run writes: report.json, report.md and case.yaml always; `fields` adds the .vtu files
  // (and results.pvd, modal.vtu); `full` (the default) adds the pictures.
  enum class OutputLevel
  {
    summary,
    fields,
    full
  };

  // Writes the result files into `out_dir`: first into a temporary folder beside it, moved into
  // place only when complete, so that a failed run never leaves a folder that looks complete.
  // `renderer`: the lightbody-render program for report.md's picture ("" for none: the report
  // then says so).
  // `fields`: the point fields of the .vtu files (names or patterns; empty: all). report.json
  // gets the time of writing the .vtu files (`write_fields`) and of the pictures (`picture`,
  // rendered while the other files are written).
  void write_results(const RunOutcome &outcome, const StageLog &log, const std::string &out_dir,
                     const std::string &renderer = "", OutputLevel level = OutputLevel::full,
                     const std::vector<std::string> &fields = {});
  // The other processes of the SPMD run: their pieces of the .vtu files that rank 0's
  // write_results makes (into the folder rank 0 is writing, which must be on a file system they
  // share); returns when rank 0 is done with them or could not write.
  void write_result_pieces(const RunOutcome &outcome);
  // The SPMD run, by every process before any work, where the processes will write pieces of the
  // .vtu files: that each of them sees the folder rank 0 writes the result beside (`out_dir`, as
  // rank 0 reads it), else a cluster's run would find at its end, after the solve, that the
  // pieces cannot be written. Throws OutputFolderError on every process where one does not.
  void check_shared_result_folder(const std::string &out_dir);
  // Throws std::invalid_argument naming a --fields item that matches no result field.
  void check_field_names(const std::vector<std::string> &fields);

  struct MeshQuality;
  // Meshes a case without solving and writes the mesh view (model.vtu, mesh.json, case.yaml)
  // the same atomic way. Throws ModelError for inverted or degenerate elements.
  MeshQuality mesh_case(const Case &c, const std::string &out_dir, StageLog &log);
  // Meshes a case and writes its CalculiX deck (out_dir/<case>.inp) and case.yaml the same
  // atomic way; returns the deck's path.
  std::string export_ccx(const Case &c, const std::string &out_dir, StageLog &log);
} // namespace lightbody
