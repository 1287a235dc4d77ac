// The shop's catalogue as data: categories, flat-rate services and labor rates, materials
// (sizes expanded), equipment and price modifiers. pricebook.ts turns these into SKUs.
import type { BuKey } from './org.ts';

export interface CategoryDef {
  id: number;
  name: string;
  type: 'Services' | 'Materials';
  bu: BuKey;
  blurb: string;
}

export const CATEGORIES: readonly CategoryDef[] = [
  {
    id: 6701,
    name: 'HVAC Diagnostics & Fees',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'Complete system diagnosis by a licensed technician.',
  },
  {
    id: 6702,
    name: 'HVAC Electrical Repairs',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'Includes OEM-equivalent part, installation and amperage testing.',
  },
  {
    id: 6703,
    name: 'HVAC Refrigeration Repairs',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'EPA-certified refrigerant handling. Refrigerant billed separately per pound.',
  },
  {
    id: 6704,
    name: 'Heating Repairs',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'Includes part, installation and combustion safety check.',
  },
  {
    id: 6705,
    name: 'Airflow & Condensate',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'Restores airflow and condensate drainage; includes system test.',
  },
  {
    id: 6706,
    name: 'HVAC Maintenance',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'Multi-point inspection, cleaning and performance test.',
  },
  {
    id: 6707,
    name: 'Thermostats & Indoor Air Quality',
    type: 'Services',
    bu: 'hvac_service',
    blurb: 'Installed, programmed and tested with homeowner walkthrough.',
  },
  {
    id: 6708,
    name: 'HVAC Installation',
    type: 'Services',
    bu: 'hvac_install',
    blurb:
      'Professional installation to manufacturer specifications and local code. Equipment billed separately.',
  },
  {
    id: 6709,
    name: 'Drain Cleaning',
    type: 'Services',
    bu: 'plumbing',
    blurb: 'Cable or jet clearing of the affected line; flow tested after service.',
  },
  {
    id: 6710,
    name: 'Water Heaters',
    type: 'Services',
    bu: 'plumbing',
    blurb: 'Water heater service to manufacturer specifications and code.',
  },
  {
    id: 6711,
    name: 'Plumbing Fixtures',
    type: 'Services',
    bu: 'plumbing',
    blurb: 'Labor to install customer- or shop-supplied fixture; leak tested.',
  },
  {
    id: 6712,
    name: 'Pipe & Valves',
    type: 'Services',
    bu: 'plumbing',
    blurb: 'Repair of supply, drain or gas piping; pressure tested where applicable.',
  },
  {
    id: 6713,
    name: 'Electrical Devices & Lighting',
    type: 'Services',
    bu: 'electrical',
    blurb: 'Device installed and tested; includes standard mounting hardware.',
  },
  {
    id: 6714,
    name: 'Circuits & Breakers',
    type: 'Services',
    bu: 'electrical',
    blurb: 'Circuit work to NEC; torque-verified terminations.',
  },
  {
    id: 6715,
    name: 'Panels & Service',
    type: 'Services',
    bu: 'electrical',
    blurb: 'Service equipment work; utility coordination as required.',
  },
  {
    id: 6716,
    name: 'EV & Surge Protection',
    type: 'Services',
    bu: 'electrical',
    blurb: 'Dedicated circuit and protection installed to code.',
  },
  {
    id: 6717,
    name: 'Commercial Maintenance',
    type: 'Services',
    bu: 'commercial',
    blurb: 'Scheduled preventive maintenance per unit.',
  },
  {
    id: 6718,
    name: 'Labor (Time & Materials)',
    type: 'Services',
    bu: 'commercial',
    blurb: 'Billed per technician hour on site, quarter-hour increments.',
  },
  { id: 6731, name: 'Refrigerants', type: 'Materials', bu: 'hvac_service', blurb: 'Per pound.' },
  { id: 6732, name: 'HVAC Parts', type: 'Materials', bu: 'hvac_service', blurb: 'Replacement part.' },
  { id: 6733, name: 'Filters', type: 'Materials', bu: 'hvac_service', blurb: 'Pleated air filter.' },
  {
    id: 6734,
    name: 'Copper & Fittings',
    type: 'Materials',
    bu: 'plumbing',
    blurb: 'Copper pipe and fittings.',
  },
  { id: 6735, name: 'PVC, PEX & Drain', type: 'Materials', bu: 'plumbing', blurb: 'Pipe and fittings.' },
  {
    id: 6736,
    name: 'Valves & Plumbing Parts',
    type: 'Materials',
    bu: 'plumbing',
    blurb: 'Plumbing repair part.',
  },
  { id: 6737, name: 'Wire & Conduit', type: 'Materials', bu: 'electrical', blurb: 'Per foot.' },
  { id: 6738, name: 'Breakers & Devices', type: 'Materials', bu: 'electrical', blurb: 'Electrical device.' },
  { id: 6739, name: 'Ductwork', type: 'Materials', bu: 'hvac_install', blurb: 'Duct material.' },
  {
    id: 6740,
    name: 'Shop Supplies',
    type: 'Materials',
    bu: 'hvac_service',
    blurb: 'Consumables used on the job: fasteners, sealants, tape, cleaners, wire nuts.',
  },
  {
    id: 6751,
    name: 'Condensers & Heat Pumps',
    type: 'Materials',
    bu: 'hvac_install',
    blurb: 'Outdoor unit.',
  },
  {
    id: 6752,
    name: 'Furnaces, Coils & Air Handlers',
    type: 'Materials',
    bu: 'hvac_install',
    blurb: 'Indoor unit.',
  },
  { id: 6753, name: 'Ductless Systems', type: 'Materials', bu: 'hvac_install', blurb: 'Ductless equipment.' },
  { id: 6754, name: 'Water Heater Equipment', type: 'Materials', bu: 'plumbing', blurb: 'Water heater.' },
  {
    id: 6755,
    name: 'Electrical Equipment',
    type: 'Materials',
    bu: 'electrical',
    blurb: 'Electrical equipment.',
  },
  { id: 6761, name: 'Fees', type: 'Services', bu: 'hvac_service', blurb: 'Fee.' },
  { id: 6762, name: 'Discounts', type: 'Services', bu: 'hvac_service', blurb: 'Discount.' },
];

export type Opts = { taxable?: boolean; member?: number; inactive?: boolean; cost?: number; labor?: boolean };
export type Row = [code: string, name: string, price: number, hours: number, opts?: Opts];

export const SERVICES: Record<number, Row[]> = {
  6701: [
    ['HV-DIAG-100', 'Diagnostic Fee – Residential HVAC', 89, 0.75, { member: 0 }],
    ['HV-DIAG-110', 'Second Opinion System Evaluation', 49, 0.75],
    ['HV-DIAG-120', 'Diagnostic Fee – After Hours (legacy)', 149, 0.75, { inactive: true }],
  ],
  6702: [
    ['HV-REP-300', 'Replace Dual Run Capacitor', 289, 0.5, { cost: 22 }],
    ['HV-REP-301', 'Replace Single Run Capacitor', 249, 0.5, { cost: 14 }],
    ['HV-REP-305', 'Replace Contactor', 279, 0.5, { cost: 18 }],
    ['HV-REP-310', 'Replace Condenser Fan Motor (up to 1/4 HP)', 649, 1.25, { cost: 110 }],
    ['HV-REP-311', 'Replace Condenser Fan Motor (1/3–1/2 HP)', 789, 1.5, { cost: 160 }],
    ['HV-REP-315', 'Replace Blower Motor – PSC', 849, 1.5, { cost: 175 }],
    ['HV-REP-316', 'Replace Blower Motor – ECM/Variable Speed', 1295, 1.75, { cost: 420 }],
    ['HV-REP-330', 'Install Hard Start Kit', 349, 0.5, { cost: 38 }],
    ['HV-REP-360', 'Replace Control Transformer (40VA)', 259, 0.5, { cost: 16 }],
    ['HV-REP-375', 'Replace Outdoor Disconnect', 329, 0.75, { cost: 24 }],
    ['HV-REP-376', 'Replace Condenser Electrical Whip', 229, 0.5, { cost: 19 }],
    ['HV-REP-371', 'Replace Defrost Control Board', 595, 1, { cost: 140 }],
  ],
  6703: [
    ['HV-REP-320', 'Replace TXV (Thermal Expansion Valve)', 1450, 3, { cost: 120 }],
    ['HV-REP-321', 'Replace Liquid Line Filter Drier', 395, 1, { cost: 16 }],
    ['HV-REP-325', 'Electronic Refrigerant Leak Search', 295, 1],
    ['HV-REP-326', 'Leak Repair – Braze Accessible Joint', 450, 1.5, { cost: 12 }],
    ['HV-REP-327', 'Evacuate & Recharge System (labor)', 575, 2],
    ['HV-REP-335', 'Replace Compressor (up to 3 Ton)', 2895, 5, { cost: 850 }],
    ['HV-REP-336', 'Replace Compressor (3.5–5 Ton)', 3495, 5.5, { cost: 1150 }],
    ['HV-REP-340', 'Replace Evaporator Coil (labor)', 1195, 4],
    ['HV-REP-370', 'Replace Reversing Valve', 1695, 4, { cost: 160 }],
    ['HV-REP-390', 'Condenser Coil Chemical Cleaning', 199, 0.75, { cost: 8 }],
    ['HV-REP-391', 'Evaporator Coil Cleaning', 349, 1.25, { cost: 10 }],
  ],
  6704: [
    ['HV-REP-345', 'Replace Hot Surface Ignitor', 329, 0.5, { cost: 28 }],
    ['HV-REP-346', 'Clean Flame Sensor', 129, 0.25],
    ['HV-REP-347', 'Replace Flame Sensor', 219, 0.5, { cost: 15 }],
    ['HV-REP-350', 'Replace Inducer Motor Assembly', 895, 1.5, { cost: 240 }],
    ['HV-REP-351', 'Replace Pressure Switch', 349, 0.5, { cost: 35 }],
    ['HV-REP-355', 'Replace Furnace Control Board', 795, 1, { cost: 190 }],
    ['HV-REP-356', 'Replace Furnace Gas Valve', 745, 1, { cost: 150 }],
    ['HV-REP-357', 'Replace High Limit Switch', 295, 0.5, { cost: 22 }],
  ],
  6705: [
    ['HV-REP-365', 'Clear Condensate Drain Line', 189, 0.5],
    ['HV-REP-366', 'Install Condensate Float Switch', 219, 0.5, { cost: 18 }],
    ['HV-REP-367', 'Replace Condensate Pump', 389, 0.75, { cost: 65 }],
    ['HV-REP-380', 'Repair Duct Connection & Seal', 249, 0.75],
    ['HV-REP-385', 'Clean Blower Wheel', 295, 1],
  ],
  6706: [
    ['HV-MAINT-200', 'AC Precision Tune-Up', 129, 1, { member: 0 }],
    ['HV-MAINT-210', 'Furnace Tune-Up & Safety Inspection', 129, 1, { member: 0 }],
    ['HV-MAINT-220', 'Heat Pump Tune-Up', 149, 1, { member: 0 }],
    ['HV-MAINT-230', 'Ductless Head Cleaning (per head)', 119, 0.75, { member: 89 }],
    ['HV-MAINT-240', 'Additional System Tune-Up (same visit)', 99, 0.75, { member: 0 }],
    ['HV-MAINT-250', 'Spring AC Check (2019 promo)', 59, 1, { inactive: true }],
  ],
  6707: [
    ['HV-IAQ-400', 'Install Programmable Thermostat', 289, 0.75, { taxable: true, cost: 55 }],
    ['HV-IAQ-401', 'Install Smart Wi-Fi Thermostat', 449, 1, { taxable: true, cost: 160 }],
    ['HV-IAQ-410', 'Install UV Germicidal Light', 695, 1, { taxable: true, cost: 180 }],
    ['HV-IAQ-415', 'Install Condenser Surge Protector', 289, 0.5, { taxable: true, cost: 45 }],
    ['HV-IAQ-420', 'Install 4" Media Filter Cabinet', 549, 1.5, { taxable: true, cost: 95 }],
    ['HV-IAQ-430', 'Whole-Home Duct Cleaning', 599, 3],
  ],
  6708: [
    ['HV-INS-500', 'System Replacement – Split AC & Furnace (labor)', 3800, 14],
    ['HV-INS-501', 'System Replacement – Heat Pump Split (labor)', 3600, 13],
    ['HV-INS-505', 'Furnace Replacement (labor)', 1850, 7],
    ['HV-INS-510', 'Ductless Mini-Split Install – Single Zone (labor)', 2200, 8],
    ['HV-INS-511', 'Ductless Mini-Split – Additional Head (labor)', 950, 3],
    ['HV-INS-520', 'Condenser Replacement Only (labor)', 1650, 6],
    ['HV-INS-530', 'Line Set Replacement (labor)', 895, 3],
    ['HV-INS-540', 'Return Air Modification', 650, 2],
    ['HV-INS-550', 'Startup, Commissioning & Registration', 195, 1],
  ],
  6709: [
    ['PL-DRN-200', 'Clear Main Line via Cleanout', 329, 1],
    ['PL-DRN-201', 'Clear Main Line – Pull Toilet / Roof Vent', 449, 1.5],
    ['PL-DRN-205', 'Clear Kitchen Sink Drain', 229, 0.75],
    ['PL-DRN-206', 'Clear Bathroom Sink or Tub Drain', 199, 0.75],
    ['PL-DRN-207', 'Clear Toilet Stoppage (Closet Auger)', 179, 0.5],
    ['PL-DRN-208', 'Clear Floor or Laundry Drain', 249, 0.75],
    ['PL-DRN-210', 'Sewer Camera Inspection', 295, 1],
    ['PL-DRN-215', 'Hydro-Jet Main Line', 695, 2],
    ['PL-DRN-220', 'Install Exterior 4" Cleanout', 1250, 4, { cost: 60 }],
    ['PL-DRN-225', 'Locate Line (Sonde)', 149, 0.5],
  ],
  6710: [
    ['PL-DIAG-100', 'Plumbing Diagnostic Fee', 79, 0.5, { member: 0 }],
    ['PL-WH-300', 'Water Heater Replacement – Tank Gas (labor)', 1095, 4],
    ['PL-WH-301', 'Water Heater Replacement – Tank Electric (labor)', 895, 3.5],
    ['PL-WH-302', 'Tankless Water Heater Install (labor)', 2450, 7],
    ['PL-WH-310', 'Flush Water Heater', 169, 0.75, { member: 139 }],
    ['PL-WH-311', 'Replace Anode Rod', 289, 0.75, { cost: 38 }],
    ['PL-WH-312', 'Replace T&P Relief Valve', 229, 0.5, { cost: 24 }],
    ['PL-WH-313', 'Replace Thermocouple', 219, 0.5, { cost: 12 }],
    ['PL-WH-314', 'Replace Gas Control Valve', 595, 1, { cost: 160 }],
    ['PL-WH-315', 'Replace Heating Element', 295, 0.75, { cost: 22 }],
    ['PL-WH-316', 'Replace Electric WH Thermostat', 279, 0.75, { cost: 26 }],
    ['PL-WH-318', 'Descale Tankless Water Heater', 249, 1.25, { cost: 15 }],
  ],
  6711: [
    ['PL-FIX-400', 'Replace Kitchen Faucet (labor)', 279, 1],
    ['PL-FIX-401', 'Replace Bathroom Faucet (labor)', 249, 1],
    ['PL-FIX-405', 'Rebuild Toilet Tank (fill valve & flapper)', 229, 0.75, { cost: 24 }],
    ['PL-FIX-406', 'Reset Toilet with New Wax Ring', 249, 1, { cost: 8 }],
    ['PL-FIX-407', 'Replace Toilet (labor)', 395, 1.5],
    ['PL-FIX-410', 'Replace Garbage Disposal (labor)', 295, 1],
    ['PL-FIX-415', 'Replace Shower Valve Cartridge', 289, 1, { cost: 45 }],
    ['PL-FIX-420', 'Replace Sump Pump (labor)', 495, 1.5],
  ],
  6712: [
    ['PL-PIPE-500', 'Repair Leak – Accessible Copper', 349, 1],
    ['PL-PIPE-501', 'Repair Leak – PEX', 289, 0.75],
    ['PL-PIPE-505', 'Replace Angle Stop Valve', 179, 0.5, { cost: 12 }],
    ['PL-PIPE-506', 'Replace Main Shut-Off Valve', 595, 1.5, { cost: 45 }],
    ['PL-PIPE-510', 'Replace Pressure Reducing Valve', 695, 1.5, { cost: 140 }],
    ['PL-PIPE-515', 'Replace Hose Bib', 249, 0.75, { cost: 18 }],
    ['PL-PIPE-520', 'Gas Line Leak Repair', 450, 1.5],
    ['PL-PIPE-525', 'Run Gas Line to Appliance', 695, 2.5],
    ['PL-PIPE-530', 'Slab Leak Detection', 450, 2],
    ['PL-PIPE-535', 'Backflow Preventer Test', 125, 0.5],
    ['PL-PIPE-540', 'Install Thermal Expansion Tank (labor)', 195, 0.75],
  ],
  6713: [
    ['EL-DIAG-100', 'Electrical Troubleshooting Fee', 99, 1, { member: 0 }],
    ['EL-DEV-200', 'Replace Standard Outlet', 149, 0.33, { cost: 4 }],
    ['EL-DEV-201', 'Install GFCI Outlet', 219, 0.5, { cost: 22 }],
    ['EL-DEV-202', 'Replace Light Switch', 139, 0.33, { cost: 4 }],
    ['EL-DEV-203', 'Install Dimmer Switch', 189, 0.5, { cost: 24 }],
    ['EL-DEV-204', 'Install USB Charging Outlet', 179, 0.5, { cost: 21 }],
    ['EL-DEV-210', 'Install Light Fixture (existing box)', 229, 0.75],
    ['EL-DEV-211', 'Install Ceiling Fan (existing rated box)', 329, 1.25],
    ['EL-DEV-212', 'Install Fan-Rated Box & Ceiling Fan', 495, 2, { cost: 18 }],
    ['EL-DEV-215', 'Install Hardwired Smoke/CO Detector', 189, 0.5, { cost: 38, taxable: true }],
    ['EL-DEV-220', 'Install Exterior Flood Light', 289, 1],
  ],
  6714: [
    ['EL-CKT-300', 'Replace Breaker – Single Pole', 229, 0.5, { cost: 12 }],
    ['EL-CKT-301', 'Replace Breaker – Double Pole', 289, 0.5, { cost: 26 }],
    ['EL-CKT-302', 'Install AFCI/GFCI Breaker', 329, 0.75, { cost: 48 }],
    ['EL-CKT-305', 'Install Dedicated 20A Circuit (up to 25 ft)', 695, 2.5],
    ['EL-CKT-306', 'Install 240V Circuit (up to 30 ft)', 995, 3],
    ['EL-CKT-310', 'Repair Loose Connection / Open Neutral', 289, 1],
    ['EL-CKT-315', 'Replace Junction Box', 199, 0.75, { cost: 6 }],
  ],
  6715: [
    ['EL-PNL-400', 'Panel Upgrade – 200A Service (labor)', 3200, 9],
    ['EL-PNL-401', 'Panel Replacement – Same Amperage (labor)', 2400, 7],
    ['EL-PNL-405', 'Install 100A Sub-Panel (labor)', 1450, 5],
    ['EL-PNL-410', 'Replace Meter Base (labor)', 1195, 4],
    ['EL-PNL-415', 'Grounding & Bonding Upgrade', 495, 2],
    ['EL-PNL-420', 'Generator Interlock Kit Install', 895, 2.5, { cost: 140, taxable: true }],
  ],
  6716: [
    ['EL-EV-500', 'Install Level 2 EV Charger (labor, up to 30 ft)', 895, 3.5],
    ['EL-EV-505', 'Install NEMA 14-50 Receptacle Circuit', 595, 3],
    ['EL-SRG-510', 'Install Whole-Home Surge Protector (labor)', 295, 1],
  ],
  6717: [
    ['CM-PM-600', 'Rooftop Unit Preventive Maintenance (per unit)', 165, 1],
    ['CM-PM-605', 'Split System Preventive Maintenance – Commercial (per unit)', 145, 0.75],
    ['CM-PM-610', 'Ice Machine Cleaning & Sanitizing', 225, 1.5],
    ['CM-PM-615', 'Walk-In Cooler Preventive Maintenance', 245, 1.5],
  ],
  6718: [
    ['LAB-HV-REG', 'HVAC Labor – Regular Rate (per hour)', 145, 1, { labor: true }],
    ['LAB-HV-OT', 'HVAC Labor – Overtime Rate (per hour)', 217.5, 1, { labor: true }],
    ['LAB-PL-REG', 'Plumbing Labor – Regular Rate (per hour)', 135, 1, { labor: true }],
    ['LAB-PL-OT', 'Plumbing Labor – Overtime Rate (per hour)', 202.5, 1, { labor: true }],
    ['LAB-EL-REG', 'Electrical Labor – Regular Rate (per hour)', 140, 1, { labor: true }],
    ['LAB-EL-OT', 'Electrical Labor – Overtime Rate (per hour)', 210, 1, { labor: true }],
    ['LAB-APP-REG', 'Apprentice/Helper Labor – Regular Rate (per hour)', 85, 1, { labor: true }],
    ['LAB-APP-OT', 'Apprentice/Helper Labor – Overtime Rate (per hour)', 127.5, 1, { labor: true }],
    ['LAB-HV-REG-24', 'HVAC Labor – Regular Rate (2024 rate card)', 125, 1, { labor: true, inactive: true }],
  ],
};

/** Materials: [code, name, price, unit, taxable?]. Sizes are expanded below. */
export type MatRow = [code: string, name: string, price: number, unit: string, opts?: Opts];

export function materialRows(): Record<number, MatRow[]> {
  const caps: MatRow[] = ['30/5', '35/5', '40/5', '45/5', '50/5', '55/5', '60/5', '70/5', '80/5'].map(
    (s, i) => [`MAT-CAP-DR-${s.replace('/', '-')}`, `Dual Run Capacitor ${s} MFD 440V`, 69 + i * 4, 'Each'],
  );
  const singleCaps: MatRow[] = ['5', '7.5', '10', '15'].map((s, i) => [
    `MAT-CAP-SR-${s.replace('.', '')}`,
    `Single Run Capacitor ${s} MFD 370V`,
    49 + i * 4,
    'Each',
  ]);
  const belts: MatRow[] = [36, 38, 40, 42, 44, 46, 48, 50, 52, 55].map((n) => [
    `MAT-BELT-A${n}`,
    `V-Belt A${n}`,
    24 + Math.floor((n - 36) / 4) * 2,
    'Each',
  ]);
  const filters: MatRow[] = [
    ['14x20x1', 18],
    ['14x25x1', 18],
    ['16x20x1', 18],
    ['16x25x1', 19],
    ['20x20x1', 19],
    ['20x25x1', 21],
    ['20x30x1', 23],
    ['16x25x4', 58],
    ['20x25x4', 62],
    ['16x20x2', 22],
    ['20x20x2', 24],
    ['20x25x2', 26],
    ['24x24x2', 29],
  ].map(([size, price]) => [
    `MAT-FLT-${size}`,
    `Pleated Air Filter ${size} MERV 11`,
    price as number,
    'Each',
  ]);
  const breakers: MatRow[] = [
    ['15A-1P', 'Breaker 15A Single Pole', 24],
    ['20A-1P', 'Breaker 20A Single Pole', 24],
    ['30A-2P', 'Breaker 30A Double Pole', 39],
    ['40A-2P', 'Breaker 40A Double Pole', 42],
    ['50A-2P', 'Breaker 50A Double Pole', 45],
    ['60A-2P', 'Breaker 60A Double Pole', 52],
    ['20A-AFCI', 'Breaker 20A Combination AFCI', 79],
    ['20A-GFCI', 'Breaker 20A GFCI', 84],
    ['20A-DF', 'Breaker 20A Dual Function AFCI/GFCI', 96],
  ].map(([s, name, price]) => [`MAT-BKR-${s}`, name as string, price as number, 'Each']);
  return {
    6731: [
      ['RFG-410A', 'Refrigerant R-410A (per lb)', 95, 'Pound'],
      ['RFG-22', 'Refrigerant R-22 (per lb)', 165, 'Pound'],
      ['RFG-454B', 'Refrigerant R-454B (per lb)', 115, 'Pound'],
      ['RFG-32', 'Refrigerant R-32 (per lb)', 105, 'Pound'],
      ['RFG-407C', 'Refrigerant R-407C (per lb)', 110, 'Pound', { inactive: true }],
    ],
    6732: [
      ...caps,
      ...singleCaps,
      ['MAT-CONT-1P', 'Contactor 1-Pole 30A 24V Coil', 49, 'Each'],
      ['MAT-CONT-2P', 'Contactor 2-Pole 40A 24V Coil', 64, 'Each'],
      ['MAT-MTR-CF-16', 'Condenser Fan Motor 1/6 HP 825 RPM', 265, 'Each'],
      ['MAT-MTR-CF-14', 'Condenser Fan Motor 1/4 HP 1075 RPM', 295, 'Each'],
      ['MAT-MTR-CF-13', 'Condenser Fan Motor 1/3 HP 1075 RPM', 345, 'Each'],
      ['MAT-MTR-BL-12', 'Blower Motor PSC 1/2 HP', 385, 'Each'],
      ['MAT-MTR-BL-34', 'Blower Motor PSC 3/4 HP', 445, 'Each'],
      ['MAT-HSK', 'Hard Start Kit', 95, 'Each'],
      ['MAT-TXV-3T', 'TXV Valve 1.5–3 Ton R-410A', 245, 'Each'],
      ['MAT-TXV-5T', 'TXV Valve 3.5–5 Ton R-410A', 285, 'Each'],
      ['MAT-DRIER-38', 'Liquid Line Filter Drier 3/8" Sweat', 42, 'Each'],
      ['MAT-DRIER-14', 'Liquid Line Filter Drier 1/4" Flare', 36, 'Each'],
      ['MAT-IGN-UNIV', 'Hot Surface Ignitor (universal)', 79, 'Each'],
      ['MAT-FSENSOR', 'Flame Sensor (universal)', 45, 'Each'],
      ['MAT-PSW', 'Pressure Switch (universal)', 89, 'Each'],
      ['MAT-LIMIT', 'High Limit Switch', 59, 'Each'],
      ['MAT-XFMR-40', 'Transformer 120/240-24V 40VA', 49, 'Each'],
      ['MAT-FLOAT', 'Condensate Safety Float Switch', 54, 'Each'],
      ['MAT-CPUMP', 'Condensate Pump 115V', 149, 'Each'],
      ['MAT-GASVLV', 'Furnace Gas Valve (universal)', 295, 'Each'],
      ['MAT-BOARD-UNIV', 'Universal Furnace Control Board', 395, 'Each'],
      ['MAT-TSTAT-PROG', 'Programmable Thermostat', 129, 'Each'],
      ['MAT-TSTAT-WIFI', 'Smart Wi-Fi Thermostat', 289, 'Each'],
      ['MAT-DISC-60', 'Non-Fused AC Disconnect 60A', 39, 'Each'],
      ['MAT-WHIP-6', 'AC Whip 3/4" x 6 ft', 34, 'Each'],
      ['MAT-PAD-2436', 'Equipment Pad 24" x 36"', 65, 'Each'],
      ['MAT-PAD-3636', 'Equipment Pad 36" x 36"', 85, 'Each'],
      ['MAT-SPD-HVAC', 'HVAC Surge Protective Device', 119, 'Each'],
      ['MAT-UV-LAMP', 'UV Replacement Lamp', 139, 'Each'],
      ['MAT-TABS', 'Condensate Pan Treatment Tablets', 12, 'Each'],
      ['MAT-LINESET-38-34', 'ACR Line Set 3/8 x 3/4 (per ft)', 12.5, 'Foot'],
      ['MAT-LINESET-38-78', 'ACR Line Set 3/8 x 7/8 (per ft)', 14.5, 'Foot'],
      ['MAT-LINEHIDE', 'Line Hide Cover (per ft)', 9.5, 'Foot'],
      ['MAT-TWIRE-185', 'Thermostat Wire 18/5 (per ft)', 1.25, 'Foot'],
      ['MAT-TWIRE-188', 'Thermostat Wire 18/8 (per ft)', 1.75, 'Foot'],
      ['MAT-BRAZE-15', 'Brazing Rod 15% Silver (per stick)', 6.5, 'Each'],
      ['MAT-NITRO', 'Nitrogen Purge (per use)', 35, 'Each', { taxable: false }],
      ...belts,
    ],
    6733: filters,
    6734: [
      ['MAT-CU-L-12', 'Copper Pipe Type L 1/2" (per ft)', 7.5, 'Foot'],
      ['MAT-CU-L-34', 'Copper Pipe Type L 3/4" (per ft)', 11.5, 'Foot'],
      ['MAT-CU-L-1', 'Copper Pipe Type L 1" (per ft)', 16, 'Foot'],
      ['MAT-CU-90-12', 'Copper 90° Elbow 1/2"', 4.5, 'Each'],
      ['MAT-CU-90-34', 'Copper 90° Elbow 3/4"', 7.5, 'Each'],
      ['MAT-CU-CPL-12', 'Copper Coupling 1/2"', 3.5, 'Each'],
      ['MAT-CU-CPL-34', 'Copper Coupling 3/4"', 5.5, 'Each'],
      ['MAT-CU-TEE-12', 'Copper Tee 1/2"', 6, 'Each'],
      ['MAT-CU-TEE-34', 'Copper Tee 3/4"', 9.5, 'Each'],
      ['MAT-SB-CPL-12', 'Push-Fit Coupling 1/2"', 14, 'Each'],
      ['MAT-SB-CPL-34', 'Push-Fit Coupling 3/4"', 19, 'Each'],
      ['MAT-DIEL-34', 'Dielectric Union 3/4"', 24, 'Each'],
    ],
    6735: [
      ['MAT-PVC-34', 'PVC Pipe 3/4" Sch 40 (per ft)', 3.5, 'Foot'],
      ['MAT-PVC-90-34', 'PVC 90° Elbow 3/4"', 3, 'Each'],
      ['MAT-PVC-TEE-34', 'PVC Tee 3/4"', 3.5, 'Each'],
      ['MAT-DWV-2', 'PVC DWV Pipe 2" (per ft)', 6.5, 'Foot'],
      ['MAT-DWV-3', 'PVC DWV Pipe 3" (per ft)', 9.5, 'Foot'],
      ['MAT-DWV-4', 'PVC DWV Pipe 4" (per ft)', 12.5, 'Foot'],
      ['MAT-DWV-BEND-2', 'PVC 1/4 Bend 2"', 8, 'Each'],
      ['MAT-DWV-CO-4', 'Cleanout Adapter & Plug 4"', 28, 'Each'],
      ['MAT-PVC-CEMENT', 'PVC Primer & Cement Kit', 18, 'Each'],
      ['MAT-PEX-12', 'PEX-A Tubing 1/2" (per ft)', 2.75, 'Foot'],
      ['MAT-PEX-34', 'PEX-A Tubing 3/4" (per ft)', 3.75, 'Foot'],
      ['MAT-PEX-RING', 'PEX Expansion Ring (each)', 1.5, 'Each'],
      ['MAT-PTRAP-112', 'P-Trap Kit 1-1/2"', 22, 'Each'],
    ],
    6736: [
      ['MAT-ANGLE-38', 'Quarter-Turn Angle Stop 1/2 x 3/8', 19, 'Each'],
      ['MAT-BALL-34', 'Ball Valve 3/4" Full Port', 36, 'Each'],
      ['MAT-HOSEBIB', 'Frost-Free Hose Bib 8"', 54, 'Each'],
      ['MAT-PRV-34', 'Pressure Reducing Valve 3/4"', 189, 'Each'],
      ['MAT-WAXRING', 'Toilet Wax Ring with Horn', 12, 'Each'],
      ['MAT-FILLVLV', 'Toilet Fill Valve', 24, 'Each'],
      ['MAT-FLAPPER', 'Toilet Flapper 2"', 14, 'Each'],
      ['MAT-SUPPLY-20', 'Faucet Supply Line 20"', 14, 'Each'],
      ['MAT-SUPPLY-TLT', 'Toilet Supply Line 12"', 12, 'Each'],
      ['MAT-DISPOSER-12', 'Garbage Disposer 1/2 HP', 189, 'Each'],
      ['MAT-DISPOSER-34', 'Garbage Disposer 3/4 HP', 289, 'Each'],
      ['MAT-SUMP-13', 'Sump Pump 1/3 HP Submersible', 245, 'Each'],
      ['MAT-EXPTANK-2', 'Thermal Expansion Tank 2 gal', 79, 'Each'],
      ['MAT-GASFLEX-24', 'Gas Flex Connector 1/2 x 24"', 34, 'Each'],
      ['MAT-TP-VALVE', 'T&P Relief Valve 3/4"', 32, 'Each'],
      ['MAT-WH-PAN', 'Water Heater Drain Pan 24"', 38, 'Each'],
      ['MAT-ANODE', 'Magnesium Anode Rod', 59, 'Each'],
      ['MAT-THERMOCOUPLE', 'Thermocouple 24"', 22, 'Each'],
      ['MAT-WH-ELEMENT', 'Water Heater Element 4500W', 39, 'Each'],
      ['MAT-WH-TSTAT', 'Electric Water Heater Thermostat', 42, 'Each'],
      ['MAT-FAUCET-KIT', 'Kitchen Faucet – Builder Grade', 189, 'Each'],
      ['MAT-FAUCET-BATH', 'Bathroom Faucet – Builder Grade', 129, 'Each'],
      ['MAT-CARTRIDGE', 'Shower Valve Cartridge', 69, 'Each'],
      ['MAT-TOILET', 'Toilet – Elongated 1.28 GPF', 329, 'Each'],
      ['MAT-WH-FLEX-18', 'Water Heater Flex Connector 3/4 x 18"', 22, 'Each'],
    ],
    6737: [
      ['MAT-NM-142', 'NM-B Cable 14/2 (per ft)', 1.1, 'Foot'],
      ['MAT-NM-122', 'NM-B Cable 12/2 (per ft)', 1.45, 'Foot'],
      ['MAT-NM-102', 'NM-B Cable 10/2 (per ft)', 2.6, 'Foot'],
      ['MAT-NM-103', 'NM-B Cable 10/3 (per ft)', 3.4, 'Foot'],
      ['MAT-NM-63', 'NM-B Cable 6/3 (per ft)', 7.5, 'Foot'],
      ['MAT-SER-20', 'SER Cable 2/0-2/0-2/0-1 AL (per ft)', 9.5, 'Foot'],
      ['MAT-THHN-12', 'THHN #12 Copper (per ft)', 0.65, 'Foot'],
      ['MAT-EMT-12', 'EMT Conduit 1/2" (per ft)', 2.25, 'Foot'],
      ['MAT-EMT-34', 'EMT Conduit 3/4" (per ft)', 3.1, 'Foot'],
      ['MAT-EMT-CONN', 'EMT Connector/Coupling', 2.5, 'Each'],
      ['MAT-GROUNDROD', 'Ground Rod 5/8 x 8 ft with Clamp', 39, 'Each'],
    ],
    6738: [
      ...breakers,
      ['MAT-REC-15', 'Duplex Receptacle 15A TR', 6, 'Each'],
      ['MAT-REC-20', 'Duplex Receptacle 20A TR', 9, 'Each'],
      ['MAT-GFCI-15', 'GFCI Receptacle 15A', 32, 'Each'],
      ['MAT-GFCI-20', 'GFCI Receptacle 20A', 36, 'Each'],
      ['MAT-SW-SP', 'Single Pole Switch', 6, 'Each'],
      ['MAT-DIMMER', 'LED Dimmer Switch', 38, 'Each'],
      ['MAT-USB-REC', 'USB-C Receptacle', 34, 'Each'],
      ['MAT-SMOKE-CO', 'Hardwired Smoke/CO Combo Detector', 69, 'Each'],
      ['MAT-FANBOX', 'Fan-Rated Brace & Box', 29, 'Each'],
      ['MAT-OWBOX', 'Old-Work Box 1-Gang', 4, 'Each'],
      ['MAT-WPCOVER', 'In-Use Weatherproof Cover', 19, 'Each'],
      ['MAT-WIRENUT', 'Wire Connectors (bag of 25)', 9, 'Each'],
    ],
    6739: [
      ['MAT-FLEX-6', 'Insulated Flex Duct 6" (per ft)', 4.5, 'Foot'],
      ['MAT-FLEX-8', 'Insulated Flex Duct 8" (per ft)', 5.5, 'Foot'],
      ['MAT-MASTIC', 'Duct Mastic (gallon)', 29, 'Each'],
      ['MAT-FOILTAPE', 'UL-181 Foil Tape', 18, 'Each'],
      ['MAT-COLLAR-8', 'Start Collar 8"', 9, 'Each'],
    ],
    6740: [
      ['MAT-SUP-HV', 'Shop Supplies Kit – HVAC', 24.95, 'Each'],
      ['MAT-SUP-PL', 'Shop Supplies Kit – Plumbing', 19.95, 'Each'],
      ['MAT-SUP-EL', 'Shop Supplies Kit – Electrical', 17.95, 'Each'],
      ['MAT-SUP-OLD', 'Misc. Shop Supplies (legacy)', 15, 'Each', { inactive: true }],
    ],
  };
}

export interface EqRow {
  code: string;
  name: string;
  price: number;
  manufacturer: string;
  model: string;
  cat: number;
  inactive?: boolean;
}

export function equipmentRows(): EqRow[] {
  const tons = [1.5, 2, 2.5, 3, 3.5, 4, 5];
  const rows: EqRow[] = [];
  const ton = (t: number) => String(t).replace('.', '');
  for (const [i, t] of tons.entries()) {
    const btu = String(t * 12).padStart(2, '0');
    rows.push({
      code: `EQ-COND-14-${ton(t)}T`,
      name: `${t} Ton 14.3 SEER2 Condenser R-454B`,
      price: 2950 + i * 350,
      manufacturer: 'Goodman',
      model: `GSXH4${btu}1`,
      cat: 6751,
    });
    rows.push({
      code: `EQ-COND-16-${ton(t)}T`,
      name: `${t} Ton 16 SEER2 Two-Stage Condenser R-454B`,
      price: 3950 + i * 425,
      manufacturer: 'Carrier',
      model: `24SCA6${btu}A003`,
      cat: 6751,
    });
    rows.push({
      code: `EQ-HP-15-${ton(t)}T`,
      name: `${t} Ton 15.2 SEER2 Heat Pump R-454B`,
      price: 3650 + i * 400,
      manufacturer: 'Goodman',
      model: `GSZH5${btu}1`,
      cat: 6751,
    });
    rows.push({
      code: `EQ-COIL-${ton(t)}T`,
      name: `${t} Ton Cased Evaporator Coil`,
      price: 1150 + i * 120,
      manufacturer: 'Goodman',
      model: `CAPTA${btu}30C4`,
      cat: 6752,
    });
  }
  for (const [i, t] of [2, 3, 4, 5].entries()) {
    rows.push({
      code: `EQ-AH-${t}T`,
      name: `${t} Ton Multi-Speed Air Handler`,
      price: 1950 + i * 250,
      manufacturer: 'Goodman',
      model: `AMST${t * 12}CU1400`,
      cat: 6752,
    });
  }
  for (const [i, k] of [60, 80, 100, 120].entries()) {
    rows.push({
      code: `EQ-FURN-80-${k}K`,
      name: `${k},000 BTU 80% AFUE Gas Furnace`,
      price: 2350 + i * 225,
      manufacturer: 'Carrier',
      model: `58SB0A${k}E14`,
      cat: 6752,
    });
  }
  for (const [i, k] of [60, 80, 100].entries()) {
    rows.push({
      code: `EQ-FURN-96-${k}K`,
      name: `${k},000 BTU 96% AFUE Two-Stage Gas Furnace`,
      price: 3450 + i * 275,
      manufacturer: 'Carrier',
      model: `59TP6B${k}E17`,
      cat: 6752,
    });
  }
  for (const [i, k] of [9, 12, 18, 24].entries()) {
    rows.push({
      code: `EQ-MS-${k}K`,
      name: `${k},000 BTU Ductless Mini-Split (single zone)`,
      price: 2150 + i * 450,
      manufacturer: 'Mitsubishi',
      model: `MUZ-GS${k}NA`,
      cat: 6753,
    });
  }
  rows.push({
    code: 'EQ-MS-MZ2',
    name: '2-Zone Ductless Outdoor Unit 18,000 BTU',
    price: 3850,
    manufacturer: 'Mitsubishi',
    model: 'MXZ-2C20NA',
    cat: 6753,
  });
  rows.push({
    code: 'EQ-MS-MZ3',
    name: '3-Zone Ductless Outdoor Unit 24,000 BTU',
    price: 4950,
    manufacturer: 'Mitsubishi',
    model: 'MXZ-3C24NA',
    cat: 6753,
  });
  rows.push({
    code: 'EQ-WH-G40',
    name: '40 Gal Atmospheric Gas Water Heater',
    price: 1450,
    manufacturer: 'Bradford White',
    model: 'RG240T6N',
    cat: 6754,
  });
  rows.push({
    code: 'EQ-WH-G50',
    name: '50 Gal Atmospheric Gas Water Heater',
    price: 1595,
    manufacturer: 'Bradford White',
    model: 'RG250T6N',
    cat: 6754,
  });
  rows.push({
    code: 'EQ-WH-E40',
    name: '40 Gal Electric Water Heater',
    price: 1195,
    manufacturer: 'Rheem',
    model: 'PROE40 T2 RH95',
    cat: 6754,
  });
  rows.push({
    code: 'EQ-WH-E50',
    name: '50 Gal Electric Water Heater',
    price: 1295,
    manufacturer: 'Rheem',
    model: 'PROE50 T2 RH95',
    cat: 6754,
  });
  rows.push({
    code: 'EQ-WH-TL199',
    name: 'Tankless Gas Water Heater 199k BTU',
    price: 2795,
    manufacturer: 'Rinnai',
    model: 'RU199iN',
    cat: 6754,
  });
  rows.push({
    code: 'EQ-PNL-200',
    name: '200A Main Breaker Load Center 40-Space',
    price: 1195,
    manufacturer: 'Square D',
    model: 'HOM4080M200PC',
    cat: 6755,
  });
  rows.push({
    code: 'EQ-PNL-SUB100',
    name: '100A Sub-Panel 24-Space',
    price: 495,
    manufacturer: 'Square D',
    model: 'HOM2448L125PGC',
    cat: 6755,
  });
  rows.push({
    code: 'EQ-METER-200',
    name: '200A Meter Base',
    price: 395,
    manufacturer: 'Milbank',
    model: 'U5168-XL-200',
    cat: 6755,
  });
  rows.push({
    code: 'EQ-EVSE-48',
    name: 'Level 2 EV Charger 48A Hardwired',
    price: 795,
    manufacturer: 'ChargePoint',
    model: 'CPH50-NEMA6-50-L23',
    cat: 6755,
  });
  rows.push({
    code: 'EQ-SPD-WH',
    name: 'Whole-Home Surge Protective Device Type 2',
    price: 349,
    manufacturer: 'Square D',
    model: 'HEPD80',
    cat: 6755,
  });
  rows.push({
    code: 'EQ-COND-13-3T-OLD',
    name: '3 Ton 13 SEER Condenser R-410A (discontinued)',
    price: 2650,
    manufacturer: 'Goodman',
    model: 'GSX130361',
    cat: 6751,
    inactive: true,
  });
  rows.push({
    code: 'EQ-COND-13-4T-OLD',
    name: '4 Ton 13 SEER Condenser R-410A (discontinued)',
    price: 2990,
    manufacturer: 'Goodman',
    model: 'GSX130481',
    cat: 6751,
    inactive: true,
  });
  return rows;
}

export interface ModifierRow {
  code: string;
  name: string;
  kind: 'Fee' | 'Discount';
  amountType: 'Percentage' | 'Fixed';
  amount: number;
  limit?: number;
  taxable?: boolean;
  inactive?: boolean;
  description: string;
}

export const MODIFIERS: readonly ModifierRow[] = [
  {
    code: 'FEE-TRIP',
    name: 'Trip Charge',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 69,
    description: 'Service call / trip charge. Waived for active club members.',
  },
  {
    code: 'FEE-DISPATCH-COM',
    name: 'Commercial Dispatch Fee',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 95,
    description: 'Commercial dispatch and mobilization.',
  },
  {
    code: 'FEE-AH-EVE',
    name: 'After-Hours Premium (Evening)',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 125,
    description: 'Service started before 7 AM or after 5 PM on a weekday.',
  },
  {
    code: 'FEE-AH-WKND',
    name: 'Weekend / Holiday Premium',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 175,
    description: 'Service on a Saturday, Sunday or shop holiday.',
  },
  {
    code: 'FEE-DISP-EQ',
    name: 'Equipment Disposal & Haul-Away (per unit)',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 95,
    taxable: true,
    description: 'Removal, refrigerant recovery and recycling of old HVAC equipment, per unit.',
  },
  {
    code: 'FEE-DISP-WH',
    name: 'Water Heater Haul-Away',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 65,
    taxable: true,
    description: 'Removal and recycling of the old water heater.',
  },
  {
    code: 'FEE-PERMIT-MECH',
    name: 'Mechanical Permit & Inspection',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 185,
    description: 'Municipal mechanical permit, filing and inspection coordination.',
  },
  {
    code: 'FEE-PERMIT-PLB',
    name: 'Plumbing Permit & Inspection',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 150,
    description: 'Municipal plumbing permit, filing and inspection coordination.',
  },
  {
    code: 'FEE-PERMIT-ELEC',
    name: 'Electrical Permit & Inspection',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 165,
    description: 'Municipal electrical permit, filing and inspection coordination.',
  },
  {
    code: 'FEE-FUEL',
    name: 'Fuel Surcharge',
    kind: 'Fee',
    amountType: 'Fixed',
    amount: 9.95,
    inactive: true,
    description: 'Temporary fuel surcharge (discontinued).',
  },
  {
    code: 'FEE-CC-3',
    name: 'Card Processing Fee 3%',
    kind: 'Fee',
    amountType: 'Percentage',
    amount: 0.03,
    inactive: true,
    description: 'Card surcharge (discontinued).',
  },
  {
    code: 'DISC-MBR-15',
    name: 'Club Member Discount 15%',
    kind: 'Discount',
    amountType: 'Percentage',
    amount: 0.15,
    limit: 500,
    description: '15% off repair services and materials for active club members (max $500 per invoice).',
  },
  {
    code: 'DISC-SENIOR-10',
    name: 'Senior / Military Discount 10%',
    kind: 'Discount',
    amountType: 'Percentage',
    amount: 0.1,
    limit: 250,
    description: 'Thank you for your service.',
  },
  {
    code: 'DISC-PROMO-50',
    name: '$50 Off Coupon',
    kind: 'Discount',
    amountType: 'Fixed',
    amount: 50,
    description: 'Mailer coupon; one per household.',
  },
  {
    code: 'DISC-CUST-5',
    name: 'Customer Discount 5% Off',
    kind: 'Discount',
    amountType: 'Percentage',
    amount: 0.05,
    limit: 0,
    description: 'We appreciate your business.',
  },
  {
    code: 'DISC-NEWCUST-25',
    name: 'New Customer $25 Off',
    kind: 'Discount',
    amountType: 'Fixed',
    amount: 25,
    inactive: true,
    description: 'Expired promotion.',
  },
];
