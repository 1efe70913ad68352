#include "addon.h"
#include "vk_g711.h"

#include <vector>

namespace vk {

// The core requires input and output not to overlap.  Callers may pass two
// views of one ArrayBuffer, so an overlapping input is copied first (rare;
// the WASM backend copies through its heap anyway, so both backends give the
// same result).  Returns the input to use; tmp owns the copy.
static const void *Unalias(const View &in, size_t in_bytes, const View &out, size_t out_bytes,
                           std::vector<uint8_t> &tmp) {
  uintptr_t a = reinterpret_cast<uintptr_t>(in.data);
  uintptr_t b = reinterpret_cast<uintptr_t>(out.data);
  if (in_bytes == 0 || out_bytes == 0 || a >= b + out_bytes || b >= a + in_bytes) return in.data;
  const uint8_t *p = static_cast<const uint8_t *>(in.data);
  tmp.assign(p, p + in_bytes);
  return tmp.data();
}

// g711Encode(law, pcm: Int16Array, out: Uint8Array) -> n | status
// Lengths were checked in TypeScript; they are checked again here.
static napi_value Encode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  View in = GetView(env, argv[1], napi_int16_array);
  View out = GetView(env, argv[2], napi_uint8_array);
  if (!in.ok || !out.ok || out.length < in.length) return Int(env, VK_ERR_ARG);
  std::vector<uint8_t> tmp;
  const void *src = Unalias(in, in.length * 2, out, in.length, tmp);
  return Int(env, vk_g711_encode(ArgInt32(env, argv[0], -1), (const int16_t *)src, in.length,
                                 (uint8_t *)out.data));
}

// g711Decode(law, codes: Uint8Array, out: Int16Array) -> n | status
static napi_value Decode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  View in = GetView(env, argv[1], napi_uint8_array);
  View out = GetView(env, argv[2], napi_int16_array);
  if (!in.ok || !out.ok || out.length < in.length) return Int(env, VK_ERR_ARG);
  std::vector<uint8_t> tmp;
  const void *src = Unalias(in, in.length, out, in.length * 2, tmp);
  return Int(env, vk_g711_decode(ArgInt32(env, argv[0], -1), (const uint8_t *)src, in.length,
                                 (int16_t *)out.data));
}

void InitG711(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "g711Encode", Encode);
  SetFn(env, exports, "g711Decode", Decode);
}

}  // namespace vk
