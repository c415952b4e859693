/**
 * The autosave journal of every open document, in one folder of the app's data folder. An append
 * answers once its records are fsync'd; when a document's log grows past `compactBytes` its
 * state is written as a snapshot in the background and the log starts again. A document seen for
 * the first time in this process (after a restart) is read from disk, and a torn tail is cut off
 * so later records are appended after the last whole one.
 */
import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { JournalRecord, PendingDocument } from '../../common/contract-journal';
import { JournalState, type JournalSnapshotState } from '../../common/journal/journal-state';
import { ServiceError } from '../../common/errors';
import { writeFileAtomically } from '../atomic-write';
import { decodeLog, decodeSnapshot, encodeRecord, encodeSnapshot, type DocumentInfo } from './journal-file';

const SNAPSHOT_SUFFIX = '.snapshot.gz';
const LOG_SUFFIX = '.log';

export interface JournalStoreOptions {
  /** Log bytes after which the document is compacted into a new snapshot (default 8 MiB). */
  compactBytes?: number;
  /** Documents kept on disk; beginning another deletes the least recently changed (default 4). */
  maxDocuments?: number;
  historyBudgetBytes?: number;
  log?: (message: string) => void;
}

interface OpenDocument {
  readonly id: string;
  readonly info: DocumentInfo;
  readonly state: JournalState;
  log: FileHandle;
  logBytes: number;
  /** Every file operation on the document runs after the previous one. */
  queue: Promise<unknown>;
  changed: Date;
  /** Why part of the journal was left out when it was read from disk. */
  notice?: string;
}

export interface LoadedDocument {
  info: DocumentInfo;
  state: JournalSnapshotState;
  notice?: string;
}

function noticeForTorn(bytes: number): string {
  return `The last ${bytes} bytes of the autosave journal were incomplete (written as the app stopped) and were left out.`;
}

export class JournalStore {
  private readonly documents = new Map<string, OpenDocument>();
  /** Loads in progress, so two calls for one document never open its log twice. */
  private readonly loading = new Map<string, Promise<OpenDocument>>();
  private readonly compactBytes: number;
  private readonly maxDocuments: number;
  private readonly log: (message: string) => void;
  /** Background compactions in flight (awaited by `idle`, for tests and shutdown). */
  private readonly background = new Set<Promise<void>>();

  constructor(
    readonly folder: string,
    private readonly options: JournalStoreOptions = {},
  ) {
    this.compactBytes = options.compactBytes ?? 8 << 20;
    this.maxDocuments = options.maxDocuments ?? 4;
    this.log = options.log ?? (() => undefined);
  }

  private snapshotPath(id: string): string {
    return join(this.folder, `${id}${SNAPSHOT_SUFFIX}`);
  }

  private logPath(id: string): string {
    return join(this.folder, `${id}${LOG_SUFFIX}`);
  }

  /** Starts (or restarts) a document's journal from this state; earlier records of it are dropped. */
  async begin(id: string, info: DocumentInfo, state: JournalSnapshotState): Promise<void> {
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const previous = this.documents.get(id);
    if (previous) {
      await previous.queue.catch(() => undefined);
      await previous.log.close();
      this.documents.delete(id);
    }
    await this.writeSnapshot(id, info, state);
    const log = await open(this.logPath(id), 'w', 0o600);
    await log.sync();
    this.documents.set(id, {
      id,
      info,
      state: new JournalState(state, this.options.historyBudgetBytes),
      log,
      logBytes: 0,
      queue: Promise.resolve(),
      changed: new Date(),
    });
    await this.pruneOldDocuments(id);
  }

  /** Appends records; answers once they are on disk. */
  async append(id: string, records: readonly JournalRecord[]): Promise<{ lastSeq: number; rebegin: boolean }> {
    const doc = await this.document(id);
    return this.enqueue(doc, async () => {
      const accepted: JournalRecord[] = [];
      let rebegin = false;
      for (const record of records) {
        if (record.seq <= doc.state.lastSeq) continue;
        if (!doc.state.apply(record)) {
          rebegin = true;
          break;
        }
        accepted.push(record);
      }
      if (accepted.length > 0) {
        const bytes = Buffer.concat(accepted.map(encodeRecord));
        await doc.log.write(bytes, 0, bytes.length, doc.logBytes);
        await doc.log.sync();
        doc.logBytes += bytes.length;
        doc.changed = new Date();
      }
      if (doc.logBytes > this.compactBytes) this.compactLater(doc);
      return { lastSeq: doc.state.lastSeq, rebegin };
    });
  }

  /** The most recently changed document with unsaved work, if any. */
  async pending(): Promise<PendingDocument | undefined> {
    for (const id of await this.idsByRecency()) {
      let doc: OpenDocument;
      try {
        doc = await this.document(id);
      } catch (error) {
        this.log(`Autosave journal ${id} cannot be read and is ignored: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const state = doc.state;
      if (!state.unsaved) continue;
      return {
        documentId: id,
        imageName: doc.info.imageName,
        changed: doc.changed.toISOString(),
        steps: state.steps.length,
        cursor: state.cursor,
        labelledVoxels: state.labelledVoxels(),
        ...(doc.notice === undefined ? {} : { notice: doc.notice }),
      };
    }
    return undefined;
  }

  /** A document's state as of its last record. */
  async load(id: string): Promise<LoadedDocument> {
    const doc = await this.document(id);
    return this.enqueue(doc, () =>
      Promise.resolve({ info: doc.info, state: doc.state.snapshot(), ...(doc.notice === undefined ? {} : { notice: doc.notice }) }),
    );
  }

  async lastSeq(id: string): Promise<number> {
    return (await this.document(id)).state.lastSeq;
  }

  async discard(id: string): Promise<void> {
    const doc = this.documents.get(id);
    if (doc) {
      this.documents.delete(id);
      await doc.queue.catch(() => undefined);
      await doc.log.close();
    }
    await rm(this.snapshotPath(id), { force: true });
    await rm(this.logPath(id), { force: true });
  }

  /** Resolves when no background compaction is running. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  async close(): Promise<void> {
    await this.idle();
    for (const doc of this.documents.values()) {
      await doc.queue.catch(() => undefined);
      await doc.log.close();
    }
    this.documents.clear();
  }

  private enqueue<T>(doc: OpenDocument, work: () => Promise<T>): Promise<T> {
    const next = doc.queue.then(work, work);
    doc.queue = next.catch(() => undefined);
    return next;
  }

  private compactLater(doc: OpenDocument): void {
    const task = this.enqueue(doc, async () => {
      if (this.documents.get(doc.id) !== doc || doc.logBytes <= this.compactBytes) return;
      await this.writeSnapshot(doc.id, doc.info, doc.state.snapshot());
      // Records up to the snapshot's lastSeq are in it; a crash before this truncation only means
      // they are read again and skipped.
      await doc.log.truncate(0);
      await doc.log.sync();
      doc.logBytes = 0;
    }).catch((error: unknown) => {
      this.log(`Autosave compaction failed (the log is kept): ${error instanceof Error ? error.message : String(error)}`);
    });
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }

  private async writeSnapshot(id: string, info: DocumentInfo, state: JournalSnapshotState): Promise<void> {
    const bytes = await encodeSnapshot(info, state);
    await writeFileAtomically(this.snapshotPath(id), bytes, { mode: 0o600, durable: true });
  }

  private async document(id: string): Promise<OpenDocument> {
    const open = this.documents.get(id);
    if (open) return open;
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.readDocument(id).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    return loading;
  }

  private async readDocument(id: string): Promise<OpenDocument> {
    let snapshotBytes: Buffer;
    try {
      snapshotBytes = await readFile(this.snapshotPath(id));
    } catch {
      throw new ServiceError('not-found', 'There is no autosaved work for that document.');
    }
    let snapshot;
    try {
      snapshot = await decodeSnapshot(snapshotBytes);
    } catch (error) {
      throw new ServiceError('unreadable', `The autosave snapshot is damaged (${error instanceof Error ? error.message : String(error)}).`);
    }
    const state = new JournalState(snapshot.state, this.options.historyBudgetBytes);
    const logBytes = await readFile(this.logPath(id)).catch(() => Buffer.alloc(0));
    const contents = decodeLog(logBytes);
    let applied = contents.validBytes;
    let notice = contents.tornBytes > 0 ? noticeForTorn(contents.tornBytes) : undefined;
    contents.records.forEach((record, n) => {
      if (applied < contents.validBytes || state.apply(record)) return;
      // Whole records that do not follow on are left out like a torn tail.
      applied = n === 0 ? 0 : (contents.ends[n - 1] ?? 0);
      notice = noticeForTorn(logBytes.length - applied);
    });
    const log = await open(this.logPath(id), logBytes.length > 0 ? 'r+' : 'w', 0o600);
    if (applied < logBytes.length) {
      await log.truncate(applied);
      await log.sync();
    }
    const changed = await stat(this.logPath(id)).then((s) => s.mtime, () => new Date());
    const doc: OpenDocument = { id, info: snapshot.info, state, log, logBytes: applied, queue: Promise.resolve(), changed, ...(notice ? { notice } : {}) };
    if (notice) this.log(`Autosave journal ${id}: ${notice}`);
    this.documents.set(id, doc);
    return doc;
  }

  /** Document ids on disk, the most recently changed first. */
  private async idsByRecency(): Promise<string[]> {
    const names = await readdir(this.folder).catch(() => [] as string[]);
    const ids = names.filter((n) => n.endsWith(SNAPSHOT_SUFFIX)).map((n) => n.slice(0, -SNAPSHOT_SUFFIX.length));
    const times = await Promise.all(
      ids.map(async (id) => {
        const [a, b] = await Promise.all([stat(this.snapshotPath(id)).catch(() => undefined), stat(this.logPath(id)).catch(() => undefined)]);
        return { id, time: Math.max(a?.mtimeMs ?? 0, b?.mtimeMs ?? 0) };
      }),
    );
    return times.sort((x, y) => y.time - x.time).map((t) => t.id);
  }

  private async pruneOldDocuments(keep: string): Promise<void> {
    const ids = await this.idsByRecency();
    for (const id of ids.slice(this.maxDocuments)) if (id !== keep) await this.discard(id);
  }
}
