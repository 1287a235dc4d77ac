// The work description shared by billing and notes: what was done on a job (tasks,
// materials, equipment, refrigerant), what was removed, what was declined or found not
// needed, and the builder the per-trade scenario files use to describe it.
import type { Pricebook } from './pricebook.ts';
import type { Rng } from './rng.ts';
import type { MentionKind } from './types.ts';

export type Gas = '410A' | '22' | '454B' | '32';
export type SizeKind = 'pipe' | 'wire' | 'plain';

export type Mention =
  | { kind: 'task'; noun: string; verb: string; spec?: string; failure?: string; where?: string }
  | { kind: 'material'; noun: string; size?: string; sizeKind?: SizeKind; unit: 'ft' | 'ea'; where?: string }
  | { kind: 'refrigerant'; gas: Gas; where?: string }
  | { kind: 'equipment'; noun: string; spec: string; brand: string };

/** One billable line of work. `mention` is how the notes describe it (null: not mentioned). */
export interface Line {
  code: string;
  qty: number;
  mention: Mention | null;
  /** A second flat-rate task: the kind technicians forget to itemize. */
  secondary: boolean;
}

/** Something discussed but not billed: declined, deferred, or checked and not needed. */
export interface Fact {
  kind: MentionKind;
  code: string | null;
  noun: string;
  spec?: string;
  /** For not-needed facts: a phrase set key in NOT_NEEDED. */
  phrase?: string;
}

export interface Finding {
  long: string;
  short: string;
}

export interface Work {
  tasks: Line[];
  materials: Line[];
  equipment: Line[];
  refrigerant: Line | null;
  /** Work described in notes that is billed through labor hours, not a SKU (T&M jobs). */
  narration: Mention[];
  removed: { noun: string; units: number; waterHeater: boolean } | null;
  keepsOld: boolean;
  repairPerformed: boolean;
  facts: Fact[];
  findings: Finding[];
  complaint: string;
  permitByOwner: boolean;
  tripWaived: boolean;
  crew: number;
  apprentice: boolean;
  visits: number;
  revisitReason: string | null;
}

export const NOT_NEEDED: Record<string, Finding[]> = {
  no_refrigerant: [
    { long: 'Checked the charge; did not need refrigerant.', short: 'did not need refrigerant' },
    { long: 'Pressures normal, no refrigerant added.', short: 'charge good - no freon needed' },
    { long: 'Charge is within spec, so no refrigerant was added.', short: 'chg ok, no 410 added' },
    {
      long: 'Superheat and subcooling on target; no refrigerant needed.',
      short: 'sh/sc good no refrig needed',
    },
  ],
  no_leak: [
    { long: 'Leak checked the coil and condenser – no leak found.', short: 'no leak found' },
    { long: 'Electronic leak check negative.', short: 'leak search neg' },
    { long: 'No leaks found at the service valves or coil.', short: 'no leaks @ valves/coil' },
  ],
  cap_ok: [
    {
      long: 'Tested the capacitor – within spec, did not replace.',
      short: 'cap tested good, did not replace',
    },
    { long: 'Capacitor reads good.', short: 'cap ok' },
  ],
  keep_old: [
    { long: 'Customer is keeping the old unit.', short: 'cust keeping old unit' },
    {
      long: 'Left the old equipment with the homeowner per request.',
      short: 'old unit left w/ HO per request',
    },
    {
      long: 'Homeowner wants the old unit for scrap – not hauled away.',
      short: 'HO keeping old unit for scrap, no haul off',
    },
  ],
  owner_permit: [
    { long: 'Homeowner is pulling their own permit.', short: 'HO pulling own permit' },
    { long: 'Permit handled by the customer’s builder.', short: 'permit by builder, not us' },
  ],
  trip_waived: [
    { long: 'Trip charge waived per office.', short: 'trip chg waived per office' },
    { long: 'No trip fee – callback from last week.', short: 'no trip fee, callback' },
  ],
  diag_waived: [
    { long: 'Diagnostic fee applied toward the repair.', short: 'diag applied to repair' },
    { long: 'Waived the diagnostic since the customer approved the repair.', short: 'diag waived w/ repair' },
  ],
  no_roots: [
    { long: 'Camera showed no roots in the line.', short: 'no roots found' },
    { long: 'Line looked clean on camera, no root intrusion.', short: 'cam - line clean, no roots' },
  ],
  breakers_ok: [
    { long: 'Panel looked good; no breakers needed.', short: 'panel ok, no bkrs needed' },
    { long: 'Tested all breakers, none replaced.', short: 'bkrs tested ok' },
  ],
  anode_ok: [{ long: 'Checked the anode rod – still good.', short: 'anode ok' }],
  prv_ok: [{ long: 'Static pressure 62 psi, PRV is fine.', short: 'prv ok 62 psi' }],
  own_charger: [
    { long: 'Customer supplied their own charger.', short: 'cust supplied charger' },
    { long: 'Mounted the customer’s own wall connector.', short: 'cx own tesla wall connector' },
  ],
};

export const TONS: readonly (readonly [number, number])[] = [
  [1.5, 5],
  [2, 15],
  [2.5, 15],
  [3, 25],
  [3.5, 15],
  [4, 15],
  [5, 10],
];
export const CAPS = ['35/5', '40/5', '45/5', '50/5', '55/5', '60/5', '70/5'];
export const ROOMS = [
  'kitchen',
  'master bath',
  'hall bath',
  'guest bath',
  'laundry',
  'garage',
  'utility room',
  'upstairs bath',
];
export const UNITS = [
  'RTU-1',
  'RTU-2',
  'RTU-3',
  'RTU-4',
  'RTU #5',
  'AHU-1',
  'unit 2 on roof',
  'rear RTU',
  'split sys #3',
];

export class Builder {
  readonly w: Work = {
    tasks: [],
    materials: [],
    equipment: [],
    refrigerant: null,
    narration: [],
    removed: null,
    keepsOld: false,
    repairPerformed: true,
    facts: [],
    findings: [],
    complaint: '',
    permitByOwner: false,
    tripWaived: false,
    crew: 1,
    apprentice: false,
    visits: 1,
    revisitReason: null,
  };

  constructor(
    readonly rng: Rng,
    readonly pb: Pricebook,
  ) {}

  task(
    code: string,
    noun: string,
    verb: string,
    o: {
      qty?: number;
      spec?: string;
      failure?: string;
      where?: string;
      secondary?: boolean;
      mentionP?: number;
    } = {},
  ) {
    const secondary = o.secondary ?? this.w.tasks.length > 0;
    // Secondary tasks are always written up: that is how the office catches a missing one.
    const mentioned = secondary || this.rng.chance(o.mentionP ?? 0.9);
    const mention: Mention | null = mentioned
      ? { kind: 'task', noun, verb, ...pick(o, ['spec', 'failure', 'where']) }
      : null;
    this.w.tasks.push({ code, qty: o.qty ?? 1, mention, secondary });
  }

  /** A part replaced on a T&M job: billed as a material, described like a task. */
  part(
    code: string,
    noun: string,
    o: { qty?: number; spec?: string; failure?: string; where?: string; mentionP?: number } = {},
  ) {
    const mention: Mention | null = this.rng.chance(o.mentionP ?? 0.85)
      ? { kind: 'task', noun, verb: 'replace', ...pick(o, ['spec', 'failure', 'where']) }
      : null;
    this.w.materials.push({ code, qty: o.qty ?? 1, mention, secondary: false });
  }

  mat(
    code: string,
    qty: number,
    noun: string,
    o: { size?: string; sizeKind?: SizeKind; mentionP?: number; where?: string } = {},
  ) {
    if (qty <= 0) return;
    const unit = this.pb.get(code).unit === 'Foot' ? 'ft' : 'ea';
    const mention: Mention | null = this.rng.chance(o.mentionP ?? 0.7)
      ? { kind: 'material', noun, unit, ...pick(o, ['size', 'sizeKind', 'where']) }
      : null;
    const existing = this.w.materials.find((m) => m.code === code);
    if (existing) {
      existing.qty += qty;
      return;
    }
    this.w.materials.push({ code, qty, mention, secondary: false });
  }

  equip(code: string, noun: string, spec: string) {
    const sku = this.pb.get(code);
    this.w.equipment.push({
      code,
      qty: 1,
      mention: { kind: 'equipment', noun, spec, brand: sku.manufacturer ?? '' },
      secondary: false,
    });
  }

  refrigerant(gas: Gas, lbs: number, where?: string) {
    const code = { '410A': 'RFG-410A', '22': 'RFG-22', '454B': 'RFG-454B', '32': 'RFG-32' }[gas];
    this.w.refrigerant = {
      code,
      qty: lbs,
      mention: { kind: 'refrigerant', gas, ...(where ? { where } : {}) },
      secondary: false,
    };
  }

  narrate(noun: string, verb: string, o: { spec?: string; failure?: string; where?: string } = {}) {
    this.w.narration.push({ kind: 'task', noun, verb, ...pick(o, ['spec', 'failure', 'where']) });
  }

  /** Work that was performed is never also "declined" or "not needed" on the same job. */
  private performed(code: string | null): boolean {
    return (
      code !== null &&
      [...this.w.tasks, ...this.w.materials, ...this.w.equipment].some((l) => l.code === code)
    );
  }

  offer(code: string | null, noun: string, spec?: string) {
    if (this.w.facts.some((f) => f.noun === noun) || this.performed(code)) return;
    const kind: MentionKind = this.rng.chance(0.6) ? 'declined' : 'deferred';
    this.w.facts.push({ kind, code, noun, ...(spec ? { spec } : {}) });
  }

  fine(phrase: string, code: string | null, noun: string) {
    if (this.performed(code)) return;
    this.w.facts.push({ kind: 'not_needed', code, noun, phrase });
  }

  find(long: string, short = long.toLowerCase()) {
    this.w.findings.push({ long, short });
  }

  half(min: number, max: number): number {
    return this.rng.int(min * 2, max * 2) / 2;
  }

  gas(): Gas {
    return this.rng.weighted([
      ['410A', 62],
      ['22', 16],
      ['454B', 17],
      ['32', 5],
    ] as const);
  }
}

export function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function hvacReadings(b: Builder, cooling: boolean) {
  const r = b.rng;
  if (cooling) {
    const sh = r.int(6, 18);
    const sc = r.int(5, 14);
    b.find(
      `Superheat ${sh}, subcooling ${sc}, temp split ${r.int(15, 22)}°.`,
      r.pick([
        `SH ${sh} SC ${sc}`,
        `sh ${sh}/sc ${sc} split ${r.int(15, 22)}`,
        `SP ${r.int(110, 145)} / SH ${sh} / SC ${sc}`,
      ]),
    );
  } else {
    b.find(
      `Gas pressure ${r.pick(['3.5', '3.4', '3.6'])}" WC, temp rise ${r.int(38, 60)}°, CO ${r.int(0, 9)} ppm.`,
      r.pick([
        `gas ${r.pick(['3.5', '3.4'])}" wc rise ${r.int(38, 60)}`,
        `CO ${r.int(0, 9)}ppm`,
        `rise ${r.int(38, 60)} deg`,
      ]),
    );
  }
  if (r.chance(0.3))
    b.find(
      `Static pressure ${r.pick(['0.48', '0.55', '0.62', '0.71', '0.84'])}" WC.`,
      `static ${r.pick(['.48', '.55', '.62', '.71', '.84'])}`,
    );
  if (r.chance(0.25))
    b.find('Filter was very dirty.', r.pick(['filter dirty', 'filter clogged', 'flt filthy']));
}

export function tons(rng: Rng): number {
  return rng.weighted(TONS);
}

export function tonCode(t: number): string {
  return String(t).replace('.', '');
}
