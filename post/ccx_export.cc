#include "post/ccx_export.h"

#include "input/errors.h"
#include "post/result_folder.h"
#include "solver/loads.h"
#include "solver/supports.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>

#include <vtkHigherOrderHexahedron.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    // Abaqus names: letters, digits and underscores, at most 80 characters.
    std::string deck_name(const std::string &prefix, const std::string &name)
    {
      std::string out = prefix;
      for (char c : name)
        out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return out.substr(0, 80);
    }

    std::string number(double v)
    {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.10g", v);
      return buf;
    }

    // The C3D20 face of deal.II's face f (x-, x+, y-, y+, z-, z+): S1 is the face of nodes
    // 1-2-3-4 (z-), S2 5-8-7-6 (z+), S3 1-5-6-2 (y-), S4 2-6-7-3 (x+), S5 3-7-8-4 (y+), S6 4-8-5-1
    // (x-).
    constexpr int abaqus_face[6] = {6, 4, 3, 5, 1, 2};

    // The eight nodes of a C3D20 face (deal.II's face f of the cell) with the values of their
    // serendipity shape functions at xi (unit cell coordinates on the face): pairs of the local
    // FE_Q(2) node (0..26) and weight. The face's centre node is not a C3D20 node.
    std::vector<std::pair<unsigned, double>> face_node_weights(unsigned f, const Point<3> &xi)
    {
      static const FE_Q<3>                     fe(2);
      const unsigned                           d = f / 2, a = (d + 1) % 3, b = (d + 2) % 3;
      const double                             s = 2 * xi[a] - 1, t = 2 * xi[b] - 1;
      std::vector<std::pair<unsigned, double>> out;
      for (unsigned k = 0; k < fe.n_dofs_per_cell(); ++k)
        {
          const Point<3> &p = fe.get_unit_support_points()[k];
          if (std::abs(p[d] - (f % 2)) > 1e-12)
            continue;
          const double sk = 2 * p[a] - 1, tk = 2 * p[b] - 1;
          double       w;
          if (sk == 0 && tk == 0)
            continue; // the face centre
          if (sk == 0)
            w = 0.5 * (1 - s * s) * (1 + t * tk);
          else if (tk == 0)
            w = 0.5 * (1 + s * sk) * (1 - t * t);
          else
            w = 0.25 * (1 + s * sk) * (1 + t * tk) * (s * sk + t * tk - 1);
          out.emplace_back(k, w);
        }
      return out;
    }

    // Each C3D20 node's share of a bedding's area (mm^2): per face, the diagonal of the face's
    // consistent matrix int N_i N_i dA over the bedded part (inside the support's box, the
    // same rule as lightbody's bedding: 8 x 8 sub-squares of 3 x 3 Gauss points), scaled to that
    // part's area (row-sum lumping would give the corner nodes of a serendipity face negative
    // shares).
    std::map<types::global_dof_index, double>
    bedded_areas(const Model &model, const Case &c, const SupportSpec &spec,
                 const std::vector<std::array<types::global_dof_index, 20>> &elements,
                 const std::vector<int>                                     &position)
    {
      std::map<types::global_dof_index, double> area;
      for (const RegionSpec *region : support_regions(spec, c))
        {
          const auto it = model.surfaces.find(region->surface);
          if (region->kind != RegionSpec::Kind::surface || it == model.surfaces.end())
            continue;
          // All faces in one pass (one set of face values, not one per face).
          std::map<std::pair<unsigned, unsigned>, std::pair<double, std::map<unsigned, double>>>
            by_face; // (cell, face) -> bedded area, diagonal
          visit_face_points(model, it->second, QIterated<2>(QGauss<1>(3), 8),
                            [&](const FaceRef &f, const Point<3> &xi, const Point<3> &x,
                                const Tensor<1, 3> &, double JxW) {
                              for (unsigned k = 0; k < 3 && region->in_box; ++k)
                                if (x[k] < region->box_min[k] || x[k] > region->box_max[k])
                                  return;
                              auto &[bedded, diagonal] = by_face[{f.cell, f.face}];
                              bedded += JxW;
                              for (const auto &[k, w] : face_node_weights(f.face, xi))
                                diagonal[k] += w * w * JxW;
                            });
          for (const auto &[face, share] : by_face)
            {
              const auto &[bedded, diagonal] = share;
              double sum                     = 0;
              for (const auto &[k, d] : diagonal)
                sum += d;
              if (!(bedded > 0) || !(sum > 0))
                continue;
              for (const auto &[k, d] : diagonal)
                area[elements[face.first][position[k]]] += d * bedded / sum;
            }
        }
      return area;
    }
  } // namespace

  void write_ccx_deck(const Model &model, const Case &c, const std::string &path)
  {
    const FE_Q<3> fe(2);
    DoFHandler<3> nodes(model.triangulation);
    nodes.distribute_dofs(fe);
    std::vector<Point<3>> x(nodes.n_dofs());
    DoFTools::map_dofs_to_support_points(*model.mapping, nodes, x);

    // The C3D20 position (0..19) of each local node, -1 for the face and centre nodes: the
    // first 20 nodes of VTK's quadratic hexahedron are Abaqus's C3D20 order.
    const int        order[3] = {2, 2, 2};
    std::vector<int> position(fe.n_dofs_per_cell());
    for (unsigned k = 0; k < fe.n_dofs_per_cell(); ++k)
      {
        const Point<3> &p = fe.get_unit_support_points()[k];
        const int       v = vtkHigherOrderHexahedron::PointIndexFromIJK(
                static_cast<int>(std::lround(2 * p[0])), static_cast<int>(std::lround(2 * p[1])),
                static_cast<int>(std::lround(2 * p[2])), order);
        position[k] = v < 20 ? v : -1;
      }
    const unsigned n_cells = model.triangulation.n_active_cells();
    std::vector<std::array<types::global_dof_index, 20>> elements(n_cells);
    std::vector<bool>                                    used(nodes.n_dofs(), false);
    std::vector<unsigned>                                part_of(n_cells);
    std::vector<types::global_dof_index>                 dofs(fe.n_dofs_per_cell());
    for (const auto &cell : nodes.active_cell_iterators())
      {
        cell->get_dof_indices(dofs);
        const unsigned i = cell->active_cell_index();
        part_of[i]       = cell->material_id();
        for (unsigned k = 0; k < dofs.size(); ++k)
          if (position[k] >= 0)
            {
              elements[i][position[k]] = dofs[k];
              used[dofs[k]]            = true;
            }
      }
    auto node_id = [](types::global_dof_index d) { return std::to_string(d + 1); };
    auto elem_id = [](unsigned cell) { return std::to_string(cell + 1); };

    std::ostringstream deck;
    deck << "** lightbody: case " << c.name << " (" << c.file << ")\n"
         << "** units: mm, N, MPa, tonne, s. C3D20R bricks: lightbody's 27-node cells without\n"
         << "** their face and centre nodes.\n*HEADING\n"
         << c.name << "\n*NODE, NSET=NALL\n";
    for (types::global_dof_index d = 0; d < x.size(); ++d)
      if (used[d])
        deck << node_id(d) << ", " << number(x[d][0]) << ", " << number(x[d][1]) << ", "
             << number(x[d][2]) << "\n";
    for (unsigned p = 0; p < model.parts.size(); ++p)
      {
        deck << "*ELEMENT, TYPE=C3D20R, ELSET=" << deck_name("P_", model.parts[p].name) << "\n";
        for (unsigned i = 0; i < n_cells; ++i)
          if (part_of[i] == p)
            {
              deck << elem_id(i);
              for (unsigned k = 0; k < 20; ++k)
                deck << (k == 15 ? ",\n" : ", ") << node_id(elements[i][k]);
              deck << "\n";
            }
      }
    deck << "*ELSET, ELSET=EALL\n";
    for (unsigned p = 0; p < model.parts.size(); ++p)
      deck << deck_name("P_", model.parts[p].name) << "\n";

    // Materials and sections.
    std::map<std::string, const Material *> materials;
    for (const auto &p : model.parts)
      materials.emplace(p.material.name, &p.material);
    for (const auto &[name, m] : materials)
      deck << "*MATERIAL, NAME=" << deck_name("M_", name) << "\n*ELASTIC\n"
           << number(m->E) << ", " << number(m->nu) << "\n*DENSITY\n"
           << number(m->density) << "\n";
    for (const auto &p : model.parts)
      deck << "*SOLID SECTION, ELSET=" << deck_name("P_", p.name)
           << ", MATERIAL=" << deck_name("M_", p.material.name) << "\n";

    // Ties: per following part, its following faces on all their leading faces (of one or more
    // parts). One tie per pair of parts would repeat a face that follows two parts (a baffle at
    // the joint of two shell sections): CalculiX ties its nodes in the first and leaves them out
    // of the second ("DOF not active"), projected on the first part's faces alone.
    std::map<unsigned, std::pair<std::set<std::pair<unsigned, unsigned>>,
                                 std::set<std::pair<unsigned, unsigned>>>>
                                           ties;
    std::map<unsigned, std::set<unsigned>> leading_parts;
    for (const auto &t : model.ties)
      for (const auto &l : t.leaders)
        {
          auto &tie = ties[part_of[t.follower.cell]];
          tie.first.insert({t.follower.cell, t.follower.face});
          tie.second.insert({l.cell, l.face});
          leading_parts[part_of[t.follower.cell]].insert(part_of[l.cell]);
        }
    double thickest = 0;
    for (const auto &p : model.parts)
      thickest = std::max(thickest, p.thickness);
    unsigned k = 0;
    // The following side as nodes, each in one tie only: a node two following parts share (a
    // side wall and the header it meets, both following the roof) in two ties, or a node of the
    // leading faces themselves, made CalculiX stop ("zero coefficient on the dependent side of an
    // equation").
    std::set<types::global_dof_index> following;
    // Each following node's equation in CalculiX involves the nodes of the leading face it lies
    // on (here: of every leading face whose box, widened by the tolerance, holds it). A node
    // whose leading nodes lead back to it through other ties would close a loop of equations
    // (parts each following the other in places: the van's side walls and rear header), which
    // CalculiX cannot resolve: such a node is left out, and counted.
    std::map<types::global_dof_index, std::vector<types::global_dof_index>> depends_on;
    auto leads_back = [&](const std::vector<types::global_dof_index> &from,
                          types::global_dof_index                     to) {
      std::vector<types::global_dof_index> stack(from.begin(), from.end());
      std::set<types::global_dof_index>    seen(from.begin(), from.end());
      while (!stack.empty())
        {
          const auto n = stack.back();
          stack.pop_back();
          if (n == to)
            return true;
          const auto it = depends_on.find(n);
          if (it != depends_on.end())
            for (auto m : it->second)
              if (seen.insert(m).second)
                stack.push_back(m);
        }
      return false;
    };
    unsigned left_out = 0;
    for (const auto &[follower, faces] : ties)
      {
        // (Nodes of the leading faces themselves, shared by the two parts, stay out: they would
        // depend on themselves.)
        std::set<types::global_dof_index> leading;
        std::vector<std::pair<std::array<double, 6>, std::vector<types::global_dof_index>>>
          leading_faces;
        for (const auto &[cell, face] : faces.second)
          {
            std::array<double, 6>                box{{1e300, 1e300, 1e300, -1e300, -1e300, -1e300}};
            std::vector<types::global_dof_index> face_nodes;
            for (const auto &[local, w] : face_node_weights(face, Point<3>(0.5, 0.5, 0.5)))
              {
                const auto node = elements[cell][position[local]];
                leading.insert(node);
                face_nodes.push_back(node);
                for (unsigned d = 0; d < 3; ++d)
                  {
                    box[d]     = std::min(box[d], x[node][d] - thickest);
                    box[d + 3] = std::max(box[d + 3], x[node][d] + thickest);
                  }
              }
            leading_faces.emplace_back(box, std::move(face_nodes));
          }
        std::vector<types::global_dof_index> slaves;
        for (const auto &[cell, face] : faces.first)
          for (const auto &[local, w] : face_node_weights(face, Point<3>(0.5, 0.5, 0.5)))
            {
              const auto node = elements[cell][position[local]];
              if (leading.count(node) || following.count(node))
                continue;
              std::vector<types::global_dof_index> on;
              for (const auto &[box, face_nodes] : leading_faces)
                if (x[node][0] >= box[0] && x[node][1] >= box[1] && x[node][2] >= box[2] &&
                    x[node][0] <= box[3] && x[node][1] <= box[4] && x[node][2] <= box[5])
                  on.insert(on.end(), face_nodes.begin(), face_nodes.end());
              following.insert(node);
              if (leads_back(on, node))
                {
                  ++left_out;
                  continue;
                }
              depends_on[node] = std::move(on);
              slaves.push_back(node);
            }
        if (slaves.empty())
          continue;
        ++k;
        deck << "*SURFACE, NAME=TS" << k << ", TYPE=NODE\n";
        for (auto d : slaves)
          deck << node_id(d) << "\n";
        deck << "*SURFACE, NAME=TM" << k << ", TYPE=ELEMENT\n";
        for (const auto &[cell, face] : faces.second)
          deck << elem_id(cell) << ", S" << abaqus_face[face] << "\n";
        deck << "** " << model.parts[follower].name << " tied to";
        for (unsigned leader : leading_parts[follower])
          deck << " " << model.parts[leader].name;
        deck << "\n*TIE, NAME=T" << k << ", POSITION TOLERANCE=" << number(thickest)
             << ", ADJUST=NO\nTS" << k << ", TM" << k << "\n";
      }
    if (left_out > 0)
      deck << "** " << left_out
           << " following nodes are left out of the ties: their equations would close a loop "
              "through other ties (parts each following the other in places)\n";

    // Supports: node sets; the fixed ones as boundary conditions, springs as SPRING1 elements.
    std::map<std::string, std::vector<types::global_dof_index>> support_nodes;
    unsigned                                                    spring_element = n_cells;
    for (const auto &spec : c.supports)
      {
        const std::vector<bool> selected = select_support(model, nodes, x, spec, c);
        auto                   &list     = support_nodes[spec.name];
        for (types::global_dof_index d = 0; d < selected.size(); ++d)
          if (selected[d] && used[d])
            list.push_back(d);
        deck << "*NSET, NSET=" << deck_name("S_", spec.name) << "\n";
        for (auto d : list)
          deck << node_id(d) << "\n";
        if (spec.spring)
          for (unsigned dir = 0; dir < 3; ++dir)
            if ((*spec.spring)[dir] > 0 && !list.empty())
              {
                const std::string set = deck_name("K_", spec.name) + "_" + std::to_string(dir + 1);
                deck << "*ELEMENT, TYPE=SPRING1, ELSET=" << set << "\n";
                for (auto d : list)
                  deck << ++spring_element << ", " << node_id(d) << "\n";
                deck << "*SPRING, ELSET=" << set << "\n"
                     << dir + 1 << "\n"
                     << number((*spec.spring)[dir] / static_cast<double>(list.size())) << "\n";
              }
        if (spec.bedding)
          {
            // The bedding k (N/mm^3) times each node's share of the bedded area: SPRING1
            // elements, one set per direction and stiffness.
            const auto area = bedded_areas(model, c, spec, elements, position);
            for (unsigned dir = 0; dir < 3; ++dir)
              {
                if (!((*spec.bedding)[dir] > 0))
                  continue;
                std::map<std::string, std::vector<types::global_dof_index>> by_stiffness;
                for (const auto &[node, a] : area)
                  by_stiffness[number((*spec.bedding)[dir] * a)].push_back(node);
                unsigned group = 0;
                for (const auto &[k, group_nodes] : by_stiffness)
                  {
                    const std::string set = deck_name("B_", spec.name) + "_" +
                                            std::to_string(dir + 1) + "_" + std::to_string(++group);
                    deck << "*ELEMENT, TYPE=SPRING1, ELSET=" << set << "\n";
                    for (auto d : group_nodes)
                      deck << ++spring_element << ", " << node_id(d) << "\n";
                    deck << "*SPRING, ELSET=" << set << "\n" << dir + 1 << "\n" << k << "\n";
                  }
              }
          }
      }

    // Probes: the nearest node.
    std::vector<std::pair<std::string, types::global_dof_index>> probes;
    auto                                                         nearest = [&](const Vec3 &p) {
      types::global_dof_index best = 0;
      double                  d2   = -1;
      const Point<3>          q(p[0], p[1], p[2]);
      for (types::global_dof_index d = 0; d < x.size(); ++d)
        if (used[d] && (d2 < 0 || x[d].distance_square(q) < d2))
          best = d, d2 = x[d].distance_square(q);
      return best;
    };
    for (const auto &p : c.probes)
      {
        probes.emplace_back(deck_name("PROBE_", p.name), nearest(p.point));
        deck << "*NSET, NSET=" << probes.back().first << "\n"
             << node_id(probes.back().second) << "\n";
      }

    // One step per load case.
    for (const auto &lc : c.load_cases)
      {
        // Springs are elements: they hold in every step of the deck.
        for (const auto &spec : c.supports)
          if (spec.elastic() && !lc.supports.empty() &&
              std::find(lc.supports.begin(), lc.supports.end(), spec.name) == lc.supports.end())
            throw InputError(lc.where, "load_cases." + lc.name + ".supports",
                             "the elastic support \"" + spec.name +
                               "\" (spring elements in the deck) would hold this load case too, "
                               "which it does not hold here; export the load cases it holds "
                               "with --load-cases");
        deck << "** load case " << lc.name << "\n*STEP\n*STATIC\n*BOUNDARY, OP=NEW\n";
        for (const auto &spec : c.supports)
          {
            if (!lc.supports.empty() &&
                std::find(lc.supports.begin(), lc.supports.end(), spec.name) == lc.supports.end())
              continue;
            for (unsigned dir = 0; dir < 3; ++dir)
              if (spec.fixed[dir])
                deck << deck_name("S_", spec.name) << ", " << dir + 1 << ", " << dir + 1 << ", "
                     << number(spec.displacement ? (*spec.displacement)[dir] : 0.0) << "\n";
          }
        const double a = std::sqrt(lc.acceleration[0] * lc.acceleration[0] +
                                   lc.acceleration[1] * lc.acceleration[1] +
                                   lc.acceleration[2] * lc.acceleration[2]);
        if (a > 0)
          deck << "*DLOAD\nEALL, GRAV, " << number(a) << ", " << number(lc.acceleration[0] / a)
               << ", " << number(lc.acceleration[1] / a) << ", " << number(lc.acceleration[2] / a)
               << "\n";
        // Uniform pressures and edge pressures normal to the edge as face pressures; the other
        // face loads (liquid pressure, distributed forces, edge forces, edge pressures along a
        // direction) as the consistent nodal forces of the C3D20 faces, from the tractions
        // lightbody integrates itself.
        LoadCaseSpec by_nodes = lc;
        by_nodes.pressures.clear();
        by_nodes.edge_pressures.clear();
        for (const auto &e : lc.edge_pressures)
          if (e.direction)
            by_nodes.edge_pressures.push_back(e);
        std::map<types::global_dof_index, Tensor<1, 3>> nodal;
        visit_face_loads(model, by_nodes,
                         [&](const FaceRef &ref, const Point<3> &xi, const Tensor<1, 3> &force) {
                           for (const auto &[k, w] : face_node_weights(ref.face, xi))
                             nodal[elements[ref.cell][position[k]]] += w * force;
                         });
        for (const auto &p : lc.pressures)
          {
            const auto it = model.surfaces.find(p.surface);
            if (it == model.surfaces.end())
              throw InputError(p.where, "pressures.surface",
                               "\"" + p.surface + "\" has no element faces in the model");
            deck << "*DLOAD\n";
            for (const auto &f : it->second)
              deck << elem_id(f.cell) << ", P" << abaqus_face[f.face] << ", " << number(p.pressure)
                   << "\n";
          }
        // An edge pressure normal to the edge: a pressure on the element faces of the edge (the
        // same sign: a positive value pushes into the face).
        for (const auto &e : lc.edge_pressures)
          {
            if (e.direction)
              continue;
            const auto it = model.edges.find(e.edge);
            if (it == model.edges.end() || it->second.empty())
              throw InputError(e.where, "edge_pressures.edge", model.missing_edge_message(e.edge));
            deck << "*DLOAD\n";
            for (const auto &f : it->second)
              deck << elem_id(f.cell) << ", P" << abaqus_face[f.face] << ", " << number(e.value)
                   << "\n";
          }
        for (const auto &pl : lc.point_loads)
          nodal[nearest(pl.point)] += Tensor<1, 3>({pl.force[0], pl.force[1], pl.force[2]});
        if (!nodal.empty())
          {
            deck << "*CLOAD\n";
            for (const auto &[node, force] : nodal)
              for (unsigned dir = 0; dir < 3; ++dir)
                if (force[dir] != 0)
                  deck << node_id(node) << ", " << dir + 1 << ", " << number(force[dir]) << "\n";
          }
        for (const auto &[set, node] : probes)
          deck << "*NODE PRINT, NSET=" << set << "\nU\n";
        deck << "*NODE FILE\nU\n*EL FILE\nS\n*END STEP\n";
      }
    write_text_file(path, deck.str());
  }
} // namespace lightbody
