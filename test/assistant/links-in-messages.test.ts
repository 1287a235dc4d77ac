// The signed customer link in the invoice email (text and HTML), the SMS and the PDF's HTML; absent
// when the portal is not configured. Pure rendering: no database, no Chromium.
import { invoiceQuestionsUrl, verifyLink } from '@invoicer/assistant';
import { DocumentSettings } from '@invoicer/core';
import { documentFromStInvoice, invoiceHtml } from '@invoicer/documents';
import { renderMessage } from '@invoicer/messaging';
import { expect, it } from 'vitest';
import { sampleDocumentInput } from '../../packages/documents/src/sample.ts';

const SECRET = 'portal-secret-for-tests-0123456789';
const scope = { tenantId: 'acme', customerId: 1001, invoiceId: 90_003 };
const facts = {
  businessName: 'Acme Heating',
  customerName: 'Pat',
  invoiceNumber: 'INV-90003',
  total: '1234.50',
  balance: '1234.50',
  dueDate: '2026-12-30',
  payUrl: null,
  portalUrl: null,
  timeZone: 'America/Chicago',
  attached: true,
};
const NOW = new Date('2026-12-01T16:00:00Z');

it('builds a signed link only when the portal is configured', () => {
  expect(invoiceQuestionsUrl({}, scope)).toBeNull();
  expect(invoiceQuestionsUrl({ PORTAL_LINK_SECRET: SECRET }, scope)).toBeNull();
  const url = invoiceQuestionsUrl(
    { PORTAL_LINK_SECRET: SECRET, PORTAL_BASE_URL: 'https://pay.acme.test/' },
    scope,
    NOW,
  )!;
  expect(url).toMatch(/^https:\/\/pay\.acme\.test\/portal\/acme\.[0-9a-z.]+\.[A-Za-z0-9_-]{22}$/);
  const token = url.split('/portal/')[1]!;
  expect(verifyLink(SECRET, token, NOW)).toMatchObject({ ok: true, link: scope });
  // Short enough for a text message.
  expect(url.length).toBeLessThan(90);
});

it('puts the link in the invoice email and SMS, and leaves it out without one', () => {
  const url = invoiceQuestionsUrl(
    { PORTAL_LINK_SECRET: SECRET, PORTAL_BASE_URL: 'https://pay.acme.test' },
    scope,
    NOW,
  )!;
  const withLink = renderMessage('invoice', { ...facts, questionsUrl: url }, NOW);
  expect(withLink.text).toContain(`Questions about this invoice? ${url}`);
  expect(withLink.html).toContain(`<a href="${url}">Questions about this invoice?</a>`);
  expect(withLink.sms).toContain(`Questions: ${url}`);
  expect(withLink.sms).toMatch(/Reply STOP to opt out$/);
  const without = renderMessage('invoice', facts, NOW);
  expect(`${without.text}${without.html}${without.sms}`).not.toContain('Questions');
});

it('prints the link on the PDF, escaped', () => {
  const input = sampleDocumentInput(3);
  const url = 'https://pay.acme.test/portal/acme.a.b.c.d.x&y<z';
  const model = documentFromStInvoice({ ...input, settings: DocumentSettings.parse({}), questionsUrl: url });
  const page = invoiceHtml(model, '');
  expect(page).toContain(
    '<h2>Questions about this invoice?</h2><p>https://pay.acme.test/portal/acme.a.b.c.d.x&amp;y&lt;z</p>',
  );
  expect(invoiceHtml(documentFromStInvoice(input), '')).not.toContain('Questions about this invoice?');
});
