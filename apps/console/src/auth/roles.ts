// The role matrix: every route the console serves, who may use it, and how it names the tenant
// whose data it shows or changes, in one table. Global hooks check each request against it (a
// route missing from the table is refused; tenant scoping is in tenant-scope.ts), and tests walk
// every role, and every tenant-scoped role against another tenant, through every row.
import { USER_ROLES, type UserRole } from '@invoicer/db';
import type { TenantRule } from './tenant-scope.ts';

export type Role = UserRole;
export const ROLES = USER_ROLES;

export const ROLE_LABELS: Record<Role, string> = {
  billing_specialist: 'Billing specialist',
  billing_manager: 'Billing manager',
  engineer: 'Engineer',
  admin: 'Administrator',
};

const STAFF: readonly Role[] = ['billing_specialist', 'billing_manager', 'admin'];
const READERS: readonly Role[] = [...STAFF, 'engineer'];
const ENGINEERS: readonly Role[] = ['engineer', 'admin'];
const ADMINS: readonly Role[] = ['admin'];
const EVERYONE: readonly Role[] = ROLES;

/** Roles that may approve items needing a manager, and set prices by hand. */
export const MANAGER_ROLES: readonly Role[] = ['billing_manager', 'admin'];

export interface RouteRule {
  method: 'GET' | 'POST' | 'ANY';
  url: string;
  /** `prefix`: the rule covers every route under `url` (Bull Board's own routes). */
  prefix?: boolean;
  access: 'public' | readonly Role[];
  /** How unsafe requests prove they come from the console's own pages. */
  csrf?: 'token' | 'origin' | 'login';
  /** How the request names the tenant whose data it serves, for tenant-scoped users (tenant-scope.ts). */
  tenant: TenantRule;
  what: string;
}

export const ROUTE_MATRIX: readonly RouteRule[] = [
  { method: 'GET', url: '/healthz', access: 'public', tenant: 'none', what: 'Liveness' },
  { method: 'GET', url: '/readyz', access: 'public', tenant: 'none', what: 'Readiness (Postgres, Redis)' },
  {
    method: 'GET',
    url: '/metrics',
    access: 'public',
    // No user: Prometheus' door (token or loopback). Gauges are per queue and reason, not tenant.
    tenant: 'none',
    what: 'Prometheus (METRICS_TOKEN or loopback)',
  },
  { method: 'GET', url: '/static/*', access: 'public', tenant: 'none', what: 'CSS, scripts' },
  { method: 'GET', url: '/login', access: 'public', tenant: 'none', what: 'Sign-in form' },
  {
    method: 'POST',
    url: '/login',
    access: 'public',
    csrf: 'login',
    tenant: 'none',
    what: 'Sign in (rate-limited)',
  },
  { method: 'POST', url: '/logout', access: EVERYONE, tenant: 'none', what: 'Sign out' },
  { method: 'GET', url: '/', access: EVERYONE, tenant: 'none', what: 'Home (redirects)' },
  { method: 'GET', url: '/queue', access: READERS, tenant: 'tenant', what: 'Review queue' },
  { method: 'POST', url: '/queue/next', access: STAFF, tenant: 'tenant', what: 'Claim the next item' },
  { method: 'GET', url: '/items/:id', access: READERS, tenant: 'item', what: 'Review item' },
  {
    method: 'GET',
    url: '/items/:id/attachments',
    access: READERS,
    tenant: 'item',
    what: "The job's attachments, read from ServiceTitan when the item is opened",
  },
  // Invoice PDFs (documents/routes.ts).
  {
    method: 'GET',
    url: '/items/:id/documents',
    access: READERS,
    tenant: 'item',
    what: "The invoice's PDFs: draft preview link, the stored PDF after posting",
  },
  {
    method: 'GET',
    url: '/items/:id/pdf/preview',
    access: READERS,
    tenant: 'item',
    what: 'The current draft as a PDF marked DRAFT',
  },
  { method: 'GET', url: '/items/:id/pdf', access: READERS, tenant: 'item', what: 'The posted invoice PDF' },
  // Evidence: sold estimate vs draft, photo checks, nameplates (evidence/routes.ts).
  {
    method: 'GET',
    url: '/items/:id/evidence',
    access: READERS,
    tenant: 'item',
    what: "Each line's evidence",
  },
  // Customer messages (messages/routes.ts).
  {
    method: 'GET',
    url: '/items/:id/messages',
    access: READERS,
    tenant: 'item',
    what: "The invoice's message timeline and the customer's contacts",
  },
  {
    method: 'POST',
    url: '/items/:id/messages/resend',
    access: STAFF,
    tenant: 'item',
    what: 'Send the invoice again, to the best or a chosen contact',
  },
  // Receivables and collections (collections/routes.ts).
  {
    method: 'GET',
    url: '/collections',
    access: READERS,
    tenant: 'tenant',
    what: 'Receivables: aging, DSO/CEI, call list',
  },
  {
    method: 'POST',
    url: '/collections/outcomes',
    access: STAFF,
    tenant: 'tenant',
    what: "Record a collector's call outcome for an invoice",
  },
  {
    method: 'GET',
    url: '/collections/plans',
    access: READERS,
    tenant: 'tenant',
    what: 'Payment plans: suggestions and running plans',
  },
  {
    method: 'POST',
    url: '/collections/plans/accept',
    access: STAFF,
    tenant: 'tenant',
    what: 'Accept a payment-plan option (writes it to ServiceTitan)',
  },
  { method: 'POST', url: '/items/:id/claim', access: STAFF, tenant: 'item', what: 'Claim or renew' },
  { method: 'POST', url: '/items/:id/release', access: STAFF, tenant: 'item', what: 'Release a claim' },
  { method: 'POST', url: '/items/:id/approve', access: STAFF, tenant: 'item', what: 'Approve and post' },
  { method: 'POST', url: '/items/:id/edit', access: STAFF, tenant: 'item', what: 'Edit draft lines' },
  { method: 'POST', url: '/items/:id/reject', access: STAFF, tenant: 'item', what: 'Reject' },
  {
    method: 'POST',
    url: '/items/:id/escalate',
    access: STAFF,
    tenant: 'item',
    what: 'Escalate to a manager',
  },
  { method: 'POST', url: '/items/:id/hold', access: STAFF, tenant: 'item', what: 'Put on hold' },
  { method: 'POST', url: '/items/:id/resume', access: STAFF, tenant: 'item', what: 'Take off hold' },
  {
    method: 'POST',
    url: '/items/:id/payment',
    access: STAFF,
    tenant: 'item',
    what: 'Resolve a payment item',
  },
  { method: 'GET', url: '/skus', access: STAFF, tenant: 'tenant', what: 'Price-book search' },
  // Queue workflow (review/workflow-routes.ts).
  {
    method: 'POST',
    url: '/queue/approve',
    access: STAFF,
    tenant: 'tenant',
    what: 'Bulk approve the ticked items, each on its own',
  },
  {
    method: 'POST',
    url: '/items/:id/undo',
    access: STAFF,
    tenant: 'item',
    what: 'Undo an approval inside its window',
  },
  {
    method: 'GET',
    url: '/approvals/pending',
    access: STAFF,
    tenant: 'tenant',
    what: 'Your approvals that can still be undone',
  },
  {
    method: 'GET',
    url: '/escalations',
    access: MANAGER_ROLES,
    tenant: 'tenant',
    what: 'Escalated items with the note',
  },
  {
    method: 'POST',
    url: '/items/:id/send-back',
    access: MANAGER_ROLES,
    tenant: 'item',
    what: 'Answer an escalation and send it back',
  },
  {
    method: 'GET',
    url: '/bank-statements',
    access: STAFF,
    tenant: 'tenant',
    what: 'Bank files: upload form, recent imports',
  },
  {
    method: 'POST',
    url: '/bank-statements',
    access: STAFF,
    tenant: 'tenant',
    what: 'Import a bank file (multipart)',
  },
  {
    method: 'GET',
    url: '/audit',
    access: READERS,
    // `run`/`item` name one run's history; without them, the shop-wide history of the user's
    // tenants (a `tenant` filter is checked like any other).
    tenant: 'audit',
    what: "Audit history: a run's or item's, or shop-wide (HTML, CSV, JSON)",
  },
  { method: 'GET', url: '/settings', access: ADMINS, tenant: 'tenant', what: 'Rollout settings' },
  { method: 'POST', url: '/settings', access: ADMINS, tenant: 'tenant', what: 'Save rollout settings' },
  {
    method: 'GET',
    url: '/conversations',
    access: STAFF,
    tenant: 'tenant',
    what: 'Customer assistant conversations and their handoffs',
  },
  {
    method: 'POST',
    url: '/conversations/resolve',
    access: STAFF,
    tenant: 'tenant',
    what: 'Resolve a conversation handed to a person (optionally resume reminders)',
  },
  {
    method: 'GET',
    url: '/policies',
    access: MANAGER_ROLES,
    tenant: 'tenant',
    what: 'Customer policies (assistant)',
  },
  {
    method: 'POST',
    url: '/policies',
    access: MANAGER_ROLES,
    tenant: 'tenant',
    what: 'Add a customer policy',
  },
  {
    method: 'POST',
    url: '/policies/change',
    access: MANAGER_ROLES,
    tenant: 'tenant',
    what: 'Approve, withdraw or delete a customer policy',
  },
  // Accounting sync (accounting/routes.ts).
  {
    method: 'GET',
    url: '/settings/accounting',
    access: ADMINS,
    tenant: 'tenant',
    what: 'Books connection, mode, mappings to review, sync log, differences',
  },
  {
    method: 'POST',
    url: '/settings/accounting/mode',
    access: ADMINS,
    tenant: 'tenant',
    what: 'Change the accounting mode (guarded)',
  },
  {
    method: 'POST',
    url: '/settings/accounting/mappings',
    access: ADMINS,
    tenant: 'tenant',
    what: 'Confirm an accounting mapping',
  },
  {
    method: 'GET',
    url: '/settings/accounting/differences.csv',
    access: ADMINS,
    tenant: 'tenant',
    what: 'Open ServiceTitan ↔ books differences as CSV',
  },
  {
    method: 'GET',
    url: '/settings/accounting/days.csv',
    access: ADMINS,
    tenant: 'tenant',
    what: 'ServiceTitan ↔ books ↔ bank totals by day as CSV',
  },
  { method: 'GET', url: '/users', access: ADMINS, tenant: 'none', what: 'Users' },
  { method: 'POST', url: '/users', access: ADMINS, tenant: 'none', what: 'Create a user' },
  { method: 'POST', url: '/users/:id', access: ADMINS, tenant: 'none', what: 'Change a user' },
  { method: 'GET', url: '/ops', access: ENGINEERS, tenant: 'all', what: 'Cluster overview' },
  {
    method: 'ANY',
    url: '/admin/queues',
    prefix: true,
    access: ENGINEERS,
    csrf: 'origin',
    tenant: 'all',
    what: 'Bull Board',
  },
];

export function ruleFor(method: string, url: string): RouteRule | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return ROUTE_MATRIX.find(
    (r) =>
      (r.method === 'ANY' || r.method === m) &&
      (r.prefix ? url === r.url || url.startsWith(`${r.url}/`) : r.url === url),
  );
}

export function allows(rule: RouteRule, role: Role | null): boolean {
  if (rule.access === 'public') return true;
  return role !== null && rule.access.includes(role);
}

export function isManager(role: Role): boolean {
  return MANAGER_ROLES.includes(role);
}
