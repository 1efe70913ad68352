// Module entry: one Init per component (see addon.h).  The addon keeps no
// global state, so it is context-aware and loads in worker threads.
#include "addon.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  vk::InitCommon(env, exports);
  vk::InitG711(env, exports);
  vk::InitSeq(env, exports);
  vk::InitSrtp(env, exports);
  vk::InitJb(env, exports);
  vk::InitNs(env, exports);
  vk::InitResample(env, exports);
  vk::InitOpus(env, exports);
  vk::InitCng(env, exports);
  return exports;
}

NODE_API_MODULE(voipkit, Init)
