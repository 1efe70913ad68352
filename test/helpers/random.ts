/**
 * Seeded PRNG for randomized tests (mulberry32).  Every randomized test takes
 * its seed from an environment variable or picks one, and prints the command
 * that reproduces the run.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `envVar` if set, else a fresh one; logs how to rerun. */
export function seedFrom(envVar: string, testFile: string): number {
  const env = process.env[envVar];
  const seed = env !== undefined && env !== '' ? Number(env) >>> 0 : (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
  console.log(`[seed] ${envVar}=${seed}  (reproduce: ${envVar}=${seed} npx vitest run ${testFile})`);
  return seed;
}

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-fA-F]/g, '');
  if (clean.length % 2 !== 0) throw new Error(`odd hex length: ${s}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
