#include "addon.h"
#include "vk_resample.h"

namespace vk {

static const napi_type_tag kResampleTag = {0x766b5f7273700001ULL, 0x5a4b3c2d1e0f6978ULL};

// resampleCreate(inRate, outRate, channels, quality) -> handle | status
static napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Args(env, info, argv);
  vk_resample *r = nullptr;
  int32_t st = vk_resample_create(ArgInt32(env, argv[0], -1), ArgInt32(env, argv[1], -1),
                                  ArgInt32(env, argv[2], -1), ArgInt32(env, argv[3], -1), &r);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, r, &kResampleTag);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_resample_destroy(UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag));
  return nullptr;
}

// resampleInfo(h, out: Float64Array[7]): [up, down, taps, latency, channels, cutoff, attenuationDb]
static napi_value Info(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_resample *r = UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag);
  View out = GetView(env, argv[1], napi_float64_array);
  if (!r || !out.ok || out.length < 7) return Int(env, VK_ERR_ARG);
  vk_resample_info i;
  vk_resample_get_info(r, &i);
  double *o = (double *)out.data;
  o[0] = i.up; o[1] = i.down; o[2] = i.taps; o[3] = i.latency; o[4] = i.channels;
  o[5] = i.cutoff; o[6] = i.attenuation_db;
  return Int(env, VK_OK);
}

static napi_value OutputFrames(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_resample *r = UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag);
  if (!r) return Int(env, VK_ERR_ARG);
  return Int(env, vk_resample_output_frames(r, ArgInt32(env, argv[1], -1)));
}

static napi_value FlushFrames(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_resample *r = UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag);
  if (!r) return Int(env, VK_ERR_ARG);
  return Int(env, vk_resample_flush_frames(r));
}

static napi_value Reset(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_resample_reset(UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag));
  return nullptr;
}

static int32_t Channels(vk_resample *r) {
  vk_resample_info i;
  vk_resample_get_info(r, &i);
  return i.channels;
}

// resampleProcess{I16,F32}(h, in, out) -> frames written | status.
// Whole frames only: in.length must be a multiple of the channel count.
template <napi_typedarray_type T, typename S,
          int32_t (*F)(vk_resample *, const S *, int32_t, S *, int32_t)>
static napi_value Process(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_resample *r = UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag);
  View in = GetView(env, argv[1], T);
  View out = GetView(env, argv[2], T);
  if (!r || !in.ok || !out.ok) return Int(env, VK_ERR_ARG);
  int32_t c = Channels(r);
  if (in.length % c || in.length / c > INT32_MAX) return Int(env, VK_ERR_ARG);
  return Int(env, F(r, (const S *)in.data, (int32_t)(in.length / c), (S *)out.data, (int32_t)(out.length / c)));
}

template <napi_typedarray_type T, typename S, int32_t (*F)(vk_resample *, S *, int32_t)>
static napi_value Flush(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_resample *r = UnwrapHandle<vk_resample>(env, argv[0], &kResampleTag);
  View out = GetView(env, argv[1], T);
  if (!r || !out.ok) return Int(env, VK_ERR_ARG);
  return Int(env, F(r, (S *)out.data, (int32_t)(out.length / Channels(r))));
}

void InitResample(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "resampleCreate", Create);
  SetFn(env, exports, "resampleDestroy", Destroy);
  SetFn(env, exports, "resampleInfo", Info);
  SetFn(env, exports, "resampleOutputFrames", OutputFrames);
  SetFn(env, exports, "resampleFlushFrames", FlushFrames);
  SetFn(env, exports, "resampleReset", Reset);
  SetFn(env, exports, "resampleProcessI16", Process<napi_int16_array, int16_t, vk_resample_process_i16>);
  SetFn(env, exports, "resampleProcessF32", Process<napi_float32_array, float, vk_resample_process_f32>);
  SetFn(env, exports, "resampleFlushI16", Flush<napi_int16_array, int16_t, vk_resample_flush_i16>);
  SetFn(env, exports, "resampleFlushF32", Flush<napi_float32_array, float, vk_resample_flush_f32>);
}

}  // namespace vk
