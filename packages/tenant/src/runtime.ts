// Per-tenant runtime state in a process (workers, console): a ServiceTitan client (credentials opened from
// their sealed form, calls limited through Redis), the tenant's settings, and its knowledge
// (catalogue, vocabulary, history model). The history model is time-respecting: for a job
// completed on day D it holds exactly the history before the start of D (UTC; the period is
// configurable), and it is rebuilt from scratch whenever an earlier period is asked for.

import {
  buildVocabulary,
  type CatalogSku,
  HistoryModel,
  inferConventions,
  type LearnedConventions,
  type TaxZoneInfo,
  type TaxZoneInput,
  type TenantKnowledge,
  withConventions,
} from '@invoicer/billing';
import type { TenantSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import {
  catalogUpdatedAt,
  getTenant,
  getTenantSettings,
  historyEvents,
  loadCatalog,
  SKU_KINDS,
} from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import {
  type CallInfo,
  clientForTenant,
  type StClient,
  type StClientConfig,
  type TaxZone,
} from '@invoicer/servicetitan';
import type { Redis } from 'ioredis';
import { toCatalogSku, toTaxZoneInfo } from './catalog-map.ts';
import { loadConventionInputs } from './conventions.ts';

const SETTINGS_TTL_MS = 15_000;
// Jobs of several days are drafted at once (a catch-up, a backtest period, a burst): each day's model
// also carries its learned policy, so dropping one to make room costs a rebuild.
const MODELS_KEPT = 6;
/** Memo entries (candidate convention × past invoice) kept per tenant before starting afresh. */
const TAX_MEMO_MAX = 500_000;
const DAY_MS = 24 * 3600_000;

interface CachedCatalog {
  version: number;
  skus: CatalogSku[];
  byId: Map<number, CatalogSku>;
  vocabulary: ReturnType<typeof buildVocabulary>;
  jobTypeNames: Map<number, string>;
  businessUnitNames: Map<number, string>;
  technicians: Map<number, { name: string; hourlyRate: number | null }>;
  taxZones: Map<number, TaxZoneInfo>;
  /** The zones as ServiceTitan sent them (the tax engine's input). */
  taxZoneInputs: Map<number, TaxZoneInput>;
}

export interface TenantRuntimeOptions {
  db: Db;
  redis: Redis;
  prefix: string;
  credentialsKey: Buffer;
  log: Logger;
  rateLimitPerSecond?: number;
  /**
   * The history model for a job holds everything before the start of the job's period (epoch-
   * aligned). A day by default; backtests use a week so a week's jobs can run in parallel.
   */
  historyPeriodMs?: number;
  onStCall?: (tenantId: string, info: CallInfo) => void;
  clientOverrides?: Partial<StClientConfig>;
}

export class TenantRuntime {
  private readonly clients = new Map<string, StClient>();
  private readonly settingsCache = new Map<string, { at: number; value: TenantSettings }>();
  private readonly catalogs = new Map<string, CachedCatalog>();
  /** Per tenant, the models of the latest periods asked for (newest last), at most MODELS_KEPT. */
  private readonly models = new Map<string, HistoryModel[]>();
  /**
   * Per tenant, the conventions learned for the latest periods asked for (same cutoffs as the
   * models), keyed by cutoff + catalogue version + stored tax settings (the fallback).
   */
  private readonly conventionsCache = new Map<
    string,
    { key: string; value: Promise<LearnedConventions | null> }[]
  >();
  /** Per tenant, which candidate tax conventions reproduce which past invoices (they rarely change). */
  private readonly taxMemos = new Map<string, Map<string, boolean>>();
  /** Serialises model updates per tenant: concurrent jobs must not apply events twice. */
  private readonly modelLocks = new Map<string, Promise<unknown>>();

  constructor(readonly options: TenantRuntimeOptions) {}

  async client(tenantId: string): Promise<StClient> {
    const existing = this.clients.get(tenantId);
    if (existing) return existing;
    const tenant = await getTenant(this.options.db, tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const client = clientForTenant(tenant, {
      credentialsKey: this.options.credentialsKey,
      redis: this.options.redis,
      prefix: this.options.prefix,
      rateLimitPerSecond: this.options.rateLimitPerSecond,
      onCall: this.options.onStCall,
      overrides: this.options.clientOverrides,
    });
    this.clients.set(tenantId, client);
    return client;
  }

  async settings(tenantId: string): Promise<TenantSettings> {
    const cached = this.settingsCache.get(tenantId);
    if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.value;
    const value = await getTenantSettings(this.options.db, tenantId);
    this.settingsCache.set(tenantId, { at: Date.now(), value });
    return value;
  }

  /** Read the tenant's settings afresh on the next call (after a change made in this process). */
  invalidateSettings(tenantId: string): void {
    this.settingsCache.delete(tenantId);
  }

  /** The tenant's catalogue, rebuilt when its rows changed. */
  async catalog(tenantId: string): Promise<CachedCatalog> {
    const updated = (await catalogUpdatedAt(this.options.db, tenantId))?.getTime() ?? 0;
    const cached = this.catalogs.get(tenantId);
    if (cached && cached.version === updated) return cached;
    const rows = await loadCatalog(this.options.db, tenantId);
    const skus = rows.filter((r) => (SKU_KINDS as readonly string[]).includes(r.kind)).map(toCatalogSku);
    const named = (kind: string) => new Map(rows.filter((r) => r.kind === kind).map((r) => [r.stId, r.name]));
    const catalog: CachedCatalog = {
      version: updated,
      skus,
      byId: new Map(skus.map((s) => [s.id, s])),
      vocabulary: buildVocabulary(skus.map((s) => `${s.name} ${s.categoryNames.join(' ')}`)),
      jobTypeNames: named('job-type'),
      businessUnitNames: named('business-unit'),
      technicians: new Map(
        rows
          .filter((r) => r.kind === 'technician')
          .map((r) => [
            r.stId,
            {
              name: r.name,
              hourlyRate: ((r.data as { hourlyRate?: number }).hourlyRate ?? null) as number | null,
            },
          ]),
      ),
      taxZones: new Map(
        rows.filter((r) => r.kind === 'tax-zone').map((r) => [r.stId, toTaxZoneInfo(r.data as TaxZone)]),
      ),
      taxZoneInputs: new Map(
        rows.filter((r) => r.kind === 'tax-zone').map((r) => [r.stId, r.data as TaxZone]),
      ),
    };
    this.catalogs.set(tenantId, catalog);
    return catalog;
  }

  /** History model holding everything before the start of `at`'s UTC day. */
  async model(tenantId: string, at: Date): Promise<HistoryModel> {
    const previous = this.modelLocks.get(tenantId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.updateModel(tenantId, at));
    this.modelLocks.set(tenantId, next);
    return next;
  }

  private async updateModel(tenantId: string, at: Date): Promise<HistoryModel> {
    const cutoff = this.cutoff(at);
    // Jobs from two periods interleave around midnight and in catch-ups: each period keeps its
    // own model, so they do not rebuild each other from scratch over and over.
    const kept = this.models.get(tenantId) ?? [];
    let model = kept.find((m) => m.asOf === cutoff);
    if (!model) {
      const newest = kept[kept.length - 1];
      model = newest && newest.asOf < cutoff ? newest : new HistoryModel();
      if (model !== newest) kept.push(model);
    }
    if (model.asOf < cutoff) {
      const after = Number.isFinite(model.asOf) ? new Date(model.asOf) : null;
      const events = await historyEvents(this.options.db, tenantId, after, new Date(cutoff));
      model.advance(cutoff, events.jobs, events.lines);
    }
    kept.sort((a, b) => a.asOf - b.asOf);
    while (kept.length > MODELS_KEPT) kept.shift(); // the oldest period goes first
    this.models.set(tenantId, kept);
    return model;
  }

  /** The history cutoff for a job at `at`: the end of the period before `at`'s (epoch-aligned). */
  private cutoff(at: Date): number {
    const period = this.options.historyPeriodMs ?? DAY_MS;
    return Math.floor(at.getTime() / period) * period - 1;
  }

  /**
   * Conventions learned from the invoices of jobs completed by the same cutoff as the history
   * model (time-respecting), cached per period. Null when they cannot be learned (the stored
   * settings then apply unchanged).
   */
  async conventions(tenantId: string, at: Date): Promise<LearnedConventions | null> {
    const [catalog, settings] = await Promise.all([this.catalog(tenantId), this.settings(tenantId)]);
    const cutoff = this.cutoff(at);
    const key = `${cutoff}|${catalog.version}|${JSON.stringify(settings.tax)}`;
    const kept = this.conventionsCache.get(tenantId) ?? [];
    const hit = kept.find((c) => c.key === key);
    if (hit) return hit.value;
    let memo = this.taxMemos.get(tenantId);
    if (!memo || memo.size > TAX_MEMO_MAX) {
      memo = new Map();
      this.taxMemos.set(tenantId, memo);
    }
    const cache = memo;
    const value = (async () => {
      try {
        const { invoices } = await loadConventionInputs(
          this.options.db,
          tenantId,
          new Date(cutoff),
          catalog.byId,
          catalog.taxZoneInputs,
        );
        const started = performance.now();
        const learned = inferConventions(invoices, catalog.byId, settings.tax, { cache });
        this.options.log.info(
          {
            tenantId,
            cutoff: new Date(cutoff).toISOString(),
            invoices: invoices.length,
            tax: learned.tax.status,
            ms: Math.round(performance.now() - started),
          },
          'learned conventions from past invoices',
        );
        return learned;
      } catch (error) {
        this.options.log.warn(
          { tenantId, err: error },
          'could not learn the tenant’s conventions; using its settings',
        );
        return null;
      }
    })();
    kept.push({ key, value });
    while (kept.length > MODELS_KEPT) kept.shift();
    this.conventionsCache.set(tenantId, kept);
    return value;
  }

  /** The stored settings with what was learned by `at`'s cutoff filled in (what the pipeline uses). */
  async effectiveSettings(tenantId: string, at: Date): Promise<TenantSettings> {
    const [settings, conventions] = await Promise.all([
      this.settings(tenantId),
      this.conventions(tenantId, at),
    ]);
    return withConventions(settings, conventions);
  }

  async knowledge(
    tenantId: string,
    at: Date,
  ): Promise<TenantKnowledge & { catalogCache: CachedCatalog; conventions: LearnedConventions | null }> {
    const [catalog, settings, model, conventions] = await Promise.all([
      this.catalog(tenantId),
      this.settings(tenantId),
      this.model(tenantId, at),
      this.conventions(tenantId, at),
    ]);
    return {
      catalog: catalog.skus,
      catalogById: catalog.byId,
      vocabulary: catalog.vocabulary,
      model,
      jobTypeNames: catalog.jobTypeNames,
      // The stored settings with the learned conventions filled in (unless pinned).
      settings: withConventions(settings, conventions),
      catalogCache: catalog,
      conventions,
    };
  }

  forget(tenantId: string): void {
    this.settingsCache.delete(tenantId);
    this.catalogs.delete(tenantId);
    this.models.delete(tenantId);
    this.conventionsCache.delete(tenantId);
    this.taxMemos.delete(tenantId);
  }
}
