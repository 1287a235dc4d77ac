// The role matrix: every route the console serves, who may use it, in one table. A global hook
// checks each request against it (a route missing from the table is refused), and a test walks
// every role against every row.
import { USER_ROLES, type UserRole } from '@invoicer/db';

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
  what: string;
}

export const ROUTE_MATRIX: readonly RouteRule[] = [
  { method: 'GET', url: '/healthz', access: 'public', what: 'Liveness' },
  { method: 'GET', url: '/readyz', access: 'public', what: 'Readiness (Postgres, Redis)' },
  { method: 'GET', url: '/metrics', access: 'public', what: 'Prometheus (METRICS_TOKEN or loopback)' },
  { method: 'GET', url: '/static/*', access: 'public', what: 'CSS, scripts' },
  { method: 'GET', url: '/login', access: 'public', what: 'Sign-in form' },
  { method: 'POST', url: '/login', access: 'public', csrf: 'login', what: 'Sign in (rate-limited)' },
  { method: 'POST', url: '/logout', access: EVERYONE, what: 'Sign out' },
  { method: 'GET', url: '/', access: EVERYONE, what: 'Home (redirects)' },
  { method: 'GET', url: '/queue', access: READERS, what: 'Review queue' },
  { method: 'POST', url: '/queue/next', access: STAFF, what: 'Claim the next item' },
  { method: 'GET', url: '/items/:id', access: READERS, what: 'Review item' },
  { method: 'POST', url: '/items/:id/claim', access: STAFF, what: 'Claim or renew' },
  { method: 'POST', url: '/items/:id/release', access: STAFF, what: 'Release a claim' },
  { method: 'POST', url: '/items/:id/approve', access: STAFF, what: 'Approve and post' },
  { method: 'POST', url: '/items/:id/edit', access: STAFF, what: 'Edit draft lines' },
  { method: 'POST', url: '/items/:id/reject', access: STAFF, what: 'Reject' },
  { method: 'POST', url: '/items/:id/escalate', access: STAFF, what: 'Escalate to a manager' },
  { method: 'POST', url: '/items/:id/hold', access: STAFF, what: 'Put on hold' },
  { method: 'POST', url: '/items/:id/resume', access: STAFF, what: 'Take off hold' },
  { method: 'POST', url: '/items/:id/payment', access: STAFF, what: 'Resolve a payment item' },
  { method: 'GET', url: '/skus', access: STAFF, what: 'Price-book search' },
  { method: 'GET', url: '/bank-statements', access: STAFF, what: 'Bank files: upload form, recent imports' },
  { method: 'POST', url: '/bank-statements', access: STAFF, what: 'Import a bank file (multipart)' },
  { method: 'GET', url: '/audit', access: READERS, what: 'Audit history (HTML, CSV, JSON)' },
  { method: 'GET', url: '/settings', access: ADMINS, what: 'Rollout settings' },
  { method: 'POST', url: '/settings', access: ADMINS, what: 'Save rollout settings' },
  { method: 'GET', url: '/users', access: ADMINS, what: 'Users' },
  { method: 'POST', url: '/users', access: ADMINS, what: 'Create a user' },
  { method: 'POST', url: '/users/:id', access: ADMINS, what: 'Change a user' },
  { method: 'GET', url: '/ops', access: ENGINEERS, what: 'Cluster overview' },
  {
    method: 'ANY',
    url: '/admin/queues',
    prefix: true,
    access: ENGINEERS,
    csrf: 'origin',
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
