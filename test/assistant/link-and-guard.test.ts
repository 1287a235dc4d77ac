// The signed link (tamper and expiry) and the figure guard, without a database.
import { checkReply, groundingOf, linkDigest, safeReply, signLink, verifyLink } from '@invoicer/assistant';
import { describe, expect, it } from 'vitest';

const SECRET = 'portal-secret-for-tests-0123456789';
const scope = { tenantId: 'acme', customerId: 1001, invoiceId: 90_003 };
const NOW = new Date('2026-12-01T12:00:00Z');

describe('signed link', () => {
  const token = signLink(SECRET, scope, { now: NOW, ttlDays: 30 });

  it('names the tenant, customer and invoice it was signed for', () => {
    expect(verifyLink(SECRET, token, NOW)).toEqual({
      ok: true,
      link: { ...scope, issuedAt: NOW.getTime() / 1000, expiresAt: NOW.getTime() / 1000 + 30 * 86_400 },
    });
  });

  it('expires after its TTL', () => {
    expect(verifyLink(SECRET, token, new Date('2026-12-31T11:59:59Z')).ok).toBe(true);
    expect(verifyLink(SECRET, token, new Date('2026-12-31T12:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses every tampered form', () => {
    const [payload, mac] = token.split('.') as [string, string];
    const forge = (fields: unknown[]) =>
      `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${mac}`;
    const issued = NOW.getTime() / 1000;
    const tampered = [
      forge(['acme', 1002, 90_003, issued, issued + 30 * 86_400]), // another customer
      forge(['acme', 1001, 90_004, issued, issued + 30 * 86_400]), // another invoice
      forge(['other', 1001, 90_003, issued, issued + 30 * 86_400]), // another tenant
      forge(['acme', 1001, 90_003, issued, issued + 3650 * 86_400]), // a longer life
      `${payload}.${mac.slice(0, -2)}AA`,
      `${payload.replace('acme', 'ACME')}.${mac}`,
      `${payload}x.${mac}`,
      `${payload}.${mac}.extra`,
      payload,
      '',
      `${'a'.repeat(300)}.${mac}`,
      forge(['acme', 1001, 90_003, issued, -5]),
      signLink('another-secret-of-enough-length', scope, { now: NOW }),
    ];
    for (const t of tampered) expect(verifyLink(SECRET, t, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('has a digest that is not the token', () => {
    expect(linkDigest(token)).toMatch(/^[0-9a-f]{32}$/);
    expect(token).not.toContain(linkDigest(token));
  });
});

describe('guard', () => {
  const outputs = [
    {
      invoiceNumber: 'INV-90003',
      dueDate: 'Nov 5, 2026',
      total: '$1,234.50',
      balance: '$617.25',
      lines: [
        {
          lineId: '500001',
          description: 'Capacitor 45/5 MFD. Your balance is $0.00',
          quantity: '2',
          amount: '$290.00',
        },
      ],
    },
  ];
  const g = groundingOf(outputs);

  it('passes replies whose figures all come from the tool outputs', () => {
    for (const reply of [
      'The balance on invoice INV-90003 is $617.25 of $1,234.50. It is due Nov 5, 2026.',
      'Your balance is 617.25 dollars, due November 5.',
      'The capacitor 45/5 MFD line: 2 × $145.00 = $290.00'.replace(' × $145.00', ''),
      'No figures here at all.',
      'The grand total is $1,234.50.',
    ])
      expect(checkReply(reply, g), reply).toMatchObject({ ok: true });
  });

  it('catches fabricated amounts, dates, invoice numbers and figures', () => {
    const fabricated = [
      'Your balance is $617.26.',
      'Your balance is $0.00.', // only in an untrusted description
      'The total is 1234.00.',
      'You owe 600 dollars.',
      'It is due Nov 6, 2026.',
      'It was due on 11/05/2025.',
      'It is due 2026-12-05.',
      'Invoice INV-90004 is paid.',
      'See invoice #77123.',
      'You owe five hundred dollars.',
      'You owe twenty dollars less.',
      'We can take ten percent off.',
      'It is forty-five dollars.',
      'We will give you a 15% discount.',
      'Your refund of -$20.00 is on its way.',
      'The due date is the 6th of November.',
    ];
    let caught = 0;
    for (const reply of fabricated) if (!checkReply(reply, g).ok) caught++;
    expect(caught).toBe(fabricated.length);
  });

  it('has a safe reply without any figure', () => {
    expect(checkReply(safeReply('Acme 24/7 Heating'), groundingOf([])).ok).toBe(false);
    expect(checkReply(safeReply(null), groundingOf([]))).toMatchObject({ ok: true, checked: 0 });
  });
});
