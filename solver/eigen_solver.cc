#include "solver/eigen_solver.h"

#include "input/errors.h"

#include <Spectra/SymEigsSolver.h>

#include <algorithm>

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
  } // namespace

  EigenPairs extreme_eigenpairs(const SparseCholesky &A, const dealii::SparseMatrix<double> &B,
                                unsigned count, EigenEnd end, double tolerance, unsigned subspace)
  {
    EigenPairs out;
    const auto n   = static_cast<Eigen::Index>(A.size());
    const auto nev = std::min<Eigen::Index>(count, n - 1);
    const auto ncv = std::min<Eigen::Index>(
      n, std::max<Eigen::Index>({2 * nev + 1, nev + 20, static_cast<Eigen::Index>(subspace)}));
    const auto rule =
      end == EigenEnd::smallest ? Spectra::SortRule::SmallestAlge : Spectra::SortRule::LargestAlge;
    FactoredPencil                         op(A, B);
    Spectra::SymEigsSolver<FactoredPencil> eigs(op, nev, ncv);
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
        dealii::Vector<double> phi(A.size());
        for (Eigen::Index i = 0; i < n; ++i)
          phi[i] = vectors(i, k);
        A.solve_upper(phi.data());
        out.vectors.push_back(std::move(phi));
      }
    return out;
  }
} // namespace lightbody
