#include "solver/ties.h"

#include "input/errors.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <array>
#include <map>
#include <set>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    using DofCell = DoFHandler<3>::active_cell_iterator;

    // The leading cell holding x, and x in its reference coordinates. The cell that held the
    // previous point is tried first, and cells whose bounding box misses x are skipped: the
    // inverse mapping is the expensive part.
    bool locate(const Mapping<3> &mapping, const DoFHandler<3> &dofs, const Tie &tie,
                const Point<3> &x, DofCell &cell, Point<3> &xi, unsigned &face)
    {
      auto try_face = [&](const DofCell &c, unsigned f) {
        const auto   box = c->bounding_box();
        const double grow =
          0.1 * box.side_length(0) + 0.1 * box.side_length(1) + 0.1 * box.side_length(2);
        for (unsigned d = 0; d < 3; ++d)
          if (x[d] < box.lower_bound(d) - grow || x[d] > box.upper_bound(d) + grow)
            return false;
        try
          {
            xi = mapping.transform_real_to_unit_cell(c, x);
          }
        catch (...)
          {
            return false;
          }
        // In the face: inside the cell; across it: within 2 % of the depth, since two quadratic
        // interpolations of one curved surface differ slightly between their nodes.
        for (unsigned d = 0; d < 3; ++d)
          if (d == f / 2 ? std::abs(xi[d] - (f % 2)) > 0.02 : (xi[d] < -1e-6 || xi[d] > 1 + 1e-6))
            return false;
        xi   = GeometryInfo<3>::project_to_unit_cell(xi);
        cell = c;
        face = f;
        return true;
      };
      // The face that held the previous point first: the inverse mapping is the expensive part.
      if (cell.state() == IteratorState::valid && try_face(cell, face))
        return true;
      for (const FaceRef &f : tie.leaders)
        if (try_face(DofCell(&dofs.get_triangulation(), 0, f.cell, &dofs), f.face))
          return true;
      return false;
    }
  } // namespace

  namespace
  {
    // Nodes of a quadratic (FE_Q(2)) hexahedron: the tie projection works node by node, each
    // node carrying three displacement DoFs.
    constexpr unsigned q2_nodes = 27;
  } // namespace

  void add_tie_constraints(const Model &model, const DoFHandler<3> &dof_handler,
                           const FESystem<3> &fe, AffineConstraints<double> &constraints)
  {
    if (model.ties.empty())
      return;
    const Mapping<3> &mapping = *model.mapping;
    const auto       &tria    = model.triangulation;
    unsigned          system_index[q2_nodes][3];
    for (unsigned i = 0; i < fe.n_dofs_per_cell(); ++i)
      {
        const auto ci                     = fe.system_to_component_index(i);
        system_index[ci.second][ci.first] = i;
      }

    // One projection per following part: all its tied faces together (pieces of the interface
    // that do not touch simply give independent blocks).
    std::map<std::pair<unsigned, unsigned>, std::vector<const Tie *>> joints;
    for (const Tie &t : model.ties)
      joints[{Triangulation<3>::active_cell_iterator(&tria, 0, t.follower.cell)->material_id(), 0u}]
        .push_back(&t);

    // A composite rule: leader shape functions have kinks inside follower faces.
    const QIterated<2>                   rule(QGauss<1>(3), 8);
    FEFaceValues<3>                      fv(mapping, fe, rule,
                                            update_values | update_quadrature_points | update_JxW_values);
    std::vector<types::global_dof_index> fdofs(fe.n_dofs_per_cell()), ldofs(fe.n_dofs_per_cell());

    for (const auto &[parts, ties] : joints)
      {
        std::set<types::global_dof_index> leader_dofs;
        for (const Tie *t : ties)
          for (const FaceRef &f : t->leaders)
            {
              const DofCell c(&tria, 0, f.cell, &dof_handler);
              c->get_dof_indices(ldofs);
              leader_dofs.insert(ldofs.begin(), ldofs.end());
            }
        for (unsigned comp = 0; comp < 3; ++comp)
          {
            // Rows: follower DoFs to constrain. Columns: every other DoF that enters.
            std::map<types::global_dof_index, int> row, col;
            std::vector<types::global_dof_index>   col_dof;
            std::vector<types::global_dof_index>   face_dofs(fe.n_dofs_per_face());
            for (const Tie *t : ties)
              {
                const DofCell c(&tria, 0, t->follower.cell, &dof_handler);
                c->face(t->follower.face)->get_dof_indices(face_dofs);
                for (unsigned k = 0; k < face_dofs.size(); ++k)
                  {
                    const auto d = face_dofs[k];
                    if (fe.face_system_to_component_index(k).first != comp ||
                        constraints.is_constrained(d) || leader_dofs.count(d) || row.count(d))
                      continue;
                    const int r = row.size();
                    row[d]      = r;
                  }
              }
            if (row.empty())
              continue;
            auto column = [&](types::global_dof_index d) {
              auto it = col.find(d);
              if (it != col.end())
                return it->second;
              const int j = col_dof.size();
              col[d]      = j;
              col_dof.push_back(d);
              return j;
            };
            std::vector<Eigen::Triplet<double>> mff, b;
            // Per follower face: its face-function mass matrix and, per leading cell met, the
            // mixed matrix; entries go to the global triplets once per face.
            double local_ff[q2_nodes][q2_nodes];
            std::map<unsigned, std::array<double, q2_nodes * q2_nodes>> local_fl;
            std::map<unsigned, std::vector<types::global_dof_index>>    leader_dofs_of;
            for (const Tie *t : ties)
              {
                const DofCell c(&tria, 0, t->follower.cell, &dof_handler);
                fv.reinit(c, t->follower.face);
                c->get_dof_indices(fdofs);
                std::fill(&local_ff[0][0], &local_ff[0][0] + q2_nodes * q2_nodes, 0.0);
                local_fl.clear();
                DofCell  leader;
                Point<3> xi;
                unsigned leader_face = 0;
                for (unsigned q = 0; q < rule.size(); ++q)
                  {
                    const Point<3> x = fv.quadrature_point(q);
                    if (!locate(mapping, dof_handler, *t, x, leader, xi, leader_face))
                      throw ModelError("part \"" + model.parts[c->material_id()].name +
                                       "\": a tied face leaves the faces it is tied to near (" +
                                       std::to_string(x[0]) + ", " + std::to_string(x[1]) + ", " +
                                       std::to_string(x[2]) + ") mm");
                    const unsigned key = leader->active_cell_index();
                    auto           it  = local_fl.find(key);
                    if (it == local_fl.end())
                      {
                        it = local_fl.emplace(key, std::array<double, q2_nodes * q2_nodes>{}).first;
                        if (!leader_dofs_of.count(key))
                          {
                            leader->get_dof_indices(ldofs);
                            leader_dofs_of[key] = ldofs;
                          }
                      }
                    const double w = fv.JxW(q);
                    double       leader_value[q2_nodes], follower_value[q2_nodes];
                    for (unsigned l = 0; l < q2_nodes; ++l)
                      {
                        leader_value[l] = fe.shape_value_component(system_index[l][comp], xi, comp);
                        follower_value[l] = fv.shape_value(system_index[l][comp], q);
                      }
                    for (unsigned a = 0; a < q2_nodes; ++a)
                      {
                        const double Na = follower_value[a] * w;
                        if (Na == 0)
                          continue;
                        for (unsigned bb = 0; bb < q2_nodes; ++bb)
                          local_ff[a][bb] += Na * follower_value[bb];
                        for (unsigned l = 0; l < q2_nodes; ++l)
                          it->second[a * q2_nodes + l] += Na * leader_value[l];
                      }
                  }
                for (unsigned a = 0; a < q2_nodes; ++a)
                  {
                    const auto ra = row.find(fdofs[system_index[a][comp]]);
                    if (ra == row.end())
                      continue;
                    for (unsigned bb = 0; bb < q2_nodes; ++bb)
                      {
                        if (local_ff[a][bb] == 0)
                          continue;
                        const auto fb = fdofs[system_index[bb][comp]];
                        const auto rb = row.find(fb);
                        if (rb != row.end())
                          mff.emplace_back(ra->second, rb->second, local_ff[a][bb]);
                        else // a known follower value: moves to the right-hand side
                          b.emplace_back(ra->second, column(fb), -local_ff[a][bb]);
                      }
                    for (const auto &[key, values] : local_fl)
                      for (unsigned l = 0; l < q2_nodes; ++l)
                        if (std::abs(values[a * q2_nodes + l]) > 1e-300)
                          b.emplace_back(ra->second,
                                         column(leader_dofs_of[key][system_index[l][comp]]),
                                         values[a * q2_nodes + l]);
                  }
              }
            const int                   n = row.size(), m = col_dof.size();
            Eigen::SparseMatrix<double> M(n, n), B(n, m);
            M.setFromTriplets(mff.begin(), mff.end());
            B.setFromTriplets(b.begin(), b.end());
            Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(M);
            if (ldlt.info() != Eigen::Success)
              throw ModelError("part \"" + model.parts[parts.first].name +
                               "\": its tie to the neighbouring parts is degenerate");
            // X = M^-1 B, one column per contributing DoF; the inverse of a mass matrix decays
            // fast along the joint, so tiny weights are dropped.
            std::vector<std::vector<std::pair<types::global_dof_index, double>>> lines(n);
            Eigen::VectorXd                                                      rhs(n);
            for (int j = 0; j < m; ++j)
              {
                rhs                     = Eigen::VectorXd(B.col(j));
                const Eigen::VectorXd x = ldlt.solve(rhs);
                for (int i = 0; i < n; ++i)
                  if (std::abs(x[i]) > 1e-10)
                    lines[i].emplace_back(col_dof[j], x[i]);
              }
            std::vector<types::global_dof_index> row_dof(n);
            for (const auto &[d, r] : row)
              row_dof[r] = d;
            for (int i = 0; i < n; ++i)
              {
                constraints.add_line(row_dof[i]);
                constraints.add_entries(row_dof[i], lines[i]);
              }
          }
      }
  }
} // namespace lightbody
