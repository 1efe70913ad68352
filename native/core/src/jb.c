/*
 * The jitter buffer object: RTP header parse, push, poll, stats.  See
 * vk_jb.h for the contract and jb_internal.h for the parts.
 */
#include "jb_internal.h"
#include "vk_g711.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef JB_TARGET_Q
#define JB_TARGET_Q 0.96          /* quantile of the offset requirement aimed at */
#endif
#ifndef JB_HISTORY_MS
#define JB_HISTORY_MS 60          /* played audio kept for concealment */
#endif
#ifndef JB_MAX_PACKET_MS
#define JB_MAX_PACKET_MS 120      /* longest packet decoded */
#endif
#ifndef JB_TS_JUMP_SLACK_MS
#define JB_TS_JUMP_SLACK_MS 1000  /* a timestamp this far beyond max delay is a jump */
#endif
#ifndef JB_STALL_MS
#define JB_STALL_MS 100.0         /* arrival gap beyond the timestamp gap that marks an outage */
#endif
#ifndef JB_BURST_SPACING
#define JB_BURST_SPACING 0.5      /* arrivals closer than this share of their timestamp gap are a burst */
#endif
#ifndef JB_SEEN_BITS
#define JB_SEEN_BITS 512          /* duplicate window, sequence numbers */
#endif

struct vk_jb {
  vk_jb_config cfg;
  int32_t frame;        /* samples per poll */
  int32_t max_dur;      /* samples of the longest packet */
  jb_buffer buf;
  jb_delay delay;
  jb_dsp dsp;
  vk_seq_state seq;
  vk_jb_decoder dec;
  void *dec_user;
  int has_dec;

  int have_stream;
  uint32_t ssrc;
  uint32_t ts_ref32;
  int64_t ts_ref_ext;
  int64_t max_ext_seq;
  int64_t newest_ts;     /* timestamp of the packet with max_ext_seq */
  uint64_t seen[JB_SEEN_BITS / 64];
  int64_t seen_top;      /* ext seq of bit 0 of the window's top end */
  int have_seen;

  double last_push_ms, last_poll_ms;
  int have_push, have_poll;

  int started;           /* a packet has been decoded */
  int anchor;            /* re-anchor the timeline on the next packet */
  int64_t next_ts;       /* timestamp of the next sample to decode */
  int64_t last_seq;      /* ext seq of the last decoded packet */
  int64_t ts_origin;
  double ts_origin_ms;
  int32_t default_dur;

  int16_t *audio;
  int32_t audio_cap, play, len;
  /* audio[] index just past the last sample decoded from a received packet
   * (time-stretched with it).  A decoder's concealment comes in whole
   * packets, so after stretching it can run ahead of the frame being filled:
   * that remainder is made-up audio, not buffered stream audio (stats). */
  int32_t real_end;
  int32_t hist_keep;
  int16_t *tmp;
  jb_marker markers[JB_MAX_MARKERS];
  int32_t nmarkers;
  double fresh[JB_MAX_FRESH];
  int32_t nfresh;

  int flag_reset, flag_skipped;
  /* concealment played while waiting at the current playout point: if the
   * awaited packet turns out lost, it becomes that packet's replacement */
  int32_t wait_samples, wait_frames, wait_voiced;
  int wait_next;         /* the decoder's concealment hook had the successor while waiting */
  int ext_concealed;     /* the external decoder made the concealment */
  /* stall detection (push) */
  double last_arrival_ms;
  int64_t last_arrival_ts;
  int have_last_arrival, in_burst;
  double stalls;
  double target_ms, offset_ms, base_ms;
  int64_t last_end_ts;   /* timestamp just after the last decoded packet */

  /* RTP clock above the audio rate (Opus): timestamps divided by ts_scale,
   * unwrapped at the RTP clock first so that the divided ones wrap at 2^32 */
  int32_t ts_scale;
  uint32_t rtp_ref32;
  int64_t rtp_ref_ext;
  int have_rtp_ref;

  /* the poll in progress (a HOST-codec poll resumes after each request) */
  int pp_active;
  double pp_now, pp_base, pp_tol;
  int32_t pp_op, pp_missing, pp_flags, pp_inserted, pp_removed;
  /* HOST codec: the pending request and the caller's answer */
  int32_t req_kind, req_n;
  int64_t req_seq, req_slot;
  int have_ans;
  int32_t ans_kind, ans_n, ans_len;
  int64_t ans_seq, ans_slot;
  int16_t *host_pcm;     /* max_dur samples */

  /* statistics */
  double received, late, duplicate, ooo, overflow, lost, merges, resets, polls, out_samples;
  double expand_samples, accel_samples, preempt_samples, cng_samples, invalid, ignored;
  double inserted_whole, inserted_whole_voiced, dropped_whole, dropped_whole_voiced;
};

void vk_jb_config_default(vk_jb_config *c) {
  if (!c) return;
  c->clock_rate = 8000;
  c->frame_ms = 20;
  c->codec = VK_JB_CODEC_PCMU;
  c->min_delay_ms = 0;
  c->max_delay_ms = 2000;
  c->max_packets = 250;
  c->max_payload = 1500;
  c->payload_type = -1;
  c->rtp_clock_rate = 0;
}

static int valid_config(const vk_jb_config *c) {
  int r = c->clock_rate;
  if (r != 8000 && r != 12000 && r != 16000 && r != 24000 && r != 32000 && r != 48000) return 0;
  if (c->frame_ms != 10 && c->frame_ms != 20) return 0;
  if (c->codec < 0 || c->codec > VK_JB_CODEC_HOST) return 0;
  int g711 = c->codec == VK_JB_CODEC_PCMU || c->codec == VK_JB_CODEC_PCMA;
  if (g711 && r != 8000) return 0;
  if (c->rtp_clock_rate != 0) {
    if (c->rtp_clock_rate < r || c->rtp_clock_rate > 48000 || c->rtp_clock_rate % r != 0) return 0;
    if (g711 && c->rtp_clock_rate != 8000) return 0;
  }
  if (c->max_delay_ms < 20 || c->max_delay_ms > 10000) return 0;
  if (c->min_delay_ms < 0 || c->min_delay_ms > c->max_delay_ms) return 0;
  if (c->max_packets < 2 || c->max_packets > 2000) return 0;
  if (c->max_payload < 1 || c->max_payload > 1500) return 0;
  if (c->payload_type < -1 || c->payload_type > 127) return 0;
  return 1;
}

static void clear_stats(vk_jb *jb) {
  jb->received = jb->late = jb->duplicate = jb->ooo = jb->overflow = jb->lost = 0;
  jb->merges = jb->resets = jb->polls = jb->out_samples = 0;
  jb->expand_samples = jb->accel_samples = jb->preempt_samples = jb->cng_samples = 0;
  jb->invalid = jb->ignored = 0;
  jb->stalls = 0;
  jb->inserted_whole = jb->inserted_whole_voiced = jb->dropped_whole = jb->dropped_whole_voiced = 0;
}

/* Forget the stream (packets, sequence state) but keep the audio history and
 * the delay estimate: used for SSRC changes, restarts and timestamp jumps. */
static void stream_reset(vk_jb *jb) {
  jb_buffer_clear(&jb->buf);
  vk_seq_init(&jb->seq, 0);
  jb->have_stream = 0;
  jb->have_seen = 0;
  memset(jb->seen, 0, sizeof jb->seen);
  jb->anchor = 1;
  jb->nfresh = 0;
  jb->flag_reset = 1;
  jb->have_last_arrival = 0;
  jb->in_burst = 0;
  jb->have_rtp_ref = 0;
}

void vk_jb_reset(vk_jb *jb) {
  if (!jb) return;
  stream_reset(jb);
  jb_delay_init(&jb->delay);
  jb_dsp_reset(&jb->dsp);
  jb->have_push = jb->have_poll = 0;
  jb->started = 0;
  jb->anchor = 0;
  jb->flag_reset = 0;
  jb->flag_skipped = 0;
  jb->default_dur = jb->frame;
  jb->play = jb->len = jb->real_end = 0;
  jb->nmarkers = 0;
  jb->target_ms = jb->offset_ms = jb->base_ms = 0;
  jb->last_end_ts = 0;
  jb->pp_active = 0;
  jb->req_kind = VK_JB_REQ_NONE;
  jb->have_ans = 0;
  clear_stats(jb);
}

int32_t vk_jb_create(const vk_jb_config *cfg, vk_jb **out) {
  if (!cfg || !out || !valid_config(cfg)) return VK_ERR_ARG;
  vk_jb *jb = (vk_jb *)calloc(1, sizeof *jb);
  if (!jb) return VK_ERR_NOMEM;
  jb->cfg = *cfg;
  jb->frame = cfg->clock_rate / 1000 * cfg->frame_ms;
  jb->max_dur = cfg->clock_rate / 1000 * JB_MAX_PACKET_MS;
  jb->hist_keep = cfg->clock_rate / 1000 * JB_HISTORY_MS;
  jb->ts_scale = cfg->rtp_clock_rate > 0 ? cfg->rtp_clock_rate / cfg->clock_rate : 1;
  int32_t st = jb_buffer_init(&jb->buf, cfg->max_packets, cfg->max_payload);
  if (st == VK_OK) st = jb_dsp_init(&jb->dsp, cfg->clock_rate);
  /* history + the frame being filled + two packets + room for stretching */
  jb->audio_cap = jb->hist_keep + 2 * jb->frame + 2 * jb->max_dur + 4 * jb->dsp.max_lag;
  jb->audio = (int16_t *)malloc(sizeof(int16_t) * (size_t)jb->audio_cap);
  jb->tmp = (int16_t *)malloc(sizeof(int16_t) * (size_t)jb->max_dur);
  if (cfg->codec == VK_JB_CODEC_HOST) jb->host_pcm = (int16_t *)malloc(sizeof(int16_t) * (size_t)jb->max_dur);
  if (st != VK_OK || !jb->audio || !jb->tmp || (cfg->codec == VK_JB_CODEC_HOST && !jb->host_pcm)) {
    vk_jb_destroy(jb);
    return st != VK_OK ? st : VK_ERR_NOMEM;
  }
  jb_delay_init(&jb->delay);
  vk_jb_reset(jb);
  *out = jb;
  return VK_OK;
}

void vk_jb_destroy(vk_jb *jb) {
  if (!jb) return;
  jb_buffer_free(&jb->buf);
  jb_dsp_free(&jb->dsp);
  free(jb->audio);
  free(jb->tmp);
  free(jb->host_pcm);
  free(jb);
}

int32_t vk_jb_set_decoder(vk_jb *jb, const vk_jb_decoder *dec, void *user) {
  if (!jb || !dec || !dec->decode || jb->cfg.codec != VK_JB_CODEC_EXTERNAL) return VK_ERR_ARG;
  jb->dec = *dec;
  jb->dec_user = user;
  jb->has_dec = 1;
  return VK_OK;
}

int32_t vk_jb_frame_samples(const vk_jb *jb) { return jb ? jb->frame : VK_ERR_ARG; }

/* ---- RTP (RFC 3550 5.1): the few fields the buffer needs ------------------ */

typedef struct rtp_view {
  uint16_t seq;
  uint32_t ts, ssrc;
  uint8_t pt;
  const uint8_t *payload;
  int32_t payload_len;
} rtp_view;

static int32_t rtp_parse(const uint8_t *p, size_t len, rtp_view *v) {
  if (len < 12) return VK_ERR_BAD_LENGTH;
  if ((p[0] >> 6) != 2) return VK_ERR_BAD_VERSION;
  size_t off = 12 + 4u * (p[0] & 0x0f);
  if (len < off) return VK_ERR_BAD_LENGTH;
  if (p[0] & 0x10) { /* header extension: 4 bytes + length words */
    if (len < off + 4) return VK_ERR_BAD_LENGTH;
    size_t words = ((size_t)p[off + 2] << 8) | p[off + 3];
    off += 4 + 4 * words;
    if (len < off) return VK_ERR_BAD_LENGTH;
  }
  size_t end = len;
  if (p[0] & 0x20) { /* padding: the last byte counts it, itself included */
    size_t pad = p[len - 1];
    if (pad == 0 || pad > end - off) return VK_ERR_BAD_PACKET;
    end -= pad;
  }
  if (end <= off) return VK_ERR_BAD_PACKET; /* no payload */
  v->pt = p[1] & 0x7f;
  if (v->pt >= 72 && v->pt <= 76) return VK_ERR_BAD_PACKET; /* RTCP SR/RR/SDES/BYE/APP (RFC 5761) */
  v->seq = (uint16_t)((p[2] << 8) | p[3]);
  v->ts = ((uint32_t)p[4] << 24) | ((uint32_t)p[5] << 16) | ((uint32_t)p[6] << 8) | p[7];
  v->ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
  v->payload = p + off;
  v->payload_len = (int32_t)(end - off);
  return VK_OK;
}

/* ---- helpers ---------------------------------------------------------------- */

static double ts_ms(const vk_jb *jb, int64_t ts) {
  return (double)(ts - jb->ts_origin) * 1000.0 / jb->cfg.clock_rate + jb->ts_origin_ms;
}

static int is_g711(const vk_jb *jb) {
  return jb->cfg.codec == VK_JB_CODEC_PCMU || jb->cfg.codec == VK_JB_CODEC_PCMA;
}

static int32_t payload_duration(vk_jb *jb, const uint8_t *payload, int32_t len) {
  if (jb->cfg.codec == VK_JB_CODEC_HOST) return 0; /* the timestamps and the decoded length decide */
  if (is_g711(jb)) return len < jb->max_dur ? len : jb->max_dur;
  if (jb->has_dec && jb->dec.duration) {
    int32_t d = jb->dec.duration(jb->dec_user, payload, (size_t)len);
    if (d > 0) return d < jb->max_dur ? d : jb->max_dur;
  }
  return 0;
}

static int32_t decode_payload(vk_jb *jb, const uint8_t *payload, int32_t len, int16_t *out) {
  if (jb->cfg.codec == VK_JB_CODEC_EXTERNAL) {
    if (!jb->has_dec) return VK_ERR_STATE;
    int32_t n = jb->dec.decode(jb->dec_user, payload, (size_t)len, out, (size_t)jb->max_dur);
    if (n < 0) return n;
    return n > jb->max_dur ? jb->max_dur : n;
  }
  int32_t n = len < jb->max_dur ? len : jb->max_dur;
  return vk_g711_decode(jb->cfg.codec == VK_JB_CODEC_PCMA ? VK_G711_ALAW : VK_G711_ULAW, payload, (size_t)n, out);
}

/* Duplicate window over extended sequence numbers. */
static int seen_test_set(vk_jb *jb, int64_t s) {
  if (!jb->have_seen) {
    memset(jb->seen, 0, sizeof jb->seen);
    jb->seen_top = s;
    jb->have_seen = 1;
  }
  if (s > jb->seen_top) {
    int64_t shift = s - jb->seen_top;
    if (shift >= JB_SEEN_BITS) {
      memset(jb->seen, 0, sizeof jb->seen);
    } else {
      for (int64_t k = 0; k < shift; k++) {
        int64_t q = jb->seen_top + 1 + k;
        int32_t bit = (int32_t)(q % JB_SEEN_BITS);
        jb->seen[bit / 64] &= ~(1ull << (bit % 64));
      }
    }
    jb->seen_top = s;
  } else if (jb->seen_top - s >= JB_SEEN_BITS) {
    return 1; /* too old to know: treat as a duplicate (it is late anyway) */
  }
  int32_t bit = (int32_t)(s % JB_SEEN_BITS);
  uint64_t m = 1ull << (bit % 64);
  if (jb->seen[bit / 64] & m) return 1;
  jb->seen[bit / 64] |= m;
  return 0;
}

static void drop_packet(vk_jb *jb, int32_t i) {
  const jb_pkt *p = &jb->buf.slots[i];
  jb->dropped_whole++;
  if (!is_g711(jb)) {
    jb->dropped_whole_voiced++;
  } else {
    int32_t n = decode_payload(jb, jb_buffer_payload(&jb->buf, i), p->len, jb->tmp);
    if (n > 0 && jb_dsp_rms(jb->tmp, n) >= JB_SILENCE_RMS) jb->dropped_whole_voiced++;
  }
  jb_buffer_remove(&jb->buf, i);
}

/* ---- push ------------------------------------------------------------------- */

int32_t vk_jb_push(vk_jb *jb, const uint8_t *pkt, size_t len, double arrival_ms) {
  if (!jb || (!pkt && len) || !isfinite(arrival_ms)) return VK_ERR_ARG;
  rtp_view v;
  int32_t st = rtp_parse(pkt, len, &v);
  if (st != VK_OK) {
    jb->invalid++;
    return st;
  }
  if (v.payload_len > jb->cfg.max_payload) {
    jb->invalid++;
    return VK_ERR_LIMIT;
  }
  if (jb->have_push && arrival_ms < jb->last_push_ms) return VK_ERR_TIME;
  jb->last_push_ms = arrival_ms;
  jb->have_push = 1;
  if (jb->cfg.payload_type >= 0 && v.pt != jb->cfg.payload_type) {
    jb->ignored++;
    return VK_JB_PUSH_IGNORED;
  }
  int32_t result = VK_JB_PUSH_OK;
  if (jb->have_stream && v.ssrc != jb->ssrc) {
    stream_reset(jb);
    jb->resets++;
    result = VK_JB_PUSH_RESET;
  }
  if (jb->ts_scale > 1) {
    int64_t e = jb->have_rtp_ref ? jb->rtp_ref_ext + vk_ts_diff(jb->rtp_ref32, v.ts) : (int64_t)v.ts + ((int64_t)1 << 32);
    jb->rtp_ref32 = v.ts;
    jb->rtp_ref_ext = e;
    jb->have_rtp_ref = 1;
    int64_t q = e >= 0 ? e / jb->ts_scale : -((-e + jb->ts_scale - 1) / jb->ts_scale);
    v.ts = (uint32_t)q;
  }
  int64_t ext = 0;
  int32_t sr = vk_seq_update(&jb->seq, v.seq, &ext);
  if (sr == VK_SEQ_JUMP || sr == VK_SEQ_PROBATION) {
    jb->ignored++;
    return VK_JB_PUSH_IGNORED;
  }
  if (sr == VK_SEQ_RESTART) {
    stream_reset(jb);
    jb->resets++;
    sr = vk_seq_update(&jb->seq, v.seq, &ext);
    result = VK_JB_PUSH_RESET;
  }
  /* A late packet from before the stream's first one across the wrap is
   * numbered negatively (vk_seq.h, at least -32768); one cycle up keeps the
   * window arithmetic (seen_test_set's %) on non-negative numbers.  Only
   * differences of ext matter here, and 16-bit seqs are ext & 0xffff. */
  ext += VK_SEQ_MOD;
  int32_t dur = payload_duration(jb, v.payload, v.payload_len);
  int first = !jb->have_stream;
  int64_t ets;
  if (first) {
    jb->have_stream = 1;
    jb->ssrc = v.ssrc;
    jb->ts_ref32 = v.ts;
    /* keep extended timestamps increasing across streams */
    jb->ts_ref_ext = jb->started ? jb->next_ts + ((int64_t)1 << 32) : (int64_t)v.ts + ((int64_t)1 << 32);
    ets = jb->ts_ref_ext;
    jb->max_ext_seq = (int64_t)ext;
    jb->newest_ts = ets;
    if (!jb->started && !jb->anchor) {
      jb->ts_origin = ets;
      jb->ts_origin_ms = 0;
    } else {
      /* map the new stream so that its first packet needs the fastest
       * recent offset: the delay estimate carries over */
      jb->ts_origin = ets;
      jb->ts_origin_ms = arrival_ms - jb->base_ms;
    }
  } else {
    ets = jb->ts_ref_ext + vk_ts_diff(jb->ts_ref32, v.ts);
    int64_t expect = jb->newest_ts + ((int64_t)ext - jb->max_ext_seq) * (dur > 0 ? dur : jb->default_dur);
    int64_t slack = (int64_t)(jb->cfg.max_delay_ms + JB_TS_JUMP_SLACK_MS) * jb->cfg.clock_rate / 1000;
    if (ets - expect > slack || expect - ets > slack) {
      if ((int64_t)ext > jb->max_ext_seq) {
        /* a timestamp jump in sequence: a new timeline */
        stream_reset(jb);
        jb->resets++;
        int32_t r = vk_jb_push(jb, pkt, len, arrival_ms);
        return r < 0 ? r : VK_JB_PUSH_RESET;
      }
      jb->ignored++;
      return VK_JB_PUSH_IGNORED;
    }
  }
  jb->received++;
  int64_t max_before = jb->max_ext_seq;
  if (!first && seen_test_set(jb, (int64_t)ext)) {
    jb->duplicate++;
    return VK_JB_PUSH_DUPLICATE;
  }
  if (first) seen_test_set(jb, (int64_t)ext);
  if (!first && (int64_t)ext < max_before) jb->ooo++;
  jb_delay_arrival(&jb->delay, (int64_t)ext, first ? (int64_t)ext : max_before, arrival_ms, ets, jb->cfg.clock_rate);
  if ((int64_t)ext > jb->max_ext_seq) {
    jb->max_ext_seq = (int64_t)ext;
    jb->newest_ts = ets;
    jb->ts_ref32 = v.ts;
    jb->ts_ref_ext = ets;
  }
  if (dur > 0) jb->default_dur = dur;
  /* Stalls: a packet that comes far later after its predecessor than its
   * timestamp says ends an outage; the packets held during it then arrive
   * in a burst.  Waiting already plays all of them, so they say nothing
   * about the jitter the target must cover and stay out of the estimate
   * (a route change is different: after its first packet the spacing is
   * normal again, and those packets are learnt at once). */
  int record = 1;
  if ((int64_t)ext > max_before || first) {
    if (jb->have_last_arrival) {
      double gap_arr = arrival_ms - jb->last_arrival_ms;
      double gap_ts = (double)(ets - jb->last_arrival_ts) * 1000.0 / jb->cfg.clock_rate;
      if (gap_arr - gap_ts > JB_STALL_MS) {
        jb->in_burst = 1;
        jb->stalls++;
        record = 0;
      } else if (jb->in_burst) {
        if (gap_arr < JB_BURST_SPACING * gap_ts) record = 0;
        else jb->in_burst = 0;
      }
    }
    jb->last_arrival_ms = arrival_ms;
    jb->last_arrival_ts = ets;
    jb->have_last_arrival = 1;
  } else if (jb->in_burst) {
    record = 0;
  }
  /* the delay estimate learns from late packets too */
  if (!record) {
    /* not learnt */
  } else if (jb->nfresh < JB_MAX_FRESH) {
    jb->fresh[jb->nfresh++] = ts_ms(jb, ets);
  } else {
    jb_delay_add(&jb->delay, arrival_ms, arrival_ms - ts_ms(jb, ets));
  }
  if (jb->started && !jb->anchor && ets < jb->next_ts) {
    jb->late++;
    return VK_JB_PUSH_LATE;
  }
  jb_pkt m;
  memset(&m, 0, sizeof m);
  m.ext_seq = (int64_t)ext;
  m.ts = ets;
  m.arrival_ms = arrival_ms;
  m.len = v.payload_len;
  m.dur = dur;
  m.seq = v.seq;
  if (jb->buf.count >= jb->buf.cap) {
    int32_t o = jb_buffer_oldest(&jb->buf);
    jb->overflow++;
    if (o >= 0 && (jb->buf.slots[o].ts < ets)) {
      drop_packet(jb, o);
    } else {
      jb->dropped_whole++;
      return VK_JB_PUSH_OVERFLOW;
    }
    if (result == VK_JB_PUSH_OK) result = VK_JB_PUSH_OVERFLOW;
  }
  jb_buffer_insert(&jb->buf, &m, v.payload);
  return result;
}

/* ---- poll ------------------------------------------------------------------- */

static void add_marker(vk_jb *jb, int32_t pos, uint16_t seq) {
  if (jb->nmarkers == JB_MAX_MARKERS) {
    memmove(jb->markers, jb->markers + 1, sizeof(jb_marker) * (JB_MAX_MARKERS - 1));
    jb->nmarkers--;
  }
  jb->markers[jb->nmarkers].pos = pos;
  jb->markers[jb->nmarkers].seq = seq;
  jb->nmarkers++;
}

static void shift_markers(vk_jb *jb, int32_t at, int32_t change) {
  for (int32_t i = 0; i < jb->nmarkers; i++) {
    int32_t p = jb->markers[i].pos;
    if (p < at) continue;
    if (change < 0) {
      p += change;
      if (p < at) p = at;
    } else {
      p += change;
    }
    jb->markers[i].pos = p;
  }
}

static int op_rank(int32_t op) {
  switch (op) {
    case VK_JB_OP_EXPAND: return 5;
    case VK_JB_OP_CNG: return 4;
    case VK_JB_OP_MERGE: return 3;
    case VK_JB_OP_ACCELERATE: return 2;
    case VK_JB_OP_PREEMPTIVE: return 2;
    default: return 0;
  }
}

static void set_op(int32_t *op, int32_t o) {
  if (op_rank(o) > op_rank(*op)) *op = o;
}

static int has_conceal_hook(const vk_jb *jb) {
  if (jb->cfg.codec == VK_JB_CODEC_HOST) return 1;
  return jb->cfg.codec == VK_JB_CODEC_EXTERNAL && jb->has_dec && jb->dec.conceal;
}

#define JB_NEED (-100000) /* internal: the poll waits for the caller's decoder */

/* HOST codec: the caller's answer to the request (kind, payload seq, slot,
 * n) when it has given it -- the samples are in host_pcm, or a negative
 * count -- else post the request and return JB_NEED. */
static int32_t host_audio(vk_jb *jb, int32_t kind, int64_t seq, int64_t slot, int32_t n) {
  if (jb->have_ans && jb->ans_kind == kind && jb->ans_seq == seq && jb->ans_slot == slot && jb->ans_n == n) {
    jb->have_ans = 0;
    return jb->ans_len;
  }
  jb->have_ans = 0;
  jb->req_kind = kind;
  jb->req_seq = seq;
  jb->req_slot = slot;
  jb->req_n = n;
  return JB_NEED;
}

/* Decode buffered packet i into jb->tmp: the sample count, a negative
 * count when it cannot be decoded, or JB_NEED. */
static int32_t decode_at(vk_jb *jb, int32_t i) {
  const jb_pkt *p = &jb->buf.slots[i];
  if (jb->cfg.codec == VK_JB_CODEC_HOST) {
    int32_t r = host_audio(jb, VK_JB_REQ_DECODE, p->ext_seq, -1, jb->max_dur);
    if (r > 0) memcpy(jb->tmp, jb->host_pcm, sizeof(int16_t) * (size_t)r);
    return r;
  }
  return decode_payload(jb, jb_buffer_payload(&jb->buf, i), p->len, jb->tmp);
}

/*
 * Extended sequence number of the packet slot that holds timestamp position
 * pos (at or after next_ts): counted back from the next packet present, p,
 * or on from the last packet decoded.  When several packets in a row are
 * missing this is what tells which of them a concealment stands for, and
 * so which packet's in-band FEC can rebuild it.
 */
static int64_t slot_seq(const vk_jb *jb, const jb_pkt *p, int64_t pos) {
  int64_t d = jb->default_dur > 0 ? jb->default_dur : jb->frame;
  int64_t lo = jb->last_seq + 1;
  if (p && p->ext_seq > lo) {
    int64_t s = p->ts > pos ? p->ext_seq - (p->ts - pos + d - 1) / d : p->ext_seq - 1;
    if (s < lo) s = lo;
    if (s > p->ext_seq - 1) s = p->ext_seq - 1;
    return s;
  }
  return lo + (pos > jb->last_end_ts ? (pos - jb->last_end_ts) / d : 0);
}

/* Conceal n samples at the end of the audio for the missing packet `slot`
 * (-1: a gap, not a packet), handing a decoder the packet after it, buffer
 * index ni (or -1), for in-band FEC.  Returns 1 if audible, 0 if not, or
 * JB_NEED. */
static int32_t conceal(vk_jb *jb, int32_t n, int64_t slot, int32_t ni) {
  int16_t *dst = jb->audio + jb->len;
  const uint8_t *next = ni >= 0 ? jb_buffer_payload(&jb->buf, ni) : NULL;
  int32_t next_len = ni >= 0 ? jb->buf.slots[ni].len : 0;
  int32_t host = 0;
  if (jb->cfg.codec == VK_JB_CODEC_HOST) {
    host = host_audio(jb, VK_JB_REQ_CONCEAL, ni >= 0 ? jb->buf.slots[ni].ext_seq : -1, slot, n);
    if (host == JB_NEED) return JB_NEED;
  }
  if (!jb->dsp.plc.active) jb_dsp_plc_begin(&jb->dsp, jb->audio, jb->len, jb->len - jb->play);
  int audible;
  if (jb->cfg.codec == VK_JB_CODEC_HOST) {
    if (host == n) {
      memcpy(dst, jb->host_pcm, sizeof(int16_t) * (size_t)n);
      jb->ext_concealed = 1; /* the decoder continues its own concealment: no cross-fade at the merge */
      audible = 1;
    } else {
      audible = jb_dsp_plc_generate(&jb->dsp, dst, n);
    }
  } else if (has_conceal_hook(jb)) {
    int32_t r = jb->dec.conceal(jb->dec_user, next, (size_t)next_len, dst, (size_t)n);
    if (r < 0) {
      jb_dsp_plc_generate(&jb->dsp, dst, n);
    } else {
      /* the decoder continues its own concealment into the next frame:
       * no cross-fade from ours at the merge */
      jb->ext_concealed = 1;
    }
    audible = 1;
  } else {
    audible = jb_dsp_plc_generate(&jb->dsp, dst, n);
  }
  jb->len += n;
  return audible;
}

const uint8_t *vk_jb_request(const vk_jb *jb, int32_t *req, size_t req_cap) {
  if (!jb || (!req && req_cap)) return NULL;
  int32_t r[VK_JB_REQ_LEN] = {VK_JB_REQ_NONE, 0, -1, 0, -1};
  const uint8_t *payload = NULL;
  if (jb->req_kind != VK_JB_REQ_NONE) {
    r[0] = jb->req_kind;
    r[1] = jb->req_n;
    r[4] = jb->req_slot >= 0 ? (int32_t)(jb->req_slot & 0xffff) : -1;
    int32_t i = jb->req_seq >= 0 ? jb_buffer_find_seq(&jb->buf, jb->req_seq) : -1;
    if (i >= 0) {
      r[2] = jb->buf.slots[i].seq;
      r[3] = jb->buf.slots[i].len;
      payload = jb_buffer_payload(&jb->buf, i);
    }
  }
  size_t k = req_cap < VK_JB_REQ_LEN ? req_cap : VK_JB_REQ_LEN;
  for (size_t i = 0; i < k; i++) req[i] = r[i];
  return payload;
}

int32_t vk_jb_supply(vk_jb *jb, const int16_t *pcm, int32_t n) {
  if (!jb) return VK_ERR_ARG;
  if (jb->req_kind == VK_JB_REQ_NONE) return VK_ERR_STATE;
  if (n > 0 && !pcm) return VK_ERR_ARG;
  if (n > jb->req_n || (jb->req_kind == VK_JB_REQ_CONCEAL && n >= 0 && n != jb->req_n)) return VK_ERR_ARG;
  if (n > 0) memcpy(jb->host_pcm, pcm, sizeof(int16_t) * (size_t)n);
  jb->ans_kind = jb->req_kind;
  jb->ans_seq = jb->req_seq;
  jb->ans_slot = jb->req_slot;
  jb->ans_n = jb->req_n;
  jb->ans_len = n < 0 ? -1 : n;
  jb->have_ans = 1;
  jb->req_kind = VK_JB_REQ_NONE;
  return VK_OK;
}

int32_t vk_jb_poll(vk_jb *jb, double now_ms, int16_t *pcm, size_t cap, int32_t *info, size_t info_cap) {
  if (!jb || !pcm || !info || !isfinite(now_ms)) return VK_ERR_ARG;
  if (cap < (size_t)jb->frame) return VK_ERR_BUFFER_SMALL;
  if (info_cap < VK_JB_INFO_HEADER) return VK_ERR_BUFFER_SMALL;
  if (jb->cfg.codec == VK_JB_CODEC_EXTERNAL && !jb->has_dec) return VK_ERR_STATE;
  const int32_t rate = jb->cfg.clock_rate;
  const int32_t N = jb->frame;

  if (!jb->pp_active) {
    if (jb->have_poll && now_ms < jb->last_poll_ms) return VK_ERR_TIME;
    jb->last_poll_ms = now_ms;
    jb->have_poll = 1;
    for (int32_t i = 0; i < jb->nfresh; i++) jb_delay_add(&jb->delay, now_ms, now_ms - jb->fresh[i]);
    jb->nfresh = 0;
    double base = jb_delay_base(&jb->delay, now_ms, 0.0);
    jb->base_ms = base;
    double target = jb_delay_quantile(&jb->delay, JB_TARGET_Q, base);
    if (target < base + jb->cfg.min_delay_ms) target = base + jb->cfg.min_delay_ms;
    if (target > base + jb->cfg.max_delay_ms) target = base + jb->cfg.max_delay_ms;
    jb->target_ms = target;
    jb->pp_active = 1;
    jb->pp_now = now_ms;
    jb->pp_base = base;
    jb->pp_tol = jb_delay_reorder_tolerance(&jb->delay);
    jb->pp_op = VK_JB_OP_NORMAL;
    jb->pp_missing = -1;
    jb->pp_flags = jb->pp_inserted = jb->pp_removed = 0;
  }
  /* a HOST-codec poll resumes here after each answer, with its own time */
  now_ms = jb->pp_now;
  const double base = jb->pp_base, target = jb->target_ms, tol = jb->pp_tol;

  while (jb->len - jb->play < N) {
    int32_t pending = jb->len - jb->play;
    /* late packets that slipped behind the playout point */
    if (jb->started && !jb->anchor) {
      for (int32_t i = jb->buf.count - 1; i >= 0; i--) {
        if (jb->buf.slots[i].ts < jb->next_ts) {
          jb->late++;
          jb_buffer_remove(&jb->buf, i);
        }
      }
    }
    int32_t pi = jb_buffer_oldest(&jb->buf);
    if (!jb->started && pi >= 0 && jb->cfg.min_delay_ms > 0 &&
        now_ms + (double)pending * 1000.0 / rate - ts_ms(jb, jb->buf.slots[pi].ts) < base + jb->cfg.min_delay_ms) {
      pi = -1; /* start only once the first packet has waited min_delay_ms */
    }
    if ((!jb->started || jb->anchor) && pi >= 0) {
      jb->next_ts = jb->buf.slots[pi].ts;
      jb->last_end_ts = jb->next_ts;
      jb->last_seq = jb->buf.slots[pi].ext_seq - 1;
      jb->started = 1;
      jb->anchor = 0;
      jb->wait_samples = jb->wait_frames = jb->wait_voiced = jb->wait_next = 0;
    }
    if (!jb->started) {
      /* nothing has arrived yet: silence */
      memset(jb->audio + jb->len, 0, sizeof(int16_t) * (size_t)(N - pending));
      jb->len += N - pending;
      jb->cng_samples += N - pending;
      set_op(&jb->pp_op, VK_JB_OP_CNG);
      break;
    }
    double offset = now_ms + (double)pending * 1000.0 / rate - ts_ms(jb, jb->next_ts);
    double max_offset = base + jb->cfg.max_delay_ms;
    /* bound the delay: skip whole packets beyond the maximum */
    while (offset > max_offset + 1000.0 * N / rate && pi >= 0) {
      jb_pkt *p = &jb->buf.slots[pi];
      jb->next_ts = p->ts + (p->dur > 0 ? p->dur : jb->default_dur);
      jb->last_end_ts = jb->next_ts;
      jb->last_seq = p->ext_seq;
      jb->overflow++;
      drop_packet(jb, pi);
      jb->wait_samples = jb->wait_frames = jb->wait_voiced = jb->wait_next = 0;
      jb->pp_flags |= VK_JB_FLAG_SKIPPED;
      pi = jb_buffer_oldest(&jb->buf);
      offset = now_ms + (double)pending * 1000.0 / rate - ts_ms(jb, jb->next_ts);
    }
    jb_decision_in din;
    memset(&din, 0, sizeof din);
    const jb_pkt *p = pi >= 0 ? &jb->buf.slots[pi] : NULL;
    din.have_next = p && p->ts == jb->next_ts;
    din.have_later = p && p->ts > jb->next_ts;
    din.seq_contiguous = p && p->ext_seq == jb->last_seq + 1;
    if (p) {
      double first = INFINITY;
      for (int32_t i = 0; i < jb->buf.count; i++)
        if (jb->buf.slots[i].arrival_ms < first) first = jb->buf.slots[i].arrival_ms;
      din.hole_wait_ms = now_ms - first;
    }
    din.reorder_tol_ms = tol;
    din.gap = p ? p->ts - jb->next_ts : 0;
    din.waited = jb->wait_samples;
    din.need = N - pending;
    din.offset_ms = offset;
    din.max_offset_ms = max_offset;
    jb->offset_ms = offset;
    jb_action act = jb_decide(&din);

    if (act == JB_ACT_DECODE) {
      int32_t n = decode_at(jb, pi);
      if (n == JB_NEED) return 0;
      if (n < 0) {
        /* undecodable (a corrupt payload): dropped, and its slot is
         * concealed as a lost packet's would be */
        jb->invalid++;
        jb_buffer_remove(&jb->buf, pi);
        continue;
      }
      if (n == 0) n = 1, jb->tmp[0] = 0;
      int32_t dur = p->dur > 0 ? p->dur : n;
      if (p->dur <= 0 && !is_g711(jb)) jb->default_dur = n;
      if (n > jb->audio_cap - jb->len) n = jb->audio_cap - jb->len;
      int was_concealing = jb->dsp.plc.active;
      if (was_concealing) {
        if (jb->ext_concealed) {
          jb->dsp.plc.active = 0;
          jb->dsp.plc.elapsed = 0;
        } else {
          jb_dsp_merge(&jb->dsp, jb->tmp, n);
        }
        jb->ext_concealed = 0;
        jb->merges++;
        set_op(&jb->pp_op, VK_JB_OP_MERGE);
      }
      if (p->ext_seq > jb->last_seq + 1) jb->lost += (double)(p->ext_seq - jb->last_seq - 1);
      memcpy(jb->audio + jb->len, jb->tmp, sizeof(int16_t) * (size_t)n);
      add_marker(jb, jb->len, p->seq);
      jb->len += n;
      jb->real_end = jb->len;
      jb->last_seq = p->ext_seq;
      jb->next_ts = p->ts + dur;
      jb->last_end_ts = jb->next_ts;
      jb->wait_samples = jb->wait_frames = jb->wait_voiced = jb->wait_next = 0;
      jb_buffer_remove(&jb->buf, pi);
      /* time-stretch towards the target */
      int32_t pend = jb->len - jb->play;
      int next_here = 0;
      for (int32_t i = 0; i < jb->buf.count; i++)
        if (jb->buf.slots[i].ts == jb->next_ts) next_here = 1;
      int32_t spare = next_here ? pend - 2 * jb->dsp.min_lag : pend - N;
      int sign = 0;
      int voiced = jb_dsp_rms(jb->audio + jb->play, pend) >= JB_SILENCE_RMS;
      int32_t amount = jb_decide_stretch(offset, target, rate, spare, jb->dsp.min_lag, voiced, &sign);
      if (sign > 0 && amount > jb->audio_cap - jb->len) amount = jb->audio_cap - jb->len;
      /* at most one frame's worth removed per poll: playout at no more than
       * double speed, however much silence there is to skip */
      if (sign < 0 && amount > N - jb->pp_removed) amount = N - jb->pp_removed;
      if (sign != 0 && amount >= jb->dsp.min_lag) {
        int32_t at = 0;
        int32_t ch = jb_dsp_stretch(&jb->dsp, jb->audio + jb->play, pend, amount, sign, &at);
        if (ch != 0) {
          shift_markers(jb, jb->play + at, ch);
          jb->len += ch;
          jb->real_end = jb->len; /* the stretch works on what was just decoded */
          if (ch < 0) {
            jb->pp_removed += -ch;
            jb->accel_samples += -ch;
            set_op(&jb->pp_op, VK_JB_OP_ACCELERATE);
          } else {
            jb->preempt_samples += ch;
            set_op(&jb->pp_op, VK_JB_OP_PREEMPTIVE);
          }
        }
      }
      continue;
    }
    int32_t need = N - pending;
    /* The missing packet this concealment stands for -- while waiting, the
     * slot after those already concealed -- and the packet after it, whose
     * in-band FEC a decoder can rebuild it from. */
    int64_t slot = slot_seq(jb, p, jb->next_ts + (act == JB_ACT_EXPAND_WAIT ? jb->wait_samples : 0));
    int32_t ni = -1;
    if (p && !din.seq_contiguous) {
      ni = jb_buffer_find_seq(&jb->buf, slot + 1);
      if (ni >= 0) jb->pp_flags |= VK_JB_FLAG_NEXT_PRESENT;
    }
    /* A decoder conceals (or rebuilds from FEC) whole packets: Opus's
     * decode_fec recovers a frame only when asked for all of it.  The
     * buffer's own concealment goes by what this poll needs. */
    int32_t unit = need;
    if (has_conceal_hook(jb)) {
      int32_t d = jb->default_dur > 0 ? jb->default_dur : jb->frame;
      if (d > jb->max_dur) d = jb->max_dur;
      if (d > jb->audio_cap - jb->len) d = jb->audio_cap - jb->len;
      if (d > unit) unit = d;
    }
    if (act == JB_ACT_EXPAND_WAIT) {
      need = unit;
      int32_t audible = conceal(jb, need, slot, ni);
      if (audible == JB_NEED) return 0;
      jb->wait_next = ni >= 0; /* whether the latest waited slot had its successor */
      jb->pp_inserted += need;
      jb->inserted_whole++;
      jb->wait_samples += need;
      jb->wait_frames++;
      if (audible && jb_dsp_rms(jb->audio + jb->len - need, need) >= JB_SILENCE_RMS) {
        jb->inserted_whole_voiced++;
        jb->wait_voiced++;
      }
      if (audible) {
        jb->expand_samples += need;
        set_op(&jb->pp_op, VK_JB_OP_EXPAND);
      } else {
        jb->cng_samples += need;
        set_op(&jb->pp_op, VK_JB_OP_CNG);
      }
      jb->pp_missing = (int32_t)(slot & 0xffff);
      continue;
    }
    /* EXPAND_LOST or CNG_GAP: fill towards the next packet and advance */
    int64_t gap = p ? p->ts - jb->next_ts : (int64_t)need;
    /* The successor came only after the wait began, so the concealment
     * played while waiting was blind.  A decoder that recovers the missing
     * packet from its successor (in-band FEC) is handed it now, as a packet
     * arriving late while waiting would be decoded: what was concealed stays
     * inserted (the delay grew by it) and the recovered audio takes the
     * missing packet's place.  Without such a hook (G.711), or when the hook
     * already had the successor, the waited concealment is the replacement. */
    int drop_wait = 0;
    if (act == JB_ACT_EXPAND_LOST && p && jb->wait_samples > 0 && !jb->wait_next && has_conceal_hook(jb)) {
      /* Only the waited concealment that reaches into the last missing
       * slot, the one p's FEC can rebuild, is given up; what stands for the
       * slots before it (p carries no FEC for them) stays their replacement. */
      int64_t d = jb->default_dur > 0 ? jb->default_dur : jb->frame;
      int64_t keep = p->ts - d - jb->next_ts;
      if (keep <= 0) {
        drop_wait = 1;
      } else if (keep < jb->wait_samples) {
        jb->wait_frames = (int32_t)(keep * jb->wait_frames / jb->wait_samples);
        if (jb->wait_voiced > jb->wait_frames) jb->wait_voiced = jb->wait_frames;
        jb->wait_samples = (int32_t)keep;
      }
    }
    if (p && jb->wait_samples > 0 && !drop_wait) {
      /* what was concealed while waiting now stands in for the missing
       * audio: the playout point moves on without growing the delay */
      int32_t credit = gap < jb->wait_samples ? (int32_t)gap : jb->wait_samples;
      jb->next_ts += credit;
      jb->wait_samples -= credit;
      if (jb->wait_samples == 0) {
        jb->inserted_whole -= jb->wait_frames;
        jb->inserted_whole_voiced -= jb->wait_voiced;
        jb->wait_frames = jb->wait_voiced = 0;
      }
      if (act == JB_ACT_EXPAND_LOST) jb->pp_missing = (int32_t)(slot_seq(jb, p, jb->next_ts - 1) & 0xffff);
      continue;
    }
    if (act == JB_ACT_EXPAND_LOST) need = unit;
    int32_t n = gap < need ? (int32_t)gap : need;
    if (n <= 0) n = need;
    if (act == JB_ACT_EXPAND_LOST) {
      int32_t audible = conceal(jb, n, slot, ni);
      if (audible == JB_NEED) return 0;
      if (audible) {
        jb->expand_samples += n;
        set_op(&jb->pp_op, VK_JB_OP_EXPAND);
      } else {
        jb->cng_samples += n;
        set_op(&jb->pp_op, VK_JB_OP_CNG);
      }
      jb->pp_missing = (int32_t)(slot & 0xffff);
    } else {
      if (jb->dsp.plc.active) {
        if (conceal(jb, n, -1, -1) == JB_NEED) return 0;
      } else {
        jb_dsp_cng(&jb->dsp, jb->audio + jb->len, n);
        jb->len += n;
      }
      jb->cng_samples += n;
      set_op(&jb->pp_op, VK_JB_OP_CNG);
    }
    jb->next_ts += n;
    jb->wait_samples = jb->wait_frames = jb->wait_voiced = jb->wait_next = 0;
  }

  /* output one frame and report the packets that start in it */
  jb->pp_active = 0;
  jb->req_kind = VK_JB_REQ_NONE;
  jb->have_ans = 0;
  memcpy(pcm, jb->audio + jb->play, sizeof(int16_t) * (size_t)N);
  int32_t nst = 0;
  int32_t maxst = (int32_t)((info_cap - VK_JB_INFO_HEADER) / 2);
  if (maxst > VK_JB_INFO_MAX_STARTS) maxst = VK_JB_INFO_MAX_STARTS;
  int32_t keep = 0;
  for (int32_t i = 0; i < jb->nmarkers; i++) {
    jb_marker m = jb->markers[i];
    if (m.pos < jb->play + N) {
      if (nst < maxst) {
        info[VK_JB_INFO_HEADER + 2 * nst] = m.seq;
        info[VK_JB_INFO_HEADER + 2 * nst + 1] = m.pos - jb->play < 0 ? 0 : m.pos - jb->play;
        nst++;
      }
    } else {
      jb->markers[keep++] = m;
    }
  }
  jb->nmarkers = keep;
  jb->play += N;
  if (jb->play > jb->hist_keep) {
    int32_t sh = jb->play - jb->hist_keep;
    memmove(jb->audio, jb->audio + sh, sizeof(int16_t) * (size_t)(jb->len - sh));
    jb->play -= sh;
    jb->len -= sh;
    jb->real_end = jb->real_end > sh ? jb->real_end - sh : 0;
    for (int32_t i = 0; i < jb->nmarkers; i++) jb->markers[i].pos -= sh;
  }
  int32_t flags = jb->pp_flags;
  if (jb->flag_reset) flags |= VK_JB_FLAG_RESET;
  if (jb->flag_skipped) flags |= VK_JB_FLAG_SKIPPED;
  if (jb->started) flags |= VK_JB_FLAG_STARTED;
  jb->flag_reset = jb->flag_skipped = 0;
  info[0] = jb->pp_op;
  info[1] = N;
  info[2] = flags;
  info[3] = jb->pp_missing;
  info[4] = jb->pp_inserted;
  info[5] = nst;
  jb->polls++;
  jb->out_samples += N;
  return N;
}

/* ---- stats ------------------------------------------------------------------ */

int32_t vk_jb_stats(const vk_jb *jb, double *out, size_t n) {
  if (!jb || (!out && n)) return VK_ERR_ARG;
  double s[VK_JB_STAT_COUNT];
  double os = jb->out_samples > 0 ? jb->out_samples : 1;
  /* Buffered: the audio still to play up to the end of the newest packet
   * held -- everything queued before it counts, concealment included, since
   * it delays that packet.  With no packet held, only decoded stream audio
   * counts: a decoder conceals whole packets, so after time-stretching its
   * concealment runs a remainder ahead of the playout frames (one sample at
   * 8 kHz, say), which is not buffered audio and must not keep the buffer
   * from reading empty once the last packet has played. */
  double buffered;
  int64_t newest = jb_buffer_newest_end(&jb->buf, jb->default_dur);
  if (newest != INT64_MIN) {
    /* before playout starts, or after a reset, the new stream starts at its oldest packet */
    int64_t from = jb->started && !jb->anchor ? jb->next_ts : jb->buf.slots[jb_buffer_oldest(&jb->buf)].ts;
    buffered = (double)(jb->len - jb->play) + (newest > from ? (double)(newest - from) : 0.0);
  } else {
    buffered = (double)(jb->real_end - jb->play);
  }
  s[VK_JB_STAT_CURRENT_DELAY_MS] = jb->started ? jb->offset_ms - jb->base_ms : 0;
  s[VK_JB_STAT_TARGET_DELAY_MS] = jb->target_ms - jb->base_ms;
  s[VK_JB_STAT_JITTER_MS] = jb_delay_jitter_ms(&jb->delay, jb->cfg.clock_rate);
  s[VK_JB_STAT_RECEIVED] = jb->received;
  s[VK_JB_STAT_LATE] = jb->late;
  s[VK_JB_STAT_DUPLICATE] = jb->duplicate;
  s[VK_JB_STAT_OUT_OF_ORDER] = jb->ooo;
  s[VK_JB_STAT_OVERFLOW] = jb->overflow;
  s[VK_JB_STAT_LOST] = jb->lost;
  s[VK_JB_STAT_EXPAND_RATE] = jb->expand_samples / os;
  s[VK_JB_STAT_ACCELERATE_RATE] = jb->accel_samples / os;
  s[VK_JB_STAT_PREEMPTIVE_RATE] = jb->preempt_samples / os;
  s[VK_JB_STAT_CNG_RATE] = jb->cng_samples / os;
  s[VK_JB_STAT_MERGES] = jb->merges;
  s[VK_JB_STAT_RESETS] = jb->resets;
  s[VK_JB_STAT_POLLS] = jb->polls;
  s[VK_JB_STAT_OUTPUT_SAMPLES] = jb->out_samples;
  s[VK_JB_STAT_BUFFERED_PACKETS] = jb->buf.count;
  s[VK_JB_STAT_BUFFERED_MS] = buffered > 0 ? buffered * 1000.0 / jb->cfg.clock_rate : 0;
  s[VK_JB_STAT_INVALID] = jb->invalid;
  s[VK_JB_STAT_IGNORED] = jb->ignored;
  s[VK_JB_STAT_INSERTED_WHOLE] = jb->inserted_whole;
  s[VK_JB_STAT_INSERTED_WHOLE_VOICED] = jb->inserted_whole_voiced;
  s[VK_JB_STAT_DROPPED_WHOLE] = jb->dropped_whole;
  s[VK_JB_STAT_DROPPED_WHOLE_VOICED] = jb->dropped_whole_voiced;
  s[VK_JB_STAT_REORDER_TOLERANCE_MS] = jb_delay_reorder_tolerance(&jb->delay);
  s[VK_JB_STAT_STALLS] = jb->stalls;
  size_t k = n < VK_JB_STAT_COUNT ? n : VK_JB_STAT_COUNT;
  for (size_t i = 0; i < k; i++) out[i] = s[i];
  return (int32_t)k;
}
