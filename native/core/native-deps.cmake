# Optional system libraries of the native build, included by CMakeLists.txt
# inside the addon block.  The WASM build never reads this file.
#
# libopus: when pkg-config finds it, the core gains vk_opus (core/src/opus.c)
# and VK_HAVE_OPUS is defined for the core and the addon.  Without it the
# addon still builds and serves everything else; Opus then comes from the
# opusscript package in TypeScript (kit.features.opus says which).
# VK_WITHOUT_OPUS=ON forces the fallback (used to test it).
option(VK_WITHOUT_OPUS "Build the addon without libopus even if it is installed" OFF)
if(PKG_CONFIG_FOUND AND NOT VK_WITHOUT_OPUS)
  pkg_check_modules(OPUS QUIET IMPORTED_TARGET opus)
endif()
if(OPUS_FOUND)
  message(STATUS "voipkit: Opus from the system libopus ${OPUS_VERSION}")
  target_sources(vkcore PRIVATE ${CMAKE_CURRENT_LIST_DIR}/src/opus.c ${CMAKE_CURRENT_LIST_DIR}/src/opus_jb.c)
  target_compile_definitions(vkcore PUBLIC VK_HAVE_OPUS=1)
  target_link_libraries(vkcore PUBLIC PkgConfig::OPUS)
else()
  message(STATUS "voipkit: libopus not found (pkg-config opus): Opus will come from opusscript")
endif()
