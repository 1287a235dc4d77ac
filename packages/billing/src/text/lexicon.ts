// General trade vocabulary for HVAC, plumbing and electrical notes: abbreviations and
// synonyms any shop's technicians use. It is a starting point only: per-tenant vocabulary is
// learned from the tenant's own price book and invoice history (see vocabulary.ts), so notes
// written in other styles still map onto that tenant's SKUs.

/** Abbreviation or variant → canonical word(s). */
export const ABBREVIATIONS: Record<string, string> = {
  repl: 'replace',
  rpl: 'replace',
  rplc: 'replace',
  rplcd: 'replace',
  replcd: 'replace',
  repld: 'replace',
  replaced: 'replace',
  swapped: 'replace',
  swap: 'replace',
  inst: 'install',
  instl: 'install',
  instld: 'install',
  installed: 'install',
  cap: 'capacitor',
  caps: 'capacitor',
  capac: 'capacitor',
  mfd: 'mfd',
  uf: 'mfd',
  cond: 'condenser',
  condensor: 'condenser',
  comp: 'compressor',
  compr: 'compressor',
  cmpr: 'compressor',
  evap: 'evaporator',
  mtr: 'motor',
  motr: 'motor',
  blwr: 'blower',
  tstat: 'thermostat',
  't-stat': 'thermostat',
  stat: 'thermostat',
  txv: 'expansion valve',
  'w/h': 'water heater',
  wh: 'water heater',
  whtr: 'water heater',
  wtr: 'water',
  htr: 'heater',
  'a/c': 'air conditioner',
  ac: 'air conditioner',
  hp: 'heat pump',
  furn: 'furnace',
  ign: 'igniter',
  ignitor: 'igniter',
  brkr: 'breaker',
  bkr: 'breaker',
  ckt: 'circuit',
  rcpt: 'receptacle',
  recept: 'receptacle',
  outlet: 'receptacle',
  gfi: 'gfci',
  refrig: 'refrigerant',
  freon: 'refrigerant',
  '410a': 'r410a',
  '410': 'r410a',
  r410: 'r410a',
  '454': 'r454b',
  'r-410a': 'r410a',
  'r410-a': 'r410a',
  puron: 'r410a',
  r22: 'r22',
  'r-22': 'r22',
  '454b': 'r454b',
  'r-454b': 'r454b',
  lbs: 'lb',
  pounds: 'lb',
  pound: 'lb',
  '#': 'lb',
  ft: 'foot',
  feet: 'foot',
  gal: 'gallon',
  gals: 'gallon',
  gallons: 'gallon',
  hrs: 'hour',
  hr: 'hour',
  hours: 'hour',
  cu: 'copper',
  ln: 'line',
  lineset: 'line set',
  disch: 'discharge',
  sxn: 'suction',
  flt: 'filter',
  fltr: 'filter',
  filtr: 'filter',
  dwv: 'drain',
  pvc: 'pvc',
  pipe: 'pipe',
  valv: 'valve',
  vlv: 'valve',
  ptrap: 'p-trap',
  'p trap': 'p-trap',
  wax: 'wax ring',
  flapper: 'flapper',
  faucet: 'faucet',
  sump: 'sump pump',
  panel: 'panel',
  svc: 'service',
  serv: 'service',
  maint: 'maintenance',
  'tune-up': 'tune up',
  tuneup: 'tune up',
  diag: 'diagnostic',
  dx: 'diagnostic',
  trbl: 'trouble',
  cust: 'customer',
  custmr: 'customer',
  ho: 'homeowner',
  qty: 'quantity',
  approx: 'approximately',
  w: 'with',
};

/** Words that carry no item meaning for retrieval. */
export const STOPWORDS = new Set(
  `a an the and or of to for in on at by with from into onto up out off over per as is was were be been being it its this that these those there
   then than so but if also too very just only some any all both each few more most other such own same can will would should could may might
   must do does did done had has have having i we he she they you me us him her them my our his their your tech technician customer homeowner
   found find checked check tested test verified verify noticed advised told explained inspected inspect looked look arrived arrival onsite site
   unit system job work ok okay good fine now today new old existing per approximately about around back after before while during again still
   please note notes call called went go going got get getting put set made make running run working work worked went
   quantity qty`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Everyday words that are never a misspelt item ("later" is not "water", "order" not "border"):
 * they may still match a price-book word exactly, but are not typo-corrected onto one.
 */
export const COMMON_WORDS = new Set(
  `later after other order taken there where these those their which while would could should about above below under
   again until since ready today phone email texted asked decide decided price prices quote quotes think thing things
   plans weeks month months early happy great sorry thank thanks visit visits return scheduled schedule request
   requested appointment estimate option options owner tenant manager person people office hours minutes
   reading readings normal within spec level levels value values measured inside outside upstairs downstairs
   garage attic basement kitchen bathroom hallway closet front right left contact contacts contacted contacting`
    .split(/\s+/)
    .filter(Boolean),
);

/** Verbs that mean work was done (and so may be billable). */
export const ACTION_WORDS = new Set(
  `replace install add added adding charge charged recharge recharged topped top swap swapped change changed put upgrade upgraded clean cleaned flush flushed
   repair repaired fix fixed ran run rewire rewired wired mount mounted hook hooked seal sealed tighten tightened unclog unclogged snake snaked
   jet jetted clear cleared rebuild rebuilt braze brazed solder soldered patch patched supply supplied provide provided furnish furnished use used
   vacuum evacuate evacuated pull pulled haul hauled dispose disposed remove removed diagnose diagnosed set
   installed replaced swapped mounted hung r&r r/r perform performed complete completed`
    .split(/\s+/)
    .filter(Boolean),
);

/** Notation technicians use for "this was used": a leading +, "mat:", "parts:", "… in". */
/** A list label saying what follows was used: "mat: 3ft pvc", "> parts - cap". */
export const USAGE_LABEL =
  /^\s*[>•*·-]*\s*(mat|mats|matl|material|materials|parts?|used|added|installed)\s*[:-]/i;

export const USAGE_MARKERS: RegExp[] = [
  /^\s*[>•*·-]*\s*[+]/,
  USAGE_LABEL,
  /\b(put|went|go)\s+in\b/i,
  // "exp tank new", "cap 45/5 - new": terse notes put what was done last.
  /\b(in|installed|done|new)\s*$/i,
  /\bused\b/i,
];

/**
 * Trade synonyms added to price-book text when the tenant's vocabulary is built, so a note
 * written with one name finds a SKU named with the other (AFCI ↔ arc fault, 2P ↔ double pole).
 */
export const SKU_TEXT_SYNONYMS: [RegExp, string][] = [
  [/\bafci\b/i, 'arc fault'],
  [/\bgfci\b/i, 'ground fault gfi'],
  [/\bnm-?b\b/i, 'nm romex'],
  [/\bser\b/i, 'se service entrance'],
  [/\bsingle[\s-]pole\b/i, '1p sp'],
  [/\bdouble[\s-]pole\b/i, '2p dp'],
  [/\bthermostat\b/i, 'tstat'],
  [/\bspd\b/i, 'surge protector'],
  [/\bsurge\s+protect\w*/i, 'spd surge'],
  [/\bwater\s+heater\b/i, 'wh'],
  [/\bexpansion\s+valve\b/i, 'txv'],
];

/**
 * Markers that a charge is waived or falls to someone else: "trip chg waived", "diag applied
 * to repair", "no charge", "permit by builder, not us", "HO pulling own permit", "covered
 * under warranty". A waived item is never billed.
 */
export const WAIVER_PATTERNS: RegExp[] = [
  /\bwai+v\w*/i,
  /\bno\s+(charge|chg|cost)\b/i,
  /\bn\/c\b/i,
  /\bcomp(ed|'?d|limentary)\b/i,
  /\b(applied|apply|credited|counts?)\s+(to|toward|towards)\s+(the\s+)?(repair|job|invoice|work)/i,
  /\b(by|through)\s+(the\s+)?(customer['’]?s?\s+)?(builder|homeowner|ho|gc|general\s+contractor|contractor|owner|landlord|property\s+manager)\b/i,
  /\b(pull\w*|getting|obtain\w*|handl\w*)\s+(their|his|her|its)?\s*own\s+permit/i,
  /\bnot\s+us\b/i,
  /\bcovered\s+(by|under)\s+(the\s+)?(warranty|membership|plan|agreement)/i,
  /\bunder\s+warranty\b/i,
  // Customer-supplied parts are theirs, not ours to bill: "cust supplied charger", "their own unit".
  /\b(customer|cust|homeowner|ho|owner|client|tenant)['’]?s?\s+(own|supplied|provided|furnished|bought|purchased)\b/i,
  /\b(supplied|provided|furnished|bought|purchased)\s+by\s+(the\s+)?(customer|cust|homeowner|ho|owner|client)\b/i,
  /\b(their|his|her)\s+own\s+(?!permit)\w+/i,
];

/** Markers that the customer declined or has not yet approved the work. */
export const DECLINE_PATTERNS: RegExp[] = [
  /\bdeclin\w*/i,
  /\brefus\w*/i,
  /\bturned?\s+(it\s+)?down\b/i,
  /\bpass(ed)?\s+on\b/i,
  /\bnot\s+(approved|interested|at\s+this\s+time|right\s+now|today)\b/i,
  /\b(will|wants?\s+to|going\s+to|gonna|needs?\s+to)\s+(think|consider|wait|call\s+back|discuss|talk|check|get\s+back)\b/i,
  /\bthink(ing)?\s+(about|it\s+over)\b/i,
  /\bno\s+thanks?\b/i,
  /\bhold(ing)?\s+off\b/i,
  /\bdeferr?ed\b/i,
  /\bcust(omer)?\s+(said\s+)?no\b/i,
  /\bwants?\s+(a\s+)?(second|2nd)\s+opinion\b/i,
  /\bdecid\w*\s+(later|after|next|on\s+it|at\s+a\s+later)/i,
  /\b(will|to)\s+let\s+(us|me|office)\s+know\b/i,
  /\bget(ting)?\s+(other|more|a\s+few|additional)\s+(bids|quotes|estimates|prices)\b/i,
  /\bshop(ping)?\s+(it\s+)?around\b/i,
  /\bdid\s*n[o']?t\s+(want|approve|authorize)\b/i,
];

/** Markers of work that was only proposed: quoted, recommended, estimated. */
export const PROPOSAL_PATTERNS: RegExp[] = [
  /\bquot\w*/i,
  /\bestimat\w*/i,
  /\brecomm?end\w*/i,
  /\bsuggest\w*/i,
  /\badvis\w*/i,
  /\bpropos\w*/i,
  /\bdiscuss\w*/i,
  /\boption(s)?\b/i,
  /\bbid\b/i,
  /\bpriced?\s+(out|up)\b/i,
  /\boffer\w*/i,
  /\bshould\s+(be\s+)?(replace|upgrade|install|consider)\w*/i,
  /\b(will|may|might)\s+need\b/i,
  /\bneeds?\s+(to\s+be\s+)?(replac|upgrad)\w*\s+(soon|eventually|in\s+the\s+future|next)/i,
  /\bin\s+the\s+future\b/i,
  /\bnext\s+(visit|time|season|year)\b/i,
  /\bfollow[-\s]?up\b/i,
  /\bwould\s+(like|need)\b/i,
  // Shorthand: "rec duct cleaning", "est sent for run cap", "gave a price on panel upgrade".
  /^\s*recc?o?\b(?!\s*[x#]?\s*\d)/i,
  /^\s*est\b|\best\.?\s+(sent|given|provided|emailed|texted|left|for)\b/i,
  /\bpric(e|es|ing)\s+(on|for)\b/i,
];

/** Negation of the work itself: "did not need refrigerant", "no leak found". */
export const NEGATION_PATTERNS: RegExp[] = [
  /\b(did\s*n[o']?t|didnt|does\s*n[o']?t|doesnt|was\s*n[o']?t|wasnt|is\s*n[o']?t|isnt|not|never|no|none|without)\b/i,
  /\bn\/a\b/i,
  /\bunnecessary\b/i,
  /\bno\s+need\b/i,
];
