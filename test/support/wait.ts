// Wait for a condition by polling it (not a blind sleep): returns as soon as it holds, fails
// with the last observed value when the deadline passes.
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${options.what ?? 'condition'}; last value: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
    last = await probe();
  }
  return last;
}
