// Error classes shared by every app. Workers map them to BullMQ behaviour: invalid input is
// unrecoverable, unavailable dependencies are retried.

/** Input that can never succeed (bad payload, bad fixture, bad form). Never retried. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
  }
}

/**
 * ServiceTitan says the job is not completed (an early "job completed" event). Never retried;
 * its code is kept on the failed run so a later real completion can re-open it.
 */
export class JobNotCompletedError extends InvalidInputError {
  override name = 'JobNotCompletedError';
  readonly code = 'job_not_completed';
  constructor(
    readonly jobId: number,
    readonly jobStatus: string,
  ) {
    super(`job ${jobId} is ${jobStatus}, not Completed`);
  }
}

/** Configuration that stops boot, with every problem listed at once. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A dependency (Postgres, Redis, ServiceTitan) is unreachable; the message says how to fix it. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
