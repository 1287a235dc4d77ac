// Import slots (the console's bank-upload concurrency bound): a free slot is given at once, an
// upload past the running ones waits its turn in order, one past the queue or waiting too long is
// refused with a Retry-After, and giving a slot back twice frees it once.
import { describe, expect, it } from 'vitest';
import { ImportBusyError, ImportSlots } from '../../apps/console/src/bank/import-slots.ts';

describe('import slots', () => {
  it('runs one, queues the next in order, refuses past the queue', async () => {
    const slots = new ImportSlots({ running: 1, waiting: 2, waitMs: 60_000 });
    const first = await slots.acquire();
    const order: string[] = [];
    const inTurn = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const second = slots.acquire().then(inTurn('second'));
    const third = slots.acquire().then(inTurn('third'));
    const fourth = await slots.acquire().catch((error: unknown) => error);
    expect(fourth).toBeInstanceOf(ImportBusyError);
    expect((fourth as ImportBusyError).retryAfterSeconds).toBeGreaterThan(0);
    expect((fourth as Error).message).toMatch(/already importing 1 bank file\(s\) with 2 more waiting/);
    expect([slots.running, slots.waiting]).toEqual([1, 2]);

    first();
    first(); // a second release of the same turn frees nothing more
    (await second)();
    const release = await third;
    expect(order).toEqual(['second', 'third']);
    expect([slots.running, slots.waiting]).toEqual([1, 0]);
    release();
    expect(slots.running).toBe(0);
  });

  it('refuses an upload that waited too long, and leaves the queue clean', async () => {
    const slots = new ImportSlots({ running: 1, waiting: 1, waitMs: 30 });
    const first = await slots.acquire();
    const late = await slots.acquire().catch((error: unknown) => error);
    expect(late).toBeInstanceOf(ImportBusyError);
    expect((late as Error).message).toMatch(/waited 0 s/);
    expect(slots.waiting).toBe(0);
    first();
    expect(slots.running).toBe(0);
    const again = await slots.acquire();
    expect(slots.running).toBe(1);
    again();
  });
});
