#include "addon.h"
#include "vk_common.h"

namespace vk {

static napi_value Strerror(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  napi_value s;
  napi_create_string_utf8(env, vk_strerror(ArgInt32(env, argv[0], 0)), NAPI_AUTO_LENGTH, &s);
  return s;
}

static napi_value Version(napi_env env, napi_callback_info info) {
  return Int(env, (int32_t)vk_version());
}

void InitCommon(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "strerror", Strerror);
  SetFn(env, exports, "version", Version);
}

}  // namespace vk
