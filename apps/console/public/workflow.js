// Queue workflow in the browser: the undo countdowns (an approval's Undo button disappears when
// posting starts), the `u` shortcut, and "select all" for bulk approve. Plain script, no build.
(() => {
  const typing = (el) =>
    el instanceof HTMLElement &&
    (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

  const tick = () => {
    const now = Date.now();
    for (const counter of document.querySelectorAll('[data-countdown-until]')) {
      const left = Math.ceil((Date.parse(counter.getAttribute('data-countdown-until')) - now) / 1000);
      if (left > 0) {
        counter.textContent = String(left);
        continue;
      }
      // The window has passed: undo is no longer offered.
      const form = counter.closest('[data-undo]');
      if (!form) continue;
      const done = document.createElement('span');
      done.textContent = 'Posting has started.';
      form.replaceWith(done);
    }
  };
  setInterval(tick, 250);

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key !== 'u') return;
    const undo = document.querySelector('[data-shortcut="undo"]');
    if (!undo || undo.disabled) return;
    event.preventDefault();
    undo.click();
  });

  document.addEventListener('change', (event) => {
    const all = event.target instanceof HTMLInputElement ? event.target : null;
    const formId = all?.getAttribute('data-select-all');
    if (!formId) return;
    for (const box of document.querySelectorAll(`input[type="checkbox"][form="${formId}"]`))
      box.checked = all.checked;
  });
})();
