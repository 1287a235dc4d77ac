import { html, type SafeHtml } from './html.ts';
import { layout, type Viewer } from './layout.ts';

export function loginPage(
  viewer: Viewer,
  form: { csrf: string; email?: string; next?: string; error?: string },
): SafeHtml {
  return layout(viewer, {
    title: 'Sign in',
    body: html`<section class="login" aria-labelledby="login-title">
  <h1 id="login-title">Sign in</h1>
  ${form.error ? html`<p class="flash flash-error" role="alert" id="login-error">${form.error}</p>` : ''}
  <form method="post" action="/login" class="stack"${form.error ? html` aria-describedby="login-error"` : ''}>
    <input type="hidden" name="_csrf" value="${form.csrf}">
    <input type="hidden" name="next" value="${form.next ?? ''}">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required value="${form.email ?? ''}" autofocus>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit" class="primary">Sign in</button>
  </form>
</section>`,
  });
}
