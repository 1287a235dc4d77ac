// The policies page: the tenant's documents (approved or not) and the upload form.
import { POLICY_KINDS } from '@invoicer/assistant';
import { html } from '../views/html.ts';
import { csrfField, layout, type Viewer } from '../views/layout.ts';

export interface PolicyRow {
  id: string;
  title: string;
  kind: string;
  approved: boolean;
  uploadedBy: string;
  createdAt: Date;
  _count: { chunks: number };
}

const DONE: Record<string, string> = {
  added: 'Policy added.',
  approve: 'Policy approved: the assistant can quote it now.',
  unapprove: 'Policy withdrawn: the assistant no longer quotes it.',
  delete: 'Policy deleted.',
};

export function policiesPage(
  viewer: Viewer,
  page: { tenantId: string; tenants: string[]; documents: PolicyRow[]; done: string | null },
) {
  const change = (d: PolicyRow, action: string, label: string) =>
    html`<form method="post" action="/policies/change" class="inline">${csrfField(viewer)}
      <input type="hidden" name="tenant" value="${page.tenantId}"><input type="hidden" name="id" value="${d.id}">
      <input type="hidden" name="action" value="${action}"><button type="submit">${label}</button></form>`;
  return layout(viewer, {
    title: 'Customer policies',
    active: 'policies',
    flash: page.done && DONE[page.done] ? { kind: 'ok', text: DONE[page.done]! } : undefined,
    body: html`<h1>Customer policies · ${page.tenantId}</h1>
<p>What the invoice assistant may quote to customers (warranty, payment terms, trip charges). Headings
(<code># Heading</code>) split a document into the passages it searches; only approved documents are searched.</p>
${
  page.tenants.length > 1
    ? html`<form method="get" action="/policies"><label>Tenant <select name="tenant">${page.tenants.map(
        (t) => html`<option value="${t}" ${t === page.tenantId ? 'selected' : ''}>${t}</option>`,
      )}</select></label> <button type="submit">Show</button></form>`
    : ''
}
<table><thead><tr><th scope="col">Title</th><th scope="col">Kind</th><th scope="col">Passages</th><th scope="col">Status</th><th scope="col">Uploaded</th><th scope="col">Actions</th></tr></thead><tbody>
${page.documents.map(
  (
    d,
  ) => html`<tr><td>${d.title}</td><td>${d.kind}</td><td>${d._count.chunks}</td><td>${d.approved ? 'approved' : 'not approved'}</td>
  <td>${d.createdAt.toISOString().slice(0, 10)}</td>
  <td>${d.approved ? change(d, 'unapprove', 'Withdraw') : change(d, 'approve', 'Approve')} ${change(d, 'delete', 'Delete')}</td></tr>`,
)}
</tbody></table>
<h2>Add a policy</h2>
<form method="post" action="/policies">${csrfField(viewer)}<input type="hidden" name="tenant" value="${page.tenantId}">
<p><label>Title <input name="title" required maxlength="200"></label></p>
<p><label>Kind <select name="kind">${POLICY_KINDS.map((k) => html`<option value="${k}">${k.replace('_', ' ')}</option>`)}</select></label></p>
<p><label>Text (plain or Markdown)<br><textarea name="body" rows="14" cols="80" required></textarea></label></p>
<p><label><input type="checkbox" name="approved"> Approve now</label></p>
<button type="submit">Add policy</button></form>`,
  });
}
