#pragma once
// The verdict an engineer signs: PASS, FAIL, or CONDITIONAL with what was not checked or rests on
// assumptions; and the ADR minimum shell thickness of a tank (6.8.2.1.18-19), a code check on
// the case alone. Plain data, no finite-element library.
#include "input/case.h"

#include <string>
#include <vector>

namespace lightbody
{
  struct ResultData;

  // One tank shell or head against ADR 6.8.2.1.18-19.
  struct MinimumThickness
  {
    std::string part;
    std::string material;
    double      thickness_mm       = 0;
    double      required_mm        = 0; // 0 when it could not be computed (checked false)
    double      reference_steel_mm = 0; // e0 of the reference steel
    double      diameter_mm        = 0; // D (of the circle of equal area for a non-circular shell)
    bool        protected_shell    = false; // 6.8.2.1.20 b) 1: partitions, surge plates, rings
    bool        checked            = false;
    bool        passed             = true;
    std::string basis; // how required_mm follows, one line
  };

  // The rows for every tank shell and head of the case; empty for a case without a tank body.
  std::vector<MinimumThickness> adr_minimum_thickness(const Case &c);

  // The equivalent thickness of another metal for a reference mild steel thickness e0 (ADR
  // 6.8.2.1.18, footnote: e1 = 464 e0 / (Rm1 A1)^(2/3), 464 from Rm0 = 370 MPa, A0 = 27 %).
  double adr_equivalent_thickness(double e0_mm, double Rm_MPa, double elongation_percent);

  struct Verdict
  {
    enum class Status
    {
      none, // nothing was asked to be checked
      pass,
      fail,
      conditional
    } status = Status::none;
    std::vector<std::string> failures;   // what failed, one line each
    std::vector<std::string> conditions; // what was not checked or rests on assumptions
  };

  const char *verdict_text(Verdict::Status s); // "PASS", "FAIL", "CONDITIONAL", "NOT CHECKED"

  // The verdict of a run from its results and case: failures (utilization above 1, a deflection
  // limit, a minimum thickness) make it FAIL; otherwise any condition (assumed weld strengths,
  // a displacement outside the validity of a linear analysis, buckling not checked, a minimum
  // thickness that could not be computed) makes it CONDITIONAL.
  Verdict make_verdict(const ResultData &r, const Case &c);
} // namespace lightbody
