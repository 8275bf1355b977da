#pragma once
// The solid-shell element: the 27-node hexahedron (FE_Q(2) for each displacement component)
// whose in-plane and transverse-shear strains are assumed covariant strains interpolated from
// tying points (the MITC9 scheme of Bucalem & Bathe, "Higher-order MITC general shell elements",
// Int. J. Numer. Meth. Engng 36 (1993) 3729-3754), applied at every level through the
// thickness. The thickness strain is sampled on the nine through-thickness node lines and
// interpolated biquadratically (assumed natural strain at the nodes: Betsch, Gruttmann & Stein,
// Comput. Methods Appl. Mech. Engrg. 130 (1996) 57-79; Bischoff & Ramm, Int. J. Numer. Meth.
// Engng 40 (1997) 4427-4449): on a curved wall the compatible thickness strain couples a node
// line's rotation with its neighbours' directions and stiffens bending (curvature thickness
// locking); at a node line it involves that line alone. On a flat wall of constant thickness
// the two are the same. The stress keeps its through-thickness profile and the wall can change
// thickness. The fully integrated element locks on coarse curved meshes (membrane, shear and
// curvature thickness locking); the assumed strains remove it without spurious zero-energy
// modes.
#include "meshes/model.h"

#include <deal.II/base/quadrature.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <memory>
#include <vector>

namespace lightbody
{
  // The element's strains at a fixed set of points of the unit cell, cell by cell. The matrix
  // and the vector are in the order of FESystem<3>(FE_Q<3>(2), 3)'s cell DoFs.
  class ShellStrains
  {
  public:
    static constexpr unsigned n_cell_dofs  = 81;
    static constexpr unsigned n_cell_nodes = 27; // the scalar FE_Q(2) shape functions

    // points: where the strains are wanted; their weights give the stiffness integral. The
    // cells are the model's (model.mapping) or, with `mapping`, those of a mesh made from the
    // model's whose coarse cells keep the model's cell indices (solver/distributed_mesh.h).
    ShellStrains(const Model &model, const dealii::Quadrature<3> &points,
                 const dealii::Mapping<3> *mapping = nullptr);
    ShellStrains(const ShellStrains &other);
    ~ShellStrains();

    // Prepares the strain-displacement rows of the cell; returns the smallest point weight times
    // Jacobian determinant (not positive: the element is inverted).
    double reinit(const dealii::Triangulation<3>::cell_iterator &cell);

    // The element stiffness int B^T D B of an isotropic material, by the points' weights; the
    // energy of the transverse shear strains (normal to the wall) times `transverse_shear` (a
    // shear correction factor where the through-thickness lines are kept straight).
    void stiffness(double lambda, double mu, dealii::FullMatrix<double> &K,
                   double transverse_shear = 1) const;

    // The geometric (initial-stress) stiffness int grad N_a . sigma . grad N_b dV, the same for
    // each displacement component, for the stress sigma at the points (MPa): the second
    // variation of the Green-Lagrange strain energy that linear buckling adds to the stiffness.
    void geometric_stiffness(const std::vector<dealii::SymmetricTensor<2, 3>> &stress,
                             dealii::FullMatrix<double>                       &KG) const;
    // Its one scalar matrix g_ab (27 x 27, symmetric, a and b the FE_Q(2) shape functions of
    // the cell in their order): KG's entry of DoFs i and j is g of their shape functions where
    // they are of the same component, else zero.
    void geometric_stiffness(const std::vector<dealii::SymmetricTensor<2, 3>> &stress,
                             double                                           *g) const;
    // The shape function (0 .. 26) and the component (0 .. 2) of each of the 81 cell DoFs.
    static unsigned node_of_dof(unsigned i);
    static unsigned component_of_dof(unsigned i);

    // The consistent mass matrix density int N_a N_b dV of each displacement component.
    void mass(double density, dealii::FullMatrix<double> &M) const;

    // The strains at the points for the cell's DoF values.
    void strains(const dealii::Vector<double>               &cell_values,
                 std::vector<dealii::SymmetricTensor<2, 3>> &eps) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
  };
} // namespace lightbody
