#pragma once
// The per-cell work of the post-processing over this process's band of cells (band_cells): in
// parallel threads, the copies added in the cells' order; under an MPI launch (`spread`) every
// process reaches the check after it (check_processes) whatever failed, so that none is left
// waiting in the sums that follow. Included by the post-processing's .cc files only.
#include "post/results.h"

#include <deal.II/base/work_stream.h>

#include <exception>

namespace lightbody
{
  template <class Worker, class Copier, class Scratch, class Copy>
  void work_band(const Solution &s, bool spread, const Worker &worker, const Copier &copier,
                 const Scratch &scratch, const Copy &copy)
  {
    const auto         cells = band_cells(s, spread);
    std::exception_ptr failure;
    try
      {
        dealii::WorkStream::run(
          cells.cbegin(), cells.cend(),
          [&worker](const auto &it, auto &sc, auto &cd) { worker(*it, sc, cd); }, copier, scratch,
          copy);
      }
    catch (...)
      {
        failure = std::current_exception();
      }
    check_processes(failure, spread);
  }
} // namespace lightbody
