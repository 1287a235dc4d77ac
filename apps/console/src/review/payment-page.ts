// The payment exception page for a loaded review item: reads what the view needs beyond the item
// (the invoice review items of the candidates' jobs, the shop's write-off tolerance and time
// zone) and renders it.
import { invoiceReviewLinks } from '@invoicer/db';
import { isManager } from '../auth/roles.ts';
import type { ConsoleServices } from '../services.ts';
import { inTimeZone } from '../views/format.ts';
import type { SafeHtml } from '../views/html.ts';
import type { Flash, Viewer } from '../views/layout.ts';
import { paymentPage } from '../views/payment.ts';
import type { ItemView } from './load.ts';
import { paymentCandidates } from './payment.ts';

export async function renderPaymentPage(
  services: ConsoleServices,
  viewer: Viewer,
  view: ItemView,
  options: { canWork: boolean; canAct: boolean; resolvedBy?: string; flash?: Flash },
): Promise<SafeHtml> {
  const { item } = view;
  const invoiceIds = paymentCandidates(item.details).flatMap((c) => [
    ...(c.invoiceId !== null ? [c.invoiceId] : []),
    ...c.splits.flatMap((s) => (s.invoiceId !== null ? [s.invoiceId] : [])),
  ]);
  const [links, settings] = await Promise.all([
    invoiceReviewLinks(services.db, item.tenantId, invoiceIds),
    services.runtime.settings(item.tenantId).catch(() => null),
  ]);
  const tolerance = settings
    ? {
        percent: settings.reconcile.shortPayTolerancePercent,
        fixed: settings.reconcile.shortPayToleranceFixed,
      }
    : null;
  return inTimeZone(settings?.rules.afterHours.timezone, () =>
    paymentPage(viewer, {
      item,
      holder: view.holder,
      canWork: options.canWork,
      canAct: options.canAct,
      manager: isManager(viewer.user!.role),
      resolvedBy: options.resolvedBy,
      flash: options.flash,
      links,
      tolerance,
    }),
  );
}
