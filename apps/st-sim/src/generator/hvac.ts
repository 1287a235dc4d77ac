// Residential HVAC work: repairs weighted by season, diagnostics that end in a declined
// quote, maintenance visits, and system, furnace and ductless installs.
import { type Builder, CAPS, type Gas, hvacReadings, tonCode, tons } from './work.ts';

const HVAC_UPSELLS: readonly (readonly [string | null, string])[] = [
  ['HV-IAQ-415', 'hvac_surge'],
  ['HV-IAQ-410', 'uv_light'],
  ['HV-IAQ-401', 'smart_thermostat'],
  ['HV-REP-330', 'hard_start'],
  ['HV-REP-391', 'evap_clean'],
  ['HV-REP-390', 'cond_coil_clean'],
  ['HV-IAQ-430', 'duct_cleaning'],
  ['EL-SRG-510', 'whole_home_surge'],
  ['HV-IAQ-420', 'media_filter'],
  [null, 'membership'],
];

type Problem = {
  w: number;
  season: 'cool' | 'heat' | 'any';
  complaint: readonly string[];
  run: (b: Builder, gas: Gas) => void;
};

const HVAC_PROBLEMS: readonly Problem[] = [
  {
    w: 20,
    season: 'cool',
    complaint: [
      'AC not cooling',
      'Outside unit humming, fan not spinning',
      'AC running but blowing warm air',
    ],
    run: (b, gas) => {
      b.task('HV-REP-300', 'capacitor', 'replace', {
        spec: b.rng.pick(CAPS),
        failure: b.rng.pick(['weak', 'bulged', 'failed']),
      });
      if (b.rng.chance(0.18)) b.refrigerant(gas, b.half(1, 3));
    },
  },
  {
    w: 4,
    season: 'cool',
    complaint: ['Condenser fan not running'],
    run: (b) =>
      b.task('HV-REP-301', 'single_cap', 'replace', {
        spec: b.rng.pick(['5', '7.5', '10']),
        failure: 'weak',
      }),
  },
  {
    w: 9,
    season: 'cool',
    complaint: ['AC will not turn off', 'Outdoor unit not coming on'],
    run: (b) =>
      b.task('HV-REP-305', 'contactor', 'replace', { failure: b.rng.pick(['pitted', 'stuck', 'burnt']) }),
  },
  {
    w: 8,
    season: 'cool',
    complaint: ['Loud noise from outside unit', 'Outdoor fan not spinning'],
    run: (b) => {
      const big = b.rng.chance(0.3);
      b.task(big ? 'HV-REP-311' : 'HV-REP-310', 'cond_fan_motor', 'replace', {
        spec: big ? '1/3 hp' : b.rng.pick(['1/4 hp', '1/6 hp', '1/4hp 1075rpm']),
        failure: b.rng.pick(['seized', 'bearings', 'burnt']),
      });
    },
  },
  {
    w: 5,
    season: 'any',
    complaint: ['No airflow from vents', 'Blower not running'],
    run: (b) => {
      const ecm = b.rng.chance(0.3);
      b.task(ecm ? 'HV-REP-316' : 'HV-REP-315', ecm ? 'ecm_motor' : 'blower_motor', 'replace', {
        failure: b.rng.pick(['seized', 'burnt', 'failed']),
      });
    },
  },
  {
    w: 10,
    season: 'cool',
    complaint: ['AC not keeping up, ice on lines', 'AC low on refrigerant again'],
    run: (b, gas) => {
      b.task('HV-REP-325', 'leak', 'locate', { mentionP: 0.95 });
      b.task('HV-REP-326', 'leak', 'braze', {
        where: b.rng.pick([
          'service valve',
          'evap coil U-bend',
          'schrader core',
          'liquid line',
          'suction line at cond',
        ]),
        secondary: false,
      });
      b.refrigerant(gas, b.half(2, 6));
      b.mat('MAT-BRAZE-15', b.rng.int(1, 3), 'brazing_rod', { mentionP: 0.4 });
      b.mat('MAT-NITRO', 1, 'nitrogen', { mentionP: 0.5 });
    },
  },
  {
    w: 3,
    season: 'cool',
    complaint: ['AC freezing up', 'Poor cooling, high bills'],
    run: (b, gas) => {
      b.task('HV-REP-320', 'txv', 'replace', { failure: b.rng.pick(['stuck', 'failed']) });
      b.task('HV-REP-321', 'filter_drier', 'replace', { secondary: true });
      b.refrigerant(gas, b.half(4, 8));
      b.mat('MAT-NITRO', 1, 'nitrogen', { mentionP: 0.5 });
      b.mat('MAT-BRAZE-15', b.rng.int(2, 4), 'brazing_rod', { mentionP: 0.4 });
    },
  },
  {
    w: 1.5,
    season: 'cool',
    complaint: ['Outdoor unit tripping breaker'],
    run: (b, gas) => {
      const t = tons(b.rng);
      b.task(t > 3 ? 'HV-REP-336' : 'HV-REP-335', 'compressor', 'replace', {
        failure: b.rng.pick(['burnt', 'seized']),
        spec: `${t} ton`,
      });
      b.task('HV-REP-321', 'filter_drier', 'replace', { secondary: true });
      b.refrigerant(gas, b.half(5, 9));
      b.w.visits = 2;
      b.w.revisitReason = 'compressor';
    },
  },
  {
    w: 10,
    season: 'cool',
    complaint: ['Water leaking from indoor unit', 'Water in drain pan, AC shut off'],
    run: (b) => {
      b.task('HV-REP-365', 'drain_line', 'clear', { failure: 'clogged' });
      if (b.rng.chance(0.3)) b.task('HV-REP-366', 'float_switch', 'install', { secondary: true });
      if (b.rng.chance(0.45)) {
        b.mat('MAT-PVC-34', b.rng.int(2, 8), 'pvc', { size: '3/4', sizeKind: 'pipe', mentionP: 0.8 });
        b.mat('MAT-PVC-90-34', b.rng.int(1, 4), 'pvc_elbow', {
          size: '3/4',
          sizeKind: 'pipe',
          mentionP: 0.6,
        });
      }
      if (b.rng.chance(0.3)) b.mat('MAT-TABS', 1, 'tablets', { mentionP: 0.5 });
    },
  },
  {
    w: 6,
    season: 'heat',
    complaint: ['No heat', 'Furnace clicks but will not light'],
    run: (b) => b.task('HV-REP-345', 'ignitor', 'replace', { failure: 'cracked' }),
  },
  {
    w: 6,
    season: 'heat',
    complaint: ['Furnace lights then shuts off', 'Heat cycles on and off'],
    run: (b) =>
      b.rng.chance(0.6)
        ? b.task('HV-REP-346', 'flame_sensor', 'clean', { failure: 'dirty' })
        : b.task('HV-REP-347', 'flame_sensor', 'replace', { failure: 'dirty' }),
  },
  {
    w: 2,
    season: 'heat',
    complaint: ['Furnace making loud noise, no heat'],
    run: (b) => b.task('HV-REP-350', 'inducer', 'replace', { failure: b.rng.pick(['bearings', 'seized']) }),
  },
  {
    w: 2,
    season: 'heat',
    complaint: ['Furnace not starting'],
    run: (b) => b.task('HV-REP-351', 'pressure_switch', 'replace', { failure: 'failed' }),
  },
  {
    w: 2,
    season: 'any',
    complaint: ['System completely dead'],
    run: (b) =>
      b.task('HV-REP-355', 'control_board', 'replace', { failure: b.rng.pick(['burnt', 'failed']) }),
  },
  {
    w: 1.5,
    season: 'heat',
    complaint: ['No heat, gas smell checked by utility – ok'],
    run: (b) => b.task('HV-REP-356', 'gas_valve', 'replace', { failure: 'failed' }),
  },
  {
    w: 1.5,
    season: 'heat',
    complaint: ['Furnace shuts off on high limit'],
    run: (b) => b.task('HV-REP-357', 'limit_switch', 'replace', { failure: 'failed' }),
  },
  {
    w: 2,
    season: 'any',
    complaint: ['Thermostat blank, no power'],
    run: (b) => b.task('HV-REP-360', 'transformer', 'replace', { failure: b.rng.pick(['burnt', 'failed']) }),
  },
  {
    w: 4,
    season: 'any',
    complaint: ['Thermostat not working', 'Customer wants new thermostat'],
    run: (b) => {
      const smart = b.rng.chance(0.5);
      b.task(smart ? 'HV-IAQ-401' : 'HV-IAQ-400', smart ? 'smart_thermostat' : 'thermostat', 'install');
      if (b.rng.chance(0.3))
        b.mat(b.rng.chance(0.7) ? 'MAT-TWIRE-185' : 'MAT-TWIRE-188', b.rng.int(15, 60), 'tstat_wire', {
          mentionP: 0.9,
        });
    },
  },
  {
    w: 2,
    season: 'cool',
    complaint: ['Water around furnace, pump beeping'],
    run: (b) => {
      b.task('HV-REP-367', 'condensate_pump', 'replace', { failure: 'failed' });
      b.mat('MAT-PVC-34', b.rng.int(2, 6), 'pvc', { size: '3/4', sizeKind: 'pipe', mentionP: 0.7 });
    },
  },
  {
    w: 1.5,
    season: 'cool',
    complaint: ['Disconnect box melted'],
    run: (b) => {
      b.task('HV-REP-375', 'disconnect', 'replace', { failure: b.rng.pick(['burnt', 'stripped']) });
      if (b.rng.chance(0.6)) b.task('HV-REP-376', 'whip', 'replace', { secondary: true });
    },
  },
  {
    w: 1,
    season: 'heat',
    complaint: ['Heat pump blowing cold in heat mode'],
    run: (b, gas) => {
      b.task('HV-REP-370', 'reversing_valve', 'replace', { failure: 'stuck' });
      b.refrigerant(gas, b.half(4, 8));
    },
  },
  {
    w: 1.5,
    season: 'heat',
    complaint: ['Heat pump iced over'],
    run: (b) => b.task('HV-REP-371', 'defrost_board', 'replace', { failure: 'failed' }),
  },
];

const SECONDARY_HVAC: readonly ((b: Builder) => void)[] = [
  (b) => b.task('HV-REP-305', 'contactor', 'replace', { failure: 'pitted', secondary: true }),
  (b) => b.task('HV-REP-330', 'hard_start', 'install', { secondary: true }),
  (b) => b.task('HV-REP-366', 'float_switch', 'install', { secondary: true }),
  (b) => b.task('HV-REP-390', 'cond_coil', 'clean', { failure: 'dirty', secondary: true }),
  (b) => b.task('HV-IAQ-415', 'hvac_surge', 'install', { secondary: true }),
  (b) => b.task('HV-REP-346', 'flame_sensor', 'clean', { failure: 'dirty', secondary: true }),
  (b) =>
    b.task('HV-REP-300', 'capacitor', 'replace', {
      spec: b.rng.pick(CAPS),
      failure: 'weak',
      secondary: true,
    }),
  (b) => b.task('HV-REP-380', 'duct', 'repair', { secondary: true }),
];

function seasonWeight(p: Problem, month: number): number {
  const cooling = month >= 5 && month <= 9;
  const heating = month <= 2 || month >= 11;
  if (p.season === 'cool') return p.w * (cooling ? 2 : heating ? 0.3 : 1);
  if (p.season === 'heat') return p.w * (heating ? 3 : cooling ? 0.2 : 1);
  return p.w;
}

export function hvacRepair(b: Builder, month: number, diagnostic: boolean) {
  const r = b.rng;
  const gas = b.gas();
  const problem = r.weighted(HVAC_PROBLEMS.map((p) => [p, seasonWeight(p, month)] as const));
  b.w.complaint = r.pick(problem.complaint);
  const cooling = problem.season !== 'heat';
  if (diagnostic && r.chance(0.42)) {
    // Diagnosis only: the customer declined the repair, so the diagnostic fee stands.
    b.w.repairPerformed = false;
    const quoted = r.weighted([
      [['HV-REP-335', 'compressor', `${tons(r)} ton`], 3],
      [['HV-REP-340', 'evap_coil', ''], 3],
      [['HV-REP-320', 'txv', ''], 2],
      [['HV-INS-500', 'new_system', ''], 4],
      [['HV-REP-316', 'ecm_motor', ''], 2],
      [['HV-REP-326', 'leak_repair', ''], 2],
    ] as const);
    b.offer(quoted[0], quoted[1], quoted[2] || undefined);
    if (r.chance(0.3)) b.offer(...(r.pick(HVAC_UPSELLS) as [string | null, string]));
    hvacReadings(b, cooling);
    return;
  }
  problem.run(b, gas);
  if (diagnostic && r.chance(0.25)) b.fine('diag_waived', 'HV-DIAG-100', 'diagnostic');
  if (r.chance(0.22)) r.pick(SECONDARY_HVAC)(b);
  if (!b.w.refrigerant && cooling) {
    if (r.chance(0.2)) b.fine('no_refrigerant', `RFG-${gas}`, 'refrigerant');
    else if (r.chance(0.08)) b.fine('no_leak', 'HV-REP-326', 'leak');
  }
  if (!b.w.tasks.some((t) => t.code === 'HV-REP-300') && cooling && r.chance(0.07))
    b.fine('cap_ok', 'HV-REP-300', 'capacitor');
  if (r.chance(0.35)) {
    const [code, noun] = r.pick(HVAC_UPSELLS);
    b.offer(code, noun);
  }
  if (r.chance(0.1)) {
    const t = tons(r);
    b.offer(`EQ-COND-14-${tonCode(t)}T`, 'condenser', `${t} ton`);
  }
  hvacReadings(b, cooling);
}

export function hvacMaintenance(b: Builder, month: number, member: boolean) {
  const r = b.rng;
  const heating = month <= 2 || month >= 10;
  const hp = r.chance(0.2);
  const [code, noun] = hp
    ? ['HV-MAINT-220', 'tuneup_hp']
    : heating
      ? ['HV-MAINT-210', 'tuneup_furnace']
      : ['HV-MAINT-200', 'tuneup_ac'];
  b.task(code, noun, 'perform', { mentionP: 0.8 });
  if (r.chance(0.18)) b.task('HV-MAINT-240', 'tuneup_extra', 'perform', { secondary: true });
  b.w.complaint = member
    ? r.pick(['Club maintenance visit', 'Membership tune-up', 'Seasonal PM per club agreement'])
    : r.pick(['Seasonal tune-up', 'Customer requests AC check-up', 'Furnace safety check before winter']);
  if (r.chance(0.6)) {
    const size = r.pick(['16x25x1', '20x25x1', '16x20x1', '20x20x1', '14x25x1', '16x25x4', '20x25x4']);
    b.mat(`MAT-FLT-${size}`, r.int(1, 3), 'filter', { size, sizeKind: 'plain', mentionP: 0.75 });
  }
  if (r.chance(0.2)) b.mat('MAT-TABS', 1, 'tablets', { mentionP: 0.5 });
  if (r.chance(0.12)) {
    // Found something and fixed it on the spot: an add-on repair.
    r.pick(SECONDARY_HVAC)(b);
    b.w.repairPerformed = true;
  }
  if (r.chance(0.5)) {
    const rec = r.weighted([
      [['HV-REP-300', 'capacitor'], 4],
      [['HV-REP-391', 'evap_clean'], 2],
      [['HV-REP-305', 'contactor'], 2],
      [['HV-REP-385', 'blower_wheel'], 1],
      [['HV-IAQ-410', 'uv_light'], 2],
      [['HV-IAQ-415', 'hvac_surge'], 2],
      [['HV-IAQ-401', 'smart_thermostat'], 1],
      [['HV-INS-500', 'new_system'], 1],
    ] as const);
    if (rec[1] === 'capacitor') {
      const rated = r.pick(CAPS);
      const [a, c] = rated.split('/').map(Number) as [number, number];
      b.find(
        `Capacitor reading ${Math.round(a * 0.85)}/${Math.max(1, c - 1)} on a ${rated}.`,
        `cap ${Math.round(a * 0.85)}/${Math.max(1, c - 1)} on ${rated}`,
      );
    }
    b.offer(rec[0], rec[1]);
  }
  if (!heating && r.chance(0.25)) b.fine('no_refrigerant', `RFG-${b.gas()}`, 'refrigerant');
  hvacReadings(b, !heating);
}

export function hvacReplacement(b: Builder) {
  const r = b.rng;
  const t = tons(r);
  const heatPump = r.chance(0.3);
  const high = r.chance(0.35);
  const oldGas = r.chance(0.55) ? 'R-22' : 'R-410A';
  b.w.complaint = r.pick([
    'System replacement per signed estimate',
    'Install new system – sold by comfort advisor',
    `Replace ${t} ton ${heatPump ? 'heat pump' : 'AC + furnace'}`,
  ]);
  b.w.crew = 2;
  b.w.apprentice = true;
  b.w.visits = r.chance(0.3) ? 2 : 1;
  if (heatPump) {
    b.task('HV-INS-501', 'hp_system', 'install', { mentionP: 0.45 });
    b.equip(`EQ-HP-15-${tonCode(t)}T`, 'heat_pump', `${t} ton`);
    b.equip(
      `EQ-AH-${Math.min(5, Math.max(2, Math.round(t)))}T`,
      'air_handler',
      `${Math.min(5, Math.max(2, Math.round(t)))} ton`,
    );
  } else {
    b.task('HV-INS-500', 'system', 'install', { mentionP: 0.45 });
    b.equip(
      `EQ-COND-${high ? '16' : '14'}-${tonCode(t)}T`,
      'condenser',
      `${t} ton ${high ? '16' : '14.3'} SEER2`,
    );
    b.equip(`EQ-COIL-${tonCode(t)}T`, 'coil_eq', `${t} ton`);
    const k = r.pick([60, 80, 100]);
    b.equip(`EQ-FURN-${high ? '96' : '80'}-${k}K`, 'furnace', `${k}k BTU ${high ? '96%' : '80%'}`);
  }
  b.w.removed = {
    noun: heatPump ? 'heat pump and air handler' : 'condenser and furnace',
    units: 2,
    waterHeater: false,
  };
  b.find(
    `Old system was a ${r.int(14, 26)}-year-old ${oldGas} unit.`,
    `old ${oldGas} sys ${r.int(14, 26)} yrs`,
  );
  if (r.chance(0.6)) b.task('HV-INS-550', 'startup', 'perform', { secondary: true });
  const newLineSet = r.chance(0.35);
  if (newLineSet) {
    b.task('HV-INS-530', 'line_set', 'replace', { secondary: true });
    b.mat(t > 3 ? 'MAT-LINESET-38-78' : 'MAT-LINESET-38-34', r.int(15, 45), 'line_set_mat', {
      size: t > 3 ? '3/8 x 7/8' : '3/8 x 3/4',
      sizeKind: 'plain',
      mentionP: 0.9,
    });
  }
  if (r.chance(0.35))
    b.task(r.chance(0.6) ? 'HV-IAQ-401' : 'HV-IAQ-400', 'smart_thermostat', 'install', { secondary: true });
  b.mat(r.chance(0.6) ? 'MAT-PAD-2436' : 'MAT-PAD-3636', 1, 'pad', { mentionP: 0.6 });
  b.mat('MAT-DISC-60', 1, 'disconnect', { mentionP: 0.6 });
  b.mat('MAT-WHIP-6', 1, 'whip', { mentionP: 0.6 });
  b.mat('MAT-PVC-34', r.int(6, 24), 'pvc', { size: '3/4', sizeKind: 'pipe', mentionP: 0.7 });
  b.mat('MAT-PVC-90-34', r.int(2, 6), 'pvc_elbow', { size: '3/4', sizeKind: 'pipe', mentionP: 0.5 });
  b.mat('MAT-BRAZE-15', r.int(2, 6), 'brazing_rod', { mentionP: 0.4 });
  b.mat('MAT-NITRO', 1, 'nitrogen', { mentionP: 0.4 });
  if (r.chance(0.5)) b.mat('MAT-MASTIC', 1, 'mastic', { mentionP: 0.5 });
  if (r.chance(0.3))
    b.mat('MAT-FLEX-8', r.int(10, 40), 'flex_duct', { size: '8', sizeKind: 'pipe', mentionP: 0.8 });
  if (r.chance(0.3)) b.mat('MAT-TWIRE-185', r.int(20, 60), 'tstat_wire', { mentionP: 0.8 });
  if (newLineSet || r.chance(0.3)) b.refrigerant('454B', b.half(1, 4));
  if (r.chance(0.05)) {
    b.w.keepsOld = true;
    b.fine('keep_old', 'FEE-DISP-EQ', 'disposal');
  }
  if (r.chance(0.03)) {
    b.w.permitByOwner = true;
    b.fine('owner_permit', 'FEE-PERMIT-MECH', 'permit');
  }
  if (r.chance(0.2))
    b.offer(
      r.pick(['HV-IAQ-410', 'HV-IAQ-420', 'HV-IAQ-430']),
      r.pick(['uv_light', 'media_filter', 'duct_cleaning']),
    );
}

export function furnaceReplacement(b: Builder) {
  const r = b.rng;
  const k = r.pick([60, 80, 100, 120]);
  const high = k !== 120 && r.chance(0.4);
  b.w.complaint = r.pick([
    'Furnace replacement per estimate',
    'Replace cracked heat exchanger furnace',
    'New furnace install',
  ]);
  b.w.crew = 2;
  b.w.apprentice = r.chance(0.7);
  b.task('HV-INS-505', 'furnace', 'install', { mentionP: 0.45 });
  b.equip(`EQ-FURN-${high ? '96' : '80'}-${k}K`, 'furnace', `${k}k ${high ? '96%' : '80%'}`);
  b.w.removed = { noun: 'furnace', units: 1, waterHeater: false };
  b.mat('MAT-GASFLEX-24', 1, 'gas_flex', { mentionP: 0.6 });
  if (high) {
    b.mat('MAT-DWV-2', r.int(10, 30), 'dwv_pipe', { size: '2', sizeKind: 'pipe', mentionP: 0.8 });
    b.mat('MAT-DWV-BEND-2', r.int(2, 5), 'dwv_bend', { size: '2', sizeKind: 'pipe', mentionP: 0.6 });
    b.mat('MAT-PVC-CEMENT', 1, 'pvc_glue', { mentionP: 0.3 });
  }
  b.mat('MAT-FLT-16x25x1', 1, 'filter', { size: '16x25x1', sizeKind: 'plain', mentionP: 0.4 });
  if (r.chance(0.3)) b.task('HV-IAQ-400', 'thermostat', 'install', { secondary: true });
  if (r.chance(0.04)) {
    b.w.keepsOld = true;
    b.fine('keep_old', 'FEE-DISP-EQ', 'disposal');
  }
  if (r.chance(0.03)) {
    b.w.permitByOwner = true;
    b.fine('owner_permit', 'FEE-PERMIT-MECH', 'permit');
  }
  b.find(
    `Old furnace had a cracked heat exchanger, CO ${r.int(40, 180)} ppm.`,
    r.pick([`cracked HX, CO ${r.int(40, 180)}`, 'old furn HX cracked']),
  );
}

export function miniSplit(b: Builder) {
  const r = b.rng;
  const k = r.pick([9, 12, 18, 24]);
  b.w.complaint = r.pick([
    'Ductless install – garage conversion',
    'Mini-split for bonus room per estimate',
    'Ductless install, sunroom',
  ]);
  b.w.crew = 2;
  b.w.apprentice = true;
  b.task('HV-INS-510', 'mini_split', 'install', { mentionP: 0.45 });
  b.equip(`EQ-MS-${k}K`, 'mini_split', `${k}k`);
  if (r.chance(0.15)) b.task('HV-INS-511', 'extra_head', 'install', { secondary: true });
  b.mat('MAT-LINESET-38-34', r.int(10, 30), 'line_set_mat', {
    size: '1/4 x 3/8',
    sizeKind: 'plain',
    mentionP: 0.85,
  });
  b.mat('MAT-LINEHIDE', r.int(6, 20), 'line_hide', { mentionP: 0.8 });
  b.mat('MAT-DISC-60', 1, 'disconnect', { mentionP: 0.6 });
  b.mat('MAT-WHIP-6', 1, 'whip', { mentionP: 0.5 });
  b.mat('MAT-PAD-2436', 1, 'pad', { mentionP: 0.5 });
  b.mat('MAT-PVC-34', r.int(4, 15), 'pvc', { size: '3/4', sizeKind: 'pipe', mentionP: 0.6 });
  if (r.chance(0.15)) b.refrigerant('410A', b.half(0.5, 1.5));
}
