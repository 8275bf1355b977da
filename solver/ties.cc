#include "solver/ties.h"

#include "input/errors.h"

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_poly.h>
#include <deal.II/fe/fe_values.h>

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <array>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

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
    using NodeMatrix            = std::array<double, q2_nodes * q2_nodes>;

    // The mortar projection of one following part's tied faces onto their leaders, one
    // displacement component at a time: M x_f = B x_l with M the follower faces' mass matrix
    // and B the mixed follower-leader matrix; each follower DoF becomes a constraint line.
    class TieProjection
    {
    public:
      TieProjection(const Model &model, const DoFHandler<3> &dof_handler, const FESystem<3> &fe,
                    AffineConstraints<double> &constraints, TieBasis basis)
        : model_(model), dofs_(dof_handler), fe_(fe), constraints_(constraints), basis_(basis),
          // A composite rule: leader shape functions have kinks inside follower faces.
          rule_(QGauss<1>(3), 8), fv_(*model.mapping, fe, rule_,
                                      update_values | update_quadrature_points | update_JxW_values),
          poly_space_(dynamic_cast<const FE_Poly<3> &>(fe.base_element(0)).get_poly_space())
      {
        Assert(fe.base_element(0).n_dofs_per_cell() == q2_nodes, ExcInternalError());
        for (unsigned i = 0; i < fe.n_dofs_per_cell(); ++i)
          {
            const auto ci                      = fe.system_to_component_index(i);
            system_index_[ci.second][ci.first] = i;
          }
      }

      void constrain(unsigned part, const std::vector<const Tie *> &ties)
      {
        part_        = part;
        ties_        = &ties;
        leader_dofs_ = leader_dofs();
        // The face integrals are the same for the three components: computed once.
        faces_.clear();
        faces_.reserve(ties.size());
        for (const Tie *t : ties)
          faces_.push_back(integrate_face(*t));
        for (unsigned comp = 0; comp < 3; ++comp)
          constrain_component(comp);
        faces_.clear();
      }

    private:
      DofCell cell(unsigned index) const
      {
        return DofCell(&model_.triangulation, 0, index, &dofs_);
      }

      std::set<types::global_dof_index> leader_dofs() const
      {
        std::set<types::global_dof_index>    all;
        std::vector<types::global_dof_index> ldofs(fe_.n_dofs_per_cell());
        for (const Tie *t : *ties_)
          for (const FaceRef &f : t->leaders)
            {
              cell(f.cell)->get_dof_indices(ldofs);
              all.insert(ldofs.begin(), ldofs.end());
            }
        return all;
      }

      // Rows: the follower DoFs of this component to constrain (not yet constrained, not
      // shared with a leader).
      void find_rows(unsigned comp)
      {
        row_.clear(), col_.clear(), col_dof_.clear();
        std::vector<types::global_dof_index> face_dofs(fe_.n_dofs_per_face());
        for (const Tie *t : *ties_)
          {
            cell(t->follower.cell)->face(t->follower.face)->get_dof_indices(face_dofs);
            for (unsigned k = 0; k < face_dofs.size(); ++k)
              {
                const auto d = face_dofs[k];
                if (fe_.face_system_to_component_index(k).first != comp ||
                    constraints_.is_constrained(d) || leader_dofs_.count(d) || row_.count(d))
                  continue;
                const int r = row_.size();
                row_[d]     = r;
              }
          }
      }

      // Columns: every other DoF that enters.
      int column(types::global_dof_index d)
      {
        auto it = col_.find(d);
        if (it != col_.end())
          return it->second;
        const int j = col_dof_.size();
        col_[d]     = j;
        col_dof_.push_back(d);
        return j;
      }

      // One follower face: its face-function mass matrix and, per leading cell met, the mixed
      // matrix (node by node: the same for every displacement component).
      struct FaceIntegrals
      {
        std::vector<types::global_dof_index> fdofs;
        NodeMatrix                           ff{};
        std::map<unsigned, NodeMatrix>       fl;
      };

      FaceIntegrals integrate_face(const Tie &t)
      {
        FaceIntegrals out;
        const DofCell c = cell(t.follower.cell);
        out.fdofs.resize(fe_.n_dofs_per_cell());
        fv_.reinit(c, t.follower.face);
        c->get_dof_indices(out.fdofs);
        DofCell  leader;
        Point<3> xi;
        unsigned leader_face = 0;
        for (unsigned q = 0; q < rule_.size(); ++q)
          {
            const Point<3> x = fv_.quadrature_point(q);
            if (!locate(*model_.mapping, dofs_, t, x, leader, xi, leader_face))
              throw ModelError("part \"" + model_.parts[c->material_id()].name +
                               "\": a tied face leaves the faces it is tied to near (" +
                               std::to_string(x[0]) + ", " + std::to_string(x[1]) + ", " +
                               std::to_string(x[2]) + ") mm");
            const unsigned key = leader->active_cell_index();
            auto           it  = out.fl.find(key);
            if (it == out.fl.end())
              {
                it = out.fl.emplace(key, NodeMatrix{}).first;
                if (!leader_dofs_of_.count(key))
                  {
                    std::vector<types::global_dof_index> ldofs(fe_.n_dofs_per_cell());
                    leader->get_dof_indices(ldofs);
                    leader_dofs_of_[key] = ldofs;
                  }
              }
            const double w = fv_.JxW(q);
            double       follower_value[q2_nodes];
            // The leader's 27 shape functions at xi at once (one at a time, each evaluation
            // computed the 1D polynomials again: about a quarter of the van's set-up in perf).
            poly_space_.evaluate(xi, leader_value_, no_grads_, no_grad_grads_, no_third_,
                                 no_fourth_);
            for (unsigned l = 0; l < q2_nodes; ++l)
              follower_value[l] = fv_.shape_value(system_index_[l][0], q);
            for (unsigned a = 0; a < q2_nodes; ++a)
              {
                const double Na = follower_value[a] * w;
                if (Na == 0)
                  continue;
                for (unsigned bb = 0; bb < q2_nodes; ++bb)
                  out.ff[a * q2_nodes + bb] += Na * follower_value[bb];
                for (unsigned l = 0; l < q2_nodes; ++l)
                  it->second[a * q2_nodes + l] += Na * leader_value_[l];
              }
          }
        if (basis_ == TieBasis::dual)
          make_dual(out);
        return out;
      }

      // The dual (biorthogonal) multiplier basis of the face (Wohlmuth, SIAM J. Numer. Anal. 38
      // (2000) 989-1012; for quadratic faces Popp, Wohlmuth, Gee & Wall, SIAM J. Sci. Comput. 34
      // (2012) B421-B446): psi_a = sum_b A_ab N_b with A = D M^-1, D the diagonal of the face
      // functions' integrals, so that int psi_a N_b = delta_ab D_a. Tested with psi, the face's
      // mass matrix becomes D and each follower DoF depends only on the leading faces under
      // its own face functions, not on the whole joint through M^-1: the constraint lines stay
      // short and the matrix sparse. Any displacement of the follower's face space still passes
      // exactly (a line reproduces every quadratic field, so the patch test holds), and the
      // psi_a sum to one (constant tractions pass). The 9-node face's integrals are all positive
      // (1/36, 4/36 and 16/36 of the area on a parallelogram), which the dual basis needs.
      static void make_dual(FaceIntegrals &f)
      {
        std::array<unsigned, q2_nodes> node{};
        unsigned                       n = 0;
        for (unsigned a = 0; a < q2_nodes; ++a)
          if (f.ff[a * q2_nodes + a] > 0)
            node[n++] = a;
        Eigen::MatrixXd M(n, n);
        for (unsigned i = 0; i < n; ++i)
          for (unsigned j = 0; j < n; ++j)
            M(i, j) = f.ff[node[i] * q2_nodes + node[j]];
        const Eigen::VectorXd             D = M.rowwise().sum();
        const Eigen::LLT<Eigen::MatrixXd> llt(M);
        // A face so tapered that a face function's integral nearly vanishes keeps the standard
        // basis (still a valid test space: the rows then mix both, constants and quadratic
        // fields still pass).
        if (llt.info() != Eigen::Success || D.minCoeff() <= 1e-3 * D.maxCoeff())
          return;
        // A = D M^-1, so A^T = M^-1 D (M symmetric).
        const Eigen::MatrixXd A = llt.solve(Eigen::MatrixXd(D.asDiagonal())).transpose();
        f.ff.fill(0);
        for (unsigned i = 0; i < n; ++i)
          f.ff[node[i] * q2_nodes + node[i]] = D[i];
        for (auto &[key, values] : f.fl)
          {
            NodeMatrix dual{};
            for (unsigned i = 0; i < n; ++i)
              for (unsigned j = 0; j < n; ++j)
                for (unsigned l = 0; l < q2_nodes; ++l)
                  dual[node[i] * q2_nodes + l] += A(i, j) * values[node[j] * q2_nodes + l];
            values = dual;
          }
      }

      // A face's integrals into the triplets of one component.
      void assemble_face(const FaceIntegrals &f, unsigned comp)
      {
        for (unsigned a = 0; a < q2_nodes; ++a)
          {
            const auto ra = row_.find(f.fdofs[system_index_[a][comp]]);
            if (ra == row_.end())
              continue;
            for (unsigned bb = 0; bb < q2_nodes; ++bb)
              {
                const double v = f.ff[a * q2_nodes + bb];
                if (v == 0)
                  continue;
                const auto fb = f.fdofs[system_index_[bb][comp]];
                const auto rb = row_.find(fb);
                if (rb != row_.end())
                  mff_.emplace_back(ra->second, rb->second, v);
                else // a known follower value: moves to the right-hand side
                  b_.emplace_back(ra->second, column(fb), -v);
              }
            for (const auto &[key, values] : f.fl)
              for (unsigned l = 0; l < q2_nodes; ++l)
                if (std::abs(values[a * q2_nodes + l]) > 1e-300)
                  b_.emplace_back(ra->second, column(leader_dofs_of_[key][system_index_[l][comp]]),
                                  values[a * q2_nodes + l]);
          }
      }

      void constrain_component(unsigned comp)
      {
        find_rows(comp);
        if (row_.empty())
          return;
        mff_.clear(), b_.clear();
        for (const FaceIntegrals &f : faces_)
          assemble_face(f, comp);
        const int                   n = row_.size(), m = col_dof_.size();
        Eigen::SparseMatrix<double> M(n, n), B(n, m);
        M.setFromTriplets(mff_.begin(), mff_.end());
        B.setFromTriplets(b_.begin(), b_.end());
        // X = M^-1 B, one column per contributing DoF. With the dual basis on every face M is
        // diagonal and X is B's rows divided by it; a face that kept the standard basis couples
        // its DoFs, and then M is factorised.
        // n stored entries with a positive diagonal are the diagonal alone.
        const Eigen::VectorXd diagonal    = M.diagonal();
        const bool            is_diagonal = M.nonZeros() == n && (diagonal.array() > 0).all();

        Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt;

        const bool degenerate = is_diagonal
                                  ? (diagonal.array() <= 1e-12 * diagonal.maxCoeff()).any()
                                  : ldlt.compute(M).info() != Eigen::Success;
        if (degenerate)
          throw ModelError("part \"" + model_.parts[part_].name +
                           "\": its tie to the neighbouring parts is degenerate");
        std::vector<std::vector<std::pair<types::global_dof_index, double>>> lines(n);
        // Weights below 1e-6 of a node's are dropped: they change no result by more than about
        // 1e-5 relative. In the standard basis the weights decay along the joint without ending;
        // keeping them down to 1e-10 made the van example's matrix 1.5 times larger and its
        // factorisation 1.3 times slower. With the dual basis few weights are that small.
        constexpr double drop = 1e-6;
        // Each line's weights sum to one (a rigid translation passes the tie exactly); the
        // dropped ones are given back to the kept ones in proportion, so that no force is lost.
        std::vector<double> sum_all(n, 0.0), sum_kept(n, 0.0);
        auto                enter = [&](int i, int j, double x) {
          sum_all[i] += x;
          if (std::abs(x) > drop)
            {
              lines[i].emplace_back(col_dof_[j], x);
              sum_kept[i] += x;
            }
        };
        if (is_diagonal)
          for (int j = 0; j < m; ++j)
            for (Eigen::SparseMatrix<double>::InnerIterator it(B, j); it; ++it)
              enter(it.row(), j, it.value() / diagonal[it.row()]);
        else
          for (int j = 0; j < m; ++j)
            {
              const Eigen::VectorXd x = ldlt.solve(Eigen::VectorXd(B.col(j)));
              for (int i = 0; i < n; ++i)
                enter(i, j, x[i]);
            }
        for (int i = 0; i < n; ++i)
          if (std::abs(sum_kept[i]) > 0.5 * std::abs(sum_all[i]) && sum_kept[i] != 0)
            for (auto &entry : lines[i])
              entry.second *= sum_all[i] / sum_kept[i];
        std::vector<types::global_dof_index> row_dof(n);
        for (const auto &[d, r] : row_)
          row_dof[r] = d;
        for (int i = 0; i < n; ++i)
          {
            constraints_.add_line(row_dof[i]);
            constraints_.add_entries(row_dof[i], lines[i]);
          }
      }

      const Model               &model_;
      const DoFHandler<3>       &dofs_;
      const FESystem<3>         &fe_;
      AffineConstraints<double> &constraints_;
      const TieBasis             basis_;
      const QIterated<2>         rule_;
      FEFaceValues<3>            fv_;
      // The scalar element's polynomials (FE_Q(2): the node numbering of the shape functions)
      // and room for their values.
      const ScalarPolynomialsBase<3>        &poly_space_;
      std::vector<double>                    leader_value_ = std::vector<double>(q2_nodes);
      std::vector<Tensor<1, 3>>              no_grads_;
      std::vector<Tensor<2, 3>>              no_grad_grads_;
      std::vector<Tensor<3, 3>>              no_third_;
      std::vector<Tensor<4, 3>>              no_fourth_;
      unsigned                               system_index_[q2_nodes][3];
      unsigned                               part_ = 0;
      const std::vector<const Tie *>        *ties_ = nullptr;
      std::set<types::global_dof_index>      leader_dofs_;
      std::map<types::global_dof_index, int> row_, col_;
      std::vector<types::global_dof_index>   col_dof_;
      std::vector<Eigen::Triplet<double>>    mff_, b_;
      std::map<unsigned, std::vector<types::global_dof_index>> leader_dofs_of_;
      std::vector<FaceIntegrals>                               faces_;
    };
  } // namespace

  TieBasis tie_basis_from_environment()
  {
    const char *given = std::getenv("LIGHTBODY_TIE_BASIS");
    return given && std::string(given) == "standard" ? TieBasis::standard : TieBasis::dual;
  }

  void add_tie_constraints(const Model &model, const DoFHandler<3> &dof_handler,
                           const FESystem<3> &fe, AffineConstraints<double> &constraints,
                           TieBasis basis)
  {
    if (model.ties.empty())
      return;
    // One projection per following part: all its tied faces together (pieces of the interface
    // that do not touch simply give independent blocks).
    std::map<unsigned, std::vector<const Tie *>> by_part;
    for (const Tie &t : model.ties)
      by_part[Triangulation<3>::active_cell_iterator(&model.triangulation, 0, t.follower.cell)
                ->material_id()]
        .push_back(&t);
    TieProjection projection(model, dof_handler, fe, constraints, basis);
    for (const auto &[part, ties] : by_part)
      projection.constrain(part, ties);
  }
} // namespace lightbody
