#include "addon.h"
#include "vk_cng.h"

namespace vk {

static const napi_type_tag kCngTag = {0x766b5f636e670001ULL, 0x0a1b2c3d4e5f6071ULL};

// cnAnalyze(pcm: Int16Array, order, out: Uint8Array) -> length | status
static napi_value Analyze(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  View pcm = GetView(env, argv[0], napi_int16_array);
  View out = GetView(env, argv[2], napi_uint8_array);
  if (!pcm.ok || !out.ok || pcm.length > INT32_MAX) return Int(env, VK_ERR_ARG);
  return Int(env, vk_cn_analyze((const int16_t *)pcm.data, (int32_t)pcm.length, ArgInt32(env, argv[1], -1),
                                (uint8_t *)out.data, (int32_t)(out.length > INT32_MAX ? INT32_MAX : out.length)));
}

static napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  double seed = ArgDouble(env, argv[0], 0);
  vk_cng *g = nullptr;
  int32_t st = vk_cng_create((uint32_t)seed, &g);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, g, &kCngTag);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_cng_destroy(UnwrapHandle<vk_cng>(env, argv[0], &kCngTag));
  return nullptr;
}

static napi_value Update(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_cng *g = UnwrapHandle<vk_cng>(env, argv[0], &kCngTag);
  View p = GetView(env, argv[1], napi_uint8_array);
  if (!g || !p.ok || p.length > INT32_MAX) return Int(env, VK_ERR_ARG);
  return Int(env, vk_cng_update(g, (const uint8_t *)p.data, (int32_t)p.length));
}

static napi_value Generate(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_cng *g = UnwrapHandle<vk_cng>(env, argv[0], &kCngTag);
  View o = GetView(env, argv[1], napi_int16_array);
  if (!g || !o.ok || o.length > INT32_MAX) return Int(env, VK_ERR_ARG);
  return Int(env, vk_cng_generate(g, (int16_t *)o.data, (int32_t)o.length));
}

void InitCng(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "cnAnalyze", Analyze);
  SetFn(env, exports, "cngCreate", Create);
  SetFn(env, exports, "cngDestroy", Destroy);
  SetFn(env, exports, "cngUpdate", Update);
  SetFn(env, exports, "cngGenerate", Generate);
}

}  // namespace vk
