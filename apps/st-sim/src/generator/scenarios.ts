// What happened on a job, by job type: dispatches to the per-trade scenario files and adds
// the cross-trade outcomes (diagnosis-only calls, waived trip charges, return visits).
import { commercialHvac, commercialPlumbing, commercialPm } from './commercial.ts';
import { electricalRepair, evCharger, panelUpgrade } from './electrical.ts';
import { furnaceReplacement, hvacMaintenance, hvacRepair, hvacReplacement, miniSplit } from './hvac.ts';
import type { JobTypeDef } from './org.ts';
import { drainCleaning, plumbingRepair, waterHeaterRepair, waterHeaterReplacement } from './plumbing.ts';
import type { Pricebook } from './pricebook.ts';
import type { Rng } from './rng.ts';
import { Builder, type Work } from './work.ts';

export type { Fact, Finding, Gas, Line, Mention, SizeKind, Work } from './work.ts';
export { NOT_NEEDED } from './work.ts';

/** Describe the work on one job. */
export function planWork(rng: Rng, pb: Pricebook, jt: JobTypeDef, month: number, member: boolean): Work {
  const b = new Builder(rng, pb);
  switch (jt.key) {
    case 'hvac_repair':
    case 'hvac_emergency':
      hvacRepair(b, month, false);
      break;
    case 'hvac_diag':
      hvacRepair(b, month, true);
      break;
    case 'hvac_maint':
      hvacMaintenance(b, month, member);
      break;
    case 'hvac_replace':
      hvacReplacement(b);
      break;
    case 'furnace_replace':
      furnaceReplacement(b);
      break;
    case 'minisplit_install':
      miniSplit(b);
      break;
    case 'plb_repair':
      plumbingRepair(b);
      break;
    case 'plb_emergency':
      if (rng.chance(0.5)) drainCleaning(b);
      else plumbingRepair(b);
      break;
    case 'drain':
      drainCleaning(b);
      break;
    case 'wh_replace':
      waterHeaterReplacement(b);
      break;
    case 'wh_repair':
      waterHeaterRepair(b);
      break;
    case 'elec_repair':
      electricalRepair(b);
      break;
    case 'panel_upgrade':
      panelUpgrade(b);
      break;
    case 'ev_charger':
      evCharger(b);
      break;
    case 'com_hvac_tm':
      commercialHvac(b);
      break;
    case 'com_plb_tm':
      commercialPlumbing(b);
      break;
    case 'com_rtu_pm':
      commercialPm(b);
      break;
  }
  // Service calls where nothing was fixed: plumbing/electrical "diagnosis only" visits.
  if ((jt.key === 'plb_repair' || jt.key === 'elec_repair') && rng.chance(0.06)) {
    b.w.repairPerformed = false;
    const quoted = b.w.tasks[0];
    b.w.tasks = [];
    b.w.materials = [];
    if (quoted?.mention?.kind === 'task') b.offer(quoted.code, quoted.mention.noun);
  }
  if (jt.cls !== 'install' && jt.cls !== 'pm' && rng.chance(0.02)) {
    b.w.tripWaived = true;
    b.fine('trip_waived', jt.cls === 'tm' ? 'FEE-DISPATCH-COM' : 'FEE-TRIP', 'trip');
  }
  if (jt.cls === 'repair' && b.w.visits === 1 && b.w.repairPerformed && rng.chance(0.05)) {
    b.w.visits = 2;
    b.w.revisitReason = 'part';
  }
  return b.w;
}
