#pragma once
// Parametric studies: `lightbody sweep`. Every point of the study is a `lightbody run` of the case
// with its own --set values and its own folder, run by one of a few worker processes (one per
// job, each running its points one after another); a failed point becomes a row with its error,
// a worker that dies is replaced, and DIR/sweep.csv gathers one row per point.
#include "app/pipeline.h"
#include "input/case_reader.h"
#include "solver/stage_log.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lightbody
{
  // One --vary: a dotted key (as for --set) and its values (YAML text each).
  struct SweepVariable
  {
    std::string              key;
    std::vector<std::string> values;
  };

  // Parses "KEY=V1,V2,..."; commas inside [], {} or quotes belong to a value ("[0, 0, 1]").
  // Throws std::invalid_argument naming the argument.
  SweepVariable parse_vary(const std::string &argument);

  // The points of the study, each one value per variable: the full factorial (the last variable
  // varies fastest) or, with `zip`, the i-th values together (the lists must be equally long).
  std::vector<std::vector<std::string>> sweep_points(const std::vector<SweepVariable> &vary,
                                                     bool                              zip);

  struct SweepOptions
  {
    std::string                case_path;
    std::vector<Override>      overrides; // --set values common to every point
    std::vector<SweepVariable> vary;
    bool                       zip     = false;
    unsigned                   jobs    = 0; // points at a time; 0: one per core
    int                        threads = 0; // per point; 0: the cores shared among the jobs
    double                     memory_limit_bytes = 0; // per point; 0: the run's own default
    LinearSolver               linear_solver = LinearSolver::automatic; // --solver of the points
    OutputLevel                output        = OutputLevel::summary;
    std::string                out_dir;
    std::string                program; // the lightbody executable that runs a point
  };

  struct SweepLoadCase
  {
    std::string name;
    double      max_utilization = -1; // -1: no design check
    std::string governing_part;
    bool        passed          = true;
    double      buckling_factor = -1; // lowest load factor; -1: not analysed
  };

  struct SweepRow
  {
    std::size_t                   point = 0; // 1-based
    std::vector<std::string>      values;    // one per variable
    std::string                   folder;    // relative to the sweep folder
    std::string                   status;    // "ok" or "failed"
    int                           exit_code = 0;
    std::string                   verdict; // PASS, FAIL, CONDITIONAL; empty when failed
    double                        total_mass_kg = 0;
    std::map<std::string, double> mass_by_material_kg;
    std::vector<SweepLoadCase>    load_cases;
    double                        seconds = 0;
    std::string                   error;
    // The factorisations' orderings: taken from the sweep's ordering cache, and their time.
    bool   ordering_reused  = false;
    double ordering_seconds = 0;
    // The matrix structure and symbolic factorisations kept from an earlier point run by the
    // same worker; the setup stage's time (DoFs, constraints, matrix structure).
    bool   structure_reused = false;
    double setup_seconds    = 0;
  };

  // The row of a point from its report.json text (values, folder, status and time not set).
  SweepRow sweep_row_from_report(const std::string &report_json);

  // sweep.csv: point, the variables, status, verdict, masses, per load case utilization,
  // governing part, pass and buckling factor, run time, folder, error.
  std::string sweep_csv(const std::vector<SweepVariable> &vary, const std::vector<SweepRow> &rows);

  // Checks the variables before any point runs: a key whose values all fail to read (an unknown
  // key, a part the body does not have) is an InputError naming the --vary argument. Values that
  // fail only at some points are left to those points' rows.
  void check_sweep_variables(const SweepOptions &options);

  // Runs the study into options.out_dir (written like a result folder: refused when it is not
  // lightbody's, swapped into place when complete), one line of progress on `log` per finished
  // point. Returns the rows in point order.
  std::vector<SweepRow> run_sweep(const SweepOptions &options, StageLog &log);

  // The worker side of run_sweep (`lightbody sweep-worker`, started by the sweep, not by hand):
  // reads one point per line on standard input, {"log": FILE, "args": ["run", CASE, ...]},
  // runs `run_point(args)` with standard output and error going to FILE, and answers
  // "exit N" on its original standard output; returns 0 at the end of the input. The points
  // run in one process, so that those with the matrix structure of an earlier one reuse it
  // and its symbolic factorisation (RunOptions::reuse_structure).
  int serve_sweep_points(const std::function<int(const std::vector<std::string> &)> &run_point);

  // Under mpirun with N > 1 processes (app/mpi_world.h) rank 0 runs the sweep (run_sweep) and
  // hands its points to the other ranks too, one at a time each: what ranks 1..N-1 do, until rank
  // 0 releases them, is serve_sweep_rank: each point goes to a worker process of the rank's own
  // (`program sweep-worker`, as above), with --threads set to the machine's cores shared among
  // the launch's processes on it unless the sweep gave --threads. The folders are written where
  // rank 0 says: the machines share the file system. Returns 0.
  int serve_sweep_rank(const std::string &program);

  // Releases ranks 1..N-1 from serve_sweep_rank (once; nothing outside an MPI launch): rank 0
  // calls it before it ends, whatever the command did.
  void release_sweep_ranks();
} // namespace lightbody
