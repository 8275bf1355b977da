# `lightbody cases CASE` lists the expanded template load cases (names, origin, loads, supports)
# and writes nothing.
execute_process(COMMAND ${LIGHTBODY} cases ${CASE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lightbody cases exited with ${rc}: ${err}")
endif()
foreach(text "3 load case(s)" "transport" "start_of_tipping" "braking" "supports: hinge_pins, ram_pin"
             "supports: mounts" "K = 0.5 (1 - sin phi, Jaky)" "force (0, 0, -381.1) kN spread over floor_top")
  string(FIND "${out}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "lightbody cases output lacks \"${text}\":\n${out}")
  endif()
endforeach()
