// Job photos for the evidence scenario, described (not rendered: the simulator renders each on
// download). The shop's existing JPEG attachments become photos: labels named like a nameplate
// show the unit at the location with known model and serial numbers; the rest are scenes whose
// EXIF says when and where they were taken. A few scenes are deliberately wrong: taken days
// before the visit, taken kilometres away, or a copy of another job's photo (EXIF stripped, as a
// forwarded picture). Installed equipment is recorded for install jobs' new units and for the
// existing unit a nameplate shows.
import type { Appointment, Invoice, Job, JobAttachment, Location } from '@invoicer/servicetitan';
import { Sequence } from '../ids.ts';
import { JOB_TYPES, type Trade } from '../org.ts';
import { Rng } from '../rng.ts';
import { DAY, HOUR, MINUTE, offsetMs } from '../time.ts';
import type { SkuRef } from './estimates.ts';
import type { PhotoFile, PhotoKind, PhotoTruth } from './types.ts';

const NAMEPLATE_FILES = /^(nameplate|data-plate|model-serial)\.jpg$/;
/** Share of scene photos made wrong on purpose, per kind. */
const BAD_RATE = { wrong_day: 0.06, wrong_place: 0.06, reused: 0.06 } as const;
const ALNUM = 'ABCDEFGHJKLMNPRTUVWXY0123456789';
const LETTERS = 'ABCDEFGHJKMNPRTUVWXY';

const HEADINGS: Record<Trade, string[]> = {
  hvac: [
    'SPLIT SYSTEM HEAT PUMP  208/230V 1PH 60HZ',
    'AIR CONDITIONER  208/230V 1PH 60HZ',
    'GAS FURNACE  115V 60HZ',
  ],
  plumbing: ['GAS WATER HEATER  40 GAL  40000 BTU/HR', 'ELECTRIC WATER HEATER  50 GAL  4500W'],
  electrical: ['LOAD CENTER  200A  120/240V 1PH 3W', 'MAIN BREAKER PANEL  150A  120/240V'],
};
const MAKERS: Record<Trade, string[]> = {
  hvac: ['TRANE', 'CARRIER', 'LENNOX', 'RHEEM', 'GOODMAN', 'BRYANT', 'YORK'],
  plumbing: ['RHEEM', 'BRADFORD WHITE', 'A.O. SMITH', 'STATE'],
  electrical: ['SQUARE D', 'EATON', 'SIEMENS', 'GE'],
};

export interface InstalledEquipmentRecord {
  [key: string]: unknown;
  id: number;
  locationId: number;
  name: string;
  model: string | null;
  serialNumber: string | null;
  manufacturer: string | null;
  modifiedOn: string;
}

export interface PhotoWorld {
  jobs: readonly Job[];
  appointments: readonly Appointment[];
  attachments: readonly JobAttachment[];
  locations: readonly Location[];
  invoices: readonly Invoice[];
  skus: ReadonlyMap<number, SkuRef & { manufacturer?: string | null; model?: string | null }>;
}

const pickChars = (rng: Rng, chars: string, n: number) =>
  Array.from({ length: n }, () => chars[rng.int(0, chars.length - 1)]).join('');

/**
 * Serial numbers in the shape each maker uses (D digit, L letter, A letter or digit; makers avoid
 * I, O and Q): Carrier/Bryant/Lennox a week-year, plant letter and sequence; Goodman all digits;
 * Rheem a letter first; Trane mixed; Bradford White two letters.
 */
const SERIAL_SHAPES: [RegExp, string][] = [
  [/CARRIER|BRYANT|LENNOX|SQUARE D|EATON|SIEMENS|MILBANK/i, 'DDDDLDDDDD'],
  [/GOODMAN|AMANA/i, 'DDDDDDDDDD'],
  [/RHEEM|RUUD|STATE/i, 'LDDDDDDDDD'],
  [/TRANE|AMERICAN STANDARD/i, 'DDDDDAAAA'],
  [/BRADFORD/i, 'LLDDDDDDD'],
  [/YORK|GE\b/i, 'LDLDDDDDDD'],
];
const SERIAL_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
function serialOf(rng: Rng, manufacturer: string | null): string {
  const shape = SERIAL_SHAPES.find(([maker]) => maker.test(manufacturer ?? ''))?.[1] ?? 'DDDDLDDDDDD';
  return [...shape]
    .map((c) => pickChars(rng, c === 'D' ? '0123456789' : c === 'L' ? SERIAL_LETTERS : ALNUM, 1))
    .join('');
}

/** "YYYY:MM:DD HH:MM:SS" in the shop's zone, and its offset ("-05:00"), as a phone writes them. */
function exifTime(utc: number): { local: string; offset: string } {
  const off = offsetMs(utc);
  const local = new Date(utc + off).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
  const h = Math.abs(off) / HOUR;
  return { local, offset: `${off < 0 ? '-' : '+'}${String(h).padStart(2, '0')}:00` };
}

/** A point `metres` from `from` in a random direction. */
function displaced(rng: Rng, from: { lat: number; lon: number }, metres: number) {
  const bearing = rng.float(0, 2 * Math.PI);
  const dLat = (metres * Math.cos(bearing)) / 111_195;
  const dLon = (metres * Math.sin(bearing)) / (111_195 * Math.cos((from.lat * Math.PI) / 180));
  return { lat: round6(from.lat + dLat), lon: round6(from.lon + dLon) };
}
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function generatePhotos(seed: number, world: PhotoWorld) {
  const typeOf = new Map(JOB_TYPES.map((t) => [t.id, t]));
  const locations = new Map(world.locations.map((l) => [l.id, l]));
  const invoices = new Map(world.invoices.map((i) => [i.id, i]));
  const firstStart = new Map<number, number>();
  for (const a of world.appointments) {
    const t = Date.parse(a.start);
    firstStart.set(a.jobId, Math.min(firstStart.get(a.jobId) ?? t, t));
  }
  const photosOf = new Map<number, JobAttachment[]>();
  for (const a of world.attachments)
    if (a.contentType === 'image/jpeg' && a.active !== false)
      photosOf.set(a.jobId, [...(photosOf.get(a.jobId) ?? []), a]);
  const completed = world.jobs
    .filter((j) => j.jobStatus === 'Completed' && j.completedOn)
    .sort((a, b) => Date.parse(a.completedOn!) - Date.parse(b.completedOn!) || a.id - b.id);

  const equipmentIds = new Sequence(23_000_000);
  const equipment: InstalledEquipmentRecord[] = [];
  const unitAt = new Map<string, InstalledEquipmentRecord>();
  const files: PhotoFile[] = [];
  const truth: PhotoTruth[] = [];
  /** Good scene photos already taken: originals a later job may reuse. */
  const originals: { attachmentId: number; jobId: number; locationId: number; at: number; seed: number }[] =
    [];

  for (const job of completed) {
    const rng = Rng.derive(seed, 'evidence:photos', job.id);
    const jt = typeOf.get(job.jobTypeId);
    const trade: Trade = jt?.trade ?? 'hvac';
    const done = Date.parse(job.completedOn!);
    const stamp = new Date(done).toISOString();
    // An install's new units are recorded against the invoice items that sold them.
    const installed: InstalledEquipmentRecord[] = [];
    if (jt?.cls === 'install') {
      for (const line of invoices.get(job.invoiceId ?? -1)?.items ?? []) {
        const sku = line.skuId ? world.skus.get(line.skuId) : undefined;
        if (line.type !== 'Equipment' || !sku?.model || line.active === false) continue;
        const record = equipmentRecord(equipmentIds.next(rng, 3), job, sku.displayName, {
          model: sku.model,
          manufacturer: sku.manufacturer ?? null,
          serial: serialOf(rng, sku.manufacturer ?? null),
          installedOn: done,
          equipmentId: sku.id,
          invoiceItemId: line.id,
          stamp,
        });
        equipment.push(record);
        installed.push(record);
        unitAt.set(`${job.locationId}:${trade}`, record);
      }
    }
    const location = locations.get(job.locationId)?.address;
    const home =
      typeof location?.latitude === 'number' && typeof location?.longitude === 'number'
        ? { lat: location.latitude, lon: location.longitude }
        : null;
    for (const a of (photosOf.get(job.id) ?? []).sort((x, y) => x.id - y.id)) {
      const takenAt = Date.parse(a.createdOn ?? job.completedOn!);
      const base = { attachmentId: a.id, width: 640, quality: rng.int(72, 88) };
      if (NAMEPLATE_FILES.test(a.fileName)) {
        let unit = installed[0] ?? unitAt.get(`${job.locationId}:${trade}`);
        if (!unit) {
          const maker = rng.pick(MAKERS[trade]);
          unit = equipmentRecord(equipmentIds.next(rng, 3), job, `Existing ${trade} unit`, {
            model: `${rng.int(1, 9)}${pickChars(rng, LETTERS, 3)}${pickChars(rng, '0123456789', 4)}${pickChars(rng, ALNUM, 3)}`,
            manufacturer: maker,
            serial: serialOf(rng, maker),
            installedOn: done - rng.int(3, 15) * 365 * DAY,
            equipmentId: null,
            invoiceItemId: null,
            stamp,
          });
          equipment.push(unit);
          unitAt.set(`${job.locationId}:${trade}`, unit);
        }
        files.push({
          ...base,
          render: 'nameplate',
          seed: rng.int(1, 2 ** 30),
          exif: { ...exifTime(takenAt), gps: home ? displaced(rng, home, rng.float(0, 40)) : null },
          plate: {
            heading: rng.pick(HEADINGS[trade]),
            manufacturer: (unit.manufacturer ?? 'UNKNOWN').toUpperCase(),
            model: unit.model!,
            serial: unit.serialNumber!,
          },
        });
        truth.push({
          attachmentId: a.id,
          jobId: job.id,
          kind: 'good',
          nameplate: { model: unit.model!, serial: unit.serialNumber!, installedEquipmentId: unit.id },
        });
        continue;
      }
      const start = firstStart.get(job.id) ?? done;
      // Copied from a job of another week (a replay judges a week's jobs side by side).
      const reusable = originals.filter(
        (o) => o.locationId !== job.locationId && o.at < start - 8 * DAY && o.at > start - 60 * DAY,
      );
      const r = rng.next();
      let kind: PhotoKind =
        r < BAD_RATE.wrong_day
          ? 'wrong_day'
          : r < BAD_RATE.wrong_day + BAD_RATE.wrong_place
            ? 'wrong_place'
            : r < BAD_RATE.wrong_day + BAD_RATE.wrong_place + BAD_RATE.reused
              ? 'reused'
              : 'good';
      if ((kind === 'wrong_place' && !home) || (kind === 'reused' && !reusable.length)) kind = 'good';
      const record: PhotoTruth = { attachmentId: a.id, jobId: job.id, kind };
      if (kind === 'reused') {
        const o = rng.pick(reusable);
        record.original = { attachmentId: o.attachmentId, jobId: o.jobId };
        // Forwarded or screenshotted: smaller, recompressed, no EXIF.
        files.push({
          ...base,
          render: 'scene',
          seed: o.seed,
          width: rng.pick([480, 560, 800]),
          quality: rng.int(55, 70),
          exif: null,
        });
      } else {
        const sceneSeed = rng.int(1, 2 ** 30);
        let at = takenAt;
        let gps = home ? displaced(rng, home, rng.float(0, 60)) : null;
        if (kind === 'wrong_day') {
          record.daysBefore = rng.int(1, 30);
          at = start - record.daysBefore * DAY - rng.int(3, 10) * HOUR + rng.int(0, 59) * MINUTE;
        } else if (kind === 'wrong_place') {
          record.distanceMeters = Math.round(rng.float(1500, 25_000));
          gps = displaced(rng, home!, record.distanceMeters);
        }
        // Good photos: most carry time and place; some phones leave out the place, or everything.
        const drop = kind === 'good' ? rng.next() : 1;
        if (drop < 0.1) gps = null;
        const time = exifTime(at);
        const exif =
          drop < 0.05 ? null : { local: time.local, offset: rng.chance(0.5) ? time.offset : null, gps };
        files.push({ ...base, render: 'scene', seed: sceneSeed, exif });
        if (kind === 'good')
          originals.push({
            attachmentId: a.id,
            jobId: job.id,
            locationId: job.locationId,
            at: takenAt,
            seed: sceneSeed,
          });
      }
      truth.push(record);
    }
  }
  return { files, truth, equipment };
}

function equipmentRecord(
  id: number,
  job: Job,
  name: string,
  unit: {
    model: string;
    manufacturer: string | null;
    serial: string;
    installedOn: number;
    equipmentId: number | null;
    invoiceItemId: number | null;
    stamp: string;
  },
): InstalledEquipmentRecord {
  const installed = new Date(unit.installedOn).toISOString();
  return {
    id,
    equipmentId: unit.equipmentId,
    locationId: job.locationId,
    customerId: job.customerId,
    invoiceItemId: unit.invoiceItemId,
    name,
    installedOn: installed,
    serialNumber: unit.serial,
    barcodeId: null,
    memo: null,
    manufacturer: unit.manufacturer,
    model: unit.model,
    cost: null,
    manufacturerWarrantyStart: installed,
    manufacturerWarrantyEnd: null,
    createdOn: unit.stamp,
    modifiedOn: unit.stamp,
    active: true,
  };
}
