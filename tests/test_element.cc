// The solid-shell element (solver/shell_element.h) on its own: no spurious zero-energy modes
// (exactly the six rigid-body modes, for one element and for patches, flat, distorted and
// curved, one and two layers), and the constant-strain patch test on distorted elements.
#include "meshes/model.h"
#include "input/case_reader.h"
#include "solver/shell_element.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>

#include <Eigen/Dense>
#include <gtest/gtest.h>

using namespace lightbody;
using namespace dealii;

namespace
{
  const char *material = R"(
materials:
  al: {E: 70000 MPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 200 MPa, Rm: 260 MPa, source: test}
supports:
  s: {box: {min: [-1e4, -1e4, -1e4], max: [1e4, 1e4, 1e4]}, fix: all}
load_cases:
  g: {acceleration: [0, 0, -1 g]}
)";

  std::unique_ptr<Model> model_of(const std::string &parts)
  {
    return build_model(read_case_from_string(std::string(material) + parts, "element.yaml"));
  }

  // The assembled stiffness of the whole model, dense, in the DoF handler's numbering.
  Eigen::MatrixXd global_stiffness(const Model &model, DoFHandler<3> &dh)
  {
    const FESystem<3> fe(FE_Q<3>(2), 3);
    dh.distribute_dofs(fe);
    Eigen::MatrixXd                      K = Eigen::MatrixXd::Zero(dh.n_dofs(), dh.n_dofs());
    ShellStrains                         strains(model, QGauss<3>(3));
    FullMatrix<double>                   Ke(81, 81);
    std::vector<types::global_dof_index> dofs(81);
    for (const auto &cell : dh.active_cell_iterators())
      {
        EXPECT_GT(strains.reinit(cell), 0);
        const Material &m = model.parts[cell->material_id()].material;
        strains.stiffness(m.lame_lambda(), m.lame_mu(), Ke);
        cell->get_dof_indices(dofs);
        for (unsigned i = 0; i < 81; ++i)
          for (unsigned j = 0; j < 81; ++j)
            K(dofs[i], dofs[j]) += Ke(i, j);
      }
    return K;
  }

  // Eigenvalues below 1e-10 of the largest: zero-energy modes.
  struct Modes
  {
    unsigned zero;
    double   smallest_nonzero; // relative to the largest
  };
  Modes zero_modes(const std::string &parts)
  {
    auto                  model = model_of(parts);
    DoFHandler<3>         dh(model->triangulation);
    const Eigen::VectorXd ev =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(global_stiffness(*model, dh)).eigenvalues();
    const double top = ev.maxCoeff();
    Modes        m{0, 1};
    for (Eigen::Index i = 0; i < ev.size(); ++i)
      if (std::abs(ev[i]) < 1e-10 * top)
        ++m.zero;
      else
        m.smallest_nonzero = std::min(m.smallest_nonzero, ev[i] / top);
    return m;
  }

  std::string quad_part(const std::string &corners, double t, double size, unsigned layers)
  {
    return "parts:\n  p:\n    material: al\n    thickness: " + std::to_string(t) +
           " mm\n    mesh_size: " + std::to_string(size) +
           " mm\n    layers: " + std::to_string(layers) + "\n    quad: {corners: " + corners +
           "}\n";
  }
  std::string cylinder_part(double t, double size, unsigned layers, double degrees)
  {
    return "parts:\n  p:\n    material: al\n    thickness: " + std::to_string(t) +
           " mm\n    mesh_size: " + std::to_string(size) +
           " mm\n    layers: " + std::to_string(layers) +
           "\n    cylinder: {origin: [0, 0, 0], axis: [0, 1, 0], radius: 300 mm, length: 100 mm, "
           "angles: [0, " +
           std::to_string(degrees) + "]}\n";
  }
} // namespace

// An element with assumed strains may have more zero-energy modes than the rigid-body ones
// (uniform reduced integration of the 27-node hexahedron has at least nine); a sound element has
// exactly six, alone and in every patch (ellipticity, Bathe, Finite Element Procedures, 2014,
// 5.6 and 6.5; Bucalem & Bathe 1993 check MITC9 in the same way).
TEST(Element, SingleFlatElementHasSixZeroModes)
{
  for (double t : {2.0, 20.0})
    {
      const Modes m =
        zero_modes(quad_part("[[0, 0, 0], [100, 0, 0], [100, 100, 0], [0, 100, 0]]", t, 100, 1));
      EXPECT_EQ(m.zero, 6u) << "t = " << t;
      EXPECT_GT(m.smallest_nonzero, 1e-9) << "t = " << t;
    }
}

TEST(Element, SingleDistortedElementHasSixZeroModes)
{
  const Modes m =
    zero_modes(quad_part("[[0, 0, 0], [120, 10, 0], [90, 80, 0], [-10, 100, 0]]", 5, 150, 1));
  EXPECT_EQ(m.zero, 6u);
}

TEST(Element, SingleCurvedElementHasSixZeroModes)
{
  for (unsigned layers : {1u, 2u})
    {
      const Modes m = zero_modes(cylinder_part(3, 200, layers, 20));
      EXPECT_EQ(m.zero, 6u) << layers << " layers";
    }
}

TEST(Element, PatchesHaveSixZeroModes)
{
  // 3 x 3 distorted flat patch, 2 layers; 4 x 2 curved patch.
  EXPECT_EQ(
    zero_modes(quad_part("[[0, 0, 0], [300, 30, 0], [260, 280, 0], [-20, 310, 0]]", 5, 100, 2))
      .zero,
    6u);
  EXPECT_EQ(zero_modes(cylinder_part(3, 50, 1, 40)).zero, 6u);
}

// Constant-strain patch test (Irons; MacNeal & Harder 1985, test 1): the displacement u = A x
// at every node gives the strain sym(A) at every point of distorted elements, here a flat
// patch whose elements are not parallelograms, with two layers.
TEST(Element, ConstantStrainPatchTest)
{
  auto model =
    model_of(quad_part("[[0, 0, 0], [300, 30, 0], [260, 280, 0], [-20, 310, 0]]", 8, 100, 2));
  DoFHandler<3>     dh(model->triangulation);
  const FESystem<3> fe(FE_Q<3>(2), 3);
  dh.distribute_dofs(fe);
  std::vector<Point<3>> support(dh.n_dofs());
  DoFTools::map_dofs_to_support_points(*model->mapping, dh, support);
  const double          A[3][3] = {{1e-3, 2e-4, -3e-4}, {5e-4, -7e-4, 1e-4}, {-2e-4, 3e-4, 4e-4}};
  std::vector<unsigned> component(dh.n_dofs());
  std::vector<types::global_dof_index> dofs(81);
  for (const auto &cell : dh.active_cell_iterators())
    {
      cell->get_dof_indices(dofs);
      for (unsigned i = 0; i < 81; ++i)
        component[dofs[i]] = fe.system_to_component_index(i).first;
    }
  Vector<double> u(dh.n_dofs());
  for (types::global_dof_index d = 0; d < dh.n_dofs(); ++d)
    for (unsigned j = 0; j < 3; ++j)
      u[d] += A[component[d]][j] * support[d][j];

  std::vector<Point<3>> points;
  for (double x : {0.0, 0.21, 0.5, 0.9, 1.0})
    for (double z : {0.0, 0.33, 1.0})
      points.emplace_back(x, 1 - x * x, z);
  ShellStrains                       strains(*model, Quadrature<3>(points));
  Vector<double>                     local(81);
  std::vector<SymmetricTensor<2, 3>> eps;
  for (const auto &cell : dh.active_cell_iterators())
    {
      strains.reinit(cell);
      cell->get_dof_values(u, local);
      strains.strains(local, eps);
      for (const auto &e : eps)
        for (unsigned i = 0; i < 3; ++i)
          for (unsigned j = 0; j < 3; ++j)
            EXPECT_NEAR(e[i][j], 0.5 * (A[i][j] + A[j][i]), 1e-12);
    }
}
