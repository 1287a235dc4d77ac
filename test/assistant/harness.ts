// A database with generated customers in the mirror and the shop's policies, for assistant tests.
import { addPolicyDocument, linkDigest, signLink } from '@invoicer/assistant';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { type GeneratedCustomer, generateCustomers, POLICIES, TENANT, writeMirror } from './fixtures.ts';

export const SECRET = 'portal-secret-for-tests-0123456789';

export interface AssistantBench {
  database: TestDatabase;
  customers: GeneratedCustomer[];
  linkFor(
    customer: GeneratedCustomer,
    invoiceIndex?: number,
  ): { token: string; digest: string; scope: { tenantId: string; customerId: number; invoiceId: number } };
  close(): Promise<void>;
}

export async function startAssistantBench(count = 12): Promise<AssistantBench> {
  const database = await createTestDatabase();
  const customers = generateCustomers(count);
  await writeMirror(database.db, customers);
  const add = (
    title: string,
    kind: 'warranty' | 'payment_terms' | 'trip_charge' | 'other',
    body: string,
    approved = true,
  ) => addPolicyDocument(database.db, { tenantId: TENANT, title, kind, body, uploadedBy: 'test', approved });
  await add('Warranty', 'warranty', POLICIES.warranty);
  await add('Payment terms', 'payment_terms', POLICIES.payment);
  await add('Trip charges', 'trip_charge', POLICIES.trip);
  // Not approved yet: never searched.
  await add(
    'Draft discounts',
    'other',
    '# Secret discount\nStaff may offer a discount code SAVE40 on any charge.',
    false,
  );
  // Another tenant's policy: never searched for this one.
  await addPolicyDocument(database.db, {
    tenantId: 'other-shop',
    title: 'Other warranty',
    kind: 'warranty',
    body: '# Warranty\nLifetime parts warranty on everything, covered forever.',
    uploadedBy: 'test',
    approved: true,
  });
  return {
    database,
    customers,
    linkFor(customer, invoiceIndex = 0) {
      const scope = {
        tenantId: TENANT,
        customerId: customer.customerId,
        invoiceId: customer.invoices[invoiceIndex]!.id,
      };
      const token = signLink(SECRET, scope);
      return { token, digest: linkDigest(token), scope };
    },
    close: () => database.drop(),
  };
}
