# ASan + UBSan for the `asan` preset. Applied globally so that every object, including tests, is
# instrumented; UBSan is made fatal so that CI fails on the first report.
if(SLUICE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
