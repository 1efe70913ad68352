// Shared helpers for the node-addon-api bindings.  The bindings are thin:
// they check argument types, take pointers into the caller's typed arrays
// (no copies) and call the flat C ABI.  Status codes are returned to
// TypeScript as numbers; src/errors.ts turns them into typed errors, so that
// both backends report failures the same way.
#pragma once
#include <napi.h>
#include <cstdint>
#include <cstddef>

namespace vk {

// A view of a typed array or Buffer argument.  ok is false if the value is
// not a TypedArray of the expected element type (the caller returns
// VK_ERR_ARG then).
struct View {
  void *data = nullptr;
  size_t length = 0;  // in elements
  bool ok = false;
};

inline View GetView(napi_env env, napi_value v, napi_typedarray_type want) {
  View r;
  // napi_get_typedarray_info fails with napi_invalid_arg for anything that
  // is not a TypedArray, so no separate napi_is_typedarray call is needed.
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &len, &data, nullptr, nullptr) != napi_ok) return r;
  // A Uint8Array view is accepted where Uint8ClampedArray or Int8Array is
  // given too: bytes are bytes.
  bool byteish = (want == napi_uint8_array) &&
                 (type == napi_uint8_clamped_array || type == napi_int8_array);
  if (type != want && !byteish) return r;
  r.data = data;
  r.length = len;
  r.ok = true;
  return r;
}

// Opaque handles cross into JavaScript as Externals tagged with the type of
// the core object, so that a handle of one kind can never be used as another.
// Lifetime is owned by the TypeScript wrapper (close() / FinalizationRegistry),
// never by the External itself.
template <typename T>
napi_value WrapHandle(napi_env env, T *p, const napi_type_tag *tag) {
  napi_value ext;
  napi_create_external(env, p, nullptr, nullptr, &ext);
  napi_type_tag_object(env, ext, tag);
  return ext;
}

template <typename T>
T *UnwrapHandle(napi_env env, napi_value v, const napi_type_tag *tag) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return nullptr;
  bool ok = false;
  if (napi_check_object_type_tag(env, v, tag, &ok) != napi_ok || !ok) return nullptr;
  void *p = nullptr;
  napi_get_value_external(env, v, &p);
  return static_cast<T *>(p);
}

inline int32_t ArgInt32(napi_env env, napi_value v, int32_t dflt) {
  int32_t r;
  return napi_get_value_int32(env, v, &r) == napi_ok ? r : dflt;
}

inline double ArgDouble(napi_env env, napi_value v, double dflt) {
  double r;
  return napi_get_value_double(env, v, &r) == napi_ok ? r : dflt;
}

inline napi_value Int(napi_env env, int32_t v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

inline napi_value Dbl(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

// Read up to N arguments into argv (missing ones are undefined).
template <size_t N>
inline size_t Args(napi_env env, napi_callback_info info, napi_value (&argv)[N]) {
  size_t argc = N;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  return argc;
}

// Register a raw callback on exports.  Hot functions use raw N-API callbacks
// (no C++ wrapper objects per call).
inline void SetFn(Napi::Env env, Napi::Object exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  exports.Set(name, Napi::Value(env, fn));
}

// Each component's binding file defines one of these; addon.cc calls them all.
void InitCommon(Napi::Env env, Napi::Object exports);
void InitG711(Napi::Env env, Napi::Object exports);
void InitSeq(Napi::Env env, Napi::Object exports);
void InitSrtp(Napi::Env env, Napi::Object exports);
void InitJb(Napi::Env env, Napi::Object exports);
void InitNs(Napi::Env env, Napi::Object exports);
void InitResample(Napi::Env env, Napi::Object exports);
void InitOpus(Napi::Env env, Napi::Object exports);
void InitCng(Napi::Env env, Napi::Object exports);

}  // namespace vk
