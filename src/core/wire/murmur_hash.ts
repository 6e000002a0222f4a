/**
 * MurmurHash64A, the 64-bit hash Stingray uses for IdString64 resource and name hashes. Used for
 * `Application.make_hash`, the idstring wire types and the config hash, so every process computes
 * the same value for the same input.
 *
 * The 64-bit arithmetic runs on pairs of 32-bit halves: BigInt allocates at every step, which made
 * hashing a real-size config a third of its first parse.
 */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** (hi, lo) of the current value; kept in module state so the hot loop allocates nothing. */
let hi = 0;
let lo = 0;

/** (hi, lo) = (hi, lo) × M mod 2^64. */
function multiplyByM(): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = M_LO & 0xffff;
  const b1 = M_LO >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16);
  const newLo = ((middle << 16) | (p00 & 0xffff)) >>> 0;
  hi = (carry + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) >>> 0;
  lo = newLo;
}

/** (hi, lo) ^= (hi, lo) >> 47. */
function mixShift(): void {
  lo = (lo ^ (hi >>> 15)) >>> 0;
}

export function murmurHash64(data: Uint8Array, seed = 0n): bigint {
  hashInto(data, seed);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function hashInto(data: Uint8Array, seed: bigint): void {
  // h = seed ^ (length × M)
  hi = 0;
  lo = data.length >>> 0;
  multiplyByM();
  let hHi = (hi ^ Number((seed >> 32n) & 0xffffffffn)) >>> 0;
  let hLo = (lo ^ Number(seed & 0xffffffffn)) >>> 0;
  const blocks = data.length >> 3;
  for (let i = 0; i < blocks; i++) {
    const at = i * 8;
    lo = (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
    hi = (data[at + 4]! | (data[at + 5]! << 8) | (data[at + 6]! << 16) | (data[at + 7]! << 24)) >>> 0;
    multiplyByM();
    mixShift();
    multiplyByM();
    hi = (hHi ^ hi) >>> 0;
    lo = (hLo ^ lo) >>> 0;
    multiplyByM();
    hHi = hi;
    hLo = lo;
  }
  const tail = blocks * 8;
  const rest = data.length & 7;
  hi = hHi;
  lo = hLo;
  if (rest > 0) {
    for (let i = rest - 1; i >= 0; i--) {
      if (i >= 4) hi = (hi ^ (data[tail + i]! << (8 * (i - 4)))) >>> 0;
      else lo = (lo ^ (data[tail + i]! << (8 * i))) >>> 0;
    }
    multiplyByM();
  }
  mixShift();
  multiplyByM();
  mixShift();
}

/** The hash as 16 lowercase hex digits. */
export function murmurHash64Hex(data: Uint8Array | string, seed = 0n): string {
  hashInto(typeof data === 'string' ? new TextEncoder().encode(data) : data, seed);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
