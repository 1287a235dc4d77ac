// A generated shop's evidence scenario (`tenant:generate --evidence`) served by the simulator:
// its estimates (Sales v2), installed equipment (Equipment Systems v2) and job photos, whose bytes
// are rendered from their descriptions when the attachment is downloaded. Read from the fixture
// directory (sales/estimates.json, equipmentsystems/installed-equipment.json,
// _files/attachments.json) or passed in memory (`SimOptions.evidence`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PhotoFile } from '../generator/evidence/types.ts';
import { renderPhoto } from '../photos.ts';
import type { RouteContext } from './api.ts';
import { type SimInstalledEquipment, simInstalledEquipment } from './equipment.ts';
import { type SimEstimate, simEstimates } from './sales.ts';

export interface SimEvidence {
  estimates?: readonly unknown[];
  installedEquipment?: readonly unknown[];
  photoFiles?: readonly PhotoFile[];
}

const FILES = {
  estimates: 'sales/estimates.json',
  installedEquipment: 'equipmentsystems/installed-equipment.json',
  photoFiles: '_files/attachments.json',
} as const;

/** The evidence files of a fixture directory; null when it has none. */
export function loadSimEvidence(dir: string): SimEvidence | null {
  const out: SimEvidence = {};
  let any = false;
  for (const [key, file] of Object.entries(FILES)) {
    const full = path.join(dir, file);
    if (!existsSync(full)) continue;
    const rows = JSON.parse(readFileSync(full, 'utf8')) as unknown;
    if (!Array.isArray(rows)) throw new Error(`${file} must hold a JSON array`);
    (out as Record<string, unknown>)[key] = rows;
    any = true;
  }
  return any ? out : null;
}

export function registerEvidenceData(
  app: FastifyInstance,
  ctx: RouteContext,
  evidence: SimEvidence | null,
): void {
  if (!evidence) return;
  const estimates = simEstimates(ctx.tenant);
  for (const e of evidence.estimates ?? []) estimates.put(structuredClone(e) as SimEstimate);
  const equipment = simInstalledEquipment(ctx.tenant);
  for (const e of evidence.installedEquipment ?? [])
    equipment.put(structuredClone(e) as SimInstalledEquipment);
  const files = new Map((evidence.photoFiles ?? []).map((f) => [f.attachmentId, f]));
  if (!files.size) return;
  // Where the attachment download redirects (routes/others.ts serves placeholders otherwise).
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.routeOptions.url !== '/_files/attachments/:id') return;
    const file = files.get(Number((request.params as { id?: string }).id));
    if (!file || !ctx.tenant.attachments.get(file.attachmentId)) return;
    return reply.type('image/jpeg').send(await renderPhoto(file));
  });
}
