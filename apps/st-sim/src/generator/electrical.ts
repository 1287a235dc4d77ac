// Residential electrical work: device and circuit repairs, panel upgrades, EV chargers.
import type { Builder } from './work.ts';

const ELEC_PROBLEMS: readonly ((b: Builder) => void)[] = [
  (b) => {
    b.w.complaint = 'Outlets not working in one room';
    b.task('EL-DEV-200', 'outlet', 'replace', {
      qty: b.rng.int(1, 5),
      where: b.rng.pick(['living room', 'bedroom', 'office', 'kitchen']),
    });
  },
  (b) => {
    b.w.complaint = 'Need GFCI outlets per inspection';
    b.task('EL-DEV-201', 'gfci', 'install', {
      qty: b.rng.int(1, 4),
      where: b.rng.pick(['kitchen', 'garage', 'bathrooms', 'exterior']),
    });
    if (b.rng.chance(0.3)) b.mat('MAT-WPCOVER', b.rng.int(1, 2), 'wp_cover', { mentionP: 0.8 });
  },
  (b) => {
    b.w.complaint = 'Light switch sparks';
    b.task(
      b.rng.chance(0.5) ? 'EL-DEV-202' : 'EL-DEV-203',
      b.rng.chance(0.5) ? 'switch' : 'dimmer',
      'replace',
      { qty: b.rng.int(1, 3), failure: 'burnt' },
    );
  },
  (b) => {
    b.w.complaint = 'Install customer light fixtures';
    b.task('EL-DEV-210', 'light_fixture', 'install', { qty: b.rng.int(1, 4) });
  },
  (b) => {
    b.w.complaint = 'Hang ceiling fan';
    const box = b.rng.chance(0.4);
    b.task(box ? 'EL-DEV-212' : 'EL-DEV-211', box ? 'fan_box' : 'ceiling_fan', 'install', {
      qty: b.rng.int(1, 2),
    });
  },
  (b) => {
    b.w.complaint = 'Breaker keeps tripping';
    const two = b.rng.chance(0.3);
    b.task(two ? 'EL-CKT-301' : 'EL-CKT-300', 'breaker', 'replace', {
      failure: 'tripping',
      spec: two ? b.rng.pick(['30A 2P', '40 amp double pole']) : b.rng.pick(['20A', '15 amp', '20 amp']),
    });
  },
  (b) => {
    b.w.complaint = 'Half the house lights flickering';
    b.task('EL-CKT-310', 'loose_connection', 'repair', { failure: 'loose' });
    if (b.rng.chance(0.4)) b.task('EL-CKT-315', 'junction_box', 'replace', { secondary: true });
    b.mat('MAT-WIRENUT', 1, 'wire_nuts', { mentionP: 0.4 });
  },
  (b) => {
    b.w.complaint = 'Need dedicated circuit for freezer';
    b.task('EL-CKT-305', 'dedicated_circuit', 'install');
    b.mat('MAT-NM-122', b.rng.int(15, 60), 'nm_wire', { size: '12/2', sizeKind: 'wire', mentionP: 0.9 });
    b.mat('MAT-BKR-20A-1P', 1, 'breaker_mat', { size: '20A', sizeKind: 'plain', mentionP: 0.7 });
    b.mat('MAT-OWBOX', 1, 'oldwork_box', { mentionP: 0.5 });
  },
  (b) => {
    b.w.complaint = 'Replace smoke detectors';
    b.task('EL-DEV-215', 'smoke_detector', 'install', { qty: b.rng.int(2, 6) });
  },
  (b) => {
    b.w.complaint = 'AFCI breakers required';
    b.task('EL-CKT-302', 'afci', 'install', { qty: b.rng.int(1, 4) });
  },
];

export function electricalRepair(b: Builder) {
  const r = b.rng;
  r.pick(ELEC_PROBLEMS)(b);
  if (r.chance(0.15))
    b.task('EL-DEV-201', 'gfci', 'install', {
      secondary: true,
      where: r.pick(['kitchen', 'garage', 'bath']),
    });
  if (r.chance(0.25))
    b.mat('MAT-NM-142', r.int(5, 30), 'nm_wire', { size: '14/2', sizeKind: 'wire', mentionP: 0.85 });
  if (r.chance(0.35)) {
    const rec = r.pick([
      ['EL-SRG-510', 'whole_home_surge'],
      ['EL-PNL-400', 'panel_upgrade'],
      ['EL-CKT-302', 'afci'],
      ['EL-PNL-420', 'interlock'],
      ['EL-DEV-201', 'gfci'],
    ] as const);
    b.offer(rec[0], rec[1]);
  }
  if (r.chance(0.1)) b.fine('breakers_ok', 'EL-CKT-300', 'breaker');
  b.find(
    `Measured ${r.int(118, 124)}V at the panel.`,
    r.pick([`${r.int(118, 124)}v`, `volts ${r.int(118, 124)}/${r.int(238, 246)}`]),
  );
}

export function panelUpgrade(b: Builder) {
  const r = b.rng;
  b.w.complaint = r.pick([
    '200A service upgrade per estimate',
    'Replace Federal Pacific panel',
    'Panel upgrade for new HVAC',
  ]);
  b.w.crew = 2;
  b.w.apprentice = true;
  const upgrade = r.chance(0.8);
  b.task(upgrade ? 'EL-PNL-400' : 'EL-PNL-401', 'panel', 'replace', { mentionP: 0.75 });
  b.equip('EQ-PNL-200', 'panel', '200A');
  b.find(
    r.pick([
      'Old panel was a Federal Pacific Stab-Lok.',
      'Old Zinsco panel with scorched bus.',
      'Old 100A panel, full.',
    ]),
    r.pick(['old FPE panel', 'zinsco - scorched bus', 'old 100a full']),
  );
  if (r.chance(0.4)) {
    b.task('EL-PNL-410', 'meter_base', 'replace', { secondary: true });
    b.equip('EQ-METER-200', 'meter_base', '200A');
  }
  if (r.chance(0.5)) {
    b.task('EL-PNL-415', 'grounding', 'perform', { secondary: true });
    b.mat('MAT-GROUNDROD', 2, 'ground_rod', { mentionP: 0.7 });
  }
  b.mat('MAT-BKR-20A-1P', r.int(4, 12), 'breaker_mat', { size: '20A', sizeKind: 'plain', mentionP: 0.6 });
  b.mat('MAT-BKR-15A-1P', r.int(2, 8), 'breaker_mat', { size: '15A', sizeKind: 'plain', mentionP: 0.6 });
  b.mat('MAT-BKR-20A-AFCI', r.int(2, 8), 'afci', { size: '20A', sizeKind: 'plain', mentionP: 0.7 });
  b.mat(r.pick(['MAT-BKR-30A-2P', 'MAT-BKR-40A-2P', 'MAT-BKR-50A-2P']), r.int(1, 2), 'breaker_mat', {
    size: '2P',
    sizeKind: 'plain',
    mentionP: 0.5,
  });
  b.mat('MAT-SER-20', r.int(6, 20), 'ser_cable', { mentionP: 0.8 });
  if (r.chance(0.3)) {
    b.task('EL-SRG-510', 'whole_home_surge', 'install', { secondary: true });
    b.equip('EQ-SPD-WH', 'whole_home_surge', 'type 2');
  } else if (r.chance(0.4)) b.offer('EL-SRG-510', 'whole_home_surge');
  if (r.chance(0.03)) {
    b.w.permitByOwner = true;
    b.fine('owner_permit', 'FEE-PERMIT-ELEC', 'permit');
  }
}

export function evCharger(b: Builder) {
  const r = b.rng;
  b.w.complaint = r.pick([
    'Install EV charger in garage',
    'NEMA 14-50 for new EV',
    'Level 2 charger install per estimate',
  ]);
  const receptacle = r.chance(0.3);
  b.task(receptacle ? 'EL-EV-505' : 'EL-EV-500', receptacle ? 'nema_1450' : 'ev_charger', 'install', {
    mentionP: 0.8,
  });
  if (!receptacle) {
    if (r.chance(0.6)) b.equip('EQ-EVSE-48', 'ev_charger', '48A');
    else b.fine('own_charger', 'EQ-EVSE-48', 'ev_charger');
  }
  b.mat('MAT-NM-63', r.int(20, 70), 'nm_wire', { size: '6/3', sizeKind: 'wire', mentionP: 0.9 });
  b.mat(r.chance(0.7) ? 'MAT-BKR-50A-2P' : 'MAT-BKR-60A-2P', 1, 'breaker_mat', {
    size: r.chance(0.7) ? '50A' : '60A',
    sizeKind: 'plain',
    mentionP: 0.7,
  });
  if (r.chance(0.5)) {
    b.mat('MAT-EMT-34', r.int(5, 20), 'emt', { size: '3/4', sizeKind: 'pipe', mentionP: 0.8 });
    b.mat('MAT-EMT-CONN', r.int(2, 6), 'emt_conn', { mentionP: 0.4 });
  }
  if (r.chance(0.2)) b.offer('EL-PNL-400', 'panel_upgrade');
  if (r.chance(0.03)) {
    b.w.permitByOwner = true;
    b.fine('owner_permit', 'FEE-PERMIT-ELEC', 'permit');
  }
}
