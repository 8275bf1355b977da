#include "solver/condensed_assembly.h"

#include <deal.II/base/multithread_info.h>
#include <deal.II/base/parallel.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <string>
#include <stdexcept>

namespace lightbody
{
  using namespace dealii;
  using size_type = types::global_dof_index;

  bool CondensedAssembly::needed(const AffineConstraints<double> &constraints)
  {
    // LIGHTBODY_PER_CELL_CONSTRAINTS=1 keeps the per-cell expansion everywhere: the peer of
    // bench/assembly_benchmark.py.
    static const bool per_cell = [] {
      const char *given = std::getenv("LIGHTBODY_PER_CELL_CONSTRAINTS");
      return given && std::string(given) == "1";
    }();
    if (per_cell)
      return false;
    const auto &lines = constraints.get_lines();
    return std::any_of(lines.begin(), lines.end(),
                       [](const auto &l) { return !l.entries.empty(); });
  }

  CondensedAssembly::CondensedAssembly(
    const DoFHandler<3> &dof_handler, const std::vector<DoFHandler<3>::active_cell_iterator> *cells)
    : share_(cells != nullptr)
  {
    DynamicSparsityPattern dsp(dof_handler.n_dofs());
    if (cells)
      {
        std::vector<size_type> dofs(dof_handler.get_fe().n_dofs_per_cell());
        for (const auto &cell : *cells)
          {
            cell->get_dof_indices(dofs);
            for (size_type i : dofs)
              dsp.add_entries(i, dofs.begin(), dofs.end());
          }
      }
    else
      DoFTools::make_sparsity_pattern(dof_handler, dsp);
    pattern_.copy_from(dsp);
    A0_.reinit(pattern_);
  }

  void CondensedAssembly::add(const FullMatrix<double> &local, const std::vector<size_type> &dofs)
  {
    A0_.add(dofs, local);
  }

  void CondensedAssembly::condense(const AffineConstraints<double> &constraints,
                                   SparseMatrix<double> &A, Vector<double> *lifting) const
  {
    if (!constraints.is_closed())
      throw std::logic_error("CondensedAssembly::condense: the constraints are not closed");
    const size_type n = A0_.m();
    if (A.m() != n || (lifting && lifting->size() != n))
      throw std::logic_error("CondensedAssembly::condense: sizes differ");

    // Each constrained DoF's line (closed: its entries are unconstrained DoFs) and, for each
    // unconstrained DoF, the constrained ones that follow it with their weights (P's columns).
    using Entries = std::vector<std::pair<size_type, double>>;
    std::vector<const Entries *> line(n, nullptr);
    std::vector<double>          g(n, 0.0);
    std::vector<size_type>       start(n + 1, 0);
    for (const auto &l : constraints.get_lines())
      {
        line[l.index] = &l.entries;
        g[l.index]    = l.inhomogeneity;
        for (const auto &e : l.entries)
          ++start[e.first + 1];
      }
    for (size_type i = 0; i < n; ++i)
      start[i + 1] += start[i];
    std::vector<std::pair<size_type, double>> followers(start[n]);
    {
      std::vector<size_type> next(start.begin(), start.end() - 1);
      for (const auto &l : constraints.get_lines())
        for (const auto &e : l.entries)
          followers[next[e.first]++] = {l.index, e.second};
    }

    // A constrained DoF's diagonal: the cells' |diagonal| there (as the per-cell expansion puts
    // it), or the mean diagonal where that is zero.
    double mean_diagonal = 0;
    for (size_type i = 0; i < n; ++i)
      mean_diagonal += std::abs(A0_.diag_element(i));
    mean_diagonal = n > 0 && mean_diagonal > 0 ? mean_diagonal / n : 1.0;

    // Row a of A0 P, as (column, value) pairs through add, and its share of the
    // inhomogeneities, -sum_b A0_ab g_b, returned.
    const auto row_times_P = [&](size_type a, const auto &add) {
      double lift = 0;
      for (auto it = A0_.begin(a); it != A0_.end(a); ++it)
        {
          const size_type b = it->column();
          const double    v = it->value();
          if (!line[b])
            add(b, v);
          else
            {
              for (const auto &[j, wj] : *line[b])
                add(j, v * wj);
              lift -= v * g[b];
            }
        }
      return lift;
    };
    // A sparse row gathered densely: add(j, v) sums, `columns` lists the touched ones once.
    struct Row
    {
      explicit Row(size_type n) : acc(n, 0.0), touched(n, 0) {}
      void add(size_type j, double v)
      {
        if (!touched[j])
          touched[j] = 1, columns.push_back(j);
        acc[j] += v;
      }
      std::vector<double>    acc;
      std::vector<char>      touched;
      std::vector<size_type> columns;
    };

    // The rows of A0 P of the DoFs that follow others, once (each is wanted by all its
    // leaders' rows: forming them again there was 10 times the work on the tipper example).
    std::vector<size_type> following;
    for (const auto &l : constraints.get_lines())
      if (!l.entries.empty())
        following.push_back(l.index);
    std::vector<std::vector<std::pair<size_type, double>>> followed_row(following.size());
    std::vector<double>                                    followed_lift(following.size(), 0.0);
    std::vector<size_type>                                 slot(n, 0);
    for (size_type k = 0; k < following.size(); ++k)
      slot[following[k]] = k;
    const auto follower_rows = [&](const size_type begin, const size_type end) {
      Row r(n);
      for (size_type k = begin; k < end; ++k)
        {
          followed_lift[k] = row_times_P(following[k], [&](size_type j, double v) { r.add(j, v); });
          auto &row        = followed_row[k];
          row.reserve(r.columns.size());
          for (size_type j : r.columns)
            {
              row.emplace_back(j, r.acc[j]);
              r.acc[j] = 0, r.touched[j] = 0;
            }
          r.columns.clear();
        }
    };

    std::atomic<bool> missing{false};
    const auto        rows = [&](const size_type begin, const size_type end) {
      // Row i of P^T A0 P: (A0 P)_i + sum over i's followers a of w_a (A0 P)_a.
      Row        r(n);
      const auto add = [&](size_type j, double v) { r.add(j, v); };
      for (size_type i = begin; i < end; ++i)
        {
          if (line[i])
            {
              const double d = std::abs(A0_.diag_element(i));
              if (d != 0 || !share_)
                A.diag_element(i) += d != 0 ? d : mean_diagonal;
              continue;
            }
          double lift = row_times_P(i, add);
          for (size_type k = start[i]; k < start[i + 1]; ++k)
            {
              const auto [a, w] = followers[k];
              for (const auto &[j, v] : followed_row[slot[a]])
                r.add(j, w * v);
              lift += w * followed_lift[slot[a]];
            }
          for (auto it = A.begin(i); it != A.end(i); ++it)
            {
              const size_type j = it->column();
              if (r.touched[j])
                {
                  it->value() += r.acc[j];
                  r.touched[j] = 0;
                  r.acc[j]     = 0;
                }
            }
          for (size_type j : r.columns)
            if (r.touched[j])
              {
                if (r.acc[j] != 0)
                  missing = true;
                r.touched[j] = 0;
                r.acc[j]     = 0;
              }
          r.columns.clear();
          if (lifting)
            (*lifting)[i] += lift;
        }
    };
    const size_type grain = std::max<size_type>(2000, n / (8 * MultithreadInfo::n_threads()) + 1);
    parallel::apply_to_subranges(size_type(0), size_type(following.size()), follower_rows,
                                 grain / 8 + 1);
    parallel::apply_to_subranges(size_type(0), n, rows, grain);
    if (missing)
      throw std::logic_error(
        "CondensedAssembly::condense: the matrix structure lacks an entry of P^T A P");
  }
} // namespace lightbody
