/**
 * Numbers as LuaJIT prints them (C's "%.14g"): `3`, `0.1`, `1e+15`. Lua 5.4 would print a whole
 * float as `3.0`; lobby data and hashes must read the same as in the engine.
 */
export function luaJitNumberText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, exponentText] = x.toExponential(13).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 14) {
    const digits = stripZeros(mantissa);
    const sign = exponent < 0 ? '-' : '+';
    return `${digits}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(x.toFixed(13 - exponent));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
