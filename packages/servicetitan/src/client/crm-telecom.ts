// ServiceTitan calls for customer messaging (issue 15): a customer's contacts and notes (CRM v2)
// and the tenant's SMS opt-out list (Telecom v3, which the v2 URL builder cannot address).
import { z } from 'zod';
import { Id, OptTimestamp } from '../schemas/common.ts';
import type { StClient } from './client.ts';
import { StApiError, StNetworkError } from './errors.ts';

export const CustomerContact = z.looseObject({
  id: Id,
  /** Email, Phone, MobilePhone, Fax. */
  type: z.string(),
  value: z.string(),
  memo: z.string().nullish(),
  phoneSettings: z
    .looseObject({ phoneNumber: z.string().nullish(), doNotText: z.boolean().nullish() })
    .nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type CustomerContact = z.infer<typeof CustomerContact>;

export const CustomerNote = z.looseObject({
  id: Id.nullish(),
  text: z.string(),
  isPinned: z.boolean().nullish(),
  createdById: Id.nullish(),
  createdOn: OptTimestamp,
  modifiedOn: OptTimestamp,
});
export type CustomerNote = z.infer<typeof CustomerNote>;

export const OptOutEntry = z.looseObject({ contactNumber: z.string(), optOutType: z.string().nullish() });
export type OptOutEntry = z.infer<typeof OptOutEntry>;

export function listCustomerContacts(client: StClient, customerId: number): Promise<CustomerContact[]> {
  return client.listAll('crm', `/customers/${customerId}/contacts`, CustomerContact);
}

export function listCustomerNotes(client: StClient, customerId: number): Promise<CustomerNote[]> {
  return client.listAll('crm', `/customers/${customerId}/notes`, CustomerNote);
}

/** Not idempotent: callers guard it with the write ledger and a read-back of the notes. */
export function createCustomerNote(
  client: StClient,
  customerId: number,
  body: { text: string; pinToTop?: boolean; addToLocations?: boolean },
) {
  return client.http.request('POST', 'crm', `/customers/${customerId}/notes`, {
    body,
    schema: CustomerNote,
    idempotent: false,
  });
}

async function telecom<T extends z.ZodType>(
  client: StClient,
  path: string,
  body: unknown,
  schema: T,
): Promise<z.infer<T>> {
  const { apiBaseUrl, tenantId, appKey, timeoutMs } = client.config;
  const endpoint = `POST /telecom/v3${path}`;
  const url = `${apiBaseUrl.replace(/\/$/, '')}/telecom/v3/tenant/${tenantId}${path}`;
  await client.http.rateLimiter.acquire();
  let response: Response;
  try {
    response = await (client.config.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await client.tokens.get()}`,
        'st-app-key': appKey,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new StNetworkError(endpoint, error);
  }
  const text = await response.text();
  if (!response.ok) throw new StApiError(response.status, endpoint, null);
  return schema.parse(text ? JSON.parse(text) : {});
}

/** Which of these numbers are on the tenant's opt-out list. Safe to repeat. */
export async function getOptOuts(client: StClient, contactNumbers: string[]): Promise<OptOutEntry[]> {
  if (!contactNumbers.length) return [];
  const result = await telecom(
    client,
    '/optinouts/optouts/getlist',
    { contactNumbers },
    z.looseObject({ data: z.array(OptOutEntry) }),
  );
  return result.data;
}

/** Add numbers to the tenant's opt-out list (an opt-out is a set: repeating it is harmless). */
export async function createOptOuts(
  client: StClient,
  contactNumbers: string[],
  optOutType: 'Global' | 'Marketing' | 'Other' = 'Global',
) {
  const result = await telecom(
    client,
    '/optinouts/optouts',
    { optOutType, contactNumbers },
    z.looseObject({ data: z.array(z.looseObject({ contactNumber: z.string(), status: z.string() })) }),
  );
  return result.data;
}
