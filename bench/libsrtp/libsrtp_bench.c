/*
 * A tiny Node-API binding of Debian's libsrtp2, for bench/srtp.bench.ts only
 * (never shipped, not part of the voipkit addon).  Built by
 * bench/libsrtp/build.mjs into build/bench/libsrtp_bench.node.
 *
 *   create(profile, keyAndSalt: Uint8Array, inbound: boolean) -> handle
 *   protect(h, src: Uint8Array, work: Uint8Array) -> length | -status
 *       copies src into work and protects it there (out of place, as voipkit)
 *   unprotect(h, buf: Uint8Array, len) -> length | -status   (in place)
 *   batch(h, protect: boolean, buf, off: Uint32Array, len: Int32Array, n) -> ok count
 *   destroy(h)
 * Profiles: voipkit's numbering, 1 = AES_CM_128_HMAC_SHA1_80, 7 = AEAD_AES_128_GCM.
 */
#include <node_api.h>
#include <srtp2/srtp.h>
#include <stdlib.h>
#include <string.h>

static void *bytes(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type t;
  void *d = NULL;
  size_t n = 0;
  if (napi_get_typedarray_info(env, v, &t, &n, &d, NULL, NULL) != napi_ok) return NULL;
  if (t == napi_uint32_array || t == napi_int32_array) n *= 4;
  if (len) *len = n;
  return d;
}

static napi_value num(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value Create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t profile;
  bool inbound;
  napi_get_value_int32(env, argv[0], &profile);
  napi_get_value_bool(env, argv[2], &inbound);
  unsigned char *key = bytes(env, argv[1], NULL);
  srtp_policy_t p;
  memset(&p, 0, sizeof p);
  if (profile == 7) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
  }
  p.key = key;
  p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  p.window_size = 128;
  p.allow_repeat_tx = 1;
  srtp_t s = NULL;
  if (srtp_create(&s, &p) != srtp_err_status_ok) return num(env, -1);
  napi_value ext;
  napi_create_external(env, s, NULL, NULL, &ext);
  return ext;
}

static srtp_t handle(napi_env env, napi_value v) {
  void *p = NULL;
  napi_get_value_external(env, v, &p);
  return (srtp_t)p;
}

static napi_value Protect(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t n, cap;
  unsigned char *src = bytes(env, argv[1], &n), *work = bytes(env, argv[2], &cap);
  if (cap < n + SRTP_MAX_TRAILER_LEN) return num(env, -1000);
  memcpy(work, src, n);
  int len = (int)n;
  srtp_err_status_t st = srtp_protect(handle(env, argv[0]), work, &len);
  return num(env, st ? -(double)st : len);
}

static napi_value Unprotect(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  unsigned char *buf = bytes(env, argv[1], NULL);
  int32_t len;
  napi_get_value_int32(env, argv[2], &len);
  int l = len;
  srtp_err_status_t st = srtp_unprotect(handle(env, argv[0]), buf, &l);
  return num(env, st ? -(double)st : l);
}

static napi_value Batch(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  srtp_t s = handle(env, argv[0]);
  bool protect;
  napi_get_value_bool(env, argv[1], &protect);
  unsigned char *buf = bytes(env, argv[2], NULL);
  uint32_t *off = bytes(env, argv[3], NULL);
  int32_t *len = bytes(env, argv[4], NULL);
  int32_t n, ok = 0;
  napi_get_value_int32(env, argv[5], &n);
  for (int32_t i = 0; i < n; i++) {
    int l = len[i];
    srtp_err_status_t st = protect ? srtp_protect(s, buf + off[i], &l) : srtp_unprotect(s, buf + off[i], &l);
    len[i] = st ? -(int32_t)st : l;
    ok += !st;
  }
  return num(env, ok);
}

static napi_value Destroy(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  srtp_dealloc(handle(env, argv[0]));
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  srtp_init();
  const struct { const char *name; napi_callback cb; } fns[] = {
      {"create", Create}, {"protect", Protect}, {"unprotect", Unprotect}, {"batch", Batch}, {"destroy", Destroy}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
