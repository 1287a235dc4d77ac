// Channel and contact choice (pure). Order: the customer's preference (a custom field such as
// "Preferred Contact Method") → the tenant's default → the other channel. Within a channel the
// first usable contact wins: SMS only to a MobilePhone that is a valid number, not Do Not Text,
// not on any opt-out list, not failed before; email only to a valid address that has not
// bounced. A contact that opted out gets nothing on that channel.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Channel, MessageCategory } from './policy.ts';

export interface ContactPoint {
  id: number | string;
  /** ServiceTitan contact type: Email, Phone, MobilePhone, Fax. */
  type: string;
  value: string;
  doNotText?: boolean;
}

export interface ChannelFacts {
  category: MessageCategory;
  contacts: ContactPoint[];
  /** The customer's preference field value, as typed in ServiceTitan (any case), or null. */
  preference: string | null;
  tenantDefault: Channel;
  /** E.164 numbers that replied STOP or are on ServiceTitan's opt-out list. */
  smsOptOuts: ReadonlySet<string>;
  /** Lower-cased addresses unsubscribed from reminders (not applied to the invoice itself). */
  emailUnsubscribes: ReadonlySet<string>;
  /** Addresses (E.164 or lower-cased email) that bounced or were undelivered for this subject. */
  failed: ReadonlySet<string>;
  /** A clerk picked this contact: only it is considered. */
  contactId?: number | string;
  /** Channels the tenant has configured (default: both). */
  available?: readonly Channel[];
  /** Two-letter default region for numbers written without a country code. */
  region?: string;
}

export type ChannelChoice =
  | { channel: Channel; address: string; contactId: number | string; why: string }
  | { channel: null; why: string };

const EMAIL =
  /^[^\s@<>(),;:"[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function normaliseEmail(value: string): string | null {
  const trimmed = value.trim();
  return EMAIL.test(trimmed) && trimmed.length <= 254 ? trimmed.toLowerCase() : null;
}

/** E.164 ("+15551234567") or null when it is not a valid number. */
export function normalisePhone(value: string, region = 'US'): string | null {
  const parsed = parsePhoneNumberFromString(value.trim(), region as never);
  return parsed?.isValid() ? parsed.number : null;
}

/** Map a free-text preference ("Text", "E-mail", "SMS please") to a channel, or null. */
export function preferenceChannel(value: string | null): Channel | null {
  if (!value) return null;
  const v = value.toLowerCase();
  if (/\b(sms|text|texts|texting|mobile)\b/.test(v)) return 'sms';
  if (/\b(e-?mail)\b/.test(v)) return 'email';
  return null;
}

function usable(channel: Channel, contact: ContactPoint, facts: ChannelFacts): string | null {
  if (channel === 'email') {
    if (contact.type.toLowerCase() !== 'email') return null;
    const address = normaliseEmail(contact.value);
    if (!address || facts.failed.has(address)) return null;
    if (facts.category !== 'transactional' && facts.emailUnsubscribes.has(address)) return null;
    return address;
  }
  if (contact.type !== 'MobilePhone' || contact.doNotText) return null;
  const number = normalisePhone(contact.value, facts.region);
  if (!number || facts.smsOptOuts.has(number) || facts.failed.has(number)) return null;
  return number;
}

export function chooseChannel(facts: ChannelFacts): ChannelChoice {
  const preferred = preferenceChannel(facts.preference);
  const other: Channel = facts.tenantDefault === 'email' ? 'sms' : 'email';
  const order: { channel: Channel; why: string }[] = [];
  if (preferred) order.push({ channel: preferred, why: 'customer preference' });
  order.push({ channel: facts.tenantDefault, why: 'tenant default' });
  order.push({ channel: other, why: 'fallback' });
  const contacts =
    facts.contactId === undefined
      ? facts.contacts
      : facts.contacts.filter((c) => String(c.id) === String(facts.contactId));
  const seen = new Set<Channel>();
  for (const { channel, why } of order) {
    if (seen.has(channel)) continue;
    seen.add(channel);
    if (facts.available && !facts.available.includes(channel)) continue;
    for (const contact of contacts) {
      const address = usable(channel, contact, facts);
      if (address) return { channel, address, contactId: contact.id, why };
    }
  }
  return {
    channel: null,
    why: contacts.length ? 'no contact can be reached (opted out, invalid or failed)' : 'no contacts',
  };
}
