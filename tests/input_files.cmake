# A case file that is a FIFO (no writer: reading it would hang) and an include through a loop of
# symbolic links, and a file over 200 MB are refused at once as bad input (exit 2), one line each.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND mkfifo ${WORK}/case.fifo RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mkfifo failed")
endif()
execute_process(COMMAND timeout 20 ${LIGHTBODY} run ${WORK}/case.fifo --out ${WORK}/r
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "it is not a regular file")
  message(FATAL_ERROR "FIFO: expected exit 2 'not a regular file', got ${rc}: ${err}")
endif()
execute_process(COMMAND ln -s ${WORK}/loop_b.yaml ${WORK}/loop_a.yaml)
execute_process(COMMAND ln -s ${WORK}/loop_a.yaml ${WORK}/loop_b.yaml)
file(READ ${CASE} plate)
file(WRITE ${WORK}/with_loop.yaml "include: loop_a.yaml\n${plate}")
execute_process(COMMAND ${LIGHTBODY} run ${WORK}/with_loop.yaml --out ${WORK}/r
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "a loop of symbolic links")
  message(FATAL_ERROR "symlink loop: expected exit 2 'a loop of symbolic links', got ${rc}: ${err}")
endif()
# A file over the size limit (sparse: it takes no disk) is refused before it is read.
execute_process(COMMAND truncate -s 201M ${WORK}/huge.yaml)
execute_process(COMMAND ${LIGHTBODY} run ${WORK}/huge.yaml --out ${WORK}/r
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "more than the 200 MB accepted")
  message(FATAL_ERROR "huge file: expected exit 2 'more than the 200 MB accepted', got ${rc}: ${err}")
endif()
if(EXISTS ${WORK}/r)
  message(FATAL_ERROR "a refused run wrote ${WORK}/r")
endif()
