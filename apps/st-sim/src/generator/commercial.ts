// Commercial work: time-and-materials HVAC and plumbing calls (parts billed as materials,
// labor from timesheets) and per-unit preventive maintenance.
import { type Builder, CAPS, hvacReadings, UNITS } from './work.ts';

export function commercialHvac(b: Builder) {
  const r = b.rng;
  const n = r.weighted([
    [1, 55],
    [2, 30],
    [3, 15],
  ] as const);
  const units = r.sample(UNITS, n);
  b.w.complaint = r.pick([
    `${units[0]} not cooling`,
    'Store too warm, multiple units',
    'Office AC down, tenant complaint',
    'Kitchen hood area hot – RTU issue',
  ]);
  b.w.crew = r.chance(0.3) ? 2 : 1;
  b.w.apprentice = b.w.crew === 2;
  for (const where of units) {
    const kind = r.weighted([
      ['cap', 20],
      ['contactor', 12],
      ['fan', 10],
      ['blower', 5],
      ['belt', 14],
      ['leak', 10],
      ['drain', 12],
      ['ignitor', 6],
      ['tstat', 5],
      ['xfmr', 6],
    ] as const);
    if (kind === 'cap') {
      const s = r.pick(CAPS);
      b.part(`MAT-CAP-DR-${s.replace('/', '-')}`, 'capacitor', { spec: s, failure: 'weak', where });
    } else if (kind === 'contactor') b.part('MAT-CONT-2P', 'contactor', { failure: 'pitted', where });
    else if (kind === 'fan')
      b.part(r.chance(0.5) ? 'MAT-MTR-CF-14' : 'MAT-MTR-CF-13', 'cond_fan_motor', {
        failure: 'seized',
        where,
      });
    else if (kind === 'blower') b.part('MAT-MTR-BL-34', 'blower_motor', { failure: 'burnt', where });
    else if (kind === 'belt') {
      const size = r.pick(['A36', 'A38', 'A40', 'A42', 'A44', 'A46', 'A48']);
      b.part(`MAT-BELT-${size}`, 'belt', { qty: r.int(1, 2), spec: size, failure: 'worn', where });
    } else if (kind === 'leak') {
      b.narrate('leak', 'braze', { where });
      b.refrigerant(r.chance(0.8) ? '410A' : '22', b.half(3, 12), where);
      b.mat('MAT-BRAZE-15', r.int(1, 3), 'brazing_rod', { mentionP: 0.5 });
      b.mat('MAT-NITRO', 1, 'nitrogen', { mentionP: 0.5 });
      b.mat('MAT-DRIER-38', 1, 'filter_drier', { mentionP: 0.7 });
    } else if (kind === 'drain') {
      b.narrate('drain_line', 'clear', { failure: 'clogged', where });
      if (r.chance(0.4)) b.mat('MAT-FLOAT', 1, 'float_switch', { mentionP: 0.85, where });
      if (r.chance(0.4))
        b.mat('MAT-PVC-34', r.int(3, 10), 'pvc', { size: '3/4', sizeKind: 'pipe', mentionP: 0.8 });
    } else if (kind === 'ignitor') b.part('MAT-IGN-UNIV', 'ignitor', { failure: 'cracked', where });
    else if (kind === 'tstat') b.part('MAT-TSTAT-PROG', 'thermostat', { failure: 'failed', where });
    else b.part('MAT-XFMR-40', 'transformer', { failure: 'burnt', where });
  }
  if (r.chance(0.45)) {
    const size = r.pick(['20x25x2', '24x24x2', '16x20x2', '20x20x2']);
    b.mat(`MAT-FLT-${size}`, r.int(2, 12), 'filter', { size, sizeKind: 'plain', mentionP: 0.8 });
  }
  if (r.chance(0.3)) b.offer(null, r.pick(['new_rtu', 'economizer']));
  if (r.chance(0.15)) b.offer('HV-IAQ-415', 'hvac_surge');
  hvacReadings(b, true);
}

export function commercialPlumbing(b: Builder) {
  const r = b.rng;
  const jobs = r.int(1, 3);
  b.w.complaint = r.pick([
    'Restroom fixtures leaking',
    'Floor drain backing up in kitchen',
    'No hot water at hand sinks',
    'Multiple plumbing issues – see list',
  ]);
  b.w.crew = r.chance(0.25) ? 2 : 1;
  b.w.apprentice = b.w.crew === 2;
  for (let i = 0; i < jobs; i++) {
    const where = r.pick([
      "men's room",
      "women's room",
      'kitchen',
      'break room',
      'mop sink',
      'mechanical room',
    ]);
    const kind = r.pick(['copper', 'pex', 'stops', 'trap', 'drain', 'tp', 'toilet', 'valve', 'faucet']);
    if (kind === 'copper') {
      b.narrate('copper_leak', 'repair', { where });
      b.mat('MAT-CU-L-12', r.int(2, 10), 'copper_pipe', { size: '1/2', sizeKind: 'pipe', mentionP: 0.9 });
      b.mat('MAT-CU-90-12', r.int(1, 4), 'copper_elbow', { size: '1/2', sizeKind: 'pipe', mentionP: 0.7 });
      b.mat('MAT-CU-CPL-12', r.int(1, 4), 'copper_coupling', {
        size: '1/2',
        sizeKind: 'pipe',
        mentionP: 0.7,
      });
    } else if (kind === 'pex') {
      b.narrate('pex_leak', 'repair', { where });
      b.mat('MAT-PEX-34', r.int(3, 20), 'pex', { size: '3/4', sizeKind: 'pipe', mentionP: 0.85 });
      b.mat('MAT-SB-CPL-34', r.int(1, 3), 'pushfit', { size: '3/4', sizeKind: 'pipe', mentionP: 0.7 });
    } else if (kind === 'stops') {
      b.part('MAT-ANGLE-38', 'angle_stop', { qty: r.int(1, 4), failure: 'leaking', where });
      b.mat('MAT-SUPPLY-20', r.int(1, 4), 'supply_line', { mentionP: 0.6 });
    } else if (kind === 'trap') b.part('MAT-PTRAP-112', 'ptrap', { failure: 'leaking', where });
    else if (kind === 'drain') b.narrate('floor_drain', 'clear', { failure: 'clogged', where });
    else if (kind === 'tp') b.part('MAT-TP-VALVE', 'tp_valve', { failure: 'leaking', where });
    else if (kind === 'toilet') {
      b.part('MAT-FILLVLV', 'toilet_tank', { failure: 'failed', where });
      b.mat('MAT-FLAPPER', 1, 'toilet_tank', { mentionP: 0.5 });
    } else if (kind === 'valve') b.part('MAT-BALL-34', 'main_shutoff', { failure: 'stripped', where });
    else b.part('MAT-FAUCET-KIT', 'kitchen_faucet', { failure: 'leaking', where });
  }
  if (r.chance(0.2)) b.offer('PL-DRN-215', 'hydro_jet');
}

export function commercialPm(b: Builder) {
  const r = b.rng;
  const units = r.int(2, 12);
  const rtu = r.chance(0.75);
  b.w.complaint = `Quarterly PM per agreement – ${units} ${rtu ? 'RTUs' : 'split systems'}`;
  b.w.crew = units > 6 ? 2 : 1;
  b.w.apprentice = b.w.crew === 2;
  b.task(rtu ? 'CM-PM-600' : 'CM-PM-605', rtu ? 'rtu_pm' : 'split_pm', 'perform', {
    qty: units,
    mentionP: 0.9,
  });
  const size = r.pick(['20x25x2', '24x24x2', '16x20x2', '20x20x2']);
  b.mat(`MAT-FLT-${size}`, units * r.int(2, 4), 'filter', { size, sizeKind: 'plain', mentionP: 0.85 });
  if (rtu && r.chance(0.6)) {
    const belt = r.pick(['A38', 'A40', 'A42', 'A44']);
    b.mat(`MAT-BELT-${belt}`, r.int(1, Math.max(1, Math.floor(units / 2))), 'belt', {
      size: belt,
      sizeKind: 'plain',
      mentionP: 0.8,
    });
  }
  if (r.chance(0.4)) b.mat('MAT-TABS', r.int(1, units), 'tablets', { mentionP: 0.5 });
  if (r.chance(0.5)) {
    const where = r.pick(UNITS);
    const rec = r.pick([
      ['HV-REP-300', 'capacitor'],
      ['HV-REP-310', 'cond_fan_motor'],
      [null, 'economizer'],
      [null, 'new_rtu'],
      ['HV-REP-390', 'cond_coil_clean'],
    ] as const);
    b.offer(rec[0], rec[1], where);
  }
  hvacReadings(b, true);
}

/** Describe the work on one job. */
