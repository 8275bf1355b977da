#include "meshes/model.h"

#include "input/errors.h"

#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_reordering.h>
#include <deal.II/grid/grid_tools.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace lightbody
{
  using dealii::Point;

  namespace
  {
    // Merges coincident vertices: parts (and the patches of one part) that meet along a common
    // edge of one continuous surface share nodes there.
    class VertexMerger
    {
    public:
      VertexMerger(double tolerance, const std::set<std::pair<unsigned, unsigned>> &apart)
        : tol_(tolerance), apart_(apart)
      {
      }

      // A vertex of `part` at p; parts listed as apart never share one.
      unsigned insert(const Point<3> &p, unsigned part)
      {
        const auto key = cell_of(p);
        for (long dx = -1; dx <= 1; ++dx)
          for (long dy = -1; dy <= 1; ++dy)
            for (long dz = -1; dz <= 1; ++dz)
              {
                const auto it = buckets_.find(hash({{key[0] + dx, key[1] + dy, key[2] + dz}}));
                if (it == buckets_.end())
                  continue;
                for (unsigned idx : it->second)
                  if (points_[idx].distance(p) <= tol_ &&
                      !apart_.count({std::min(part, part_[idx]), std::max(part, part_[idx])}))
                    return idx;
              }
        points_.push_back(p);
        part_.push_back(part);
        buckets_[hash(key)].push_back(points_.size() - 1);
        return points_.size() - 1;
      }
      const std::vector<Point<3>> &points() const { return points_; }
      double                       tolerance() const { return tol_; }

    private:
      std::array<long, 3> cell_of(const Point<3> &p) const
      {
        return {{std::lround(std::floor(p[0] / (4 * tol_))),
                 std::lround(std::floor(p[1] / (4 * tol_))),
                 std::lround(std::floor(p[2] / (4 * tol_)))}};
      }
      static std::size_t hash(const std::array<long, 3> &k)
      {
        return std::hash<long>()(k[0] * 73856093L ^ k[1] * 19349663L ^ k[2] * 83492791L);
      }
      double                                                 tol_;
      const std::set<std::pair<unsigned, unsigned>>         &apart_;
      std::vector<Point<3>>                                  points_;
      std::vector<unsigned>                                  part_;
      std::unordered_map<std::size_t, std::vector<unsigned>> buckets_;
    };

    Point<3> to_point(const Vec3 &v) { return Point<3>(v[0], v[1], v[2]); }

    // Finds the face of a cell whose vertices are exactly the given set.
    int face_with_vertices(const dealii::Triangulation<3>::cell_iterator &cell,
                           const std::array<unsigned, 4>                 &wanted)
    {
      std::array<unsigned, 4> w = wanted;
      std::sort(w.begin(), w.end());
      for (unsigned f = 0; f < 6; ++f)
        {
          std::array<unsigned, 4> v;
          for (unsigned i = 0; i < 4; ++i)
            v[i] = cell->face(f)->vertex_index(i);
          std::sort(v.begin(), v.end());
          if (v == w)
            return static_cast<int>(f);
        }
      return -1;
    }
  } // namespace

  Point<3> Model::position(unsigned patch, double u, double v, double zeta) const
  {
    const Patch &p = patches[patch];
    const Vec3   x = p.point(u, v);
    const Vec3   n = p.through(u, v);
    return Point<3>(x[0] + zeta * n[0], x[1] + zeta * n[1], x[2] + zeta * n[2]);
  }

  std::array<double, 3> Model::parameters(unsigned cell, const Point<3> &xi) const
  {
    // The parameter box of a cell is mapped affinely, so trilinear interpolation of the vertex
    // parameters in deal.II's vertex order is exact whatever orientation the cell was given.
    const CellGeometry                                  &g = cell_geometry[cell];
    const dealii::Triangulation<3>::active_cell_iterator c(&triangulation, 0, cell);
    std::array<double, 3>                                r{{0, 0, 0}};
    for (unsigned i = 0; i < 8; ++i)
      {
        const unsigned vi = c->vertex_index(i);
        const auto     at = std::find(g.vertex.begin(), g.vertex.end(), vi);
        const auto    &pr = g.param[at - g.vertex.begin()];
        const double   w  = ((i & 1) ? xi[0] : 1 - xi[0]) * ((i & 2) ? xi[1] : 1 - xi[1]) *
                         ((i & 4) ? xi[2] : 1 - xi[2]);
        for (unsigned d = 0; d < 3; ++d)
          r[d] += w * pr[d];
      }
    return r;
  }

  std::optional<std::pair<unsigned, Point<3>>> Model::locate(const Point<3> &p) const
  {
    try
      {
        const auto found =
          dealii::GridTools::find_active_cell_around_point(*mapping, triangulation, p);
        if (found.first != triangulation.end())
          return std::make_pair(found.first->active_cell_index(),
                                dealii::GeometryInfo<3>::project_to_unit_cell(found.second));
      }
    catch (...)
      {
      }
    // Not inside: the nearest cell whose projected point lies within a quarter gauge.
    std::optional<std::pair<unsigned, Point<3>>> best;
    double                                       nearest = 1e300;
    for (const auto &cell : triangulation.active_cell_iterators())
      {
        const double tol      = 0.25 * parts[cell->material_id()].thickness;
        const auto   box      = cell->bounding_box();
        bool         near_box = true;
        for (unsigned d = 0; d < 3; ++d)
          near_box =
            near_box && p[d] >= box.lower_bound(d) - tol && p[d] <= box.upper_bound(d) + tol;
        if (!near_box)
          continue;
        try
          {
            const Point<3> xi = dealii::GeometryInfo<3>::project_to_unit_cell(
              mapping->transform_real_to_unit_cell(cell, p));
            const double dist = mapping->transform_unit_to_real_cell(cell, xi).distance(p);
            if (dist <= tol && dist < nearest)
              nearest = dist, best = std::make_pair(cell->active_cell_index(), xi);
          }
        catch (...)
          {
          }
      }
    return best;
  }

  std::string Model::missing_edge_message(const std::string &name) const
  {
    const std::string part = name.substr(0, name.rfind('.') + 1);
    std::string       known;
    for (const auto &[key, faces] : edges)
      if (key.rfind(part, 0) == 0 && !faces.empty())
        known += (known.empty() ? "" : ", ") + key;
    return "edge \"" + name + "\" has no element faces in the model" +
           (known.empty() ? std::string() : " (the part's edges: " + known + ")");
  }

  unsigned Model::thickness_axis(unsigned cell) const
  {
    const double w0   = parameters(cell, Point<3>(0, 0, 0))[2];
    unsigned     best = 0;
    double       most = -1;
    for (unsigned d = 0; d < 3; ++d)
      {
        const double dw = std::abs(parameters(cell, Point<3>::unit_vector(d))[2] - w0);
        if (dw > most)
          most = dw, best = d;
      }
    return best;
  }

  dealii::Tensor<1, 3> Model::normal(unsigned cell, const Point<3> &unit_point) const
  {
    const auto           pr = parameters(cell, unit_point);
    const Vec3           n  = patches[cell_geometry[cell].patch].normal(pr[0], pr[1]);
    dealii::Tensor<1, 3> t;
    for (unsigned d = 0; d < 3; ++d)
      t[d] = n[d];
    return t;
  }

  namespace
  {
    // Extrudes every part's mid-surface patches through the thickness into hexahedra, merges
    // coincident nodes (except between parts kept apart), names the part sides and edges, and
    // attaches the exact geometry.
    class ModelBuilder
    {
    public:
      ModelBuilder(const Case &c, const std::set<std::pair<unsigned, unsigned>> &apart)
        : case_(c), model_(std::make_unique<Model>())
      {
        sample_patches();
        merger_ = std::make_unique<VertexMerger>(1e-7 * std::max(model_->size, 1.0), apart);
      }

      std::unique_ptr<Model> build()
      {
        for (unsigned pi = 0; pi < case_.parts.size(); ++pi)
          {
            const PartSpec &spec = case_.parts[pi];
            PartMesh        pm;
            pm.name      = spec.name;
            pm.material  = case_.material_of(spec);
            pm.thickness = spec.thickness;
            pm.layers    = case_.layers_of(spec);
            pm.from_body = spec.from_body;
            for (auto &patch : part_patches_[pi])
              extrude(pi, patch, pm);
            model_->parts.push_back(pm);
          }
        dealii::GridTools::consistently_order_cells(cells_);
        model_->triangulation.create_triangulation(merger_->points(), cells_,
                                                   dealii::SubCellData());
        name_sides();
        name_edges();
        attach_geometry();
        find_joints(*model_);
        return std::move(model_);
      }

    private:
      using FaceVertices = std::pair<unsigned, std::array<unsigned, 4>>;

      // A curved part whose elements turn through more than twice mesh.max_angle is meshed too
      // coarsely to follow its shape: a warning naming the part.
      void check_curvature(const PartSpec &part, double h, const std::vector<Patch> &patches)
      {
        const double      limit = case_.mesh.max_angle_rad;
        const ElementTurn t     = element_turn(patches);
        if (!(limit > 0) || t.angle <= 2 * limit)
          return;
        char         text[400];
        const double deg = 180 / M_PI;
        if (part.kind == SurfaceKind::gmsh)
          std::snprintf(text, sizeof text,
                        "part \"%s\": the imported quadrilaterals turn through up to %.1f deg "
                        "(curvature radius %.0f mm), more than twice mesh.max_angle (%.1f deg); "
                        "the part is too coarse to follow its curvature: refine the gmsh mesh to "
                        "about %.0f mm there",
                        part.name.c_str(), t.angle * deg, t.radius, limit * deg, t.radius * limit);
        else
          std::snprintf(text, sizeof text,
                        "part \"%s\": elements of %.0f mm turn through up to %.1f deg (curvature "
                        "radius %.0f mm), more than twice mesh.max_angle (%.1f deg); the part is "
                        "too coarse to follow its curvature: a mesh_size of %.0f mm or less would",
                        part.name.c_str(), h, t.angle * deg, t.radius, limit * deg,
                        t.radius * limit);
        model_->warnings.push_back(text);
      }

      // The patches of every part, and the model size (for the merge tolerance) from a rough
      // sample of them.
      void sample_patches()
      {
        Point<3> lo(1e300, 1e300, 1e300), hi(-1e300, -1e300, -1e300);
        for (const auto &part : case_.parts)
          {
            const Sizing h = sizing_of(case_, part);
            part_patches_.push_back(mid_surface_patches(part, h));
            check_curvature(part, h.h, part_patches_.back());
            for (const auto &p : part_patches_.back())
              for (double u : {0.0, 0.5, 1.0})
                for (double v : {0.0, 0.5, 1.0})
                  {
                    const Point<3> x = to_point(p.point(u, v));
                    for (unsigned d = 0; d < 3; ++d)
                      lo[d] = std::min(lo[d], x[d]), hi[d] = std::max(hi[d], x[d]);
                  }
          }
        model_->size = lo.distance(hi);
      }

      void extrude(unsigned pi, const Patch &patch, PartMesh &pm)
      {
        const PartSpec &spec        = case_.parts[pi];
        const unsigned  L           = pm.layers;
        const double    t           = spec.thickness;
        const unsigned  patch_index = model_->patches.size();
        model_->patches.push_back(patch);
        const unsigned nu = patch.n_u, nv = patch.n_v;
        // Vertex ids of the extruded grid nodes (i, j, k).
        std::vector<unsigned> id((nu + 1) * (nv + 1) * (L + 1));
        auto                  at = [&](unsigned i, unsigned j, unsigned k) -> unsigned                  &{
          return id[(k * (nv + 1) + j) * (nu + 1) + i];
        };
        for (unsigned j = 0; j <= nv; ++j)
          for (unsigned i = 0; i <= nu; ++i)
            for (unsigned k = 0; k <= L; ++k)
              at(i, j, k) = merger_->insert(
                model_->position(patch_index, double(i) / nu, double(j) / nv, -t / 2 + k * t / L),
                pi);
        for (unsigned s = 0; s < 8; ++s)
          {
            const std::string &name = s < 4 ? patch.side_edge[s] : patch.side_group[s - 4];
            if (name.empty())
              continue;
            auto          &set  = edge_vertices_[spec.name + "." + name];
            const unsigned side = s % 4;
            const unsigned n    = (side % 2 == 0) ? nu : nv;
            for (unsigned m = 0; m <= n; ++m)
              for (unsigned k = 0; k <= L; ++k)
                {
                  const unsigned i = side == 0 || side == 2 ? m : (side == 1 ? nu : 0);
                  const unsigned j = side == 1 || side == 3 ? m : (side == 0 ? 0 : nv);
                  set.insert(at(i, j, k));
                }
          }
        for (unsigned k = 0; k < L; ++k)
          for (unsigned j = 0; j < nv; ++j)
            for (unsigned i = 0; i < nu; ++i)
              {
                dealii::CellData<3> cell;
                Model::CellGeometry g;
                g.part  = pi;
                g.patch = patch_index;
                for (unsigned v = 0; v < 8; ++v)
                  {
                    const unsigned di = v & 1, dj = (v >> 1) & 1, dk = (v >> 2) & 1;
                    cell.vertices[v] = at(i + di, j + dj, k + dk);
                    g.vertex[v]      = cell.vertices[v];
                    g.param[v]       = {
                            {double(i + di) / nu, double(j + dj) / nv, -t / 2 + (k + dk) * t / L}};
                  }
                check_distinct(spec, cell);
                cell.material_id     = pi;
                const unsigned index = cells_.size();
                const auto    &cv    = cell.vertices;
                if (k == L - 1)
                  top_faces_.push_back({index, {{cv[4], cv[5], cv[6], cv[7]}}});
                if (k == 0)
                  bottom_faces_.push_back({index, {{cv[0], cv[1], cv[2], cv[3]}}});
                cells_.push_back(cell);
                model_->cell_geometry.push_back(g);
                ++pm.n_cells;
              }
      }

      void check_distinct(const PartSpec &spec, const dealii::CellData<3> &cell) const
      {
        const std::set<unsigned> distinct(cell.vertices.begin(), cell.vertices.end());
        if (distinct.size() == 8)
          return;
        const Point<3> &x = merger_->points()[cell.vertices[0]];
        // (a gauge within the tolerance at which two nodes are one: a slip of the unit)
        std::string gauge;
        if (spec.thickness <= merger_->tolerance())
          {
            char text[200];
            std::snprintf(text, sizeof text,
                          "; its thickness %.3g mm is within the distance at which two nodes are "
                          "taken as one (%.3g mm, 1e-7 of the body's size): check its unit",
                          spec.thickness, merger_->tolerance());
            gauge = text;
          }
        throw ModelError("part \"" + spec.name + "\": degenerate element (coincident nodes) near " +
                         std::to_string(x[0]) + ", " + std::to_string(x[1]) + ", " +
                         std::to_string(x[2]) + " mm" + gauge +
                         (gauge.empty() ? "; use a finer mesh or check the geometry" : ""));
      }

      dealii::Triangulation<3>::active_cell_iterator cell_it(unsigned index) const
      {
        return dealii::Triangulation<3>::active_cell_iterator(&model_->triangulation, 0, index);
      }

      // PART.top and PART.bottom, and the unions a body generator named.
      void name_sides()
      {
        for (auto [list, side] :
             {std::pair{&top_faces_, "top"}, std::pair{&bottom_faces_, "bottom"}})
          for (const auto &[index, verts] : *list)
            {
              const int f = face_with_vertices(cell_it(index), verts);
              Assert(f >= 0, dealii::ExcInternalError());
              model_->surfaces[model_->parts[model_->cell_geometry[index].part].name + "." + side]
                .push_back({index, static_cast<unsigned>(f)});
            }
        for (const auto &[name, sides] : case_.named_surfaces)
          for (const auto &side : sides)
            {
              const auto it = model_->surfaces.find(side);
              if (it != model_->surfaces.end())
                {
                  auto      &list  = model_->surfaces[name];
                  const auto faces = it->second; // copy: the map may rehash
                  list.insert(list.end(), faces.begin(), faces.end());
                }
            }
      }

      // PART.edgeN: the part's cell faces whose four vertices lie on that edge.
      void name_edges()
      {
        for (const auto &[name, set] : edge_vertices_)
          {
            const std::string part = name.substr(0, name.rfind('.'));
            auto             &list = model_->edges[name];
            for (unsigned index = 0; index < cells_.size(); ++index)
              {
                if (model_->parts[model_->cell_geometry[index].part].name != part)
                  continue;
                const auto cell = cell_it(index);
                for (unsigned f = 0; f < dealii::GeometryInfo<3>::faces_per_cell; ++f)
                  {
                    bool all = true;
                    for (unsigned i = 0; i < 4 && all; ++i)
                      all = set.count(cell->face(f)->vertex_index(i)) > 0;
                    if (all)
                      list.push_back({index, f});
                  }
              }
          }
      }

      // The exact geometry at the support points of a quadratic mapping: curved parts are not
      // faceted.
      void attach_geometry()
      {
        model_->mapping = std::make_unique<dealii::MappingQCache<3>>(2);
        initialize_exact_mapping(*model_, model_->triangulation, *model_->mapping);
      }

      const Case                               &case_;
      std::unique_ptr<Model>                    model_;
      std::unique_ptr<VertexMerger>             merger_;
      std::vector<std::vector<Patch>>           part_patches_;
      std::vector<dealii::CellData<3>>          cells_;
      std::vector<FaceVertices>                 top_faces_, bottom_faces_;
      std::map<std::string, std::set<unsigned>> edge_vertices_;
    };

    using Triangle = std::array<dealii::Point<3>, 3>;

    // Where the segment p-q meets the triangle (edges and ends included), if it does
    // (Moeller and Trumbore, "Fast, minimum storage ray-triangle intersection", 1997).
    std::optional<dealii::Point<3>> segment_meets(const dealii::Point<3> &p,
                                                  const dealii::Point<3> &q, const Triangle &t)
    {
      const dealii::Tensor<1, 3> d = q - p, e1 = t[1] - t[0], e2 = t[2] - t[0];
      const dealii::Tensor<1, 3> h   = dealii::cross_product_3d(d, e2);
      const double               det = e1 * h;
      if (std::abs(det) <= 1e-12 * e1.norm() * e2.norm() * d.norm())
        return std::nullopt; // parallel
      const double               tol = 1e-9;
      const dealii::Tensor<1, 3> s   = p - t[0];
      const double               u   = (s * h) / det;
      if (u < -tol || u > 1 + tol)
        return std::nullopt;
      const dealii::Tensor<1, 3> r = dealii::cross_product_3d(s, e1);
      const double               v = (d * r) / det;
      if (v < -tol || u + v > 1 + tol)
        return std::nullopt;
      const double w = (e2 * r) / det;
      if (w < -tol || w > 1 + tol)
        return std::nullopt;
      return p + w * d;
    }

    // Where two triangles meet, if they do: an edge of one passes through the other.
    std::optional<dealii::Point<3>> triangles_meet(const Triangle &a, const Triangle &b)
    {
      for (const auto *pair : {&a, &b})
        {
          const Triangle &edges = *pair, &other = pair == &a ? b : a;
          for (unsigned k = 0; k < 3; ++k)
            if (const auto x = segment_meets(edges[k], edges[(k + 1) % 3], other))
              return x;
        }
      return std::nullopt;
    }

    // Walls at an angle that are not joined may not cross: joints form where an edge meets a
    // surface or an edge, so a stiffener drawn through a plate instead of ending at it crossed
    // the plate unconnected. The mid-surfaces of the cells (half way through each cell, as eight
    // triangles of a 3 x 3 grid of mapped points) of two parts must not meet but at a joint;
    // walls running the same way are the overlap check's.
    void check_crossing(const Model                                                      &m,
                        const std::map<std::array<long, 3>, std::vector<unsigned>>       &buckets,
                        const std::vector<std::pair<dealii::Point<3>, dealii::Point<3>>> &box,
                        const std::vector<dealii::Tensor<1, 3>>                          &normal)
    {
      // Cells of two parts meet at a joint where they share a node (the parts' nodes merged
      // along it) or where one's face is tied to the other's: only there may their mid-surfaces
      // meet. Parts joined at one place are not thereby allowed to cross at another.
      std::set<std::pair<unsigned, unsigned>> tied;
      for (const Tie &t : m.ties)
        for (const FaceRef &leader : t.leaders)
          tied.insert(
            {std::min(t.follower.cell, leader.cell), std::max(t.follower.cell, leader.cell)});
      const auto at_joint = [&](unsigned i, unsigned j) {
        if (tied.count({i, j}))
          return true;
        const dealii::Triangulation<3>::active_cell_iterator ci(&m.triangulation, 0, i),
          cj(&m.triangulation, 0, j);
        for (unsigned a = 0; a < dealii::GeometryInfo<3>::vertices_per_cell; ++a)
          for (unsigned b = 0; b < dealii::GeometryInfo<3>::vertices_per_cell; ++b)
            if (ci->vertex_index(a) == cj->vertex_index(b))
              return true;
        return false;
      };
      const auto part = [&](unsigned i) { return m.cell_geometry[i].part; };
      std::map<unsigned, std::array<Triangle, 8>> surface;
      const auto                                  triangles = [&](unsigned i) {
        auto it = surface.find(i);
        if (it != surface.end())
          return it->second;
        const dealii::Triangulation<3>::active_cell_iterator cell(&m.triangulation, 0, i);
        const unsigned   axis = m.thickness_axis(i), r = (axis + 1) % 3, s = (axis + 2) % 3;
        dealii::Point<3> grid[3][3];
        for (unsigned a = 0; a < 3; ++a)
          for (unsigned b = 0; b < 3; ++b)
            {
              dealii::Point<3> xi;
              xi[axis] = 0.5;
              xi[r]    = 0.5 * a;
              xi[s]    = 0.5 * b;
              grid[a][b] = m.mapping->transform_unit_to_real_cell(cell, xi);
            }
        std::array<Triangle, 8> t;
        for (unsigned a = 0; a < 2; ++a)
          for (unsigned b = 0; b < 2; ++b)
            {
              t[4 * a + 2 * b] = {{grid[a][b], grid[a + 1][b], grid[a + 1][b + 1]}};
              t[4 * a + 2 * b + 1] = {{grid[a][b], grid[a + 1][b + 1], grid[a][b + 1]}};
            }
        return surface[i] = t;
      };
      // Where the mid-surfaces only touch at a part's edge (walls meeting at a corner, an edge
      // on another's surface), the point lies on a face of the cell that no cell of its part
      // lies beyond.
      const auto on_part_edge = [&](unsigned i, const dealii::Point<3> &x) {
        const dealii::Triangulation<3>::active_cell_iterator cell(&m.triangulation, 0, i);
        dealii::Point<3>                                     xi;
        try
          {
            xi = m.mapping->transform_real_to_unit_cell(cell, x);
          }
        catch (...)
          {
            return true; // not found: no crossing to report
          }
        const double tol = 0.01; // of the cell: the triangles are chords of curved cells
        for (unsigned f = 0; f < dealii::GeometryInfo<3>::faces_per_cell; ++f)
          {
            const unsigned d = f / 2;
            if (d == m.thickness_axis(i) || std::abs(xi[d] - (f % 2)) > tol)
              continue;
            if (cell->at_boundary(f) || cell->neighbor(f)->material_id() != cell->material_id())
              return true;
          }
        return false;
      };
      const double                            parallel = std::cos(25 * M_PI / 180);
      std::set<std::pair<unsigned, unsigned>> tested;
      // Where two parts' mid-surfaces touch at both parts' edges: by part pair, the points.
      std::map<std::pair<unsigned, unsigned>, std::vector<dealii::Point<3>>> corners;
      for (const auto &[key, cells] : buckets)
        for (std::size_t x = 0; x < cells.size(); ++x)
          for (std::size_t y = x + 1; y < cells.size(); ++y)
            {
              const unsigned i = std::min(cells[x], cells[y]), j = std::max(cells[x], cells[y]);
              const unsigned a = std::min(part(i), part(j)), b = std::max(part(i), part(j));
              if (a == b || std::abs(normal[i] * normal[j]) >= parallel ||
                  !tested.insert({i, j}).second || at_joint(i, j))
                continue;
              bool apart = false;
              for (unsigned d = 0; d < 3; ++d)
                apart =
                  apart || box[i].second[d] < box[j].first[d] || box[j].second[d] < box[i].first[d];
              if (apart)
                continue;
              for (const Triangle &ti : triangles(i))
                for (const Triangle &tj : triangles(j))
                  if (const auto hit = triangles_meet(ti, tj))
                    {
                      const bool edge_i = on_part_edge(i, *hit), edge_j = on_part_edge(j, *hit);
                      if (edge_i && edge_j)
                        {
                          corners[{a, b}].push_back(*hit); // walls meeting at their edges
                          continue;
                        }
                      char where[200];
                      std::snprintf(where, sizeof where, "(%.1f, %.1f, %.1f) mm", (*hit)[0],
                                    (*hit)[1], (*hit)[2]);
                      if (edge_i || edge_j)
                        {
                          const std::string a = m.parts[part(edge_i ? i : j)].name,
                                            b = m.parts[part(edge_i ? j : i)].name;
                          throw ModelError(
                            "the edge of part \"" + a + "\" ends within the thickness of part \"" +
                            b + "\" (at its mid-surface, " + where +
                            ") without a joint: a wall is tied where its edge lies on the other "
                            "part's face; end it at \"" +
                            b + "\"'s face, half its gauge from the mid-surface");
                        }
                      throw ModelError(
                        "parts \"" + m.parts[part(i)].name + "\" and \"" + m.parts[part(j)].name +
                        "\" cross without a joint at " + where +
                        ": parts are joined where an edge meets another part's surface or "
                        "edge, not where one runs through the other; end the wall at the other "
                        "or split it there into two parts");
                    }
            }
      // Two walls at an angle whose edges meet along a line (an L corner drawn at the
      // mid-surfaces, as shell models draw it) have no joint there: the corner opened (two side
      // walls supported at their feet passed as separate plates). A point contact (corners of
      // two parts touching) is left alone.
      for (const auto &[pair, points] : corners)
        {
          const double gauge =
            std::max(m.parts[pair.first].thickness, m.parts[pair.second].thickness);
          dealii::Point<3> from = points.front(), to = points.front();
          for (const auto &x : points)
            if (x.distance(from) > to.distance(from))
              to = x;
          for (const auto &x : points)
            if (x.distance(to) > from.distance(to))
              from = x;
          if (!(from.distance(to) > 2 * gauge))
            continue;
          char where[300];
          std::snprintf(where, sizeof where, "from (%.1f, %.1f, %.1f) to (%.1f, %.1f, %.1f) mm",
                        from[0], from[1], from[2], to[0], to[1], to[2]);
          const std::string a = m.parts[pair.first].name, b = m.parts[pair.second].name;
          throw ModelError(
            "parts \"" + a + "\" and \"" + b + "\" meet edge to edge at an angle " + where +
            " without a joint (a corner drawn at the mid-surfaces): walls are joined where an "
            "edge lies on another part's face; for an L, run \"" +
            a + "\" on by half \"" + b + "\"'s gauge and end \"" + b + "\" on \"" + a +
            "\"'s face (half \"" + a + "\"'s gauge short of its mid-surface)");
        }
    }

    // Parts that fill the same space: a part given twice (copied and not moved: the nodes merge
    // and every element is counted twice, in the mass and in the stiffness) or placed within
    // another's thickness (a doubler drawn on the plate's mid-surface, neighbouring flanges
    // drawn wider than their spacing). Fifteen points of each element are tested, three across
    // its thickness (a tenth of it inside each face, and the centre) at its centre and near its
    // four corners (a tenth of its width in from each side): one lying inside an element of
    // another part whose wall runs the same way (normals within 25 degrees) is such an overlap.
    // At joints the walls meet at an angle or butt; a lap or a doubler beside the plate
    // (mid-surfaces half the sum of the gauges apart) has its points outside; an overlap of less
    // than a tenth of a gauge through the thickness, or of an element's width in its plane,
    // passes.
    void check_overlap(const Model &m)
    {
      const unsigned                                n = m.triangulation.n_active_cells();
      std::vector<std::array<dealii::Point<3>, 15>> samples(n);
      std::vector<dealii::Tensor<1, 3>>             normal(n);
      std::vector<std::pair<dealii::Point<3>, dealii::Point<3>>> box(n);
      double                                                     spacing = 0;
      const dealii::Point<3>                                     middle(0.5, 0.5, 0.5);
      for (const auto &cell : m.triangulation.active_cell_iterators())
        {
          const unsigned i    = cell->active_cell_index();
          const unsigned axis = m.thickness_axis(i);
          for (unsigned c = 0; c < 5; ++c)
            for (unsigned k = 0; k < 3; ++k)
              {
                dealii::Point<3> xi = middle;
                if (c > 0)
                  {
                    xi[(axis + 1) % 3] = c % 2 ? 0.1 : 0.9;
                    xi[(axis + 2) % 3] = c < 3 ? 0.1 : 0.9;
                  }
                xi[axis]              = 0.1 + 0.4 * k;
                samples[i][3 * c + k] = m.mapping->transform_unit_to_real_cell(cell, xi);
              }
          normal[i]    = m.normal(i, middle);
          const auto b = cell->bounding_box().get_boundary_points();
          // Curved cells bulge out of their vertices' box by their sagitta: a tenth of the
          // diagonal more on every side.
          const double margin = 0.1 * b.first.distance(b.second);
          box[i]              = b;
          for (unsigned d = 0; d < 3; ++d)
            box[i].first[d] -= margin, box[i].second[d] += margin;
          spacing = std::max(spacing, box[i].first.distance(box[i].second));
        }
      if (n == 0 || !(spacing > 0))
        return;
      // The cells' boxes in a grid of buckets as large as the largest box.
      const auto key = [&](const dealii::Point<3> &x, unsigned d) {
        return static_cast<long>(std::floor(x[d] / spacing));
      };
      std::map<std::array<long, 3>, std::vector<unsigned>> buckets;
      for (unsigned i = 0; i < n; ++i)
        for (long a = key(box[i].first, 0); a <= key(box[i].second, 0); ++a)
          for (long b = key(box[i].first, 1); b <= key(box[i].second, 1); ++b)
            for (long c = key(box[i].first, 2); c <= key(box[i].second, 2); ++c)
              buckets[{{a, b, c}}].push_back(i);
      const auto part      = [&](unsigned i) { return m.cell_geometry[i].part; };
      const auto inside_of = [&](unsigned j, const dealii::Point<3> &x) {
        for (unsigned d = 0; d < 3; ++d)
          if (x[d] < box[j].first[d] || x[d] > box[j].second[d])
            return false;
        dealii::Point<3> xi;
        try
          {
            xi = m.mapping->transform_real_to_unit_cell(
              dealii::Triangulation<3>::active_cell_iterator(&m.triangulation, 0, j), x);
          }
        catch (...)
          {
            return false;
          }
        for (unsigned d = 0; d < 3; ++d)
          if (!(xi[d] > 1e-3 && xi[d] < 1 - 1e-3))
            return false;
        return true;
      };
      const double parallel = std::cos(25 * M_PI / 180);
      for (unsigned i = 0; i < n; ++i)
        for (const dealii::Point<3> &x : samples[i])
          {
            const auto it = buckets.find({{key(x, 0), key(x, 1), key(x, 2)}});
            if (it == buckets.end())
              continue;
            for (const unsigned j : it->second)
              {
                if (part(j) == part(i) || std::abs(normal[i] * normal[j]) < parallel ||
                    !inside_of(j, x))
                  continue;
                char where[200];
                std::snprintf(where, sizeof where, "(%.1f, %.1f, %.1f) mm", x[0], x[1], x[2]);
                const std::string a = m.parts[part(i)].name, b = m.parts[part(j)].name;
                throw ModelError("parts \"" + a + "\" and \"" + b +
                                 "\" fill the same space (a point of \"" + a + "\" lies inside \"" +
                                 b + "\" at " + where +
                                 "): a part given twice, or drawn within another's thickness; a "
                                 "doubler or lap plate lies beside the other part, its "
                                 "mid-surface half the sum of the gauges away");
              }
          }
      check_crossing(m, buckets, box, normal);
    }

    std::unique_ptr<Model> build(const Case                                    &c,
                                 const std::set<std::pair<unsigned, unsigned>> &apart)
    {
      return ModelBuilder(c, apart).build();
    }
  } // namespace

  void initialize_exact_mapping(const Model &model, const dealii::Triangulation<3> &tria,
                                dealii::MappingQCache<3> &mapping)
  {
    const dealii::FE_Q<3>       fe_geometry(2);
    const std::vector<Point<3>> unit_points = fe_geometry.get_unit_support_points();
    mapping.initialize(tria,
                       [&model, &unit_points](const dealii::Triangulation<3>::cell_iterator &cell) {
                         const unsigned        index = model_cell(cell);
                         const unsigned        patch = model.cell_geometry[index].patch;
                         std::vector<Point<3>> pts(unit_points.size());
                         for (unsigned q = 0; q < unit_points.size(); ++q)
                           {
                             const auto pr = model.parameters(index, unit_points[q]);
                             pts[q]        = model.position(patch, pr[0], pr[1], pr[2]);
                           }
                         return pts;
                       });
  }

  std::unique_ptr<Model> build_model(const Case &c)
  {
    // Parts joined by a tie must not also share the few nodes that happen to coincide along a
    // non-matching joint: that would make the joint neither conforming nor a clean tie.
    auto                                    model = build(c, {});
    std::set<std::pair<unsigned, unsigned>> tied, apart;
    for (const auto &t : model->ties)
      {
        const unsigned a = model->cell_geometry[t.follower.cell].part;
        const unsigned b = model->cell_geometry[t.leaders.front().cell].part;
        tied.insert({std::min(a, b), std::max(a, b)});
      }
    if (!tied.empty())
      {
        std::vector<std::set<unsigned>> parts_at(model->triangulation.n_vertices());
        for (const auto &cell : model->triangulation.active_cell_iterators())
          for (unsigned v = 0; v < 8; ++v)
            parts_at[cell->vertex_index(v)].insert(cell->material_id());
        for (const auto &ps : parts_at)
          for (unsigned a : ps)
            for (unsigned b : ps)
              if (a < b && tied.count({a, b}))
                apart.insert({a, b});
      }
    if (!apart.empty())
      model = build(c, apart);
    check_overlap(*model); // once, on the model that is kept
    return model;
  }
} // namespace lightbody
