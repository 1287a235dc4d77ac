// Technician vocabulary: many ways to name the same part, action, failure, quantity and unit.
// Notes are assembled from these by the grammar in notes.ts, so no two technicians (and few
// notes) phrase the same work the same way.

/** A thing technicians talk about: long (sentence) and short (shorthand) names. */
export interface Noun {
  long: readonly string[];
  short: readonly string[];
}

export const NOUNS: Record<string, Noun> = {
  // HVAC parts and tasks
  capacitor: {
    long: ['dual run capacitor', 'run capacitor', 'capacitor', 'dual capacitor'],
    short: ['cap', 'dual cap', 'run cap', 'capacitor', 'dr cap'],
  },
  single_cap: {
    long: ['run capacitor', 'fan capacitor', 'single run capacitor'],
    short: ['fan cap', 'cap', 'sr cap'],
  },
  contactor: { long: ['contactor', 'condenser contactor'], short: ['contactor', 'cont', 'contacter'] },
  cond_fan_motor: {
    long: ['condenser fan motor', 'outdoor fan motor', 'fan motor on the condenser', 'OD fan motor'],
    short: ['cond fan mtr', 'OD fan mtr', 'cond fan motor', 'ODFM', 'fan mtr'],
  },
  blower_motor: {
    long: ['blower motor', 'indoor blower motor', 'furnace blower motor'],
    short: ['blower mtr', 'blwr motor', 'IDBM', 'blower'],
  },
  ecm_motor: {
    long: ['ECM blower motor', 'variable speed blower motor', 'X13 motor'],
    short: ['ecm', 'x13 mtr', 'ecm mtr', 'vs blower'],
  },
  txv: { long: ['TXV', 'expansion valve', 'thermal expansion valve'], short: ['txv', 'TXV', 'exp valve'] },
  filter_drier: { long: ['filter drier', 'liquid line drier'], short: ['drier', 'LL drier', 'filter drier'] },
  leak: { long: ['leak', 'refrigerant leak'], short: ['leak', 'lk'] },
  compressor: { long: ['compressor'], short: ['comp', 'compressor', 'compr'] },
  evap_coil: {
    long: ['evaporator coil', 'indoor coil', 'A-coil'],
    short: ['evap coil', 'coil', 'a coil', 'evap'],
  },
  ignitor: { long: ['hot surface ignitor', 'ignitor', 'igniter'], short: ['ignitor', 'HSI', 'igniter'] },
  flame_sensor: {
    long: ['flame sensor', 'flame rod'],
    short: ['flame sensor', 'FS', 'flame sens', 'flame rod'],
  },
  inducer: { long: ['inducer motor', 'draft inducer'], short: ['inducer', 'inducer mtr', 'draft mtr'] },
  pressure_switch: { long: ['pressure switch'], short: ['press sw', 'pressure sw', 'press switch'] },
  control_board: {
    long: ['control board', 'furnace control board', 'IFC board'],
    short: ['board', 'ctrl board', 'IFC', 'bd'],
  },
  gas_valve: { long: ['gas valve'], short: ['gas valve', 'gv'] },
  limit_switch: { long: ['high limit switch', 'limit switch'], short: ['limit', 'hi limit', 'limit sw'] },
  transformer: { long: ['transformer', '40VA transformer'], short: ['xformer', 'transformer', '40va xfmr'] },
  drain_line: {
    long: ['condensate drain line', 'drain line', 'primary drain'],
    short: ['drain', 'cond drain', 'drain line', 'pri drain'],
  },
  float_switch: { long: ['float switch', 'safety float switch'], short: ['float sw', 'float switch', 'SS1'] },
  condensate_pump: { long: ['condensate pump'], short: ['cond pump', 'condensate pump', 'c-pump'] },
  reversing_valve: { long: ['reversing valve'], short: ['rev valve', 'RV'] },
  defrost_board: { long: ['defrost board', 'defrost control'], short: ['defrost bd', 'dfrst board'] },
  disconnect: { long: ['disconnect', 'outdoor disconnect'], short: ['disco', 'disconnect', 'disc'] },
  whip: { long: ['electrical whip', 'whip'], short: ['whip'] },
  hard_start: { long: ['hard start kit'], short: ['hard start', 'HSK', 'kickstart'] },
  thermostat: { long: ['thermostat', 'programmable thermostat'], short: ['tstat', 't-stat', 'stat'] },
  smart_thermostat: {
    long: ['smart thermostat', 'Wi-Fi thermostat'],
    short: ['smart tstat', 'wifi stat', 'ecobee', 'wifi tstat'],
  },
  uv_light: { long: ['UV light', 'UV germicidal light'], short: ['uv light', 'UV', 'uv lamp'] },
  hvac_surge: {
    long: ['surge protector for the condenser', 'AC surge protector'],
    short: ['hvac surge', 'surge prot', 'spd on cond'],
  },
  media_filter: {
    long: ['4 inch media filter cabinet', 'media filter'],
    short: ['media filter', '4" filter rack'],
  },
  duct: { long: ['duct connection', 'disconnected duct run'], short: ['duct', 'duct run', 'flex'] },
  blower_wheel: { long: ['blower wheel'], short: ['blower wheel', 'squirrel cage'] },
  cond_coil: { long: ['condenser coil'], short: ['cond coil', 'OD coil'] },
  evap_clean: {
    long: ['evaporator coil cleaning', 'indoor coil cleaning'],
    short: ['evap coil cleaning', 'coil clean', 'evap clean'],
  },
  cond_coil_clean: {
    long: ['condenser coil cleaning', 'chemical coil cleaning'],
    short: ['cond coil clean', 'coil cleaning', 'chem clean'],
  },
  leak_repair: {
    long: ['leak repair', 'braze repair of the leak'],
    short: ['leak repair', 'braze repair', 'lk repair'],
  },
  evac_recharge: {
    long: ['evacuation and recharge', 'recovery, evacuation and recharge'],
    short: ['evac & recharge', 'recover/evac/charge'],
  },
  tuneup_ac: {
    long: ['AC tune-up', 'precision tune-up', 'cooling maintenance'],
    short: ['ac tune up', 'pm', 'maint', 'tune up'],
  },
  tuneup_furnace: {
    long: ['furnace tune-up', 'heating maintenance', 'furnace safety inspection'],
    short: ['furnace tune up', 'furn pm', 'heat maint', 'tune up'],
  },
  tuneup_hp: {
    long: ['heat pump tune-up', 'heat pump maintenance'],
    short: ['hp tune up', 'HP pm', 'hp maint'],
  },
  tuneup_extra: {
    long: ['tune-up on the second system', 'second system tune-up'],
    short: ['2nd sys tune up', 'upstairs sys pm', '2nd unit pm'],
  },
  ductless_clean: {
    long: ['ductless head cleaning', 'mini-split head cleaning'],
    short: ['head cleaning', 'mini split clean', 'ductless clean'],
  },
  system: { long: ['AC and furnace system', 'split system'], short: ['system', 'sys', 'split sys'] },
  hp_system: { long: ['heat pump system', 'heat pump split system'], short: ['hp system', 'HP sys'] },
  furnace: { long: ['furnace', 'gas furnace'], short: ['furnace', 'furn'] },
  condenser: {
    long: ['condenser', 'outdoor unit', 'AC condenser'],
    short: ['cond', 'condenser', 'OD unit', 'condensor'],
  },
  heat_pump: { long: ['heat pump'], short: ['HP', 'heat pump'] },
  air_handler: { long: ['air handler'], short: ['AH', 'air handler', 'ahu'] },
  coil_eq: { long: ['evaporator coil', 'cased coil'], short: ['coil', 'cased coil', 'evap'] },
  mini_split: {
    long: ['ductless mini-split', 'mini-split system'],
    short: ['mini split', 'ductless', 'minisplit'],
  },
  extra_head: { long: ['additional indoor head', 'second head'], short: ['2nd head', 'add head'] },
  line_set: { long: ['line set'], short: ['lineset', 'line set', 'LS'] },
  startup: {
    long: ['startup and commissioning', 'system startup'],
    short: ['startup', 'start up/commission'],
  },
  return_air: { long: ['return air modification', 'return air'], short: ['return mod', 'RA mod'] },
  duct_cleaning: {
    long: ['duct cleaning', 'whole-home duct cleaning'],
    short: ['duct cleaning', 'ducts cleaned'],
  },
  new_system: {
    long: ['new system', 'full system replacement', 'new AC and furnace'],
    short: ['new sys', 'sys replacement', 'changeout'],
  },
  membership: {
    long: ['Comfort Club membership', 'maintenance agreement'],
    short: ['club membership', 'maint agreement', 'membership'],
  },
  // plumbing
  main_line: {
    long: ['main line', 'main sewer line', 'main drain'],
    short: ['main', 'main line', 'ML', 'sewer main'],
  },
  kitchen_drain: {
    long: ['kitchen sink drain', 'kitchen drain'],
    short: ['kit sink', 'kitchen drain', 'ks drain'],
  },
  bath_drain: {
    long: ['bathroom sink drain', 'tub drain', 'lav drain'],
    short: ['lav', 'tub drain', 'bath drain'],
  },
  toilet_clog: { long: ['toilet stoppage', 'clogged toilet'], short: ['toilet', 'wc', 'tlt clog'] },
  floor_drain: { long: ['laundry drain', 'floor drain'], short: ['laundry drain', 'FD', 'floor drain'] },
  camera: {
    long: ['camera inspection', 'sewer camera inspection'],
    short: ['camera', 'cam insp', 'scoped line'],
  },
  hydro_jet: { long: ['hydro-jetting', 'hydro jet of the main'], short: ['jetting', 'hydro jet', 'jet'] },
  cleanout: { long: ['exterior cleanout', 'two-way cleanout'], short: ['cleanout', 'c/o', 'CO'] },
  locate: { long: ['line locate'], short: ['locate', 'sonde locate'] },
  water_heater: { long: ['water heater', 'tank water heater'], short: ['WH', 'w/h', 'water heater', 'hwt'] },
  tankless: { long: ['tankless water heater', 'tankless unit'], short: ['tankless', 'TWH', 'rinnai'] },
  wh_flush: { long: ['water heater flush', 'tank flush'], short: ['flush', 'wh flush'] },
  anode: { long: ['anode rod'], short: ['anode', 'anode rod'] },
  tp_valve: {
    long: ['T&P valve', 'temperature and pressure relief valve'],
    short: ['T&P', 't/p valve', 'TPR'],
  },
  thermocouple: { long: ['thermocouple'], short: ['thermocouple', 'TC', 't-couple'] },
  gas_control_valve: {
    long: ['gas control valve', 'WH gas valve'],
    short: ['gas control', 'wh gas valve', 'gcv'],
  },
  element: {
    long: ['heating element', 'lower element', 'upper element'],
    short: ['element', 'lower elem', 'upper elem'],
  },
  wh_thermostat: { long: ['water heater thermostat'], short: ['wh tstat', 'WH thermostat'] },
  descale: { long: ['tankless descale', 'descaling'], short: ['descale', 'vinegar flush'] },
  kitchen_faucet: { long: ['kitchen faucet'], short: ['kit faucet', 'kitchen faucet', 'KF'] },
  bath_faucet: { long: ['bathroom faucet', 'lav faucet'], short: ['lav faucet', 'bath faucet'] },
  toilet_tank: {
    long: ['fill valve and flapper', 'toilet tank parts'],
    short: ['fill valve/flapper', 'tank rebuild', 'guts'],
  },
  wax_ring: { long: ['wax ring', 'toilet seal'], short: ['wax ring', 'wax'] },
  toilet: { long: ['toilet'], short: ['toilet', 'wc', 'commode'] },
  garbage_disposal: {
    long: ['garbage disposal', 'disposer'],
    short: ['disposal', 'GD', 'disposer', 'insinkerator'],
  },
  cartridge: { long: ['shower valve cartridge', 'shower cartridge'], short: ['cartridge', 'shower cart'] },
  sump_pump: { long: ['sump pump'], short: ['sump', 'sump pump'] },
  copper_leak: {
    long: ['leak on the copper line', 'pinhole leak in copper'],
    short: ['cu leak', 'copper leak', 'pinhole'],
  },
  pex_leak: { long: ['leak at PEX fitting', 'PEX leak'], short: ['pex leak', 'leak @ pex'] },
  angle_stop: {
    long: ['angle stop', 'shut-off valve', 'supply stop'],
    short: ['angle stop', 'stop', 'shutoff'],
  },
  main_shutoff: {
    long: ['main shut-off valve', 'main water valve'],
    short: ['main shutoff', 'main valve', 'MSO'],
  },
  prv: { long: ['pressure reducing valve', 'PRV'], short: ['PRV', 'prv'] },
  hose_bib: { long: ['hose bib', 'outdoor spigot'], short: ['hose bib', 'hb', 'spigot'] },
  gas_leak: { long: ['gas leak', 'leak on the gas line'], short: ['gas leak', 'gas lk'] },
  gas_line: { long: ['gas line', 'new gas line'], short: ['gas line', 'gas run'] },
  slab_leak: { long: ['slab leak detection'], short: ['slab leak', 'leak detect'] },
  backflow: { long: ['backflow test'], short: ['backflow', 'bf test', 'RPZ test'] },
  expansion_tank: {
    long: ['expansion tank', 'thermal expansion tank'],
    short: ['exp tank', 'expansion tank', 'ET'],
  },
  repipe: { long: ['whole-home repipe', 'repipe'], short: ['repipe', 're-pipe'] },
  water_softener: { long: ['water softener'], short: ['softener'] },
  sewer_repair: {
    long: ['sewer line repair', 'spot repair on the main'],
    short: ['sewer repair', 'spot repair'],
  },
  // electrical
  troubleshoot: {
    long: ['troubleshooting', 'electrical diagnosis'],
    short: ['troubleshoot', 'tshoot', 'diag'],
  },
  outlet: { long: ['outlet', 'receptacle', 'duplex receptacle'], short: ['outlet', 'recep', 'rcpt', 'plug'] },
  gfci: { long: ['GFCI outlet', 'GFCI receptacle'], short: ['gfci', 'GFI', 'gfci recep'] },
  switch: { long: ['light switch', 'switch'], short: ['switch', 'sw'] },
  dimmer: { long: ['dimmer switch', 'dimmer'], short: ['dimmer', 'dim sw'] },
  usb_outlet: { long: ['USB outlet', 'USB receptacle'], short: ['usb outlet', 'usb recep'] },
  light_fixture: { long: ['light fixture', 'fixture'], short: ['fixture', 'light', 'fixt'] },
  ceiling_fan: { long: ['ceiling fan'], short: ['fan', 'clg fan', 'ceiling fan'] },
  fan_box: { long: ['fan-rated box and ceiling fan'], short: ['fan box + fan', 'fan brace & fan'] },
  smoke_detector: {
    long: ['smoke/CO detector', 'smoke detector'],
    short: ['smoke det', 'smoke/co', 'detector'],
  },
  flood_light: { long: ['flood light', 'exterior flood light'], short: ['flood', 'flood light'] },
  breaker: { long: ['breaker', 'circuit breaker'], short: ['breaker', 'bkr', 'brkr'] },
  afci: { long: ['AFCI breaker', 'combination AFCI breaker'], short: ['afci', 'AFCI bkr', 'arc fault'] },
  dedicated_circuit: {
    long: ['dedicated 20 amp circuit', 'new 20A circuit'],
    short: ['20a circuit', 'ded circuit', 'new ckt'],
  },
  circuit_240: { long: ['240V circuit', 'new 240 volt circuit'], short: ['240 ckt', '240v circuit'] },
  loose_connection: {
    long: ['loose neutral', 'loose connection'],
    short: ['loose neutral', 'loose conn', 'open neutral'],
  },
  junction_box: { long: ['junction box'], short: ['j-box', 'jbox', 'junction box'] },
  panel: {
    long: ['main panel', 'electrical panel', 'load center'],
    short: ['panel', 'pnl', 'main panel', 'load center'],
  },
  sub_panel: { long: ['sub-panel', 'subpanel'], short: ['sub panel', 'sub'] },
  meter_base: { long: ['meter base', 'meter can'], short: ['meter base', 'meter can', 'MB'] },
  grounding: {
    long: ['grounding and bonding', 'ground rods and bonding'],
    short: ['grounding', 'ground/bond', 'gnd rods'],
  },
  interlock: { long: ['generator interlock kit', 'interlock'], short: ['interlock', 'gen interlock'] },
  ev_charger: {
    long: ['EV charger', 'Level 2 charger'],
    short: ['EV charger', 'L2 charger', 'evse', 'charger'],
  },
  nema_1450: {
    long: ['NEMA 14-50 outlet', '14-50 receptacle'],
    short: ['14-50', '14-50 recep', 'nema 14-50'],
  },
  whole_home_surge: {
    long: ['whole-home surge protector', 'whole house surge protection'],
    short: ['whole home surge', 'WH surge', 'surge prot', 'SPD'],
  },
  panel_upgrade: {
    long: ['panel upgrade', '200 amp service upgrade'],
    short: ['panel upgrade', '200a upgrade', 'service upgrade'],
  },
  // commercial
  rtu_pm: { long: ['rooftop unit PM', 'RTU maintenance'], short: ['RTU PM', 'rtu pm', 'pm'] },
  split_pm: { long: ['split system PM'], short: ['split pm', 'pm'] },
  ice_machine: { long: ['ice machine cleaning'], short: ['ice machine', 'ice mach clean'] },
  walk_in: { long: ['walk-in cooler PM'], short: ['walk-in pm', 'walkin'] },
  new_rtu: { long: ['new rooftop unit', 'RTU replacement'], short: ['new RTU', 'rtu replacement'] },
  economizer: { long: ['economizer repair'], short: ['economizer', 'econ'] },
  // materials
  copper_pipe: { long: ['copper pipe', 'type L copper', 'copper'], short: ['cu', 'copper', 'type L'] },
  copper_elbow: { long: ['copper elbows', 'copper 90s'], short: ['90s', 'ells', 'elbows', '90'] },
  copper_coupling: { long: ['copper couplings', 'couplings'], short: ['couplings', 'cplg', 'couplers'] },
  copper_tee: { long: ['copper tees', 'tees'], short: ['tees', 'tee'] },
  pushfit: {
    long: ['SharkBite couplings', 'push-fit couplings'],
    short: ['sharkbites', 'sb couplings', 'push fit'],
  },
  dielectric: { long: ['dielectric unions'], short: ['dielectrics', 'dielectric unions'] },
  pvc: { long: ['PVC', 'PVC pipe'], short: ['pvc', 'PVC'] },
  pvc_elbow: { long: ['PVC elbows', 'PVC 90s'], short: ['pvc 90s', 'pvc ells'] },
  pvc_tee: { long: ['PVC tees'], short: ['pvc tee', 'tees'] },
  dwv_pipe: { long: ['DWV pipe', 'PVC drain pipe'], short: ['dwv', 'pvc'] },
  dwv_bend: { long: ['quarter bends', '1/4 bends'], short: ['1/4 bends', 'qtr bends'] },
  cleanout_plug: { long: ['cleanout adapter and plug'], short: ['c/o plug', 'cleanout plug'] },
  pvc_glue: { long: ['primer and glue'], short: ['glue/primer', 'purple & glue'] },
  pex: { long: ['PEX', 'PEX tubing'], short: ['pex', 'PEX'] },
  pex_ring: { long: ['PEX rings', 'expansion rings'], short: ['rings', 'pex rings'] },
  ptrap: { long: ['P-trap kit', 'new P-trap'], short: ['p-trap', 'trap kit', 'ptrap'] },
  supply_line: {
    long: ['faucet supply lines', 'supply lines'],
    short: ['supplies', 'supply lines', 'braided supplies'],
  },
  toilet_supply: { long: ['toilet supply line'], short: ['tlt supply', 'toilet supply'] },
  gas_flex: { long: ['gas flex connector', 'new gas flex'], short: ['gas flex', 'flex conn'] },
  wh_flex: { long: ['water heater connectors', 'water flex connectors'], short: ['wh flex', 'flex lines'] },
  drain_pan: { long: ['drain pan', 'water heater pan'], short: ['pan', 'wh pan', 'drain pan'] },
  nm_wire: { long: ['Romex', 'NM cable', 'wire'], short: ['romex', 'wire', 'nm'] },
  ser_cable: { long: ['SER cable', 'service entrance cable'], short: ['SER', 'se cable'] },
  thhn: { long: ['THHN wire'], short: ['thhn', '#12 thhn'] },
  emt: { long: ['EMT conduit', 'conduit'], short: ['emt', 'conduit', 'pipe'] },
  emt_conn: { long: ['EMT connectors'], short: ['emt conn', 'connectors'] },
  ground_rod: { long: ['ground rods'], short: ['ground rods', 'gnd rods'] },
  breaker_mat: { long: ['breakers'], short: ['bkrs', 'breakers'] },
  receptacle: { long: ['receptacles'], short: ['receps', 'outlets'] },
  oldwork_box: { long: ['old work boxes'], short: ['old work boxes', 'ow boxes', 'boxes'] },
  wire_nuts: { long: ['wire nuts'], short: ['wire nuts', 'wirenuts'] },
  wp_cover: { long: ['weatherproof cover', 'in-use cover'], short: ['wp cover', 'bubble cover'] },
  filter: { long: ['filters', 'air filters'], short: ['filters', 'fltrs', 'filter'] },
  belt: { long: ['belt', 'fan belt', 'V-belt'], short: ['belt', 'blt'] },
  line_set_mat: { long: ['line set', 'new line set'], short: ['lineset', 'line set', 'LS'] },
  line_hide: { long: ['line hide', 'line cover'], short: ['line hide', 'linehide'] },
  tstat_wire: {
    long: ['thermostat wire', 'new thermostat wire'],
    short: ['tstat wire', '18/5', 'stat wire'],
  },
  brazing_rod: { long: ['brazing rods', 'sticks of 15% rod'], short: ['rods', 'braze rod', 'sticks'] },
  nitrogen: { long: ['nitrogen purge'], short: ['nitro', 'N2 purge'] },
  pad: { long: ['equipment pad', 'new condenser pad'], short: ['pad', 'new pad'] },
  flex_duct: { long: ['flex duct'], short: ['flex', 'flex duct'] },
  mastic: { long: ['bucket of mastic', 'gallon of mastic'], short: ['mastic', 'bucket mastic'] },
  foil_tape: { long: ['foil tape'], short: ['foil tape', 'tape'] },
  collar: { long: ['start collars'], short: ['collars', 'start collar'] },
  tablets: { long: ['pan tablets', 'condensate tablets'], short: ['tabs', 'pan tabs'] },
};

export function plural(word: string): string {
  if (/(x|ch|sh)$/.test(word)) return `${word}es`;
  if (/s$/.test(word)) return word;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** Actions: long past tense forms and shorthand. */
export const VERBS: Record<string, Noun> = {
  replace: {
    long: ['replaced', 'changed out', 'swapped out', 'installed a new', 'put in a new'],
    short: ['repl', 'replaced', 'rplcd', 'swapped', 'chg out', 'r&r', 'new'],
  },
  install: {
    long: ['installed', 'mounted and wired', 'put in'],
    short: ['installed', 'inst', 'put in', 'new'],
  },
  clean: { long: ['cleaned', 'cleaned and tested'], short: ['cleaned', 'clnd', 'clean'] },
  clear: { long: ['cleared', 'snaked', 'cabled', 'blew out'], short: ['cleared', 'snaked', 'cabled', 'clr'] },
  repair: { long: ['repaired', 'fixed', 'cut out and repaired'], short: ['repaired', 'fixed', 'rep'] },
  flush: { long: ['flushed', 'drained and flushed'], short: ['flushed', 'flush'] },
  rebuild: { long: ['rebuilt', 'replaced the guts of'], short: ['rebuilt', 'rebuild'] },
  reset: { long: ['reset', 'pulled and reset'], short: ['reset', 'pulled/reset'] },
  perform: { long: ['performed', 'completed', 'did'], short: ['did', 'done', 'completed', 'perf'] },
  locate: { long: ['located', 'found and marked'], short: ['located', 'found'] },
  test: { long: ['tested', 'performed'], short: ['tested', 'test'] },
  jet: { long: ['jetted', 'hydro-jetted'], short: ['jetted', 'jet'] },
  braze: { long: ['brazed', 'repaired and brazed'], short: ['brazed', 'braze'] },
  run: { long: ['ran', 'ran new', 'pulled'], short: ['ran', 'run', 'pulled'] },
};

/** How a part failed. */
export const FAILURES: Record<string, Noun> = {
  weak: {
    long: ['weak', 'out of spec', 'reading low', 'failing'],
    short: ['weak', 'low', 'bad', 'out of spec'],
  },
  bulged: { long: ['bulged', 'swollen', 'leaking oil'], short: ['bulged', 'swollen', 'puffed'] },
  seized: { long: ['seized', 'locked up', 'not spinning'], short: ['seized', 'locked', 'dead', 'no spin'] },
  bearings: {
    long: ['making bearing noise', 'noisy with bad bearings'],
    short: ['bad brgs', 'noisy', 'brgs shot'],
  },
  burnt: { long: ['burnt', 'burned up', 'shorted'], short: ['burnt', 'fried', 'shorted'] },
  pitted: { long: ['pitted', 'burnt and pitted', 'chattering'], short: ['pitted', 'burnt', 'chattering'] },
  stuck: { long: ['stuck closed', 'welded shut'], short: ['stuck', 'welded'] },
  cracked: { long: ['cracked', 'open'], short: ['cracked', 'open', 'bad'] },
  dirty: { long: ['dirty', 'carboned up', 'coated'], short: ['dirty', 'dirty/carboned', 'coated'] },
  clogged: {
    long: ['clogged', 'backed up', 'full of algae', 'plugged'],
    short: ['clogged', 'plugged', 'backed up', 'full of slime'],
  },
  leaking: { long: ['leaking', 'dripping', 'weeping'], short: ['leaking', 'leak', 'dripping'] },
  failed: { long: ['failed', 'not working', 'dead'], short: ['bad', 'dead', 'failed', 'no good'] },
  stripped: { long: ['stripped', 'corroded'], short: ['corroded', 'stripped', 'rusted'] },
  tripping: { long: ['tripping', 'not holding', 'hot to the touch'], short: ['tripping', 'trips', 'hot'] },
  loose: { long: ['loose', 'burnt at the terminal'], short: ['loose', 'burnt term'] },
  worn: { long: ['worn', 'cracked and glazed'], short: ['worn', 'glazed', 'cracked'] },
};

export const GAS_NAMES: Record<string, readonly string[]> = {
  '410A': ['R-410A', '410A', '410a', 'R410A', 'puron', 'R410', '410'],
  '22': ['R-22', 'R22', '22', 'freon'],
  '454B': ['R-454B', '454B', '454b', 'R454B', '454'],
  '32': ['R-32', 'R32', '32'],
};

export const UNIT_WORDS = {
  lb: { long: [' lbs', ' pounds', ' lb', ' lbs.'], short: ['#', ' lbs', 'lb', ' lb', 'lbs'] },
  ft: { long: [' feet', ' ft', "'", ' linear feet'], short: ["'", 'ft', ' ft', "'"] },
} as const;

export const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
export const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Frequent real-world misspellings; others get random keyboard slips. */
export const MISSPELLINGS: Record<string, readonly string[]> = {
  refrigerant: ['refrigerent', 'refridgerant', 'refrigerat'],
  compressor: ['compresser', 'comressor'],
  thermostat: ['thermastat', 'thermostate', 'thermosat'],
  capacitor: ['capaciter', 'capacitator', 'capasitor'],
  replaced: ['replced', 'repalced', 'replace'],
  customer: ['custmer', 'cusotmer', 'costumer'],
  condenser: ['condensor', 'condencer'],
  disconnect: ['disconect', 'disconnet'],
  breaker: ['braker', 'breker'],
  recommended: ['reccomended', 'recomended', 'recommeded'],
  installed: ['instaled', 'intalled'],
  cleaned: ['clened', 'claened'],
  pressure: ['presure', 'pressue'],
  declined: ['delcined', 'declinded'],
  system: ['sytem', 'systme'],
  receptacle: ['receptical', 'recepticle'],
  garbage: ['garbge'],
  leaking: ['leeking', 'leakin'],
  approximately: ['aproximately', 'approx'],
  evaporator: ['evaperator', 'evaporater'],
  water: ['watter'],
  heater: ['heator'],
};

/** Ways to say the customer turned down (or put off) recommended work. */
export const DECLINE = {
  declined: {
    long: [
      'Quoted {thing}, customer declined.',
      'Recommended {thing}; customer declined at this time.',
      'Offered {thing} ({price}) – customer said no.',
      'Gave the customer a price on {thing}. Declined.',
      'Customer declined {thing}.',
      'Advised {thing}, customer not interested.',
    ],
    short: [
      'quoted {thing}, cust declined',
      'rec {thing} - declined',
      '{thing} quoted {price}, not approved',
      'offered {thing}. cx said no',
      'cust declined {thing}',
      'quoted {thing} - no',
      '{thing} declined',
    ],
  },
  deferred: {
    long: [
      'Recommended {thing} – customer will think about it.',
      'Discussed {thing} with the homeowner; they want to wait.',
      'Quoted {thing} at {price}. Customer is getting other bids.',
      'Advised {thing} soon. Customer will call back.',
      'Estimate sent for {thing}.',
      'Customer wants to hold off on {thing} until next season.',
    ],
    short: [
      'recommended {thing}, will think about it',
      'rec {thing} - cust wants to wait',
      'gave option for {thing}, cx getting bids',
      'quoted {thing} {price}, will call back',
      'est sent for {thing}',
      '{thing} - cust to decide later',
      'rec {thing} next visit',
    ],
  },
} as const;

export const CHATTER = {
  long: [
    'Customer was not home; tenant let us in.',
    'Dog in the backyard, customer put it away.',
    'Spoke with the homeowner before leaving.',
    'Customer very happy with the service.',
    'Left paperwork on the kitchen counter.',
    'Parked in the alley per customer.',
    'Attic access is in the garage.',
    'Wore shoe covers inside.',
    'Walked the customer through the thermostat settings.',
    'Property manager approved the work by phone.',
  ],
  short: [
    'cust not home, tenant let me in',
    'dog in yard',
    'gate code {n}',
    'spoke w/ HO',
    'cx happy',
    'left invoice on counter',
    'parked in alley',
    'attic access in garage',
    'booties on',
    'PM approved by phone',
    'tight attic',
    'cx asked about financing',
  ],
} as const;
