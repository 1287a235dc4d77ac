// GET/POST /users and POST /users/:id (admins). Audited in the console's own chain; a
// deactivated user's sessions end at once; admins cannot lock themselves out. Each user may be
// limited to some tenants (users/tenants.ts); a change applies from the user's next request.
import {
  createUser,
  deleteUserSessions,
  findUserByEmail,
  getUser,
  listTenants,
  listUsers,
  USER_ROLES,
  updateUser,
} from '@invoicer/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditUser, CONSOLE_AUDIT_CHAIN } from '../audit/record.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts';
import { HttpError, parseInput, ValidationError } from '../http/errors.ts';
import { sendHtml, wantsJson } from '../http/respond.ts';
import type { ConsoleServices } from '../services.ts';
import { viewerOf } from '../views/layout.ts';
import { usersPage } from '../views/users.ts';
import { checkTenantIds, tenantsForAudit, tenantsFromBody } from './tenants.ts';

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);
const role = z.enum(USER_ROLES, {
  message: 'must be billing_specialist, billing_manager, engineer or admin',
});

const NewUserForm = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address').max(320),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  role,
  password,
});

const ChangeForm = z.object({
  role,
  active: z.preprocess((v) => v === true || v === 'true' || v === 'on', z.boolean()).default(false),
  password: z.preprocess((v) => (v === '' ? undefined : v), password.optional()),
});

export function registerUserRoutes(app: FastifyInstance, services: ConsoleServices): void {
  const { db } = services;
  const safe = (u: Awaited<ReturnType<typeof listUsers>>[number]) => {
    const { passwordHash: _p, ...rest } = u;
    return rest;
  };

  const tenantChoices = async () => (await listTenants(db)).map((t) => ({ id: t.id, name: t.name }));

  app.get('/users', async (request, reply) => {
    const users = await listUsers(db);
    if (wantsJson(request)) return reply.send(users.map(safe));
    const done = (request.query as { done?: string }).done;
    return sendHtml(
      reply,
      usersPage(
        viewerOf(request),
        users,
        await tenantChoices(),
        done ? { flash: { kind: 'ok', text: 'Saved.' } } : {},
      ),
    );
  });

  async function fail(request: FastifyRequest, reply: FastifyReply, error: unknown) {
    if (!(error instanceof HttpError) || wantsJson(request)) throw error;
    const issues =
      error instanceof ValidationError ? error.issues : [{ field: 'user', message: error.message }];
    return sendHtml(
      reply,
      usersPage(viewerOf(request), await listUsers(db), await tenantChoices(), { issues }),
      error.status,
    );
  }

  app.post('/users', async (request, reply) => {
    const admin = request.auth!.user;
    try {
      const form = parseInput(NewUserForm, request.body);
      const tenantIds = tenantsFromBody(request.body) ?? [];
      await checkTenantIds(db, tenantIds);
      if (await findUserByEmail(db, form.email))
        throw new ValidationError([{ field: 'email', message: 'a user with this email exists' }]);
      const passwordHash = await hashPassword(form.password);
      const user = await db.$transaction(async (tx) => {
        const created = await createUser(tx, {
          email: form.email,
          name: form.name,
          role: form.role,
          passwordHash,
          tenantIds,
        });
        await auditUser(tx, admin, {
          tenantId: CONSOLE_AUDIT_CHAIN,
          action: 'user.created',
          data: {
            userId: created.id,
            email: created.email,
            before: null,
            after: {
              name: created.name,
              role: created.role,
              active: true,
              tenants: tenantsForAudit(created.tenantIds),
            },
          },
        });
        return created;
      });
      if (wantsJson(request)) return reply.send(safe(user));
      return reply.redirect('/users?done=1', 303);
    } catch (error) {
      return fail(request, reply, error);
    }
  });

  app.post('/users/:id', async (request, reply) => {
    const admin = request.auth!.user;
    try {
      const { id } = parseInput(z.object({ id: z.uuid('is not a user id') }), request.params);
      const form = parseInput(ChangeForm, request.body);
      const tenantIds = tenantsFromBody(request.body);
      if (tenantIds) await checkTenantIds(db, tenantIds);
      const before = await getUser(db, id);
      if (!before) throw new HttpError(404, 'There is no such user.');
      if (id === admin.id && (!form.active || form.role !== 'admin'))
        throw new HttpError(
          409,
          'You cannot remove your own admin role or deactivate yourself; ask another admin.',
        );
      const passwordHash = form.password ? await hashPassword(form.password) : undefined;
      await db.$transaction(async (tx) => {
        const after = await updateUser(tx, id, {
          role: form.role,
          active: form.active,
          ...(passwordHash ? { passwordHash } : {}),
          ...(tenantIds ? { tenantIds } : {}),
        });
        // A deactivated user, a role change or a password reset ends their sessions. A change of
        // tenants needs no new session: every request reads the user's tenants afresh.
        const ended =
          form.active && form.role === before.role && !passwordHash ? 0 : await deleteUserSessions(tx, id);
        await auditUser(tx, admin, {
          tenantId: CONSOLE_AUDIT_CHAIN,
          action: 'user.changed',
          data: {
            userId: id,
            email: before.email,
            before: { role: before.role, active: before.active, tenants: tenantsForAudit(before.tenantIds) },
            after: { role: after.role, active: after.active, tenants: tenantsForAudit(after.tenantIds) },
            passwordReset: Boolean(passwordHash),
            sessionsEnded: ended,
          },
        });
      });
      if (wantsJson(request)) return reply.send({ ok: true });
      return reply.redirect('/users?done=1', 303);
    } catch (error) {
      return fail(request, reply, error);
    }
  });
}
