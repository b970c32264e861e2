import path from 'node:path';
import { isPlainObject } from '../util/object.js';
import { deref, experimentSchema, type SchemaNode } from './schema.js';

/**
 * Rewrites the relative paths a base spec wrote (fields marked `x-ablate-path` in the schema) so
 * they resolve from the top spec's folder as they did from the base's: a shared base can name its
 * own data next to itself. `file` fields are files (bare words such as the DeepSpeed preset `z2`
 * are names, not files); `local` fields are model ids unless they start with `./` or `../`.
 */
export function rebasePaths(value: unknown, fromDir: string, toDir: string, node: SchemaNode | undefined = experimentSchema as SchemaNode): unknown {
  const schema = deref(node);
  if (!schema || fromDir === toDir) return value;
  const mode = schema['x-ablate-path'];
  if (typeof value === 'string' && (mode === 'file' || mode === 'local')) {
    const relative = !path.isAbsolute(value) && !value.startsWith('~');
    const isFile = mode === 'file' ? /[./]/.test(value) : value.startsWith('./') || value.startsWith('../');
    if (!relative || !isFile) return value;
    const moved = path.relative(toDir, path.resolve(fromDir, value)).split(path.sep).join('/');
    return moved.startsWith('.') ? moved : `./${moved}`;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      out[k] = child ? rebasePaths(v, fromDir, toDir, child) : v;
    }
    return out;
  }
  if (Array.isArray(value) && schema.items) return value.map((v) => rebasePaths(v, fromDir, toDir, schema.items));
  return value;
}
