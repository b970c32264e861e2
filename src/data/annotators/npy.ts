/** Reads NumPy .npy files holding a 2-D float32 or float64 matrix (C order) into Float32 rows. */
import { readFile } from 'node:fs/promises';

export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

export function parseNpy(buf: Buffer, file = '.npy file'): Matrix {
  if (buf.byteLength < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw new Error(`${file} is not a .npy file (bad magic)`);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new Error(`${file}: unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new Error(`${file}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.length !== 2) throw new Error(`${file}: expected a 2-D array [records, dim], got shape (${shape.join(', ')})`);
  const [rows, cols] = shape as [number, number];
  const body = buf.subarray(start + headerLen);
  const n = rows * cols;
  if (descr === '<f4') {
    if (body.byteLength < n * 4) throw new Error(`${file}: truncated (${body.byteLength} bytes for ${rows}×${cols} float32)`);
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(body.subarray(0, n * 4));
    return { data, rows, cols };
  }
  if (descr === '<f8') {
    if (body.byteLength < n * 8) throw new Error(`${file}: truncated (${body.byteLength} bytes for ${rows}×${cols} float64)`);
    const f64 = new Float64Array(n);
    new Uint8Array(f64.buffer).set(body.subarray(0, n * 8));
    return { data: Float32Array.from(f64), rows, cols };
  }
  throw new Error(`${file}: dtype ${descr} is not supported; use float32 (<f4) or float64 (<f8)`);
}

export async function readNpy(file: string): Promise<Matrix> {
  return parseNpy(await readFile(file), file);
}
