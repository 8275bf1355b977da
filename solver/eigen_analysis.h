#pragma once
// Linear buckling and natural vibration on the factorised stiffness (solver/ internal): the
// geometric stiffness of a load case's stress state, the consistent mass matrix with the
// non-structural masses, and the eigenpairs turned into load factors and frequencies.
#include "solver/eigen_solver.h"
#include "solver/solution.h"

#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/sparse_matrix.h>

#include <functional>
#include <memory>
#include <vector>

namespace lightbody
{
  // The stress range of a load case: the largest compression (minus the smallest principal
  // stress) and the largest principal stress in magnitude, MPa.
  struct StressRange
  {
    double compression = 0, largest = 0;
    // Some point of the body is in compression (compression below a millionth of the largest
    // stress is round-off of the stress recovery, measured 1e-8 in a plate in pure tension, and
    // would buckle above a load factor of 1e6): without it K_G is positive semi-definite and
    // there is no positive buckling load factor.
    bool compressed() const { return compression > 1e-6 * largest; }
  };

  // K_G of the stress the displacement u causes as one matrix, condensed by the constraints; the
  // rows and columns of constrained DoFs are zero. (The runs take its products cell by cell,
  // GeometricStiffness; this assembled form checks them, tests/test_condensed_assembly.cc.)
  StressRange assemble_geometric_stiffness(const Model &model, const Solution &s,
                                           const dealii::Vector<double>            &u,
                                           const dealii::AffineConstraints<double> &constraints,
                                           dealii::SparseMatrix<double>            &KG);

  // The memory the Lanczos process of an eigen analysis of `modes` modes holds on a mesh of
  // `dofs` DoFs (its basis and a step's vectors on a CHOLMOD factor), bytes.
  double lanczos_bytes(unsigned modes, std::size_t dofs);
  // The same on rank 0 for an analysis on a factor shared by `processes` processes: its rows of
  // the basis and of its products with A (solver/lanczos_basis.h), and a step's vectors whole.
  double spread_lanczos_bytes(unsigned modes, std::size_t dofs, int processes);

  // K_G of a load case as the eigen solver's products (one process), made again for each load
  // case in the same memory: each cell's one 27 x 27 matrix (K_G repeats it for the three
  // components), each product taken cell by cell and through the constraints, P^T (sum of the
  // cells) P x. No matrix of all DoFs: the default tank's condensed K_G (0.4 GB beside the
  // cells' 81 x 81 matrices, 0.6 GB with their structure) was its peak of memory; the cells'
  // matrices take 62 MB.
  class GeometricStiffness
  {
  public:
    // `band`: the matrices of these cells only, consecutive in the model's cells' order (the
    // SPMD run's share of a process); null: all.
    // `mapping`: the band's cells' (those of the model's mesh spread over the processes,
    // solver/distributed_mesh.h); null: the model's.
    GeometricStiffness(
      const dealii::DoFHandler<3>                                    &dof_handler,
      const dealii::AffineConstraints<double>                        &constraints,
      const std::vector<dealii::DoFHandler<3>::active_cell_iterator> *band    = nullptr,
      const dealii::Mapping<3>                                       *mapping = nullptr);
    // K_G of the stress the displacement u causes (the cells'), in place of the one before;
    // returns the stress range (of the cells).
    StressRange assemble(const Model &model, const Solution &s, const dealii::Vector<double> &u);
    // The products y = K_G x (zero at the constrained DoFs), from one thread at a time. Of a
    // band: its cells' part of K_G x (x and y of all DoFs); the sum over the bands is K_G x.
    PencilMatrix pencil() const;
    // The same on the DoFs the products touch alone: `dofs` (in order; of a band its cells'
    // DoFs and those their constrained DoFs follow, else all), x and y of those DoFs
    // (dofs.size() each, y zero at the constrained ones). A band's vectors are then about
    // 1 / N of all DoFs, not whole.
    struct BandProduct
    {
      std::vector<dealii::types::global_dof_index>  dofs;
      std::function<void(const double *, double *)> product;
    };
    BandProduct band_product() const;
    // The memory a buckling analysis of `modes` modes holds beside the factor for a mesh of
    // `cells` cells and `dofs` DoFs (K_G and the Lanczos basis), bytes.
    static double analysis_bytes(std::size_t cells, std::size_t dofs, unsigned modes);
    // What each of `processes` processes holds for K_G in bands (the cells' matrices of its
    // band, its products' vectors of its band's DoFs), bytes.
    static double band_bytes(std::size_t cells, std::size_t dofs, int processes);

  private:
    struct Cells;
    std::shared_ptr<Cells> cells_;
  };

  // The consistent mass of the structure and of the modal case's non-structural masses,
  // condensed by the constraints (constrained rows and columns zero); `cells` as above (the
  // non-structural masses' pieces on them). Returns the structural mass (of the cells) and the
  // added mass (all of it), tonne.
  std::pair<double, double>
  assemble_mass(const Model &model, const Solution &s, const ModalSpec &modal,
                const dealii::AffineConstraints<double>                        &constraints,
                dealii::SparseMatrix<double>                                   &M,
                const std::vector<dealii::DoFHandler<3>::active_cell_iterator> *cells   = nullptr,
                const dealii::Mapping<3>                                       *mapping = nullptr);

  // The lowest `modes` buckling load factors of K (factorised) and K_G.
  // `compression`: the answer of assemble_geometric_stiffness (without it: no modes, no solve).
  BucklingSolution buckling_modes(bool compression, const FactoredMatrix &K, const PencilMatrix &KG,
                                  unsigned modes, const dealii::AffineConstraints<double> &c,
                                  const EigenProgress &progress = {});

  // The same for several load cases on one factor, their eigen solves side by side, each step's
  // solves of all of them made as one (extreme_eigenpairs_together); `seconds` of each: the
  // whole solve's.
  struct BucklingRequest
  {
    bool                compression = false;
    const PencilMatrix *KG          = nullptr;
    unsigned            modes       = 0;
    EigenProgress       progress; // (none: not told)
  };
  std::vector<BucklingSolution>
  buckling_modes_together(const FactoredMatrix &K, const std::vector<BucklingRequest> &requests,
                          const dealii::AffineConstraints<double> &c);

  // The lowest natural frequencies from the factor of K + shift M. `free_body`: a body without
  // supports, the DoFs' points (whose rigid-body modes are then deflated where the eigen
  // analysis runs preconditioned, as LOBPCG: its products' round-off keeps their residuals from
  // converging); null: supported.
  ModalSolution vibration_modes(const FactoredMatrix &K_shifted, double shift,
                                const PencilMatrix &M, const dealii::AffineConstraints<double> &c,
                                const std::vector<unsigned char> &component, unsigned modes,
                                const EigenProgress                 &progress  = {},
                                const std::vector<dealii::Point<3>> *free_body = nullptr);
} // namespace lightbody
