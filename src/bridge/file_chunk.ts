/**
 * The source of a chunk loaded from a file, as LuaJIT's file loader reads it: a leading UTF-8
 * byte-order mark is skipped, then a first line starting with `#` (a shebang). The `#` line's
 * newline stays so line numbers in errors still match the file. Chunks loaded from Lua (`require`,
 * `dofile`, `loadfile`, `load`) get the same from the prelude's `load`.
 */
const BOM = [0xef, 0xbb, 0xbf];
const HASH = 0x23;
const NEWLINE = 0x0a;

export function fileChunkSource(bytes: Uint8Array): Uint8Array {
  let start = BOM.every((b, i) => bytes[i] === b) ? BOM.length : 0;
  if (bytes[start] === HASH) {
    const newline = bytes.indexOf(NEWLINE, start);
    start = newline < 0 ? bytes.length : newline;
  }
  return start === 0 ? bytes : bytes.subarray(start);
}
