/** How long a child gets between SIGTERM and SIGKILL after Ctrl-C or cancellation. */
export const DEFAULT_GRACE_MS = 10_000;
