/*
 * The jitter buffer (vk_jb) decoding Opus natively through vk_opus_jb_hooks():
 * the C core path the TypeScript layer does not take.  Used by
 * test/opus-jb.test.ts; built into build/interop by the test.
 *
 *   opus_jb <speech48k.s16le> <fec|plc> <loss percent> <seed>
 *
 * Encodes the speech (48 kHz mono, 20 ms, VoIP, 32 kbit/s, FEC with 10 %
 * expected loss), sends it as RTP with i.i.d. loss (seeded LCG) arriving
 * every 20 ms, polls the buffer every 20 ms and writes the played audio
 * (s16le) to stdout.  "plc" wraps the hooks so that concealment never sees
 * the next packet (no FEC); "fec" uses them as they are.  Prints the
 * buffer's lost count and its delay to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vk_jb.h"
#include "vk_opus.h"

static const vk_jb_decoder *base;
static int with_next, without_next;
static int32_t conceal_no_fec(void *u, const uint8_t *next, size_t nl, int16_t *pcm, size_t n) {
  (void)nl;
  if (next) with_next++; else without_next++;
  return base->conceal(u, NULL, 0, pcm, n);
}
static int32_t conceal_counted(void *u, const uint8_t *next, size_t nl, int16_t *pcm, size_t n) {
  if (next) with_next++; else without_next++;
  return base->conceal(u, next, nl, pcm, n);
}

int main(int argc, char **argv) {
  if (argc != 5) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 1;
  static int16_t src[48000 * 10];
  size_t n = fread(src, 2, sizeof src / 2, f);
  fclose(f);
  int fec = strcmp(argv[2], "fec") == 0;
  unsigned loss = (unsigned)atoi(argv[3]);
  unsigned seed = (unsigned)atoi(argv[4]);

  vk_opus_encoder *enc;
  vk_opus_decoder *dec;
  if (vk_opus_encoder_create(48000, 1, VK_OPUS_APP_VOIP, &enc) || vk_opus_decoder_create(48000, 1, &dec)) return 1;
  vk_opus_encoder_set(enc, VK_OPUS_BITRATE, 32000);
  vk_opus_encoder_set(enc, VK_OPUS_INBAND_FEC, 1);
  vk_opus_encoder_set(enc, VK_OPUS_PACKET_LOSS_PERC, 10);

  vk_jb_config cfg;
  vk_jb_config_default(&cfg);
  cfg.clock_rate = 48000;
  cfg.frame_ms = 20;
  cfg.codec = VK_JB_CODEC_EXTERNAL;
  vk_jb *jb;
  if (vk_jb_create(&cfg, &jb)) return 1;
  base = vk_opus_jb_hooks();
  vk_jb_decoder hooks = *base;
  hooks.conceal = fec ? conceal_counted : conceal_no_fec;
  if (vk_jb_set_decoder(jb, &hooks, dec)) return 1;

  int frames = (int)(n / 960);
  uint8_t pkt[12 + 1500];
  int16_t out[960];
  int32_t info[VK_JB_INFO_LEN];
  unsigned lcg = seed * 2654435761u + 1;
  int lost = 0;
  for (int i = 0; i < frames + 10; i++) {
    double now = 20.0 * i;
    if (i < frames) {
      int len = vk_opus_encode(enc, src + (size_t)i * 960, 960, pkt + 12, 1500);
      if (len < 0) return 1;
      lcg = lcg * 1103515245u + 12345u;
      int drop = i > 0 && ((lcg >> 16) % 100) < loss;
      if (!drop) {
        uint16_t seq = (uint16_t)(1000 + i);
        uint32_t ts = 960u * (uint32_t)i, ssrc = 0x0fec0fec;
        pkt[0] = 0x80; pkt[1] = 111;
        pkt[2] = (uint8_t)(seq >> 8); pkt[3] = (uint8_t)seq;
        pkt[4] = (uint8_t)(ts >> 24); pkt[5] = (uint8_t)(ts >> 16); pkt[6] = (uint8_t)(ts >> 8); pkt[7] = (uint8_t)ts;
        pkt[8] = (uint8_t)(ssrc >> 24); pkt[9] = (uint8_t)(ssrc >> 16); pkt[10] = (uint8_t)(ssrc >> 8); pkt[11] = (uint8_t)ssrc;
        if (vk_jb_push(jb, pkt, (size_t)(12 + len), now) < 0) return 1;
      } else {
        lost++;
      }
    }
    int32_t r = vk_jb_poll(jb, now + 10.0, out, 960, info, VK_JB_INFO_LEN);
    if (r < 0) {
      fprintf(stderr, "poll: %s\n", vk_strerror(r));
      return 1;
    }
    fwrite(out, 2, (size_t)r, stdout);
  }
  double st[VK_JB_STAT_COUNT];
  vk_jb_stats(jb, st, VK_JB_STAT_COUNT);
  fprintf(stderr, "{\"dropped\":%d,\"lost\":%.0f,\"concealWithNext\":%d,\"concealWithoutNext\":%d,\"delayMs\":%.1f,\"expandRate\":%.4f}\n",
          lost, st[VK_JB_STAT_LOST], with_next, without_next, st[VK_JB_STAT_CURRENT_DELAY_MS], st[VK_JB_STAT_EXPAND_RATE]);
  vk_jb_destroy(jb);
  vk_opus_encoder_destroy(enc);
  vk_opus_decoder_destroy(dec);
  return 0;
}
