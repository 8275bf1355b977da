#include "meshes/model.h"

#include "input/errors.h"

#include <deal.II/fe/mapping.h>
#include <deal.II/grid/tria_accessor.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

namespace lightbody
{
  using dealii::Point;

  namespace
  {
    using CellIt = dealii::Triangulation<3>::active_cell_iterator;

    // Whether x lies on face f of the cell, within tol in reference coordinates.
    bool on_face(const dealii::Mapping<3> &mapping, const CellIt &cell, unsigned f,
                 const Point<3> &x, double tol)
    {
      Point<3> xi;
      try
        {
          xi = mapping.transform_real_to_unit_cell(cell, x);
        }
      catch (...)
        {
          return false;
        }
      // In the face: within the cell's bounds; across it: within 2 % of the cell's depth, since
      // two quadratic interpolations of one curved surface differ slightly between their nodes.
      for (unsigned d = 0; d < 3; ++d)
        if (d != f / 2 && (xi[d] < -tol || xi[d] > 1 + tol))
          return false;
      return std::abs(xi[f / 2] - (f % 2)) < 0.02;
    }

    struct Box
    {
      Point<3> lo, hi;
      bool     contains(const Point<3> &p, double tol) const
      {
        for (unsigned d = 0; d < 3; ++d)
          if (p[d] < lo[d] - tol || p[d] > hi[d] + tol)
            return false;
        return true;
      }
      void extend(const Point<3> &p)
      {
        for (unsigned d = 0; d < 3; ++d)
          lo[d] = std::min(lo[d], p[d]), hi[d] = std::max(hi[d], p[d]);
      }
      // The box of a face's four corners.
      template <class Face>
      static Box of_corners(const Face &face)
      {
        Box b{face->vertex(0), face->vertex(0)};
        for (unsigned v = 1; v < 4; ++v)
          b.extend(face->vertex(v));
        return b;
      }
      bool overlaps(const Box &o, double tol) const
      {
        for (unsigned d = 0; d < 3; ++d)
          if (o.hi[d] < lo[d] - tol || o.lo[d] > hi[d] + tol)
            return false;
        return true;
      }
    };
    // The unit-cell point of face f: k = 0..3 the midpoints of its sides, 4 its centre.
    Point<3> face_unit_point(unsigned f, unsigned k)
    {
      Point<3> xi(0.5, 0.5, 0.5);
      xi[f / 2]        = f % 2;
      const unsigned a = (f / 2 + 1) % 3, b = (f / 2 + 2) % 3;
      if (k < 4)
        (k < 2 ? xi[a] : xi[b]) = k % 2;
      return xi;
    }

    // Whether a line of length direction `dir` runs along the mid-surface with normal n (not
    // through the thickness).
    bool along_surface(const dealii::Tensor<1, 3> &dir, const dealii::Tensor<1, 3> &n)
    {
      return std::abs(dir * n) < 0.5 * dir.norm();
    }

    // Shared nodes: vertices used by cells of two parts; one joint per pair of parts, with the
    // length of the lines along the junction.
    void add_shared_node_joints(Model &model)
    {
      const auto                     &tria = model.triangulation;
      std::vector<std::set<unsigned>> parts_at(tria.n_vertices());
      for (const auto &cell : tria.active_cell_iterators())
        for (unsigned v = 0; v < dealii::GeometryInfo<3>::vertices_per_cell; ++v)
          parts_at[cell->vertex_index(v)].insert(cell->material_id());
      std::map<std::pair<unsigned, unsigned>, double> shared_length;
      std::set<std::pair<unsigned, unsigned>>         seen_lines;
      for (const auto &cell : tria.active_cell_iterators())
        for (unsigned l = 0; l < dealii::GeometryInfo<3>::lines_per_cell; ++l)
          {
            const unsigned a = cell->line(l)->vertex_index(0), b = cell->line(l)->vertex_index(1);
            if (!seen_lines.insert({std::min(a, b), std::max(a, b)}).second)
              continue;
            for (unsigned p : parts_at[a])
              for (unsigned q : parts_at[b])
                if (p < q && parts_at[a].count(q) && parts_at[b].count(p))
                  {
                    const dealii::Tensor<1, 3> dir =
                      cell->line(l)->vertex(1) - cell->line(l)->vertex(0);
                    if (along_surface(dir, model.normal(cell->index(), Point<3>(0.5, 0.5, 0.5))))
                      shared_length[{p, q}] += dir.norm();
                  }
          }
      for (const auto &[pq, length] : shared_length)
        {
          const unsigned levels =
            std::min(model.parts[pq.first].layers, model.parts[pq.second].layers) + 1;
          model.joints.push_back({model.parts[pq.first].name, model.parts[pq.second].name,
                                  Joint::Kind::shared_nodes, length / levels});
        }
    }

    // Ties: a part's free edge face whose vertices all lie on faces of another part.
    class TieSearch
    {
    public:
      explicit TieSearch(Model &model) : model_(model), tol_(1e-6 * std::max(model.size, 1.0))
      {
        for (const auto &[name, faces] : model.edges)
          for (const auto &f : faces)
            {
              add(followers_, f);
              add(edges_, f);
            }
        for (const auto &[name, faces] : model.surfaces)
          if (name.find('.') != std::string::npos) // part sides; named unions repeat them
            for (const auto &f : faces)
              add(surfaces_, f);
      }

      // First the edges that stand on another part's side (a wall on a floor); then, with the
      // free edge faces added as leaders, the edges that continue another part's edge (coplanar
      // plates of different gauge). Edges tied in the first pass never lead: two webs crossing
      // under a floor must both follow the floor, not each other.
      void run()
      {
        std::vector<bool>                       tied(followers_.size(), false);
        std::set<std::pair<unsigned, unsigned>> following;
        for (std::size_t i = 0; i < followers_.size(); ++i)
          if ((tied[i] = try_tie(followers_[i], surfaces_)))
            following.insert({followers_[i].face.cell, followers_[i].face.face});
        std::vector<Candidate> leaders = surfaces_;
        for (const auto &e : edges_)
          if (!following.count({e.face.cell, e.face.face}))
            leaders.push_back(e);
        for (std::size_t i = 0; i < followers_.size(); ++i)
          if (!tied[i])
            try_tie(followers_[i], leaders);
        add_tie_joints();
        check_partial_contacts();
      }

    private:
      struct Candidate
      {
        FaceRef              face;
        unsigned             part;
        Box                  box;
        dealii::Tensor<1, 3> out; // outward direction (see outward())
      };

      CellIt cell_at(unsigned i) const { return CellIt(&model_.triangulation, 0, i); }

      Point<3> face_point(const CellIt &cell, unsigned f, unsigned k) const
      {
        return model_.mapping->transform_unit_to_real_cell(cell, face_unit_point(f, k));
      }

      void add(std::vector<Candidate> &list, const FaceRef &f) const
      {
        const auto cell = cell_at(f.cell);
        if (!cell->face(f.face)->at_boundary())
          return; // merged with a neighbour
        Box b = Box::of_corners(cell->face(f.face));
        // Curved faces bulge beyond their vertices: widen by a fraction of the face size.
        const double grow = 0.25 * b.lo.distance(b.hi);
        for (unsigned d = 0; d < 3; ++d)
          b.lo[d] -= grow, b.hi[d] += grow;
        list.push_back({f, cell->material_id(), b, outward(f)});
      }

      static bool holds(const Tie &tie, const FaceRef &f)
      {
        return std::any_of(tie.leaders.begin(), tie.leaders.end(),
                           [&](const FaceRef &r) { return r.cell == f.cell && r.face == f.face; });
      }

      // Whether x lies on a leading face of another part than s's; records those faces.
      bool on_some_leader(const std::vector<const Candidate *> &near, const Point<3> &x,
                          Tie *record) const
      {
        bool found_one = false;
        for (const Candidate *c : near)
          {
            const Candidate &m = *c;
            if (!m.box.contains(x, tol_))
              continue;
            if (!on_face(*model_.mapping, cell_at(m.face.cell), m.face.face, x, 1e-6))
              continue;
            found_one = true;
            if (record && !holds(*record, m.face))
              record->leaders.push_back(m.face);
          }
        return found_one;
      }

      // Leading faces between the tested points (a follower face across several finer leading
      // faces): the candidates overlapping the face are tried on a grid of points over it, and
      // the points along each candidate's sides (its corners among them) on the follower face.
      // Two faces that overlap have a corner of one on the other or sides that cross; the grid
      // alone missed a leading face reaching into the follower face by less than its spacing
      // (a floor's mesh line 1 mm inside a 15 mm web's face, between two of the web's corners:
      // the tie's integration later found its points on no leading face and the model was
      // refused).
      void add_leaders_on_grid(const Candidate &s, const std::vector<const Candidate *> &near,
                               Tie &tie) const
      {
        const auto         cell = cell_at(s.face.cell);
        constexpr unsigned grid = 6;
        const unsigned     f = s.face.face, a = (f / 2 + 1) % 3, b = (f / 2 + 2) % 3;
        for (unsigned i = 0; i < grid; ++i)
          for (unsigned j = 0; j < grid; ++j)
            {
              Point<3> xi(0.5, 0.5, 0.5);
              xi[f / 2]        = f % 2;
              xi[a]            = (i + 0.5) / grid;
              xi[b]            = (j + 0.5) / grid;
              const Point<3> x = model_.mapping->transform_unit_to_real_cell(cell, xi);
              for (const Candidate *m : near)
                if (m->box.contains(x, tol_) && !holds(tie, m->face) &&
                    on_face(*model_.mapping, cell_at(m->face.cell), m->face.face, x, 1e-6))
                  tie.leaders.push_back(m->face);
            }
        // Along the sides of the candidates facing it, points at most a quarter of the follower
        // face's shortest side apart, so that a side crossing the face has a point on it; those
        // outside the follower's box are not mapped back.
        const auto face  = cell->face(f);
        double     least = std::numeric_limits<double>::max();
        for (unsigned l = 0; l < 4; ++l)
          least = std::min(least, face->line(l)->vertex(0).distance(face->line(l)->vertex(1)));
        // The follower face's box (its corners, sides' midpoints and centre; a curved face's
        // bulge between them within the margin).
        Box tight = Box::of_corners(face);
        for (unsigned k = 0; k < 5; ++k)
          tight.extend(face_point(cell, f, k));
        const double margin   = 0.05 * least + tol_;
        const double opposite = -std::cos(25 * M_PI / 180);
        for (const Candidate *m : near)
          {
            // Faces facing it only (not a wall's side meeting the follower face's edge), and
            // points strictly within it (not a neighbour touching its edge).
            if (holds(tie, m->face) || s.out * m->out >= opposite)
              continue;
            const auto     mc = cell_at(m->face.cell);
            const unsigned g = m->face.face, c = (g / 2 + 1) % 3, d = (g / 2 + 2) % 3;
            const auto     mf = mc->face(g);
            // (a face whose corners' box, widened by a curved face's bulge, misses the
            // follower's has no point on it)
            const Box corners = Box::of_corners(mf);
            if (!corners.overlaps(tight, margin + 0.1 * corners.lo.distance(corners.hi)))
              continue;
            bool on = false;
            for (unsigned side = 0; side < 4 && !on; ++side)
              {
                const double length = mf->line(side)->vertex(0).distance(mf->line(side)->vertex(1));
                const unsigned n    = std::min<unsigned>(
                  1000, 1 + static_cast<unsigned>(std::ceil(4 * length / std::max(least, tol_))));
                for (unsigned k = 0; k <= n && !on; ++k)
                  {
                    Point<3> xi(0.5, 0.5, 0.5);
                    xi[g / 2]            = g % 2;
                    const double t       = static_cast<double>(k) / n;
                    xi[side < 2 ? c : d] = side % 2;
                    xi[side < 2 ? d : c] = t;
                    const Point<3> x     = model_.mapping->transform_unit_to_real_cell(mc, xi);
                    on = tight.contains(x, margin) && on_face(*model_.mapping, cell, f, x, -1e-6);
                  }
              }
            if (on)
              tie.leaders.push_back(m->face);
          }
      }

      // The direction out of a cell through face f (from the opposite face's centre).
      dealii::Tensor<1, 3> outward(const FaceRef &f) const
      {
        const auto                 cell = cell_at(f.cell);
        const dealii::Tensor<1, 3> d =
          face_point(cell, f.face, 4) - face_point(cell, f.face ^ 1u, 4);
        return d / d.norm();
      }

      // An edge face that lies on another part's face only in part (some of its vertices, side
      // midpoints and centre, not all): no tie forms there. Recorded with the part it touches
      // where the two lie face to face: their outward directions opposite (within 25 degrees)
      // and at least two of the nine points on the other face (not a line where a face crosses
      // another, nor a point).
      void note_partial_contact(const Candidate &s, const std::vector<const Candidate *> &leaders)
      {
        const auto                     cell     = cell_at(s.face.cell);
        const auto                     face     = cell->face(s.face.face);
        const double                   opposite = -std::cos(25 * M_PI / 180);
        std::vector<const Candidate *> near;
        for (const Candidate *m : leaders)
          if (s.out * m->out < opposite)
            near.push_back(m);
        if (near.empty())
          return;
        std::map<unsigned, unsigned> hits; // by part touched: how many points, the first
        std::map<unsigned, Point<3>> first;
        unsigned                     on_any = 0; // points on any other part's face
        for (unsigned k = 0; k < 9; ++k)
          {
            const Point<3> x  = k < 4 ? face->vertex(k) : face_point(cell, s.face.face, k - 4);
            bool           on = false;
            for (const Candidate *m : near)
              if (m->box.contains(x, tol_) &&
                  on_face(*model_.mapping, cell_at(m->face.cell), m->face.face, x, 1e-6))
                {
                  ++hits[m->part];
                  first.emplace(m->part, x);
                  on = true;
                  break;
                }
            on_any += on || on_some_leader(leaders, x, nullptr);
          }
        // The part touched at most points, if at two or more.
        const auto most =
          std::max_element(hits.begin(), hits.end(),
                           [](const auto &a, const auto &b) { return a.second < b.second; });
        if (most != hits.end() && most->second >= 2)
          partial_.push_back({s.face, s.part, most->first, first[most->first], on_any});
      }

      // Parts that touch only where an edge lies partly on the other's face, with no joint
      // between them anywhere (directly or through other parts): the user meant them joined (a
      // wall standing at the very end of a plate, half its gauge beyond it, formed no joint
      // and passed as two separate structures). Partial contacts between parts joined
      // elsewhere are left alone (the generated tipper's floor edges lie partly on its posts'
      // flanges, which are narrower than a floor element).
      void check_partial_contacts() const
      {
        std::vector<unsigned> root(model_.parts.size());
        for (unsigned p = 0; p < root.size(); ++p)
          root[p] = p;
        const auto find = [&](unsigned p) {
          while (root[p] != p)
            p = root[p] = root[root[p]];
          return p;
        };
        std::map<std::string, unsigned> index;
        for (unsigned p = 0; p < model_.parts.size(); ++p)
          index[model_.parts[p].name] = p;
        for (const Joint &j : model_.joints)
          root[find(index.at(j.part_a))] = find(index.at(j.part_b));
        std::set<std::pair<unsigned, unsigned>> tied_faces;
        for (const Tie &t : model_.ties)
          tied_faces.insert({t.follower.cell, t.follower.face});
        std::set<std::pair<std::string, std::string>> joined, warned;
        for (const Joint &j : model_.joints)
          joined.insert({std::min(j.part_a, j.part_b), std::max(j.part_a, j.part_b)});
        for (const Partial &c : partial_)
          {
            if (tied_faces.count({c.face.cell, c.face.face}))
              continue;
            if (find(c.part) == find(c.touches))
              {
                // Joined elsewhere, not to each other, and this edge face lies on the other's
                // face (and those it meets) all but in a corner or along a side, six of its nine
                // points or more: at a finer mesh its faces there may tie, so the joint depends
                // on the mesh (a stiffener 2.5 mm taller than the ring it ends on: tied along
                // half its height at 73 mm, not at all at 100 mm). Said once per pair of parts,
                // one of them the case's own (a body's generator leaves such contacts by design:
                // a post's ends against the floor and the roof).
                const PartMesh   &pa = model_.parts[c.part], &pb = model_.parts[c.touches];
                const std::string a = pa.name, b = pb.name;
                const auto        pair = std::make_pair(std::min(a, b), std::max(a, b));
                if (c.points >= 6 && !(pa.from_body && pb.from_body) && !joined.count(pair) &&
                    warned.insert(pair).second)
                  {
                    char text[700];
                    std::snprintf(text, sizeof text,
                                  "the edge of part \"%s\" lies on a face of part \"%s\" only in "
                                  "part (%u of 9 points of an edge face on other parts, near "
                                  "(%.1f, %.1f, %.1f) mm): not joined there, as a tie needs the "
                                  "whole edge face on the other part; at a finer mesh its faces "
                                  "there may tie, so the joint depends on the mesh: make the edge "
                                  "end within \"%s\" to join the two, or clear of it",
                                  a.c_str(), b.c_str(), c.points, c.at[0], c.at[1], c.at[2],
                                  b.c_str());
                    model_.warnings.push_back(text);
                  }
                continue;
              }
            char where[200];
            std::snprintf(where, sizeof where, "(%.1f, %.1f, %.1f) mm", c.at[0], c.at[1], c.at[2]);
            const std::string a = model_.parts[c.part].name, b = model_.parts[c.touches].name;
            throw ModelError("the edge of part \"" + a + "\" lies on a face of part \"" + b +
                             "\" only in part (near " + where +
                             ") and the two are joined nowhere: a wall is tied where its whole "
                             "edge face lies on the other part's face; move \"" +
                             a + "\" onto \"" + b + "\" or make \"" + b +
                             "\" reach under the whole of its edge");
          }
      }

      bool try_tie(const Candidate &s, const std::vector<Candidate> &leaders)
      {
        const auto cell = cell_at(s.face.cell);
        const auto face = cell->face(s.face.face);
        Tie        tie;
        tie.follower = s.face;
        // The other parts' faces near this one (their boxes overlap), found once.
        std::vector<const Candidate *> near;
        for (const auto &m : leaders)
          if (m.part != s.part && m.box.overlaps(s.box, tol_))
            near.push_back(&m);
        if (near.empty())
          return false;
        // Every vertex must lie on the other parts' faces (one surface, possibly of several
        // parts joined by shared nodes, e.g. a shell split at a bulkhead station).
        bool all = true;
        for (unsigned v = 0; v < 4 && all; ++v)
          all = on_some_leader(near, face->vertex(v), &tie);
        // Vertices on two different surfaces (a web between a wall and a flange) are not
        // enough: the edge midpoints and the centre must lie on the other faces too.
        for (unsigned k = 0; k < 5 && all; ++k)
          all = on_some_leader(near, face_point(cell, s.face.face, k), nullptr);
        if (!all)
          {
            note_partial_contact(s, near);
            return false;
          }
        add_leaders_on_grid(s, near, tie);
        // The joint partner: the part holding the face centre.
        unsigned partner = cell_at(tie.leaders.front().cell)->material_id();
        for (const auto &f : tie.leaders)
          if (on_face(*model_.mapping, cell_at(f.cell), f.face, face_point(cell, s.face.face, 4),
                      1e-6))
            {
              partner = cell_at(f.cell)->material_id();
              break;
            }
        found_[{s.part, partner}].push_back(tie);
        return true;
      }

      // The length of the joint a follower face covers: its longest side along the surface.
      double length_along_joint(const FaceRef &follower) const
      {
        const auto face = cell_at(follower.cell)->face(follower.face);
        const auto n    = model_.normal(follower.cell, Point<3>(0.5, 0.5, 0.5));
        double     best = 0;
        for (unsigned l = 0; l < 4; ++l)
          {
            const dealii::Tensor<1, 3> d = face->line(l)->vertex(1) - face->line(l)->vertex(0);
            if (along_surface(d, n))
              best = std::max(best, d.norm());
          }
        return best;
      }

      // Where two parts could each follow the other (equal gauges, non-matching meshes), the
      // one with more faces along the joint (the finer mesh) follows; a thinner part always
      // follows.
      void add_tie_joints()
      {
        for (auto &[pair, ties] : found_)
          {
            if (ties.empty())
              continue;
            const auto [a, b]  = pair;
            const auto reverse = found_.find({b, a});
            if (reverse != found_.end() && !reverse->second.empty())
              {
                const double ta = model_.parts[a].thickness, tb = model_.parts[b].thickness;
                const bool   a_follows =
                  ta < tb || (ta == tb && (ties.size() > reverse->second.size() ||
                                           (ties.size() == reverse->second.size() && a < b)));
                if (!a_follows)
                  continue;
                reverse->second.clear();
              }
            double length = 0;
            for (const auto &t : ties)
              length += length_along_joint(t.follower);
            length /= model_.parts[a].layers; // one face per layer at each place along the joint
            model_.joints.push_back(
              {model_.parts[a].name, model_.parts[b].name, Joint::Kind::tied, length});
            model_.ties.insert(model_.ties.end(), ties.begin(), ties.end());
          }
      }

      struct Partial
      {
        FaceRef  face;
        unsigned part, touches;
        Point<3> at;
        unsigned points = 0; // of the edge face's nine on other parts' faces
      };
      std::vector<Partial>   partial_;
      Model                 &model_;
      const double           tol_;
      std::vector<Candidate> followers_, edges_, surfaces_;
      // (follower part, leader part) -> ties
      std::map<std::pair<unsigned, unsigned>, std::vector<Tie>> found_;
    };
  } // namespace

  void find_joints(Model &model)
  {
    add_shared_node_joints(model);
    TieSearch(model).run();
  }
} // namespace lightbody
