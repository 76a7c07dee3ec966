// The block store behind a LUN: sparse extents kept in the data arena. An extent is allocated the
// first time a block in it is written; blocks never written read as zeros. Two kinds share this
// shape: memory (Node, tests) and IndexedDB (the browser), which adds durability and reload.

/** Bytes per extent: under the ~60 KiB where Chromium starts wrapping IndexedDB values in blobs. */
export const EXTENT_SIZE = 32 * 1024;

export interface Volume {
  /** Stable key of the volume in the store (the LUN's NAA id). */
  readonly key: string;
  /**
   * Writes the arena address of extents [first, first + count) into the u32 table at `table`
   * (0 for a hole). With `forWrite`, holes are allocated (zeroed) first. Returns null when done
   * synchronously: the usual case, with no promise on the I/O path. Returns a promise when extents
   * must be loaded first; call again once it settles.
   */
  map(first: number, count: number, forWrite: boolean, table: number): Promise<void> | null;
  /** Records that extents [first, first + count) were changed. */
  written(first: number, count: number): void;
  /**
   * Gives extents [first, first + count) back (thin provisioning: UNMAP, WRITE SAME with UNMAP): they
   * read as zeros again and their memory is freed; the deletion is made durable with the next flush
   * (whenDurable). Synchronous, and needs no extent loaded first.
   */
  deallocate(first: number, count: number): void;
  /**
   * Calls `done` once everything written so far is durable (at once for memory). `done` gets an
   * Error when it cannot be made durable, for instance when the storage quota is exhausted.
   */
  whenDurable(done: (error?: Error) => void): void;
  /** Number of extents allocated (written at least once). */
  allocatedExtents(): number;
}

export interface BlockStore {
  readonly kind: 'memory' | 'indexeddb';
  /**
   * Why the latest writes could not be made durable (the storage quota, for one), until a later
   * flush succeeds. The writes concerned were failed back to their initiators, none acknowledged.
   */
  readonly failure?: string;
  open(key: string): Promise<Volume>;
  /**
   * The extents held for every volume whose key starts with `prefix`, by key: what a volume reads
   * back, whatever a lab state recorded. One read of the store for all of them.
   */
  storedExtents(prefix: string): Promise<Map<string, number[]>>;
  /** Forgets every volume's data. */
  clear(): Promise<void>;
  close(): void;
}
