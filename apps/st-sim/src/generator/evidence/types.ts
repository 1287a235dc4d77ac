// What `--evidence` adds to a generated shop (issue 18): estimates linked to jobs, installed
// equipment, how each job photo's bytes look (rendered by the simulator when downloaded), and the
// ground truth an evaluation scores the evidence stage against. None of it touches the files a
// shop has without the flag.

export type PhotoKind = 'good' | 'wrong_day' | 'wrong_place' | 'reused';

/** A job photo's bytes, described: the simulator renders them on download (routes/photos.ts). */
export interface PhotoFile {
  attachmentId: number;
  render: 'scene' | 'nameplate';
  /** Seed of the scene (or of the nameplate's framing). A reused photo has its original's. */
  seed: number;
  width: number;
  quality: number;
  /** EXIF as the camera wrote it (camera-local time, optional offset), or none at all. */
  exif: { local: string; offset: string | null; gps: { lat: number; lon: number } | null } | null;
  plate?: { heading: string; manufacturer: string; model: string; serial: string };
}

export interface PhotoTruth {
  attachmentId: number;
  jobId: number;
  kind: PhotoKind;
  /** For a nameplate photo: the numbers on it and the installed-equipment record it shows. */
  nameplate?: { model: string; serial: string; installedEquipmentId: number };
  /** reused: the photo it copies. */
  original?: { attachmentId: number; jobId: number };
  /** wrong_place: how far from the job's location; wrong_day: how many days before the visit. */
  distanceMeters?: number;
  daysBefore?: number;
}

/** A sold estimate item the technician left off the invoice; the office added it later. */
export interface SoldNotInvoicedTruth {
  estimateId: number;
  estimateItemId: number;
  skuId: number;
  skuCode: string;
  quantity: string;
  total: string;
  /** The office-added invoice item (`_truth/jobs.json` missed[].itemId) and its category. */
  officeItemId: number;
  category: string;
}

export interface EstimateJobTruth {
  jobId: number;
  estimates: { id: number; status: 'Sold' | 'Open' | 'Dismissed' }[];
  soldNotInvoiced: SoldNotInvoicedTruth[];
}

export interface EvidenceTruth {
  summary: {
    estimates: Record<string, number>;
    jobsWithSoldEstimate: number;
    soldNotInvoiced: number;
    installedEquipment: number;
    photos: Record<PhotoKind, number>;
    nameplates: number;
  };
  jobs: EstimateJobTruth[];
  photos: PhotoTruth[];
}
