/**
 * MurmurHash64A, the 64-bit hash Stingray uses for IdString64 resource and name hashes. Used for
 * `Application.make_hash`, the idstring wire types and the config hash, so every process computes
 * the same value for the same input.
 *
 * The 64-bit arithmetic runs on pairs of 32-bit halves (BigInt allocates at every step), kept as
 * signed int32 with products through Math.imul: V8's interpreter, where a config's hash runs at
 * start-up, boxes numbers beyond int32 (`>>> 0` results, plain 32-bit products) in heap objects,
 * which made the hash twice as slow and its garbage a third of a real-size config's first build.
 */
const M_HI = 0xc6a4a793 | 0;
const M_LO = 0x5bd1e995;
const M_LO_LOW = M_LO & 0xffff;
const M_LO_HIGH = M_LO >>> 16;

/** (hi, lo) of the current value, as int32; kept in module state so the hot loop allocates nothing. */
let hi = 0;
let lo = 0;

/** (hi, lo) = (hi, lo) × M mod 2^64. */
function multiplyByM(): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const p00 = Math.imul(a0, M_LO_LOW);
  const p01 = Math.imul(a0, M_LO_HIGH);
  const p10 = Math.imul(a1, M_LO_LOW);
  const middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = (Math.imul(a1, M_LO_HIGH) + ((p01 >>> 16) + (p10 >>> 16) + (middle >>> 16))) | 0;
  const newLo = (middle << 16) | (p00 & 0xffff);
  hi = (((carry + Math.imul(lo, M_HI)) | 0) + Math.imul(hi, M_LO)) | 0;
  lo = newLo;
}

/** (hi, lo) ^= (hi, lo) >> 47. */
function mixShift(): void {
  lo ^= hi >>> 15;
}

export function murmurHash64(data: Uint8Array, seed = 0n): bigint {
  hashInto(data, seed);
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function hashInto(data: Uint8Array, seed: bigint): void {
  // h = seed ^ (length × M)
  hi = 0;
  lo = data.length | 0;
  multiplyByM();
  let hHi = hi ^ Number((seed >> 32n) & 0xffffffffn);
  let hLo = lo ^ Number(seed & 0xffffffffn);
  const blocks = data.length >> 3;
  for (let i = 0; i < blocks; i++) {
    const at = i * 8;
    lo = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
    hi = data[at + 4]! | (data[at + 5]! << 8) | (data[at + 6]! << 16) | (data[at + 7]! << 24);
    multiplyByM();
    mixShift();
    multiplyByM();
    hi ^= hHi;
    lo ^= hLo;
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
      if (i >= 4) hi ^= data[tail + i]! << (8 * (i - 4));
      else lo ^= data[tail + i]! << (8 * i);
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
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}
