// The tenant settings' `documents` block (packages/core settings.ts): defaults, per-unit
// branding, and clear errors for what would print wrong.
import { parseTenantSettings, validateTenantSettings } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { brandingFor } from './model.ts';

const issues = (raw: unknown) => {
  try {
    validateTenantSettings(raw);
    return [];
  } catch (error) {
    return (error as { issues: string[] }).issues;
  }
};

describe('documents settings', () => {
  it('is off by default, Letter, attached to the job, with the default colour', () => {
    expect(parseTenantSettings({}).documents).toEqual({
      enabled: false,
      attachToJob: true,
      paperSize: 'Letter',
      accentColor: '#1f4e79',
      businessUnits: [],
    });
  });

  it('accepts a PNG logo, licence text and a unit of its own', () => {
    const settings = validateTenantSettings({
      documents: {
        enabled: true,
        logoDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
        licenceText: 'TACLA00012345C',
        businessUnits: [{ businessUnitId: 7, licenceText: 'M-40123 (plumbing)' }],
      },
    });
    expect(brandingFor(settings.documents, 7).licenceText).toBe('M-40123 (plumbing)');
    expect(brandingFor(settings.documents, 8).logoDataUrl).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('names each bad field', () => {
    expect(
      issues({
        documents: {
          accentColor: 'blue',
          logoDataUrl: 'https://example.com/logo.png',
          paperSize: 'Legal',
          businessUnits: [{ businessUnitId: 7, accentColor: '#12345' }],
          licenseText: 'misspelt',
        },
      }),
    ).toEqual([
      'documents.paperSize: Invalid option: expected one of "Letter"|"A4"',
      'documents.logoDataUrl: a data URL like data:image/png;base64,… (PNG, JPEG or SVG)',
      'documents.accentColor: a colour like #1f4e79',
      'documents.businessUnits.0.accentColor: a colour like #1f4e79',
    ]);
    expect(issues({ documents: { licenseText: 'misspelt' } })).toEqual([
      'documents.licenseText: unknown setting (misspelt?)',
    ]);
  });
});
