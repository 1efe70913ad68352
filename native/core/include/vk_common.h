/*
 * voipkit core: common definitions shared by every component.
 *
 * Conventions of the flat C ABI (see ../../../DEVELOPERS.md):
 *  - Every stateful component is an opaque struct with vk_<comp>_create()
 *    returning a status and writing the handle to an out-pointer, and
 *    vk_<comp>_destroy(), which accepts NULL.
 *  - Buffers are owned by the caller.  Functions that write take the
 *    capacity in and return the length written (>= 0) or a negative
 *    vk_status.  In-place operation is allowed only where a function says so.
 *  - No global mutable state, no clocks, no sockets, no files, no printing.
 *    Constant tables are allowed.
 *  - Everything exported carries VK_API so that the emscripten build exports
 *    it without a hand-kept list.
 */
#ifndef VK_COMMON_H
#define VK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__EMSCRIPTEN__)
#include <emscripten/emscripten.h>
#define VK_API EMSCRIPTEN_KEEPALIVE
#elif defined(__GNUC__)
#define VK_API __attribute__((visibility("default")))
#else
#define VK_API
#endif

/*
 * Status codes.  Fixed values: they cross the ABI and are mapped by name in
 * src/errors.ts.  Never renumber; append new codes at the end of a range.
 *   0          ok
 *   -1 ..  -19 generic argument / state errors
 *   -20 .. -39 packet format errors
 *   -40 .. -59 SRTP
 *   -60 .. -79 codecs
 *   -80 .. -99 jitter buffer / DSP
 */
typedef enum vk_status {
  VK_OK = 0,
  VK_ERR_ARG = -1,          /* an argument is out of range or NULL */
  VK_ERR_NOMEM = -2,        /* allocation failed */
  VK_ERR_BUFFER_SMALL = -3, /* caller's output buffer too small */
  VK_ERR_STATE = -4,        /* call not valid in the object's state */
  VK_ERR_UNSUPPORTED = -5,  /* feature not available in this build */
  VK_ERR_LIMIT = -6,        /* a configured bound was reached */

  VK_ERR_BAD_LENGTH = -20,  /* packet shorter than its header says */
  VK_ERR_BAD_VERSION = -21, /* RTP/RTCP version is not 2 */
  VK_ERR_BAD_PACKET = -22,  /* malformed packet (other reasons) */

  VK_ERR_AUTH_FAIL = -40,
  VK_ERR_REPLAY_DUPLICATE = -41,
  VK_ERR_REPLAY_OLD = -42,
  VK_ERR_KEY_EXPIRED = -43,
  VK_ERR_BAD_MKI = -44,
  VK_ERR_NO_STREAM = -45,   /* stream limit reached / unknown SSRC */
  VK_ERR_CIPHER = -46,      /* cipher failure inside the crypto backend */

  VK_ERR_CODEC = -60,       /* codec reported an error */
  VK_ERR_CORRUPT = -61,     /* corrupt coded frame */

  VK_ERR_TIME = -80         /* time went backwards */
} vk_status;

/* A short constant English description of a status; never NULL. */
VK_API const char *vk_strerror(int status);

/* Version of the core as 0xMMmmpp. */
VK_API uint32_t vk_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VK_COMMON_H */
