// The console's views without a server: customer-facing HTML shown as text, internal codes in
// plain language (reasons, item types, feature codes like `jt:70305`), money formatted, and
// times in the shop's time zone with its abbreviation.
import type { Flag, PricedLine, RouteDecision } from '@invoicer/billing';
import { describe, expect, it } from 'vitest';
import { routeSection } from '../../apps/console/src/views/context.ts';
import { draftPanel } from '../../apps/console/src/views/draft.ts';
import {
  codeText,
  inTimeZone,
  money,
  plainText,
  timeTag,
  when,
} from '../../apps/console/src/views/format.ts';

const viewer = { user: null, csrf: 'token' };

function line(over: Partial<PricedLine>): PricedLine {
  return {
    key: 'add:1',
    skuId: 701,
    quantity: '1',
    origin: 'added',
    provenance: { kind: 'history_pattern', pattern: 'jt:70305&m:1', support: 12, confidence: 0.7 },
    evidence: [{ kind: 'history_pattern', detail: '12 of 14 jobs like jt:70305 carry it', support: 12 }],
    confidence: 0.55,
    reason: 'Usual on jt:70305 jobs',
    skuCode: 'TRIP',
    skuName: 'Trip Charge',
    type: 'PriceModifier',
    description: '<p>Trip charge.</p><p>Covers travel &amp; setup.</p>',
    unitPrice: '5000.00',
    total: '5000.00',
    taxable: false,
    priceBasis: 'price book',
    ...over,
  } as PricedLine;
}

function panel(lines: PricedLine[], flags: Flag[] = []): string {
  return draftPanel(viewer, {
    itemId: '00000000-0000-0000-0000-000000000001',
    tenantId: 'acme',
    canEdit: true,
    canSetPrice: false,
    names: { jobTypes: new Map([[70305, 'AC Repair']]) },
    draft: {
      revision: 1,
      lines,
      createdBy: 'pipeline',
      createdAt: new Date(),
      document: {
        lines,
        subTotal: '5000.00',
        salesTax: '0.00',
        total: '5000.00',
        taxBreakdown: [],
        flags,
        confidence: 0.55,
        summary: '<p>AC Repair at Home.</p>',
        diff: { technicianTotal: '0.00' },
      } as never,
    },
  }).toString();
}

describe('draft panel', () => {
  it('renders ServiceTitan HTML descriptions as text', () => {
    const out = panel([line({})]);
    expect(out).toContain('Trip charge.');
    expect(out).toContain('Covers travel &amp; setup.');
    expect(out).not.toMatch(/&lt;p&gt;|<p>Trip/);
    expect(out).toContain('Customer-facing summary: AC Repair at Home.');
  });

  it('shows item types, feature codes and money in words', () => {
    const out = panel(
      [line({})],
      [
        {
          code: 'missing_usual',
          severity: 'warning',
          message: 'jt:70305 jobs usually carry a permit',
          evidence: [],
        } as never,
      ],
    );
    expect(out).toContain('Fee or discount');
    expect(out).not.toContain('PriceModifier');
    expect(out).not.toMatch(/jt:\d/);
    expect(out).toContain('job type “AC Repair” + members');
    expect(out).toContain('$5,000.00');
    expect(out).not.toContain('$5000.00');
    // The confidence explanation names the weak line and the flag.
    expect(out).toContain('What lowers the confidence');
    expect(out).toContain('TRIP Trip Charge: 55%');
    expect(out).toContain('job type “AC Repair” jobs usually carry a permit');
  });

  it('leaves no raw markup from a description with script', () => {
    const out = panel([line({ description: '<p><script>alert(1)</script>Fan motor</p>' })]);
    expect(out).not.toContain('<script>');
  });
});

describe('why it is here', () => {
  it('names the reasons in words, with the threshold as money', () => {
    const route: RouteDecision = {
      route: 'review',
      reasons: ['low_confidence', 'validation_flag'],
      mode: 'auto',
      needsManager: false,
      threshold: 0.9,
      amountThreshold: '5000.00',
      explanation: 'Needs review: low_confidence, validation_flag.',
    };
    const out = routeSection(route, {}).toString();
    expect(out).toContain('Low confidence; Validation flag.');
    expect(out).not.toContain('low_confidence');
    expect(out).toContain('$5,000.00');
  });
});

describe('format', () => {
  it('shows times in the shop zone with its abbreviation', () => {
    const d = new Date('2026-01-15T23:38:00Z');
    expect(inTimeZone('America/Chicago', () => when(d))).toBe('Jan 15, 2026, 5:38 PM CST');
    expect(inTimeZone('America/New_York', () => timeTag(d).toString())).toContain('6:38 PM EST');
    expect(when(d)).toBe('Jan 15, 2026, 11:38 PM UTC');
    expect(inTimeZone('Not/AZone', () => when(d))).toBe('Jan 15, 2026, 11:38 PM UTC');
  });

  it('formats money and codes', () => {
    expect(money('5000.00')).toBe('$5,000.00');
    expect(codeText('bu:12', { businessUnits: new Map([[12, 'HVAC Service']]) })).toBe(
      'business unit “HVAC Service”',
    );
    expect(plainText('<p>A</p><p>B &amp; C</p>')).toBe('A\nB & C');
    expect(plainText('plain < text')).toBe('plain < text');
  });
});
