#include "solver/pipeline.h"

#include "lightbody/version.h"
#include "meshes/model.h"
#include "post/results.h"
#include "post/writers.h"
#include "solver/cholmod_factor.h"
#include "solver/elastic_problem.h"

#include <deal.II/base/multithread_info.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace lightbody
{
  namespace fs = std::filesystem;

  RunOutcome::RunOutcome()                      = default;
  RunOutcome::~RunOutcome()                     = default;
  RunOutcome::RunOutcome(RunOutcome &&) noexcept = default;

  RunOutcome run_case(const Case &c, const RunOptions &options, StageLog &log)
  {
    if (options.threads > 0)
      {
        dealii::MultithreadInfo::set_thread_limit(options.threads);
        set_blas_threads(options.threads);
      }
    RunOutcome out;
    out.case_data = c;
    {
      StageLog::Scope t(log, "mesh");
      out.model = build_model(out.case_data);
    }
    out.solution = solve_load_cases(*out.model, out.case_data, log);
    {
      StageLog::Scope t(log, "post");
      out.results = compute_results(*out.solution, out.case_data);
    }
    return out;
  }

  void write_results(const RunOutcome &outcome, const StageLog &log, const std::string &out_dir)
  {
    const fs::path target = fs::absolute(fs::path(out_dir)).lexically_normal();
    const fs::path parent = target.parent_path();
    fs::create_directories(parent);
    const std::string tag = "." + target.filename().string() + ".partial-" + std::to_string(getpid());
    const fs::path    tmp = parent / tag;
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    try
      {
        const Results &r = *outcome.results;
        for (unsigned i = 0; i < r.load_cases.size(); ++i)
          write_vtu(r, i, (tmp / (file_stem(r.load_cases[i].name) + ".vtu")).string());
        write_pvd(r, (tmp / "results.pvd").string());
        // The exact case as run and the program that ran it, for anyone who finds the folder.
        std::ofstream(tmp / "case.yaml") << "# lightbody " << version << ", from "
                                         << outcome.case_data.file << " with overrides applied\n"
                                         << outcome.case_data.effective_yaml << "\n";
        write_report_json(r, outcome.case_data, log, (tmp / "report.json").string());
      }
    catch (...)
      {
        fs::remove_all(tmp);
        throw;
      }
    // Swap in: the old folder is moved aside first and removed only once the new one is in place.
    const fs::path old = parent / ("." + target.filename().string() + ".old-" + std::to_string(getpid()));
    if (fs::exists(target))
      fs::rename(target, old);
    fs::rename(tmp, target);
    fs::remove_all(old);
  }
} // namespace lightbody
