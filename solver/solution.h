#pragma once
// The solver's output: one displacement field per load case on the model's mesh, the consistent
// nodal loads and the support reactions.
#include "meshes/model.h"
#include "input/case.h"

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/vector.h>

#include <string>
#include <vector>

namespace lightbody
{
  struct SupportDofs
  {
    std::string                                  name;
    std::vector<dealii::types::global_dof_index> dofs;
  };

  struct LoadCaseSolution
  {
    std::string            name;
    dealii::Vector<double> displacement; // mm
    dealii::Vector<double> load;         // consistent nodal forces, N (before constraints)
    dealii::Vector<double> reaction;     // support reactions, N (zero away from supports)
    std::vector<unsigned>  supports;     // indices into Solution::supports that hold this case
  };

  struct SolverStatistics
  {
    std::size_t dofs            = 0;
    std::size_t matrix_nonzeros = 0;
    double      factor_nonzeros = 0;
    double      factor_bytes    = 0;
  };

  class Solution
  {
  public:
    explicit Solution(const Model &m);
    Solution(const Solution &) = delete;

    const Model                  &model;
    dealii::FESystem<3>           fe;
    dealii::DoFHandler<3>         dof_handler;
    std::vector<SupportDofs>      supports;         // every support of the case
    unsigned                      support_sets = 0; // distinct sets, one factor each
    std::vector<LoadCaseSolution> load_cases;
    SolverStatistics              statistics;
  };
} // namespace lightbody
