// Opus binding over vk_opus (the system libopus).  Compiled always; without
// libopus (VK_HAVE_OPUS undefined) it registers nothing but opusAvailable(),
// and the TypeScript layer falls back to opusscript.
#include "addon.h"

#ifdef VK_HAVE_OPUS
#include "vk_opus.h"
#endif

namespace vk {

#ifdef VK_HAVE_OPUS

static const napi_type_tag kEncTag = {0x766b5f6f70757301ULL, 0x4e2f3a1b5c6d7e8fULL};
static const napi_type_tag kDecTag = {0x766b5f6f70757302ULL, 0x4e2f3a1b5c6d7e90ULL};

// Any typed array: its element type, data and length (elements).
struct AnyView {
  napi_typedarray_type type;
  void *data = nullptr;
  size_t length = 0;
  bool ok = false;
};

static AnyView GetAny(napi_env env, napi_value v) {
  AnyView r;
  // napi_get_typedarray_info fails (napi_invalid_arg, no exception) for
  // anything that is not a TypedArray: no napi_is_typedarray first.
  if (napi_get_typedarray_info(env, v, &r.type, &r.length, &r.data, nullptr, nullptr) != napi_ok) return r;
  r.ok = true;
  return r;
}

// The per-frame calls (encode, decode) unwrap their handle with one call
// less than UnwrapHandle: napi_get_value_external fails (napi_invalid_arg,
// no exception) for anything that is not an External, which makes
// UnwrapHandle's napi_typeof redundant; the type tag is then checked on a
// value known to be an External.  (bench/results/opus-callgrind.md)
template <typename T>
static T *UnwrapExternal(napi_env env, napi_value v, const napi_type_tag *tag) {
  void *p = nullptr;
  if (napi_get_value_external(env, v, &p) != napi_ok) return nullptr;
  bool ok = false;
  if (napi_check_object_type_tag(env, v, tag, &ok) != napi_ok || !ok) return nullptr;
  return static_cast<T *>(p);
}

static napi_value EncCreate(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_opus_encoder *e = nullptr;
  int32_t st = vk_opus_encoder_create(ArgInt32(env, argv[0], -1), ArgInt32(env, argv[1], -1),
                                      ArgInt32(env, argv[2], -1), &e);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, e, &kEncTag);
}

static napi_value EncDestroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_opus_encoder_destroy(UnwrapHandle<vk_opus_encoder>(env, argv[0], &kEncTag));
  return nullptr;
}

static napi_value EncSet(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_opus_encoder *e = UnwrapHandle<vk_opus_encoder>(env, argv[0], &kEncTag);
  if (!e) return Int(env, VK_ERR_ARG);
  return Int(env, vk_opus_encoder_set(e, ArgInt32(env, argv[1], 0), ArgInt32(env, argv[2], 0)));
}

// opusEncGet(h, param, out: Int32Array[1]) -> status
static napi_value EncGet(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_opus_encoder *e = UnwrapHandle<vk_opus_encoder>(env, argv[0], &kEncTag);
  View out = GetView(env, argv[2], napi_int32_array);
  if (!e || !out.ok || out.length < 1) return Int(env, VK_ERR_ARG);
  return Int(env, vk_opus_encoder_get(e, ArgInt32(env, argv[1], 0), (int32_t *)out.data));
}

// opusEncode(h, pcm: Int16Array | Float32Array, frameSize, out: Uint8Array) -> bytes | status
// The caller checked pcm.length == frameSize * channels; the core checks
// frameSize, and the length is checked again here against the channels the
// encoder was created with (its frame times channels must fit in pcm).
static napi_value Encode(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  Args(env, info, argv);
  vk_opus_encoder *e = UnwrapExternal<vk_opus_encoder>(env, argv[0], &kEncTag);
  AnyView in = GetAny(env, argv[1]);
  int32_t frame = ArgInt32(env, argv[2], -1);
  View out = GetView(env, argv[3], napi_uint8_array);
  int32_t channels = ArgInt32(env, argv[4], 0);
  if (!e || !in.ok || !out.ok || frame <= 0 || channels < 1 || channels > 2 ||
      in.length < (size_t)frame * (size_t)channels)
    return Int(env, VK_ERR_ARG);
  if (in.type == napi_int16_array)
    return Int(env, vk_opus_encode(e, (const int16_t *)in.data, frame, (uint8_t *)out.data, out.length));
  if (in.type == napi_float32_array)
    return Int(env, vk_opus_encode_float(e, (const float *)in.data, frame, (uint8_t *)out.data, out.length));
  return Int(env, VK_ERR_ARG);
}

static napi_value DecCreate(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Args(env, info, argv);
  vk_opus_decoder *d = nullptr;
  int32_t st = vk_opus_decoder_create(ArgInt32(env, argv[0], -1), ArgInt32(env, argv[1], -1), &d);
  if (st != VK_OK) return Int(env, st);
  return WrapHandle(env, d, &kDecTag);
}

static napi_value DecDestroy(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Args(env, info, argv);
  vk_opus_decoder_destroy(UnwrapHandle<vk_opus_decoder>(env, argv[0], &kDecTag));
  return nullptr;
}

static napi_value DecGet(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_opus_decoder *d = UnwrapHandle<vk_opus_decoder>(env, argv[0], &kDecTag);
  View out = GetView(env, argv[2], napi_int32_array);
  if (!d || !out.ok || out.length < 1) return Int(env, VK_ERR_ARG);
  return Int(env, vk_opus_decoder_get(d, ArgInt32(env, argv[1], 0), (int32_t *)out.data));
}

static napi_value DecSet(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Args(env, info, argv);
  vk_opus_decoder *d = UnwrapHandle<vk_opus_decoder>(env, argv[0], &kDecTag);
  if (!d) return Int(env, VK_ERR_ARG);
  return Int(env, vk_opus_decoder_set(d, ArgInt32(env, argv[1], 0), ArgInt32(env, argv[2], 0)));
}

// opusDecode(h, mode, packet: Uint8Array | null, out: Int16Array | Float32Array, frames, channels)
//   mode 0: decode packet, frames = capacity in samples per channel
//   mode 1: conceal frames samples per channel (packet ignored)
//   mode 2: FEC from packet (the next one), frames = the lost duration
// -> samples per channel | status
static napi_value Decode(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Args(env, info, argv);
  vk_opus_decoder *d = UnwrapExternal<vk_opus_decoder>(env, argv[0], &kDecTag);
  int32_t mode = ArgInt32(env, argv[1], -1);
  AnyView out = GetAny(env, argv[3]);
  int32_t frames = ArgInt32(env, argv[4], -1);
  int32_t channels = ArgInt32(env, argv[5], 0);
  if (!d || !out.ok || frames <= 0 || channels < 1 || channels > 2 ||
      out.length < (size_t)frames * (size_t)channels)
    return Int(env, VK_ERR_ARG);
  bool isFloat = out.type == napi_float32_array;
  if (!isFloat && out.type != napi_int16_array) return Int(env, VK_ERR_ARG);
  if (mode == 1) {
    return Int(env, isFloat ? vk_opus_conceal_float(d, (float *)out.data, frames)
                            : vk_opus_conceal(d, (int16_t *)out.data, frames));
  }
  View pkt = GetView(env, argv[2], napi_uint8_array);
  if (!pkt.ok || pkt.length == 0) return Int(env, VK_ERR_ARG);
  const uint8_t *p = (const uint8_t *)pkt.data;
  if (mode == 0) {
    return Int(env, isFloat ? vk_opus_decode_float(d, p, pkt.length, (float *)out.data, frames)
                            : vk_opus_decode(d, p, pkt.length, (int16_t *)out.data, frames));
  }
  if (mode == 2) {
    return Int(env, isFloat ? vk_opus_decode_fec_float(d, p, pkt.length, (float *)out.data, frames)
                            : vk_opus_decode_fec(d, p, pkt.length, (int16_t *)out.data, frames));
  }
  return Int(env, VK_ERR_ARG);
}

static napi_value Available(napi_env env, napi_callback_info) { return Int(env, vk_opus_available()); }

static napi_value Version(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, vk_opus_version(), NAPI_AUTO_LENGTH, &s);
  return s;
}

void InitOpus(Napi::Env env, Napi::Object exports) {
  SetFn(env, exports, "opusAvailable", Available);
  SetFn(env, exports, "opusVersion", Version);
  SetFn(env, exports, "opusEncCreate", EncCreate);
  SetFn(env, exports, "opusEncDestroy", EncDestroy);
  SetFn(env, exports, "opusEncSet", EncSet);
  SetFn(env, exports, "opusEncGet", EncGet);
  SetFn(env, exports, "opusEncode", Encode);
  SetFn(env, exports, "opusDecCreate", DecCreate);
  SetFn(env, exports, "opusDecDestroy", DecDestroy);
  SetFn(env, exports, "opusDecGet", DecGet);
  SetFn(env, exports, "opusDecSet", DecSet);
  SetFn(env, exports, "opusDecode", Decode);
}

#else

static napi_value Unavailable(napi_env env, napi_callback_info) { return Int(env, 0); }

void InitOpus(Napi::Env env, Napi::Object exports) { SetFn(env, exports, "opusAvailable", Unavailable); }

#endif

}  // namespace vk
