// lightbody: the command-line driver. It parses arguments, calls the pipeline and maps errors to
// exit codes; everything else lives in the library.
#include "lightbody/version.h"
#include "post/mesh_view.h"
#include "post/results.h"
#include "solver/case_reader.h"
#include "solver/errors.h"
#include "solver/pipeline.h"
#include "solver/templates.h"

#include <cstdio>
#include <filesystem>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace
{
  // Exit codes, documented in the README.
  enum Exit
  {
    ok              = 0,
    usage_error     = 1,
    input_error     = 2,
    criterion_failed = 3, // solved, written, but a utilization above 1
    model_error     = 4,
    internal_error  = 5
  };

  const char *usage = R"(usage:
  lightbody run CASE [--out DIR] [--set KEY=VALUE ...] [--threads N] [--max-memory GB] [--quiet]
  lightbody mesh CASE [--out DIR] [--set KEY=VALUE ...] [--quiet]
  lightbody cases CASE [--set KEY=VALUE ...]
  lightbody --help
  lightbody --version

run       mesh, solve and post-process the case file CASE (YAML).
mesh      mesh only: write the model (parts, named surfaces, supports, joints) and its quality
          (default folder: results/<case name>-mesh).
cases     list the load cases of CASE as they will run, design_loads templates expanded, with
          their loads, supports and limits (nothing is solved or written).
--out     result folder (default: results/<case name>). Written atomically: a failed run
          leaves an earlier folder untouched.
--set     override a value of the case, e.g. --set parts.floor.thickness="6 mm"
          (repeatable; the value is YAML; list items by index, e.g. load_cases.a.pressures.0.value)
--threads threads for assembly and factorisation (default: all cores)
--max-memory  memory the factorisation may use, in GB (default: what is available); a larger
          model stops before factorising, with the estimate
--quiet   no progress lines on stderr

exit codes: 0 success, 1 bad command line, 2 bad case file, 3 design criterion failed,
            4 model cannot be solved (free body, singular or too large), 5 internal or I/O error
)";

  int fail(int code, const std::string &message)
  {
    std::cerr << "lightbody: error: " << message << "\n";
    return code;
  }
} // namespace

int main(int argc, char **argv)
{
  using namespace lightbody;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    {
      std::cerr << usage;
      return usage_error;
    }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help")
    {
      std::cout << usage;
      return ok;
    }
  if (args[0] == "--version")
    {
      std::cout << "lightbody " << version << "\n";
      return ok;
    }
  if (args[0] != "run" && args[0] != "mesh" && args[0] != "cases")
    return fail(usage_error, "unknown command \"" + args[0] + "\" (see lightbody --help)");
  const bool mesh_only  = args[0] == "mesh";
  const bool cases_only = args[0] == "cases";

  std::string           case_path, out_dir;
  std::vector<Override> overrides;
  RunOptions            options;
  bool                  quiet = false;
  try
    {
      for (std::size_t i = 1; i < args.size(); ++i)
        {
          const std::string &a     = args[i];
          auto               value = [&](const char *flag) -> std::string {
            if (i + 1 >= args.size())
              throw std::invalid_argument(std::string(flag) + " needs a value");
            return args[++i];
          };
          if (a == "--out")
            out_dir = value("--out");
          else if (a == "--set")
            overrides.push_back(parse_override(value("--set")));
          else if (a.rfind("--set=", 0) == 0)
            overrides.push_back(parse_override(a.substr(6)));
          else if (a == "--threads")
            {
              const std::string v = value("--threads");
              options.threads     = std::atoi(v.c_str());
              if (options.threads < 1)
                throw std::invalid_argument("--threads needs a whole number >= 1, not \"" + v + "\"");
            }
          else if (a == "--max-memory")
            {
              const std::string v = value("--max-memory");
              char             *end;
              const double      gb = std::strtod(v.c_str(), &end);
              if (end == v.c_str() || !(gb > 0) || (*end && std::string(end) != "GB"))
                throw std::invalid_argument("--max-memory needs a size in GB such as 8 or 0.5GB, not \"" + v + "\"");
              options.memory_limit_bytes = gb * 1e9;
            }
          else if (a == "--quiet")
            quiet = true;
          else if (!a.empty() && a[0] == '-')
            throw std::invalid_argument("unknown option \"" + a + "\" (see lightbody --help)");
          else if (case_path.empty())
            case_path = a;
          else
            throw std::invalid_argument("more than one case file given (\"" + case_path +
                                        "\" and \"" + a + "\")");
        }
      if (case_path.empty())
        throw std::invalid_argument(args[0] + " needs a case file (see lightbody --help)");
    }
  catch (const InputError &e)
    {
      return fail(usage_error, e.what());
    }
  catch (const std::invalid_argument &e)
    {
      return fail(usage_error, e.what());
    }

  StageLog log(quiet ? std::function<void(const std::string &)>()
                     : [](const std::string &line) { std::cerr << "lightbody: " << line << "\n"; });
  try
    {
      const Case c = read_case(case_path, overrides);
      if (cases_only)
        {
          std::cout << c.name << ": " << c.load_cases.size() << " load case(s)\n";
          for (const auto &lc : c.load_cases)
            {
              std::cout << "\n" << lc.name << "\n";
              if (!lc.description.empty())
                std::cout << "  " << lc.description << "\n";
              for (const auto &line : describe_loads(lc))
                std::cout << "  - " << line << "\n";
            }
          return ok;
        }
      if (out_dir.empty())
        out_dir = "results/" + c.name + (mesh_only ? "-mesh" : "");
      if (mesh_only)
        {
          const MeshQuality q = mesh_case(c, out_dir, log);
          char              line[256];
          std::snprintf(line, sizeof(line),
                        "quality: min scaled Jacobian %.3f (%s), max aspect ratio %.1f (%s)",
                        q.min_scaled_jacobian, q.min_scaled_jacobian_part.c_str(),
                        q.max_aspect_ratio, q.max_aspect_ratio_part.c_str());
          log.message(line);
          std::cout << "mesh: " << out_dir << "\n";
          return ok;
        }
      RunOutcome outcome = run_case(c, options, log);
      for (const auto &lc : outcome.results->load_cases)
        {
          char line[256];
          std::snprintf(line, sizeof(line),
                        "%s: max von Mises %.2f MPa (%s), max displacement %.3f mm, "
                        "equilibrium error %.1e%s",
                        lc.name.c_str(), lc.max_von_mises_MPa, lc.max_von_mises_part.c_str(),
                        lc.max_displacement_mm, lc.equilibrium_error,
                        lc.utilization.empty() ? ""
                                               : (", utilization " + std::to_string(lc.max_utilization) +
                                                  (lc.passed ? " (pass)" : " (FAIL)")).c_str());
          log.message(line);
        }
      {
        StageLog::Scope t(log, "write");
        // The renderer for report.md's picture sits beside this program.
        std::error_code   ec;
        const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
        const std::string renderer =
          ec ? std::string() : (std::filesystem::path(self).parent_path() / "lightbody-render").string();
        write_results(outcome, log, out_dir, renderer);
      }
      std::cout << "results: " << out_dir << "\n";
      std::string failed;
      for (const auto &lc : outcome.results->load_cases)
        if (!lc.passed)
          {
            char line[512];
            if (lc.max_utilization > 1)
              std::snprintf(line, sizeof line, "load case \"%s\": utilization %.3f at part \"%s\" exceeds 1",
                            lc.name.c_str(), lc.max_utilization, lc.max_utilization_part.c_str());
            else
              std::snprintf(line, sizeof line,
                            "load case \"%s\": displacement %.1f mm exceeds the limit %.1f mm",
                            lc.name.c_str(), lc.max_displacement_mm, lc.deflection_limit_mm);
            failed += (failed.empty() ? "" : "\n") + std::string(line);
          }
      if (!failed.empty())
        return fail(criterion_failed, failed);
      return ok;
    }
  catch (const InputError &e)
    {
      for (const auto &d : e.diagnostics())
        std::cerr << d.to_string() << "\n";
      return fail(input_error, std::to_string(e.diagnostics().size()) +
                                 " problem(s) in the case; nothing was written");
    }
  catch (const ModelError &e)
    {
      return fail(model_error, std::string(e.what()) + "; nothing was written");
    }
  catch (const std::exception &e)
    {
      return fail(internal_error, e.what());
    }
}
