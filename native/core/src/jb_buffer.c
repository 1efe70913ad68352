/*
 * Jitter buffer packet store: a fixed array of slots and a payload pool
 * allocated once at create time.  Lookups are linear scans: the store holds
 * at most max_packets entries and typically a handful.
 */
#include "jb_internal.h"
#include <stdlib.h>
#include <string.h>

int32_t jb_buffer_init(jb_buffer *b, int32_t cap, int32_t max_payload) {
  memset(b, 0, sizeof *b);
  b->slots = (jb_pkt *)calloc((size_t)cap, sizeof(jb_pkt));
  b->pool = (uint8_t *)malloc((size_t)cap * (size_t)max_payload);
  if (!b->slots || !b->pool) {
    jb_buffer_free(b);
    return VK_ERR_NOMEM;
  }
  b->cap = cap;
  b->max_payload = max_payload;
  return VK_OK;
}

void jb_buffer_free(jb_buffer *b) {
  free(b->slots);
  free(b->pool);
  b->slots = NULL;
  b->pool = NULL;
}

void jb_buffer_clear(jb_buffer *b) {
  for (int32_t i = 0; i < b->cap; i++) b->slots[i].used = 0;
  b->count = 0;
}

int32_t jb_buffer_find_seq(const jb_buffer *b, int64_t ext_seq) {
  if (b->count == 0) return -1;
  for (int32_t i = 0; i < b->cap; i++)
    if (b->slots[i].used && b->slots[i].ext_seq == ext_seq) return i;
  return -1;
}

int32_t jb_buffer_oldest(const jb_buffer *b) {
  int32_t best = -1;
  if (b->count == 0) return -1;
  for (int32_t i = 0; i < b->cap; i++) {
    const jb_pkt *p = &b->slots[i];
    if (!p->used) continue;
    if (best < 0 || p->ts < b->slots[best].ts ||
        (p->ts == b->slots[best].ts && p->ext_seq < b->slots[best].ext_seq))
      best = i;
  }
  return best;
}

int32_t jb_buffer_insert(jb_buffer *b, const jb_pkt *meta, const uint8_t *payload) {
  if (b->count >= b->cap || meta->len > b->max_payload || meta->len < 0) return -1;
  for (int32_t i = 0; i < b->cap; i++) {
    if (b->slots[i].used) continue;
    b->slots[i] = *meta;
    b->slots[i].used = 1;
    if (meta->len) memcpy(b->pool + (size_t)i * (size_t)b->max_payload, payload, (size_t)meta->len);
    b->count++;
    return i;
  }
  return -1;
}

void jb_buffer_remove(jb_buffer *b, int32_t i) {
  if (i < 0 || i >= b->cap || !b->slots[i].used) return;
  b->slots[i].used = 0;
  b->count--;
}

int64_t jb_buffer_newest_end(const jb_buffer *b, int32_t default_dur) {
  int64_t e = INT64_MIN;
  if (b->count == 0) return e;
  for (int32_t i = 0; i < b->cap; i++) {
    const jb_pkt *p = &b->slots[i];
    if (!p->used) continue;
    int64_t end = p->ts + (p->dur > 0 ? p->dur : default_dur);
    if (end > e) e = end;
  }
  return e;
}
