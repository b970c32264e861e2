/**
 * GPU slots: a stage asking for n GPUs gets n distinct ids and holds them until it releases them.
 * Requests are served first come, first served, so a wide stage is not starved by narrow ones.
 */
export class GpuPool {
  private readonly free: number[];
  private readonly queue: Array<{ n: number; grant: (ids: number[]) => void; fail: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];

  constructor(readonly ids: readonly number[]) {
    this.free = [...ids];
  }

  get size(): number {
    return this.ids.length;
  }

  acquire(n: number, signal?: AbortSignal): Promise<number[]> {
    if (n <= 0) return Promise.resolve([]);
    if (n > this.ids.length) {
      return Promise.reject(new Error(`needs ${n} GPU(s) but ${this.ids.length === 0 ? 'none are' : `only ${this.ids.length} (${this.ids.join(',')}) are`} configured; set execute.gpus or pass --gpus`));
    }
    return new Promise((grant, fail) => {
      const req: (typeof this.queue)[number] = { n, grant, fail, ...(signal ? { signal } : {}) };
      if (signal) {
        if (signal.aborted) return fail(signal.reason);
        req.onAbort = () => {
          const i = this.queue.indexOf(req);
          if (i >= 0) this.queue.splice(i, 1);
          fail(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', req.onAbort, { once: true });
      }
      this.queue.push(req);
      this.pump();
    });
  }

  release(ids: number[]): void {
    for (const id of ids) if (!this.free.includes(id)) this.free.push(id);
    this.free.sort((a, b) => this.ids.indexOf(a) - this.ids.indexOf(b));
    this.pump();
  }

  private pump(): void {
    while (this.queue.length && this.queue[0]!.n <= this.free.length) {
      const req = this.queue.shift()!;
      if (req.onAbort) req.signal?.removeEventListener('abort', req.onAbort);
      req.grant(this.free.splice(0, req.n));
    }
  }
}

/** At most `limit` holders at once (CPU stages). */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          const i = this.waiters.indexOf(go);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal?.reason);
        };
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', abort, { once: true });
        this.waiters.push(go);
      });
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}
