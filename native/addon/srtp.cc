// SRTP / SRTCP binding (vk_srtp.h).  Hot calls are raw N-API callbacks that
// take pointers straight into the caller's typed arrays: no copies, no
// allocation per packet.
#include "addon.h"
#include "vk_srtp.h"
#include <cstring>
#include <new>

namespace vk {

static const napi_type_tag kSrtpTag = {0x766b5f7372747001ULL, 0x5a17c0de5a17c0deULL};

// The External of a session points at this box.  The per-packet calls check
// its magic instead of the External's type tag: napi_check_object_type_tag
// and napi_typeof cost about a fifth of the binding's per-call overhead, and
// napi_get_value_external already refuses anything that is not an External.
// The magic is random, so another component's External (whose object starts
// with other data) is refused too; the tag stays for the cold calls.
static const uint64_t kSrtpMagic = 0x9e3779b97f4a7c15ULL;
struct SrtpBox {
  uint64_t magic;
  vk_srtp *s;
};

static inline vk_srtp *HotSession(napi_env env, napi_value v) {
  void *p = nullptr;
  if (napi_get_value_external(env, v, &p) != napi_ok || !p) return nullptr;
  SrtpBox *b = static_cast<SrtpBox *>(p);
  return b->magic == kSrtpMagic ? b->s : nullptr;
}

static inline vk_srtp *ColdSession(napi_env env, napi_value v) {
  SrtpBox *b = UnwrapHandle<SrtpBox>(env, v, &kSrtpTag);
  return b && b->magic == kSrtpMagic ? b->s : nullptr;
}

static inline uint32_t ArgU32(napi_env env, napi_value v, uint32_t dflt) {
  uint32_t r;
  return napi_get_value_uint32(env, v, &r) == napi_ok ? r : dflt;
}

// srtpCreate(cfg: Uint32Array(8), key, salt, mki?: Uint8Array) -> handle | status
static napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  Args(env, info, argv);
  View cfg = GetView(env, argv[0], napi_uint32_array);
  View key = GetView(env, argv[1], napi_uint8_array);
  View salt = GetView(env, argv[2], napi_uint8_array);
  View mki = GetView(env, argv[3], napi_uint8_array);
  if (!cfg.ok || cfg.length < sizeof(vk_srtp_config) / 4 || !key.ok || !salt.ok) return Int(env, VK_ERR_ARG);
  vk_srtp_config c;
  memcpy(&c, cfg.data, sizeof c);
  if (c.mki_len && (!mki.ok || mki.length < c.mki_len)) return Int(env, VK_ERR_ARG);
  vk_srtp *s = nullptr;
  int32_t st = vk_srtp_create(&c, (const uint8_t *)key.data, key.length, (const uint8_t *)salt.data, salt.length,
                              mki.ok ? (const uint8_t *)mki.data : nullptr, &s);
  if (st != VK_OK) return Int(env, st);
  SrtpBox *b = new (std::nothrow) SrtpBox{kSrtpMagic, s};
  if (!b) {
    vk_srtp_destroy(s);
    return Int(env, VK_ERR_NOMEM);
  }
  return WrapHandle(env, b, &kSrtpTag);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  SrtpBox *b = UnwrapHandle<SrtpBox>(env, argv[0], &kSrtpTag);
  if (!b || b->magic != kSrtpMagic) return nullptr;
  vk_srtp_destroy(b->s);
  b->magic = 0;
  b->s = nullptr;
  delete b;
  return nullptr;
}

typedef int32_t (*PacketFn)(vk_srtp *, const uint8_t *, size_t, uint8_t *, size_t);

// (handle, in: Uint8Array, out: Uint8Array) -> length | status
template <PacketFn F>
static napi_value Packet(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_srtp *s = HotSession(env, argv[0]);
  View in = GetView(env, argv[1], napi_uint8_array);
  View out = GetView(env, argv[2], napi_uint8_array);
  if (!s || !in.ok || !out.ok) return Int(env, VK_ERR_ARG);
  // The core allows in place (out == in) but not partial overlap; checked
  // here on the raw pointers, so the TypeScript layer need not read the
  // arrays' buffers and offsets on every call.  VK_ERR_ARG means misuse.
  {
    uintptr_t a = (uintptr_t)in.data, b = (uintptr_t)out.data;
    if (in.length && out.length && a != b && a < b + out.length && b < a + in.length) return Int(env, VK_ERR_ARG);
  }
  // An empty typed array may have no data pointer: give the core a valid
  // zero-length one, so that it reports bad_length / buffer_too_small as the
  // WASM build does (invalid_argument is for misuse, not for short packets).
  uint8_t none[1];
  const uint8_t *ip = in.data ? (const uint8_t *)in.data : none;
  uint8_t *op = out.data ? (uint8_t *)out.data : none;
  return Int(env, F(s, ip, in.length, op, out.length));
}

// srtpBatch(handle, op, buf: Uint8Array, off: Uint32Array, len: Int32Array, cap: Uint32Array, n) -> ok count | status
static napi_value Batch(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  Args(env, info, argv);
  vk_srtp *s = HotSession(env, argv[0]);
  View buf = GetView(env, argv[2], napi_uint8_array);
  View off = GetView(env, argv[3], napi_uint32_array);
  View len = GetView(env, argv[4], napi_int32_array);
  View cap = GetView(env, argv[5], napi_uint32_array);
  int32_t n = ArgInt32(env, argv[6], -1);
  if (!s || !buf.ok || !off.ok || !len.ok || !cap.ok || n < 0 || (size_t)n > off.length ||
      (size_t)n > len.length || (size_t)n > cap.length)
    return Int(env, VK_ERR_ARG);
  uint8_t none[1];  // an empty buf: every packet fails alone, as on WASM
  return Int(env, vk_srtp_batch(s, ArgInt32(env, argv[1], -1), buf.data ? (uint8_t *)buf.data : none, buf.length,
                                (const uint32_t *)off.data, (int32_t *)len.data, (const uint32_t *)cap.data, (size_t)n));
}

static napi_value SetRoc(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_srtp *s = ColdSession(env, argv[0]);
  if (!s) return Int(env, VK_ERR_ARG);
  return Int(env, vk_srtp_set_roc(s, ArgU32(env, argv[1], 0), ArgU32(env, argv[2], 0)));
}

static napi_value SetRtcpIndex(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_srtp *s = ColdSession(env, argv[0]);
  if (!s) return Int(env, VK_ERR_ARG);
  return Int(env, vk_srtp_set_rtcp_index(s, ArgU32(env, argv[1], 0), ArgU32(env, argv[2], 0xffffffffu)));
}

static napi_value Stats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_srtp *s = ColdSession(env, argv[0]);
  View out = GetView(env, argv[1], napi_float64_array);
  if (!s || !out.ok) return Int(env, VK_ERR_ARG);
  return Int(env, vk_srtp_stats(s, (double *)out.data, out.length));
}

static napi_value StreamInfo(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_srtp *s = ColdSession(env, argv[0]);
  View out = GetView(env, argv[2], napi_float64_array);
  if (!s || !out.ok) return Int(env, VK_ERR_ARG);
  return Int(env, vk_srtp_stream_info(s, ArgU32(env, argv[1], 0), (double *)out.data, out.length));
}

// srtpProfileInfo(profile, out: Uint32Array(4)) -> status
static napi_value ProfileInfo(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  View out = GetView(env, argv[1], napi_uint32_array);
  if (!out.ok || out.length < 4) return Int(env, VK_ERR_ARG);
  uint32_t *o = (uint32_t *)out.data;
  return Int(env, vk_srtp_profile_info(ArgInt32(env, argv[0], -1), &o[0], &o[1], &o[2], &o[3]));
}

void InitSrtp(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "srtpCreate", Create);
  SetFn(env, exports, "srtpDestroy", Destroy);
  SetFn(env, exports, "srtpProtectRtp", Packet<vk_srtp_protect_rtp>);
  SetFn(env, exports, "srtpUnprotectRtp", Packet<vk_srtp_unprotect_rtp>);
  SetFn(env, exports, "srtpProtectRtcp", Packet<vk_srtp_protect_rtcp>);
  SetFn(env, exports, "srtpUnprotectRtcp", Packet<vk_srtp_unprotect_rtcp>);
  SetFn(env, exports, "srtpBatch", Batch);
  SetFn(env, exports, "srtpSetRoc", SetRoc);
  SetFn(env, exports, "srtpSetRtcpIndex", SetRtcpIndex);
  SetFn(env, exports, "srtpStats", Stats);
  SetFn(env, exports, "srtpStreamInfo", StreamInfo);
  SetFn(env, exports, "srtpProfileInfo", ProfileInfo);
}

}  // namespace vk
