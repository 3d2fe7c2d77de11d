/**
 * CSV text with a header row (RFC 4180 quoting where needed). Numbers are written with full
 * precision (String(x) round-trips); non-finite ones as NaN / Infinity, as JS prints them.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
