// Residential plumbing work: fixture and pipe repairs, drain cleaning, water heaters.
import { type Builder, ROOMS } from './work.ts';

const PLB_PROBLEMS: readonly ((b: Builder) => void)[] = [
  (b) => {
    b.w.complaint = 'Kitchen faucet leaking';
    b.task('PL-FIX-400', 'kitchen_faucet', 'replace', { failure: 'leaking' });
    b.mat('MAT-FAUCET-KIT', 1, 'kitchen_faucet', { mentionP: 0.5 });
    b.mat('MAT-SUPPLY-20', 2, 'supply_line', { mentionP: 0.6 });
  },
  (b) => {
    b.w.complaint = 'Bathroom faucet dripping';
    b.task('PL-FIX-401', 'bath_faucet', 'replace', {
      failure: 'leaking',
      where: b.rng.pick(['master bath', 'hall bath']),
    });
    if (b.rng.chance(0.6)) b.mat('MAT-FAUCET-BATH', 1, 'bath_faucet', { mentionP: 0.5 });
    b.mat('MAT-SUPPLY-20', 2, 'supply_line', { mentionP: 0.6 });
  },
  (b) => {
    b.w.complaint = 'Toilet running constantly';
    b.task('PL-FIX-405', 'toilet_tank', 'rebuild', { where: b.rng.pick(ROOMS.slice(1, 5)) });
  },
  (b) => {
    b.w.complaint = 'Toilet rocking, water at base';
    b.task('PL-FIX-406', 'wax_ring', 'reset', { failure: 'leaking' });
    if (b.rng.chance(0.5)) b.mat('MAT-SUPPLY-TLT', 1, 'toilet_supply', { mentionP: 0.7 });
  },
  (b) => {
    b.w.complaint = 'Replace toilet';
    b.task('PL-FIX-407', 'toilet', 'replace', { where: b.rng.pick(ROOMS.slice(1, 5)) });
    b.mat('MAT-TOILET', 1, 'toilet', { mentionP: 0.6 });
    b.mat('MAT-WAXRING', 1, 'wax_ring', { mentionP: 0.6 });
    b.mat('MAT-SUPPLY-TLT', 1, 'toilet_supply', { mentionP: 0.5 });
  },
  (b) => {
    b.w.complaint = 'Shut-off valve leaking under sink';
    b.task('PL-PIPE-505', 'angle_stop', 'replace', {
      qty: b.rng.int(1, 3),
      failure: 'leaking',
      where: b.rng.pick(ROOMS),
    });
    if (b.rng.chance(0.5)) b.mat('MAT-SUPPLY-20', b.rng.int(1, 2), 'supply_line', { mentionP: 0.7 });
  },
  (b) => {
    b.w.complaint = 'Main water valve will not shut off';
    b.task('PL-PIPE-506', 'main_shutoff', 'replace', { failure: b.rng.pick(['stripped', 'leaking']) });
    b.mat('MAT-CU-L-34', b.rng.int(1, 4), 'copper_pipe', { size: '3/4', sizeKind: 'pipe', mentionP: 0.9 });
    b.mat('MAT-CU-CPL-34', b.rng.int(1, 3), 'copper_coupling', {
      size: '3/4',
      sizeKind: 'pipe',
      mentionP: 0.7,
    });
  },
  (b) => {
    b.w.complaint = 'High water pressure, banging pipes';
    b.task('PL-PIPE-510', 'prv', 'replace', { failure: 'failed' });
    b.find(
      `Static pressure ${b.rng.int(95, 140)} psi before, ${b.rng.int(55, 70)} after.`,
      `psi ${b.rng.int(95, 140)} -> ${b.rng.int(55, 70)}`,
    );
  },
  (b) => {
    b.w.complaint = 'Outdoor faucet leaking';
    b.task('PL-PIPE-515', 'hose_bib', 'replace', { failure: 'leaking' });
  },
  (b) => {
    b.w.complaint = 'Garbage disposal humming, not working';
    b.task('PL-FIX-410', 'garbage_disposal', 'replace', {
      failure: b.rng.pick(['seized', 'leaking', 'burnt']),
    });
    b.mat(b.rng.chance(0.6) ? 'MAT-DISPOSER-12' : 'MAT-DISPOSER-34', 1, 'garbage_disposal', {
      mentionP: 0.6,
    });
  },
  (b) => {
    b.w.complaint = 'Shower will not shut off fully';
    b.task('PL-FIX-415', 'cartridge', 'replace', { failure: 'worn' });
  },
  (b) => {
    b.w.complaint = 'Leak in ceiling below bathroom';
    b.task('PL-PIPE-500', 'copper_leak', 'repair', {
      where: b.rng.pick(['ceiling', 'wall behind washer', 'crawlspace', 'garage']),
    });
    b.mat(b.rng.chance(0.6) ? 'MAT-CU-L-12' : 'MAT-CU-L-34', b.rng.int(1, 8), 'copper_pipe', {
      size: b.rng.chance(0.6) ? '1/2' : '3/4',
      sizeKind: 'pipe',
      mentionP: 0.9,
    });
    b.mat('MAT-CU-CPL-12', b.rng.int(1, 3), 'copper_coupling', {
      size: '1/2',
      sizeKind: 'pipe',
      mentionP: 0.7,
    });
    if (b.rng.chance(0.5))
      b.mat('MAT-CU-90-12', b.rng.int(1, 4), 'copper_elbow', {
        size: '1/2',
        sizeKind: 'pipe',
        mentionP: 0.7,
      });
  },
  (b) => {
    b.w.complaint = 'Water leak under house';
    b.task('PL-PIPE-501', 'pex_leak', 'repair');
    b.mat(b.rng.chance(0.6) ? 'MAT-PEX-12' : 'MAT-PEX-34', b.rng.int(2, 15), 'pex', {
      size: b.rng.chance(0.6) ? '1/2' : '3/4',
      sizeKind: 'pipe',
      mentionP: 0.85,
    });
    b.mat('MAT-SB-CPL-12', b.rng.int(1, 3), 'pushfit', { size: '1/2', sizeKind: 'pipe', mentionP: 0.7 });
    b.mat('MAT-PEX-RING', b.rng.int(2, 8), 'pex_ring', { mentionP: 0.3 });
  },
  (b) => {
    b.w.complaint = 'Sump pump not running';
    b.task('PL-FIX-420', 'sump_pump', 'replace', { failure: 'failed' });
    b.mat('MAT-SUMP-13', 1, 'sump_pump', { mentionP: 0.6 });
    b.mat('MAT-DWV-2', b.rng.int(2, 8), 'dwv_pipe', { size: '1-1/2', sizeKind: 'pipe', mentionP: 0.7 });
  },
  (b) => {
    b.w.complaint = 'Smell of gas near water heater';
    b.task('PL-PIPE-520', 'gas_leak', 'repair');
    b.mat('MAT-GASFLEX-24', 1, 'gas_flex', { mentionP: 0.8 });
  },
  (b) => {
    b.w.complaint = 'Water bill very high, hear water running';
    b.task('PL-PIPE-530', 'slab_leak', 'perform');
    b.offer(null, 'repipe');
  },
  (b) => {
    b.w.complaint = 'Water heater T&P dripping';
    b.task('PL-PIPE-540', 'expansion_tank', 'install');
    b.mat('MAT-EXPTANK-2', 1, 'expansion_tank', { mentionP: 0.6 });
  },
];

export function plumbingRepair(b: Builder) {
  const r = b.rng;
  r.pick(PLB_PROBLEMS)(b);
  if (r.chance(0.15))
    b.task('PL-PIPE-505', 'angle_stop', 'replace', { secondary: true, where: r.pick(ROOMS) });
  if (r.chance(0.3)) {
    const rec = r.pick([
      ['EQ-WH-G50', 'water_heater'],
      ['PL-PIPE-510', 'prv'],
      ['PL-PIPE-540', 'expansion_tank'],
      [null, 'water_softener'],
      [null, 'repipe'],
      ['PL-FIX-407', 'toilet'],
    ] as const);
    b.offer(rec[0], rec[1]);
  }
  if (r.chance(0.12)) b.fine('prv_ok', 'PL-PIPE-510', 'prv');
  b.find(`Static water pressure ${r.int(50, 78)} psi.`, `${r.int(50, 78)} psi static`);
}

export function drainCleaning(b: Builder) {
  const r = b.rng;
  const [code, noun, complaint] = r.weighted([
    [['PL-DRN-200', 'main_line', 'Sewage backing up into tub'], 30],
    [['PL-DRN-201', 'main_line', 'Main line backup, no cleanout'], 8],
    [['PL-DRN-205', 'kitchen_drain', 'Kitchen sink clogged'], 25],
    [['PL-DRN-206', 'bath_drain', 'Bathroom sink draining slowly'], 17],
    [['PL-DRN-207', 'toilet_clog', 'Toilet clogged'], 12],
    [['PL-DRN-208', 'floor_drain', 'Laundry drain overflowing'], 8],
  ] as const);
  b.w.complaint = complaint;
  b.task(code, noun, 'clear', { failure: 'clogged' });
  const main = noun === 'main_line';
  if (main) {
    b.find(
      r.pick([
        `Roots at ${r.int(30, 80)} feet.`,
        'Heavy grease buildup.',
        'Wipes and paper blockage.',
        `Belly in line at ${r.int(40, 90)}'.`,
      ]),
      r.pick([`roots @ ${r.int(30, 80)}'`, 'grease', 'wipes', `belly ~${r.int(40, 90)}ft`]),
    );
    if (r.chance(0.35)) b.task('PL-DRN-210', 'camera', 'perform', { secondary: true });
    else if (r.chance(0.4)) b.offer('PL-DRN-210', 'camera');
    if (r.chance(0.35)) b.offer('PL-DRN-215', 'hydro_jet');
    if (r.chance(0.15)) b.offer('PL-DRN-220', 'cleanout');
    if (r.chance(0.1)) b.offer(null, 'sewer_repair');
    if (r.chance(0.12)) b.fine('no_roots', 'PL-DRN-215', 'hydro_jet');
    if (r.chance(0.1)) b.mat('MAT-DWV-CO-4', 1, 'cleanout_plug', { mentionP: 0.8 });
  } else if (r.chance(0.2)) {
    b.mat('MAT-PTRAP-112', 1, 'ptrap', { mentionP: 0.85 });
  }
}

export function waterHeaterReplacement(b: Builder) {
  const r = b.rng;
  const kind = r.weighted([
    ['G40', 25],
    ['G50', 35],
    ['E40', 12],
    ['E50', 18],
    ['TL199', 10],
  ] as const);
  const gas = kind.startsWith('G') || kind === 'TL199';
  b.w.complaint = r.pick([
    'Water heater leaking from bottom',
    'No hot water, tank is old',
    'Replace water heater per estimate',
  ]);
  b.w.crew = kind === 'TL199' ? 2 : 1;
  b.w.apprentice = b.w.crew === 2;
  b.task(
    kind === 'TL199' ? 'PL-WH-302' : gas ? 'PL-WH-300' : 'PL-WH-301',
    kind === 'TL199' ? 'tankless' : 'water_heater',
    'install',
    { mentionP: 0.7 },
  );
  const spec = kind === 'TL199' ? '199k' : `${kind.slice(1)} gal ${gas ? 'gas' : 'electric'}`;
  b.equip(`EQ-WH-${kind}`, kind === 'TL199' ? 'tankless' : 'water_heater', spec);
  b.w.removed = { noun: 'water heater', units: 1, waterHeater: true };
  if (gas) b.mat('MAT-GASFLEX-24', 1, 'gas_flex', { mentionP: 0.6 });
  b.mat('MAT-WH-FLEX-18', 2, 'wh_flex', { mentionP: 0.5 });
  if (r.chance(0.5)) {
    b.task('PL-PIPE-540', 'expansion_tank', 'install', { secondary: true });
    b.mat('MAT-EXPTANK-2', 1, 'expansion_tank', { mentionP: 0.5 });
  } else if (r.chance(0.4)) b.offer('PL-PIPE-540', 'expansion_tank');
  if (r.chance(0.4)) b.mat('MAT-WH-PAN', 1, 'drain_pan', { mentionP: 0.8 });
  if (r.chance(0.5)) {
    b.mat('MAT-CU-L-34', r.int(3, 10), 'copper_pipe', { size: '3/4', sizeKind: 'pipe', mentionP: 0.85 });
    b.mat('MAT-CU-90-34', r.int(1, 4), 'copper_elbow', { size: '3/4', sizeKind: 'pipe', mentionP: 0.7 });
  }
  if (r.chance(0.3)) b.mat('MAT-DIEL-34', 2, 'dielectric', { size: '3/4', sizeKind: 'pipe', mentionP: 0.6 });
  if (kind === 'TL199' && r.chance(0.5)) b.task('PL-PIPE-525', 'gas_line', 'run', { secondary: true });
  b.find(`Old tank was ${r.int(9, 19)} years old.`, `old tank ${r.int(9, 19)} yrs`);
  if (r.chance(0.04)) {
    b.w.keepsOld = true;
    b.fine('keep_old', 'FEE-DISP-WH', 'disposal');
  }
  if (r.chance(0.03)) {
    b.w.permitByOwner = true;
    b.fine('owner_permit', 'FEE-PERMIT-PLB', 'permit');
  }
}

export function waterHeaterRepair(b: Builder) {
  const r = b.rng;
  const [code, noun, complaint, verb] = r.pick([
    ['PL-WH-313', 'thermocouple', 'Pilot will not stay lit', 'replace'],
    ['PL-WH-315', 'element', 'No hot water (electric)', 'replace'],
    ['PL-WH-316', 'wh_thermostat', 'Water barely warm', 'replace'],
    ['PL-WH-311', 'anode', 'Hot water smells like rotten eggs', 'replace'],
    ['PL-WH-312', 'tp_valve', 'Relief valve dripping', 'replace'],
    ['PL-WH-314', 'gas_control_valve', 'Water heater will not light', 'replace'],
    ['PL-WH-310', 'wh_flush', 'Popping noise from water heater', 'flush'],
    ['PL-WH-318', 'descale', 'Tankless showing scale code', 'perform'],
  ] as const);
  b.w.complaint = complaint;
  b.task(code, noun, verb, { failure: verb === 'replace' ? 'failed' : undefined });
  if (code !== 'PL-WH-310' && r.chance(0.25)) b.task('PL-WH-310', 'wh_flush', 'flush', { secondary: true });
  if (r.chance(0.4))
    b.offer(r.chance(0.6) ? 'EQ-WH-G50' : 'EQ-WH-E50', 'water_heater', r.pick(['50 gal', '']) || undefined);
  if (code !== 'PL-WH-311' && r.chance(0.1)) b.fine('anode_ok', 'PL-WH-311', 'anode');
}
