/*
 * Jitter buffer packet store: a dense array of packets (slots[0..count)) and
 * a payload pool with a free list, both allocated once at create time.
 * Removal moves the last packet into the hole, so scans touch only the
 * packets held (a handful, typically) and never the whole capacity.
 */
#include "jb_internal.h"
#include <stdlib.h>
#include <string.h>

int32_t jb_buffer_init(jb_buffer *b, int32_t cap, int32_t max_payload) {
  memset(b, 0, sizeof *b);
  b->slots = (jb_pkt *)calloc((size_t)cap, sizeof(jb_pkt));
  b->pool = (uint8_t *)malloc((size_t)cap * (size_t)max_payload);
  b->free_list = (int32_t *)malloc(sizeof(int32_t) * (size_t)cap);
  if (!b->slots || !b->pool || !b->free_list) {
    jb_buffer_free(b);
    return VK_ERR_NOMEM;
  }
  b->cap = cap;
  b->max_payload = max_payload;
  jb_buffer_clear(b);
  return VK_OK;
}

void jb_buffer_free(jb_buffer *b) {
  free(b->slots);
  free(b->pool);
  free(b->free_list);
  b->slots = NULL;
  b->pool = NULL;
  b->free_list = NULL;
}

void jb_buffer_clear(jb_buffer *b) {
  b->count = 0;
  for (int32_t i = 0; i < b->cap; i++) b->free_list[i] = b->cap - 1 - i;
  b->nfree = b->cap;
}

int32_t jb_buffer_find_seq(const jb_buffer *b, int64_t ext_seq) {
  for (int32_t i = 0; i < b->count; i++)
    if (b->slots[i].ext_seq == ext_seq) return i;
  return -1;
}

int32_t jb_buffer_oldest(const jb_buffer *b) {
  int32_t best = -1;
  for (int32_t i = 0; i < b->count; i++) {
    const jb_pkt *p = &b->slots[i];
    if (best < 0 || p->ts < b->slots[best].ts ||
        (p->ts == b->slots[best].ts && p->ext_seq < b->slots[best].ext_seq))
      best = i;
  }
  return best;
}

int32_t jb_buffer_insert(jb_buffer *b, const jb_pkt *meta, const uint8_t *payload) {
  if (b->count >= b->cap || b->nfree <= 0 || meta->len > b->max_payload || meta->len < 0) return -1;
  int32_t i = b->count++;
  b->slots[i] = *meta;
  b->slots[i].used = 1;
  b->slots[i].pool_idx = b->free_list[--b->nfree];
  if (meta->len) memcpy(b->pool + (size_t)b->slots[i].pool_idx * (size_t)b->max_payload, payload, (size_t)meta->len);
  return i;
}

void jb_buffer_remove(jb_buffer *b, int32_t i) {
  if (i < 0 || i >= b->count) return;
  b->free_list[b->nfree++] = b->slots[i].pool_idx;
  b->slots[i] = b->slots[b->count - 1];
  b->count--;
}

int64_t jb_buffer_newest_end(const jb_buffer *b, int32_t default_dur) {
  int64_t e = INT64_MIN;
  for (int32_t i = 0; i < b->count; i++) {
    const jb_pkt *p = &b->slots[i];
    int64_t end = p->ts + (p->dur > 0 ? p->dur : default_dur);
    if (end > e) e = end;
  }
  return e;
}
