#pragma once
// Wall time per stage of a run, printed as progress lines ("lightbody: assemble ... 2.31 s") and
// kept for the report.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lightbody
{
  class StageLog
  {
  public:
    // Progress lines go to `sink` (stderr in the driver; nothing in tests).
    explicit StageLog(std::function<void(const std::string &)> sink = {}) : sink_(std::move(sink))
    {
    }

    void message(const std::string &line) const
    {
      if (sink_)
        sink_(line);
    }

    // Times a stage for as long as the returned object lives.
    class Scope
    {
    public:
      Scope(StageLog &log, std::string name)
        : log_(log), name_(std::move(name)), start_(std::chrono::steady_clock::now())
      {
        log_.message(name_ + " ...");
      }
      ~Scope()
      {
        const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        log_.stages_.emplace_back(name_, s);
        char buf[64];
        std::snprintf(buf, sizeof(buf), " %.2f s", s);
        log_.message(name_ + buf);
      }

    private:
      StageLog                             &log_;
      std::string                           name_;
      std::chrono::steady_clock::time_point start_;
    };

    const std::vector<std::pair<std::string, double>> &stages() const { return stages_; }
    // A stage timed elsewhere (on another thread, or split into parts).
    void record(const std::string &name, double seconds) { stages_.emplace_back(name, seconds); }

  private:
    std::function<void(const std::string &)>    sink_;
    std::vector<std::pair<std::string, double>> stages_;
  };
} // namespace lightbody
