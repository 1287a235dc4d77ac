// Keyboard shortcuts for the common review path, the claim heartbeat, and note highlighting.
// Plain script (no build step); htmx does the partial updates.
(() => {
  const $ = (selector) => document.querySelector(selector);
  const csrf = () => $('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const typing = (el) =>
    el instanceof HTMLElement &&
    (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

  const press = (name) => {
    const el = $(`[data-shortcut="${name}"]`);
    if (!el || el.disabled) return false;
    if (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') el.focus();
    else el.click();
    return true;
  };

  const actions = {
    '?': () => {
      const dialog = $('#shortcuts');
      if (!dialog) return false;
      if (dialog.open) dialog.close();
      else dialog.showModal();
      return true;
    },
    n: () => press('next'),
    j: () => press('next'),
    a: () => press('approve'),
    r: () => press('reject'),
    m: () => press('escalate'),
    h: () => press('hold'),
    0: () => press('leave-open'),
    e: () => {
      const input = $('[data-edit-first="true"]') ?? $('#add-sku');
      if (!input) return false;
      input.focus();
      input.select?.();
      return true;
    },
    '/': () => {
      const field = $('.filters select, .filters input:not([type=hidden])');
      if (!field) return false;
      field.focus();
      return true;
    },
  };
  for (let i = 1; i <= 9; i++) actions[String(i)] = () => press(`candidate-${i}`);

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === 'Escape') event.target.blur();
      return;
    }
    const action = actions[event.key];
    if (action?.()) event.preventDefault();
  });

  // Renew the claim while the person is actually working on the item.
  const head = $('[data-claim-url]');
  const claimUrl = head?.getAttribute('data-claim-url');
  if (claimUrl) {
    let active = false;
    for (const type of ['keydown', 'pointerdown', 'input', 'scroll'])
      document.addEventListener(type, () => (active = true), { passive: true });
    setInterval(async () => {
      if (!active || document.hidden) return;
      active = false;
      const res = await fetch(claimUrl, {
        method: 'POST',
        headers: { accept: 'application/json', 'x-csrf-token': csrf() },
        credentials: 'same-origin',
      }).catch(() => null);
      if (res && res.status === 409) window.location.reload();
    }, 60_000);
  }

  // The price-book search under a SKU input: choosing a result fills the input.
  document.addEventListener('click', (event) => {
    const pick = event.target instanceof Element ? event.target.closest('[data-sku-pick]') : null;
    if (!pick) return;
    const input = document.getElementById(pick.getAttribute('data-sku-pick'));
    if (!input) return;
    input.value = pick.getAttribute('data-sku') ?? '';
    const results = pick.closest('.sku-results');
    if (results) results.textContent = '';
    const next = input.form?.querySelector('input.qty, button[type="submit"]');
    (next ?? input).focus();
  });

  // Hovering a draft line highlights the note text it came from.
  document.addEventListener('mouseover', (event) => {
    const row = event.target instanceof Element ? event.target.closest('[data-line]') : null;
    for (const mark of document.querySelectorAll('mark.active')) mark.classList.remove('active');
    if (!row) return;
    const key = row.getAttribute('data-line');
    for (const mark of document.querySelectorAll('mark[data-lines]'))
      if (mark.getAttribute('data-lines').includes(`(${key})`)) mark.classList.add('active');
  });
})();
