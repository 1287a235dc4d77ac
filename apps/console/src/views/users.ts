// Users (admins): who can sign in, with which role; create, change role, deactivate, reset.
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

export function usersPage(
  viewer: Viewer,
  users: User[],
  extra: { flash?: Flash; issues?: FieldIssue[] } = {},
): SafeHtml {
  return layout(viewer, {
    title: 'Users',
    active: 'users',
    flash: extra.flash,
    body: html`<h1>Users</h1>
${extra.issues?.length ? html`<div class="flash flash-error" role="alert"><ul>${extra.issues.map((i) => html`<li><strong>${i.field}</strong>: ${i.message}</li>`)}</ul></div>` : ''}
<table class="users"><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Last sign-in</th><th scope="col">Change</th></tr></thead>
<tbody>${users.map(
      (
        u,
        i,
      ) => html`<tr${u.active ? '' : html` class="inactive"`}><td>${u.name}${u.active ? '' : html` <span class="tag">inactive</span>`}</td><td>${u.email}</td><td>${ROLE_LABELS[u.role as keyof typeof ROLE_LABELS] ?? u.role}</td><td>${timeTag(u.lastLoginAt)}</td>
  <td><form method="post" action="/users/${u.id}" class="inline">${csrfField(viewer)}
    <label class="sr-only" for="role-${i}">Role for ${u.email}</label><select id="role-${i}" name="role">${roleOptions(u.role)}</select>
    <label><input type="checkbox" name="active" value="true"${u.active ? html` checked` : ''}> Active</label>
    <label class="sr-only" for="pw-${i}">New password for ${u.email}</label><input id="pw-${i}" name="password" type="password" autocomplete="new-password" placeholder="new password (optional)">
    <button type="submit">Save</button></form></td></tr>`,
    )}</tbody></table>
<form method="post" action="/users" class="stack narrow">${csrfField(viewer)}
  <fieldset><legend>Add a user</legend>
  <label for="new-email">Email</label><input id="new-email" name="email" type="email" required autocomplete="off">
  <label for="new-name">Name</label><input id="new-name" name="name" required>
  <label for="new-role">Role</label><select id="new-role" name="role">${roleOptions('billing_specialist')}</select>
  <label for="new-password">Password (at least ${MIN_PASSWORD_LENGTH} characters)</label><input id="new-password" name="password" type="password" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password">
  <button type="submit" class="primary">Add user</button></fieldset>
</form>`,
  });
}
