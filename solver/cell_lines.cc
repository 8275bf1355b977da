#include "solver/cell_lines.h"

#include <deal.II/fe/fe.h>

#include <cmath>
#include <stdexcept>

namespace lightbody
{
  CellLines::CellLines(const dealii::FiniteElement<3, 3> &fe) : components_(fe.n_components())
  {
    if ((components_ != 1 && components_ != 3) || fe.n_dofs_per_cell() != 27 * components_)
      throw std::logic_error("CellLines: the 27-node element with one or three components");
    const auto &points = fe.get_unit_support_points();
    for (unsigned t = 0; t < 3; ++t)
      {
        const unsigned           a = (t + 1) % 3, b = (t + 2) % 3;
        std::array<unsigned, 81> seen{};
        const unsigned           n = components_;
        for (unsigned i = 0; i < fe.n_dofs_per_cell(); ++i)
          {
            const unsigned ia   = static_cast<unsigned>(std::lround(2 * points[i][a])),
                           ib   = static_cast<unsigned>(std::lround(2 * points[i][b])),
                           k    = static_cast<unsigned>(std::lround(2 * points[i][t])),
                           c    = fe.system_to_component_index(i).first;
            const unsigned slot = 9 * (3 * ia + ib) + n * k + c;
            if (ia > 2 || ib > 2 || k > 2 || ++seen[slot] != 1)
              throw std::logic_error("CellLines: not the 27-node element");
            lines_[t][3 * ia + ib][n * k + c] = i;
          }
      }
  }
} // namespace lightbody
