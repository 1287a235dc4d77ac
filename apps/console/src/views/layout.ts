// The page shell: landmarks (banner, navigation, main, contentinfo), a skip link, the signed-in
// user, the CSRF token for forms and htmx, and the keyboard-shortcut help (opened with "?").
// htmx settles "class", "width" and "height" only: settling "style" copies the old element's
// style attribute (Chromium gives focused fields an empty one) with setAttribute, which the
// style-src 'self' policy blocks, one CSP error per field on every edit.
import type { FastifyRequest } from 'fastify';
import { csrfToken } from '../auth/csrf.ts';
import { isManager, ROLE_LABELS } from '../auth/roles.ts';
import type { SessionUser } from '../auth/session.ts';
import { type Html, html, type SafeHtml } from './html.ts';

export interface Viewer {
  user: SessionUser | null;
  csrf: string;
}

export function viewerOf(request: FastifyRequest): Viewer {
  const auth = request.auth;
  return { user: auth?.user ?? null, csrf: auth ? csrfToken(auth.csrfSecret) : '' };
}

export function csrfField(viewer: Viewer): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
}

export interface Flash {
  kind: 'ok' | 'error' | 'warn';
  text: string;
}

type Section =
  | 'queue'
  | 'escalations'
  | 'collections'
  | 'bank'
  | 'audit'
  | 'ops'
  | 'settings'
  | 'users'
  | 'policies'
  | 'conversations'
  | 'accounting';

const STAFF_ROLES = ['billing_specialist', 'billing_manager', 'admin'];

function nav(viewer: Viewer, active: Section | undefined): SafeHtml {
  const role = viewer.user?.role;
  if (!role) return html``;
  const links: [Section, string, string][] = [['queue', '/queue', 'Review queue']];
  if (isManager(role)) links.push(['escalations', '/escalations', 'Escalations']);
  links.push(['collections', '/collections', 'Receivables']);
  if (role !== 'engineer') links.push(['bank', '/bank-statements', 'Bank files']);
  links.push(['audit', '/audit', 'Audit']);
  // The cluster overview spans every tenant: not for users limited to some tenants.
  if ((role === 'engineer' || role === 'admin') && viewer.user?.tenants === null)
    links.push(['ops', '/ops', 'Cluster']);
  if (role !== 'engineer') links.push(['conversations', '/conversations', 'Conversations']);
  if (isManager(role)) links.push(['policies', '/policies', 'Policies']);
  if (role === 'admin') links.push(['settings', '/settings', 'Settings'], ['users', '/users', 'Users']);
  if (role === 'admin') links.push(['accounting', '/settings/accounting', 'Accounting']);
  return html`<nav aria-label="Main"><ul>${links.map(
    ([key, url, label]) =>
      html`<li><a href="${url}"${key === active ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>`;
}

const SHORTCUTS: [string, string][] = [
  ['?', 'Show or hide this help'],
  ['n / j', 'Next item in the queue (claims it)'],
  ['a', 'Approve the draft as shown'],
  ['u', 'Undo your last approval (while its countdown runs)'],
  ['e', 'Edit: jump to the first quantity'],
  ['r', 'Reject: jump to the reason'],
  ['m', 'Escalate to a manager'],
  ['h', 'Put on hold'],
  ['1 – 9', 'Payment items: apply candidate 1 – 9'],
  ['0', 'Payment items: no match, leave open'],
  ['/', 'Queue: jump to the search box'],
  ['Tab / Space', 'Queue: move to a row’s checkbox and tick it for “Approve selected”'],
  ['Esc', 'Leave a text field or close this help'],
];

export function flashBanner(flash: Flash | undefined): Html {
  if (!flash) return '';
  const role = flash.kind === 'error' ? 'alert' : 'status';
  return html`<div class="flash flash-${flash.kind}" role="${role}">${flash.text}</div>`;
}

export function layout(
  viewer: Viewer,
  page: { title: string; body: SafeHtml; active?: Section; flash?: Flash | undefined },
): SafeHtml {
  const user = viewer.user;
  const headers = JSON.stringify({ 'x-csrf-token': viewer.csrf });
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Invoicer console</title>
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"attributesToSettle":["class","width","height"],"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"4..","swap":true,"error":false},{"code":"...","swap":false,"error":true}]}'>
<meta name="csrf-token" content="${viewer.csrf}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/console.css">
<link rel="stylesheet" href="/static/workflow.css">
<script src="/static/htmx.min.js" defer></script>
<script src="/static/console.js" defer></script>
<script src="/static/workflow.js" defer></script>
</head>
<body hx-headers="${headers}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="top" role="banner">
  <a class="brand" href="/">Invoicer</a>
  ${nav(viewer, page.active)}
  ${
    user
      ? html`<div class="who"><span>${user.name} <small>(${ROLE_LABELS[user.role]}${user.tenants ? ` · tenants ${user.tenants.join(', ')}` : ''})</small></span>
    <form method="post" action="/logout">${csrfField(viewer)}<button type="submit" class="link">Sign out</button></form></div>`
      : ''
  }
</header>
<main id="main" tabindex="-1">
${flashBanner(page.flash)}
${
  user && STAFF_ROLES.includes(user.role)
    ? html`<div id="pending-approvals" hx-get="/approvals/pending" hx-trigger="load" hx-swap="outerHTML"></div>`
    : ''
}
${page.body}
</main>
<footer role="contentinfo"><p>Press <kbd>?</kbd> for keyboard shortcuts.</p></footer>
<dialog id="shortcuts" aria-labelledby="shortcuts-title">
  <h2 id="shortcuts-title">Keyboard shortcuts</h2>
  <table><thead><tr><th scope="col">Key</th><th scope="col">Action</th></tr></thead><tbody>
  ${SHORTCUTS.map(([k, v]) => html`<tr><td><kbd>${k}</kbd></td><td>${v}</td></tr>`)}
  </tbody></table>
  <form method="dialog"><button type="submit">Close</button></form>
</dialog>
</body>
</html>`;
}

export function errorPage(
  viewer: Viewer,
  status: number,
  title: string,
  message: string,
  issues: { field: string; message: string }[] = [],
): SafeHtml {
  return layout(viewer, {
    title,
    body: html`<section class="error-page" aria-labelledby="error-title">
  <h1 id="error-title">${title}</h1>
  <p role="alert">${message}</p>
  ${issues.length ? html`<ul class="issues">${issues.map((i) => html`<li><strong>${i.field}</strong>: ${i.message}</li>`)}</ul>` : ''}
  <p class="muted">Status ${status}. <a href="/queue">Back to the review queue</a></p>
</section>`,
  });
}
