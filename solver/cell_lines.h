#pragma once
// The nodes of a solid-shell cell (27 nodes; three displacement components each, or one for a
// numbering of the nodes) grouped into its nine through-thickness lines.
#include <array>

namespace dealii
{
  template <int dim, int spacedim>
  class FiniteElement;
}

namespace lightbody
{
  class CellLines
  {
  public:
    // line[components() * k + c]: the cell-local DoF index of component c of the k-th node of
    // the line (k = 0, 1, 2 up the thickness axis); the first 3 * components() entries are used.
    using Line = std::array<unsigned, 9>;

    // fe: FE_Q<3>(2), or the FESystem of three (std::logic_error for any other).
    explicit CellLines(const dealii::FiniteElement<3, 3> &fe);

    unsigned components() const { return components_; }
    // The DoFs of a line: 3 * components().
    unsigned size() const { return 3 * components_; }

    // The nine lines when the thickness runs along reference axis t (Model::thickness_axis),
    // line 4 the one through the cell's centre.
    const std::array<Line, 9> &along(unsigned t) const { return lines_[t]; }

  private:
    std::array<std::array<Line, 9>, 3> lines_{};
    unsigned                           components_;
  };
} // namespace lightbody
