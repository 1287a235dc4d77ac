// Users (admins): who can sign in, with which role and which tenants; create, change role or
// tenants, deactivate, reset.
import type { User } from '@invoicer/db';
import { MIN_PASSWORD_LENGTH } from '../auth/password.ts';
import { ROLE_LABELS, ROLES } from '../auth/roles.ts';
import type { FieldIssue } from '../http/errors.ts';
import { timeTag } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type Flash, layout, type Viewer } from './layout.ts';

function roleOptions(current: string): SafeHtml {
  return html`${ROLES.map((r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${ROLE_LABELS[r]}</option>`)}`;
}

export interface TenantChoice {
  id: string;
  name: string;
}

/** Who sees what, in words: admins and users without a list see every tenant. */
function tenantsText(u: User, tenants: TenantChoice[]): SafeHtml {
  if (u.role === 'admin') return html`Every tenant <span class="small muted">(administrator)</span>`;
  const ids = u.tenantIds ?? [];
  if (!ids.length) return html`Every tenant`;
  const names = new Map(tenants.map((t) => [t.id, t.name]));
  return html`${ids.map(
    (id, i) =>
      html`${i ? ', ' : ''}${names.get(id) ?? id}${names.has(id) ? '' : html` <span class="tag">not registered</span>`}`,
  )}`;
}

/**
 * The tenants control of a form: every tenant, or only the ticked ones. `ids` is the user's list
 * (empty: every tenant).
 */
function tenantsField(label: string, ids: readonly string[], tenants: TenantChoice[]): SafeHtml {
  const listed = ids.length > 0;
  return html`<fieldset class="tenants"><legend>${label}</legend>
    <label><input type="radio" name="scope" value="all"${listed ? '' : html` checked`}> Every tenant</label>
    <label><input type="radio" name="scope" value="listed"${listed ? html` checked` : ''}> Only these:</label>
    ${tenants.map(
      (t) =>
        html`<label><input type="checkbox" name="tenants" value="${t.id}"${ids.includes(t.id) ? html` checked` : ''}> ${t.name}</label>`,
    )}${tenants.length ? '' : html`<span class="hint">No tenants are registered yet.</span>`}
  </fieldset>`;
}

export function usersPage(
  viewer: Viewer,
  users: User[],
  tenants: TenantChoice[],
  extra: { flash?: Flash; issues?: FieldIssue[] } = {},
): SafeHtml {
  return layout(viewer, {
    title: 'Users',
    active: 'users',
    flash: extra.flash,
    body: html`<h1>Users</h1>
${extra.issues?.length ? html`<div class="flash flash-error" role="alert"><ul>${extra.issues.map((i) => html`<li><strong>${i.field}</strong>: ${i.message}</li>`)}</ul></div>` : ''}
<p class="hint">A user limited to some tenants sees and acts on those tenants only (queue, items, searches, bank files, audit); other tenants' items and ids answer “not found”. Administrators, and users given every tenant, see every tenant. A change applies from the user's next page.</p>
<table class="users"><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Tenants</th><th scope="col">Last sign-in</th><th scope="col">Change</th></tr></thead>
<tbody>${users.map(
      (
        u,
        i,
      ) => html`<tr${u.active ? '' : html` class="inactive"`}><td>${u.name}${u.active ? '' : html` <span class="tag">inactive</span>`}</td><td>${u.email}</td><td>${ROLE_LABELS[u.role as keyof typeof ROLE_LABELS] ?? u.role}</td><td>${tenantsText(u, tenants)}</td><td>${timeTag(u.lastLoginAt)}</td>
  <td><form method="post" action="/users/${u.id}" class="inline">${csrfField(viewer)}
    <label class="sr-only" for="role-${i}">Role for ${u.email}</label><select id="role-${i}" name="role">${roleOptions(u.role)}</select>
    <label><input type="checkbox" name="active" value="true"${u.active ? html` checked` : ''}> Active</label>
    <label class="sr-only" for="pw-${i}">New password for ${u.email}</label><input id="pw-${i}" name="password" type="password" autocomplete="new-password" placeholder="new password (optional)">
    ${tenantsField(`Tenants for ${u.email}`, u.tenantIds ?? [], tenants)}
    <button type="submit">Save</button></form></td></tr>`,
    )}</tbody></table>
<form method="post" action="/users" class="stack narrow">${csrfField(viewer)}
  <fieldset><legend>Add a user</legend>
  <label for="new-email">Email</label><input id="new-email" name="email" type="email" required autocomplete="off">
  <label for="new-name">Name</label><input id="new-name" name="name" required>
  <label for="new-role">Role</label><select id="new-role" name="role">${roleOptions('billing_specialist')}</select>
  <label for="new-password">Password (at least ${MIN_PASSWORD_LENGTH} characters)</label><input id="new-password" name="password" type="password" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password">
  ${tenantsField('Tenants (administrators always see every tenant)', [], tenants)}
  <button type="submit" class="primary">Add user</button></fieldset>
</form>`,
  });
}
