#include "post/results.h"

#include "post/band_work.h"
#include "post/eigen_results.h"

#include "solver/distributed_factor.h"
#include "solver/distributed_mesh.h"
#include "solver/shell_element.h"
#include "post/stress_categories.h"

#include "input/errors.h"
#include "input/units.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <type_traits>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    Vec3 vec(const Point<3> &p) { return {p[0], p[1], p[2]}; }

    // Maps local system DoFs to (component, node) of the scalar Q2 element.
    struct NodeMap
    {
      std::vector<std::pair<unsigned, unsigned>> of_system;
      explicit NodeMap(const FiniteElement<3> &fe)
      {
        for (unsigned i = 0; i < fe.n_dofs_per_cell(); ++i)
          of_system.push_back(fe.system_to_component_index(i));
      }
    };
  } // namespace

  namespace
  {
    std::string number_text(double v)
    {
      char text[32];
      std::snprintf(text, sizeof text, "%.4g", v);
      return text;
    }

    std::string place_text(const Vec3 &x, const std::string &part)
    {
      char text[96];
      std::snprintf(text, sizeof text, "(%.1f, %.1f, %.1f) mm", x[0], x[1], x[2]);
      return text + (part.empty() ? std::string() : " in part \"" + part + "\"");
    }

    // A load case's results are written only when every value is finite and the solve balances
    // the loads; anything else is a model the program cannot stand behind.
    void check_sound(LoadCaseResult &r)
    {
      const std::string lc     = "load case \"" + r.name + "\": ";
      auto              finite = [](const auto &values) {
        for (const auto &v : values)
          if constexpr (std::is_arithmetic_v<std::decay_t<decltype(v)>>)
            {
              if (!std::isfinite(v))
                return false;
            }
          else
            for (double x : v)
              if (!std::isfinite(x))
                return false;
        return true;
      };
      bool reactions_finite = finite(r.reaction_sum_N) && finite(r.applied_sum_N);
      for (const auto &rr : r.reactions)
        reactions_finite = reactions_finite && finite(rr.force_N);
      if (!finite(r.stress) || !finite(r.von_mises) || !finite(r.principal) ||
          !finite(r.utilization) || !std::isfinite(r.max_displacement_mm))
        throw ModelError(lc + "the stresses are not finite (a load or material value far beyond "
                              "what the arithmetic can hold)");
      if (!reactions_finite || !std::isfinite(r.equilibrium_error))
        throw ModelError(lc + "the loads or reactions are not finite (a load far beyond what the "
                              "arithmetic can hold)");
      for (const auto &p : r.probes)
        if (!finite(p.stress_MPa) || !finite(p.displacement_mm))
          throw ModelError(lc + "the values at probe \"" + p.name + "\" are not finite");
      // Displacements of hundreds of gauges (far outside a linear analysis) leave the round-off
      // of a thin wall's stiffness in the balance: a clamped 1 m plate of 0.5 mm, 100 mm
      // elements, moves 153 mm under 1e-4 MPa (plate theory 155) with an error of 2e-4, of
      // 1 mm 19 mm with 1e-5. A mechanism's error is of order 1.
      if (r.equilibrium_error > max_equilibrium_error && r.equilibrium_error <= 1e-2 &&
          !r.outside_linear_validity.empty())
        throw ModelError(lc + "the solution does not balance the loads (equilibrium error " +
                         number_text(r.equilibrium_error) + ", sound solves reach 1e-8) and " +
                         r.outside_linear_validity.front() +
                         ": displacements this large against a wall's gauge leave the round-off "
                         "of its stiffness in the balance (or part of the model is a mechanism); "
                         "thicken, stiffen or support the part, or check the loads");
      // Within a linear analysis's validity, an error that the rounding of the displacements
      // explains is not a mechanism: a clamped 1 m plate of 0.5 mm (100 mm elements) and the
      // thin twisted beam of MacNeal and Harder (0.0032 thick, 12 long) leave 2e-4 and 5e-3 to
      // 5e-2, 0.4 to 1.5 times and a twentieth to a quarter of the round-off. The displacements
      // are then uncertain by about as much: the beam's tip within 0 to 1.8 % of the published
      // values; 0.002 thick (loads scaled by the gauge cubed) 7 % off at an error of 0.08, 22 % at
      // 0.18. A mechanism held by round-off moves 1e8 mm and more, far outside the validity (its
      // error is round-off too).
      if (r.equilibrium_error > max_equilibrium_error && r.outside_linear_validity.empty() &&
          r.equilibrium_error <= round_off_margin * r.equilibrium_round_off)
        {
          const std::string balance =
            "the loads and reactions balance to " + number_text(r.equilibrium_error) +
            " only (sound solves reach 1e-8): the round-off of walls this thin against their "
            "spans, in double precision (" +
            number_text(r.equilibrium_round_off) + " expected)";
          if (r.equilibrium_error > max_round_off_imbalance)
            throw ModelError(lc + balance +
                             ", leaves the displacements and stresses uncertain by as much: "
                             "beyond what a solid-shell model resolves; finer elements on the "
                             "thinnest walls balance better (the thin twisted beam: 12 x 2 "
                             "elements 3e-2, 24 x 4 5e-3)");
          r.round_off_imbalance =
            balance + ": the reactions, displacements and stresses are uncertain by about that "
                      "fraction";
          return;
        }
      if (r.equilibrium_error > max_equilibrium_error)
        throw ModelError(lc + "the solution does not balance the loads (equilibrium error " +
                         number_text(r.equilibrium_error) +
                         ", sound solves reach 1e-8): part of the "
                         "model is a mechanism, held at a single node or along a line; the largest "
                         "displacement, " +
                         number_text(r.max_displacement_mm) + " mm, is at " +
                         place_text(r.max_displacement_location_mm, r.max_displacement_part) +
                         ": join that part along an edge or support it");
    }
  } // namespace

  std::array<double, 6> stress_from_strain(const SymmetricTensor<2, 3> &eps, const Material &m)
  {
    const double lambda = m.lame_lambda();
    const double mu     = m.lame_mu();
    const double tr     = trace(eps);
    const auto   s      = lambda * tr * unit_symmetric_tensor<3>() + 2 * mu * eps;
    return {{s[0][0], s[1][1], s[2][2], s[0][1], s[1][2], s[0][2]}};
  }

  double von_mises(const std::array<double, 6> &s)
  {
    return std::sqrt(0.5 * ((s[0] - s[1]) * (s[0] - s[1]) + (s[1] - s[2]) * (s[1] - s[2]) +
                            (s[2] - s[0]) * (s[2] - s[0])) +
                     3 * (s[3] * s[3] + s[4] * s[4] + s[5] * s[5]));
  }

  std::array<double, 3> principal_stresses(const std::array<double, 6> &s)
  {
    SymmetricTensor<2, 3> t;
    t[0][0] = s[0], t[1][1] = s[1], t[2][2] = s[2], t[0][1] = s[3], t[1][2] = s[4], t[0][2] = s[5];
    const auto ev = eigenvalues(t);
    return {{ev[0], ev[1], ev[2]}};
  }

  Results::Results(const Solution &s)
    : solution(s), fe_scalar(2), node_handler(s.model.triangulation)
  {
    node_handler.distribute_dofs(fe_scalar);
    dofs              = s.statistics.dofs;
    orderings         = s.statistics.orderings;
    orderings_reused  = s.statistics.orderings_reused;
    ordering_seconds  = s.statistics.ordering_seconds;
    structures_reused = s.statistics.structures_reused;
    symbolic_reused   = s.statistics.symbolic_reused;
    factor_flops      = s.statistics.factor_flops;
    factor_seconds    = s.statistics.factor_seconds;
    dgemm_rate        = s.statistics.dgemm_rate;
    factor_solver     = s.statistics.factor_solver;
    factor_processes  = s.statistics.factor_processes;
    iterative         = s.statistics.iterative;
    elements          = s.model.triangulation.n_active_cells();
    parts             = s.model.parts;
    joints            = s.model.joints;
  }

  MassReport compute_mass(const Model &model)
  {
    MassReport r;
    for (const auto &p : model.parts)
      r.parts.push_back({p.name, p.material.name, 0, 0});
    const FE_Q<3> fe(1);
    FEValues<3>  fv(*model.mapping, fe, QGauss<3>(3), update_JxW_values | update_quadrature_points);
    double       total = 0;
    Tensor<1, 3> moment;
    for (const auto &cell : model.triangulation.active_cell_iterators())
      {
        fv.reinit(cell);
        const auto &part = model.parts[cell->material_id()];
        double      vol  = 0;
        for (unsigned q = 0; q < fv.n_quadrature_points; ++q)
          {
            vol += fv.JxW(q);
            moment += part.material.density * fv.JxW(q) * fv.quadrature_point(q);
          }
        r.parts[cell->material_id()].volume_mm3 += vol;
        total += part.material.density * vol;
      }
    for (unsigned i = 0; i < r.parts.size(); ++i)
      r.parts[i].mass_kg =
        r.parts[i].volume_mm3 * model.parts[i].material.density * units::kg_per_tonne;
    r.total_kg = total * units::kg_per_tonne;
    for (unsigned d = 0; d < 3; ++d)
      r.centre_of_gravity_mm[d] = total > 0 ? moment[d] / total : 0;
    return r;
  }

  std::vector<std::string> run_warnings(const ResultData &r, const Case &c)
  {
    std::vector<std::string> w;
    for (const auto &d : c.warnings)
      w.push_back(d.to_string());
    w.insert(w.end(), r.warnings.begin(), r.warnings.end());
    return w;
  }

  int governing_load_case(const ResultData &r)
  {
    int best = -1;
    for (unsigned i = 0; i < r.load_cases.size(); ++i)
      {
        const auto value = [&](unsigned k) {
          return r.design.checked ? r.load_cases[k].max_utilization
                                  : r.load_cases[k].max_von_mises_MPa;
        };
        if (best < 0 || value(i) > value(best))
          best = static_cast<int>(i);
      }
    return best;
  }

  bool all_passed(const ResultData &r)
  {
    return std::all_of(r.load_cases.begin(), r.load_cases.end(),
                       [](const LoadCaseResult &l) { return l.passed; });
  }

  double enclosed_volume(const Model &model, const std::string &surface)
  {
    const auto it = model.surfaces.find(surface);
    if (it == model.surfaces.end())
      throw std::invalid_argument("no surface named " + surface);
    const FE_Q<3>   fe(1);
    FEFaceValues<3> fv(*model.mapping, fe, QGauss<2>(4),
                       update_quadrature_points | update_normal_vectors | update_JxW_values);
    // A reference point near the surface keeps the sum well conditioned.
    Point<3> x0;
    for (const FaceRef &f : it->second)
      x0 += Triangulation<3>::active_cell_iterator(&model.triangulation, 0, f.cell)->center();
    x0 /= std::max<std::size_t>(1, it->second.size());
    double V = 0;
    for (const FaceRef &f : it->second)
      {
        fv.reinit(Triangulation<3>::active_cell_iterator(&model.triangulation, 0, f.cell), f.face);
        for (unsigned q = 0; q < fv.n_quadrature_points; ++q)
          V -= (fv.quadrature_point(q) - x0) * fv.normal_vector(q) * fv.JxW(q) / 3;
      }
    return V;
  }

  DesignBasis design_basis(const Model &model, const CriteriaSpec &criteria)
  {
    DesignBasis b;
    if (!criteria.given)
      return b;
    b.checked        = true;
    const auto &tria = model.triangulation;
    // Points along every weld line: tied faces (sampled along their sides) and nodes that two
    // parts share.
    std::vector<Point<3>> weld;
    for (const auto &t : model.ties)
      {
        const Triangulation<3>::active_cell_iterator c(&tria, 0, t.follower.cell);
        const auto                                   f = c->face(t.follower.face);
        for (unsigned l = 0; l < 4; ++l)
          for (int k = 0; k <= 4; ++k)
            weld.push_back(f->line(l)->vertex(0) +
                           (k / 4.0) * (f->line(l)->vertex(1) - f->line(l)->vertex(0)));
      }
    std::vector<std::set<unsigned>> parts_at(tria.n_vertices());
    for (const auto &cell : tria.active_cell_iterators())
      for (unsigned v = 0; v < 8; ++v)
        parts_at[cell->vertex_index(v)].insert(cell->material_id());
    for (unsigned v = 0; v < tria.n_vertices(); ++v)
      if (parts_at[v].size() > 1)
        weld.push_back(tria.get_vertices()[v]);

    b.allowable_MPa.resize(tria.n_active_cells());
    b.heat_affected.assign(tria.n_active_cells(), false);
    std::map<std::pair<std::string, std::string>, DesignBasis::WeldStrength> weld_strengths;
    // The band of each part's gauge (CriteriaSpec::haz_width_mm).
    auto band = [&](const PartMesh &part) { return criteria.haz_width_mm(part.thickness); };
    // The weld points in a uniform grid of buckets as wide as the widest band: the points within
    // a band of a point lie in its bucket or the 26 around it.
    double h = 0;
    for (const auto &part : model.parts)
      h = std::max(h, band(part));
    std::map<std::array<long, 3>, std::vector<unsigned>> grid;
    auto                                                 bucket = [&](const Point<3> &p) {
      return std::array<long, 3>{{static_cast<long>(std::floor(p[0] / h)),
                                  static_cast<long>(std::floor(p[1] / h)),
                                  static_cast<long>(std::floor(p[2] / h))}};
    };
    for (unsigned i = 0; i < weld.size(); ++i)
      grid[bucket(weld[i])].push_back(i);
    auto within = [&](const Point<3> &p, double width) {
      const auto b0 = bucket(p);
      for (long i = -1; i <= 1; ++i)
        for (long j = -1; j <= 1; ++j)
          for (long k = -1; k <= 1; ++k)
            {
              const auto it = grid.find({{b0[0] + i, b0[1] + j, b0[2] + k}});
              if (it != grid.end())
                for (unsigned w : it->second)
                  if (weld[w].distance(p) <= width)
                    return true;
            }
      return false;
    };
    for (const auto &cell : tria.active_cell_iterators())
      {
        const PartMesh &part  = model.parts[cell->material_id()];
        const double    width = band(part);
        bool            haz   = !weld.empty() && within(cell->center(), width);
        for (unsigned v = 0; v < 8 && !haz && !weld.empty(); ++v)
          haz = within(cell->vertex(v), width);
        const Material &m  = part.material;
        double          Re = m.Rp02, Rm = m.Rm;
        if (haz)
          {
            b.heat_affected[cell->active_cell_index()] = true;
            Re = m.weld_Rp02(), Rm = m.weld_Rm();
            weld_strengths[{m.name, m.haz_basis}] = {m.name, Re, Rm, m.haz_basis, m.haz_assumed};
          }
        b.allowable_MPa[cell->active_cell_index()] = criteria.rule == CriteriaSpec::Rule::adr
                                                       ? std::min(0.75 * Re, 0.5 * Rm)
                                                       : Re / criteria.safety_factor;
      }
    for (const auto &[key, w] : weld_strengths) // by (material, basis)
      b.weld_strengths.push_back(w);
    return b;
  }

  namespace
  {
    // What every load case's post-processing needs of the mesh, computed once: the Q2 nodes
    // (points, part, how many elements share each, the lowest allowable around it) and the
    // component of every system DoF.
    struct NodeTable
    {
      NodeTable(const Results &results, const Solution &s)
      {
        const Model         &model = s.model;
        const DoFHandler<3> &nodes = results.node_handler;
        points.resize(nodes.n_dofs());
        DoFTools::map_dofs_to_support_points(*model.mapping, nodes, points);
        part.assign(nodes.n_dofs(), 0);
        count.assign(nodes.n_dofs(), 0);
        allowable.assign(nodes.n_dofs(), 1e300);
        std::vector<types::global_dof_index> node_dofs(results.fe_scalar.n_dofs_per_cell());
        for (const auto &cell : nodes.active_cell_iterators())
          {
            cell->get_dof_indices(node_dofs);
            for (auto d : node_dofs)
              {
                ++count[d];
                part[d] = cell->material_id();
                if (results.design.checked)
                  allowable[d] =
                    std::min(allowable[d], results.design.allowable_MPa[cell->active_cell_index()]);
              }
          }
        const NodeMap                        map(s.fe);
        std::vector<types::global_dof_index> sys_dofs(s.fe.n_dofs_per_cell());
        component.resize(s.dof_handler.n_dofs());
        for (const auto &cell : s.dof_handler.active_cell_iterators())
          {
            cell->get_dof_indices(sys_dofs);
            for (unsigned i = 0; i < sys_dofs.size(); ++i)
              component[sys_dofs[i]] = map.of_system[i].first;
          }
      }

      std::vector<Point<3>>      points;
      std::vector<unsigned>      part, count;
      std::vector<double>        allowable;
      std::vector<unsigned char> component;
    };

    // Per thread: the element's strains at its nodes.
    struct NodalScratch
    {
      NodalScratch(const Model &model, const Quadrature<3> &at_nodes, unsigned cell_dofs,
                   const Mapping<3> *mapping)
        : strains(model, at_nodes, mapping), local(cell_dofs), eps(at_nodes.size())
      {
      }
      NodalScratch(const NodalScratch &o)
        : strains(o.strains), local(o.local.size()), eps(o.eps.size())
      {
      }
      ShellStrains                       strains;
      Vector<double>                     local;
      std::vector<SymmetricTensor<2, 3>> eps;
    };

    // Per cell: its nodes and the stress at each, load case after load case.
    struct NodalCopy
    {
      std::vector<types::global_dof_index> node_dofs;
      std::vector<std::array<double, 6>>   sigma;
    };

    // Stresses averaged over the elements around each node of every load case (the element's
    // strain rows are made once per cell for all of them). The cells are worked in parallel and
    // added up in their order (the same sums as one thread); `spread`: under an MPI launch each
    // process works its band of cells (cell_share), the sums then added up on every process.
    void nodal_stresses(const Results &results, const NodeTable &nodes,
                        std::vector<LoadCaseResult> &rs, bool spread)
    {
      const Solution     &s = results.solution;
      const Quadrature<3> at_nodes(results.fe_scalar.get_unit_support_points());
      const unsigned      cell_dofs = s.fe.n_dofs_per_cell(), n_points = at_nodes.size();
      const std::size_t   n_cases = rs.size();
      for (unsigned lc = 0; lc < n_cases; ++lc)
        rs[lc].stress.assign(nodes.count.size(), {{0, 0, 0, 0, 0, 0}});
      NodalCopy prototype;
      prototype.node_dofs.resize(results.fe_scalar.n_dofs_per_cell());
      prototype.sigma.resize(n_cases * n_points);
      const auto &tria   = s.model.triangulation;
      using CellIterator = DoFHandler<3>::active_cell_iterator;
      work_band(
        s, spread,
        [&](const CellIterator &cell, NodalScratch &sc, NodalCopy &cd) {
          sc.strains.reinit(cell);
          const CellIterator node_cell(&tria, 0, model_cell(cell), &results.node_handler);
          node_cell->get_dof_indices(cd.node_dofs);
          const Material &m = s.model.parts[cell->material_id()].material;
          for (unsigned lc = 0; lc < n_cases; ++lc)
            {
              cell->get_dof_values(s.load_cases[lc].displacement, sc.local);
              sc.strains.strains(sc.local, sc.eps);
              for (unsigned q = 0; q < n_points; ++q)
                cd.sigma[lc * n_points + q] = stress_from_strain(sc.eps[q], m);
            }
        },
        [&](const NodalCopy &cd) {
          for (unsigned lc = 0; lc < n_cases; ++lc)
            for (unsigned q = 0; q < n_points; ++q)
              for (unsigned k = 0; k < 6; ++k)
                rs[lc].stress[cd.node_dofs[q]][k] +=
                  cd.sigma[lc * n_points + q][k] / nodes.count[cd.node_dofs[q]];
        },
        NodalScratch(s.model, at_nodes, cell_dofs, band_mapping(s, spread)), prototype);
      static_assert(sizeof(std::array<double, 6>) == 6 * sizeof(double), "six doubles");
      if (spread)
        for (auto &r : rs)
          sum_over_processes(r.stress.data()->data(), 6 * r.stress.size());
    }

    // The displacement of every node of every load case.
    void nodal_displacements(const Results &results, std::vector<std::vector<Vec3>> &u_nodes)
    {
      const Solution                      &s = results.solution;
      const NodeMap                        map(s.fe);
      std::vector<types::global_dof_index> sys_dofs(s.fe.n_dofs_per_cell()),
        node_dofs(results.fe_scalar.n_dofs_per_cell());
      for (unsigned lc = 0; lc < u_nodes.size(); ++lc)
        u_nodes[lc].assign(results.node_handler.n_dofs(), {0, 0, 0});
      for (const auto &cell : s.dof_handler.active_cell_iterators())
        {
          cell->get_dof_indices(sys_dofs);
          const DoFHandler<3>::active_cell_iterator node_cell(&s.model.triangulation, cell->level(),
                                                              cell->index(), &results.node_handler);
          node_cell->get_dof_indices(node_dofs);
          for (unsigned lc = 0; lc < u_nodes.size(); ++lc)
            for (unsigned i = 0; i < sys_dofs.size(); ++i)
              u_nodes[lc][node_dofs[map.of_system[i].second]][map.of_system[i].first] =
                s.load_cases[lc].displacement[sys_dofs[i]];
        }
    }

    // von Mises and principal stresses at every node; the largest displacement and stress with
    // their places. Returns the gauge of the part where the displacement is largest.
    void maxima(const Model &model, const NodeTable &nodes, const std::vector<Vec3> &u_node,
                LoadCaseResult &r)
    {
      const std::size_t n_nodes = nodes.points.size();
      r.von_mises.resize(n_nodes);
      r.principal.resize(n_nodes);
      for (std::size_t n = 0; n < n_nodes; ++n)
        {
          r.von_mises[n]       = von_mises(r.stress[n]);
          r.principal[n]       = principal_stresses(r.stress[n]);
          const PartMesh &part = model.parts[nodes.part[n]];
          if (const double u = norm(u_node[n]); u > r.max_displacement_mm)
            {
              r.max_displacement_mm          = u;
              r.max_displacement_location_mm = vec(nodes.points[n]);
              r.max_displacement_part        = part.name;
            }
          if (r.von_mises[n] > r.max_von_mises_MPa)
            {
              r.max_von_mises_MPa         = r.von_mises[n];
              r.max_von_mises_location_mm = vec(nodes.points[n]);
              r.max_von_mises_part        = part.name;
            }
        }
    }

    // Parts whose largest displacement leaves small-deflection theory: more than
    // large_displacement_per_thickness gauges or large_displacement_per_size of the part's size.
    void linear_validity(const Model &model, const NodeTable &nodes,
                         const std::vector<Vec3> &u_node, LoadCaseResult &r)
    {
      const std::size_t   n_parts = model.parts.size();
      std::vector<double> largest(n_parts, 0.0);
      std::vector<Vec3>   lo(n_parts, Vec3{1e300, 1e300, 1e300}),
        hi(n_parts, Vec3{-1e300, -1e300, -1e300});
      for (std::size_t n = 0; n < nodes.points.size(); ++n)
        {
          const unsigned p = nodes.part[n];
          largest[p]       = std::max(largest[p], norm(u_node[n]));
          for (unsigned d = 0; d < 3; ++d)
            lo[p][d] = std::min(lo[p][d], nodes.points[n][d]),
            hi[p][d] = std::max(hi[p][d], nodes.points[n][d]);
        }
      r.part_linear_validity_ratio.assign(n_parts, 0.0);
      for (std::size_t p = 0; p < n_parts; ++p)
        {
          const double t    = model.parts[p].thickness;
          const double size = norm(hi[p] - lo[p]);
          r.part_linear_validity_ratio[p] =
            largest[p] /
            std::min(large_displacement_per_thickness * t, large_displacement_per_size * size);
          std::string why;
          if (largest[p] > large_displacement_per_thickness * t)
            why = number_text(large_displacement_per_thickness) + " times its gauge (" +
                  number_text(t) + " mm)";
          else if (largest[p] > large_displacement_per_size * size)
            why = number_text(100 * large_displacement_per_size) + " % of its size (" +
                  number_text(size) + " mm)";
          if (!why.empty())
            r.outside_linear_validity.push_back(
              "part \"" + model.parts[p].name + "\" moves " + number_text(largest[p]) +
              " mm, more than " + why +
              ": a linear (small-deflection) analysis is not valid there");
        }
    }

    // Utilization (von Mises over the lowest allowable around each node), its maxima by part,
    // and pass or fail against it and the deflection limit.
    void design_check(const Model &model, const NodeTable &nodes, const Case &c,
                      const LoadCaseSpec &spec, bool checked, LoadCaseResult &r)
    {
      if (checked)
        {
          r.utilization.resize(nodes.points.size());
          r.part_max_utilization.assign(model.parts.size(), 0.0);
          const bool categories = c.criteria.stress == CriteriaSpec::StressBasis::categories;
          for (std::size_t n = 0; n < nodes.points.size(); ++n)
            {
              const double f         = nodes.allowable[n];
              const double peak      = r.von_mises[n] / f;
              r.max_peak_utilization = std::max(r.max_peak_utilization, peak);
              // Design by analysis: membrane <= f, membrane + bending <= 1.5 f.
              const double membrane = r.membrane_von_mises[n] / f;
              const double combined = r.membrane_bending_von_mises[n] / (1.5 * f);
              r.utilization[n]      = categories ? std::max(membrane, combined) : peak;
              const char *category  = !categories            ? "peak"
                                      : membrane >= combined ? "membrane"
                                                             : "membrane+bending";
              double     &part_max  = r.part_max_utilization[nodes.part[n]];
              part_max              = std::max(part_max, r.utilization[n]);
              if (r.utilization[n] > r.max_utilization)
                {
                  r.max_utilization             = r.utilization[n];
                  r.max_utilization_part        = model.parts[nodes.part[n]].name;
                  r.max_utilization_location_mm = vec(nodes.points[n]);
                  r.max_utilization_category    = category;
                }
            }
          r.passed = r.max_utilization <= 1;
        }
      r.deflection_limit_mm = spec.max_deflection ? spec.max_deflection : c.criteria.max_deflection;
      if (r.deflection_limit_mm && r.max_displacement_mm > *r.deflection_limit_mm)
        r.passed = false;
    }

    // The reactions of each support and the equilibrium error: the support reactions balance
    // the applied loads.
    void reactions(const Solution &s, const LoadCaseSolution &l, const NodeTable &nodes,
                   LoadCaseResult &r)
    {
      // A DoF held rigidly and by a bedding has both forces: each counted once.
      const std::size_t n = s.dof_handler.n_dofs();
      std::vector<bool> rigid(n, false), elastic(n, false);
      for (unsigned i : l.supports)
        for (auto d : s.supports[i].dofs)
          (s.supports[i].elastic ? elastic : rigid)[d] = true;
      const bool springs = l.spring_reaction.size() == n;
      // The error is measured against the sum of |nodal loads|, or with no loads (a prescribed
      // displacement alone) against the sum of |reactions|.
      for (unsigned c = 0; c < 3; ++c)
        r.applied_sum_N[c] = l.applied_N[c];
      const double load_scale     = l.applied_magnitude_N;
      double       reaction_scale = 0;
      for (std::size_t d = 0; d < n; ++d)
        {
          const unsigned c = nodes.component[d];
          if (rigid[d])
            {
              r.reaction_sum_N[c] += l.reaction[d];
              reaction_scale += std::abs(l.reaction[d]);
            }
          if (elastic[d] && springs)
            {
              r.reaction_sum_N[c] += l.spring_reaction[d];
              reaction_scale += std::abs(l.spring_reaction[d]);
            }
        }
      const double scale      = load_scale > 0 ? load_scale : reaction_scale;
      r.equilibrium_error     = scale > 0 ? norm(r.reaction_sum_N + r.applied_sum_N) / scale : 0;
      r.equilibrium_round_off = scale > 0 ? l.round_off_N / scale : 0;
      // Each support's force, adding up to the sum above: an elastic support's own springs'; a
      // DoF that two rigid supports hold has one constraint force, listed under the first.
      std::vector<bool> listed(n, false);
      for (unsigned i : l.supports)
        {
          const SupportDofs &sd = s.supports[i];
          ReactionResult     rr;
          rr.support = sd.name;
          if (sd.elastic && i < l.spring_force.size())
            for (unsigned c = 0; c < 3; ++c)
              rr.force_N[c] = l.spring_force[i][c];
          else if (!sd.elastic && l.reaction.size() == n)
            for (auto d : sd.dofs)
              if (!listed[d])
                {
                  listed[d] = true;
                  rr.force_N[nodes.component[d]] += l.reaction[d];
                }
          r.reactions.push_back(rr);
        }
    }

    // Displacement and stress at a probe point, in the element that holds it.
    ProbeResult probe_result(const Solution &s, const LoadCaseSolution &l, const ProbeSpec &probe)
    {
      const Model   &model = s.model;
      const Point<3> p(probe.point[0], probe.point[1], probe.point[2]);
      const auto     found = model.locate(p);
      if (!found)
        throw InputError(probe.where, "probes." + probe.name,
                         "the point is not inside any part of the model (nor within a quarter "
                         "gauge of one)");
      const DoFHandler<3>::active_cell_iterator cell(&model.triangulation, 0, found->first,
                                                     &s.dof_handler);
      const Quadrature<3>                       q(found->second);
      FEValues<3>                               pv(*model.mapping, s.fe, q, update_values);
      const FEValuesExtractors::Vector          displacement(0);
      pv.reinit(cell);
      std::vector<Tensor<1, 3>> u(1);
      pv[displacement].get_function_values(l.displacement, u);
      // The element's own (assumed) strains, as in the stiffness.
      ShellStrains                       strains(model, q);
      Vector<double>                     local(s.fe.n_dofs_per_cell());
      std::vector<SymmetricTensor<2, 3>> e;
      strains.reinit(cell);
      cell->get_dof_values(l.displacement, local);
      strains.strains(local, e);
      const PartMesh &part = model.parts[cell->material_id()];
      ProbeResult     pr;
      pr.name  = probe.name;
      pr.point = probe.point;
      pr.part  = part.name;
      for (unsigned k = 0; k < 3; ++k)
        pr.displacement_mm[k] = u[0][k];
      pr.stress_MPa    = stress_from_strain(e[0], part.material);
      pr.von_mises_MPa = von_mises(pr.stress_MPa);
      return pr;
    }
  } // namespace

  std::vector<DoFHandler<3>::active_cell_iterator> band_cells(const Solution &s, bool spread)
  {
    using CellIterator = DoFHandler<3>::active_cell_iterator;
    std::vector<CellIterator> cells;
    const auto               &tria = s.model.triangulation;
    const auto [first, last] = cell_share(tria.n_active_cells(), spread ? distributed_rank() : 0,
                                          spread ? distributed_processes() : 1);
    if (spread && s.spread_mesh)
      return s.spread_mesh->own_cells(last - first);
    // (the mesh is not refined: the coarse cells are the active cells, in order)
    for (unsigned i = first; i < last; ++i)
      cells.emplace_back(&tria, 0, i, &s.dof_handler);
    return cells;
  }

  const Mapping<3> *band_mapping(const Solution &s, bool spread)
  {
    return spread && s.spread_mesh ? &s.spread_mesh->mapping : nullptr;
  }

  void check_processes(const std::exception_ptr &failure, bool spread)
  {
    double failed = failure ? 1 : 0;
    if (spread)
      max_over_processes(&failed, 1);
    if (failure)
      std::rethrow_exception(failure);
    if (failed > 0)
      throw std::runtime_error("another process of the launch failed in the post-processing");
  }

  std::unique_ptr<Results> compute_results(const Solution &s, const Case &c, bool spread)
  {
    const bool                 leader = !spread || distributed_rank() == 0;
    std::unique_ptr<Results>   results;
    std::unique_ptr<NodeTable> node_table;
    std::exception_ptr         failure;
    try
      {
        results = std::make_unique<Results>(s);
        if (leader)
          {
            results->mass     = compute_mass(s.model);
            results->warnings = s.model.warnings;
            results->warnings.insert(results->warnings.end(), s.warnings.begin(), s.warnings.end());
            results->design = design_basis(s.model, c.criteria);
          }
        node_table = std::make_unique<NodeTable>(*results, s);
      }
    catch (...)
      {
        failure = std::current_exception();
      }
    check_processes(failure, spread);
    const Model                   &model   = s.model;
    const NodeTable               &nodes   = *node_table;
    const std::size_t              n_cases = s.load_cases.size();
    std::vector<LoadCaseResult>    rs(n_cases);
    std::vector<std::vector<Vec3>> u_nodes(n_cases);
    nodal_stresses(*results, nodes, rs, spread);
    stress_categories(*results, rs, spread);
    if (!leader)
      return nullptr; // (rank 0 goes on alone)
    nodal_displacements(*results, u_nodes);
    for (unsigned lc = 0; lc < n_cases; ++lc)
      {
        const LoadCaseSolution  &l      = s.load_cases[lc];
        const LoadCaseSpec      &spec   = c.load_cases[lc];
        LoadCaseResult          &r      = rs[lc];
        const std::vector<Vec3> &u_node = u_nodes[lc];
        r.name                          = l.name;
        r.description                   = spec.description;
        maxima(model, nodes, u_node, r);
        design_check(model, nodes, c, spec, results->design.checked, r);
        reactions(s, l, nodes, r);
        for (const auto &probe : c.probes)
          r.probes.push_back(probe_result(s, l, probe));
        linear_validity(model, nodes, u_node, r);
        check_sound(r);
        for (const auto &w : r.outside_linear_validity)
          results->warnings.push_back("load case \"" + r.name + "\": " + w);
        if (!r.round_off_imbalance.empty())
          results->warnings.push_back("load case \"" + r.name + "\": " + r.round_off_imbalance);
        results->load_cases.push_back(std::move(r));
      }
    eigen_results(s, c, *results);
    results->minimum_thickness = adr_minimum_thickness(c);
    return results; // the verdict follows the convergence check (app/pipeline.cc)
  }
} // namespace lightbody
