// The shop's policy documents for the customer invoice assistant (issue 19): billing managers and
// admins upload warranty, payment-terms and trip-charge policies as text or Markdown (headings
// split them into searchable chunks), approve them (only approved ones are searched) or delete
// them. Tenant scoping and roles come from the role matrix like every console route.
import {
  addPolicyDocument,
  deletePolicyDocument,
  listPolicyDocuments,
  MAX_POLICY_BYTES,
  POLICY_KINDS,
  setPolicyApproved,
} from '@invoicer/assistant';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { noTenant, visibleTenants } from '../auth/tenant-scope.ts';
import { HttpError, parseInput } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { href } from '../views/html.ts';
import { viewerOf } from '../views/layout.ts';
import { policiesPage } from './view.ts';

const Tenant = z.object({ tenant: z.string().max(64).optional(), done: z.string().max(40).optional() });
const Upload = z.object({
  tenant: z.string().min(1).max(64),
  title: z.string().trim().min(1, 'give the policy a title').max(200),
  kind: z.enum(POLICY_KINDS),
  body: z
    .string()
    .trim()
    .min(1, 'paste the policy text')
    .refine((b) => Buffer.byteLength(b) <= MAX_POLICY_BYTES, `at most ${MAX_POLICY_BYTES / 1000} KB`),
  approved: z.enum(['on', 'true']).optional(),
});
const Change = z.object({
  tenant: z.string().min(1).max(64),
  id: z.uuid('not a policy id'),
  action: z.enum(['approve', 'unapprove', 'delete']),
});

export function registerPolicyRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  const tenantOf = async (
    request: { auth?: { user: Parameters<typeof visibleTenants>[1] } | null },
    requested?: string,
  ) => {
    const tenants = await visibleTenants(db, request.auth!.user);
    const tenant = requested ? tenants.find((t) => t.id === requested) : tenants[0];
    if (!tenant) throw new HttpError(404, requested ? noTenant(requested) : 'No tenants are registered yet.');
    return { tenants, tenantId: tenant.id };
  };

  app.get('/policies', async (request, reply) => {
    const { tenant, done } = parseInput(Tenant, request.query);
    const { tenants, tenantId } = await tenantOf(request, tenant);
    const documents = await listPolicyDocuments(db, tenantId);
    if (wantsJson(request)) return reply.send({ tenantId, documents });
    return sendHtml(
      reply,
      policiesPage(viewerOf(request), {
        tenantId,
        tenants: tenants.map((t) => t.id),
        documents,
        done: done ?? null,
      }),
    );
  });

  app.post('/policies', async (request, reply) => {
    const input = parseInput(Upload, request.body);
    const { tenantId } = await tenantOf(request, input.tenant);
    const added = await addPolicyDocument(db, {
      tenantId,
      title: input.title,
      kind: input.kind,
      body: input.body,
      uploadedBy: request.auth!.user.id,
      approved: Boolean(input.approved),
    });
    if (wantsJson(request)) return reply.code(201).send(added);
    return reply.redirect(href('/policies', { tenant: tenantId, done: 'added' }), 303);
  });

  app.post('/policies/change', async (request, reply) => {
    const input = parseInput(Change, request.body);
    const { tenantId } = await tenantOf(request, input.tenant);
    const ok =
      input.action === 'delete'
        ? await deletePolicyDocument(db, tenantId, input.id)
        : await setPolicyApproved(db, tenantId, input.id, input.action === 'approve');
    if (!ok) throw new HttpError(404, 'There is no such policy document.');
    if (wantsJson(request)) return reply.send({ ok: true });
    return reply.redirect(href('/policies', { tenant: tenantId, done: input.action }), 303);
  });
}
