# Core sources, shared by the native build (CMakeLists.txt) and the WASM build
# (wasm/build.sh reads this file).  One source per line, paths relative to
# native/.  VK_CORE_NATIVE_SOURCES / VK_CORE_WASM_SOURCES hold the
# per-backend siblings (crypto).
set(VK_CORE_SOURCES
  core/src/common.c
  core/src/g711.c
  core/src/seq.c
  core/src/resample.c
  core/src/cng.c
)
set(VK_CORE_NATIVE_SOURCES
)
set(VK_CORE_WASM_SOURCES
)
