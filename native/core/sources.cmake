# Core sources, shared by the native build (CMakeLists.txt) and the WASM build
# (wasm/build.sh reads this file).  One source per line, paths relative to
# native/.  VK_CORE_NATIVE_SOURCES / VK_CORE_WASM_SOURCES hold the
# per-backend siblings (crypto).
set(VK_CORE_SOURCES
  core/src/common.c
  core/src/g711.c
  core/src/seq.c
  core/src/srtp.c
  core/src/hmac.c
  core/src/jb.c
  core/src/jb_buffer.c
  core/src/jb_decision.c
  core/src/jb_delay.c
  core/src/jb_dsp.c
  core/src/ns.c
  core/src/ns_gain.c
  core/src/ns_fft.c
  core/src/ns_pitch.c
  core/src/resample.c
  core/src/cng.c
)
set(VK_CORE_NATIVE_SOURCES
  core/src/crypto_openssl.c
)
set(VK_CORE_WASM_SOURCES
  core/src/crypto_portable.c
)
