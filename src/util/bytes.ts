/** Bytes for people: decimal units (kB, MB, GB), as pip and the hub print sizes. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
