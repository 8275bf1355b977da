#include "solver/ties.h"

#include "solver/errors.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <map>
#include <set>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    using DofCell = DoFHandler<3>::active_cell_iterator;

    // The leading cell holding x, and x in its reference coordinates.
    bool locate(const Mapping<3> &mapping, const DoFHandler<3> &dofs, const Tie &tie,
                const Point<3> &x, DofCell &cell, Point<3> &xi)
    {
      for (const FaceRef &f : tie.leaders)
        {
          const DofCell c(&dofs.get_triangulation(), 0, f.cell, &dofs);
          try
            {
              xi = mapping.transform_real_to_unit_cell(c, x);
            }
          catch (...)
            {
              continue;
            }
          if (GeometryInfo<3>::is_inside_unit_cell(xi, 1e-6))
            {
              xi   = GeometryInfo<3>::project_to_unit_cell(xi);
              cell = c;
              return true;
            }
        }
      return false;
    }
  } // namespace

  void add_tie_constraints(const Model &model, const DoFHandler<3> &dof_handler,
                           const FESystem<3> &fe, const std::vector<Point<3>> &support_points,
                           AffineConstraints<double> &constraints)
  {
    if (model.ties.empty())
      return;
    const Mapping<3> &mapping = *model.mapping;
    const auto       &tria    = model.triangulation;
    unsigned          system_index[27][3];
    for (unsigned i = 0; i < fe.n_dofs_per_cell(); ++i)
      {
        const auto ci = fe.system_to_component_index(i);
        system_index[ci.second][ci.first] = i;
      }

    // One projection per following part: all its tied faces together (pieces of the interface
    // that do not touch simply give independent blocks).
    std::map<std::pair<unsigned, unsigned>, std::vector<const Tie *>> joints;
    for (const Tie &t : model.ties)
      joints[{Triangulation<3>::active_cell_iterator(&tria, 0, t.follower.cell)->material_id(), 0u}]
        .push_back(&t);

    // A composite rule: leader shape functions have kinks inside follower faces.
    const QIterated<2> rule(QGauss<1>(3), 8);
    FEFaceValues<3>    fv(mapping, fe, rule,
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
            for (const Tie *t : ties)
              {
                const DofCell c(&tria, 0, t->follower.cell, &dof_handler);
                fv.reinit(c, t->follower.face);
                c->get_dof_indices(fdofs);
                DofCell  leader;
                Point<3> xi;
                for (unsigned q = 0; q < rule.size(); ++q)
                  {
                    const Point<3> x = fv.quadrature_point(q);
                    if (!locate(mapping, dof_handler, *t, x, leader, xi))
                      throw ModelError("part \"" + model.parts[c->material_id()].name +
                                       "\": a tied face leaves the faces it is tied to near (" +
                                       std::to_string(x[0]) + ", " + std::to_string(x[1]) + ", " +
                                       std::to_string(x[2]) + ") mm");
                    leader->get_dof_indices(ldofs);
                    const double w = fv.JxW(q);
                    for (unsigned a = 0; a < 27; ++a)
                      {
                        const auto fa = fdofs[system_index[a][comp]];
                        const auto ra = row.find(fa);
                        if (ra == row.end())
                          continue;
                        const double Na = fv.shape_value(system_index[a][comp], q);
                        if (Na == 0)
                          continue;
                        for (unsigned bb = 0; bb < 27; ++bb)
                          {
                            const double Nb = fv.shape_value(system_index[bb][comp], q);
                            if (Nb == 0)
                              continue;
                            const auto fb = fdofs[system_index[bb][comp]];
                            const auto rb = row.find(fb);
                            if (rb != row.end())
                              mff.emplace_back(ra->second, rb->second, Na * Nb * w);
                            else // a known follower value: moves to the right-hand side
                              b.emplace_back(ra->second, column(fb), -Na * Nb * w);
                          }
                        for (unsigned l = 0; l < 27; ++l)
                          {
                            const double Nl =
                              fe.shape_value_component(system_index[l][comp], xi, comp);
                            if (std::abs(Nl) > 1e-14)
                              b.emplace_back(ra->second, column(ldofs[system_index[l][comp]]),
                                             Na * Nl * w);
                          }
                      }
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
            Eigen::VectorXd rhs(n);
            for (int j = 0; j < m; ++j)
              {
                rhs                  = Eigen::VectorXd(B.col(j));
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
            (void)support_points;
          }
      }
  }
} // namespace lightbody
