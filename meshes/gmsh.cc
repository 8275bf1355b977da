#include "meshes/gmsh.h"

#include "input/errors.h"
#include "input/input_file.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace lightbody
{
  namespace
  {
    // A quadrilateral: 4 corner nodes, then for second order the 4 mid-side nodes (sides
    // 0-1, 1-2, 2-3, 3-0) and the centre (gmsh's order; -1 where the element has none).
    using Quad = std::array<long, 9>;

    struct Mesh
    {
      std::map<long, Vec3>                         nodes;
      std::vector<Quad>                            quads; // of the wanted group, file orientation
      std::map<std::pair<long, long>, std::string> named_sides; // corner pair -> line group
    };

    [[noreturn]] void bad(const PartSpec &part, const std::string &msg)
    {
      throw InputError(part.where, "parts." + part.name + ".gmsh", msg);
    }

    // Nodes per element of the gmsh types a mid-surface file may hold: points, lines, triangles
    // and quadrilaterals (linear and quadratic; only quadrilaterals are used).
    int nodes_of(const PartSpec &part, int type)
    {
      switch (type)
        {
          case 15: return 1;
          case 1: return 2;
          case 8: return 3;
          case 2: return 3;
          case 9: return 6;
          case 3: return 4;
          case 16: return 8;
          case 10: return 9;
          default:
            bad(part, "\"" + part.gmsh_file + "\": element type " + std::to_string(type) +
                        " is not supported");
        }
    }

    // Physical surface tag of the wanted group name; the names of the line groups by tag.
    int group_tag(std::istream &in, const PartSpec &part, std::map<int, std::string> &lines)
    {
      int n = -1;
      in >> n;
      if (!in || n < 0 || n > 1000000)
        bad(part, "\"" + part.gmsh_file + "\": the $PhysicalNames count cannot be read");
      int                      found = -1;
      std::vector<std::string> names;
      for (int i = 0; i < n; ++i)
        {
          int         dim, tag;
          std::string rest;
          in >> dim >> tag;
          std::getline(in, rest);
          const auto        a = rest.find('"'), b = rest.rfind('"');
          const std::string name =
            a == std::string::npos || b <= a ? rest : rest.substr(a + 1, b - a - 1);
          if (dim == 2)
            names.push_back(name);
          if (dim == 1)
            lines[tag] = name;
          if (dim == 2 && name == part.gmsh_group)
            found = tag;
        }
      if (found < 0)
        {
          std::string list;
          for (const auto &s : names)
            list += (list.empty() ? "" : ", ") + s;
          bad(part, "\"" + part.gmsh_file + "\" has no physical surface \"" + part.gmsh_group +
                      "\" (it has: " + (list.empty() ? std::string("none") : list) + ")");
        }
      return found;
    }

    Mesh read_msh(const PartSpec &part)
    {
      const std::string  text = read_input_file(part.gmsh_file, "gmsh file");
      std::istringstream in(text);
      // A declared count of items, each at least `numbers` numbers of two characters (digit and
      // separator): more than the file can hold is a corrupt file, refused before any allocation.
      auto count_ok = [&](long n, long numbers, const char *what) {
        if (!in || n < 0 || n > static_cast<long>(text.size()) / (2 * numbers))
          bad(part, "\"" + part.gmsh_file + "\": the declared number of " + what + " (" +
                      std::to_string(n) + ") does not fit the file");
      };
      Mesh                              mesh;
      std::string                       section;
      double                            version = 0;
      int                               tag     = -1;
      std::map<int, std::set<int>>      entity_groups;   // 4.1: surface entity -> physical tags
      std::map<int, std::set<int>>      curve_groups;    // 4.1: curve entity -> physical tags
      std::map<int, std::string>        line_names;      // physical line tag -> name
      std::vector<std::array<long, 10>> elements;        // (physical or entity, nodes or -1)
      std::vector<long>                 triangle_groups; // (physical or entity) of each triangle
      std::vector<std::array<long, 3>>  lines;           // (physical or entity, end nodes)
      bool                              by_entity = false;
      // gmsh numbers nodes from 1; a node given twice would leave one of its positions unused.
      auto add_node = [&](long id, const Vec3 &x) {
        if (!in)
          return; // reported after the section
        if (id <= 0)
          bad(part, "\"" + part.gmsh_file + "\": node number " + std::to_string(id) +
                      " (gmsh numbers nodes from 1)");
        if (!mesh.nodes.emplace(id, x).second)
          bad(part, "\"" + part.gmsh_file + "\": node " + std::to_string(id) + " is given twice");
      };
      // Quadrilaterals with all their nodes; lines by their end nodes.
      auto keep = [&](long group, int type, const std::vector<long> &v) {
        if (type == 3 || type == 10 || type == 16)
          {
            for (long id : v)
              if (in && id <= 0)
                bad(part, "\"" + part.gmsh_file + "\": a quadrilateral uses the node number " +
                            std::to_string(id) + " (gmsh numbers nodes from 1)");
            std::array<long, 10> e;
            e.fill(-1);
            e[0] = group;
            for (std::size_t k = 0; k < v.size() && k < 9; ++k)
              e[k + 1] = v[k];
            elements.push_back(e);
          }
        else if (type == 1 || type == 8)
          lines.push_back({{group, v[0], v[1]}});
        else if (type == 2 || type == 9)
          triangle_groups.push_back(group);
      };
      while (in >> section)
        {
          if (section == "$MeshFormat")
            {
              int file_type, size;
              in >> version >> file_type >> size;
              if (file_type != 0)
                bad(part, "\"" + part.gmsh_file + "\" is a binary .msh; save it as ASCII");
              if (!(version >= 2 && version < 3) && !(version >= 4 && version < 5))
                bad(part, "\"" + part.gmsh_file + "\": .msh version " + std::to_string(version) +
                            " is not supported (2.2 or 4.1)");
            }
          else if (section == "$PhysicalNames")
            tag = group_tag(in, part, line_names);
          else if (section == "$Entities")
            {
              long np = -1, nc = -1, ns = -1, nv = -1;
              in >> np >> nc >> ns >> nv;
              count_ok(np, 4, "entities");
              count_ok(nc, 8, "entities");
              count_ok(ns, 8, "entities");
              count_ok(nv, 8, "entities");
              std::string line;
              std::getline(in, line);
              for (long i = 0; i < np; ++i)
                std::getline(in, line);
              // Curves and surfaces: tag, bounding box, physical tags, ...
              auto entity = [&](std::map<int, std::set<int>> &groups) {
                std::getline(in, line);
                std::istringstream s(line);
                int                t = 0, nphys = 0;
                double             box[6];
                s >> t;
                for (double &b : box)
                  s >> b;
                s >> nphys;
                for (int k = 0; k < nphys && s; ++k)
                  {
                    int p;
                    s >> p;
                    groups[t].insert(std::abs(p));
                  }
              };
              for (long i = 0; i < nc; ++i)
                entity(curve_groups);
              for (long i = 0; i < ns; ++i)
                entity(entity_groups);
            }
          else if (section == "$Nodes")
            {
              if (version < 3)
                {
                  long n = -1;
                  in >> n;
                  count_ok(n, 4, "nodes");
                  for (long i = 0; i < n; ++i)
                    {
                      long id;
                      Vec3 x;
                      in >> id >> x[0] >> x[1] >> x[2];
                      add_node(id, x);
                    }
                }
              else
                {
                  long blocks = -1, n = -1, lo, hi;
                  in >> blocks >> n >> lo >> hi;
                  count_ok(blocks, 4, "node blocks");
                  count_ok(n, 4, "nodes");
                  for (long b = 0; b < blocks; ++b)
                    {
                      int  dim = 0, ent, param = 0;
                      long count = -1;
                      in >> dim >> ent >> param >> count;
                      count_ok(count, 4, "nodes");
                      if (dim < 0 || dim > 3)
                        bad(part, "\"" + part.gmsh_file + "\": a node block of dimension " +
                                    std::to_string(dim));
                      std::vector<long> ids(count);
                      for (auto &id : ids)
                        in >> id;
                      for (long id : ids)
                        {
                          Vec3 x;
                          in >> x[0] >> x[1] >> x[2];
                          if (param)
                            for (int k = 0; k < dim; ++k)
                              {
                                double u;
                                in >> u;
                              }
                          add_node(id, x);
                        }
                    }
                }
            }
          else if (section == "$Elements")
            {
              if (version < 3)
                {
                  long n = -1;
                  in >> n;
                  count_ok(n, 4, "elements");
                  for (long i = 0; i < n; ++i)
                    {
                      long id;
                      int  type = 0, ntags = -1;
                      in >> id >> type >> ntags;
                      count_ok(ntags, 1, "element tags");
                      std::vector<long> tags(ntags);
                      for (auto &t : tags)
                        in >> t;
                      const int         nn = nodes_of(part, type);
                      std::vector<long> v(nn);
                      for (auto &x : v)
                        in >> x;
                      keep(ntags > 0 ? tags[0] : -1, type, v);
                    }
                }
              else
                {
                  by_entity   = true;
                  long blocks = -1, n = -1, lo, hi;
                  in >> blocks >> n >> lo >> hi;
                  count_ok(blocks, 4, "element blocks");
                  count_ok(n, 3, "elements");
                  for (long b = 0; b < blocks; ++b)
                    {
                      int  dim = 0, ent = 0, type = 0;
                      long count = -1;
                      in >> dim >> ent >> type >> count;
                      count_ok(count, 3, "elements");
                      const int nn = nodes_of(part, type);
                      for (long i = 0; i < count; ++i)
                        {
                          long              id;
                          std::vector<long> v(nn);
                          in >> id;
                          for (auto &x : v)
                            in >> x;
                          if (dim == 1 || dim == 2)
                            keep(ent, type, v);
                        }
                    }
                }
            }
          if (!in)
            bad(part, "\"" + part.gmsh_file + "\" could not be read (in " + section + ")");
        }
      if (tag < 0)
        bad(part,
            "\"" + part.gmsh_file + "\" has no $PhysicalNames: name the surface groups in gmsh");
      const auto in_group_of = [&](long group) {
        return by_entity ? entity_groups[static_cast<int>(group)].count(tag) > 0 : group == tag;
      };
      // Only quadrilaterals become elements: triangles of the group would be left out, a hole
      // in the surface.
      if (const auto n = std::count_if(triangle_groups.begin(), triangle_groups.end(), in_group_of))
        bad(part, "group \"" + part.gmsh_group + "\" of \"" + part.gmsh_file + "\" has " +
                    std::to_string(n) +
                    " triangle(s): lightbody's elements are quadrilaterals, the triangles would be "
                    "holes in the surface (mesh it with quadrilaterals only: Recombine, and "
                    "Mesh.SubdivisionAlgorithm = 1)");
      for (const auto &e : elements)
        {
          const bool in_group = in_group_of(e[0]);
          if (in_group)
            {
              Quad q;
              std::copy(e.begin() + 1, e.end(), q.begin());
              mesh.quads.push_back(q);
            }
        }
      for (const auto &l : lines)
        {
          std::set<int> groups;
          if (by_entity)
            groups = curve_groups[static_cast<int>(l[0])];
          else
            groups.insert(static_cast<int>(l[0]));
          for (int g : groups)
            if (line_names.count(g))
              mesh.named_sides[{std::min(l[1], l[2]), std::max(l[1], l[2])}] = line_names[g];
        }
      if (mesh.quads.empty())
        bad(part, "group \"" + part.gmsh_group + "\" of \"" + part.gmsh_file +
                    "\" has no quadrilaterals (mesh the surface with quads: Recombine)");
      for (const auto &q : mesh.quads)
        for (long id : q)
          if (id >= 0 && !mesh.nodes.count(id))
            bad(part, "\"" + part.gmsh_file + "\": a quadrilateral uses the missing node " +
                        std::to_string(id));
      return mesh;
    }

  } // namespace

  namespace
  {
    // Quadratic Lagrange polynomials on [0, 1] through 0, 1 and 1/2 (index 0, 1, 2), and their
    // derivatives.
    double lagrange(int a, double x)
    {
      return a == 0 ? (2 * x - 1) * (x - 1) : a == 1 ? x * (2 * x - 1) : 4 * x * (1 - x);
    }
    double lagrange_derivative(int a, double x)
    {
      return a == 0 ? 4 * x - 3 : a == 1 ? 4 * x - 1 : 4 - 8 * x;
    }
    // The (u, v) indices of gmsh's nine quadrilateral nodes: corners, mid-sides, centre.
    constexpr int node_u[9] = {0, 1, 1, 0, 2, 1, 2, 0, 2};
    constexpr int node_v[9] = {0, 0, 1, 1, 0, 2, 1, 2, 2};

    // Biquadratic interpolation of nine values, or its derivative along u (du) or v (dv).
    Vec3 biquadratic(const std::array<Vec3, 9> &c, double u, double v, int du = 0, int dv = 0)
    {
      Vec3 r{0, 0, 0};
      for (int k = 0; k < 9; ++k)
        {
          const double w = (du ? lagrange_derivative(node_u[k], u) : lagrange(node_u[k], u)) *
                           (dv ? lagrange_derivative(node_v[k], v) : lagrange(node_v[k], v));
          for (int d = 0; d < 3; ++d)
            r[d] += w * c[k][d];
        }
      return r;
    }

    Vec3 unit(const Vec3 &a)
    {
      const double l = norm(a);
      return {a[0] / l, a[1] / l, a[2] / l};
    }

    // The nine node positions of a second-order quadrilateral; an 8-node one's centre from its
    // serendipity interpolation.
    std::array<Vec3, 9> nine_points(const Mesh &mesh, const Quad &q)
    {
      std::array<Vec3, 9> x;
      for (int k = 0; k < 8; ++k)
        x[k] = mesh.nodes.at(q[k]);
      if (q[8] >= 0)
        x[8] = mesh.nodes.at(q[8]);
      else
        for (int d = 0; d < 3; ++d)
          x[8][d] = -0.25 * (x[0][d] + x[1][d] + x[2][d] + x[3][d]) +
                    0.5 * (x[4][d] + x[5][d] + x[6][d] + x[7][d]);
      return x;
    }

    // Patches of second-order quadrilaterals: the surface as meshed (biquadratic through the
    // nine nodes) and, at every node, the mean of the adjacent elements' own surface normals
    // there, interpolated the same way: neighbours extrude to the same points, and a node on a
    // plane of symmetry keeps its normal in that plane as closely as the mesh follows the
    // surface.
    // The lengthening of a node's extrusion: 1 / the mean cosine between its normal and the
    // normals the quadrilaterals around it have there (a symmetric fold of angle a: 1 / cos(a / 2),
    // which keeps the thickness of both faces; a smooth surface: 1 to the square of the turn),
    // at most 2 (a fold of 120 degrees).
    double lengthening(double cosine_sum, int count)
    {
      return 1 / std::max(cosine_sum / count, 0.5);
    }

    std::vector<Patch> second_order_patches(const Mesh &mesh)
    {
      std::map<long, Vec3>             normal_sum;
      std::vector<std::array<Vec3, 9>> element_normals;
      for (const auto &q : mesh.quads)
        {
          const auto          x = nine_points(mesh, q);
          std::array<Vec3, 9> n;
          for (int k = 0; k < 9; ++k)
            {
              const double u = node_u[k] == 2 ? 0.5 : node_u[k];
              const double v = node_v[k] == 2 ? 0.5 : node_v[k];
              n[k]           = unit(cross(biquadratic(x, u, v, 1, 0), biquadratic(x, u, v, 0, 1)));
              if (k < 8 || q[8] >= 0)
                for (int d = 0; d < 3; ++d)
                  normal_sum[q[k]][d] += n[k][d];
            }
          element_normals.push_back(n);
        }
      std::map<long, std::pair<double, int>> cosines; // node -> sum over its elements, count
      for (std::size_t e = 0; e < mesh.quads.size(); ++e)
        for (int k = 0; k < 9; ++k)
          if (k < 8 || mesh.quads[e][8] >= 0)
            {
              auto &c = cosines[mesh.quads[e][k]];
              c.first += dot(unit(normal_sum.at(mesh.quads[e][k])), element_normals[e][k]);
              ++c.second;
            }
      std::vector<Patch> patches;
      for (std::size_t e = 0; e < mesh.quads.size(); ++e)
        {
          const Quad         &q = mesh.quads[e];
          const auto          x = nine_points(mesh, q);
          std::array<Vec3, 9> n = element_normals[e], d;
          for (int k = 0; k < 9; ++k)
            {
              double f = 1;
              if (k < 8 || q[8] >= 0)
                {
                  n[k]         = unit(normal_sum.at(q[k]));
                  const auto c = cosines.at(q[k]);
                  f            = lengthening(c.first, c.second);
                }
              d[k] = f * n[k];
            }
          Patch p;
          p.point        = [x](double u, double v) { return biquadratic(x, u, v); };
          p.exact_normal = [n](double u, double v) { return unit(biquadratic(n, u, v)); };
          // The nodes' vectors interpolated as they are: across a fold the component normal to
          // each face stays that of a unit normal, so the faces keep their thickness.
          p.extrusion = [d](double u, double v) { return biquadratic(d, u, v); };
          patches.push_back(p);
        }
      return patches;
    }

    // Patches of linear quadrilaterals: bilinear, extruded along the nodes' normals averaged
    // over the quadrilaterals around them (diagonal cross products, area-weighted).
    std::vector<Patch> first_order_patches(const Mesh &mesh)
    {
      std::map<long, Vec3> normal;
      for (const auto &q : mesh.quads)
        {
          const Vec3 n = cross(mesh.nodes.at(q[2]) - mesh.nodes.at(q[0]),
                               mesh.nodes.at(q[3]) - mesh.nodes.at(q[1]));
          for (int k = 0; k < 4; ++k)
            for (int d = 0; d < 3; ++d)
              normal[q[k]][d] += n[d];
        }
      std::map<long, std::pair<double, int>> cosines; // node -> sum over its elements, count
      for (const auto &q : mesh.quads)
        {
          const Vec3 n = unit(cross(mesh.nodes.at(q[2]) - mesh.nodes.at(q[0]),
                                    mesh.nodes.at(q[3]) - mesh.nodes.at(q[1])));
          for (int k = 0; k < 4; ++k)
            {
              auto &c = cosines[q[k]];
              c.first += dot(unit(normal.at(q[k])), n);
              ++c.second;
            }
        }
      auto bilinear = [](const std::array<Vec3, 4> &c, double u, double v) {
        Vec3 r;
        for (int d = 0; d < 3; ++d)
          r[d] = (1 - u) * (1 - v) * c[0][d] + u * (1 - v) * c[1][d] + u * v * c[2][d] +
                 (1 - u) * v * c[3][d];
        return r;
      };
      std::vector<Patch> patches;
      for (const auto &q : mesh.quads)
        {
          // Patch corners in the (u, v) order of the quad: q0 (0,0), q1 (1,0), q2 (1,1), q3 (0,1).
          const std::array<Vec3, 4> x{
            {mesh.nodes.at(q[0]), mesh.nodes.at(q[1]), mesh.nodes.at(q[2]), mesh.nodes.at(q[3])}};
          const std::array<Vec3, 4> n{{unit(normal.at(q[0])), unit(normal.at(q[1])),
                                       unit(normal.at(q[2])), unit(normal.at(q[3]))}};
          std::array<Vec3, 4>       d;
          for (int k = 0; k < 4; ++k)
            {
              const auto c = cosines.at(q[k]);
              d[k]         = lengthening(c.first, c.second) * n[k];
            }
          Patch p;
          p.point        = [x, bilinear](double u, double v) { return bilinear(x, u, v); };
          p.exact_normal = [n, bilinear](double u, double v) { return unit(bilinear(n, u, v)); };
          p.extrusion    = [d, bilinear](double u, double v) { return bilinear(d, u, v); };
          patches.push_back(p);
        }
      return patches;
    }
  } // namespace

  namespace
  {
    std::string corners_of(const Quad &q)
    {
      return std::to_string(q[0]) + ", " + std::to_string(q[1]) + ", " + std::to_string(q[2]) +
             ", " + std::to_string(q[3]);
    }

    // The quadrilaterals reversed: corners 0, 3, 2, 1, the mid-sides and the centre with them.
    Quad reversed(const Quad &q)
    {
      return {{q[0], q[3], q[2], q[1], q[7], q[6], q[5], q[4], q[8]}};
    }

    // Refuses what cannot be a mid-surface (a quadrilateral repeating a node or given twice, a
    // side shared by more than two quadrilaterals) and orients the quadrilaterals alike: gmsh
    // orients each geometric surface of a group by its own definition, so a group of several
    // surfaces may hold both orientations, and the node normals averaged over opposite
    // orientations cancel or point sideways. Each connected piece takes the orientation most of
    // its quadrilaterals have (of the first in the file where as many have either); a piece that
    // cannot be oriented (a Moebius band) is refused.
    void check_and_orient(const PartSpec &part, Mesh &mesh)
    {
      const std::string                          file = "\"" + part.gmsh_file + "\": ";
      std::map<std::array<long, 4>, std::size_t> seen;
      for (std::size_t e = 0; e < mesh.quads.size(); ++e)
        {
          std::array<long, 4> c{
            {mesh.quads[e][0], mesh.quads[e][1], mesh.quads[e][2], mesh.quads[e][3]}};
          std::sort(c.begin(), c.end());
          if (std::adjacent_find(c.begin(), c.end()) != c.end())
            bad(part, file + "the quadrilateral with nodes " + corners_of(mesh.quads[e]) +
                        " repeats a node");
          if (!seen.emplace(c, e).second)
            bad(part, file + "the quadrilateral with nodes " + corners_of(mesh.quads[e]) +
                        " is given twice (two elements on the same nodes)");
        }
      // Each side: the quadrilaterals on it, and whether each runs along it from its lower
      // node number to the higher.
      std::map<std::pair<long, long>, std::vector<std::pair<std::size_t, bool>>> sides;
      for (std::size_t e = 0; e < mesh.quads.size(); ++e)
        for (int k = 0; k < 4; ++k)
          {
            const long a = mesh.quads[e][k], b = mesh.quads[e][(k + 1) % 4];
            auto      &on = sides[{std::min(a, b), std::max(a, b)}];
            on.emplace_back(e, a < b);
            if (on.size() > 2)
              bad(part, file + "the side between nodes " + std::to_string(std::min(a, b)) +
                          " and " + std::to_string(std::max(a, b)) + " is shared by " +
                          std::to_string(on.size()) +
                          " quadrilaterals (a T or cross junction within one group): mesh each "
                          "wall as a group and a part of its own and let the parts join");
          }
      std::vector<std::vector<std::pair<std::size_t, bool>>> neighbours(mesh.quads.size());
      for (const auto &[side, on] : sides)
        if (on.size() == 2)
          {
            // Alike oriented neighbours run along their common side in opposite directions.
            const bool same_direction = on[0].second == on[1].second;
            neighbours[on[0].first].emplace_back(on[1].first, same_direction);
            neighbours[on[1].first].emplace_back(on[0].first, same_direction);
          }
      std::vector<int> flip(mesh.quads.size(), -1);
      for (std::size_t start = 0; start < mesh.quads.size(); ++start)
        {
          if (flip[start] >= 0)
            continue;
          flip[start] = 0;
          std::vector<std::size_t> stack{start}, piece;
          while (!stack.empty())
            {
              const std::size_t e = stack.back();
              stack.pop_back();
              piece.push_back(e);
              for (const auto &[f, same_direction] : neighbours[e])
                {
                  const int wanted = flip[e] ^ static_cast<int>(same_direction);
                  if (flip[f] < 0)
                    flip[f] = wanted, stack.push_back(f);
                  else if (flip[f] != wanted)
                    bad(part, file +
                                "the surface cannot be given one orientation (a Moebius "
                                "band?) at the quadrilateral with nodes " +
                                corners_of(mesh.quads[f]));
                }
            }
          const auto flipped =
            std::count_if(piece.begin(), piece.end(), [&](std::size_t e) { return flip[e] == 1; });
          if (2 * flipped > static_cast<long>(piece.size()))
            for (std::size_t e : piece)
              flip[e] ^= 1;
        }
      for (std::size_t e = 0; e < mesh.quads.size(); ++e)
        if (flip[e])
          mesh.quads[e] = reversed(mesh.quads[e]);
    }
  } // namespace

  std::vector<Patch> gmsh_patches(const PartSpec &part)
  {
    Mesh mesh = read_msh(part);
    check_and_orient(part, mesh);
    const bool second_order =
      std::all_of(mesh.quads.begin(), mesh.quads.end(), [](const Quad &q) { return q[4] >= 0; });
    std::vector<Patch> patches =
      second_order ? second_order_patches(mesh) : first_order_patches(mesh);
    // A quadrilateral without a normal somewhere (collapsed, or folded onto its neighbours so
    // that the node normals cancel) cannot be extruded.
    for (std::size_t e = 0; e < patches.size(); ++e)
      for (double u : {0.0, 0.5, 1.0})
        for (double v : {0.0, 0.5, 1.0})
          {
            const Vec3 n = patches[e].normal(u, v);
            if (!std::isfinite(n[0]) || !std::isfinite(n[1]) || !std::isfinite(n[2]))
              bad(part, "\"" + part.gmsh_file + "\": the quadrilateral with nodes " +
                          std::to_string(mesh.quads[e][0]) + ", " +
                          std::to_string(mesh.quads[e][1]) + ", " +
                          std::to_string(mesh.quads[e][2]) + ", " +
                          std::to_string(mesh.quads[e][3]) +
                          " is degenerate or folded onto its neighbours (no surface normal)");
          }
    // Sides: v = 0 is q0-q1, u = 1 is q1-q2, v = 1 is q3-q2, u = 0 is q0-q3. A side no other
    // quadrilateral shares is on the edge "boundary"; a side on a named line group, on that edge.
    std::map<std::pair<long, long>, int> side_count;
    auto key = [](long a, long b) { return std::make_pair(std::min(a, b), std::max(a, b)); };
    for (const auto &q : mesh.quads)
      for (int k = 0; k < 4; ++k)
        ++side_count[key(q[k], q[(k + 1) % 4])];
    for (std::size_t e = 0; e < mesh.quads.size(); ++e)
      {
        const Quad                                &q = mesh.quads[e];
        const std::array<std::pair<long, long>, 4> sides{
          {key(q[0], q[1]), key(q[1], q[2]), key(q[3], q[2]), key(q[0], q[3])}};
        for (int s = 0; s < 4; ++s)
          {
            if (side_count[sides[s]] == 1)
              patches[e].side_edge[s] = "boundary";
            if (const auto it = mesh.named_sides.find(sides[s]); it != mesh.named_sides.end())
              patches[e].side_group[s] = it->second;
          }
      }
    return patches;
  }

} // namespace lightbody
