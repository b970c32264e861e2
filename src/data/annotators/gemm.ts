/**
 * Exact cosine similarities of blocks of unit vectors, as one matrix product on onnxruntime's CPU
 * kernels (MLAS: prebuilt, SIMD chosen at run time for the machine's AVX2 / AVX-512; no compiler at
 * install). onnxruntime-node already ships with transformers.js. The graph is built in code:
 * S = Q · Kᵀ (Gemm with transB) and its row maxima.
 *
 * The products are float32. `FLOAT32_DOT_ERROR(d)` bounds how far one can be from the float64
 * cosine of the same two records, so callers can decide exactly whenever a similarity is farther
 * than that from their threshold, and recompute in float64 the rare ones that are not.
 */
import type { InferenceSession } from 'onnxruntime-node';

type Ort = typeof import('onnxruntime-node');

/**
 * Worst-case |float32 dot − exact dot| of two unit vectors of dimension d whose components were
 * rounded to float32: (d + 2)·2⁻²⁴ (each of the d products and partial sums rounds once, with
 * |Σ|xᵢyᵢ|| ≤ 1, plus the two roundings of the inputs), doubled for headroom.
 */
export function float32DotError(d: number): number {
  return 2 * (d + 2) * 2 ** -24;
}

/** The Gemm + ReduceMax graph as ONNX bytes (opset 17). */
async function graphBytes(): Promise<Uint8Array> {
  const { onnx } = (await import('onnx-proto')).default;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const value = (name: string, dims: string[]) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimParam) => ({ dimParam })) } } } });
  const attr = onnx.AttributeProto;
  const graph = onnx.GraphProto.create({
    name: 'cosine-block',
    node: [
      onnx.NodeProto.create({ opType: 'Gemm', input: ['q', 'k'], output: ['s'], attribute: [attr.create({ name: 'transB', type: attr.AttributeType.INT, i: 1 })] }),
      onnx.NodeProto.create({
        opType: 'ReduceMax',
        input: ['s'],
        output: ['max'],
        attribute: [attr.create({ name: 'axes', type: attr.AttributeType.INTS, ints: [1] }), attr.create({ name: 'keepdims', type: attr.AttributeType.INT, i: 0 })],
      }),
    ],
    input: [value('q', ['b', 'd']), value('k', ['n', 'd'])],
    output: [value('s', ['b', 'n']), value('max', ['b'])],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })).finish();
}

/** One loaded session; products of any block shape run on it. */
export class CosineBlocks {
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
  ) {}

  static async create(threads = 0): Promise<CosineBlocks> {
    const ort = (await import('onnxruntime-node')).default as unknown as Ort;
    const session = await ort.InferenceSession.create(await graphBytes(), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    return new CosineBlocks(ort, session);
  }

  /** Row maxima of Q · Kᵀ: `q` holds b rows, `k` holds n rows, both of dimension d (n ≥ 1). */
  async rowMax(q: Float32Array, b: number, k: Float32Array, n: number, d: number): Promise<Float32Array> {
    const out = await this.session.run(this.feeds(q, b, k, n, d), ['max']);
    return out['max']!.data as Float32Array;
  }

  /** The full b × n product Q · Kᵀ, row-major. */
  async products(q: Float32Array, b: number, k: Float32Array, n: number, d: number): Promise<Float32Array> {
    const out = await this.session.run(this.feeds(q, b, k, n, d), ['s']);
    return out['s']!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private feeds(q: Float32Array, b: number, k: Float32Array, n: number, d: number) {
    const { Tensor } = this.ort;
    return { q: new Tensor('float32', q.subarray(0, b * d), [b, d]), k: new Tensor('float32', k.subarray(0, n * d), [n, d]) };
  }
}
