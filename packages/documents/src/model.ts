// The invoice document's view model: everything the template prints, as display-ready text.
// Built by pure functions from the invoice as ServiceTitan holds it (the posted document) or
// from our draft (the console preview). Amounts are formatted here from exact decimals; the
// template never computes.
import type { DocumentSettings } from '@invoicer/core';
import { htmlToText, plainText } from './text.ts';

export interface DocumentLine {
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

export interface DocumentParty {
  name: string;
  addressLines: string[];
}

export interface Branding {
  logoDataUrl: string | null;
  accentColor: string;
  licenceText: string | null;
  terms: string | null;
}

export interface SellerInfo {
  name: string;
  addressLines: string[];
  phone: string | null;
  email: string | null;
  invoiceHeader: string | null;
  invoiceMessage: string | null;
  authorizationParagraph: string | null;
  acknowledgementParagraph: string | null;
}

export interface InvoiceDocumentModel {
  invoiceNumber: string;
  invoiceDate: string | null;
  dueDate: string | null;
  termName: string | null;
  seller: SellerInfo;
  branding: Branding;
  billTo: DocumentParty;
  serviceLocation: DocumentParty;
  jobNumber: string | null;
  jobType: string | null;
  technician: string | null;
  lines: DocumentLine[];
  subTotal: string;
  discountTotal: string | null;
  taxLines: { label: string; amount: string }[];
  salesTax: string;
  total: string;
  payments: { label: string; amount: string }[];
  balance: string;
  summary: string | null;
  /** The signed customer page of this invoice ("Questions about this invoice?"), when there is one. */
  questionsUrl?: string | null;
  /** Printed diagonally on every page (the console's "DRAFT" preview); null for the real one. */
  watermark: string | null;
  paperSize: 'Letter' | 'A4';
}

/** A ServiceTitan business unit as the settings API serves it (only what the document prints). */
export interface BusinessUnitInfo {
  id: number;
  name: string;
  officialName?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
  invoiceHeader?: string | null;
  invoiceMessage?: string | null;
  authorizationParagraph?: string | null;
  acknowledgementParagraph?: string | null;
  address?: StAddress | null;
}

export interface StAddress {
  street?: string | null;
  unit?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  country?: string | null;
}

/** The tenant's brand, with a business unit's own fields replacing the tenant-wide ones. */
export function brandingFor(settings: DocumentSettings, businessUnitId: number | null): Branding {
  const unit = settings.businessUnits.find((b) => b.businessUnitId === businessUnitId);
  const pick = <K extends 'logoDataUrl' | 'accentColor' | 'licenceText' | 'terms'>(key: K) =>
    unit?.[key] ?? settings[key] ?? null;
  return {
    logoDataUrl: pick('logoDataUrl'),
    accentColor: pick('accentColor') ?? '#1f4e79',
    licenceText: pick('licenceText'),
    terms: pick('terms'),
  };
}

/** Postal lines: "12 Oak St, Unit 4" / "Riverton, TX 78640" (country only when not US). */
export function addressLines(address: StAddress | null | undefined): string[] {
  if (!address) return [];
  const street = [address.street, address.unit]
    .map((s) => plainText(s))
    .filter(Boolean)
    .join(', ');
  const stateZip = [plainText(address.state), plainText(address.zip)].filter(Boolean).join(' ');
  const town = [plainText(address.city), stateZip].filter(Boolean).join(', ');
  const country = plainText(address.country);
  const countryLine = country && !/^(us|usa|united states( of america)?)$/i.test(country) ? country : '';
  return [street, town, countryLine].filter(Boolean);
}

/** The seller block from a business unit (officialName before name). */
export function sellerFrom(unit: BusinessUnitInfo | null, fallbackName: string): SellerInfo {
  const text = (v: string | null | undefined) => htmlToText(v) || null;
  return {
    name: plainText(unit?.officialName) || plainText(unit?.name) || fallbackName,
    addressLines: addressLines(unit?.address),
    phone: plainText(unit?.phoneNumber) || null,
    email: plainText(unit?.email) || null,
    invoiceHeader: text(unit?.invoiceHeader),
    invoiceMessage: text(unit?.invoiceMessage),
    authorizationParagraph: text(unit?.authorizationParagraph),
    acknowledgementParagraph: text(unit?.acknowledgementParagraph),
  };
}

/** "2026-01-05T15:00:00Z" → "Jan 5, 2026" (the calendar date as ServiceTitan wrote it, no zone shift). */
export function displayDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const month = months[Number(match[2]) - 1];
  if (!month) return null;
  return `${month} ${Number(match[3])}, ${match[1]}`;
}
