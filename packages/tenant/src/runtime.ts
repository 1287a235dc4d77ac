// Per-tenant runtime state in a process (workers, console): a ServiceTitan client (credentials opened from
// their sealed form, calls limited through Redis), the tenant's settings, and its knowledge
// (catalogue, vocabulary, history model). The history model is time-respecting: for a job
// completed on day D it holds exactly the history before the start of D (UTC; the period is
// configurable). Models are cached by the period they describe (least recently used first
// out, within a memory budget) and never change once handed out: a later period starts from a
// copy of the nearest earlier one and applies only the events in between; only a period
// earlier than every cached one is built from scratch.

import { createHash } from 'node:crypto';
import {
  buildVocabulary,
  type CatalogSku,
  HistoryModel,
  inferConventions,
  type LearnedConventions,
  type PastInvoice,
  type ReviewerVerdicts,
  type TaxZoneInfo,
  type TaxZoneInput,
  type TenantKnowledge,
  withConventions,
} from '@invoicer/billing';
import type { TenantSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import {
  CatalogSearchIndex,
  catalogUpdatedAt,
  getCursor,
  getTenant,
  getTenantSettings,
  HISTORY_VERSION_CURSOR,
  HistoryVoteIndex,
  historyEvents,
  loadCatalog,
  reviewerVerdicts,
  SearchHitCache,
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
/** How often a cached ServiceTitan client's tenant row is read again (rotated credentials). */
const CLIENT_CHECK_MS = 15_000;
/** How long a catalogue version, once checked, is trusted before Postgres is asked again. */
const CATALOG_CHECK_MS = 1000;
/** How long a history version, once checked, is trusted (a sync in this process resets it). */
const HISTORY_CHECK_MS = 1000;
/**
 * History models (and learned conventions) kept per tenant, one per period, least recently used
 * out first. Jobs of several days are drafted at once (a catch-up, a backtest period, a burst):
 * each day's model also carries its learned policy, so dropping one the stages still need costs
 * a rebuild; a burst of jobs from a month of days keeps each day's while they work through it.
 */
const MODELS_PER_TENANT = 48;
/**
 * All cached models together hold at most this many past jobs by default (a model's weight is
 * the jobs it holds, 3–4 KB each on generated shops, so about 70 MB): the memory bound across
 * tenants, within the worker's 300 MiB. That is two models of a 10,000-job shop (today's and
 * yesterday's) and ten of a 2,000-job one; a later day extends a copy of the nearest earlier
 * model, so a burst over more days than fit costs copies, not rebuilds.
 */
const MODEL_BUDGET_JOBS = 20_000;
/** Memo entries (candidate convention × past invoice) kept per tenant before starting afresh. */
const TAX_MEMO_MAX = 500_000;
/** Learned conventions kept per tenant by what they were learned from (see learnedByInputs). */
const LEARNED_BY_INPUTS_MAX = 8;
const DAY_MS = 24 * 3600_000;

/** A cached history model: one tenant, one period (its cutoff). */
interface ModelEntry {
  tenantId: string;
  cutoff: number;
  promise: Promise<HistoryModel>;
  /** Set once built; never changed afterwards. */
  model: HistoryModel | null;
  /** Past jobs it holds (its share of the budget, MODEL_BUDGET_JOBS). */
  weight: number;
}

/** How the history-model cache has served requests (since the runtime started). */
export interface ModelCacheStats {
  /** Served from the cache (built, or being built by an earlier request). */
  hits: number;
  /** Built from scratch: every past event read and applied. */
  builds: number;
  /** Built from a copy of an earlier period's model plus the events in between. */
  extensions: number;
  evictions: number;
  /** Time spent building and extending (ms). */
  buildMs: number;
}

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
  /** Price-book search hits for this version (retrieval asks Postgres once per mention text). */
  searchHits: SearchHitCache;
  /** The price book indexed in memory for search, loaded on first use (null: not indexable). */
  searchIndex: () => Promise<CatalogSearchIndex | null>;
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
  /** Past jobs all cached history models may hold together (default MODEL_BUDGET_JOBS). */
  historyModelBudgetJobs?: number;
  /** How often a cached client's tenant row is read again (default 15 s; tests use 0). */
  clientCheckMs?: number;
  onStCall?: (tenantId: string, info: CallInfo) => void;
  clientOverrides?: Partial<StClientConfig>;
}

export class TenantRuntime {
  private readonly clients = new Map<string, { client: StClient; fingerprint: string; checkedAt: number }>();
  private readonly settingsCache = new Map<string, { at: number; value: TenantSettings }>();
  private readonly catalogs = new Map<string, CachedCatalog>();
  private readonly catalogChecked = new Map<string, number>();
  private readonly catalogChecks = new Map<string, Promise<Date | null>>();
  /** Per tenant, the history's retrieval index for the version last seen, and when it was checked. */
  private readonly historyIndexes = new Map<
    string,
    { version: string | null; checkedAt: number; index: Promise<HistoryVoteIndex | null> }
  >();
  private readonly historyChecks = new Map<string, Promise<string | null>>();
  /** History models by tenant + cutoff, least recently used first (see MODEL_BUDGET_JOBS). */
  private readonly models = new Map<string, ModelEntry>();
  private readonly stats: ModelCacheStats = { hits: 0, builds: 0, extensions: 0, evictions: 0, buildMs: 0 };
  /**
   * Per tenant, the conventions learned for the latest periods asked for (same cutoffs as the
   * models), keyed by cutoff + catalogue version + stored tax settings (the fallback).
   */
  private readonly conventionsCache = new Map<string, Map<string, Promise<LearnedConventions | null>>>();
  /**
   * Per tenant, learned conventions by everything inferConventions reads: catalogue version,
   * stored tax settings and the past invoices (invoicesDigest). Days with no new or changed
   * invoice between them (a burst over days after the last synced history, a quiet weekend)
   * learn exactly the same: inferred once, not once per day.
   */
  private readonly learnedByInputs = new Map<string, Map<string, LearnedConventions>>();
  /** Per tenant, which candidate tax conventions reproduce which past invoices (they rarely change). */
  private readonly taxMemos = new Map<string, Map<string, boolean>>();
  /** Reviewers' verdicts per tenant, as read for `at`, kept SETTINGS_TTL_MS. */
  private readonly verdictsCache = new Map<string, { readAt: number; at: number; value: ReviewerVerdicts }>();
  /**
   * Serialises model builds per tenant, so that a period's build can start from the models of
   * the periods asked for before it instead of several reading all history at once.
   */
  private readonly modelLocks = new Map<string, Promise<unknown>>();

  constructor(readonly options: TenantRuntimeOptions) {}

  /**
   * The tenant's ServiceTitan client. The tenant's row is read again at most every
   * `clientCheckMs` (15 s): rotated credentials, a new host or tenant id build a new client, so a
   * running process never keeps using what `tenant:add` replaced.
   */
  async client(tenantId: string): Promise<StClient> {
    const existing = this.clients.get(tenantId);
    const checkMs = this.options.clientCheckMs ?? CLIENT_CHECK_MS;
    if (existing && Date.now() - existing.checkedAt < checkMs) return existing.client;
    const tenant = await getTenant(this.options.db, tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const fingerprint = [tenant.credentialsSealed, tenant.apiBaseUrl, tenant.authUrl, tenant.stTenantId].join(
      '|',
    );
    if (existing && existing.fingerprint === fingerprint) {
      existing.checkedAt = Date.now();
      return existing.client;
    }
    const client = clientForTenant(tenant, {
      credentialsKey: this.options.credentialsKey,
      redis: this.options.redis,
      prefix: this.options.prefix,
      rateLimitPerSecond: this.options.rateLimitPerSecond,
      onCall: this.options.onStCall,
      overrides: this.options.clientOverrides,
    });
    this.clients.set(tenantId, { client, fingerprint, checkedAt: Date.now() });
    return client;
  }

  async settings(tenantId: string): Promise<TenantSettings> {
    const cached = this.settingsCache.get(tenantId);
    if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.value;
    const value = await getTenantSettings(this.options.db, tenantId);
    this.settingsCache.set(tenantId, { at: Date.now(), value });
    return value;
  }

  /** Check the tenant's catalogue version on the next call (after a sync in this process). */
  invalidateCatalog(tenantId: string): void {
    this.catalogChecked.delete(tenantId);
  }

  /** Check the tenant's history version on the next call (after a sync in this process). */
  invalidateHistory(tenantId: string): void {
    const cached = this.historyIndexes.get(tenantId);
    if (cached) cached.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * The past-line vote index of the tenant's history as it stands (null: not indexable, ask
   * Postgres). Its version is asked of Postgres at most once per HISTORY_CHECK_MS; a new version
   * loads a new index, shared by every caller.
   */
  async historyIndex(tenantId: string): Promise<HistoryVoteIndex | null> {
    const cached = this.historyIndexes.get(tenantId);
    if (cached && Date.now() - cached.checkedAt < HISTORY_CHECK_MS) return cached.index;
    let check = this.historyChecks.get(tenantId);
    if (!check) {
      check = getCursor(this.options.db, tenantId, HISTORY_VERSION_CURSOR).finally(() =>
        this.historyChecks.delete(tenantId),
      );
      this.historyChecks.set(tenantId, check);
    }
    const version = await check;
    const current = this.historyIndexes.get(tenantId);
    if (current && current.version === version) {
      current.checkedAt = Date.now();
      return current.index;
    }
    const index = HistoryVoteIndex.load(this.options.db, tenantId);
    const entry = { version, checkedAt: Date.now(), index };
    this.historyIndexes.set(tenantId, entry);
    // A failed load is tried again on the next call.
    index.catch(() => {
      if (this.historyIndexes.get(tenantId) === entry) this.historyIndexes.delete(tenantId);
    });
    return index;
  }

  /** Read the tenant's settings afresh on the next call (after a change made in this process). */
  invalidateSettings(tenantId: string): void {
    this.settingsCache.delete(tenantId);
  }

  /** The tenant's catalogue, rebuilt when its rows changed. */
  async catalog(tenantId: string): Promise<CachedCatalog> {
    const cached = this.catalogs.get(tenantId);
    const checked = this.catalogChecked.get(tenantId);
    // Every stage asks for the catalogue, several times; its version is asked of Postgres at
    // most once per CATALOG_CHECK_MS (a sync in this process invalidates it at once).
    if (cached && checked !== undefined && Date.now() - checked < CATALOG_CHECK_MS) return cached;
    let check = this.catalogChecks.get(tenantId);
    if (!check) {
      check = catalogUpdatedAt(this.options.db, tenantId).finally(() => this.catalogChecks.delete(tenantId));
      this.catalogChecks.set(tenantId, check);
    }
    const updated = (await check)?.getTime() ?? 0;
    this.catalogChecked.set(tenantId, Date.now());
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
      searchHits: new SearchHitCache(),
      searchIndex: once(() => CatalogSearchIndex.load(this.options.db, tenantId)),
    };
    this.catalogs.set(tenantId, catalog);
    return catalog;
  }

  /**
   * History model holding everything before the start of `at`'s period (a UTC day by default).
   * Concurrent requests for one period share one build; the model returned never changes.
   */
  async model(tenantId: string, at: Date): Promise<HistoryModel> {
    const cutoff = this.cutoff(at);
    const key = `${tenantId}|${cutoff}`;
    const cached = this.models.get(key);
    if (cached) {
      this.models.delete(key); // most recently used last
      this.models.set(key, cached);
      this.stats.hits += 1;
      return cached.promise;
    }
    const previous = this.modelLocks.get(tenantId) ?? Promise.resolve();
    const promise = previous
      .catch(() => {})
      .then(() => this.buildModel(tenantId, cutoff))
      .then(
        (model) => {
          entry.model = model;
          entry.weight = Math.max(1, model.records.size);
          this.evictModels(entry);
          return model;
        },
        (error: unknown) => {
          if (this.models.get(key) === entry) this.models.delete(key);
          throw error;
        },
      );
    const entry: ModelEntry = { tenantId, cutoff, promise, model: null, weight: 0 };
    this.models.set(key, entry);
    this.modelLocks.set(tenantId, entry.promise);
    return entry.promise;
  }

  /** How the history-model cache has served requests so far (a copy). */
  modelCacheStats(): ModelCacheStats {
    return { ...this.stats };
  }

  /**
   * The model for `cutoff`: a copy of the tenant's nearest earlier cached model advanced by the
   * events in between, or, with none, built from all events before the cutoff. Either way the
   * events are applied in time order, as a build from scratch applies them (the model counts
   * incrementally; events at the very same instant come in the order historyEvents returns
   * them, as before). Runs under the tenant's lock: every model asked for earlier is built by
   * then.
   */
  private async buildModel(tenantId: string, cutoff: number): Promise<HistoryModel> {
    const started = performance.now();
    let base: HistoryModel | null = null;
    for (const e of this.models.values())
      if (e.tenantId === tenantId && e.model && e.model.asOf < cutoff && (!base || e.model.asOf > base.asOf))
        base = e.model;
    const model = base ? copyModel(base) : new HistoryModel();
    const after = Number.isFinite(model.asOf) ? new Date(model.asOf) : null;
    const events = await historyEvents(this.options.db, tenantId, after, new Date(cutoff));
    // advance() moves the version only when an event applies: a later period with no new events
    // keeps its base's memo. Values that read the date as well say so in their memo key (learned
    // policies are keyed by the jobs settled by then), so they are learned again only when that
    // changes, and the rest (indexes, labor conventions) are kept.
    model.advance(cutoff, events.jobs, events.lines);
    if (base) this.stats.extensions += 1;
    else this.stats.builds += 1;
    this.stats.buildMs += performance.now() - started;
    return model;
  }

  /** Least recently used models out until the cache is within its bounds (`keep` stays). */
  private evictModels(keep: ModelEntry): void {
    const budget = this.options.historyModelBudgetJobs ?? MODEL_BUDGET_JOBS;
    let weight = 0;
    const perTenant = new Map<string, number>();
    for (const e of this.models.values()) {
      weight += e.weight;
      perTenant.set(e.tenantId, (perTenant.get(e.tenantId) ?? 0) + 1);
    }
    for (const [key, e] of this.models) {
      const count = perTenant.get(e.tenantId)!;
      if (weight <= budget && count <= MODELS_PER_TENANT) continue;
      if (e === keep || !e.model) continue; // being built: its requests share it
      this.models.delete(key);
      weight -= e.weight;
      perTenant.set(e.tenantId, count - 1);
      this.stats.evictions += 1;
    }
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
    const kept = this.conventionsCache.get(tenantId) ?? new Map<string, Promise<LearnedConventions | null>>();
    const hit = kept.get(key);
    if (hit) {
      kept.delete(key); // most recently used last
      kept.set(key, hit);
      return hit;
    }
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
        const inputs = `${catalog.version}|${JSON.stringify(settings.tax)}|${invoicesDigest(invoices, catalog.taxZoneInputs)}`;
        let byInputs = this.learnedByInputs.get(tenantId);
        if (!byInputs) {
          byInputs = new Map();
          this.learnedByInputs.set(tenantId, byInputs);
        }
        const same = byInputs.get(inputs);
        const learned = same ?? inferConventions(invoices, catalog.byId, settings.tax, { cache });
        byInputs.delete(inputs); // most recently used last
        byInputs.set(inputs, learned);
        for (const old of byInputs.keys()) {
          if (byInputs.size <= LEARNED_BY_INPUTS_MAX) break;
          byInputs.delete(old);
        }
        this.options.log.info(
          {
            tenantId,
            cutoff: new Date(cutoff).toISOString(),
            invoices: invoices.length,
            tax: learned.tax.status,
            reused: same !== undefined,
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
    kept.set(key, value);
    for (const old of kept.keys()) {
      if (kept.size <= MODELS_PER_TENANT) break;
      kept.delete(old);
    }
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
    const [catalog, settings, model, conventions, reviewerVerdicts] = await Promise.all([
      this.catalog(tenantId),
      this.settings(tenantId),
      this.model(tenantId, at),
      this.conventions(tenantId, at),
      this.reviewerVerdicts(tenantId, at),
    ]);
    return {
      catalog: catalog.skus,
      catalogById: catalog.byId,
      vocabulary: catalog.vocabulary,
      model,
      jobTypeNames: catalog.jobTypeNames,
      // The stored settings with the learned conventions filled in (unless pinned).
      settings: withConventions(settings, conventions),
      reviewerVerdicts,
      catalogCache: catalog,
      conventions,
    };
  }

  /**
   * What reviewers did with our added lines before `at` (reviewer-verdicts.ts). A recent read
   * serves a later `at`, and an empty one an earlier `at` too (no verdicts by then either).
   */
  async reviewerVerdicts(tenantId: string, at: Date): Promise<ReviewerVerdicts> {
    const cached = this.verdictsCache.get(tenantId);
    const t = at.getTime();
    if (cached && Date.now() - cached.readAt < SETTINGS_TTL_MS && (cached.at <= t || cached.value.size === 0))
      return cached.value;
    const value = await reviewerVerdicts(this.options.db, tenantId, at);
    this.verdictsCache.set(tenantId, { readAt: Date.now(), at: t, value });
    return value;
  }

  forget(tenantId: string): void {
    this.verdictsCache.delete(tenantId);
    this.settingsCache.delete(tenantId);
    this.catalogs.delete(tenantId);
    for (const [key, e] of this.models) if (e.tenantId === tenantId) this.models.delete(key);
    this.conventionsCache.delete(tenantId);
    this.learnedByInputs.delete(tenantId);
    this.taxMemos.delete(tenantId);
  }
}

/**
 * Everything inferConventions reads of the past invoices, in their order (the inference breaks
 * ties by it): ids, completion, zone (by id; its rates come with the catalogue version), sales
 * tax and each line's SKU, type, amounts and taxability. Equal digests, equal conventions.
 */
/** `load` run on the first call and shared by later ones; a failed load is tried again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

export function invoicesDigest(
  invoices: readonly PastInvoice[],
  zones: ReadonlyMap<number, TaxZoneInput>,
): string {
  const zoneIds = new Map<TaxZoneInput, number>();
  for (const [id, zone] of zones) zoneIds.set(zone, id);
  const hash = createHash('sha256');
  for (const inv of invoices) {
    // A zone not in the catalogue's map (none today) is told apart by its content.
    const zone = inv.zone === null ? '-' : (zoneIds.get(inv.zone) ?? JSON.stringify(inv.zone));
    let text = `${inv.invoiceId}|${inv.completedOn}|${zone}|${inv.salesTax.toString()}`;
    for (const l of inv.lines)
      text += `|${l.skuId},${l.itemType},${l.quantity.toString()},${l.unitPrice.toString()},${l.total.toString()},${l.taxable ? 1 : 0}`;
    hash.update(text);
    hash.update('\n');
  }
  return `${invoices.length}:${hash.digest('base64')}`;
}

/**
 * A deep copy of a history model's state (its maps, sets, counters and sampling reservoirs, with
 * their classes), to advance without changing the original, which callers may still be reading.
 * Values derived from the model (policies, indexes) are shared, not copied: they are kept by what
 * they read (the version, moved by every event the copy applies, and the date where they read it;
 * see HistoryModel.memo), and never changed.
 */
export function copyModel(model: HistoryModel): HistoryModel {
  const seen = new Map<object, unknown>();
  const copy = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    // Keys, set members and primitive values are taken as they are (object keys keep their
    // identity, as a Map needs); only object values are copied.
    if (value instanceof Map) {
      // One pass with forEach, in insertion order: no [key, value] entry array per element and
      // no second set() per object value (a model holds hundreds of thousands of entries).
      const out = new Map();
      seen.set(value, out);
      value.forEach((v, k) => {
        out.set(k, typeof v === 'object' && v !== null ? copy(v) : v);
      });
      return out;
    }
    if (value instanceof Set) {
      const out = new Set(value);
      seen.set(value, out);
      return out;
    }
    if (Array.isArray(value)) {
      const out = value.slice();
      seen.set(value, out);
      for (let i = 0; i < out.length; i++)
        if (typeof out[i] === 'object' && out[i] !== null) out[i] = copy(out[i]);
      return out;
    }
    if (value instanceof Date) return new Date(value.getTime());
    if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice();
    const out = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
    seen.set(value, out);
    const source = value as Record<string, unknown>;
    for (const k of Object.keys(source)) out[k] = copy(source[k]);
    return out;
  };
  const source = model as unknown as Record<string, unknown>;
  const clone = Object.create(Object.getPrototypeOf(model)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(source)) clone[k] = k === 'derived' ? [...(v as unknown[])] : copy(v);
  return clone as unknown as HistoryModel;
}
