#include "addon.h"
#include "vk_g711.h"

namespace vk {

// g711Encode(law, pcm: Int16Array, out: Uint8Array) -> n | status
// Lengths were checked in TypeScript; they are checked again here.
static napi_value Encode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  View in = GetView(env, argv[1], napi_int16_array);
  View out = GetView(env, argv[2], napi_uint8_array);
  if (!in.ok || !out.ok || out.length < in.length) return Int(env, VK_ERR_ARG);
  return Int(env, vk_g711_encode(ArgInt32(env, argv[0], -1), (const int16_t *)in.data, in.length,
                                 (uint8_t *)out.data));
}

// g711Decode(law, codes: Uint8Array, out: Int16Array) -> n | status
static napi_value Decode(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  View in = GetView(env, argv[1], napi_uint8_array);
  View out = GetView(env, argv[2], napi_int16_array);
  if (!in.ok || !out.ok || out.length < in.length) return Int(env, VK_ERR_ARG);
  return Int(env, vk_g711_decode(ArgInt32(env, argv[0], -1), (const uint8_t *)in.data, in.length,
                                 (int16_t *)out.data));
}

void InitG711(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "g711Encode", Encode);
  SetFn(env, exports, "g711Decode", Decode);
}

}  // namespace vk
