#include "addon.h"
#include "vk_jb.h"
#include <cstring>

namespace vk {

static const napi_type_tag kJbTag = {0x766b5f6a62000001ULL, 0x5a4b3c2d1e0f7788ULL};

// jbCreate(config: Int32Array[VK_JB_CONFIG_FIELDS], or the first 8 fields) -> handle | status
static napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  View c = GetView(env, argv[0], napi_int32_array);
  if (!c.ok || c.length < VK_JB_CONFIG_FIELDS_V1) return Int(env, VK_ERR_ARG);
  const int32_t *v = (const int32_t *)c.data;
  vk_jb_config cfg;
  cfg.clock_rate = v[0];
  cfg.frame_ms = v[1];
  cfg.codec = v[2];
  cfg.min_delay_ms = v[3];
  cfg.max_delay_ms = v[4];
  cfg.max_packets = v[5];
  cfg.max_payload = v[6];
  cfg.payload_type = v[7];
  cfg.rtp_clock_rate = c.length >= VK_JB_CONFIG_FIELDS ? v[8] : 0;
  vk_jb *jb = nullptr;
  int32_t st = vk_jb_create(&cfg, &jb);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, jb, &kJbTag);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_jb_destroy(UnwrapHandle<vk_jb>(env, argv[0], &kJbTag));
  return nullptr;
}

static napi_value Reset(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_jb *jb = UnwrapHandle<vk_jb>(env, argv[0], &kJbTag);
  if (!jb) return Int(env, VK_ERR_ARG);
  vk_jb_reset(jb);
  return Int(env, VK_OK);
}

// jbPush(handle, packet: Uint8Array, arrivalMs) -> result | status
static napi_value Push(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_jb *jb = UnwrapHandle<vk_jb>(env, argv[0], &kJbTag);
  View p = GetView(env, argv[1], napi_uint8_array);
  double t = ArgDouble(env, argv[2], 0.0 / 0.0);
  if (!jb || !p.ok) return Int(env, VK_ERR_ARG);
  return Int(env, vk_jb_push(jb, (const uint8_t *)p.data, p.length, t));
}

// jbPoll(handle, nowMs, pcm: Int16Array, info: Int32Array) -> samples | status
static napi_value Poll(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Args(env, info, argv);
  vk_jb *jb = UnwrapHandle<vk_jb>(env, argv[0], &kJbTag);
  double t = ArgDouble(env, argv[1], 0.0 / 0.0);
  View pcm = GetView(env, argv[2], napi_int16_array);
  View inf = GetView(env, argv[3], napi_int32_array);
  if (!jb || !pcm.ok || !inf.ok) return Int(env, VK_ERR_ARG);
  return Int(env, vk_jb_poll(jb, t, (int16_t *)pcm.data, pcm.length, (int32_t *)inf.data, inf.length));
}

// jbStats(handle, out: Float64Array) -> count | status
static napi_value Stats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_jb *jb = UnwrapHandle<vk_jb>(env, argv[0], &kJbTag);
  View o = GetView(env, argv[1], napi_float64_array);
  if (!jb || !o.ok) return Int(env, VK_ERR_ARG);
  return Int(env, vk_jb_stats(jb, (double *)o.data, o.length));
}

// jbRequest(handle, req: Int32Array[VK_JB_REQ_LEN], payload: Uint8Array) -> payload bytes copied | status
// (HOST codec: what the poll in progress needs; req[0] VK_JB_REQ_NONE when nothing)
static napi_value Request(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_jb *jb = UnwrapHandle<vk_jb>(env, argv[0], &kJbTag);
  View r = GetView(env, argv[1], napi_int32_array);
  View p = GetView(env, argv[2], napi_uint8_array);
  if (!jb || !r.ok || !p.ok || r.length < VK_JB_REQ_LEN) return Int(env, VK_ERR_ARG);
  int32_t *req = (int32_t *)r.data;
  const uint8_t *pl = vk_jb_request(jb, req, VK_JB_REQ_LEN);
  if (!pl) return Int(env, 0);
  if ((size_t)req[3] > p.length) return Int(env, VK_ERR_BUFFER_SMALL);
  memcpy(p.data, pl, (size_t)req[3]);
  return Int(env, req[3]);
}

// jbSupply(handle, pcm: Int16Array, n) -> status
static napi_value Supply(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_jb *jb = UnwrapHandle<vk_jb>(env, argv[0], &kJbTag);
  View pcm = GetView(env, argv[1], napi_int16_array);
  double n = ArgDouble(env, argv[2], 0.0 / 0.0);
  if (!jb || !pcm.ok || !(n >= -1 && n <= (double)pcm.length)) return Int(env, VK_ERR_ARG);
  return Int(env, vk_jb_supply(jb, (const int16_t *)pcm.data, (int32_t)n));
}

void InitJb(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "jbCreate", Create);
  SetFn(env, exports, "jbDestroy", Destroy);
  SetFn(env, exports, "jbReset", Reset);
  SetFn(env, exports, "jbPush", Push);
  SetFn(env, exports, "jbPoll", Poll);
  SetFn(env, exports, "jbStats", Stats);
  SetFn(env, exports, "jbRequest", Request);
  SetFn(env, exports, "jbSupply", Supply);
}

}  // namespace vk
