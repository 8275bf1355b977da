#include "solver/elastic_problem_steps.h"

#include "solver/cell_lines.h"
#include "solver/condensed_assembly.h"
#include "solver/distributed_mesh.h"
#include "solver/fingerprint.h"
#include "solver/loads.h"
#include "solver/shell_element.h"
#include "solver/supports.h"
#include "solver/ties.h"

#include <deal.II/base/multithread_info.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/work_stream.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/sparse_matrix.h>
#include <deal.II/lac/sparsity_pattern.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <list>
#include <set>
#include <map>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <sstream>

namespace lightbody
{
  using namespace dealii;

  Solution::Solution(const Model &m) : model(m), fe(FE_Q<3>(2), 3), dof_handler(m.triangulation) {}

  namespace
  {
    constexpr unsigned cell_dofs = ShellStrains::n_cell_dofs; // displacement DoFs of a cell

    // Element stiffness of the solid-shell (solver/shell_element.h), isotropic linear
    // elasticity, integrated with the 3 x 3 x 3 Gauss rule.
    class ElementStiffness
    {
    public:
      // straight: by active cell, whether its through-thickness lines are held straight
      // (mesh.fibres; empty: none is), its constant transverse shear then taking the shear
      // correction factor 5/6 (the energy of the parabolic shear stress that carries the same
      // shear force).
      ElementStiffness(const Model &model, const std::vector<bool> &straight,
                       const Mapping<3> *mapping = nullptr)
        : model_(model), strains_(model, QGauss<3>(3), mapping), straight_(straight)
      {
      }

      // Returns the smallest JxW: a non-positive value is an inverted element.
      double compute(const Triangulation<3>::cell_iterator &cell, FullMatrix<double> &K)
      {
        const double    min_jxw  = strains_.reinit(cell);
        const Material &m        = model_.parts[cell->material_id()].material;
        const bool      straight = !straight_.empty() && straight_[model_cell(cell)];
        strains_.stiffness(m.lame_lambda(), m.lame_mu(), K, straight ? 5.0 / 6.0 : 1.0);
        return min_jxw;
      }

    private:
      const Model             &model_;
      ShellStrains             strains_;
      const std::vector<bool> &straight_;
    };

    struct CopyData
    {
      FullMatrix<double>                   K{cell_dofs, cell_dofs};
      std::vector<types::global_dof_index> dofs = std::vector<types::global_dof_index>(cell_dofs);
      double                               min_jxw = 1;
      unsigned                             cell    = 0;
    };

    // The matrix structures of the last runs in this process that kept theirs
    // (reuse_structure): up to four, for a point's static, modal and convergence-check
    // structures, by the fingerprint of their DoFs and constraints, most recent first.
    class KeptStructures
    {
    public:
      std::shared_ptr<const SparsityPattern> find(uint64_t fingerprint)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto it = kept_.begin(); it != kept_.end(); ++it)
          if (it->first == fingerprint)
            {
              kept_.splice(kept_.begin(), kept_, it);
              return kept_.front().second;
            }
        return nullptr;
      }
      void keep(uint64_t fingerprint, std::shared_ptr<const SparsityPattern> pattern)
      {
        std::lock_guard<std::mutex> lock(mutex_);
        kept_.emplace_front(fingerprint, std::move(pattern));
        if (kept_.size() > 4)
          kept_.pop_back();
      }

    private:
      std::mutex                                                             mutex_;
      std::list<std::pair<uint64_t, std::shared_ptr<const SparsityPattern>>> kept_;
    };
    KeptStructures &kept_structures()
    {
      static KeptStructures kept;
      return kept;
    }
  } // namespace

  std::string point_text(const Point<3> &p)
  {
    std::ostringstream s;
    s.precision(1);
    s << std::fixed << "(" << p[0] << ", " << p[1] << ", " << p[2] << ") mm";
    return s.str();
  }

  // A wall 5000 times thinner than the body loses its stiffness to round-off (a 0.001 mm
  // plate of 300 mm: its clamped edge, 0.001 mm deep, holds no rotation in double precision;
  // the twisted beam of MacNeal and Harder 0.001 thick and 12 long, 24 x 4 elements, is
  // singular, 12 x 2 balances its loads to 1.2 only): the messages of a body that is not held
  // say so beside the usual causes.
  std::string thin_wall_hint(const Model &model)
  {
    const PartMesh *thinnest = nullptr;
    for (const auto &p : model.parts)
      if (p.thickness > 0 && (!thinnest || p.thickness < thinnest->thickness))
        thinnest = &p;
    if (!thinnest || !(model.size > 5e3 * thinnest->thickness))
      return "";
    char sizes[120];
    std::snprintf(sizes, sizeof sizes, "%g mm against a body of %.0f mm", thinnest->thickness,
                  model.size);
    return "; or part \"" + thinnest->name + "\" is too thin for the body (" + sizes +
           "): its stiffness is lost in round-off; check its thickness";
  }

  void ElasticProblem::setup_system()
  {
    StageLog::Scope t(log_, "setup");
    Solution       &s = *solution_;
    s.dof_handler.distribute_dofs(s.fe);
    if (together_ &&
        model_.triangulation.n_active_cells() >= static_cast<unsigned>(distributed_processes()))
      {
        // The SPMD run: the DoFs numbered as the mesh spread over the processes numbers them,
        // each process's own (those of its band of cells, which it assembles) consecutive, and
        // the matrices' rows owned so. (A process without a cell, more processes than cells,
        // cannot hold a part of the mesh: the DoFs then keep the serial numbering, the rows in
        // bands of about n / N.)
        mesh_         = distribute_mesh(model_, MPI_COMM_WORLD);
        s.spread_mesh = mesh_;
        s.dof_handler.renumber_dofs(distributed_numbering(*mesh_, s.dof_handler, MPI_COMM_WORLD));
        set_distributed_rows(owned_rows(*mesh_, MPI_COMM_WORLD));
      }
    else if (together_)
      {
        mesh_.reset();
        s.spread_mesh.reset();
        set_distributed_rows({});
      }
    s.statistics.dofs = s.dof_handler.n_dofs();
    support_points_.resize(s.dof_handler.n_dofs());
    component_.resize(s.dof_handler.n_dofs());
    DoFTools::map_dofs_to_support_points(*model_.mapping, s.dof_handler, support_points_);
    std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
    for (const auto &cell : s.dof_handler.active_cell_iterators())
      {
        cell->get_dof_indices(dofs);
        for (unsigned i = 0; i < dofs.size(); ++i)
          component_[dofs[i]] = s.fe.system_to_component_index(i).first;
      }
    select_supports();
    log_.message("model: " + std::to_string(model_.parts.size()) + " parts, " +
                 std::to_string(model_.joints.size()) + " joints, " +
                 std::to_string(model_.triangulation.n_active_cells()) + " elements, " +
                 std::to_string(s.statistics.dofs) + " DOFs");
  }

  std::vector<unsigned> ElasticProblem::support_set(const LoadCaseSpec &lc) const
  {
    std::vector<unsigned> set;
    for (unsigned i = 0; i < case_.supports.size(); ++i)
      if (lc.supports.empty() || std::find(lc.supports.begin(), lc.supports.end(),
                                           case_.supports[i].name) != lc.supports.end())
        set.push_back(i);
    for (const auto &name : lc.supports)
      if (std::none_of(case_.supports.begin(), case_.supports.end(),
                       [&](const SupportSpec &sp) { return sp.name == name; }))
        throw InputError(lc.where, "load_cases." + lc.name + ".supports",
                         "no support named \"" + name + "\"");
    return set;
  }

  // The nodes of every support, once.
  void ElasticProblem::select_supports()
  {
    Solution &s = *solution_;
    for (const auto &spec : case_.supports)
      {
        SupportDofs sd;
        sd.name    = spec.name;
        sd.elastic = spec.elastic();
        const std::vector<bool> selected =
          select_support(model_, s.dof_handler, support_points_, spec, case_);
        // Rigid supports hold their fixed components, elastic ones those with a stiffness.
        const Vec3 k = spec.bedding ? *spec.bedding : spec.spring ? *spec.spring : Vec3{0, 0, 0};
        for (std::size_t d = 0; d < selected.size(); ++d)
          if (selected[d] && (spec.elastic() ? k[component_[d]] > 0 : spec.fixed[component_[d]]))
            sd.dofs.push_back(d);
        if (sd.dofs.empty())
          throw InputError(spec.where, "supports." + spec.name,
                           "selects no nodes of the model (check the region against the "
                           "geometry)");
        if (std::string w =
              hinge_warning(model_, s.dof_handler, support_points_, spec, case_, selected);
            !w.empty())
          s.warnings.push_back(std::move(w));
        s.supports.push_back(std::move(sd));
      }
  }

  // Constraints of the active support set and the ties, and the matrix structure.
  void ElasticProblem::build_constraints()
  {
    StageLog::Scope t(log_, "setup");
    Solution       &s = *solution_;
    constraints_.clear();
    chains_.clear();
    straight_cells_.clear();
    for (unsigned i : active_)
      {
        const SupportSpec &spec = case_.supports[i];
        if (spec.elastic())
          continue;
        for (auto d : s.supports[i].dofs)
          if (!constraints_.is_constrained(d))
            {
              constraints_.add_line(d);
              if (!modal_ && spec.displacement && (*spec.displacement)[component_[d]] != 0)
                constraints_.set_inhomogeneity(d, (*spec.displacement)[component_[d]]);
            }
      }
    apply_ties();
    if (case_.mesh.straight_fibres)
      straight_fibres();
    for (const auto &line : constraints_.get_lines())
      if (!line.entries.empty())
        chains_.emplace_back(line.index, line.entries);
    constraints_.close();

    // A part of a multi-part model that is neither joined nor supported would only show up as
    // a singular matrix: name it instead.
    if (model_.parts.size() > 1 && !(modal_ && case_.modal->free))
      {
        std::vector<bool> held(model_.parts.size(), false);
        for (const auto &j : model_.joints)
          for (unsigned p = 0; p < model_.parts.size(); ++p)
            if (model_.parts[p].name == j.part_a || model_.parts[p].name == j.part_b)
              held[p] = true;
        std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
        for (const auto &cell : s.dof_handler.active_cell_iterators())
          if (!held[cell->material_id()])
            {
              cell->get_dof_indices(dofs);
              for (auto d : dofs)
                if (constraints_.is_constrained(d))
                  {
                    held[cell->material_id()] = true;
                    break;
                  }
            }
        for (unsigned p = 0; p < held.size(); ++p)
          if (!held[p])
            throw ModelError("part \"" + model_.parts[p].name +
                             "\" is joined to no other part and not supported; check that its "
                             "edges meet the neighbouring parts");
      }
    if (lockstep())
      {
        // Each process its share (assemble_system), also of an eigen analysis's matrix.
        sparsity_.reset();
        stiffness_.clear();
        return;
      }
    make_sparsity();
    stiffness_.reinit(*sparsity_);
    s.statistics.matrix_nonzeros = sparsity_->n_nonzero_elements();
  }

  // The matrix structure of the DoFs and constraints, or the one kept from an earlier run in
  // this process with the same (SolverOptions::reuse_structure).
  void ElasticProblem::make_sparsity()
  {
    Solution   &s = *solution_;
    Fingerprint f;
    if (options_.reuse_structure)
      {
        f.feed(s.dof_handler.n_dofs());
        std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
        for (const auto &cell : s.dof_handler.active_cell_iterators())
          {
            cell->get_dof_indices(dofs);
            for (auto d : dofs)
              f.feed(d);
          }
        for (const auto &line : constraints_.get_lines())
          {
            f.feed(line.index);
            f.feed(line.entries.size());
            for (const auto &e : line.entries)
              f.feed(e.first);
          }
        if ((sparsity_ = kept_structures().find(f.value)))
          {
            ++s.statistics.structures_reused;
            return;
          }
      }
    DynamicSparsityPattern dsp(s.dof_handler.n_dofs());
    DoFTools::make_sparsity_pattern(s.dof_handler, dsp, constraints_, false);
    auto pattern = std::make_shared<SparsityPattern>();
    pattern->copy_from(dsp);
    sparsity_ = pattern;
    if (options_.reuse_structure)
      kept_structures().keep(f.value, sparsity_);
  }

  // mesh.fibres straight: each through-thickness line of a single-layer part stays straight in
  // the wall's plane: its middle node moves with the line through its ends plus a stretch along
  // the line (the quadratic thickness change that keeps bending free of Poisson locking), two
  // constraints per middle node (the seven-parameter shell kinematics, Buechter, Ramm and
  // Roehl 1994). A middle node that a support or a tie holds, or that is not the middle of the
  // same line in every cell, keeps its three DoFs. A cell whose centre line is straight (a
  // line along a support or joint may not be) takes the shear correction (straight_cells_).
  void ElasticProblem::straight_fibres()
  {
    Solution                            &s = *solution_;
    const CellLines                      cell_lines(s.fe);
    std::vector<types::global_dof_index> dofs(s.fe.n_dofs_per_cell());
    const std::size_t                    nodes = s.dof_handler.n_dofs() / 3;
    auto                                 node  = [&](const CellLines::Line &line, unsigned k) {
      return static_cast<unsigned>(dofs[line[3 * k]] / 3);
    };
    // For each node: the two ends of its line when it is a middle node (the same in every
    // cell), or a mark that it is not.
    constexpr unsigned                   none = std::numeric_limits<unsigned>::max();
    std::vector<std::array<unsigned, 2>> ends(nodes, {{none, none}});
    std::vector<bool>                    excluded(nodes, false);
    for (const auto &cell : s.dof_handler.active_cell_iterators())
      {
        const unsigned index  = cell->active_cell_index();
        const bool     single = model_.parts[cell->material_id()].layers == 1;
        cell->get_dof_indices(dofs);
        for (const auto &line : cell_lines.along(model_.thickness_axis(index)))
          {
            const unsigned first = node(line, 0), middle = node(line, 1), last = node(line, 2);
            excluded[first] = excluded[last] = true;
            if (!single)
              excluded[middle] = true;
            auto &e = ends[middle];
            if (e[0] == none)
              e = {{first, last}};
            else if (!((e[0] == first && e[1] == last) || (e[0] == last && e[1] == first)))
              excluded[middle] = true;
          }
      }
    // Nodes of the set's supports, rigid or elastic, keep their DoFs: a support's reaction is
    // then the force on its own nodes.
    std::vector<bool> held(s.dof_handler.n_dofs(), false);
    for (unsigned i : active_)
      for (auto d : s.supports[i].dofs)
        held[d] = true;
    std::vector<bool> straight(nodes, false);
    for (unsigned v = 0; v < nodes; ++v)
      {
        if (excluded[v] || ends[v][0] == none)
          continue;
        const types::global_dof_index m = 3 * types::global_dof_index(v);
        if (held[m] || held[m + 1] || held[m + 2] || constraints_.is_constrained(m) ||
            constraints_.is_constrained(m + 1) || constraints_.is_constrained(m + 2))
          continue;
        const types::global_dof_index a = 3 * types::global_dof_index(ends[v][0]),
                                      b = 3 * types::global_dof_index(ends[v][1]);
        const Tensor<1, 3> d            = support_points_[a] - support_points_[b];
        // The middle node's place on the line (a rigid rotation must pass the constraint): off
        // the line, it keeps its DoFs.
        const Tensor<1, 3> r = support_points_[m] - support_points_[b];
        const double       f = (r * d) / (d * d);
        if ((r - f * d).norm() > 1e-6 * d.norm())
          continue;
        unsigned k = 0;
        for (unsigned c = 1; c < 3; ++c)
          if (std::abs(d[c]) > std::abs(d[k]))
            k = c;
        for (unsigned j = 0; j < 3; ++j)
          if (j != k)
            {
              const double c = d[j] / d[k];
              constraints_.add_line(m + j);
              constraints_.add_entries(
                m + j,
                {{a + j, f}, {b + j, 1 - f}, {m + k, c}, {a + k, -f * c}, {b + k, -(1 - f) * c}});
            }
        straight[v] = true;
      }
    straight_cells_.assign(model_.triangulation.n_active_cells(), false);
    for (const auto &cell : s.dof_handler.active_cell_iterators())
      {
        const unsigned index = cell->active_cell_index();
        cell->get_dof_indices(dofs);
        straight_cells_[index] =
          straight[node(cell_lines.along(model_.thickness_axis(index))[4], 1)];
      }
  }

  const Mapping<3> *ElasticProblem::cells_mapping() const
  {
    return share_cells_spread_ && mesh_ ? &mesh_->mapping : nullptr;
  }

  void ElasticProblem::apply_ties()
  {
    Solution &s = *solution_;
    add_tie_constraints(model_, s.dof_handler, s.fe, constraints_, tie_basis_from_environment());
  }

  // The stiffness with the constraints (ties condensed where their lines are long), the
  // elastic supports and, for prescribed displacements, their forces on the right-hand side
  // (lifting_). In one process the whole matrix; in the SPMD run each process's share: the
  // elements of its band of cells (the active cells in order, N equal bands), rank 0 adding the
  // elastic supports, the lifting summed over the processes; the rows go to their owners in
  // factorise_together.
  void ElasticProblem::assemble_system()
  {
    StageLog::Scope   t(log_, "assemble");
    const Solution   &s     = *solution_;
    const std::size_t n     = s.dof_handler.n_dofs();
    const bool        share = lockstep();
    const int         rank  = share ? rank_ : 0;
    const auto [first, last] =
      cell_share(model_.triangulation.n_active_cells(), rank, share ? distributed_processes() : 1);
    std::vector<DoFHandler<3>::active_cell_iterator> &cells = share_cells_;
    cells.clear();
    share_cells_spread_ = share && mesh_;
    if (share_cells_spread_)
      {
        // (the spread mesh's own cells: the band, numbered as the model's DoFs are)
        cells = mesh_->own_cells(last - first);
      }
    else
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        if (const unsigned i = cell->active_cell_index(); i >= first && i < last)
          cells.push_back(cell);
    // Elastic supports: a bedding k (N/mm^3 per global direction) integrated over the exact
    // footprint, springs (N/mm) shared among the support's nodes (elastic_blocks).
    springs_ = elastic_blocks();
    if (share)
      {
        DynamicSparsityPattern               dsp(n);
        std::vector<types::global_dof_index> dofs(cell_dofs);
        for (const auto &cell : cells)
          {
            cell->get_dof_indices(dofs);
            constraints_.add_entries_local_to_global(dofs, dsp, false);
          }
        if (rank == 0)
          for (const Spring &b : springs_)
            constraints_.add_entries_local_to_global(b.dofs, dsp, false);
        share_.clear();
        share_pattern_.copy_from(dsp);
        share_.reinit(share_pattern_);
      }
    SparseMatrix<double> &target = share ? share_ : stiffness_;
    ElementStiffness      scratch(model_, straight_cells_, share ? cells_mapping() : nullptr);
    CopyData              copy;
    double                worst_jxw  = 1;
    unsigned              worst_cell = 0;
    // Prescribed displacements: the known values' forces move to the right-hand side.
    const bool           prescribed = constraints_.has_inhomogeneities();
    const Vector<double> zero(cell_dofs);
    lifting_.reinit(prescribed ? n : 0);
    // Ties: the cells' matrices without the constraints, condensed once (CondensedAssembly).
    std::optional<CondensedAssembly> condensed;
    if (CondensedAssembly::needed(constraints_))
      condensed.emplace(s.dof_handler, share ? &cells : nullptr);
    WorkStream::run(
      cells.cbegin(), cells.cend(),
      [](const auto &it, ElementStiffness &sc, CopyData &cd) {
        const DoFHandler<3>::active_cell_iterator &cell = *it;
        cd.min_jxw                                      = sc.compute(cell, cd.K);
        cd.cell                                         = model_cell(cell);
        cell->get_dof_indices(cd.dofs);
      },
      [&](const CopyData &cd) {
        if (cd.min_jxw < worst_jxw)
          worst_jxw = cd.min_jxw, worst_cell = cd.cell;
        if (condensed)
          condensed->add(cd.K, cd.dofs);
        else if (prescribed)
          constraints_.distribute_local_to_global(cd.K, zero, cd.dofs, target, lifting_);
        else
          constraints_.distribute_local_to_global(cd.K, cd.dofs, target);
      },
      scratch, copy);
    if (condensed)
      condensed->condense(constraints_, target, prescribed ? &lifting_ : nullptr);
    condensed.reset();
    if (rank == 0)
      for (const Spring &b : springs_)
        {
          if (prescribed) // the springs' forces at the prescribed values move to the right side
            constraints_.distribute_local_to_global(b.k, Vector<double>(b.dofs.size()), b.dofs,
                                                    target, lifting_);
          else
            constraints_.distribute_local_to_global(b.k, b.dofs, target);
        }
    if (share)
      {
        if (prescribed)
          sum_over_processes(lifting_.data(), lifting_.size());
        min_over_processes(worst_jxw, worst_cell);
      }
    else
      {
        // (the shared matrix's diagonal comes from the processes, factorise_together)
        diagonal_.resize(n);
        for (std::size_t i = 0; i < n; ++i)
          diagonal_[i] = std::abs(stiffness_.diag_element(i));
      }
    if (worst_jxw <= 0)
      {
        const Triangulation<3>::active_cell_iterator cell(&model_.triangulation, 0, worst_cell);
        throw ModelError("part \"" + model_.parts[cell->material_id()].name +
                         "\": inverted or degenerate element near " + point_text(cell->center()) +
                         "; check the part's geometry");
      }
  }

  // A bedding's face matrices: int_A k_c N_i N_j dA on the faces of its surface (inside its
  // box), with a composite face rule so that the held area does not depend on where the mesh
  // lines fall; springs (N/mm) shared equally among the support's nodes.
  std::vector<ElasticProblem::Spring> ElasticProblem::elastic_blocks() const
  {
    const Solution     &s = *solution_;
    std::vector<Spring> blocks;
    // A face matrix restricted to the DoFs with a stiffness (the face's nodes).
    const auto keep = [&](unsigned support, const FullMatrix<double> &k,
                          const std::vector<types::global_dof_index> &dofs) {
      std::vector<unsigned> used;
      for (unsigned i = 0; i < dofs.size(); ++i)
        for (unsigned j = 0; j < dofs.size(); ++j)
          if (k(i, j) != 0)
            {
              used.push_back(i);
              break;
            }
      Spring b{support, std::vector<types::global_dof_index>(used.size()),
               FullMatrix<double>(used.size(), used.size())};
      for (unsigned i = 0; i < used.size(); ++i)
        {
          b.dofs[i] = dofs[used[i]];
          for (unsigned j = 0; j < used.size(); ++j)
            b.k(i, j) = k(used[i], used[j]);
        }
      blocks.push_back(std::move(b));
    };
    // 8 x 8 sub-squares of 3 x 3 Gauss points per face: the footprint's edge is resolved to
    // 1/24 of the element size.
    // (Made on the first bedding only: with its 576 points on every face it takes about 15 ms,
    // a fifth of a small model's whole solve.)
    const QIterated<2>                   rule(QGauss<1>(3), 8);
    std::optional<FEFaceValues<3>>       face_values;
    FullMatrix<double>                   local(cell_dofs, cell_dofs);
    std::vector<types::global_dof_index> dofs(cell_dofs);
    for (unsigned i : active_)
      {
        const SupportSpec &spec = case_.supports[i];
        if (spec.spring)
          {
            std::array<unsigned, 3> nodes{{0, 0, 0}};
            for (auto d : s.supports[i].dofs)
              ++nodes[component_[d]];
            for (auto d : s.supports[i].dofs)
              {
                Spring b{i, {d}, FullMatrix<double>(1, 1)};
                b.k(0, 0) = (*spec.spring)[component_[d]] / nodes[component_[d]];
                blocks.push_back(std::move(b));
              }
          }
        if (!spec.bedding)
          continue;
        if (!face_values)
          face_values.emplace(*model_.mapping, s.fe, rule,
                              update_values | update_quadrature_points | update_JxW_values);
        FEFaceValues<3> &fv = *face_values;
        for (const RegionSpec *region : support_regions(spec, case_))
          {
            const auto it = model_.surfaces.find(region->surface);
            if (region->kind != RegionSpec::Kind::surface || it == model_.surfaces.end())
              continue;
            for (const FaceRef &f : it->second)
              {
                const DoFHandler<3>::active_cell_iterator cell(&model_.triangulation, 0, f.cell,
                                                               &s.dof_handler);
                fv.reinit(cell, f.face);
                local    = 0;
                bool any = false;
                for (unsigned q = 0; q < rule.size(); ++q)
                  {
                    const Point<3> &x  = fv.quadrature_point(q);
                    bool            in = true;
                    for (unsigned k = 0; k < 3 && region->in_box; ++k)
                      in = in && x[k] >= region->box_min[k] && x[k] <= region->box_max[k];
                    if (!in)
                      continue;
                    any = true;
                    for (unsigned a = 0; a < cell_dofs; ++a)
                      {
                        const unsigned c  = s.fe.system_to_component_index(a).first;
                        const double   Na = fv.shape_value(a, q);
                        if (Na == 0)
                          continue;
                        const double kw = (*spec.bedding)[c] * Na * fv.JxW(q);
                        for (unsigned b = 0; b < cell_dofs; ++b)
                          if (s.fe.system_to_component_index(b).first == c)
                            local(a, b) += kw * fv.shape_value(b, q);
                      }
                  }
                if (!any)
                  continue;
                cell->get_dof_indices(dofs);
                keep(i, local, dofs);
              }
          }
      }
    return blocks;
  }

  void ElasticProblem::assemble_loads()
  {
    StageLog::Scope t(log_, "loads");
    // The body force's integrals once for all the load cases with an acceleration.
    const bool any_body_force =
      std::any_of(case_.load_cases.begin(), case_.load_cases.end(), has_body_force);
    const Vector<double> body_weights =
      any_body_force ? body_force_weights(model_, *solution_) : Vector<double>();
    for (const auto &lc : case_.load_cases)
      {
        LoadCaseSolution l;
        l.name = lc.name;
        l.load = assemble_load_vector(model_, *solution_, lc, support_points_, component_,
                                      any_body_force ? &body_weights : nullptr);
        solution_->load_cases.push_back(std::move(l));
      }
  }

  // A support set that leaves a rigid-body motion free is found here, before factorising, and
  // named in the engineer's terms.
  void ElasticProblem::check_rigid_body_modes() const
  {
    const Solution &s = *solution_;
    Point<3>        centre;
    std::size_t     n = 0;
    for (unsigned i : active_)
      for (auto d : s.supports[i].dofs)
        centre += support_points_[d], ++n;
    Eigen::Matrix<double, 6, 6> M = Eigen::Matrix<double, 6, 6>::Zero();
    if (n > 0)
      {
        centre /= n;
        const double L = std::max(model_.size, 1.0);
        for (unsigned i : active_)
          for (auto d : s.supports[i].dofs)
            {
              Eigen::Matrix<double, 6, 1> r = Eigen::Matrix<double, 6, 1>::Zero();
              const unsigned              c = component_[d];
              const Tensor<1, 3>          x = (support_points_[d] - centre) / L;
              r[c]                          = 1;
              // Rotation k moves the node by e_k x x; its component c:
              Tensor<1, 3> e_c;
              e_c[c] = 1;
              for (unsigned k = 0; k < 3; ++k)
                {
                  Tensor<1, 3> e_k;
                  e_k[k]   = 1;
                  r[3 + k] = cross_product_3d(e_k, x) * e_c;
                }
              M += r * r.transpose();
            }
      }
    Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 6, 6>> eig(M);
    const double             top = std::max(eig.eigenvalues().maxCoeff(), 1e-300);
    std::vector<std::string> free;
    const char              *axis[3] = {"x", "y", "z"};
    for (int k = 0; k < 6; ++k)
      if (n == 0 || eig.eigenvalues()[k] < 1e-10 * top)
        {
          const auto v  = eig.eigenvectors().col(k);
          const int  at = [&] {
            int best = 0;
            for (int i = 1; i < 6; ++i)
              if (std::abs(v[i]) > std::abs(v[best]))
                best = i;
            return best;
          }();
          free.push_back(std::string(at < 3 ? "translation along " : "rotation about ") +
                         axis[at % 3]);
        }
    if (!free.empty())
      {
        std::string list;
        for (const auto &f : free)
          list += (list.empty() ? "" : ", ") + f;
        throw ModelError("the body is free to move (" + list + ")" + cases_text() +
                         ": the supports do not hold it; add or extend supports" +
                         held_by_supports() + thin_wall_hint(model_));
      }
  }

  // What each support of the set holds: its components and at how many nodes, and whether
  // those lie on one line or at one point (a support region that caught a single line of
  // nodes at a coarse mesh holds no rotation about that line).
  std::string ElasticProblem::held_by_supports() const
  {
    const Solution &s = *solution_;
    const double    L = std::max(model_.size, 1.0);
    std::string     out;
    unsigned        listed = 0;
    for (unsigned i : active_)
      {
        if (++listed > 8)
          {
            out += ", ...";
            break;
          }
        std::set<std::array<double, 3>> nodes;
        bool                            held[3] = {false, false, false};
        for (auto d : s.supports[i].dofs)
          {
            const Point<3> &x = support_points_[d];
            nodes.insert({x[0], x[1], x[2]});
            held[component_[d]] = true;
          }
        std::string what;
        for (unsigned c = 0; c < 3; ++c)
          if (held[c])
            what += std::string(what.empty() ? "" : ", ") + "xyz"[c];
        // The spread of the nodes: the covariance's eigenvalues.
        Eigen::Vector3d mean = Eigen::Vector3d::Zero();
        for (const auto &x : nodes)
          mean += Eigen::Vector3d(x[0], x[1], x[2]);
        mean /= std::max<std::size_t>(nodes.size(), 1);
        Eigen::Matrix3d C = Eigen::Matrix3d::Zero();
        for (const auto &x : nodes)
          {
            const Eigen::Vector3d r = Eigen::Vector3d(x[0], x[1], x[2]) - mean;
            C += r * r.transpose();
          }
        const Eigen::Vector3d spread =
          Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d>(C).eigenvalues().cwiseMax(0.0).cwiseSqrt();
        const char *shape = nodes.size() == 1 || spread[2] < 1e-6 * L ? " at one point"
                            : spread[1] < 1e-6 * L                    ? " along one line"
                                                                      : "";
        out += std::string(listed == 1 ? " (supports: " : ", ") + "\"" + s.supports[i].name +
               "\" " + (what.empty() ? "nothing" : what) + " at " + std::to_string(nodes.size()) +
               (nodes.size() == 1 ? " node" : " nodes") + (nodes.size() > 1 ? shape : "");
      }
    return out.empty() ? out : out + ")";
  }

  void ElasticProblem::solve()
  {
    StageLog::Scope t(log_, "solve");
    const auto      right_hand_side = [&](const LoadCaseSolution &l) {
      Vector<double> b = l.load;
      constraints_.condense(b);
      if (lifting_.size() == b.size())
        b += lifting_;
      return b;
    };
    const auto keep = [&](LoadCaseSolution &l, Vector<double> &&u) {
      constraints_.distribute(u);
      for (double v : u)
        if (!std::isfinite(v))
          throw ModelError("load case \"" + l.name + "\": the solution is not finite");
      double round_off = 0;
      for (std::size_t d = 0; d < u.size(); ++d)
        round_off += diagonal_[d] * std::abs(u[d]);
      l.round_off_N  = std::numeric_limits<double>::epsilon() * round_off;
      l.displacement = std::move(u);
    };
    if (!iterative_)
      {
        // The direct factor (CHOLMOD's, or MUMPS's shared by the processes): the load cases
        // eight at a time, each solve one pass over the factor for all of them (CHOLMOD, the
        // default tank's six: 0.3 s against 0.9 s one by one).
        const std::size_t n = solution_->dof_handler.n_dofs();
        for (std::size_t first = 0; first < active_cases_.size(); first += 8)
          {
            const std::size_t   count = std::min<std::size_t>(8, active_cases_.size() - first);
            std::vector<double> columns(n * count);
            for (std::size_t k = 0; k < count; ++k)
              {
                const Vector<double> b =
                  right_hand_side(solution_->load_cases[active_cases_[first + k]]);
                std::copy(b.begin(), b.end(), columns.begin() + k * n);
              }
            if (distributed_)
              distributed_->solve(columns.data(), count);
            else
              cholesky_->solve(columns.data(), count);
            for (std::size_t k = 0; k < count; ++k)
              keep(solution_->load_cases[active_cases_[first + k]],
                   Vector<double>(columns.begin() + k * n, columns.begin() + (k + 1) * n));
          }
        return;
      }
    // (the SPMD run: rank 0 solves, the others serving the solver; then the others take the
    // displacements of the load cases with a buckling analysis, for the geometric stiffness of
    // their band of cells, and no others: see release_solved)
    on_rank0([&] {
      for (unsigned i : active_cases_)
        {
          LoadCaseSolution &l = solution_->load_cases[i];
          Vector<double>    b = right_hand_side(l);
          iterative_solve(b.data(), options_.iterative_tolerance, "load case \"" + l.name + "\"");
          keep(l, std::move(b));
        }
    });
    if (lockstep())
      for (unsigned i : active_cases_)
        if (case_.load_cases[i].has_buckling())
          {
            Vector<double> &u = solution_->load_cases[i].displacement;
            if (rank_ > 0)
              u.reinit(solution_->dof_handler.n_dofs());
            from_rank0(u.data(), u.size());
          }
  }

  // A solved load case's loads are read again only for the reactions (at the supported DoFs)
  // and for the equilibrium sums: each process frees them, rank 0 (or the one process) keeping
  // those values and sums, 8 bytes per DoF each load case before the set's eigen analyses reach
  // their peak. In the SPMD run the other processes read the displacements only for the
  // geometric stiffness of their band of cells (a buckling analysis), the post-processing
  // sending them again from rank 0 (app/pipeline.cc): they free those of the load cases without
  // a buckling analysis here (bench/heap_profile.py), a buckling case's when its K_G is made.
  void ElasticProblem::release_solved()
  {
    const bool               keeps = !lockstep() || rank_ == 0;
    std::vector<std::size_t> at;
    if (keeps)
      {
        const std::vector<bool> wanted = reaction_dofs();
        for (std::size_t d = 0; d < wanted.size(); ++d)
          if (wanted[d])
            at.push_back(d);
      }
    reaction_loads_.assign(active_cases_.size(), {});
    for (std::size_t j = 0; j < active_cases_.size(); ++j)
      {
        LoadCaseSolution &l = solution_->load_cases[active_cases_[j]];
        if (keeps)
          {
            l.applied_N           = {{0, 0, 0}};
            l.applied_magnitude_N = 0;
            for (std::size_t d = 0; d < l.load.size(); ++d)
              {
                l.applied_N[component_[d]] += l.load[d];
                l.applied_magnitude_N += std::abs(l.load[d]);
              }
            for (const std::size_t d : at)
              reaction_loads_[j].push_back(l.load[d]);
          }
        l.load = Vector<double>();
        if (!keeps && !case_.load_cases[active_cases_[j]].has_buckling())
          release_displacement(active_cases_[j]);
      }
  }

  std::vector<bool> ElasticProblem::reaction_dofs() const
  {
    const std::size_t n = solution_->dof_handler.n_dofs();
    std::vector<bool> wanted(n, false);
    for (unsigned i : active_)
      if (!case_.supports[i].elastic())
        for (auto d : solution_->supports[i].dofs)
          wanted[d] = true;
    for (bool grown = true; grown;)
      {
        grown = false;
        for (const auto &[slave, masters] : chains_)
          if (!wanted[slave] && std::any_of(masters.begin(), masters.end(),
                                            [&](const auto &e) { return wanted[e.first]; }))
            wanted[slave] = grown = true;
      }
    return wanted;
  }

  void ElasticProblem::release_displacement(unsigned i)
  {
    if (lockstep() && rank_ > 0)
      solution_->load_cases[i].displacement = Vector<double>();
  }

  // Reactions at the supported DoFs (the global matrix with its constrained rows is gone by
  // now). A rigid support's: K u + K_s u - f from the element matrices of the cells around it
  // and the springs there, with what the DoFs that ties and straight fibres make follow it
  // pass on. An elastic support's: its springs' forces, -K_s u, wherever they act (also at a
  // DoF that a rigid support holds or that a tie makes follow others).
  void ElasticProblem::compute_reactions()
  {
    if (lockstep() && rank_ > 0)
      {
        // (rank 0's part: the SPMD run's Solution is rank 0's; the factor or the iterative
        // solver is freed together)
        springs_.clear();
        distributed_.reset();
        iterative_.reset();
        return;
      }
    StageLog::Scope   t(log_, "reactions");
    Solution         &s       = *solution_;
    const std::size_t n       = s.dof_handler.n_dofs();
    const bool        elastic = std::any_of(active_.begin(), active_.end(),
                                            [&](unsigned i) { return case_.supports[i].elastic(); });
    // A following DoF passes its share of the forces (K u - f and the springs' K_s u) on to
    // its masters (the constraints as made, chains_). Wanted: the rigidly held DoFs and every
    // following DoF whose masters, at any depth, include one (the loads there kept,
    // reaction_loads_).
    const std::vector<bool> wanted = reaction_dofs();
    // The order to pass the shares on: a DoF after every DoF that passes some to it.
    std::vector<std::size_t> order;
    {
      std::vector<unsigned>    incoming(n, 0);
      std::vector<std::size_t> line_of(n, chains_.size());
      for (std::size_t k = 0; k < chains_.size(); ++k)
        if (wanted[chains_[k].first])
          {
            line_of[chains_[k].first] = k;
            for (const auto &[master, weight] : chains_[k].second)
              incoming[master] += wanted[master];
          }
      for (std::size_t k = 0; k < chains_.size(); ++k)
        if (wanted[chains_[k].first] && incoming[chains_[k].first] == 0)
          order.push_back(k);
      for (std::size_t next = 0; next < order.size(); ++next)
        for (const auto &[master, weight] : chains_[order[next]].second)
          if (wanted[master] && --incoming[master] == 0 && line_of[master] < chains_.size())
            order.push_back(line_of[master]);
    }
    for (unsigned i : active_cases_)
      {
        s.load_cases[i].reaction.reinit(n);
        s.load_cases[i].spring_reaction.reinit(0);
        s.load_cases[i].spring_force.clear();
      }
    ElementStiffness                     element(model_, straight_cells_);
    FullMatrix<double>                   K(cell_dofs, cell_dofs);
    std::vector<types::global_dof_index> dofs(cell_dofs);
    Vector<double>                       u(cell_dofs), f(cell_dofs);
    for (const auto &cell : s.dof_handler.active_cell_iterators())
      {
        cell->get_dof_indices(dofs);
        if (std::none_of(dofs.begin(), dofs.end(), [&](auto d) { return wanted[d]; }))
          continue;
        element.compute(cell, K);
        for (unsigned c : active_cases_)
          {
            LoadCaseSolution &l = s.load_cases[c];
            for (unsigned i = 0; i < cell_dofs; ++i)
              u[i] = l.displacement[dofs[i]];
            K.vmult(f, u);
            for (unsigned i = 0; i < cell_dofs; ++i)
              if (wanted[dofs[i]])
                l.reaction[dofs[i]] += f[i];
          }
      }
    // The springs' forces K_s u, per load case, at each DoF and per support.
    std::vector<Vector<double>>                     spring(active_cases_.size());
    std::vector<std::vector<std::array<double, 3>>> own(active_cases_.size());
    if (elastic)
      {
        for (auto &v : spring)
          v.reinit(n);
        for (auto &v : own)
          v.assign(s.supports.size(), {{0, 0, 0}});
        Vector<double> x, ku;
        for (const Spring &block : springs_)
          {
            x.reinit(block.dofs.size());
            ku.reinit(block.dofs.size());
            for (unsigned j = 0; j < active_cases_.size(); ++j)
              {
                for (unsigned i = 0; i < block.dofs.size(); ++i)
                  x[i] = s.load_cases[active_cases_[j]].displacement[block.dofs[i]];
                block.k.vmult(ku, x);
                for (unsigned i = 0; i < block.dofs.size(); ++i)
                  {
                    spring[j][block.dofs[i]] += ku[i];
                    own[j][block.support][component_[block.dofs[i]]] -= ku[i];
                  }
              }
          }
      }
    for (unsigned j = 0; j < active_cases_.size(); ++j)
      {
        Vector<double> &reaction = s.load_cases[active_cases_[j]].reaction;
        for (std::size_t d = 0, k = 0; d < n; ++d)
          if (wanted[d])
            reaction[d] += (elastic ? spring[j][d] : 0.0) - reaction_loads_[j][k++];
        for (std::size_t k : order)
          {
            const auto &[slave, masters] = chains_[k];
            for (const auto &[master, weight] : masters)
              if (wanted[master])
                reaction[master] += weight * reaction[slave];
            reaction[slave] = 0;
          }
        if (elastic)
          {
            spring[j] *= -1;
            s.load_cases[active_cases_[j]].spring_reaction = std::move(spring[j]);
            s.load_cases[active_cases_[j]].spring_force    = std::move(own[j]);
          }
      }
    springs_.clear();
    reaction_loads_.clear();
    cholesky_.reset();
    distributed_.reset();
    iterative_.reset();
  }

  double resident_memory_bytes()
  {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("VmRSS:", 0) == 0)
        return 1024 * std::atof(line.c_str() + 6);
    return 0;
  }

  double available_memory_bytes()
  {
    std::ifstream in("/proc/meminfo");
    std::string   key;
    double        kb;
    std::string   unit;
    while (in >> key >> kb >> unit)
      if (key == "MemAvailable:")
        return kb * 1024;
    return 1e300;
  }

  double memory_share(int sharing) { return 0.9 * available_memory_bytes() / std::max(sharing, 1); }

  double memory_limit(double limit_bytes)
  {
    return limit_bytes > 0 ? limit_bytes : memory_share(distributed_local_processes());
  }

  std::string memory_text(double bytes)
  {
    char text[64];
    if (bytes >= 1e9)
      std::snprintf(text, sizeof text, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1e6)
      std::snprintf(text, sizeof text, "%.0f MB", bytes / 1e6);
    else
      std::snprintf(text, sizeof text, "%.0f kB", bytes / 1e3);
    return text;
  }

  std::unique_ptr<Solution> solve_load_cases(const Model &model, const Case &c, StageLog &log,
                                             const SolverOptions &options)
  {
    return ElasticProblem(model, c, log, options).run();
  }
} // namespace lightbody
