// Customer contacts with realistic channel and consent flags, derived from the customer id (so
// every existing fixture gets the same contacts without regenerating): most have an email, most
// a mobile, some only a landline, about one mobile in eight is Do Not Text, a few have nothing.
// Numbers are in the fictional 555-01xx range; addresses on example domains.
import { Rng } from './rng.ts';

export interface SimContact {
  id: number;
  type: 'Email' | 'Phone' | 'MobilePhone' | 'Fax';
  value: string;
  memo: string | null;
  phoneSettings: { phoneNumber: string; doNotText: boolean } | null;
  createdOn: string;
  modifiedOn: string;
}

const AREA_CODES = ['214', '312', '415', '512', '602', '617', '702', '720', '813', '919'];
const CREATED = '2024-01-15T15:00:00Z';

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.+|\.+$/g, '')
      .slice(0, 30) || 'customer'
  );
}

export function contactsForCustomer(customer: { id: number; name: string }): SimContact[] {
  const rng = Rng.derive(customer.id, 'contacts');
  const contacts: SimContact[] = [];
  let n = 0;
  const add = (type: SimContact['type'], value: string, doNotText = false) => {
    const phone = type === 'Email' ? null : { phoneNumber: value.replace(/\D/g, '').slice(-10), doNotText };
    contacts.push({
      id: customer.id * 10 + ++n,
      type,
      value,
      memo: null,
      phoneSettings: phone,
      createdOn: CREATED,
      modifiedOn: CREATED,
    });
  };
  const area = AREA_CODES[Math.floor(rng.next() * AREA_CODES.length)]!;
  const line = () => `(${area}) 555-01${String(Math.floor(rng.next() * 100)).padStart(2, '0')}`;
  const nothing = rng.next() < 0.03;
  if (nothing) return contacts;
  if (rng.next() < 0.85)
    add('Email', `${slug(customer.name)}${customer.id % 100}@example.${rng.next() < 0.5 ? 'com' : 'net'}`);
  if (rng.next() < 0.72) add('MobilePhone', line(), rng.next() < 0.12);
  if (rng.next() < 0.3) add('Phone', line());
  return contacts;
}
