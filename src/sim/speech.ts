/**
 * A deterministic speech-like test signal at 8 kHz: talkspurts of syllables
 * (a glottal pulse train at a gliding pitch of 90..240 Hz through three
 * formant resonators, with noisy onsets) separated by short gaps, and
 * pauses between talkspurts, over a faint background noise.  About 60 % of
 * the time is active speech, as in a one-sided conversation.
 */

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** n samples at 8 kHz. */
export function speechLike(n: number, seed = 1): Int16Array {
  const rate = 8000;
  const r = rng(seed);
  const out = new Int16Array(n);
  // resonator state per formant
  const formants = [
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  let i = 0;
  let phase = 0;
  while (i < n) {
    // a talkspurt of 3..10 syllables
    const syllables = 3 + Math.floor(r() * 8);
    const f0base = 100 + r() * 110;
    for (let s = 0; s < syllables && i < n; s++) {
      const len = Math.floor(rate * (0.12 + r() * 0.18));
      const f = [300 + r() * 600, 900 + r() * 1400, 2200 + r() * 800];
      const coef = f.map((fc, k) => {
        const bw = [80, 120, 180][k];
        const rad = Math.exp((-Math.PI * bw) / rate);
        return [2 * rad * Math.cos((2 * Math.PI * fc) / rate), -rad * rad];
      });
      const amp = 2500 + r() * 5000;
      const glide = (r() - 0.5) * 0.4;
      const onset = Math.floor(rate * 0.02 * r());
      const syl = new Float64Array(len);
      let e = 0;
      for (let j = 0; j < len; j++) {
        const t = j / len;
        const f0 = f0base * (1 + glide * t);
        phase += f0 / rate;
        let src = 0;
        if (phase >= 1) { phase -= 1; src = 1; }
        src -= f0 / rate;
        if (j < onset) src += (r() - 0.5) * 0.8;
        let y = 0;
        for (let k = 0; k < 3; k++) {
          const st = formants[k];
          const v = src + coef[k][0] * st[0] + coef[k][1] * st[1];
          st[1] = st[0];
          st[0] = v;
          y += v * [1, 0.6, 0.3][k];
        }
        syl[j] = y * Math.sin(Math.PI * Math.min(1, t * 1.1)) ** 0.7;
        e += syl[j] * syl[j];
      }
      const g = amp / 2 / Math.sqrt(e / len + 1e-9);
      for (let j = 0; j < len && i < n; j++, i++) {
        out[i] = Math.max(-32768, Math.min(32767, Math.round(syl[j] * g + (r() - 0.5) * 40)));
      }
      // a short gap between syllables
      const gap = Math.floor(rate * (0.02 + r() * 0.06));
      for (let j = 0; j < gap && i < n; j++, i++) out[i] = Math.round((r() - 0.5) * 40);
    }
    // a pause between talkspurts
    const pause = Math.floor(rate * (0.3 + r() * 1.0));
    for (let j = 0; j < pause && i < n; j++, i++) out[i] = Math.round((r() - 0.5) * 40);
  }
  return out;
}
