#include "addon.h"
#include "vk_ns.h"

namespace vk {

static const napi_type_tag kNsTag = {0x766b5f6e73000001ULL, 0x5a4b3c2d1e0f6978ULL};

// nsCreate(sampleRate, strength) -> handle | status
static napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  int32_t rate = ArgInt32(env, argv[0], -1);
  double strength = ArgDouble(env, argv[1], -1);
  vk_ns *ns = nullptr;
  int32_t st = vk_ns_create(rate, (float)strength, &ns);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, ns, &kNsTag);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_ns_destroy(UnwrapHandle<vk_ns>(env, argv[0], &kNsTag));
  return nullptr;
}

// nsProcessF32(handle, in: Float32Array, out: Float32Array) -> n | status
static napi_value ProcessF32(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_ns *ns = UnwrapHandle<vk_ns>(env, argv[0], &kNsTag);
  View in = GetView(env, argv[1], napi_float32_array);
  View out = GetView(env, argv[2], napi_float32_array);
  if (!ns || !in.ok || !out.ok || out.length < in.length || in.length > 0x7fffffff) return Int(env, VK_ERR_ARG);
  return Int(env, vk_ns_process_f32(ns, (const float *)in.data, (float *)out.data, (int32_t)in.length));
}

// nsProcessI16(handle, in: Int16Array, out: Int16Array) -> n | status
static napi_value ProcessI16(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_ns *ns = UnwrapHandle<vk_ns>(env, argv[0], &kNsTag);
  View in = GetView(env, argv[1], napi_int16_array);
  View out = GetView(env, argv[2], napi_int16_array);
  if (!ns || !in.ok || !out.ok || out.length < in.length || in.length > 0x7fffffff) return Int(env, VK_ERR_ARG);
  return Int(env, vk_ns_process_i16(ns, (const int16_t *)in.data, (int16_t *)out.data, (int32_t)in.length));
}

static napi_value Reset(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_ns *ns = UnwrapHandle<vk_ns>(env, argv[0], &kNsTag);
  if (!ns) return Int(env, VK_ERR_ARG);
  vk_ns_reset(ns);
  return Int(env, VK_OK);
}

// nsConfigure(handle, strength, transient) -> status
static napi_value Configure(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_ns *ns = UnwrapHandle<vk_ns>(env, argv[0], &kNsTag);
  if (!ns) return Int(env, VK_ERR_ARG);
  int32_t st = vk_ns_set_strength(ns, (float)ArgDouble(env, argv[1], -1));
  if (st != VK_OK) return Int(env, st);
  return Int(env, vk_ns_set_transient(ns, ArgInt32(env, argv[2], 1)));
}

// nsStats(handle, out: Float32Array[VK_NS_STATS]) -> count | status
static napi_value Stats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_ns *ns = UnwrapHandle<vk_ns>(env, argv[0], &kNsTag);
  View out = GetView(env, argv[1], napi_float32_array);
  if (!ns || !out.ok) return Int(env, VK_ERR_ARG);
  return Int(env, vk_ns_stats(ns, (float *)out.data, (int32_t)out.length));
}

void InitNs(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "nsCreate", Create);
  SetFn(env, exports, "nsDestroy", Destroy);
  SetFn(env, exports, "nsProcessF32", ProcessF32);
  SetFn(env, exports, "nsProcessI16", ProcessI16);
  SetFn(env, exports, "nsReset", Reset);
  SetFn(env, exports, "nsConfigure", Configure);
  SetFn(env, exports, "nsStats", Stats);
}

}  // namespace vk
