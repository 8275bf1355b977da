# A case that solves but fails its design criterion exits with 3, says why, and still writes
# its results (they show where it fails).
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${LIGHTBODY} run ${CASE} --out ${OUT} --quiet
                        --set "criteria={allowable: proof, safety_factor: 1.5, stress: peak}"
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "expected exit code 3, got ${rc}: ${err}")
endif()
string(FIND "${err}" "exceeds 1" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no reason given: ${err}")
endif()
file(READ ${OUT}/report.json json)
string(FIND "${json}" "\"passed\": false" at)
if(at EQUAL -1)
  message(FATAL_ERROR "report.json does not say the check failed")
endif()
