import { describe, expect, it } from 'vitest';
import { dueStatus, formatUsd, type InvoiceFacts, renderMessage } from './content.ts';
import { smsSegments } from './sms-segments.ts';

const facts: InvoiceFacts = {
  businessName: 'Acme Heating & Air',
  customerName: 'Pat <Customer>',
  invoiceNumber: '10452',
  total: '1234.5',
  balance: '1234.50',
  dueDate: '2026-12-15',
  payUrl: 'https://pay.example.com/i/10452?t=a&b=c',
  portalUrl: null,
  timeZone: 'America/Los_Angeles',
  attached: true,
};

describe('message content', () => {
  it('formats money exactly', () => {
    expect(formatUsd('1234.5')).toBe('$1,234.50');
    expect(formatUsd('-0.1')).toBe('-$0.10');
    expect(formatUsd('1000000')).toBe('$1,000,000.00');
  });
  it('never says past due before the due date, in the customer zone', () => {
    // 2026-12-16 05:00 UTC is still the 15th in Los Angeles.
    expect(dueStatus('2026-12-15', new Date('2026-12-16T05:00:00Z'), 'America/Los_Angeles')).toBe('today');
    expect(dueStatus('2026-12-15', new Date('2026-12-16T09:00:00Z'), 'America/Los_Angeles')).toBe('past');
    const before = renderMessage('reminder', facts, new Date('2026-12-12T17:00:00Z'));
    expect(`${before.subject} ${before.text} ${before.sms}`).not.toMatch(/past due/i);
    expect(before.text).toContain('due on December 15, 2026');
    const after = renderMessage('reminder', facts, new Date('2026-12-22T17:00:00Z'));
    expect(after.subject).toMatch(/^Past due: /);
    expect(after.text).toContain('past due since December 15, 2026');
  });
  it('escapes the customer name in HTML, not in text', () => {
    const m = renderMessage('invoice', facts, new Date('2026-12-08T17:00:00Z'));
    expect(m.html).toContain('Pat &lt;Customer&gt;');
    expect(m.text).toContain('Pat <Customer>');
    expect(m.html).toContain('$1,234.50');
  });
  it('SMS: business name first, opt-out last, at most 2 segments', () => {
    const m = renderMessage('invoice', facts, new Date('2026-12-08T17:00:00Z'));
    expect(m.sms.startsWith('Acme Heating & Air: ')).toBe(true);
    expect(m.sms.endsWith('Reply STOP to opt out')).toBe(true);
    expect(smsSegments(m.sms).segments).toBeLessThanOrEqual(2);
  });
  it('a long SMS template falls back to the short form', () => {
    const m = renderMessage('invoice', facts, new Date('2026-12-08T17:00:00Z'), {
      sms: `${'Thank you so much for your business. '.repeat(12)}{{total}}`,
    });
    expect(smsSegments(m.sms).segments).toBeLessThanOrEqual(2);
    expect(m.sms).toContain('$1,234.50');
  });
  it('counts segments for GSM-7 and UCS-2', () => {
    expect(smsSegments('a'.repeat(160)).segments).toBe(1);
    expect(smsSegments('a'.repeat(161)).segments).toBe(2);
    expect(smsSegments('€'.repeat(80)).segments).toBe(1);
    expect(smsSegments('é😀'.repeat(10)).encoding).toBe('UCS-2');
  });
});

describe('SMTP error classification', async () => {
  const { classifySmtpError } = await import('./email.ts');
  it('separates refusals, bounces and unknown outcomes', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550 }).outcome).toBe('bounced');
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 451 }).outcome).toBe('retry');
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 554 }).outcome).toBe('bounced');
    expect(classifySmtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }).outcome).toBe(
      'retry',
    );
    expect(
      classifySmtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }).outcome,
    ).toBe('unknown');
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Timeout' }).outcome).toBe('unknown');
  });
});
