# A model whose factorisation would exceed the memory allowed stops before factorising, with the
# estimate and what to change (exit code 4), and writes nothing.
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${LIGHTBODY} run ${CASE} --out ${OUT} --quiet --max-memory 0.01
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 4)
  message(FATAL_ERROR "expected exit code 4, got ${rc}: ${err}")
endif()
foreach(text "would need about" "use a coarser mesh")
  string(FIND "${err}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "message lacks '${text}': ${err}")
  endif()
endforeach()
if(EXISTS ${OUT})
  message(FATAL_ERROR "a failed run wrote ${OUT}")
endif()
