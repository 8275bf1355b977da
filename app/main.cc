// lightbody: the command-line driver. It parses arguments, calls the pipeline and maps errors to
// exit codes; everything else lives in the library.
#include "lightbody/version.h"
#include "post/mesh_view.h"
#include "post/result_folder.h"
#include "post/results.h"
#include "input/case_reader.h"
#include "input/errors.h"
#include "input/keys.h"
#include "app/pipeline.h"
#include "app/size.h"
#include "app/mpi_world.h"
#include "app/sweep.h"
#include "solver/distributed_factor.h"
#include "solver/fingerprint.h"
#include "solver/huge_pages.h"
#include "input/templates.h"

#include <mpi.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <cmath>
#include <cstring>
#include <thread>
#include <algorithm>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace lightbody;

namespace
{
  // Exit codes, documented in the README.
  enum Exit
  {
    ok               = 0,
    usage_error      = 1,
    input_error      = 2,
    criterion_failed = 3, // verdict FAIL: solved, written, but a check failed
    model_error      = 4,
    internal_error   = 5,
    conditional      = 6, // verdict CONDITIONAL: the checks made pass, some rest on conditions
    points_failed    = 7  // sweep: sweep.csv written, some points failed (their rows say why)
  };

  const char *usage = R"(usage:
  lightbody run CASE [--out DIR] [--set KEY=VALUE ...] [--threads N] [--max-memory GB]
                     [--solver auto|direct|iterative] [--quiet]
  lightbody mesh CASE [--out DIR] [--set KEY=VALUE ...] [--quiet]
  lightbody cases CASE [--set KEY=VALUE ...]
  lightbody export CASE --format ccx [--out DIR] [--set KEY=VALUE ...] [--quiet]
  lightbody sweep CASE --vary KEY=V1,V2,... [--vary ...] [--zip] [--jobs N] [--out DIR] [...]
  lightbody size CASE --parts P1,P2,... --gauges 3,4,5,6,8 [--materials M1,...] [--out DIR] [...]
  lightbody keys
  lightbody COMMAND --help
  lightbody --version
  mpirun -np N lightbody run|sweep ...   (the model and its factorisations, or the points, over N processes)

run       mesh, solve and post-process the case file CASE (YAML).
mesh      mesh only: write the model (parts, named surfaces, supports, joints) and its quality.
cases     list the load cases of CASE as they will run (nothing is solved or written).
export    write the model of CASE as a CalculiX (Abaqus-format) input deck, for a cross-check.
sweep     run CASE at every combination of the --vary values; DIR/sweep.csv, one row per point.
size      the lightest catalogue gauges of the given parts for which every check passes.
keys      print every key a case file may hold, with its default (Markdown).

exit codes: 0 success (verdict PASS, or nothing to check), 1 bad command line or --out
            folder, 2 bad case file, 3 verdict FAIL, 4 model cannot be solved (free body,
            mechanism, non-finite results, too large), 5 internal or I/O error, 6 verdict
            CONDITIONAL (the checks made pass; report.md lists what was not checked or assumed),
            7 sweep: some points failed (sweep.csv says why); size: 0 a passing design found,
            3 none within the catalogue
)";

  const char *out_help =
    R"(--out DIR     result folder (default: results/<case name>)REPLACE. Written atomically: a
              failed run leaves an earlier folder untouched. An existing DIR is replaced only
              when lightbody wrote it (it holds the .lightbody marker and nothing else); any
              other folder, a file or a symbolic link is refused (exit 1) and left as it is.
)";
  const char *set_help =
    R"(--set K=V     override a value of the case, e.g. --set parts.floor.thickness="6 mm"
              (repeatable; the value is YAML; list items by index, e.g.
              load_cases.a.pressures.0.value or load_cases.a.pressures[0].value)
)";

  std::string command_usage(const std::string &command)
  {
    std::string out = out_help;
    if (command == "run")
      {
        out.replace(out.find("REPLACE"), 7, "");
        return "usage: lightbody run CASE [--out DIR] [--set KEY=VALUE ...] [--threads N] "
               "[--max-memory GB] [--solver S] [--output LEVEL] [--fields LIST] "
               "[--quiet]\n\nMeshes, solves and "
               "post-processes "
               "CASE and writes "
               "the result folder (see the README's Output files).\n\n" +
               out + set_help +
               "--threads N   threads for assembly and factorisation, 1 to 4 x the cores "
               "(default: all cores)\n"
               "--max-memory GB  memory the run may use, in GB (default: 90 % of what is "
               "available);\n              a larger model stops before meshing, or is solved "
               "iteratively when\n              the direct factor would not fit (see --solver)\n"
               "--solver S    auto (default): the direct sparse factorisation unless its factor "
               "would not\n              fit in memory, then conjugate gradients with algebraic "
               "multigrid; direct;\n              iterative\n"
               "--output LEVEL  summary: report.json, report.md, case.yaml; fields: also the "
               ".vtu files;\n              full (default): also the pictures\n"
               "--fields LIST  the .vtu files' point fields, names or patterns (default: all), "
               "e.g.\n              displacement_mm,von_mises_MPa,utilization,principal_*\n"
               "--ordering-cache DIR  keep fill-reducing orderings in DIR and reuse them for "
               "matrices of the same\n              structure (runs that differ only in gauges or "
               "materials; sweeps do this)\n"
               "--quiet       no progress lines on stderr\n";
      }
    if (command == "sweep")
      {
        out.replace(out.find("REPLACE"), 7, "-sweep");
        return "usage: lightbody sweep CASE --vary KEY=V1,V2,... [--vary ...] [--zip] [--jobs N] "
               "[--out DIR]\n       [--set KEY=VALUE ...] [--threads N] [--max-memory GB] "
               "[--output LEVEL] [--quiet]\n\n"
               "Runs CASE once per point of the study, each point a `lightbody run` with its "
               "values set,\nin DIR/point_NNN (logs in DIR/logs); DIR/sweep.csv holds one row per "
               "point: the values,\nstatus, verdict, masses (total and per material), per load "
               "case the largest utilization,\nits part, pass/fail and the lowest buckling "
               "factor, the run time and any error. A point\nthat fails is a row with its error; "
               "the others go on.\n\n"
               "--vary K=V1,V2  a key as for --set and its values (commas inside [] or quotes "
               "belong to the\n              value); several --vary: every combination\n"
               "--zip         pair the i-th values of every --vary instead (equal lengths)\n"
               "--jobs N      points run at a time, by worker processes that each run their points "
               "in turn and\n              reuse the matrix structure of the last (default: the "
               "cores)\n"
               "--threads N   threads per point (default: the cores shared among the jobs)\n"
               "--max-memory GB  memory per point (default: 90 % of what is available, shared "
               "among the\n"
               "                 points run at once)\n"
               "--solver S    as for run\n"
               "--output LEVEL  of each point: summary (default), fields or full\n" +
               out + set_help + "--quiet       no progress lines on stderr\n";
      }
    if (command == "size")
      {
        out.replace(out.find("REPLACE"), 7, "-size");
        return "usage: lightbody size CASE --parts P1,P2,... --gauges 3,4,5,6,8 [--materials "
               "M1,M2,...]\n       [--out DIR] [--set KEY=VALUE ...] [--threads N] [--max-memory "
               "GB] [--max-iterations N]\n       [--solver S] [--output LEVEL] [--quiet]\n\n"
               "Finds the lightest assignment of catalogue gauges to the parts for which every "
               "load case\npasses (stress utilization, buckling factors, the ADR minimum "
               "thickness), by fully stressed\ndesign: each solve moves every group to the "
               "smallest gauge its utilization allows, until the\ngauges repeat; the lightest "
               "passing design is checked once more with the case's convergence\ncheck. Writes "
               "DIR/sized.yaml (run it with lightbody run), sizing.md, sizing.json and the\nfinal "
               "run's result folder DIR/result.\n\n"
               "--parts P,..  part names or patterns (* any characters, ? one); the parts of one "
               "pattern\n              share a gauge\n"
               "--gauges G,.. the catalogue in mm\n"
               "--materials M,..  size the parts in each material in turn and keep the lightest "
               "(default:\n              the parts keep theirs)\n"
               "--max-iterations N  solves before the final check (default 12)\n"
               "--output LEVEL  of DIR/result: summary (default), fields or full\n" +
               out + set_help +
               "--threads N, --max-memory GB, --solver S  as for run\n--quiet       no "
               "progress lines on stderr\n";
      }
    if (command == "export")
      {
        out.replace(out.find("REPLACE"), 7, "-ccx");
        return "usage: lightbody export CASE --format ccx [--out DIR] [--load-cases A,B] "
               "[--set KEY=VALUE ...]\n       [--quiet]\n\n"
               "Writes DIR/<case>.inp, the model of CASE as a CalculiX (Abaqus-format) deck: nodes "
               "and C3D20R\nbricks (the 27-node cells without face and centre nodes), materials, "
               "ties (*TIE), fixed\nsupports (*BOUNDARY) and springs, one *STATIC step per load "
               "case (GRAV, pressures as\n*DLOAD, point loads as *CLOAD), probes as node sets with "
               "*NODE PRINT; and case.yaml.\nRun it with `ccx <case>` in DIR. Elastic beddings, "
               "liquid and distributed loads and edge\nloads are refused (exit 2): leave such load "
               "cases out with --load-cases.\n\n"
               "--format ccx  the deck's format (CalculiX)\n"
               "--load-cases A,B  only these load cases (default: all)\n" +
               out + set_help + "--quiet       no progress lines on stderr\n";
      }
    if (command == "mesh")
      {
        out.replace(out.find("REPLACE"), 7, "-mesh");
        return "usage: lightbody mesh CASE [--out DIR] [--set KEY=VALUE ...] [--quiet]\n\n"
               "Meshes CASE without solving: model.vtu, mesh.json (parts, joints, quality) and "
               "case.yaml.\n\n" +
               out + set_help + "--quiet       no progress lines on stderr\n";
      }
    return "usage: lightbody cases CASE [--set KEY=VALUE ...]\n\nLists the load cases of CASE "
           "as they will run, design_loads templates expanded, with their loads,\nsupports and "
           "limits. Nothing is solved or written.\n\n" +
           std::string(set_help);
  }

  // Reads the whole of `text` with `parse` (std::stol, std::stod); false when anything is left
  // over ("2abc"), the text is empty or starts with a space, or the number overflows.
  template <typename T, typename Parse>
  bool read_all(const std::string &text, Parse parse, T &value)
  {
    std::size_t used = 0;
    try
      {
        value = parse(text, &used);
      }
    catch (const std::exception &)
      {
        return false;
      }
    return !text.empty() && text[0] != ' ' && used == text.size();
  }

  // A whole number in [lo, hi], the whole text and nothing else ("2abc", "1e3" are refused).
  long whole_number(const std::string &flag, const std::string &v, long lo, long hi)
  {
    long n = 0;
    if (!read_all(
          v, [](const std::string &t, std::size_t *u) { return std::stol(t, u); }, n) ||
        n < lo || n > hi)
      throw std::invalid_argument(flag + " needs a whole number from " + std::to_string(lo) +
                                  " to " + std::to_string(hi) + ", not \"" + v + "\"");
    return n;
  }

  // A size in GB ("8", "0.5", "0.5GB"), positive and finite.
  double gigabytes(const std::string &flag, const std::string &v)
  {
    std::string number = v;
    if (number.size() > 2 && number.compare(number.size() - 2, 2, "GB") == 0)
      number.resize(number.size() - 2);
    double gb = 0;
    if (!read_all(
          number, [](const std::string &t, std::size_t *u) { return std::stod(t, u); }, gb) ||
        !std::isfinite(gb) || !(gb > 0) || gb > 1e6)
      throw std::invalid_argument(flag + " needs a size in GB such as 8 or 0.5GB, not \"" + v +
                                  "\"");
    return gb;
  }

  int fail(int code, const std::string &message)
  {
    std::cerr << "lightbody: error: " << message << "\n";
    return code;
  }
  // The command line of run, mesh and cases, checked.
  struct CommandLine
  {
    std::string              name; // run, mesh or cases
    std::string              case_path, out_dir;
    std::vector<Override>    overrides;
    RunOptions               options;
    bool                     quiet  = false;
    OutputLevel              output = OutputLevel::full;
    std::vector<std::string> fields;     // run: the .vtu files' point fields
    std::string              format;     // export
    std::vector<std::string> load_cases; // export: the load cases written (empty: all)
    // sweep
    std::vector<SweepVariable> vary;
    bool                       zip  = false;
    unsigned                   jobs = 0;
    // size
    std::vector<std::string> parts, materials;
    std::vector<double>      gauges;
    unsigned                 max_iterations = 12;
  };

  std::vector<std::string> comma_list(const std::string &flag, const std::string &text)
  {
    std::vector<std::string> items;
    std::stringstream        ss(text);
    std::string              item;
    while (std::getline(ss, item, ','))
      {
        const auto a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
        if (a == std::string::npos)
          throw std::invalid_argument(flag + " has an empty item in \"" + text + "\"");
        items.push_back(item.substr(a, b - a + 1));
      }
    if (items.empty())
      throw std::invalid_argument(flag + " needs a comma-separated list");
    return items;
  }

  // Throws std::invalid_argument (or InputError for a malformed --set) naming the problem.
  CommandLine parse_command_line(const std::vector<std::string> &args)
  {
    CommandLine cl;
    cl.name               = args[0];
    const bool mesh_only  = cl.name == "mesh" || cl.name == "export";
    const bool cases_only = cl.name == "cases";
    const bool sweep      = cl.name == "sweep";
    const bool size       = cl.name == "size";
    if (sweep || size)
      cl.output = OutputLevel::summary;
    for (std::size_t i = 1; i < args.size(); ++i)
      {
        const std::string &a     = args[i];
        auto               value = [&](const char *flag) -> std::string {
          if (i + 1 >= args.size())
            throw std::invalid_argument(std::string(flag) + " needs a value");
          return args[++i];
        };
        if (a == "--out" && !cases_only)
          {
            cl.out_dir = value("--out");
            if (cl.out_dir.empty())
              throw std::invalid_argument("--out needs a folder name");
          }
        else if (a == "--set")
          cl.overrides.push_back(parse_override(value("--set")));
        else if (a.rfind("--set=", 0) == 0)
          cl.overrides.push_back(parse_override(a.substr(6)));
        else if (a == "--threads" && !cases_only && !mesh_only)
          {
            const long cores = std::max(1u, std::thread::hardware_concurrency());
            cl.options.threads =
              static_cast<int>(whole_number("--threads", value("--threads"), 1, 4 * cores));
          }
        else if (a == "--ordering-cache" && cl.name == "run")
          {
            cl.options.ordering_cache = value("--ordering-cache");
            if (cl.options.ordering_cache.empty())
              throw std::invalid_argument("--ordering-cache needs a folder name");
          }
        else if (a == "--solver" && !cases_only && !mesh_only)
          {
            const std::string v = value("--solver");
            if (v == "auto")
              cl.options.linear_solver = LinearSolver::automatic;
            else if (v == "direct")
              cl.options.linear_solver = LinearSolver::direct;
            else if (v == "iterative")
              cl.options.linear_solver = LinearSolver::iterative;
            else
              throw std::invalid_argument("--solver: \"" + v +
                                          "\" is not one of auto, direct, iterative");
          }
        else if (a == "--max-memory" && !cases_only && !mesh_only)
          cl.options.memory_limit_bytes = gigabytes("--max-memory", value("--max-memory")) * 1e9;
        else if (a == "--quiet")
          cl.quiet = true;
        else if (a == "--vary" && sweep)
          cl.vary.push_back(parse_vary(value("--vary")));
        else if (a == "--zip" && sweep)
          cl.zip = true;
        else if (a == "--jobs" && sweep)
          {
            const long cores = std::max(1u, std::thread::hardware_concurrency());
            cl.jobs = static_cast<unsigned>(whole_number("--jobs", value("--jobs"), 1, 4 * cores));
          }
        else if (a == "--parts" && size)
          cl.parts = comma_list("--parts", value("--parts"));
        else if (a == "--materials" && size)
          cl.materials = comma_list("--materials", value("--materials"));
        else if (a == "--gauges" && size)
          cl.gauges = parse_gauges(value("--gauges"));
        else if (a == "--max-iterations" && size)
          cl.max_iterations = static_cast<unsigned>(
            whole_number("--max-iterations", value("--max-iterations"), 1, 100));
        else if (a == "--load-cases" && cl.name == "export")
          cl.load_cases = comma_list("--load-cases", value("--load-cases"));
        else if (a == "--format" && cl.name == "export")
          {
            const std::string format = value("--format");
            if (format != "ccx")
              throw std::invalid_argument("--format must be ccx (CalculiX), not \"" + format +
                                          "\"");
            cl.format = format;
          }
        else if (a == "--fields" && cl.name == "run")
          {
            cl.fields = comma_list("--fields", value("--fields"));
            check_field_names(cl.fields);
          }
        else if (a == "--output" && (cl.name == "run" || sweep || size))
          {
            const std::string level = value("--output");
            if (level == "summary")
              cl.output = OutputLevel::summary;
            else if (level == "fields")
              cl.output = OutputLevel::fields;
            else if (level == "full")
              cl.output = OutputLevel::full;
            else
              throw std::invalid_argument("--output must be summary, fields or full, not \"" +
                                          level + "\"");
          }
        else if (!a.empty() && a[0] == '-')
          throw std::invalid_argument("unknown option \"" + a + "\" for " + cl.name +
                                      " (see lightbody " + cl.name + " --help)");
        else if (cl.case_path.empty())
          cl.case_path = a;
        else
          throw std::invalid_argument("more than one case file given (\"" + cl.case_path +
                                      "\" and \"" + a + "\")");
      }
    if (cl.case_path.empty())
      throw std::invalid_argument(cl.name + " needs a case file (see lightbody --help)");
    if (sweep)
      sweep_points(cl.vary, cl.zip); // no --vary, a key twice, unequal --zip lists
    if (cl.name == "export" && cl.format.empty())
      throw std::invalid_argument("export needs --format ccx");
    if (size && cl.parts.empty())
      throw std::invalid_argument("size needs --parts P1,P2,... (names or patterns)");
    if (size && cl.gauges.empty())
      throw std::invalid_argument("size needs --gauges, e.g. --gauges 3,4,5,6,8");
    return cl;
  }

  // lightbody cases: the load cases as they will run.
  int list_cases(const Case &c)
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

  // lightbody mesh: the model and its quality, nothing solved.
  int mesh(const Case &c, const std::string &out_dir, StageLog &log)
  {
    const MeshQuality q = mesh_case(c, out_dir, log);
    for (const auto &w : q.warnings)
      std::cerr << "lightbody: warning: " << w << "\n";
    char line[256];
    std::snprintf(line, sizeof(line),
                  "quality: min scaled Jacobian %.3f (%s), max aspect ratio %.1f (%s)",
                  q.min_scaled_jacobian, q.min_scaled_jacobian_part.c_str(), q.max_aspect_ratio,
                  q.max_aspect_ratio_part.c_str());
    log.message(line);
    std::cout << "mesh: " << out_dir << "\n";
    return ok;
  }

  // This program's path ("" when it cannot be found).
  std::string this_program()
  {
    std::error_code   ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    return ec ? std::string() : self;
  }

  // The renderer for report.md's picture sits beside this program.
  std::string renderer()
  {
    const std::string self = this_program();
    return self.empty() ? self
                        : (std::filesystem::path(self).parent_path() / "lightbody-render").string();
  }

  // --out, or results/<case name><suffix>.
  std::string default_out(const CommandLine &command, const std::string &suffix)
  {
    if (!command.out_dir.empty())
      return command.out_dir;
    return default_result_folder(read_case(command.case_path, command.overrides).name, suffix);
  }

  // lightbody run: mesh, solve, post-process, write; exit code 3 when a criterion failed.
  int run(const Case &c, const RunOptions &options, const std::string &out_dir, StageLog &log,
          OutputLevel output, const std::vector<std::string> &fields)
  {
    RunOutcome outcome = run_case(c, options, log);
    for (const auto &lc : outcome.results->load_cases)
      {
        char line[256];
        std::snprintf(
          line, sizeof(line),
          "%s: max von Mises %.2f MPa%s, max displacement %.3f mm, "
          "equilibrium error %.1e%s",
          lc.name.c_str(), lc.max_von_mises_MPa,
          lc.max_von_mises_part.empty() ? "" : (" (" + lc.max_von_mises_part + ")").c_str(),
          lc.max_displacement_mm, lc.equilibrium_error,
          lc.utilization.empty() ? ""
                                 : (", utilization " + std::to_string(lc.max_utilization) +
                                    (lc.passed ? " (pass)" : " (FAIL)"))
                                     .c_str());
        log.message(line);
      }
    for (const auto &w : outcome.results->warnings)
      std::cerr << "lightbody: warning: " << w << "\n";
    {
      StageLog::Scope t(log, "write");
      write_results(outcome, log, out_dir, renderer(), output, fields);
    }
    std::cout << "results: " << out_dir << "\n";
    const Verdict &v     = outcome.results->verdict;
    auto           lines = [](const std::vector<std::string> &list) {
      std::string text;
      for (const auto &l : list)
        text += (text.empty() ? "  - " : "\n  - ") + l;
      return text;
    };
    if (v.status == Verdict::Status::fail)
      {
        std::cerr << "lightbody: verdict FAIL:\n" << lines(v.failures) << "\n";
        return criterion_failed;
      }
    if (v.status == Verdict::Status::conditional)
      {
        std::cerr << "lightbody: verdict CONDITIONAL: the checks made pass; not checked or "
                     "assumed:\n"
                  << lines(v.conditions) << "\n";
        return conditional;
      }
    return ok;
  }
  // lightbody sweep: every point a run of its own; exit 7 when some failed.
  int sweep(const CommandLine &command, StageLog &log)
  {
    SweepOptions o;
    o.case_path          = command.case_path;
    o.overrides          = command.overrides;
    o.vary               = command.vary;
    o.zip                = command.zip;
    o.jobs               = command.jobs;
    o.threads            = command.options.threads;
    o.memory_limit_bytes = command.options.memory_limit_bytes;
    o.linear_solver      = command.options.linear_solver;
    o.output             = command.output;
    o.program            = this_program();
    if (o.program.empty())
      throw std::runtime_error("cannot find the lightbody program to run the points");
    o.out_dir          = default_out(command, "-sweep");
    const auto  rows   = run_sweep(o, log);
    std::size_t failed = 0;
    for (const auto &r : rows)
      failed += r.status != "ok";
    std::cout << "sweep: " << o.out_dir << "/sweep.csv (" << rows.size() << " points, " << failed
              << " failed)\n";
    return failed ? points_failed : ok;
  }
  // lightbody size: exit 0 with a passing design, 3 without.
  int size(const CommandLine &command, StageLog &log)
  {
    SizeOptions o;
    o.case_path               = command.case_path;
    o.overrides               = command.overrides;
    o.groups                  = command.parts;
    o.gauges_mm               = command.gauges;
    o.materials               = command.materials;
    o.max_iterations          = command.max_iterations;
    o.run                     = command.options;
    o.output                  = command.output;
    o.out_dir                 = default_out(command, "-size");
    o.renderer                = renderer();
    const SizingReport report = size_case(o, log);
    for (const auto &r : report.results)
      {
        char line[300];
        std::snprintf(line, sizeof(line), "%s: %s, %.1f kg -> %.1f kg in %zu solves",
                      r.material.empty() ? "sized" : r.material.c_str(),
                      r.passed ? "passes" : ("no passing design (" + r.note + ")").c_str(),
                      r.start_mass_kg, r.final_mass_kg, r.steps.size());
        std::cout << line << "\n";
        for (const auto &g : r.groups)
          {
            std::snprintf(line, sizeof(line), "  %s: %g -> %g mm (utilization %.3f in %s; %s)",
                          g.pattern.c_str(), g.start_mm, g.final_mm, g.utilization,
                          g.governing_case.c_str(), g.governed_by.c_str());
            std::cout << line << "\n";
          }
      }
    std::cout << "sized case: " << o.out_dir << "/sized.yaml\n";
    return report.best >= 0 ? ok : criterion_failed;
  }
  // The SPMD run: every process must build the same model from the same input. On a cluster
  // whose machines do not share the case's folder, a stale copy of the case file, an include or
  // a mesh on one machine (or another version of lightbody there) would give that process
  // another model, and MUMPS a matrix of mixed pieces: refused, on every process, naming the
  // file. (Collective: every process reads the case before.)
  void check_same_input(const Case &c, const CommandLine &command)
  {
    Fingerprint setup;
    setup.feed(std::string(version));
    for (const auto &o : command.overrides)
      setup.feed(o.key + "=" + o.value);
    setup.feed(c.input_files.size());
    if (!same_on_every_process(setup.value))
      throw InputError(SourceLocation{command.case_path, 0, 0}, "",
                       "the processes of the launch were given different --set values, run "
                       "different versions of lightbody or read different numbers of files "
                       "for this case (its includes and meshes): give every process the same "
                       "command, and put the case and lightbody on a file system all machines "
                       "share; nothing was written");
    for (const auto &file : c.input_files)
      if (!same_on_every_process(file_fingerprint(file)))
        throw InputError(SourceLocation{file, 0, 0}, "", other_copy_text("another machine"));
  }

  // One command (run, mesh, cases, export, sweep, size) from its arguments to its exit code.
  // `sweep_point`: a point run by a sweep worker, which keeps the matrix structure for its
  // next points.
  int execute(const std::vector<std::string> &args, bool sweep_point);
} // namespace

int main(int argc, char **argv)
{
  lightbody::restore_memory_release();
  std::vector<std::string> args(argv + 1, argv + argc);
  // A sweep's worker process: runs the points it is sent, one after another (app/sweep.h).
  // (It never joins MPI, though it inherits a launcher's environment.)
  if (args.size() == 1 && args[0] == "sweep-worker")
    {
      leave_launch_environment();
      return serve_sweep_points(
        [](const std::vector<std::string> &point) { return execute(point, true); });
    }
  // Under mpirun: `run` is run by every process (the SPMD run: each builds the model and
  // assembles its share, the factorisation is shared, rank 0 post-processes and writes; the
  // others print nothing); for `sweep` rank 0 hands the points to the other ranks; any other
  // command is rank 0's (which refuses it).
  const MpiWorld &world = start_mpi();
  enum Role : int
  {
    idle,
    sweep_points,
    together
  };
  int role = !args.empty() && args[0] == "sweep" ? sweep_points
             : !args.empty() && args[0] == "run" ? together
                                                 : idle;
  if (world.size > 1)
    MPI_Bcast(&role, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (world.size > 1 && role == together)
    start_distributed_factors(world.local_size);
  int code = ok;
  if (world.rank > 0)
    {
      const std::string program = this_program();
      if (role == sweep_points)
        code = program.empty() ? internal_error : serve_sweep_rank(program);
      else if (role == together)
        {
          // (rank 0 says what there is to say; a failure of this process alone is said on the
          // standard error it had, below)
          std::fflush(nullptr);
          const int own_stderr = dup(2), null = open("/dev/null", O_WRONLY);
          if (null >= 0)
            {
              dup2(null, 1);
              dup2(null, 2);
              close(null);
            }
          code = execute(args, false);
          // Every process meets the others once at the end (asleep, while rank 0 writes). A
          // failure that rank 0 shares ends there as well; one of this process alone would leave
          // rank 0 waiting for it: the launch is stopped.
          if (!wait_for_all_processes(code == ok ? 0 : 60))
            {
              const std::string text = "lightbody: process " + std::to_string(world.rank) +
                                       " failed (exit " + std::to_string(code) +
                                       "); stopping the launch\n";
              if (own_stderr >= 0 && write(own_stderr, text.data(), text.size()) < 0)
                code = internal_error;
              MPI_Abort(MPI_COMM_WORLD, code);
            }
        }
    }
  else
    {
      code = execute(args, false);
      release_sweep_ranks();
      // Rank 0 failed where the others may still wait for it: stop the launch rather than hang.
      const bool answered = code == ok || code == criterion_failed || code == conditional;
      if (role == together && !wait_for_all_processes(answered ? 0 : 60))
        MPI_Abort(MPI_COMM_WORLD, code);
    }
  finish_distributed_factors();
  finish_mpi();
  return code;
}

namespace
{
  int execute(const std::vector<std::string> &args, bool sweep_point)
  {
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
    if (args[0] == "keys")
      {
        if (args.size() > 1)
          return fail(usage_error, "keys takes no arguments");
        std::cout << lightbody::key_reference_markdown();
        return ok;
      }
    if (args[0] != "run" && args[0] != "mesh" && args[0] != "cases" && args[0] != "sweep" &&
        args[0] != "size" && args[0] != "export")
      return fail(usage_error, "unknown command \"" + args[0] + "\" (see lightbody --help)");
    for (std::size_t i = 1; i < args.size(); ++i)
      if (args[i] == "--help" || args[i] == "-h")
        {
          std::cout << command_usage(args[0]);
          return ok;
        }
    CommandLine command;
    try
      {
        command                         = parse_command_line(args);
        command.options.reuse_structure = sweep_point && command.name == "run";
      }
    catch (const InputError &e)
      {
        return fail(usage_error, e.what());
      }
    catch (const std::invalid_argument &e)
      {
        return fail(usage_error, e.what());
      }

    // Several processes of an MPI launch share the points of a sweep; a model is not yet
    // distributed over them, and each running the whole command would write the same folder.
    const int processes = mpi_world().size;
    if (processes > 1 && command.name != "sweep" && command.name != "run")
      return fail(usage_error, "started by mpirun with " + std::to_string(processes) +
                                 " processes: only `run` (its model) and `sweep` (its " +
                                 "points) spread over processes; `" + command.name +
                                 "` runs in one process: start it without mpirun or with -np 1; " +
                                 "nothing was written");
    if (processes > 1 && command.jobs > 0)
      return fail(usage_error, "--jobs: under mpirun every process runs one point at a time; "
                               "choose the number of points at a time with mpirun -np");

    StageLog log(command.quiet
                   ? std::function<void(const std::string &)>()
                   : [](const std::string &line) { std::cerr << "lightbody: " << line << "\n"; });
    try
      {
        if (command.name == "sweep")
          return sweep(command, log);
        if (command.name == "size")
          return size(command, log);
        // The SPMD run (`run` under mpirun): every process reads the case; rank 0 alone checks
        // the result folder (and writes it); all go on only if each succeeded.
        const bool          together = processes > 1 && command.name == "run";
        const bool          follower = together && mpi_world().rank > 0;
        std::string         out_dir  = command.out_dir;
        std::exception_ptr  failure;
        std::optional<Case> read;
        try
          {
            read.emplace(read_case(command.case_path, command.overrides));
          }
        catch (...)
          {
            if (!together)
              throw;
            failure = std::current_exception();
          }
        if (read)
          {
            const Case &c = *read;
            for (const auto &w : c.warnings)
              std::cerr << "lightbody: warning: " << w.to_string() << "\n";
            if (command.name == "cases")
              return list_cases(c);
            if (out_dir.empty())
              out_dir = default_result_folder(c.name, command.name == "mesh"     ? "-mesh"
                                                      : command.name == "export" ? "-ccx"
                                                                                 : "");
            // Before any work: a folder that is not ours is refused now, not after the solve.
            try
              {
                if (!follower)
                  check_result_folder(out_dir, c.input_files);
              }
            catch (...)
              {
                if (!together)
                  throw;
                failure = std::current_exception();
              }
          }
        if (together && !every_process(!failure))
          {
            if (failure)
              std::rethrow_exception(failure);
            throw ModelError("another process of the launch could not read the case or rank 0 "
                             "refused the result folder (is the case on a file system all "
                             "machines share?)");
          }
        const Case &c = *read;
        if (together)
          check_same_input(c, command);
        if (together && command.output != OutputLevel::summary)
          check_shared_result_folder(out_dir);
        if (command.name == "mesh")
          return mesh(c, out_dir, log);
        if (command.name == "export")
          {
            Case exported = c;
            if (!command.load_cases.empty())
              {
                exported.load_cases.clear();
                for (const auto &name : command.load_cases)
                  {
                    const auto it =
                      std::find_if(c.load_cases.begin(), c.load_cases.end(),
                                   [&](const LoadCaseSpec &lc) { return lc.name == name; });
                    if (it == c.load_cases.end())
                      {
                        std::string names;
                        for (const auto &lc : c.load_cases)
                          names += (names.empty() ? "" : ", ") + lc.name;
                        return fail(usage_error, "--load-cases: the case has no load case \"" +
                                                   name + "\" (it has " + names + ")");
                      }
                    exported.load_cases.push_back(*it);
                  }
              }
            const std::string deck = export_ccx(exported, out_dir, log);
            std::cout << "deck: " << deck << "\n";
            return ok;
          }
        RunOptions options = command.options;
        if (together && options.threads == 0)
          // (the machine's cores shared among the launch's processes on it)
          options.threads = static_cast<int>(
            std::max(1u, std::thread::hardware_concurrency() /
                           static_cast<unsigned>(std::max(mpi_world().local_size, 1))));
        if (follower)
          {
            const RunOutcome outcome = run_case(c, options, log);
            if (command.output != OutputLevel::summary)
              write_result_pieces(outcome);
            return ok;
          }
        return run(c, options, out_dir, log, command.output, command.fields);
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
    catch (const OutputFolderError &e)
      {
        return fail(usage_error, e.what());
      }
    catch (const std::bad_alloc &)
      {
        return fail(model_error,
                    "out of memory; use a coarser mesh (mesh.size, parts.NAME.mesh_size) "
                    "or --max-memory to stop earlier; nothing was written");
      }
    catch (const std::exception &e)
      {
        // Library messages (deal.II's carry a stack trace) are cut to their first line that says
        // something.
        std::string        text = e.what(), line;
        std::istringstream lines(text);
        std::string        first;
        while (std::getline(lines, line))
          if (line.find_first_not_of(" -") != std::string::npos)
            {
              first = line;
              break;
            }
        return fail(internal_error, (first.empty() ? text : first) + "; nothing was written");
      }
  }
} // namespace
