/*
 * A libsrtp2 peer for the interop tests (test/srtp-libsrtp.test.ts).  Not part
 * of voipkit: compiled by the test into build/interop/ against Debian's
 * libsrtp2-dev.  Reads commands on stdin, one per line, answers one line each:
 *
 *   init <profile 1..8> <key||salt hex> <mki hex | -> <window>
 *   P <hex> | U <hex> | PC <hex> | UC <hex>   protect / unprotect RTP / RTCP
 *
 * answer: "ok <hex>" or "err <srtp_err_status_t>".  Profiles are voipkit's
 * numbering (vk_srtp.h).  Two libsrtp sessions: ssrc_any_outbound for P/PC,
 * ssrc_any_inbound for U/UC.
 */
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static srtp_t tx, rx;
static int use_mki;

static int unhex(const char *h, unsigned char *out, int max) {
  int n = 0;
  while (h[0] && h[1] && h[0] != '\n' && n < max) {
    unsigned v;
    sscanf(h, "%2x", &v);
    out[n++] = (unsigned char)v;
    h += 2;
  }
  return n;
}

static void answer(srtp_err_status_t st, const unsigned char *buf, int len) {
  if (st != srtp_err_status_ok) {
    printf("err %d\n", (int)st);
  } else {
    printf("ok ");
    for (int i = 0; i < len; i++) printf("%02x", buf[i]);
    printf("\n");
  }
  fflush(stdout);
}

static int set_policy(srtp_policy_t *p, int profile) {
  switch (profile) {
    case 1: srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp); srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp); break;
    case 2: srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp); srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp); break;
    case 3: srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&p->rtp); srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&p->rtcp); break;
    case 4: srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(&p->rtp); srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&p->rtcp); break;
    case 5: srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtp); srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp); break;
    case 6: srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p->rtp); srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p->rtcp); break;
    case 7: srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp); srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp); break;
    case 8: srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp); srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp); break;
    default: return -1;
  }
  return 0;
}

int main(void) {
  static char line[1 << 17];
  static unsigned char buf[1 << 16];
  static unsigned char key[64], mki[32];
  if (srtp_init() != srtp_err_status_ok) return 1;
  while (fgets(line, sizeof line, stdin)) {
    char cmd[8];
    if (sscanf(line, "%7s", cmd) != 1) continue;
    if (!strcmp(cmd, "init")) {
      int profile, window;
      char khex[200], mhex[80];
      sscanf(line, "init %d %199s %79s %d", &profile, khex, mhex, &window);
      unhex(khex, key, sizeof key);
      int mki_len = strcmp(mhex, "-") ? unhex(mhex, mki, sizeof mki) : 0;
      use_mki = mki_len > 0;
      srtp_master_key_t mk = {key, mki, (unsigned)mki_len};
      srtp_master_key_t *mks[1] = {&mk};
      srtp_policy_t p;
      memset(&p, 0, sizeof p);
      if (set_policy(&p, profile)) { printf("err -1\n"); fflush(stdout); continue; }
      if (use_mki) { p.keys = mks; p.num_master_keys = 1; } else { p.key = key; }
      p.window_size = (unsigned long)window;
      p.ssrc.type = ssrc_any_outbound;
      srtp_err_status_t st = srtp_create(&tx, &p);
      if (st == srtp_err_status_ok) {
        p.ssrc.type = ssrc_any_inbound;
        st = srtp_create(&rx, &p);
      }
      answer(st, buf, 0);
      continue;
    }
    char *h = strchr(line, ' ');
    if (!h) continue;
    int len = unhex(h + 1, buf, 60000);
    srtp_err_status_t st;
    if (!strcmp(cmd, "P")) st = srtp_protect_mki(tx, buf, &len, use_mki, 0);
    else if (!strcmp(cmd, "U")) st = srtp_unprotect_mki(rx, buf, &len, use_mki);
    else if (!strcmp(cmd, "PC")) st = srtp_protect_rtcp_mki(tx, buf, &len, use_mki, 0);
    else if (!strcmp(cmd, "UC")) st = srtp_unprotect_rtcp_mki(rx, buf, &len, use_mki);
    else st = srtp_err_status_bad_param;
    answer(st, buf, len);
  }
  return 0;
}
