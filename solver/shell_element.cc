#include "solver/shell_element.h"

#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/fe_values.h>

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>

namespace lightbody
{
  using namespace dealii;

  namespace
  {
    constexpr unsigned n_scalar = ShellStrains::n_cell_nodes;
    constexpr unsigned n_dofs   = ShellStrains::n_cell_dofs;
    constexpr unsigned n_tying  = 25; // per level: 6 rr/rt, 6 ss/st, 4 rs, 9 tt

    using Row  = Eigen::Matrix<double, 1, n_dofs>;
    using Rows = Eigen::Matrix<double, 6, n_dofs>; // xx yy zz xy yz xz (tensor components)

    // Tying positions of MITC9 in the natural coordinates r, s of [-1, 1]: a = 1/sqrt(3) and
    // b = sqrt(3/5) (Bucalem & Bathe 1993, Fig. 2).
    const double a_tie = 1 / std::sqrt(3.0);
    const double b_tie = std::sqrt(0.6);

    // Linear Lagrange polynomials through -a, a, quadratic ones through -b, 0, b and through the
    // nodes -1, 0, 1.
    double linear(unsigned i, double x)
    {
      return i == 0 ? (a_tie - x) / (2 * a_tie) : (x + a_tie) / (2 * a_tie);
    }
    double quadratic(unsigned i, double x)
    {
      const double b2 = b_tie * b_tie;
      return i == 0   ? x * (x - b_tie) / (2 * b2)
             : i == 1 ? (b2 - x * x) / b2
                      : x * (x + b_tie) / (2 * b2);
    }
    double nodal(unsigned i, double x)
    {
      return i == 0 ? 0.5 * x * (x - 1) : i == 1 ? 1 - x * x : 0.5 * x * (x + 1);
    }

    // Natural (r, s) of tying point k of a level: 0..5 for e_rr and e_rt (r = +-a, s = -b, 0,
    // b), 6..11 for e_ss and e_st (the same with r and s exchanged), 12..15 for e_rs (+-a, +-a),
    // 16..24 for e_tt (the nine node lines, r, s = -1, 0, 1).
    std::array<double, 2> tying_point(unsigned k)
    {
      const double three[3] = {-b_tie, 0, b_tie}, two[2] = {-a_tie, a_tie};
      if (k < 6)
        return {{two[k / 3], three[k % 3]}};
      if (k < 12)
        return {{three[(k - 6) % 3], two[(k - 6) / 3]}};
      if (k < 16)
        return {{two[(k - 12) / 2], two[(k - 12) % 2]}};
      return {{double((k - 16) / 3) - 1, double((k - 16) % 3) - 1}};
    }

    // The interpolation weight of tying point k at (r, s), in the same numbering.
    double tying_weight(unsigned k, double r, double s)
    {
      if (k < 6)
        return linear(k / 3, r) * quadratic(k % 3, s);
      if (k < 12)
        return linear((k - 6) / 3, s) * quadratic((k - 6) % 3, r);
      if (k < 16)
        return linear((k - 12) / 2, r) * linear((k - 12) % 2, s);
      return nodal((k - 16) / 3, r) * nodal((k - 16) % 3, s);
    }
  } // namespace

  struct ShellStrains::Impl
  {
    // The evaluation points and the tying points for one thickness axis of the unit cell.
    struct Layout
    {
      unsigned                                        n_levels = 0;
      std::vector<unsigned>                           level;  // of each evaluation point
      std::vector<std::array<double, n_tying>>        weight; // of each evaluation point
      std::vector<std::array<Tensor<1, 3>, n_scalar>> grad;   // reference gradients, all points
      std::vector<std::array<double, n_scalar>>       value;  // shape values, evaluation points
      std::unique_ptr<FEValues<3>>                    values;
    };

    Impl(const Model &m, const Quadrature<3> &q, const Mapping<3> &g)
      : model(m), mapping(g), points(q), fe_scalar(2)
    {
      for (unsigned i = 0; i < n_dofs; ++i)
        {
          component[i] = component_of_dof(i);
          scalar[i]    = node_of_dof(i);
        }
      B.resize(points.size());
    }

    const Layout &layout_of(unsigned d)
    {
      if (!layout[d])
        layout[d] = make_layout(d);
      return *layout[d];
    }

    std::unique_ptr<Layout> make_layout(unsigned d) const
    {
      auto                  l = std::make_unique<Layout>();
      const unsigned        R = (d + 1) % 3, S = (d + 2) % 3;
      std::vector<double>   levels;
      std::vector<Point<3>> all = points.get_points();
      std::vector<double>   w   = points.get_weights();
      for (const auto &p : points.get_points())
        {
          auto it = std::find_if(levels.begin(), levels.end(),
                                 [&](double z) { return std::abs(z - p[d]) < 1e-12; });
          l->level.push_back(it - levels.begin());
          if (it == levels.end())
            levels.push_back(p[d]);
          std::array<double, n_tying> weights;
          for (unsigned k = 0; k < n_tying; ++k)
            weights[k] = tying_weight(k, 2 * p[R] - 1, 2 * p[S] - 1);
          l->weight.push_back(weights);
        }
      l->n_levels = levels.size();
      for (double z : levels)
        for (unsigned k = 0; k < n_tying; ++k)
          {
            const auto rs = tying_point(k);
            Point<3>   p;
            p[d] = z;
            p[R] = 0.5 * (1 + rs[0]);
            p[S] = 0.5 * (1 + rs[1]);
            all.push_back(p);
            w.push_back(0);
          }
      for (const auto &p : points.get_points())
        {
          std::array<double, n_scalar> v;
          for (unsigned a = 0; a < n_scalar; ++a)
            v[a] = fe_scalar.shape_value(a, p);
          l->value.push_back(v);
        }
      for (const auto &p : all)
        {
          std::array<Tensor<1, 3>, n_scalar> g;
          for (unsigned a = 0; a < n_scalar; ++a)
            g[a] = fe_scalar.shape_grad(a, p);
          l->grad.push_back(g);
        }
      l->values = std::make_unique<FEValues<3>>(mapping, fe_scalar, Quadrature<3>(all, w),
                                                update_jacobians | update_inverse_jacobians |
                                                  update_JxW_values);
      return l;
    }

    // Row of the covariant strain E_ij = (g_i . du/dxi_j + g_j . du/dxi_i) / 2 at point p.
    void covariant_row(const Layout &l, unsigned p, unsigned i, unsigned j, Row &row) const
    {
      const auto &J = l.values->jacobian(p); // J[c][i] = dx_c / dxi_i
      const auto &G = l.grad[p];
      for (unsigned k = 0; k < n_dofs; ++k)
        {
          const unsigned c = component[k], a = scalar[k];
          row[k] = 0.5 * (J[c][i] * G[a][j] + J[c][j] * G[a][i]);
        }
    }

    double reinit(const Triangulation<3>::cell_iterator &cell)
    {
      const unsigned d = model.thickness_axis(model_cell(cell));
      const Layout  &l = layout_of(d);
      current          = &l;
      const unsigned R = (d + 1) % 3, S = (d + 2) % 3, T = d;
      l.values->reinit(cell);
      const unsigned n = points.size();

      // Covariant strains at the tying points of every level: the first row is e_rr, e_ss, e_rs
      // or e_tt, the second e_rt or e_st.
      tied.resize(2 * n_tying * l.n_levels);
      for (unsigned lv = 0; lv < l.n_levels; ++lv)
        for (unsigned k = 0; k < n_tying; ++k)
          {
            const unsigned p = n + lv * n_tying + k;
            Row &first = tied[2 * (lv * n_tying + k)], &second = tied[2 * (lv * n_tying + k) + 1];
            if (k < 6)
              covariant_row(l, p, R, R, first), covariant_row(l, p, R, T, second);
            else if (k < 12)
              covariant_row(l, p, S, S, first), covariant_row(l, p, S, T, second);
            else if (k < 16)
              covariant_row(l, p, R, S, first);
            else
              covariant_row(l, p, T, T, first);
          }

      double min_jxw = 1e300;
      jxw.resize(n);
      normal.resize(n);
      for (unsigned q = 0; q < n; ++q)
        {
          jxw[q] = l.values->JxW(q);
          // The wall's normal: the gradient of the thickness coordinate.
          const auto &Kq = l.values->inverse_jacobian(q);
          for (unsigned a = 0; a < 3; ++a)
            normal[q][a] = Kq[T][a];
          normal[q] /= normal[q].norm();
          min_jxw = std::min(min_jxw, jxw[q]);
          // Assumed covariant strains E(i, j) at q, i, j reference axes.
          Row            E[3][3];
          const unsigned base = 2 * l.level[q] * n_tying;
          const auto    &w    = l.weight[q];
          for (auto *e : {&E[R][R], &E[R][T], &E[S][S], &E[S][T], &E[R][S], &E[T][T]})
            e->setZero();
          for (unsigned k = 0; k < 6; ++k)
            {
              E[R][R] += w[k] * tied[base + 2 * k];
              E[R][T] += w[k] * tied[base + 2 * k + 1];
              E[S][S] += w[k + 6] * tied[base + 2 * (k + 6)];
              E[S][T] += w[k + 6] * tied[base + 2 * (k + 6) + 1];
            }
          for (unsigned k = 12; k < 16; ++k)
            E[R][S] += w[k] * tied[base + 2 * k];
          for (unsigned k = 16; k < n_tying; ++k)
            E[T][T] += w[k] * tied[base + 2 * k];
          E[T][R] = E[R][T], E[T][S] = E[S][T], E[S][R] = E[R][S];

          // Cartesian strain eps = J^-T E J^-1: eps_ab = sum_ij K_ia K_jb E_ij, K = J^-1.
          const auto           &K        = l.values->inverse_jacobian(q); // K[i][a] = dxi_i/dx_a
          static const unsigned ab[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {1, 2}, {0, 2}};
          Rows                 &b        = B[q];
          b.setZero();
          for (unsigned v = 0; v < 6; ++v)
            for (unsigned i = 0; i < 3; ++i)
              for (unsigned j = 0; j < 3; ++j)
                {
                  const double f = K[i][ab[v][0]] * K[j][ab[v][1]];
                  if (f != 0)
                    b.row(v) += f * E[i][j];
                }
        }
      return min_jxw;
    }

    const Model                           &model;
    const Mapping<3>                      &mapping;
    Quadrature<3>                          points;
    FE_Q<3>                                fe_scalar;
    unsigned                               component[n_dofs], scalar[n_dofs];
    std::array<std::unique_ptr<Layout>, 3> layout;
    const Layout                          *current = nullptr; // of the cell of the last reinit
    std::vector<Row>                       tied;
    std::vector<Rows>                      B;
    Eigen::Matrix<double, Eigen::Dynamic, n_dofs> C; // stiffness(): the points' weighted rows
    std::vector<double>                           jxw;
    std::vector<Tensor<1, 3>>                     normal; // unit normal of the wall at each point
  };

  ShellStrains::ShellStrains(const Model &model, const Quadrature<3> &points,
                             const Mapping<3> *mapping)
    : impl_(std::make_unique<Impl>(model, points, mapping ? *mapping : *model.mapping))
  {
  }

  ShellStrains::ShellStrains(const ShellStrains &other)
    : impl_(std::make_unique<Impl>(other.impl_->model, other.impl_->points, other.impl_->mapping))
  {
  }

  ShellStrains::~ShellStrains() = default;

  double ShellStrains::reinit(const Triangulation<3>::cell_iterator &cell)
  {
    return impl_->reinit(cell);
  }

  void ShellStrains::stiffness(double lambda, double mu, FullMatrix<double> &K,
                               double transverse_shear) const
  {
    Eigen::Matrix<double, 6, 6> D = Eigen::Matrix<double, 6, 6>::Zero();
    D.topLeftCorner<3, 3>().setConstant(lambda);
    for (unsigned v = 0; v < 6; ++v)
      D(v, v) += v < 3 ? 2 * mu : 4 * mu;
    static const unsigned ab[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {1, 2}, {0, 2}};
    // The material matrix at point q.
    const auto material = [&](unsigned q) {
      Eigen::Matrix<double, 6, 6> Dq = D;
      if (transverse_shear != 1)
        {
          // The energy 4 mu (eps_1n^2 + eps_2n^2) of the transverse shear strains (tensor
          // components eps_in = e_i . eps . n, e_1, e_2 orthonormal in the wall's plane) is
          // scaled by the factor: D -= (1 - factor) 4 mu (a_1 a_1^T + a_2 a_2^T), a_i . eps =
          // eps_in in the Voigt order of B.
          const Tensor<1, 3> &n = impl_->normal[q];
          Tensor<1, 3>        e1;
          e1[std::abs(n[0]) < 0.9 ? 0 : 1] = 1;
          e1 -= (e1 * n) * n;
          e1 /= e1.norm();
          const Tensor<1, 3> e2 = cross_product_3d(n, e1);
          for (const Tensor<1, 3> *e : std::array<const Tensor<1, 3> *, 2>{{&e1, &e2}})
            {
              Eigen::Matrix<double, 6, 1> a;
              for (unsigned v = 0; v < 6; ++v)
                {
                  const unsigned i = ab[v][0], j = ab[v][1];
                  a[v] = i == j ? (*e)[i] * n[i] : (*e)[i] * n[j] + (*e)[j] * n[i];
                }
              Dq.noalias() -= ((1 - transverse_shear) * 4 * mu) * a * a.transpose();
            }
        }
      return Dq;
    };

    // k = sum_q w_q B_q^T D_q B_q = C^T C, C holding six rows per point, sqrt(w_q) L_q^T B_q
    // with D_q = L_q L_q^T: one symmetric rank update of the lower half instead of a product per
    // point (half the flops, in one large kernel).
    const unsigned nq = impl_->B.size();
    auto          &C  = impl_->C;
    C.resize(6 * nq, n_dofs);
    bool factored = true;
    for (unsigned q = 0; q < nq && factored; ++q)
      {
        const Eigen::LLT<Eigen::Matrix<double, 6, 6>> llt(material(q));
        factored = impl_->jxw[q] > 0 && llt.info() == Eigen::Success;
        if (factored)
          {
            const Eigen::Matrix<double, 6, 6> U =
              std::sqrt(impl_->jxw[q]) * llt.matrixU().toDenseMatrix();
            C.middleRows<6>(6 * q).noalias() = U * impl_->B[q];
          }
      }
    Eigen::Matrix<double, n_dofs, n_dofs> k = Eigen::Matrix<double, n_dofs, n_dofs>::Zero();
    if (factored)
      {
        k.selfadjointView<Eigen::Lower>().rankUpdate(C.transpose());
        for (unsigned i = 0; i < n_dofs; ++i)
          for (unsigned j = 0; j <= i; ++j)
            K(i, j) = K(j, i) = k(i, j);
        return;
      }
    // A point of no volume or a material law that is not positive definite: the products.
    for (unsigned q = 0; q < nq; ++q)
      {
        const Rows DB = (impl_->jxw[q] * material(q)) * impl_->B[q];
        k.noalias() += impl_->B[q].transpose() * DB;
      }
    for (unsigned i = 0; i < n_dofs; ++i)
      for (unsigned j = 0; j < n_dofs; ++j)
        K(i, j) = 0.5 * (k(i, j) + k(j, i));
  }

  void ShellStrains::geometric_stiffness(const std::vector<SymmetricTensor<2, 3>> &stress,
                                         double                                   *g_out) const
  {
    const Impl                                                            &m = *impl_;
    const auto                                                            &l = *m.current;
    Eigen::Map<Eigen::Matrix<double, n_scalar, n_scalar, Eigen::RowMajor>> g(g_out);
    g.setZero();
    Eigen::Matrix<double, n_scalar, 3> gx;
    for (unsigned q = 0; q < m.jxw.size(); ++q)
      {
        // Cartesian gradients: dN/dx_c = sum_i dN/dxi_i dxi_i/dx_c.
        const auto &K = l.values->inverse_jacobian(q);
        for (unsigned a = 0; a < n_scalar; ++a)
          for (unsigned c = 0; c < 3; ++c)
            {
              double v = 0;
              for (unsigned i = 0; i < 3; ++i)
                v += l.grad[q][a][i] * K[i][c];
              gx(a, c) = v;
            }
        Eigen::Matrix3d S;
        for (unsigned i = 0; i < 3; ++i)
          for (unsigned j = 0; j < 3; ++j)
            S(i, j) = m.jxw[q] * stress[q][i][j];
        g.noalias() += gx * S * gx.transpose();
      }
  }

  void ShellStrains::geometric_stiffness(const std::vector<SymmetricTensor<2, 3>> &stress,
                                         FullMatrix<double>                       &KG) const
  {
    const Impl                                                &m = *impl_;
    Eigen::Matrix<double, n_scalar, n_scalar, Eigen::RowMajor> g;
    geometric_stiffness(stress, g.data());
    for (unsigned i = 0; i < n_dofs; ++i)
      for (unsigned j = 0; j < n_dofs; ++j)
        KG(i, j) = m.component[i] == m.component[j] ? g(m.scalar[i], m.scalar[j]) : 0;
  }

  namespace
  {
    // FESystem<3>(FE_Q<3>(2), 3)'s cell DoFs: (component, shape function) of each.
    const FESystem<3> &cell_system()
    {
      static const FESystem<3> fe(FE_Q<3>(2), 3);
      return fe;
    }
  } // namespace

  unsigned ShellStrains::node_of_dof(unsigned i)
  {
    return cell_system().system_to_component_index(i).second;
  }

  unsigned ShellStrains::component_of_dof(unsigned i)
  {
    return cell_system().system_to_component_index(i).first;
  }

  void ShellStrains::mass(double density, FullMatrix<double> &M) const
  {
    const Impl                               &m = *impl_;
    const auto                               &l = *m.current;
    Eigen::Matrix<double, n_scalar, n_scalar> g = Eigen::Matrix<double, n_scalar, n_scalar>::Zero();
    for (unsigned q = 0; q < m.jxw.size(); ++q)
      {
        const Eigen::Map<const Eigen::Matrix<double, n_scalar, 1>> N(l.value[q].data());
        g.noalias() += (density * m.jxw[q]) * N * N.transpose();
      }
    for (unsigned i = 0; i < n_dofs; ++i)
      for (unsigned j = 0; j < n_dofs; ++j)
        M(i, j) = m.component[i] == m.component[j] ? g(m.scalar[i], m.scalar[j]) : 0;
  }

  void ShellStrains::strains(const Vector<double>               &cell_values,
                             std::vector<SymmetricTensor<2, 3>> &eps) const
  {
    Eigen::Map<const Eigen::Matrix<double, n_dofs, 1>> u(cell_values.begin());
    eps.resize(impl_->B.size());
    for (unsigned q = 0; q < impl_->B.size(); ++q)
      {
        const Eigen::Matrix<double, 6, 1> e = impl_->B[q] * u;
        eps[q][0][0] = e[0], eps[q][1][1] = e[1], eps[q][2][2] = e[2];
        eps[q][0][1] = e[3], eps[q][1][2] = e[4], eps[q][0][2] = e[5];
      }
  }
} // namespace lightbody
