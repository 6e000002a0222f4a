/**
 * MurmurHash64A, the 64-bit hash Stingray uses for IdString64 resource and name hashes. Used for
 * `Application.make_hash`, the idstring wire types and the config hash, so every process computes
 * the same value for the same input.
 */
const M = 0xc6a4a7935bd1e995n;
const MASK = 0xffffffffffffffffn;
const R = 47n;

export function murmurHash64(data: Uint8Array, seed = 0n): bigint {
  let h = (seed ^ ((BigInt(data.length) * M) & MASK)) & MASK;
  const blocks = data.length >> 3;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < blocks; i++) {
    let k = view.getBigUint64(i * 8, true);
    k = (k * M) & MASK;
    k ^= k >> R;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const tail = blocks * 8;
  const rest = data.length & 7;
  if (rest > 0) {
    for (let i = rest - 1; i >= 0; i--) h ^= BigInt(data[tail + i]!) << BigInt(8 * i);
    h = (h * M) & MASK;
  }
  h ^= h >> R;
  h = (h * M) & MASK;
  h ^= h >> R;
  return h;
}

/** The hash as 16 lowercase hex digits. */
export function murmurHash64Hex(data: Uint8Array | string, seed = 0n): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return murmurHash64(bytes, seed).toString(16).padStart(16, '0');
}
