#include "post/eigen_results.h"

#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    // The node and part of every DoF, to say where a mode shape peaks.
    struct DofPlaces
    {
      explicit DofPlaces(const Solution &s) : points(s.dof_handler.n_dofs())
      {
        DoFTools::map_dofs_to_support_points(*s.model.mapping, s.dof_handler, points);
        std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
        std::vector<bool>                    seen(s.dof_handler.n_dofs(), false);
        for (const auto &cell : s.dof_handler.active_cell_iterators())
          {
            cell->get_dof_indices(dofs);
            for (unsigned i = 0; i < dofs.size(); ++i)
              {
                const auto [component, node] = s.fe.system_to_component_index(i);
                if (component != 0 || seen[dofs[i]])
                  continue;
                seen[dofs[i]] = true;
                std::array<types::global_dof_index, 3> xyz;
                for (unsigned d = 0; d < 3; ++d)
                  xyz[d] = dofs[s.fe.component_to_system_index(d, node)];
                nodes.push_back(xyz);
                part.push_back(cell->material_id());
              }
          }
      }

      // The node whose displacement (all three components) is largest.
      ModeShapePeak peak(const Solution &s, const Vector<double> &phi) const
      {
        std::size_t best = 0;
        double      top  = -1;
        for (std::size_t n = 0; n < nodes.size(); ++n)
          {
            double m2 = 0;
            for (auto d : nodes[n])
              m2 += phi[d] * phi[d];
            if (m2 > top)
              top = m2, best = n;
          }
        const Point<3> &x = points[nodes[best][0]];
        ModeShapePeak   p;
        p.location_mm = {x[0], x[1], x[2]};
        p.part        = s.model.parts[part[best]].name;
        return p;
      }

      std::vector<Point<3>>                               points;
      std::vector<std::array<types::global_dof_index, 3>> nodes;
      std::vector<unsigned>                               part;
    };
  } // namespace

  void eigen_results(const Solution &s, const Case &c, ResultData &r)
  {
    const bool any_buckling =
      std::any_of(s.load_cases.begin(), s.load_cases.end(),
                  [](const LoadCaseSolution &l) { return l.buckling.requested > 0; });
    if (!any_buckling && !s.modal)
      return;
    const DofPlaces places(s);
    for (std::size_t i = 0; i < s.load_cases.size() && i < r.load_cases.size(); ++i)
      {
        const BucklingSolution &b = s.load_cases[i].buckling;
        if (b.requested == 0)
          continue;
        BucklingResult &out  = r.load_cases[i].buckling;
        out.analysed         = true;
        out.requested        = b.requested;
        out.load_factors     = b.factors;
        out.converged        = b.converged;
        out.iterations       = b.iterations;
        out.products         = b.products;
        out.preconditioned   = b.preconditioned;
        out.seconds          = b.seconds;
        out.assembly_seconds = b.assembly_seconds;
        out.required         = c.criteria.buckling_factor;
        for (const auto &mode : b.modes)
          out.peaks.push_back(places.peak(s, mode));
        out.passed =
          out.converged && (out.load_factors.empty() || out.load_factors.front() >= out.required);
        r.load_cases[i].passed = r.load_cases[i].passed && out.passed;
      }
    if (s.modal)
      {
        const ModalSolution &m = *s.modal;
        ModalResult          out;
        for (std::size_t k = 0; k < m.omega2.size(); ++k)
          {
            // A rigid-body mode's omega^2 is zero within round-off, of either sign.
            out.frequencies_Hz.push_back(std::sqrt(std::max(m.omega2[k], 0.0)) / (2 * M_PI));
            out.effective_mass_kg.push_back(
              {{1e3 * m.effective_mass[k][0], 1e3 * m.effective_mass[k][1],
                1e3 * m.effective_mass[k][2]}});
            out.peaks.push_back(places.peak(s, m.modes[k]));
          }
        for (unsigned d = 0; d < 3; ++d)
          out.movable_mass_kg[d] = 1e3 * m.total_mass[d];
        out.structural_mass_kg = 1e3 * m.structural_mass;
        out.added_mass_kg      = 1e3 * m.added_mass;
        out.rigid_body_modes   = m.rigid_body_modes;
        for (unsigned i : m.supports)
          out.supports.push_back(s.supports[i].name);
        out.converged      = m.converged;
        out.iterations     = m.iterations;
        out.products       = m.products;
        out.preconditioned = m.preconditioned;
        out.seconds        = m.seconds;
        r.modal            = std::move(out);
      }
  }
} // namespace lightbody
