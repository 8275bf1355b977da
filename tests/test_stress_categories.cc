// Stress categories of the solid-shell (membrane and linearised membrane + bending through the
// thickness, EN 13445-3 Annex C / ASME VIII-2 5.2.2) against closed forms of beam and plate
// theory, and the categorised design check.
#include "run_helpers.h"

#include <deal.II/dofs/dof_tools.h>

#include <cmath>

using namespace lightbody;
using namespace lightbody::testing;

namespace
{
  // The value of a nodal field at the node nearest to x.
  double at(const RunOutcome &r, const std::vector<double> &field, const dealii::Point<3> &x)
  {
    const Results                &res = *r.results;
    std::vector<dealii::Point<3>> points(res.node_handler.n_dofs());
    dealii::DoFTools::map_dofs_to_support_points(*res.solution.model.mapping, res.node_handler,
                                                 points);
    std::size_t best = 0;
    for (std::size_t i = 1; i < points.size(); ++i)
      if (points[i].distance(x) < points[best].distance(x))
        best = i;
    return field.at(best);
  }

  // Strip L = 1000, b = 100, t = 5 mm in the xy plane, clamped at x = 0, an edge load at x = L.
  std::string strip(const std::string &load, unsigned layers)
  {
    return "mesh: {size: 25 mm, layers: " + std::to_string(layers) + R"(}
parts:
  strip: {material: 6061-T6, thickness: 5 mm, quad: {corners: [[0, 0, 0], [1000, 0, 0], [1000, 100, 0], [0, 100, 0]]}}
supports:
  clamp: {edge: strip.edge4, fix: all}
load_cases:
  end: {edge_forces: [{edge: strip.edge2, force_per_length: ")" +
           load + R"("}]}
)";
  }
} // namespace

// Pure tension: N = 100 N/mm on a 5 mm strip, sigma = N / t = 20 MPa uniform through the
// thickness, so membrane = membrane + bending = both surfaces = 20 MPa (at mid-span, away from
// the clamp's Poisson restraint).
TEST(StressCategories, PlateInTension)
{
  const RunOutcome       r  = run_yaml(strip("100 0 0 N/mm", 1));
  const auto            &lc = r.results->load_cases.at(0);
  const dealii::Point<3> mid(500, 50, 0);
  EXPECT_NEAR(at(r, lc.membrane_von_mises, mid), 20, 0.1);
  EXPECT_NEAR(at(r, lc.membrane_bending_von_mises, mid), 20, 0.1);
  EXPECT_NEAR(at(r, lc.top_von_mises, mid), 20, 0.1);
  EXPECT_NEAR(at(r, lc.bottom_von_mises, mid), 20, 0.1);
}

// Pure bending of a cantilever: tip force P = 1 N/mm x 100 mm = 100 N; at mid-span M = P L / 2
// = 50 000 N mm, the bending stress 6 M / (b t^2) = 120 MPa at both surfaces (beam theory); the
// membrane stress is only the average transverse shear P / (b t) = 0.2 MPa (von Mises
// sqrt(3) x 0.2 = 0.35 MPa). At the nodes the transverse shear of the quadratic solid is
// parasitic (exact only at the Gauss points): measured 1.6-1.7 MPa von Mises, so the membrane
// value is bounded by 2 % of the bending stress. With one and with two element layers through
// the thickness.
TEST(StressCategories, PlateInBending)
{
  for (unsigned layers : {1u, 2u})
    {
      const RunOutcome       r  = run_yaml(strip("0 0 -1 N/mm", layers));
      const auto            &lc = r.results->load_cases.at(0);
      const dealii::Point<3> mid(500, 50, 0);
      EXPECT_NEAR(at(r, lc.membrane_bending_von_mises, mid), 120, 1.2) << layers << " layers";
      EXPECT_NEAR(at(r, lc.top_von_mises, mid), 120, 1.2) << layers << " layers";
      EXPECT_NEAR(at(r, lc.bottom_von_mises, mid), 120, 1.2) << layers << " layers";
      EXPECT_LT(at(r, lc.membrane_von_mises, mid), 0.02 * 120) << layers << " layers";
    }
}

// Clamped square plate (cases/verification/clamped_plate.yaml: a = 1000, t = 5 mm, nu = 0.33,
// q = 0.01 MPa). Centre moment Mx = My = 0.0231 q a^2 for nu = 0.3 (Timoshenko &
// Woinowsky-Krieger, Table 35); the clamped plate's curvatures do not depend on nu, so
// M = 0.0231 (1.33 / 1.3) q a^2 here, and the equal biaxial surface stress 6 M / t^2 = 56.7 MPa
// is also its von Mises value; the membrane stress is zero. The categorised check: utilization =
// max(membrane / f, membrane + bending / 1.5 f) at every node, f = Rp0.2 / 1.5 = 83.3 MPa, lower
// than the peak check's von Mises / f.
TEST(StressCategories, ClampedPlateCentreAndCategorisedCheck)
{
  const RunOutcome r = run_file(
    "cases/verification/clamped_plate.yaml",
    {{"criteria", "{allowable: proof, safety_factor: 1.5, buckling: checked_separately}"}});
  const auto            &lc = r.results->load_cases.at(0);
  const dealii::Point<3> centre(500, 500, 0);
  const double           M     = 0.0231 * 1.33 / 1.3 * 0.01 * 1000 * 1000;
  const double           sigma = 6 * M / 25;
  EXPECT_NEAR(at(r, lc.membrane_bending_von_mises, centre), sigma, 0.02 * sigma);
  EXPECT_LT(at(r, lc.membrane_von_mises, centre), 0.01 * sigma);

  const double f        = 125 / 1.5;
  double       expected = 0, peak = 0;
  for (std::size_t n = 0; n < lc.von_mises.size(); ++n)
    {
      expected = std::max(
        {expected, lc.membrane_von_mises[n] / f, lc.membrane_bending_von_mises[n] / (1.5 * f)});
      peak = std::max(peak, lc.von_mises[n] / f);
    }
  EXPECT_NEAR(lc.max_utilization, expected, 1e-12);
  EXPECT_NEAR(lc.max_peak_utilization, peak, 1e-12);
  EXPECT_EQ(lc.max_utilization_category, "membrane+bending");
  EXPECT_LT(lc.max_utilization, peak);

  const RunOutcome p  = run_file("cases/verification/clamped_plate.yaml",
                                 {{"criteria", "{allowable: proof, stress: peak}"}});
  const auto      &lp = p.results->load_cases.at(0);
  EXPECT_NEAR(lp.max_utilization, peak, 1e-12);
  EXPECT_EQ(lp.max_utilization_category, "peak");
}
