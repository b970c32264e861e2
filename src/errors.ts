/** Exit codes of the command line: the contract scripts rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error meant for the user: printed without a stack, ends the process with `exitCode`. */
export class AblateError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
    this.name = 'AblateError';
  }
}

/** One problem in a spec or input file, located at a line and column (1-based). */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the offending node, when it has one. */
  path?: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
}

/** Bad input (spec, data file, arguments): every problem found, exit code 2, nothing written. */
export class InputError extends AblateError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'), EXIT.usage);
    this.name = 'InputError';
  }
}

/** A usage error on the command line (unknown flag value, missing file argument). */
export class UsageError extends AblateError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
