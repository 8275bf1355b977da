#include "solver/eigen_solver.h"

#include "input/errors.h"

#include <Spectra/SymEigsSolver.h>
#include <Spectra/SymGEigsSolver.h>

#include <algorithm>
#include <vector>

namespace lightbody
{
  namespace
  {
    // y = L^-1 P B P^T L^-T x, the operator Spectra iterates with.
    class FactoredPencil
    {
    public:
      using Scalar = double;

      FactoredPencil(const SparseCholesky &A, const dealii::SparseMatrix<double> &B)
        : A_(A), B_(B), t_(A.size()), u_(A.size())
      {
      }
      Eigen::Index rows() const { return static_cast<Eigen::Index>(A_.size()); }
      Eigen::Index cols() const { return rows(); }

      void perform_op(const double *x, double *y) const
      {
        std::copy(x, x + A_.size(), t_.begin());
        A_.solve_upper(t_.data());
        B_.vmult(u_, t_);
        std::copy(u_.begin(), u_.end(), y);
        A_.solve_lower(y);
      }

    private:
      const SparseCholesky               &A_;
      const dealii::SparseMatrix<double> &B_;
      mutable dealii::Vector<double>      t_, u_;
    };

    // y = M x for a sparse matrix M.
    class Product
    {
    public:
      using Scalar = double;

      explicit Product(const dealii::SparseMatrix<double> &M) : M_(M), t_(M.m()), u_(M.m()) {}
      Eigen::Index rows() const { return static_cast<Eigen::Index>(M_.m()); }
      Eigen::Index cols() const { return rows(); }

      void perform_op(const double *x, double *y) const
      {
        std::copy(x, x + M_.m(), t_.begin());
        M_.vmult(u_, t_);
        std::copy(u_.begin(), u_.end(), y);
      }

    private:
      const dealii::SparseMatrix<double> &M_;
      mutable dealii::Vector<double>      t_, u_;
    };

    // A of the regular-inverse mode: its products and its solves (the factor's full solve).
    // Spectra's Lanczos step takes the A-norm of the residual and then its A-products with the
    // basis, each a product with A of the same vector: the last product is remembered (a
    // comparison of two vectors against a product with the whole matrix).
    class SolvedMatrix : public Product
    {
    public:
      SolvedMatrix(const FactoredMatrix &A)
        : Product(*A.matrix), solve_(A.solve), last_x_(A.size()), last_y_(A.size())
      {
      }

      void perform_op(const double *x, double *y) const
      {
        const std::size_t n = last_x_.size();
        if (!known_ || !std::equal(x, x + n, last_x_.begin()))
          {
            std::copy(x, x + n, last_x_.begin());
            Product::perform_op(x, last_y_.data());
            known_ = true;
          }
        std::copy(last_y_.begin(), last_y_.end(), y);
      }

      void solve(const double *x, double *y) const
      {
        std::copy(x, x + rows(), y);
        solve_(y);
      }

    private:
      const std::function<void(double *)> &solve_;
      mutable std::vector<double>          last_x_, last_y_;
      mutable bool                         known_ = false;
    };

    // Runs the Lanczos process and collects what converged; `back` maps the solver's vectors
    // to the DoFs (in place).
    template <class Solver>
    EigenPairs extreme_pairs_of(Solver &eigs, Spectra::SortRule rule, double tolerance,
                                std::size_t n, const std::function<void(double *)> &back)
    {
      EigenPairs out;
      try
        {
          eigs.init();
          eigs.compute(rule, /*maxit*/ 200, tolerance, rule);
        }
      catch (const ModelError &)
        {
          throw;
        }
      catch (const std::exception &e)
        {
          throw ModelError(std::string("the eigen solver failed: ") + e.what());
        }
      out.iterations                = static_cast<unsigned>(eigs.num_iterations());
      out.products                  = static_cast<unsigned>(eigs.num_operations());
      out.converged                 = eigs.info() == Spectra::CompInfo::Successful;
      const Eigen::VectorXd values  = eigs.eigenvalues();
      const Eigen::MatrixXd vectors = eigs.eigenvectors();
      for (Eigen::Index k = 0; k < values.size(); ++k)
        {
          out.values.push_back(values[k]);
          dealii::Vector<double> phi(n);
          for (std::size_t i = 0; i < n; ++i)
            phi[i] = vectors(static_cast<Eigen::Index>(i), k);
          if (back)
            back(phi.data());
          out.vectors.push_back(std::move(phi));
        }
      return out;
    }
  } // namespace

  EigenPairs extreme_eigenpairs(const FactoredMatrix &A, const dealii::SparseMatrix<double> &B,
                                unsigned count, EigenEnd end, double tolerance, unsigned subspace)
  {
    const auto n   = static_cast<Eigen::Index>(A.size());
    const auto nev = std::min<Eigen::Index>(count, n - 1);
    const auto ncv = std::min<Eigen::Index>(
      n, std::max<Eigen::Index>({2 * nev + 1, nev + 20, static_cast<Eigen::Index>(subspace)}));
    const auto rule =
      end == EigenEnd::smallest ? Spectra::SortRule::SmallestAlge : Spectra::SortRule::LargestAlge;
    if (A.cholesky)
      {
        // The vectors of C are L^T P phi.
        FactoredPencil                         op(*A.cholesky, B);
        Spectra::SymEigsSolver<FactoredPencil> eigs(op, nev, ncv);
        return extreme_pairs_of(eigs, rule, tolerance, A.size(),
                                [&](double *x) { A.cholesky->solve_upper(x); });
      }
    // A^-1 B phi = nu phi with phi^T A phi = 1, as above.
    Product                                                                            op(B);
    SolvedMatrix                                                                       a(A);
    Spectra::SymGEigsSolver<Product, SolvedMatrix, Spectra::GEigsMode::RegularInverse> eigs(
      op, a, nev, ncv);
    return extreme_pairs_of(eigs, rule, tolerance, A.size(), {});
  }
} // namespace lightbody
