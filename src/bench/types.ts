/** One benchmark measurement, as `npm run bench` prints it and the README records it. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target?: string;
}
