/** A mapping (not null, not a list): what YAML and JSON objects parse to. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
