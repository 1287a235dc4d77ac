// sharp (libvips) is loaded on first use: it adds about 25 MiB to a process, and most tenants
// never read photos (evidence.photos is opt-in).
import type sharpModule from 'sharp';

let loading: Promise<typeof sharpModule> | null = null;

export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
