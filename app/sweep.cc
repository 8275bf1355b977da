// lightbody sweep: the points of a study run by a few worker processes, each running its points
// one after another, gathered into sweep.csv.
#include "app/sweep.h"

#include "app/mpi_world.h"
#include "input/errors.h"
#include "post/result_folder.h"
#include "solver/elastic_problem.h"

#include <nlohmann/json.hpp>

#include <mpi.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char **environ;

namespace lightbody
{
  namespace fs = std::filesystem;

  SweepVariable parse_vary(const std::string &argument)
  {
    const auto eq = argument.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--vary \"" + argument +
                                  "\" must be KEY=V1,V2,..., e.g. parts.floor.thickness=4,5,6");
    SweepVariable v;
    v.key                   = argument.substr(0, eq);
    const std::string text  = argument.substr(eq + 1);
    int               depth = 0;
    char              quote = 0;
    std::string       item;
    for (const char ch : text)
      {
        if (quote)
          quote = ch == quote ? 0 : quote;
        else if (ch == '"' || ch == '\'')
          quote = ch;
        else if (ch == '[' || ch == '{')
          ++depth;
        else if ((ch == ']' || ch == '}') && depth > 0)
          --depth;
        if (ch == ',' && depth == 0 && !quote)
          {
            v.values.push_back(item);
            item.clear();
          }
        else
          item += ch;
      }
    v.values.push_back(item);
    for (auto &value : v.values)
      {
        const auto first = value.find_first_not_of(' '), last = value.find_last_not_of(' ');
        value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
        if (value.empty())
          throw std::invalid_argument("--vary " + v.key + ": an empty value in \"" + text + "\"");
      }
    return v;
  }

  std::vector<std::vector<std::string>> sweep_points(const std::vector<SweepVariable> &vary,
                                                     bool                              zip)
  {
    if (vary.empty())
      throw std::invalid_argument("a sweep needs at least one --vary KEY=V1,V2,...");
    std::set<std::string> keys;
    for (const auto &v : vary)
      if (!keys.insert(v.key).second)
        throw std::invalid_argument("--vary " + v.key + " is given twice");
    std::vector<std::vector<std::string>> points;
    if (zip)
      {
        for (const auto &v : vary)
          if (v.values.size() != vary.front().values.size())
            throw std::invalid_argument("--zip pairs the i-th values: --vary " + v.key + " has " +
                                        std::to_string(v.values.size()) + " values, --vary " +
                                        vary.front().key + " " +
                                        std::to_string(vary.front().values.size()));
        for (std::size_t i = 0; i < vary.front().values.size(); ++i)
          {
            points.emplace_back();
            for (const auto &v : vary)
              points.back().push_back(v.values[i]);
          }
        return points;
      }
    std::size_t total = 1;
    for (const auto &v : vary)
      {
        total *= v.values.size();
        if (total > 10000)
          throw std::invalid_argument("the sweep has more than 10000 points; split it");
      }
    for (std::size_t n = 0; n < total; ++n)
      {
        std::vector<std::string> point(vary.size());
        std::size_t              rest = n;
        for (std::size_t k = vary.size(); k-- > 0;)
          {
            point[k] = vary[k].values[rest % vary[k].values.size()];
            rest /= vary[k].values.size();
          }
        points.push_back(point);
      }
    return points;
  }

  SweepRow sweep_row_from_report(const std::string &report_json)
  {
    const auto r = nlohmann::json::parse(report_json);
    SweepRow   row;
    row.verdict = r.at("verdict").at("status").get<std::string>();
    if (r.contains("ordering"))
      {
        const auto &o        = r.at("ordering");
        const int   reused   = o.value("reused", 0);
        row.ordering_reused  = reused > 0 && reused == o.value("factorisations", 0);
        row.ordering_seconds = o.value("time_s", 0.0);
        const int made       = o.value("factorisations", 0);
        row.structure_reused = made > 0 && o.value("symbolic_reused", 0) == made &&
                               o.value("structures_reused", 0) == made;
      }
    if (r.contains("time_s"))
      row.setup_seconds = r.at("time_s").value("setup", 0.0);
    row.total_mass_kg     = r.at("mass").at("total_kg").get<double>();
    const auto &part_mass = r.at("mass").at("parts");
    for (const auto &p : r.at("parts"))
      {
        const std::string name = p.at("name").get<std::string>();
        if (part_mass.contains(name))
          row.mass_by_material_kg[p.at("material").get<std::string>()] +=
            part_mass.at(name).get<double>();
      }
    for (const auto &lc : r.at("load_cases"))
      {
        SweepLoadCase s;
        s.name   = lc.at("name").get<std::string>();
        s.passed = lc.value("passed", true);
        if (lc.contains("utilization") && lc.at("utilization").is_object())
          {
            s.max_utilization = lc.at("utilization").at("max").get<double>();
            s.governing_part  = lc.at("utilization").value("part", "");
          }
        if (lc.contains("buckling") && lc.at("buckling").is_object())
          {
            const auto &f = lc.at("buckling").at("load_factors");
            if (!f.empty())
              s.buckling_factor = f.front().get<double>();
            s.passed = s.passed && lc.at("buckling").value("passed", true);
          }
        row.load_cases.push_back(s);
      }
    return row;
  }

  namespace
  {
    // A CSV field: quoted when it holds a comma, a quote or a line break.
    std::string csv_field(const std::string &text)
    {
      if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
      std::string q = "\"";
      for (const char ch : text)
        q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    }
    std::string number(double v, const char *format = "%.6g")
    {
      char buf[64];
      std::snprintf(buf, sizeof(buf), format, v);
      return buf;
    }

    // Without --max-memory each point may use its share of what its machine has available when
    // the sweep starts, shared among the points it runs at once: each point checks its model
    // against that before meshing and its factor before factorising (the iterative solver or a
    // row with the estimate), instead of points side by side each counting all of it and the
    // system killing them (or another program) when they need it together.
    // (0: the machine does not say what it has available, /proc/meminfo without MemAvailable;
    // each point then checks against what it finds, as a run does)
    double point_memory_share(int at_once)
    {
      const double share = memory_share(at_once);
      return memory_known(share) ? share : 0.0;
    }
    // A point's run writes its folder in the sweep's temporary folder and says so on its log's
    // "results:" line; this names the folder where it is once the sweep is swapped into place.
    void name_final_folders(const fs::path &logs, const fs::path &written, const fs::path &final)
    {
      const std::string from = "results: " + written.string(), to = "results: " + final.string();
      std::error_code   ec;
      for (const auto &entry : fs::directory_iterator(logs, ec))
        {
          std::ifstream     in(entry.path(), std::ios::binary);
          const std::string text{std::istreambuf_iterator<char>(in),
                                 std::istreambuf_iterator<char>()};
          std::string       named;
          std::size_t       at = 0;
          for (std::size_t line = 0; line < text.size(); line = at)
            {
              at = std::min(text.find('\n', line), text.size() - 1) + 1;
              named += text.compare(line, from.size(), from) == 0
                         ? to + text.substr(line + from.size(), at - line - from.size())
                         : text.substr(line, at - line);
            }
          if (named != text)
            write_text_file(entry.path(), named);
        }
    }
    // --max-memory's value for `bytes` (GB).
    std::string memory_argument(double bytes) { return number(bytes / 1e9, "%.6g"); }
  } // namespace

  std::string sweep_csv(const std::vector<SweepVariable> &vary, const std::vector<SweepRow> &rows)
  {
    // Materials and load cases in order of first appearance over all rows.
    std::vector<std::string> materials, cases;
    for (const auto &row : rows)
      {
        for (const auto &m : row.mass_by_material_kg)
          if (std::find(materials.begin(), materials.end(), m.first) == materials.end())
            materials.push_back(m.first);
        for (const auto &lc : row.load_cases)
          if (std::find(cases.begin(), cases.end(), lc.name) == cases.end())
            cases.push_back(lc.name);
      }
    std::vector<std::string> header = {"point"};
    for (const auto &v : vary)
      header.push_back(v.key);
    for (const char *h : {"status", "verdict", "total_mass_kg"})
      header.emplace_back(h);
    for (const auto &m : materials)
      header.push_back("mass_" + m + "_kg");
    for (const auto &c : cases)
      for (const char *h : {"_max_utilization", "_governing_part", "_passed", "_buckling_factor"})
        header.push_back(c + h);
    for (const char *h : {"ordering_reused", "ordering_s", "structure_reused", "setup_s",
                          "run_time_s", "folder", "error"})
      header.emplace_back(h);

    std::string out;
    auto        line = [&](const std::vector<std::string> &fields) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        out += (i ? "," : "") + csv_field(fields[i]);
      out += "\n";
    };
    line(header);
    for (const auto &row : rows)
      {
        const bool               ok     = row.status == "ok";
        std::vector<std::string> fields = {std::to_string(row.point)};
        fields.insert(fields.end(), row.values.begin(), row.values.end());
        fields.push_back(row.status);
        fields.push_back(row.verdict);
        fields.push_back(ok ? number(row.total_mass_kg, "%.3f") : "");
        for (const auto &m : materials)
          {
            const auto it = row.mass_by_material_kg.find(m);
            fields.push_back(
              ok ? number(it == row.mass_by_material_kg.end() ? 0 : it->second, "%.3f") : "");
          }
        for (const auto &c : cases)
          {
            const auto it = std::find_if(row.load_cases.begin(), row.load_cases.end(),
                                         [&](const SweepLoadCase &lc) { return lc.name == c; });
            if (it == row.load_cases.end())
              {
                fields.insert(fields.end(), 4, "");
                continue;
              }
            fields.push_back(it->max_utilization >= 0 ? number(it->max_utilization, "%.4f") : "");
            fields.push_back(it->governing_part);
            fields.push_back(it->passed ? "true" : "false");
            fields.push_back(it->buckling_factor >= 0 ? number(it->buckling_factor, "%.4f") : "");
          }
        fields.push_back(ok ? (row.ordering_reused ? "true" : "false") : "");
        fields.push_back(ok ? number(row.ordering_seconds, "%.2f") : "");
        fields.push_back(ok ? (row.structure_reused ? "true" : "false") : "");
        fields.push_back(ok ? number(row.setup_seconds, "%.2f") : "");
        fields.push_back(number(row.seconds, "%.2f"));
        fields.push_back(row.folder);
        fields.push_back(row.error);
        line(fields);
      }
    return out;
  }

  void check_sweep_variables(const SweepOptions &options)
  {
    for (const auto &v : options.vary)
      {
        std::string first_problem;
        bool        any_read = false;
        for (const auto &value : v.values)
          {
            std::vector<Override> o = options.overrides;
            o.push_back({v.key, value});
            try
              {
                read_case(options.case_path, o);
                any_read = true;
                break;
              }
            catch (const InputError &e)
              {
                if (first_problem.empty())
                  first_problem = e.diagnostics().front().to_string();
              }
          }
        if (!any_read)
          throw InputError({"--vary " + v.key, 0, 0}, v.key,
                           "no value of it can be read: " + first_problem);
      }
  }

  namespace
  {
    // The first lines of a failed point's stderr that say what went wrong (warnings left out).
    std::string failure_text(const fs::path &log_file)
    {
      std::ifstream in(log_file);
      std::string   line, text;
      while (std::getline(in, line))
        {
          if (line.rfind("lightbody: warning:", 0) == 0 || line.empty())
            continue;
          if (line.rfind("lightbody: ", 0) == 0)
            line = line.substr(11);
          text += (text.empty() ? "" : " | ") + line;
          if (text.size() > 600)
            break;
        }
      return text;
    }

    // A worker process (`lightbody sweep-worker`) and the point it is running; points go in and
    // "exit N" comes back over one socket (its standard input and output).
    class Worker
    {
    public:
      struct Ended
      {
        std::size_t                           index;
        std::chrono::steady_clock::time_point start;
        int                                   exit_code;
        int                                   signal; // the worker was stopped by it (0: not)
      };

      static Worker start(const std::string &program)
      {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
          throw std::runtime_error(std::string("cannot start a sweep worker: ") +
                                   std::strerror(errno));
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
        posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
        std::string         self = program, command = "sweep-worker";
        std::vector<char *> argv = {self.data(), command.data(), nullptr};
        Worker              w;
        const int           rc =
          posix_spawn(&w.pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(sv[1]);
        if (rc != 0)
          {
            ::close(sv[0]);
            throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
          }
        w.socket = sv[0];
        return w;
      }

      Worker() = default;
      Worker(Worker &&o) noexcept { *this = std::move(o); }
      Worker &operator=(Worker &&o) noexcept
      {
        std::swap(pid_, o.pid_);
        std::swap(socket, o.socket);
        std::swap(buffer_, o.buffer_);
        std::swap(busy_, o.busy_);
        std::swap(index_, o.index_);
        std::swap(start_, o.start_);
        return *this;
      }
      Worker(const Worker &)            = delete;
      Worker &operator=(const Worker &) = delete;
      // A sweep that stops on an error does not leave its workers behind.
      ~Worker()
      {
        if (pid_ > 0)
          {
            ::close(socket);
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
          }
      }

      bool alive() const { return pid_ > 0; }
      bool busy() const { return busy_; }

      // Sends point `index`; a worker that died meanwhile reports it through receive().
      void send(std::size_t index, const std::string &log_file,
                const std::vector<std::string> &args)
      {
        busy_                  = true;
        index_                 = index;
        start_                 = std::chrono::steady_clock::now();
        const std::string line = nlohmann::json{{"log", log_file}, {"args", args}}.dump() + "\n";
        for (std::size_t sent = 0; sent < line.size();)
          {
            const ssize_t n = ::send(socket, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
              continue;
            if (n <= 0)
              return;
            sent += static_cast<std::size_t>(n);
          }
      }

      // Reads what the worker wrote: the points that ended (the running one, with the signal or
      // exit status, when the worker died).
      std::vector<Ended> receive()
      {
        std::vector<Ended> ended;
        char               chunk[4096];
        const ssize_t      n = ::recv(socket, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR)
          return ended;
        if (n > 0)
          {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            for (std::size_t eol; (eol = buffer_.find('\n')) != std::string::npos;)
              {
                const std::string line = buffer_.substr(0, eol);
                buffer_.erase(0, eol + 1);
                int code = 0;
                if (busy_ && std::sscanf(line.c_str(), "exit %d", &code) == 1)
                  {
                    ended.push_back({index_, start_, code, 0});
                    busy_ = false;
                  }
              }
            return ended;
          }
        // The worker ended: a point it was running ends with it.
        ::close(socket);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        if (busy_)
          {
            const int code =
              WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 5;
            ended.push_back({index_, start_, code, WIFSIGNALED(status) ? WTERMSIG(status) : 0});
            busy_ = false;
          }
        return ended;
      }

      // No more points: the worker ends at the end of its input.
      void stop()
      {
        if (pid_ <= 0)
          return;
        ::shutdown(socket, SHUT_WR);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        ::close(socket);
        pid_ = -1;
      }

      int socket = -1;

    private:
      pid_t                                 pid_ = -1;
      std::string                           buffer_;
      bool                                  busy_  = false;
      std::size_t                           index_ = 0;
      std::chrono::steady_clock::time_point start_;
    };

    // Messages between rank 0 of an MPI launch and the others: a point (its JSON text; empty:
    // no more points) and the end of one (exit code and signal).
    constexpr int point_tag = 17, ended_tag = 18;
    // The "signal" of an answer from a process that does not see the sweep folder (its machine
    // does not share that file system): the point did not run there.
    constexpr int unseen_folder = -1;

    // The other processes of an MPI launch, each running one point at a time (serve_sweep_rank).
    class RemoteRanks
    {
    public:
      explicit RemoteRanks(int size)
        : index_(static_cast<std::size_t>(std::max(size, 1)), idle), start_(index_.size())
      {
      }

      // A rank without a point (0: none).
      int idle_rank() const
      {
        for (std::size_t r = 1; r < index_.size(); ++r)
          if (index_[r] == idle)
            return static_cast<int>(r);
        return 0;
      }
      bool busy() const
      {
        return std::any_of(index_.begin() + 1, index_.end(),
                           [](std::size_t i) { return i != idle && i != retired; });
      }
      // The rank takes no more points.
      void retire(int rank) { index_[static_cast<std::size_t>(rank)] = retired; }

      void send(int rank, std::size_t index, const std::string &point)
      {
        index_[rank] = index;
        start_[rank] = std::chrono::steady_clock::now();
        MPI_Send(point.data(), static_cast<int>(point.size()), MPI_CHAR, rank, point_tag,
                 MPI_COMM_WORLD);
      }

      // The points that ended since the last call, with the rank that ran each; does not wait.
      std::vector<std::pair<Worker::Ended, int>> receive()
      {
        std::vector<std::pair<Worker::Ended, int>> ended;
        while (busy())
          {
            int        arrived = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, ended_tag, MPI_COMM_WORLD, &arrived, &status);
            if (!arrived)
              break;
            int answer[2] = {5, 0};
            MPI_Recv(answer, 2, MPI_INT, status.MPI_SOURCE, ended_tag, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            const auto rank = static_cast<std::size_t>(status.MPI_SOURCE);
            if (rank >= index_.size() || index_[rank] == idle || index_[rank] == retired)
              continue;
            ended.push_back(
              {{index_[rank], start_[rank], answer[0], answer[1]}, status.MPI_SOURCE});
            index_[rank] = idle;
          }
        return ended;
      }

    private:
      static constexpr std::size_t                       idle    = static_cast<std::size_t>(-1);
      static constexpr std::size_t                       retired = static_cast<std::size_t>(-2);
      std::vector<std::size_t>                           index_; // the point each rank runs
      std::vector<std::chrono::steady_clock::time_point> start_;
    };

    bool ranks_released = false;

    std::string duration(double s)
    {
      if (s < 90)
        return number(std::ceil(s), "%.0f") + " s";
      if (s < 5400)
        return number(std::ceil(s / 60), "%.0f") + " min";
      return number(s / 3600, "%.1f") + " h";
    }
  } // namespace

  std::vector<SweepRow> run_sweep(const SweepOptions &options, StageLog &log)
  {
    const auto points = sweep_points(options.vary, options.zip);
    const Case base   = read_case(options.case_path, options.overrides);
    check_sweep_variables(options);
    check_result_folder(options.out_dir, base.input_files);

    // Under mpirun with several processes every process runs one point at a time, rank 0's by a
    // worker of its own while it hands out the points; the cores of a machine are shared among
    // the processes on it.
    const MpiWorld &world  = mpi_world();
    const bool      spread = world.active && world.size > 1;
    const unsigned  cores  = std::max(1u, std::thread::hardware_concurrency());
    const unsigned  jobs =
      spread ? 1u
              : static_cast<unsigned>(std::min<std::size_t>(
                 options.jobs > 0 ? options.jobs : cores, std::max<std::size_t>(points.size(), 1)));
    const unsigned slots = jobs + (spread ? static_cast<unsigned>(world.size - 1) : 0u);
    const int      threads =
      options.threads > 0
             ? options.threads
             : static_cast<int>(std::max(1u, cores / (spread ? world.local_size : jobs)));
    const std::string case_path = fs::absolute(options.case_path).string();

    std::vector<SweepRow> rows(points.size());
    write_folder_atomically(options.out_dir, base.input_files, [&](const fs::path &folder) {
      // Absolute: the other processes of an MPI launch may start elsewhere.
      const fs::path dir = fs::absolute(folder);
      fs::create_directories(dir / "logs");
      std::size_t next = 0, done = 0, failed = 0;
      double      busy_seconds = 0;
      const auto  started      = std::chrono::steady_clock::now();

      // The memory each point may use (--max-memory of its run): the user's, else this
      // machine's share (the points it runs at once share what it has available now).
      const double share =
        options.memory_limit_bytes > 0
          ? options.memory_limit_bytes
          : point_memory_share(spread ? world.local_size : static_cast<int>(jobs));
      if (share > 0)
        log.message("sweep: each point may use " + memory_text(share) +
                    (options.memory_limit_bytes > 0
                       ? std::string(" (--max-memory)")
                       : " (90 % of the memory available on " +
                           std::string(spread ? "each machine, shared among its processes"
                                              : "this machine, shared among the " +
                                                  std::to_string(jobs) + " points run at once") +
                           "; --max-memory sets it)"));
      // The case's files as rank 0 read them (absolute paths, fingerprints): a process whose
      // machine has other copies does not run its points (a row of another case).
      nlohmann::json inputs = nlohmann::json::array();
      if (spread)
        for (const auto &file : base.input_files)
          inputs.push_back({fs::absolute(file).string(), file_fingerprint(file)});
      // The `lightbody run` arguments of point i.
      auto point_args = [&](std::size_t i) {
        std::vector<std::string> args = {"run",
                                         case_path,
                                         "--out",
                                         (dir / rows[i].folder).string(),
                                         "--quiet",
                                         "--threads",
                                         std::to_string(threads),
                                         "--ordering-cache",
                                         (dir / ".orderings").string(),
                                         "--output",
                                         options.output == OutputLevel::summary  ? "summary"
                                         : options.output == OutputLevel::fields ? "fields"
                                                                                 : "full"};
        if (options.linear_solver != LinearSolver::automatic)
          {
            args.push_back("--solver");
            args.push_back(options.linear_solver == LinearSolver::direct ? "direct" : "iterative");
          }
        if (share > 0)
          {
            args.push_back("--max-memory");
            args.push_back(memory_argument(share));
          }
        for (const auto &o : options.overrides)
          {
            args.push_back("--set");
            args.push_back(o.key + "=" + o.value);
          }
        for (std::size_t k = 0; k < options.vary.size(); ++k)
          {
            args.push_back("--set");
            args.push_back(options.vary[k].key + "=" + points[i][k]);
          }
        return args;
      };
      for (std::size_t i = 0; i < points.size(); ++i)
        {
          char name[32];
          std::snprintf(name, sizeof(name), "point_%03zu", i + 1);
          rows[i].point  = i + 1;
          rows[i].values = points[i];
          rows[i].folder = name;
        }

      // A point's log, in logs/.
      auto log_of = [&](std::size_t i) {
        return (dir / "logs" / (rows[i].folder + ".txt")).string();
      };
      // A point has ended with `exit_code` (or its worker was stopped by `signal`).
      auto finish = [&](std::size_t index, std::chrono::steady_clock::time_point start,
                        int exit_code, int signal, int rank) {
        SweepRow &row = rows[index];
        row.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        busy_seconds += row.seconds;
        ++done;
        const fs::path log_file = log_of(index);
        row.exit_code           = signal ? 128 + signal : exit_code;
        const bool solved       = !signal && (exit_code == 0 || exit_code == 3 || exit_code == 6);
        if (solved)
          {
            try
              {
                std::ifstream     in(dir / row.folder / "report.json");
                std::stringstream text;
                text << in.rdbuf();
                SweepRow parsed  = sweep_row_from_report(text.str());
                parsed.point     = row.point;
                parsed.values    = row.values;
                parsed.folder    = row.folder;
                parsed.exit_code = row.exit_code;
                parsed.seconds   = row.seconds;
                row              = parsed;
                row.status       = "ok";
              }
            catch (const std::exception &e)
              {
                row.status = "failed";
                row.error  = std::string("report.json unreadable: ") + e.what();
              }
          }
        else
          {
            row.status = "failed";
            row.error =
              signal ? "stopped by signal " + std::to_string(signal) : failure_text(log_file);
            if (row.error.empty())
              row.error = "exit code " + std::to_string(row.exit_code);
            row.folder.clear(); // nothing was written for it; its log is in logs/
          }
        if (row.status == "failed")
          ++failed;
        // The table so far, so that a long study can be read while it runs.
        std::vector<SweepRow> finished;
        for (const auto &x : rows)
          if (!x.status.empty())
            finished.push_back(x);
        write_text_file(dir / "sweep.csv", sweep_csv(options.vary, finished));

        const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const std::size_t left = points.size() - done;
        const double      eta  = left ? busy_seconds / done * left / slots : 0;
        log.message("sweep: " + std::to_string(done) + "/" + std::to_string(points.size()) +
                    " done, " + std::to_string(failed) + " failed, " + std::to_string(left) +
                    " left; " + duration(elapsed) + " so far" +
                    (left ? ", about " + duration(eta) + " left" : std::string()) + " (point " +
                    std::to_string(row.point) +
                    (spread ? " on process " + std::to_string(rank) : std::string()) + ": " +
                    (row.status == "ok" ? row.verdict : "failed") + ")");
      };

      // The points to run again (a process that did not see the sweep folder gave them back),
      // then the next ones in order.
      std::vector<std::size_t> again;
      auto                     pending = [&] { return !again.empty() || next < points.size(); };
      auto                     take    = [&] {
        if (again.empty())
          return next++;
        const std::size_t i = again.back();
        again.pop_back();
        return i;
      };
      // The next point to `w`.
      auto dispatch = [&](Worker &w) {
        const std::size_t i = take();
        w.send(i, log_of(i), point_args(i));
      };
      std::vector<Worker> workers;
      RemoteRanks         remote(spread ? world.size : 1);
      while (done < points.size())
        {
          // Idle processes of an MPI launch take the next points.
          for (int r; pending() && (r = remote.idle_rank()) > 0;)
            {
              const std::size_t i = take();
              remote.send(r, i,
                          nlohmann::json{{"log", log_of(i)},
                                         {"args", point_args(i)},
                                         {"threads_auto", options.threads <= 0},
                                         {"memory_auto", options.memory_limit_bytes <= 0},
                                         {"inputs", inputs}}
                            .dump());
            }
          // Idle workers take the next points; more workers start while points wait.
          for (auto &w : workers)
            if (w.alive() && !w.busy() && pending())
              dispatch(w);
          std::size_t alive = 0;
          for (const auto &w : workers)
            alive += w.alive();
          while (alive < jobs && pending())
            {
              workers.push_back(Worker::start(options.program));
              ++alive;
              dispatch(workers.back());
            }
          // Wait for a point to end (or a worker to die).
          std::vector<pollfd>   fds;
          std::vector<Worker *> polled;
          for (auto &w : workers)
            if (w.alive())
              {
                fds.push_back({w.socket, POLLIN, 0});
                polled.push_back(&w);
              }
          if (fds.empty() && !remote.busy())
            break;
          // (The other processes' answers are looked for every 20 ms.)
          if (poll(fds.data(), fds.size(), remote.busy() ? 20 : -1) < 0)
            {
              if (errno == EINTR)
                continue;
              throw std::runtime_error(std::string("waiting for the sweep's points: ") +
                                       std::strerror(errno));
            }
          for (std::size_t k = 0; k < fds.size(); ++k)
            if (fds[k].revents != 0)
              {
                Worker &w = *polled[k];
                for (const auto &[index, start, code, signal] : w.receive())
                  finish(index, start, code, signal, world.rank);
              }
          for (const auto &[e, rank] : remote.receive())
            if (e.signal == unseen_folder)
              {
                // (a process whose machine does not share the sweep folder: its points would be
                // lost there; it takes no more, and the point goes to the others)
                remote.retire(rank);
                again.push_back(e.index);
                log.message("sweep: process " + std::to_string(rank) +
                            " does not see the sweep folder " +
                            fs::absolute(options.out_dir).lexically_normal().string() +
                            " (not on a file system its machine shares): its points go to the "
                            "other processes");
              }
            else
              finish(e.index, e.start, e.exit_code, e.signal, rank);
          workers.erase(std::remove_if(workers.begin(), workers.end(),
                                       [](const Worker &w) { return !w.alive(); }),
                        workers.end());
        }
      for (auto &w : workers)
        w.stop();
      name_final_folders(dir / "logs", dir, fs::absolute(options.out_dir).lexically_normal());
      // The saving of the shared orderings: what the points that made theirs spent, against
      // those that reused one. The cache itself is not a result.
      std::error_code ec;
      fs::remove_all(dir / ".orderings", ec);
      // Setup (DoFs, constraints, matrix structure) and analysis (ordering, symbolic
      // factorisation) per point: made afresh, with the ordering reused, or with the structure
      // and symbolic factorisation kept by the worker.
      double   made_s = 0, ordering_s = 0, structure_s = 0;
      unsigned made = 0, ordering = 0, structure = 0;
      for (const auto &r : rows)
        if (r.status == "ok")
          {
            const double s = r.setup_seconds + r.ordering_seconds;
            if (r.structure_reused)
              ++structure, structure_s += s;
            else if (r.ordering_reused)
              ++ordering, ordering_s += s;
            else
              ++made, made_s += s;
          }
      if (made > 0 && structure + ordering > 0)
        {
          const double each = made_s / made;
          std::string  line = "sweep: setup and analysis of the matrix " + number(each, "%.2f") +
                             " s at " + std::to_string(made) + " point(s) that made their own";
          if (structure > 0)
            line += ", " + number(structure_s / structure, "%.2f") + " s at " +
                    std::to_string(structure) +
                    " that reused an earlier point's structure and symbolic factorisation";
          if (ordering > 0)
            line += ", " + number(ordering_s / ordering, "%.2f") + " s at " +
                    std::to_string(ordering) + " that reused an ordering";
          // (small points: the reused ones may take as long, within the timers' noise)
          const double saved = each * (structure + ordering) - structure_s - ordering_s;
          line += saved >= 0.05 ? ": " + number(saved, "%.1f") + " s saved" : ": no time saved";
          log.message(line);
        }
    });
    return rows;
  }
  int serve_sweep_rank(const std::string &program)
  {
    const MpiWorld &world = mpi_world();
    const int       threads =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency() /
                                      static_cast<unsigned>(std::max(world.local_size, 1))));
    // (this machine's share for each point, as rank 0's: the processes on it run one each)
    const double memory = point_memory_share(world.local_size);
    Worker       worker;
    // The case's files rank 0 sent fingerprints of, and the first whose copy here differs.
    std::string checked_inputs, other_copy;
    for (;;)
      {
        MPI_Status status;
        MPI_Probe(0, point_tag, MPI_COMM_WORLD, &status);
        int length = 0;
        MPI_Get_count(&status, MPI_CHAR, &length);
        std::string text(static_cast<std::size_t>(length), '\0');
        MPI_Recv(text.data(), length, MPI_CHAR, 0, point_tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (text.empty())
          return 0;
        int answer[2] = {5, 0};
        try
          {
            const auto point = nlohmann::json::parse(text);
            auto       args  = point.at("args").get<std::vector<std::string>>();
            if (point.value("threads_auto", false))
              for (std::size_t i = 0; i + 1 < args.size(); ++i)
                if (args[i] == "--threads")
                  args[i + 1] = std::to_string(threads);
            // (rank 0's share, or none where rank 0's machine does not say, replaced by this
            // machine's; none where this one does not say)
            if (point.value("memory_auto", false))
              {
                const auto m = std::find(args.begin(), args.end(), "--max-memory");
                if (m != args.end())
                  args.erase(m, std::min(m + 2, args.end()));
                if (memory > 0)
                  args.insert(args.end(), {"--max-memory", memory_argument(memory)});
              }
            // (every point comes with the same fingerprints: the files are read once)
            if (const auto inputs = point.value("inputs", nlohmann::json::array());
                inputs.dump() != checked_inputs)
              {
                checked_inputs = inputs.dump();
                other_copy.clear();
                for (const auto &file : inputs)
                  if (other_copy.empty() && file_fingerprint(file.at(0).get<std::string>()) !=
                                              file.at(1).get<unsigned long long>())
                    other_copy = file.at(0).get<std::string>();
              }
            std::error_code ec;
            if (!fs::is_directory(fs::path(point.at("log").get<std::string>()).parent_path(), ec))
              answer[0] = 0, answer[1] = unseen_folder;
            else if (!other_copy.empty())
              {
                write_text_file(
                  point.at("log").get<std::string>(),
                  "lightbody: error: " + other_copy + ": " +
                    other_copy_text("process " + std::to_string(world.rank) + "'s machine") + "\n");
                answer[0] = 2;
              }
            else
              {
                if (!worker.alive())
                  worker = Worker::start(program);
                worker.send(0, point.at("log").get<std::string>(), args);
                while (worker.alive() && worker.busy())
                  for (const auto &e : worker.receive())
                    answer[0] = e.exit_code, answer[1] = e.signal;
              }
          }
        catch (const std::exception &e)
          {
            std::cerr << "lightbody: process " << world.rank << ": " << e.what() << "\n";
          }
        // Rank 0 sends nothing while a point runs but the end of the sweep (when it stopped on
        // an error): then the answer is not wanted.
        int stop = 0;
        MPI_Iprobe(0, point_tag, MPI_COMM_WORLD, &stop, MPI_STATUS_IGNORE);
        if (stop)
          return 0;
        MPI_Send(answer, 2, MPI_INT, 0, ended_tag, MPI_COMM_WORLD);
      }
  }

  void release_sweep_ranks()
  {
    const MpiWorld &world = mpi_world();
    if (!world.active || world.rank != 0 || ranks_released)
      return;
    ranks_released = true;
    for (int r = 1; r < world.size; ++r)
      MPI_Send(nullptr, 0, MPI_CHAR, r, point_tag, MPI_COMM_WORLD);
  }

  int serve_sweep_points(const std::function<int(const std::vector<std::string> &)> &run_point)
  {
    // Answers go to the original standard output; what the points print goes to their logs.
    const int reply = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
    const int null  = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (reply < 0 || null < 0)
      return 5;
    ::dup2(null, 1);
    std::string line;
    while (std::getline(std::cin, line))
      {
        std::string              log_file;
        std::vector<std::string> args;
        try
          {
            const auto point = nlohmann::json::parse(line);
            log_file         = point.at("log").get<std::string>();
            args             = point.at("args").get<std::vector<std::string>>();
          }
        catch (const std::exception &)
          {
            return 1; // not a sweep talking to us
          }
        int code = 5;
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (log >= 0)
          {
            ::dup2(log, 1);
            ::dup2(log, 2);
            ::close(log);
            code = run_point(args);
            std::cout.flush();
            std::cerr.flush();
            std::fflush(nullptr);
            ::dup2(null, 1);
            ::dup2(null, 2);
          }
        const std::string answer = "exit " + std::to_string(code) + "\n";
        if (::write(reply, answer.data(), answer.size()) != static_cast<ssize_t>(answer.size()))
          return 1;
      }
    return 0;
  }
} // namespace lightbody
