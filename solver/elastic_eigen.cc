#include "solver/elastic_problem_steps.h"

#include <optional>
#include <sstream>
#include <tuple>

namespace lightbody
{
  using namespace dealii;

  // Linear buckling of the set's load cases that ask for it, on the factor of K (in the SPMD
  // run on rank 0, the other processes serving the shared factor's solves and products).
  void ElasticProblem::buckling()
  {
    const std::vector<unsigned> wanted = buckling_cases();
    if (wanted.empty())
      return;
    // Side by side (each step's solves of all of them made together): in one process on a
    // CHOLMOD factor as many at a time as the run has threads, at most four (each holds its
    // K_G and its Lanczos basis, about 0.2 GB on the default tank), each step's solves one pass
    // over the factor; in the SPMD run as many as rank 0 found room for (factorise_together),
    // each step's solves one solve phase of MUMPS.
    std::size_t group = 1;
    if (lockstep())
      group = eigen_group_;
    else if (side_by_side() && factored().cholesky)
      group = buckling_group();
    if (wanted.size() > 1 && group > 1)
      {
        for (std::size_t first = 0; first < wanted.size(); first += group)
          buckling_together(std::vector<unsigned>(
            wanted.begin() + first, wanted.begin() + std::min(wanted.size(), first + group)));
        return;
      }
    // (one process: K_G made again for each load case in the same memory)
    std::optional<GeometricStiffness> serial;
    for (unsigned i : wanted)
      {
        const unsigned    modes = case_.load_cases[i].buckling_modes;
        StageLog::Scope   t(log_, "buckling");
        LoadCaseSolution &l = solution_->load_cases[i];
        log_.message("buckling of \"" + l.name + "\": " + std::to_string(modes) + " modes");
        // K_G: in the SPMD run each process's band of cells, the products summed over them
        // (pencil() then takes the products with it, not the empty KG).
        SparseMatrix<double> KG;
        const auto           t0 = std::chrono::steady_clock::now();
        StressRange          range;
        if (lockstep())
          {
            eigen_matrix_ = shared_geometric_stiffness(l, 1, range);
            release_displacement(i);
          }
        else
          {
            if (!serial)
              serial.emplace(solution_->dof_handler, constraints_);
            range = serial->assemble(model_, *solution_, l.displacement);
          }
        const bool   compression = range.compressed();
        const double assembly =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        on_rank0([&] {
          l.buckling =
            buckling_modes(compression, factored(), serial ? serial->pencil() : pencil(KG), modes,
                           constraints_, eigen_progress("buckling of \"" + l.name + "\"", modes));
        });
        eigen_matrix_.reset();
        l.buckling.assembly_seconds = assembly;
        log_buckling(l, compression, "");
      }
  }

  std::unique_ptr<DistributedCholesky>
  ElasticProblem::shared_geometric_stiffness(const LoadCaseSolution &l, int index,
                                             StressRange &range) const
  {
    // (each process its band's cells' matrices, the products summed; assembling them through
    // the constraints into one matrix spread over the processes took 2.0-2.6 s against the
    // cells' 0.3 s on the default tank at 90 mm under mpirun -np 2, and more memory)
    GeometricStiffness KG(solution_->dof_handler, constraints_, &share_cells_, cells_mapping());
    range              = KG.assemble(model_, *solution_, l.displacement);
    double extremes[2] = {range.compression, range.largest};
    max_over_processes(extremes, 2);
    range.compression                      = extremes[0];
    range.largest                          = extremes[1];
    auto                            shared = std::make_unique<DistributedCholesky>(index);
    GeometricStiffness::BandProduct band   = KG.band_product();
    shared->set_share_product(solution_->dof_handler.n_dofs(), std::move(band.dofs),
                              std::move(band.product));
    return shared;
  }

  void ElasticProblem::buckling_together(const std::vector<unsigned> &cases)
  {
    StageLog::Scope t(log_, "buckling");
    // K_G: in one process each case's cells' matrices; in the SPMD run each process's band of
    // each, the products summed over the processes (index k + 1 of the servers' matrices).
    std::vector<GeometricStiffness>                   cells;
    std::vector<std::unique_ptr<DistributedCholesky>> shared;
    std::vector<DistributedCholesky *>                held;
    std::vector<PencilMatrix>                         products;
    std::vector<BucklingRequest>                      requests(cases.size());
    std::vector<double>                               assembly(cases.size());
    cells.reserve(cases.size());
    products.reserve(cases.size());
    std::string names;
    for (std::size_t k = 0; k < cases.size(); ++k)
      {
        const LoadCaseSolution &l = solution_->load_cases[cases[k]];
        names += (k > 0 ? ", \"" : "\"") + l.name + "\" (" +
                 std::to_string(case_.load_cases[cases[k]].buckling_modes) + " modes)";
        const auto  t0 = std::chrono::steady_clock::now();
        StressRange range;
        if (lockstep())
          {
            shared.push_back(shared_geometric_stiffness(l, static_cast<int>(k + 1), range));
            release_displacement(cases[k]);
            held.push_back(shared.back().get());
            products.push_back(shared_pencil(held.back(), static_cast<long>(k + 1)));
          }
        else
          {
            cells.emplace_back(solution_->dof_handler, constraints_);
            range = cells.back().assemble(model_, *solution_, l.displacement);
            products.push_back(cells.back().pencil());
          }
        requests[k].compression = range.compressed();
        requests[k].modes       = case_.load_cases[cases[k]].buckling_modes;
        requests[k].progress = eigen_progress("buckling of \"" + l.name + "\"", requests[k].modes);
        assembly[k] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
    for (std::size_t k = 0; k < cases.size(); ++k)
      requests[k].KG = &products[k];
    log_.message("buckling of " + names + ", the eigen solves side by side");
    std::vector<BucklingSolution> solved(cases.size());
    on_rank0([&] { solved = buckling_modes_together(factored(), requests, constraints_); }, held);
    shared.clear();
    for (std::size_t k = 0; k < cases.size(); ++k)
      {
        LoadCaseSolution &l         = solution_->load_cases[cases[k]];
        l.buckling                  = std::move(solved[k]);
        l.buckling.assembly_seconds = assembly[k];
        log_buckling(l, requests[k].compression, cases.size() > 1 ? " (with the others)" : "");
      }
  }

  namespace
  {
    // "N restarts, M products" of the Lanczos process, or LOBPCG's iterations and applications
    // of the preconditioner (the iterative solver's set).
    std::string eigen_counts(unsigned iterations, unsigned products, bool preconditioned,
                             int processes)
    {
      if (preconditioned)
        return "LOBPCG" +
               (processes > 1
                  ? " (its blocks by rows over " + std::to_string(processes) + " processes)"
                  : std::string()) +
               ", " + std::to_string(iterations) + " iterations, " + std::to_string(products) +
               " applications of the preconditioner";
      return std::to_string(iterations) + " restarts, " + std::to_string(products) + " products";
    }
  } // namespace

  void ElasticProblem::log_buckling(const LoadCaseSolution &l, bool compression,
                                    const std::string &solver_note)
  {
    std::ostringstream text;
    text.precision(4);
    text << "buckling of \"" << l.name << "\": ";
    if (!compression)
      text << "no compression anywhere, no buckling";
    else if (l.buckling.factors.empty())
      text << "no load factor below 1e6";
    else
      text << "load factors";
    for (double f : l.buckling.factors)
      text << " " << f;
    text << " (geometric stiffness " << l.buckling.assembly_seconds << " s, eigen solver"
         << solver_note << " " << l.buckling.seconds << " s: "
         << eigen_counts(l.buckling.iterations, l.buckling.products, l.buckling.preconditioned,
                         l.buckling.processes)
         << (l.buckling.converged ? "" : "; NOT CONVERGED") << ")";
    log_.message(text.str());
  }

  std::pair<double, double> ElasticProblem::shifted_mass_share()
  {
    // Each process's share of M, added to its share of K and spread over the processes.
    SparseMatrix<double> M(share_pattern_);
    double               structural = 0, added = 0;
    {
      StageLog::Scope t(log_, "assemble");
      std::tie(structural, added) = assemble_mass(model_, *solution_, *case_.modal, constraints_, M,
                                                  &share_cells_, cells_mapping());
    }
    sum_over_processes(&structural, 1);
    share_.add(shift_, M);
    eigen_matrix_ = shared_matrix(M, 1);
    return {structural, added};
  }

  // Natural frequencies on the modal support set: K + s M factorised (s > 0 keeps a free body
  // definite: its rigid-body modes come out at omega = 0), the largest 1 / (omega^2 + s).
  void ElasticProblem::vibration()
  {
    const ModalSpec &spec = *case_.modal;
    Solution        &s    = *solution_;
    modal_                = true;
    active_cases_.clear();
    active_.clear();
    if (!spec.free)
      {
        LoadCaseSpec holder;
        holder.supports = spec.supports;
        active_         = support_set(holder);
      }
    log_.message(
      "modal: " + std::to_string(spec.modes) + " modes, " +
      (active_.empty() ? std::string("free body") : std::to_string(active_.size()) + " supports"));
    build_constraints();
    assemble_system();
    // The shift: (2 pi 1 Hz)^2, below any body's first elastic mode.
    shift_                  = std::pow(2 * M_PI * 1.0, 2);
    const double shift      = shift_;
    double       structural = 0, added = 0;
    if (lockstep())
      std::tie(structural, added) = shifted_mass_share();
    else
      {
        std::tie(structural, added) = [&] {
          StageLog::Scope t(log_, "assemble");
          serial_mass_.reinit(*sparsity_);
          return assemble_mass(model_, s, spec, constraints_, serial_mass_);
        }();
        stiffness_.add(shift, serial_mass_);
      }
    factorise();
    ModalSolution m;
    on_rank0([&] {
      StageLog::Scope t(log_, "modal");
      m = vibration_modes(factored(), shift, pencil(serial_mass_), constraints_, component_,
                          spec.modes, eigen_progress("natural frequencies", spec.modes),
                          spec.free ? &support_points_ : nullptr);
    });
    eigen_matrix_.reset();
    serial_mass_.clear();
    if (lockstep() && rank_ > 0)
      {
        distributed_.reset();
        iterative_.reset();
        modal_ = false;
        return;
      }
    m.supports        = active_;
    m.structural_mass = structural;
    m.added_mass      = added;
    std::ostringstream text;
    text.precision(4);
    text << "modal: frequencies";
    for (double w2 : m.omega2)
      text << " " << std::sqrt(std::max(w2, 0.0)) / (2 * M_PI);
    text << " Hz (" << m.rigid_body_modes << " rigid-body modes, "
         << eigen_counts(m.iterations, m.products, m.preconditioned, m.processes)
         << (m.converged ? "" : "; NOT CONVERGED") << ")";
    log_.message(text.str());
    s.modal = std::move(m);
    cholesky_.reset();
    distributed_.reset();
    iterative_.reset();
    modal_ = false;
  }
} // namespace lightbody
