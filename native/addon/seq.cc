#include "addon.h"
#include "vk_seq.h"

namespace vk {

static const napi_type_tag kSeqTag = {0x766b5f7365710001ULL, 0x1f2e3d4c5b6a7988ULL};

static napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  int32_t probation = ArgInt32(env, argv[0], -1);
  if (probation < 0 || probation > 100) return Int(env, VK_ERR_ARG);
  vk_seq_state *s = nullptr;
  int32_t st = vk_seq_create((uint32_t)probation, &s);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, s, &kSeqTag);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_seq_destroy(UnwrapHandle<vk_seq_state>(env, argv[0], &kSeqTag));
  return nullptr;
}

// seqUpdate(handle, seq, out: Float64Array[1]) -> result | status;
// out[0] receives the extended sequence number (exact below 2^53; negative
// for a late packet from before the first one across the wrap, vk_seq.h).
static napi_value Update(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_seq_state *s = UnwrapHandle<vk_seq_state>(env, argv[0], &kSeqTag);
  View out = GetView(env, argv[2], napi_float64_array);
  int32_t seq = ArgInt32(env, argv[1], -1);
  if (!s || !out.ok || out.length < 1 || seq < 0 || seq > 65535) return Int(env, VK_ERR_ARG);
  int64_t ext = 0;
  int32_t r = vk_seq_update(s, (uint16_t)seq, &ext);
  ((double *)out.data)[0] = (double)ext;
  return Int(env, r);
}

// seqStats(handle, out: Float64Array[4]): [extMax, expected, received, lost]
static napi_value Stats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_seq_state *s = UnwrapHandle<vk_seq_state>(env, argv[0], &kSeqTag);
  View out = GetView(env, argv[1], napi_float64_array);
  if (!s || !out.ok || out.length < 4) return Int(env, VK_ERR_ARG);
  double *o = (double *)out.data;
  o[0] = (double)vk_seq_ext_max(s);
  o[1] = (double)vk_seq_expected(s);
  o[2] = (double)vk_seq_received(s);
  o[3] = (double)((int64_t)vk_seq_expected(s) - (int64_t)vk_seq_received(s));
  return Int(env, VK_OK);
}

// seqReport(handle, out: Float64Array[2]): [cumulativeLost, fractionLost];
// advances the report interval (vk_seq_report).
static napi_value Report(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_seq_state *s = UnwrapHandle<vk_seq_state>(env, argv[0], &kSeqTag);
  View out = GetView(env, argv[1], napi_float64_array);
  if (!s || !out.ok || out.length < 2) return Int(env, VK_ERR_ARG);
  int32_t cum = 0;
  uint8_t frac = 0;
  vk_seq_report(s, &cum, &frac);
  ((double *)out.data)[0] = cum;
  ((double *)out.data)[1] = frac;
  return Int(env, VK_OK);
}

void InitSeq(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "seqCreate", Create);
  SetFn(env, exports, "seqDestroy", Destroy);
  SetFn(env, exports, "seqUpdate", Update);
  SetFn(env, exports, "seqStats", Stats);
  SetFn(env, exports, "seqReport", Report);
}

}  // namespace vk
