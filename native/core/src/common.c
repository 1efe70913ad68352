#include "vk_common.h"

const char *vk_strerror(int status) {
  switch (status) {
    case VK_OK: return "ok";
    case VK_ERR_ARG: return "invalid argument";
    case VK_ERR_NOMEM: return "out of memory";
    case VK_ERR_BUFFER_SMALL: return "output buffer too small";
    case VK_ERR_STATE: return "invalid state";
    case VK_ERR_UNSUPPORTED: return "not supported by this build";
    case VK_ERR_LIMIT: return "configured limit reached";
    case VK_ERR_BAD_LENGTH: return "bad length";
    case VK_ERR_BAD_VERSION: return "bad version";
    case VK_ERR_BAD_PACKET: return "malformed packet";
    case VK_ERR_AUTH_FAIL: return "authentication failed";
    case VK_ERR_REPLAY_DUPLICATE: return "replayed packet (duplicate)";
    case VK_ERR_REPLAY_OLD: return "replayed packet (too old)";
    case VK_ERR_KEY_EXPIRED: return "key lifetime exceeded";
    case VK_ERR_BAD_MKI: return "unknown MKI";
    case VK_ERR_NO_STREAM: return "no stream / stream limit";
    case VK_ERR_CIPHER: return "cipher failure";
    case VK_ERR_CODEC: return "codec error";
    case VK_ERR_CORRUPT: return "corrupt frame";
    case VK_ERR_TIME: return "time went backwards";
    default: return "unknown status";
  }
}

uint32_t vk_version(void) { return 0x000100u; }
