// The Python module: lightbody.run, lightbody.sweep and lightbody.size as library calls, with
// the same results and files as the command line.
//
//   import lightbody
//   r = lightbody.run("case.yaml", set={"body.tank.shell.thickness": "5 mm"}, output="summary")
//   rows = lightbody.sweep("case.yaml", vary={"parts.floor.thickness": ["4 mm", "5 mm"]})
//   pandas.DataFrame(rows)
#include "app/pipeline.h"
#include "lightbody/version.h"
#include "app/size.h"
#include "app/sweep.h"
#include "input/errors.h"
#include "post/result_folder.h"
#include "solver/huge_pages.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace py = pybind11;
using namespace lightbody;

namespace
{
  // A value as the YAML text of --set: None is null (the key removed, as --set KEY=null), True
  // and False are true and false, anything else its str().
  std::string value_text(const py::handle &value)
  {
    if (value.is_none())
      return "null";
    if (py::isinstance<py::bool_>(value))
      return value.cast<bool>() ? "true" : "false";
    return py::str(value);
  }

  // {"parts.floor.thickness": "5 mm", "mesh.size": 40}: values as text (numbers allowed).
  std::vector<Override> overrides_of(const py::dict &set)
  {
    std::vector<Override> o;
    for (auto item : set)
      o.push_back({py::str(item.first), value_text(item.second)});
    return o;
  }

  OutputLevel level_of(const std::string &output)
  {
    if (output == "summary")
      return OutputLevel::summary;
    if (output == "fields")
      return OutputLevel::fields;
    if (output == "full")
      return OutputLevel::full;
    throw py::value_error("output must be \"summary\", \"fields\" or \"full\", not \"" + output +
                          "\"");
  }

  py::object json_file(const std::filesystem::path &path)
  {
    std::ifstream     in(path);
    std::stringstream text;
    text << in.rdbuf();
    return py::module_::import("json").attr("loads")(text.str());
  }

  // The program beside this module in the build tree runs the points of a sweep.
  std::string program() { return LIGHTBODY_PROGRAM; }

  py::dict run(const std::string &case_path, const py::dict &set, const std::string &output,
               const std::string &out, int threads)
  {
    const OutputLevel           level     = level_of(output);
    const std::vector<Override> overrides = overrides_of(set); // needs the interpreter
    std::string                 dir;
    {
      py::gil_scoped_release free;
      const Case             c = read_case(case_path, overrides);
      dir                      = out.empty() ? default_result_folder(c.name, "") : out;
      check_result_folder(dir, c.input_files);
      StageLog   log;
      RunOptions options;
      options.threads           = threads;
      const RunOutcome  outcome = run_case(c, options, log);
      const std::string renderer =
        (std::filesystem::path(program()).parent_path() / "lightbody-render").string();
      write_results(outcome, log, dir, renderer, level);
    }
    py::dict report         = json_file(std::filesystem::path(dir) / "report.json");
    report["result_folder"] = dir;
    return report;
  }

  py::list sweep(const std::string &case_path, const py::dict &vary, const py::dict &set, bool zip,
                 unsigned jobs, const std::string &output, const std::string &out)
  {
    SweepOptions o;
    o.case_path = case_path;
    o.overrides = overrides_of(set);
    for (auto item : vary)
      {
        SweepVariable v;
        v.key = py::str(item.first);
        // A text is iterable too: "4 mm" would become the values 4, space, m, m.
        if (py::isinstance<py::str>(item.second) || py::isinstance<py::bytes>(item.second) ||
            !py::isinstance<py::iterable>(item.second))
          throw py::type_error(
            "vary[\"" + v.key + "\"]: give a list of values, such as [4, 5, 6] " +
            "or [\"4 mm\", \"5 mm\"], not " + std::string(py::str(py::repr(item.second))));
        for (auto value : py::reinterpret_borrow<py::iterable>(item.second))
          v.values.push_back(value_text(value));
        o.vary.push_back(v);
      }
    o.zip     = zip;
    o.jobs    = jobs;
    o.output  = level_of(output);
    o.program = program();
    o.out_dir =
      out.empty() ? default_result_folder(read_case(case_path, o.overrides).name, "-sweep") : out;
    sweep_points(o.vary, o.zip);
    {
      py::gil_scoped_release free;
      StageLog               log;
      run_sweep(o, log);
    }
    // The rows as sweep.csv has them, each a dict: pandas.DataFrame(rows).
    py::object csv    = py::module_::import("csv");
    py::object handle = py::module_::import("builtins")
                          .attr("open")((std::filesystem::path(o.out_dir) / "sweep.csv").string(),
                                        py::arg("newline") = "");
    py::list rows;
    for (py::handle row : csv.attr("DictReader")(handle))
      {
        py::dict d;
        for (auto item : py::reinterpret_borrow<py::dict>(row))
          {
            py::str value = py::str(item.second);
            // Numbers as numbers, so that a DataFrame gets numeric columns.
            try
              {
                d[item.first] = py::float_(value);
              }
            catch (const py::error_already_set &)
              {
                d[item.first] = value;
              }
          }
        rows.append(d);
      }
    handle.attr("close")();
    return rows;
  }

  py::dict size(const std::string &case_path, const std::vector<std::string> &parts,
                const std::vector<double> &gauges, const std::vector<std::string> &materials,
                const py::dict &set, const std::string &out)
  {
    SizeOptions o;
    o.case_path = case_path;
    o.overrides = overrides_of(set);
    o.groups    = parts;
    std::string list;
    for (const double g : gauges)
      list += (list.empty() ? "" : ",") + std::to_string(g);
    o.gauges_mm = parse_gauges(list);
    o.materials = materials;
    o.out_dir =
      out.empty() ? default_result_folder(read_case(case_path, o.overrides).name, "-size") : out;
    {
      py::gil_scoped_release free;
      StageLog               log;
      size_case(o, log);
    }
    py::dict result      = json_file(std::filesystem::path(o.out_dir) / "sizing.json");
    result["sized_case"] = (std::filesystem::path(o.out_dir) / "sized.yaml").string();
    return result;
  }
} // namespace

PYBIND11_MODULE(lightbody, m)
{
  m.doc() = "lightbody: structural analysis of lightweight vehicle bodies (run, sweep, size)";
  // (freed matrices leave the process again, solver/huge_pages.h)
  lightbody::restore_memory_release();
  // Errors of the case file: ValueError with every problem, one per line (file:line:col: key: ...).
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<ModelError> model_error(m, "ModelError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try
      {
        if (p)
          std::rethrow_exception(p);
      }
    catch (const InputError &e)
      {
        std::string text;
        for (const auto &d : e.diagnostics())
          text += (text.empty() ? "" : "\n") + d.to_string();
        PyErr_SetString(input_error.ptr(), text.c_str());
      }
    catch (const ModelError &e)
      {
        PyErr_SetString(model_error.ptr(), e.what());
      }
    catch (const OutputFolderError &e)
      {
        PyErr_SetString(PyExc_FileExistsError, e.what());
      }
    catch (const std::invalid_argument &e)
      {
        PyErr_SetString(PyExc_ValueError, e.what());
      }
  });
  m.def("run", &run, py::arg("case"), py::arg("set") = py::dict(), py::arg("output") = "summary",
        py::arg("out") = "", py::arg("threads") = 0,
        "Runs a case file like `lightbody run`; writes the result folder (default "
        "results/<case>) and returns its report.json as a dict (with result_folder).");
  m.def("sweep", &sweep, py::arg("case"), py::arg("vary"), py::arg("set") = py::dict(),
        py::arg("zip") = false, py::arg("jobs") = 0u, py::arg("output") = "summary",
        py::arg("out") = "",
        "Runs a study like `lightbody sweep`: vary maps keys to lists of values (text with "
        "units). Returns the rows of sweep.csv as dicts (pandas.DataFrame(rows)).");
  m.def("size", &size, py::arg("case"), py::arg("parts"), py::arg("gauges"),
        py::arg("materials") = std::vector<std::string>{}, py::arg("set") = py::dict(),
        py::arg("out") = "",
        "Sizes gauges like `lightbody size`; returns sizing.json as a dict (with sized_case).");
  m.attr("__version__") = version;
}
