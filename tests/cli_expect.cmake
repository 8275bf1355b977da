# Runs the command-line program (or PROGRAM, e.g. a shell) with ARGS (a ;-list; %OUT% stands for
# a fresh scratch folder, %LIGHTBODY% for the program) and
# checks its exit code (RC), that stderr (or stdout for exit 0) contains MSG, and, with NO_WRITE,
# that the scratch folder holds nothing new: a refused or failed run writes nothing.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
cmake_policy(SET CMP0053 NEW)
string(REPLACE "%OUT%" "${OUT}" args "${ARGS}")
string(REPLACE "%LIGHTBODY%" "${LIGHTBODY}" args "${args}")
if(NOT PROGRAM)
  set(PROGRAM ${LIGHTBODY})
endif()
execute_process(COMMAND ${PROGRAM} ${args} WORKING_DIRECTORY ${OUT}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL RC)
  message(FATAL_ERROR "lightbody ${args}: expected exit code ${RC}, got '${rc}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
string(FIND "${err}${out}" "${MSG}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "lightbody ${args}: output lacks '${MSG}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NO_WRITE)
  file(GLOB_RECURSE left LIST_DIRECTORIES true ${OUT}/*)
  file(GLOB hidden LIST_DIRECTORIES true ${OUT}/.*)
  if(left OR hidden)
    message(FATAL_ERROR "lightbody ${args}: a refused run left ${left} ${hidden}")
  endif()
endif()
