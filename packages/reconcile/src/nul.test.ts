import { describe, expect, it } from 'vitest';
import { StatementParseError } from './errors.ts';
import { parseStatement } from './parse.ts';

describe('a NUL byte in a bank file', () => {
  it('refuses the file naming the line, in every text format', () => {
    const csv = 'date,amount,description\n2026-10-01,12.50,DEPOSIT\n2026-10-02,1\u00000.00,BROKEN\n';
    const error = (() => {
      try {
        parseStatement(Buffer.from(csv), {
          format: 'csv',
          csvMapping: { date: 'date', amount: 'amount', description: 'description' } as never,
        });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StatementParseError);
    expect((error as StatementParseError).line).toBe(3);
    expect((error as Error).message).toMatch(/NUL byte/);
  });
});
