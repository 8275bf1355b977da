// The iterative solver (conjugate gradients with PETSc's smoothed-aggregation multigrid, given
// the rigid-body modes and the through-thickness lines, smoothed by exact solves on subdomains):
// the same answer as the direct factorisation, chosen automatically when the factor does not fit
// in the memory allowed, and a solve that does not converge is an error, never a result.
#include "lattice_matrix.h"
#include "run_helpers.h"
#include "solver/elastic_problem.h"
#include "solver/iterative_solver.h"

#include <deal.II/base/multithread_info.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdio>
#include <map>

namespace lightbody::testing
{
  namespace
  {
    // A clamped square plate 500 x 500 x 5 mm under 0.01 MPa, and a wall standing on a floor
    // (tied to it) of two element layers (lines through the thickness of 5 and 3 nodes), in two
    // load cases with two support sets.
    const char *clamped_plate = R"(
case: iterative
mesh: {size: 50 mm}
materials:
  al: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 125 MPa, Rm: 275 MPa}
parts:
  plate:
    material: al
    thickness: 5 mm
    quad: {corners: [[0, 0, 0], [500, 0, 0], [500, 500, 0], [0, 500, 0]]}
supports:
  clamp: {edges: [plate.edge1, plate.edge2, plate.edge3, plate.edge4], fix: all}
load_cases:
  pressure:
    pressures: [{surface: plate.top, value: 0.01 MPa}]
probes:
  centre: [250, 250, 0]
)";

    const char *angle = R"(
case: angle
mesh: {size: 50 mm}
materials:
  al: {E: 70 GPa, nu: 0.3, density: 2700 kg/m^3, Rp02: 125 MPa, Rm: 275 MPa}
parts:
  floor:
    material: al
    thickness: 6 mm
    layers: 2
    quad: {corners: [[0, -150, 0], [600, -150, 0], [600, 150, 0], [0, 150, 0]]}
  wall:
    material: al
    thickness: 4 mm
    quad: {corners: [[0, 0, 3], [600, 0, 3], [600, 0, 253], [0, 0, 253]]}
supports:
  end: {edges: [floor.edge4, wall.edge4], fix: all}
  far: {edges: [floor.edge2, wall.edge2], fix: all}
load_cases:
  weight:
    acceleration: [0, 0, "-10 g"]
    supports: [end]
  pressure:
    pressures: [{surface: floor.top, value: 0.01 MPa}]
    supports: [end, far]
)";

    std::unique_ptr<Solution> solve(const Model &m, const Case &c, SolverOptions options)
    {
      StageLog log;
      return solve_load_cases(m, c, log, options);
    }

    // Subdomains of 1000 DoFs: the plate's 7.7 k DoFs make eight, so the tests' small models
    // exercise the multigrid (with the default, 10 k, the smoother would solve them whole).
    SolverOptions with(LinearSolver s)
    {
      SolverOptions o;
      o.linear_solver            = s;
      o.iterative_subdomain_dofs = 1000;
      return o;
    }

    // Largest difference of two displacement fields against the largest displacement.
    double difference(const dealii::Vector<double> &a, const dealii::Vector<double> &b)
    {
      double d = 0;
      for (unsigned i = 0; i < a.size(); ++i)
        d = std::max(d, std::abs(a[i] - b[i]));
      return d / a.linfty_norm();
    }

    void expect_same(const Solution &direct, const Solution &iterative)
    {
      ASSERT_EQ(direct.load_cases.size(), iterative.load_cases.size());
      for (unsigned i = 0; i < direct.load_cases.size(); ++i)
        {
          const auto &a = direct.load_cases[i], &b = iterative.load_cases[i];
          EXPECT_LT(difference(a.displacement, b.displacement), 1e-7) << a.name;
          ASSERT_EQ(a.buckling.factors.size(), b.buckling.factors.size()) << a.name;
          for (unsigned k = 0; k < a.buckling.factors.size(); ++k)
            EXPECT_NEAR(b.buckling.factors[k], a.buckling.factors[k], 1e-6 * a.buckling.factors[k]);
        }
      ASSERT_EQ(direct.modal.has_value(), iterative.modal.has_value());
      if (direct.modal)
        {
          ASSERT_EQ(direct.modal->omega2.size(), iterative.modal->omega2.size());
          for (unsigned k = 0; k < direct.modal->omega2.size(); ++k)
            EXPECT_NEAR(iterative.modal->omega2[k], direct.modal->omega2[k],
                        1e-6 * direct.modal->omega2[k]);
        }
    }
  } // namespace

  // Closed form: the clamped square plate's centre deflection w = 0.00126 q a^4 / D
  // (Timoshenko & Woinowsky-Krieger, Theory of Plates and Shells, 2nd ed., table 35), as the
  // direct solver's verification does; the iterative solve gives the direct one's displacements
  // to 1e-7 of the largest.
  TEST(IterativeSolver, ClampedPlateAsDirectAndClosedForm)
  {
    const Case c = read_case_from_string(clamped_plate, "test.yaml");
    const auto m = build_model(c);
    const auto d = solve(*m, c, with(LinearSolver::direct));
    const auto i = solve(*m, c, with(LinearSolver::iterative));
    expect_same(*d, *i);
    EXPECT_EQ(d->statistics.factor_solver, "CHOLMOD");
    EXPECT_EQ(i->statistics.factor_solver, "CG+GAMG");
    EXPECT_EQ(i->statistics.iterative.solves, 1u);
    EXPECT_EQ(i->statistics.iterative.subdomain_dofs, 1000u);
    EXPECT_EQ(i->statistics.iterative.levels, 2);
    // (20 measured with eight subdomains and one smoothing step, 13 with two; the multigrid of
    // six levels smoothed by the through-thickness lines' blocks took 133, plain GAMG none
    // within 2000)
    EXPECT_LE(i->statistics.iterative.iterations_max, 25u);
    EXPECT_LE(i->statistics.iterative.residual_max, 1e-9);
    std::printf("clamped plate: %u iterations\n", i->statistics.iterative.iterations_max);
    const double D = 70000 * std::pow(5.0, 3) / (12 * (1 - 0.09));
    const double w = 0.00126 * 0.01 * std::pow(500.0, 4) / D;
    EXPECT_NEAR(i->load_cases[0].displacement.linfty_norm(), w, 0.03 * w);
  }

  // One subdomain holding the whole plate: the smoother applies the exact inverse (the
  // subdomain's matrix read off the multigrid's), so CG converges in a few iterations (4: the
  // one Chebyshev step damps the exact correction; 5 with the factor kept in single precision,
  // the default; eight subdomains: 20). A dropped or wrong
  // entry of the subdomain's matrix shows as more iterations or, as with off-diagonal entries
  // scaled by 1.0001, as a smoother that is no longer positive definite (a set-up error).
  TEST(IterativeSolver, OneSubdomainIsAnExactSolve)
  {
    const Case    c            = read_case_from_string(clamped_plate, "test.yaml");
    const auto    m            = build_model(c);
    SolverOptions o            = with(LinearSolver::iterative);
    o.iterative_subdomain_dofs = 1000000;
    const auto i               = solve(*m, c, o);
    const auto d               = solve(*m, c, with(LinearSolver::direct));
    expect_same(*d, *i);
    EXPECT_EQ(i->statistics.iterative.subdomain_dofs, 1000000u);
    EXPECT_LE(i->statistics.iterative.iterations_max, 5u);
    std::printf("one subdomain: %u iterations\n", i->statistics.iterative.iterations_max);
  }

  // Straight fibres constrain two DoFs of every middle node: the rigid-body modes given to the
  // multigrid leave the constrained DoFs out (their rows hold the diagonal alone); with them in,
  // the plate at 12.5 mm (59 k DoFs) took 93 iterations against 53 with quadratic fibres
  // (measured with the earlier multigrid of six levels; left out: 57; now 23 against 24). The
  // answer is the direct solver's.
  TEST(IterativeSolver, StraightFibresAsDirect)
  {
    Case c                 = read_case_from_string(clamped_plate, "test.yaml");
    c.mesh.size_mm         = 12.5;
    const auto m           = build_model(c);
    const auto quadratic   = solve(*m, c, with(LinearSolver::iterative));
    c.mesh.straight_fibres = true;
    const auto d           = solve(*m, c, with(LinearSolver::direct));
    const auto i           = solve(*m, c, with(LinearSolver::iterative));
    expect_same(*d, *i);
    // Sixteen times the DoFs of the 50 mm plate, and the iterations do not grow with the mesh:
    // 20 at 50 mm, 24 here (measured with subdomains of 1000 DoFs).
    EXPECT_LE(quadratic->statistics.iterative.iterations_max, 30u);
    EXPECT_LE(i->statistics.iterative.iterations_max,
              1.2 * quadratic->statistics.iterative.iterations_max);
    std::printf("12.5 mm plate: %u iterations (straight fibres %u)\n",
                quadratic->statistics.iterative.iterations_max,
                i->statistics.iterative.iterations_max);
  }

  // Two parts tied together whose through-thickness lines have 5 and 3 nodes (a line of 5 is
  // filled up to two blocks of nine DoFs with placeholders), two support sets. (The eigen
  // solver's inverse by iterative solves: tests/mpi_iterative.py.)
  TEST(IterativeSolver, TiedPartsOfUnequalLayersAsDirect)
  {
    const Case c = read_case_from_string(angle, "test.yaml");
    const auto m = build_model(c);
    const auto d = solve(*m, c, with(LinearSolver::direct));
    const auto i = solve(*m, c, with(LinearSolver::iterative));
    expect_same(*d, *i);
    EXPECT_EQ(i->statistics.factor_solver, "CG+GAMG");
    // (52 measured with one smoothing step, 31 with two; the multigrid of six levels smoothed
    // by the lines' blocks took 560-670)
    EXPECT_LE(i->statistics.iterative.iterations_max, 70u);
    std::printf("tied parts: %u iterations\n", i->statistics.iterative.iterations_max);
  }

  // The lattice's matrix given to `solver` with nine DoFs to a block, subdomains of 90 DoFs.
  static void set_lattice(IterativeSolver &solver, unsigned nx, unsigned ny, unsigned nz)
  {
    std::vector<double>                coordinates;
    const IterativeSolver::RowFunction row = lattice(nx, ny, nz, coordinates);
    solver.set_matrix(coordinates.size(), row, coordinates, 9, 90);
  }

  // The smoother's subdomain solves in threads (each thread a run of the subdomains, adding
  // into its own vector, summed after): one application of the preconditioner equals the one
  // thread's to round-off (the sums' order), on the stiffness of a 16 x 16 x 3 grid of
  // nodes (the lattice above) in subdomains of 90 DoFs,
  // about 26 of them: a subdomain skipped or added twice changes the result at 1e-2 or more.
  // And on the tied wall (about 20 subdomains of 1000 DoFs, two load cases): the same
  // iterations, the displacements to the solve's own accuracy (a relative residual of 1e-9).
  TEST(IterativeSolver, SubdomainSolvesInThreadsAsOnOne)
  {
    const std::size_t n = 3 * 16 * 16 * 3;
    IterativeSolver   solver;
    set_lattice(solver, 16, 16, 3);
    ASSERT_EQ(solver.subdomain_dofs(), 90u);
    std::vector<double> x(n), one(n), three(n);
    for (std::size_t r = 0; r < n; ++r)
      x[r] = std::sin(0.37 * r) + 0.5;
    dealii::MultithreadInfo::set_thread_limit(1);
    solver.precondition(x.data(), one.data());
    dealii::MultithreadInfo::set_thread_limit(3);
    solver.precondition(x.data(), three.data());
    dealii::MultithreadInfo::set_thread_limit();
    double largest = 0, difference_of = 0;
    for (std::size_t r = 0; r < n; ++r)
      {
        largest       = std::max(largest, std::abs(one[r]));
        difference_of = std::max(difference_of, std::abs(one[r] - three[r]));
      }
    EXPECT_GT(largest, 0.0);
    EXPECT_LT(difference_of, 1e-13 * largest);

    const Case c = read_case_from_string(angle, "test.yaml");
    const auto m = build_model(c);
    dealii::MultithreadInfo::set_thread_limit(1);
    const auto a = solve(*m, c, with(LinearSolver::iterative));
    dealii::MultithreadInfo::set_thread_limit(3);
    const auto b = solve(*m, c, with(LinearSolver::iterative));
    dealii::MultithreadInfo::set_thread_limit();
    EXPECT_EQ(a->statistics.iterative.iterations_total, b->statistics.iterative.iterations_total);
    EXPECT_EQ(a->statistics.iterative.iterations_max, b->statistics.iterative.iterations_max);
    for (unsigned i = 0; i < a->load_cases.size(); ++i)
      EXPECT_LT(difference(a->load_cases[i].displacement, b->load_cases[i].displacement), 1e-8)
        << a->load_cases[i].name;
  }

  // A free body's vibration (modal.supports: none): K + s M is so much stiffer in the elastic
  // modes than in the six rigid ones that the products' round-off kept LOBPCG's residuals from
  // converging (NOT CONVERGED after 50 iterations without progress); the rigid-body modes,
  // known from the DoFs' points, are now found by Rayleigh-Ritz on their span and deflated from
  // the rest. The free square plate's first elastic mode at lambda^2 = 13.49 for nu = 0.3,
  // omega = lambda^2 / a^2 sqrt(D / (rho t)) (Leissa 1969, Table 4.89; a = 500, t = 5: 66.2 Hz,
  // as tests/test_stability.cc's direct check), the elastic frequencies the factorisation's to
  // 1e-6, the rigid translations' effective masses the whole mass; the same for the tied wall
  // on a two-layer floor (whose ties turn its rigid rotations into modes of about 1e-6 s).
  TEST(IterativeSolver, FreeBodyVibrationAsDirect)
  {
    for (const char *yaml : {clamped_plate, angle})
      {
        const Case c = read_case_from_string(
          std::string(yaml) + "modal: {modes: 8, supports: none}\n", "test.yaml");
        const auto m = build_model(c);
        const auto d = solve(*m, c, with(LinearSolver::direct));
        const auto i = solve(*m, c, with(LinearSolver::iterative));
        ASSERT_TRUE(d->modal && i->modal);
        const ModalSolution &a = *d->modal, &b = *i->modal;
        EXPECT_TRUE(b.converged) << c.name;
        EXPECT_TRUE(b.preconditioned) << c.name;
        EXPECT_EQ(a.rigid_body_modes, 6u) << c.name;
        EXPECT_EQ(b.rigid_body_modes, 6u) << c.name;
        ASSERT_EQ(b.omega2.size(), 8u) << c.name;
        ASSERT_EQ(a.omega2.size(), 8u) << c.name;
        for (unsigned k = 0; k < 6; ++k)
          EXPECT_LT(std::abs(b.omega2[k]), 1e-3 * b.shift) << c.name << " mode " << k + 1;
        for (unsigned k = 6; k < 8; ++k)
          EXPECT_NEAR(b.omega2[k], a.omega2[k], 1e-6 * a.omega2[k]) << c.name << " mode " << k + 1;
        for (unsigned dir = 0; dir < 3; ++dir)
          {
            double moved = 0;
            for (unsigned k = 0; k < 6; ++k)
              moved += b.effective_mass[k][dir];
            EXPECT_NEAR(moved, b.total_mass[dir], 1e-6 * b.total_mass[dir]) << c.name;
          }
        std::printf("free %s: LOBPCG %u iterations, %u applications\n", c.name.c_str(),
                    b.iterations, b.products);
        if (yaml == clamped_plate)
          {
            const double D = 70000 * std::pow(5.0, 3) / (12 * (1 - 0.09));
            const double f = 13.49 / (500.0 * 500.0) * std::sqrt(D / (2.7e-9 * 5)) / (2 * M_PI);
            EXPECT_NEAR(std::sqrt(b.omega2[6]) / (2 * M_PI), f, 0.01 * f);
          }
      }
  }

  // A partly free body (a plate on two opposite edges held only vertically: free to slide in
  // its plane and to turn about its normal, three rigid-body modes): not deflated (only a free
  // body's six are), LOBPCG converges on it, the three at omega^2 within round-off of 0; the
  // elastic frequencies the factorisation's to 1e-6, the frequencies ascending (the last step's
  // Rayleigh quotients of the three had come out in another order: 0.001813, 0.001757,
  // 0.002279 Hz).
  TEST(IterativeSolver, PartlyFreeBodyVibrationAsDirect)
  {
    const Case c = read_case_from_string(R"(
case: sliding
mesh: {size: 50 mm}
parts:
  plate: {material: 5083-H116, thickness: 5 mm, quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 500, 0], [0, 500, 0]]}}
supports:
  roll: {edges: [plate.edge2, plate.edge4], fix: [z]}
modal: {modes: 5, supports: [roll]}
)",
                                         "test.yaml");
    const auto m = build_model(c);
    const auto d = solve(*m, c, with(LinearSolver::direct));
    const auto i = solve(*m, c, with(LinearSolver::iterative));
    ASSERT_TRUE(d->modal && i->modal);
    const ModalSolution &a = *d->modal, &b = *i->modal;
    EXPECT_TRUE(b.converged);
    EXPECT_EQ(a.rigid_body_modes, 3u);
    EXPECT_EQ(b.rigid_body_modes, 3u);
    ASSERT_EQ(b.omega2.size(), 5u);
    for (unsigned k = 3; k < 5; ++k)
      EXPECT_NEAR(b.omega2[k], a.omega2[k], 1e-6 * a.omega2[k]) << "mode " << k + 1;
    for (unsigned k = 1; k < 5; ++k)
      EXPECT_LE(b.omega2[k - 1], b.omega2[k]) << "mode " << k + 1;
  }

  // Automatic: the direct solver while its factor fits in the memory allowed, else the
  // iterative one (the plate's factor needs about 10 MB), smoothed on subdomains; without
  // subdomains (iterative_subdomain_dofs 0) the line blocks' multigrid gives the same answer; a
  // direct solver that was asked for and does not fit is an error that names the iterative
  // solver.
  TEST(IterativeSolver, ChosenWhenTheFactorDoesNotFit)
  {
    const Case    c = read_case_from_string(clamped_plate, "test.yaml");
    const auto    m = build_model(c);
    SolverOptions roomy;
    roomy.memory_limit_bytes = 1e9;
    const auto d             = solve(*m, c, roomy);
    EXPECT_EQ(d->statistics.factor_solver, "CHOLMOD");
    SolverOptions tight      = with(LinearSolver::automatic);
    tight.memory_limit_bytes = 1e6;
    const auto i             = solve(*m, c, tight);
    EXPECT_EQ(i->statistics.factor_solver, "CG+GAMG");
    EXPECT_EQ(i->statistics.iterative.subdomain_dofs, 1000u);
    EXPECT_EQ(i->statistics.iterative.levels, 2);
    expect_same(*d, *i);
    SolverOptions lines            = tight;
    lines.iterative_subdomain_dofs = 0;
    const auto l                   = solve(*m, c, lines);
    EXPECT_EQ(l->statistics.iterative.subdomain_dofs, 0u);
    EXPECT_GT(l->statistics.iterative.levels, 2);
    expect_same(*d, *l);
    tight.linear_solver = LinearSolver::direct;
    try
      {
        solve(*m, c, tight);
        ADD_FAILURE() << "expected a ModelError";
      }
    catch (const ModelError &e)
      {
        EXPECT_NE(std::string(e.what()).find("--solver iterative"), std::string::npos) << e.what();
      }
    // What the run holds counts against the limit: a limit of what this process holds now
    // plus half the factor leaves no room for the factor (compared with the factor alone, as
    // until 2026-12-02, it fitted: the process holds far more than half the plate's factor).
    const double factor = d->statistics.factor_bytes;
    ASSERT_GT(factor, 0);
    ASSERT_GT(resident_memory_bytes(), factor);
    SolverOptions held      = with(LinearSolver::direct);
    held.memory_limit_bytes = resident_memory_bytes() + 0.5 * factor;
    try
      {
        solve(*m, c, held);
        ADD_FAILURE() << "expected a ModelError";
      }
    catch (const ModelError &e)
      {
        EXPECT_NE(std::string(e.what()).find(" the run holds)"), std::string::npos) << e.what();
      }
  }

  // A solve stopped before its tolerance is an error naming the load case, never a result.
  TEST(IterativeSolver, NotConvergedIsAnError)
  {
    const Case    c            = read_case_from_string(clamped_plate, "test.yaml");
    const auto    m            = build_model(c);
    SolverOptions o            = with(LinearSolver::iterative);
    o.iterative_max_iterations = 5;
    try
      {
        solve(*m, c, o);
        ADD_FAILURE() << "expected a ModelError";
      }
    catch (const ModelError &e)
      {
        const std::string text = e.what();
        EXPECT_NE(text.find("load case \"pressure\""), std::string::npos) << text;
        EXPECT_NE(text.find("did not converge in 5 iterations"), std::string::npos) << text;
      }
  }

  // A subdomain whose matrix is not positive definite (a negative diagonal entry in the last of
  // four subdomains of a chain of springs) stops the set-up with the reason: which subdomain, and
  // PETSc's error, not only "the preconditioner's set-up failed".
  TEST(IterativeSolver, ASubdomainThatCannotBeFactorisedSaysWhy)
  {
    const std::size_t   n = 1200; // 400 nodes, 4 subdomains of 300 DoFs
    std::vector<double> coordinates(n);
    for (std::size_t d = 0; d < n; ++d)
      {
        const std::size_t node = d / 3;
        coordinates[d]         = d % 3 == 0   ? double(node % 10)
                                 : d % 3 == 1 ? double(node / 10 % 10)
                                              : double(node / 100);
      }
    IterativeSolver solver;
    const auto row = [&](std::size_t i, std::vector<int> &columns, std::vector<double> &values) {
      columns.clear();
      values.clear();
      // Each component a chain: DoF i couples to i - 3 and i + 3.
      if (i >= 3)
        columns.push_back(int(i - 3)), values.push_back(-1.0);
      columns.push_back(int(i));
      values.push_back(i == n - 10 ? -5.0 : 2.5);
      if (i + 3 < n)
        columns.push_back(int(i + 3)), values.push_back(-1.0);
    };
    try
      {
        solver.set_matrix(n, row, coordinates, 3, 300);
        ADD_FAILURE() << "expected the set-up to fail";
      }
    catch (const std::exception &e)
      {
        const std::string text = e.what();
        std::printf("%s\n", text.c_str());
        EXPECT_NE(text.find("the preconditioner's set-up"), std::string::npos) << text;
        EXPECT_NE(text.find("subdomain 4 of 4 is not positive definite"), std::string::npos)
          << text;
      }
  }

  // Conjugate gradients are linear: the solution of a right-hand side times 1e300 (a load of
  // 1e300 MPa in a hostile case file) is the solution times 1e300, though the right-hand side's
  // norm overflows a double (before 2026-12-06 the solve stopped at once, "did not converge in 0
  // iterations (relative residual -nan)"). A right-hand side with a value that is not finite
  // gives not-a-number displacements, as a direct solve's, for the results' check to refuse; no
  // load gives none. Out of iterations, the outcome says so.
  TEST(IterativeSolver, LoadsBeyondWhatTheNormsHold)
  {
    const std::size_t n = 3 * 8 * 8 * 3;
    IterativeSolver   solver;
    set_lattice(solver, 8, 8, 3);
    std::vector<double> b(n);
    for (std::size_t r = 0; r < n; ++r)
      b[r] = std::sin(0.37 * r) + 0.5;

    std::vector<double>    x     = b;
    const IterativeOutcome plain = solver.solve(x.data(), 1e-12, 500);
    ASSERT_TRUE(plain.converged) << plain.reason;
    EXPECT_EQ(plain.reason, "converged");
    double largest = 0;
    for (double v : x)
      largest = std::max(largest, std::abs(v));
    ASSERT_GT(largest, 0.0);

    std::vector<double> huge(n);
    for (std::size_t r = 0; r < n; ++r)
      huge[r] = 1e300 * b[r];
    const IterativeOutcome scaled = solver.solve(huge.data(), 1e-12, 500);
    EXPECT_TRUE(scaled.converged) << scaled.reason << ", residual " << scaled.residual;
    EXPECT_EQ(scaled.iterations, plain.iterations);
    for (std::size_t r = 0; r < n; ++r)
      ASSERT_NEAR(huge[r] / 1e300, x[r], 1e-10 * largest) << "row " << r;

    std::vector<double> infinite = b;
    infinite[7]                  = std::numeric_limits<double>::infinity();
    EXPECT_TRUE(solver.solve(infinite.data(), 1e-12, 500).converged);
    for (double v : infinite)
      ASSERT_TRUE(std::isnan(v));

    std::vector<double> none(n, 0.0);
    EXPECT_TRUE(solver.solve(none.data(), 1e-12, 500).converged);
    for (double v : none)
      ASSERT_EQ(v, 0.0);

    std::vector<double>    short_of = b;
    const IterativeOutcome stopped  = solver.solve(short_of.data(), 1e-12, 2);
    EXPECT_FALSE(stopped.converged);
    EXPECT_EQ(stopped.iterations, 2);
    EXPECT_EQ(stopped.reason, "did not converge");
  }
} // namespace lightbody::testing
