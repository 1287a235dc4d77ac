// In-memory record collections with the indexes the API filters need, and a change sequence
// per collection that backs the export feeds. Holds 100k-job tenants: lookups by id and by
// parent id are O(1); list scans only happen for unindexed filters.

export type SimRecord = { id: number; [key: string]: unknown };

export interface ChangeEntry {
  seq: number;
  id: number;
}

export class Collection<T extends SimRecord> {
  private readonly byId = new Map<number, T>();
  private readonly indexes = new Map<string, Map<number, Set<number>>>();
  /** Change log: the latest seq for each id; export feeds read it in seq order. */
  private readonly lastSeq = new Map<number, number>();
  private log: ChangeEntry[] = [];
  private seq = 0;

  constructor(
    readonly name: string,
    indexFields: string[] = [],
  ) {
    for (const field of indexFields) this.indexes.set(field, new Map());
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<T> {
    return this.byId.values();
  }

  /** All ids whose indexed field equals value (empty if none). */
  idsBy(field: string, value: number): number[] {
    const index = this.indexes.get(field);
    if (!index) throw new Error(`${this.name}: no index on ${field}`);
    return [...(index.get(value) ?? [])];
  }

  by(field: string, value: number): T[] {
    return this.idsBy(field, value)
      .map((id) => this.byId.get(id))
      .filter((r): r is T => r !== undefined);
  }

  /** Insert or replace a record and record the change for the export feed. */
  put(record: T): T {
    const previous = this.byId.get(record.id);
    if (previous) this.unindex(previous);
    this.byId.set(record.id, record);
    this.index(record);
    this.touch(record.id);
    return record;
  }

  /** Record that a stored record changed in place. */
  touch(id: number): void {
    this.seq += 1;
    this.lastSeq.set(id, this.seq);
    this.log.push({ seq: this.seq, id });
    // Keep the log compact: drop superseded entries once it doubles.
    if (this.log.length > 2 * this.byId.size + 1024) {
      this.log = this.log.filter((entry) => this.lastSeq.get(entry.id) === entry.seq);
    }
  }

  /** Changes after `afterSeq`, oldest first, at most `limit`, each id once (its latest). */
  changesSince(afterSeq: number, limit: number): { records: T[]; lastSeq: number; hasMore: boolean } {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.log[mid]?.seq ?? 0) <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    const records: T[] = [];
    let last = afterSeq;
    let i = lo;
    for (; i < this.log.length && records.length < limit; i++) {
      const entry = this.log[i]!;
      last = entry.seq;
      if (this.lastSeq.get(entry.id) !== entry.seq) continue;
      const record = this.byId.get(entry.id);
      if (record) records.push(record);
    }
    // May report more when only superseded entries remain; the next page is then empty.
    return { records, lastSeq: last, hasMore: i < this.log.length };
  }

  /** The first seq whose record was modified on or after `date` (for date-valued `from`). */
  seqForDate(date: Date, modifiedOf: (r: T) => string | null | undefined): number {
    let min = Number.POSITIVE_INFINITY;
    for (const entry of this.log) {
      if (this.lastSeq.get(entry.id) !== entry.seq) continue;
      const record = this.byId.get(entry.id);
      const modified = record ? modifiedOf(record) : null;
      if (modified && new Date(modified) >= date) min = Math.min(min, entry.seq);
    }
    return Number.isFinite(min) ? min - 1 : this.seq;
  }

  get currentSeq(): number {
    return this.seq;
  }

  private index(record: T): void {
    for (const [field, index] of this.indexes) {
      const value = record[field];
      if (typeof value !== 'number') continue;
      let set = index.get(value);
      if (!set) {
        set = new Set();
        index.set(value, set);
      }
      set.add(record.id);
    }
  }

  private unindex(record: T): void {
    for (const [field, index] of this.indexes) {
      const value = record[field];
      if (typeof value === 'number') index.get(value)?.delete(record.id);
    }
  }
}
