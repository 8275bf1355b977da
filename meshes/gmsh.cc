#include "meshes/gmsh.h"

#include "input/errors.h"
#include "input/input_file.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace lightbody
{
  namespace
  {
    struct Mesh
    {
      std::map<long, Vec3>             nodes;
      std::vector<std::array<long, 4>> quads; // of the wanted group, in file orientation
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

    // Physical surface tag of the wanted group name.
    int group_tag(std::istream &in, const PartSpec &part)
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
      Mesh                             mesh;
      std::string                      section;
      double                           version = 0;
      int                              tag     = -1;
      std::map<int, std::set<int>>     entity_groups; // 4.1: surface entity -> physical tags
      std::vector<std::array<long, 5>> elements;      // (physical or entity, n1..n4)
      bool                             by_entity = false;
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
            tag = group_tag(in, part);
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
              for (long i = 0; i < np + nc; ++i)
                std::getline(in, line);
              for (long i = 0; i < ns; ++i)
                {
                  std::getline(in, line);
                  std::istringstream s(line);
                  int                t, nphys;
                  double             box[6];
                  s >> t;
                  for (double &b : box)
                    s >> b;
                  s >> nphys;
                  for (int k = 0; k < nphys; ++k)
                    {
                      int p;
                      s >> p;
                      entity_groups[t].insert(std::abs(p));
                    }
                }
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
                      mesh.nodes[id] = x;
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
                          mesh.nodes[id] = x;
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
                      if (type == 3 || type == 10 || type == 16)
                        elements.push_back({{ntags > 0 ? tags[0] : -1, v[0], v[1], v[2], v[3]}});
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
                          if (dim == 2 && (type == 3 || type == 10 || type == 16))
                            elements.push_back({{ent, v[0], v[1], v[2], v[3]}});
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
      for (const auto &e : elements)
        {
          const bool in_group =
            by_entity ? entity_groups[static_cast<int>(e[0])].count(tag) > 0 : e[0] == tag;
          if (in_group)
            mesh.quads.push_back({{e[1], e[2], e[3], e[4]}});
        }
      if (mesh.quads.empty())
        bad(part, "group \"" + part.gmsh_group + "\" of \"" + part.gmsh_file +
                    "\" has no quadrilaterals (mesh the surface with quads: Recombine)");
      for (const auto &q : mesh.quads)
        for (long id : q)
          if (!mesh.nodes.count(id))
            bad(part, "\"" + part.gmsh_file + "\": a quadrilateral uses the missing node " +
                        std::to_string(id));
      return mesh;
    }

  } // namespace

  std::vector<Patch> gmsh_patches(const PartSpec &part)
  {
    const Mesh mesh = read_msh(part);
    // Nodal normals: the sum of the quads' normals (diagonal cross products, area-weighted).
    std::map<long, Vec3>                 normal;
    std::map<std::pair<long, long>, int> edge_count;
    for (const auto &q : mesh.quads)
      {
        const Vec3 n =
          cross(operator-(mesh.nodes.at(q[2]), mesh.nodes.at(q[0])), operator-(
                                                                       mesh.nodes.at(q[3]),
                                                                       mesh.nodes.at(q[1])));
        for (long id : q)
          for (int d = 0; d < 3; ++d)
            normal[id][d] += n[d];
        for (int k = 0; k < 4; ++k)
          ++edge_count[{std::min(q[k], q[(k + 1) % 4]), std::max(q[k], q[(k + 1) % 4])}];
      }
    for (auto &[id, n] : normal)
      {
        const double l = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        for (double &c : n)
          c /= l;
      }
    std::vector<Patch> patches;
    for (const auto &q : mesh.quads)
      {
        // Patch corners in the (u, v) order of the quad: q0 (0,0), q1 (1,0), q2 (1,1), q3 (0,1).
        const std::array<Vec3, 4> x{
          {mesh.nodes.at(q[0]), mesh.nodes.at(q[1]), mesh.nodes.at(q[2]), mesh.nodes.at(q[3])}};
        const std::array<Vec3, 4> n{
          {normal.at(q[0]), normal.at(q[1]), normal.at(q[2]), normal.at(q[3])}};
        auto bilinear = [](const std::array<Vec3, 4> &c, double u, double v) {
          Vec3 r;
          for (int d = 0; d < 3; ++d)
            r[d] = (1 - u) * (1 - v) * c[0][d] + u * (1 - v) * c[1][d] + u * v * c[2][d] +
                   (1 - u) * v * c[3][d];
          return r;
        };
        Patch p;
        p.point        = [x, bilinear](double u, double v) { return bilinear(x, u, v); };
        p.exact_normal = [n, bilinear](double u, double v) {
          Vec3         r = bilinear(n, u, v);
          const double l = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
          return Vec3{r[0] / l, r[1] / l, r[2] / l};
        };
        // Sides: v = 0 is q0-q1, u = 1 is q1-q2, v = 1 is q3-q2, u = 0 is q0-q3.
        const std::array<std::pair<long, long>, 4> sides{
          {{q[0], q[1]}, {q[1], q[2]}, {q[3], q[2]}, {q[0], q[3]}}};
        for (int s = 0; s < 4; ++s)
          if (edge_count[{std::min(sides[s].first, sides[s].second),
                          std::max(sides[s].first, sides[s].second)}] == 1)
            p.side_edge[s] = "boundary";
        patches.push_back(p);
      }
    return patches;
  }
} // namespace lightbody
