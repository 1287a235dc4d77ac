// "Job completed" webhooks. ServiceTitan's public docs give neither the signature header nor
// its algorithm and encoding nor the payload envelope, so all of them are configurable here
// (and in ingest); the defaults follow the community guess: header x-servicetitan-signature,
// hex HMAC-SHA256 of the raw body. Failed deliveries retry after 10, 30, 60 and 300 s like
// ServiceTitan's (scaled down in tests).
import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookConfig {
  url: string;
  secret: string;
  header: string;
  algorithm: 'sha256' | 'sha1' | 'sha512';
  encoding: 'hex' | 'base64';
  retryDelaysMs: number[];
}

export const DEFAULT_WEBHOOK_SIGNATURE = {
  header: 'x-servicetitan-signature',
  algorithm: 'sha256',
  encoding: 'hex',
} as const;

export function signBody(
  body: string,
  secret: string,
  algorithm: string,
  encoding: 'hex' | 'base64',
): string {
  return createHmac(algorithm, secret).update(body).digest(encoding);
}

export interface JobCompletedEvent {
  eventId: string;
  eventType: 'job.completed';
  tenantId: number;
  createdOn: string;
  data: { jobId: number; jobNumber: string | null; completedOn: string | null };
}

export class WebhookEmitter {
  delivered = 0;
  failed = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(public config: WebhookConfig) {}

  emit(event: Omit<JobCompletedEvent, 'eventId' | 'createdOn'>): void {
    const full: JobCompletedEvent = { eventId: randomUUID(), createdOn: new Date().toISOString(), ...event };
    const task = this.deliver(JSON.stringify(full)).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async deliver(body: string): Promise<void> {
    const { url, secret, header, algorithm, encoding, retryDelaysMs } = this.config;
    for (let attempt = 0; attempt <= retryDelaysMs.length && !this.stopped; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, retryDelaysMs[attempt - 1]));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [header]: signBody(body, secret, algorithm, encoding),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.ok) {
          this.delivered += 1;
          return;
        }
      } catch {
        // retried below
      }
    }
    this.failed += 1;
  }

  /** Wait for deliveries under way (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
  }
}
