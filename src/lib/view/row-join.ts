/**
 * A RowSink in front of another that adds cells joined from elsewhere (namespace counts, usage).
 * It keeps each row as its informer sent it and merges the joined cells on the way out, so an
 * object update never loses the joined cells and a join update never loses object fields.
 */
import type { Row, RowSink } from '../watch/row';

export abstract class RowJoin implements RowSink {
  /** Each row as its source sent it, by key. */
  protected readonly base = new Map<string, { row: Row; source: string }>();

  constructor(protected readonly target: RowSink) {}

  /** The row the target gets: `row` with the joined cells. */
  protected abstract merge(row: Row): Row;

  replaceSource(source: string, rows: readonly Row[]): void {
    for (const [key, entry] of this.base) if (entry.source === source) this.base.delete(key);
    for (const row of rows) this.base.set(row.key, { row, source });
    this.target.replaceSource(
      source,
      rows.map((r) => this.merge(r))
    );
  }

  upsert(row: Row, source: string): void {
    this.base.set(row.key, { row, source });
    this.target.upsert(this.merge(row), source);
  }

  remove(key: string): void {
    this.base.delete(key);
    this.target.remove(key);
  }

  /** The joined cells of the row with this key changed: send it again. */
  protected resend(key: string): void {
    const entry = this.base.get(key);
    if (entry) this.target.upsert(this.merge(entry.row), entry.source);
  }
}
