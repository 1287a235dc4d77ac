// Errors a handler can throw; the app's error handler turns each into a status and a page (or
// JSON for API clients) with a message a person can act on.
import type { z } from 'zod';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends HttpError {
  override name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    super(400, `Please correct: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
}

/** Parse `input` with `schema` or throw a ValidationError naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(form)',
      message: issue.message,
    })),
  );
}
