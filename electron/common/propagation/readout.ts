/**
 * STCN memory read-out, the same formula as `readout()` in native-models/isegnet/propagation.py:
 *
 *   s[n, q] = (2·⟨mk_n, qk_q⟩ − |mk_n|²) / √Ck     (−|qk_q|² dropped: the same for every n)
 *   keep the top-k largest s[·, q] over the memory positions n a query may see (all of them when
 *   fewer than k), w = softmax over the kept entries (max subtracted),
 *   out[:, q] = Σ_kept w[n, q] · mv[:, n]
 *
 * Which memory positions a query sees: every position of every frame (STCN), or, with a
 * `ReadoutWindow`, only those within `radius` feature cells of the query's tile, in every frame
 * (a local read-out, as in kernel-guided / windowed memory read-outs). With a window the cost per
 * query is fixed, so the read-out grows with the slice area instead of its square. A window with
 * `pool` f also sees every frame coarsely: the mean key and value of each f × f block of cells, so
 * that a query whose best matches lie outside its window (background tissue elsewhere) still finds
 * them instead of being forced onto the window's object cells; that adds (P / f²) positions per
 * frame, a sixteenth of the frame at f = 4.
 *
 * Tensors come channel-major from the networks (key Ck × P, value Cv × P, P = h·w positions at
 * stride 16). The memory keeps them tiled for the kernel: the query grid is cut into tiles, each
 * tile has one window, and each frame occupies one slot of columns in every tile's window, so
 * adding a frame writes one slot and removing one moves at most the last slot into its place —
 * nothing is re-concatenated. The frames fill the first slots, so that without a window (one tile)
 * a kernel is given just those.
 */

export interface ReadoutDims {
  /** Key channels Ck. */
  readonly keyDim: number;
  /** Value channels Cv. */
  readonly valueDim: number;
  /** Positions per frame (h·w at stride 16). */
  readonly positions: number;
}

/** The feature grid of a frame (height × width = positions). */
export interface ReadoutGrid {
  readonly height: number;
  readonly width: number;
}

/**
 * A local read-out: query tiles of `tile` × `tile` cells see memory within `radius` cells of the
 * tile, and, with `pool` f ≥ 2, the whole frame as means of f × f blocks of cells. `tile` 0: no
 * local window, every query sees only the block means (a reduced key grid: P / f² per frame).
 */
export interface ReadoutWindow {
  readonly tile: number;
  readonly radius: number;
  readonly pool?: number;
  /**
   * At most this many pooled blocks per side: on a grid wider than pool × poolSide cells the blocks
   * grow (edge ⌈side / poolSide⌉), so the coarse part stays a fixed size and the whole read-out
   * grows with the slice area, not its square. Absent: blocks of `pool` cells at any size.
   */
  readonly poolSide?: number;
}

/**
 * Whether the read-out can run `window`: whole cells; a pool of 0 (none) or ≥ 2; a tile of 0 (block
 * means only) or a side cap only with pooling. The one rule for manifests and command lines.
 */
export function isRunnableWindow(window: ReadoutWindow): boolean {
  const pool = window.pool ?? 0;
  const whole = (v: number, least: number): boolean => Number.isInteger(v) && v >= least;
  return (
    whole(window.tile, 0) &&
    whole(window.radius, 0) &&
    whole(pool, 0) &&
    pool !== 1 &&
    (window.tile > 0 || pool >= 2) &&
    (window.poolSide === undefined || (whole(window.poolSide, 1) && pool >= 2))
  );
}

/** The edge of a pooled block on a grid of `height` × `width` cells (0: no pooling). */
export function pooledBlockEdge(height: number, width: number, window?: ReadoutWindow): number {
  const pool = window?.pool ?? 0;
  if (pool < 2) return 0;
  const side = window?.poolSide;
  return side === undefined ? pool : Math.max(pool, Math.ceil(Math.max(height, width) / side));
}

export const DEFAULT_TOP_K = 20;

/** How query positions are grouped into tiles and which memory positions each tile sees. */
export interface ReadoutTiling {
  readonly tiles: number;
  /** Query positions per tile (Q); edge tiles overlap their neighbours so that all have Q. */
  readonly queriesPerTile: number;
  /** Memory positions per frame in each tile's window (W). */
  readonly windowPositions: number;
  /** Pooled blocks per frame that every tile also sees (G; 0 without pooling). */
  readonly pooledPositions: number;
  /** Columns one frame occupies in each tile: W + G. */
  readonly slotWidth: number;
  /** Grid position → its pooled block (empty without pooling). */
  readonly blockOf: Int32Array;
  /** Cells per pooled block (empty without pooling). */
  readonly blockSize: Float32Array;
  /** tiles × Q grid positions of the queries. */
  readonly queryAt: Int32Array;
  /** tiles × W grid positions of the window. */
  readonly windowAt: Int32Array;
}

/** Tiles of the grid; without a window one tile holds every position and sees every position. */
export function readoutTiling(grid: ReadoutGrid, window?: ReadoutWindow): ReadoutTiling {
  const { height, width } = grid;
  const local = window !== undefined && window.tile > 0;
  const tileH = local ? Math.min(window.tile, height) : height;
  const tileW = local ? Math.min(window.tile, width) : width;
  const radius = local ? window.radius : 0;
  const windowH = !window ? height : local ? Math.min(tileH + 2 * radius, height) : 0;
  const windowW = !window ? width : local ? Math.min(tileW + 2 * radius, width) : 0;
  const rows = Math.ceil(height / tileH);
  const cols = Math.ceil(width / tileW);
  const tiles = rows * cols;
  const queryAt = new Int32Array(tiles * tileH * tileW);
  const windowAt = new Int32Array(tiles * windowH * windowW);
  let q = 0;
  let w = 0;
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      // The last tile of a row or column is shifted back inside the grid (it overlaps the one before).
      const y0 = Math.min(ty * tileH, height - tileH);
      const x0 = Math.min(tx * tileW, width - tileW);
      for (let y = 0; y < tileH; y++) for (let x = 0; x < tileW; x++) queryAt[q++] = (y0 + y) * width + x0 + x;
      // The window is centred on the tile where it can be and shifted inside the grid at the borders.
      const wy = Math.max(0, Math.min(y0 - radius, height - windowH));
      const wx = Math.max(0, Math.min(x0 - radius, width - windowW));
      for (let y = 0; y < windowH; y++) for (let x = 0; x < windowW; x++) windowAt[w++] = (wy + y) * width + wx + x;
    }
  }
  const pool = pooledBlockEdge(height, width, window);
  const blockRows = pool >= 2 ? Math.ceil(height / pool) : 0;
  const blockCols = pool >= 2 ? Math.ceil(width / pool) : 0;
  const blockOf = new Int32Array(pool >= 2 ? height * width : 0);
  const blockSize = new Float32Array(blockRows * blockCols);
  if (pool >= 2) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const block = Math.floor(y / pool) * blockCols + Math.floor(x / pool);
        blockOf[y * width + x] = block;
        blockSize[block] = (blockSize[block] as number) + 1;
      }
    }
  }
  const windowPositions = windowH * windowW;
  const pooledPositions = blockRows * blockCols;
  return { tiles, queriesPerTile: tileH * tileW, windowPositions, pooledPositions, slotWidth: windowPositions + pooledPositions, blockOf, blockSize, queryAt, windowAt };
}

/**
 * The memory as a kernel takes it: per tile, `columns` = slots × W memory positions (a slot per
 * frame, empty slots scored out by a huge norm). The arrays are the memory's own (or views of them)
 * and change when a frame is added or removed: a kernel reads them only until its promise settles.
 */
export interface MemoryTensors {
  /** tiles × columns × Ck, position-major. */
  readonly keys: Float32Array;
  /** tiles × columns: |k|² / √Ck, or EMPTY_NORM where a slot holds no frame. */
  readonly norms: Float32Array;
  /** (tiles × columns) × Cv, position-major. */
  readonly values: Float32Array;
  /** Per tile t, t × columns: where its rows start in `values`. */
  readonly offsets: BigInt64Array;
  readonly tiles: number;
  readonly queriesPerTile: number;
  readonly columns: number;
}

/** The norm of an empty slot: its scores are about −1e30, so a top-k of at most the real positions never keeps them. */
export const EMPTY_NORM = 1e30;

/**
 * An accelerated read-out (ONNX Runtime in electron/node/propagation/ort-kernels.ts): the query
 * comes tiled (tiles × Q × Ck) and pre-scaled by 2/√Ck, so that scores = query·keys − norms per
 * tile is the formula above; it returns tiles × Q × Cv. `k` is at most the positions a query sees.
 * `ReadoutMemory.read` stays the reference.
 */
export type ReadoutKernel = (query: Float32Array, memory: MemoryTensors, dims: ReadoutDims, k: number) => Promise<Float32Array>;

export interface ReadoutMemoryOptions {
  /** Default: one row of `positions` (fine without a window). */
  readonly grid?: ReadoutGrid;
  readonly window?: ReadoutWindow;
  /** Frames held before the bank grows (default 4). */
  readonly capacity?: number;
}

function checkLength(what: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) throw new Error(`readout: ${what} has ${array.length} numbers, expected ${expected}`);
}

/** Top-k of a stream of scores: k slots, the weakest one tracked so most candidates cost one compare. */
class TopK {
  readonly values: Float64Array;
  readonly indices: Int32Array;
  count = 0;
  private minSlot = 0;
  min = -Infinity;

  constructor(readonly k: number) {
    this.values = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  reset(): void {
    this.count = 0;
    this.min = -Infinity;
    this.minSlot = 0;
  }

  offer(score: number, index: number): void {
    if (this.count < this.k) {
      this.values[this.count] = score;
      this.indices[this.count] = index;
      this.count++;
      if (this.count === this.k) this.findMin();
    } else if (score > this.min) {
      this.values[this.minSlot] = score;
      this.indices[this.minSlot] = index;
      this.findMin();
    }
  }

  private findMin(): void {
    const values = this.values;
    let slot = 0;
    let min = values[0] as number;
    for (let i = 1; i < this.k; i++) {
      const v = values[i] as number;
      if (v < min) {
        min = v;
        slot = i;
      }
    }
    this.min = min;
    this.minSlot = slot;
  }
}

/**
 * A memory bank of key/value frames for one object. Frames are added as the networks return them
 * (channel-major) and removed by insertion order; `read` is the read-out for one query frame in
 * TypeScript, `readWith` the same through a kernel.
 */
export class ReadoutMemory {
  readonly tiling: ReadoutTiling;
  private slots: number;
  private keys: Float32Array;
  private norms: Float32Array;
  private values: Float32Array;
  private offsets: BigInt64Array;
  /** Slot of each frame, in insertion order; the frames hold slots 0 … frameCount − 1. */
  private readonly order: number[] = [];
  /** Reused per read: the tiled query and the channel-major result. */
  private readonly query: Float32Array;
  private readonly result: Float32Array;
  private readonly positionNorms: Float32Array;
  /** The frame being added, position-major (P × Ck, P × Cv), so each window copies whole rows. */
  private readonly keyByPosition: Float32Array;
  private readonly valueByPosition: Float32Array;
  /** Reused per added frame: its pooled blocks, position-major, and their scaled norms. */
  private readonly pooledKey: Float32Array;
  private readonly pooledValue: Float32Array;
  private readonly pooledNorms: Float32Array;

  constructor(
    readonly dims: ReadoutDims,
    options: ReadoutMemoryOptions = {},
  ) {
    for (const [name, v] of Object.entries(dims)) {
      if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`readout: ${name} must be a positive integer, got ${String(v)}`);
    }
    const grid = options.grid ?? { height: 1, width: dims.positions };
    if (grid.height * grid.width !== dims.positions) throw new Error(`readout: a ${grid.height} × ${grid.width} grid does not hold ${dims.positions} positions`);
    const window = options.window;
    if (window && !(Number.isInteger(window.tile) && window.tile >= 0 && Number.isInteger(window.radius) && window.radius >= 0)) {
      throw new Error(`readout: the window needs a tile ≥ 1 (0: blocks only) and a radius ≥ 0 in whole cells, got ${window.tile} and ${window.radius}`);
    }
    if (window?.pool !== undefined && !(Number.isInteger(window.pool) && (window.pool === 0 || window.pool >= 2))) {
      throw new Error(`readout: the window's pooled blocks need 0 (none) or ≥ 2 cells a side, got ${window.pool}`);
    }
    if (window?.poolSide !== undefined && !(Number.isInteger(window.poolSide) && window.poolSide >= 1)) {
      throw new Error(`readout: the window's pooled blocks per side need a whole number ≥ 1, got ${window.poolSide}`);
    }
    if (window && window.tile === 0 && !((window.pool ?? 0) >= 2)) throw new Error('readout: a window of tile 0 sees only pooled blocks, so it needs a pool ≥ 2');
    this.tiling = readoutTiling(grid, window);
    this.slots = Math.max(1, Math.floor(options.capacity ?? 4));
    [this.keys, this.norms, this.values, this.offsets] = this.allocate(this.slots);
    this.query = new Float32Array(this.tiling.tiles * this.tiling.queriesPerTile * dims.keyDim);
    this.result = new Float32Array(dims.valueDim * dims.positions);
    this.positionNorms = new Float32Array(dims.positions);
    this.keyByPosition = new Float32Array(dims.positions * dims.keyDim);
    this.valueByPosition = new Float32Array(dims.positions * dims.valueDim);
    this.pooledKey = new Float32Array(this.tiling.pooledPositions * dims.keyDim);
    this.pooledValue = new Float32Array(this.tiling.pooledPositions * dims.valueDim);
    this.pooledNorms = new Float32Array(this.tiling.pooledPositions);
  }

  get frameCount(): number {
    return this.order.length;
  }

  /** Memory positions one query sees with the frames held now. */
  get visiblePositions(): number {
    return this.order.length * this.tiling.slotWidth;
  }

  /** Adds one frame: key Ck × P and value Cv × P, channel-major (copied; the arrays may be reused). */
  add(key: Float32Array, value: Float32Array): void {
    const { keyDim: ck, valueDim: cv, positions: P } = this.dims;
    checkLength('key frame', key, ck * P);
    checkLength('value frame', value, cv * P);
    if (this.order.length === this.slots) this.grow(this.slots * 2);
    const slot = this.order.length;
    const { tiles, windowPositions: W, pooledPositions: G, slotWidth: S, windowAt } = this.tiling;
    const columns = this.slots * S;
    const scale = 1 / Math.sqrt(ck);
    const norms = this.positionNorms.fill(0);
    const keyRows = this.keyByPosition;
    const valueRows = this.valueByPosition;
    for (let c = 0; c < ck; c++) {
      const row = c * P;
      for (let p = 0; p < P; p++) {
        const v = key[row + p] as number;
        norms[p] = (norms[p] as number) + v * v;
        keyRows[p * ck + c] = v;
      }
    }
    for (let c = 0; c < cv; c++) {
      const row = c * P;
      for (let p = 0; p < P; p++) valueRows[p * cv + c] = value[row + p] as number;
    }
    if (G > 0) this.poolFrame(key, value);
    for (let t = 0; t < tiles; t++) {
      const at = t * W;
      const row0 = t * columns + slot * S;
      for (let w = 0; w < W; w++) {
        const p = windowAt[at + w] as number;
        this.norms[row0 + w] = (norms[p] as number) * scale;
        this.keys.set(keyRows.subarray(p * ck, (p + 1) * ck), (row0 + w) * ck);
        this.values.set(valueRows.subarray(p * cv, (p + 1) * cv), (row0 + w) * cv);
      }
      if (G > 0) {
        this.keys.set(this.pooledKey, (row0 + W) * ck);
        this.values.set(this.pooledValue, (row0 + W) * cv);
        this.norms.set(this.pooledNorms, row0 + W);
      }
    }
    this.order.push(slot);
  }

  /** The frame's f × f block means (keys and values, position-major) and their scaled key norms. */
  private poolFrame(key: Float32Array, value: Float32Array): void {
    const { keyDim: ck, valueDim: cv, positions: P } = this.dims;
    const { pooledPositions: G, blockOf, blockSize } = this.tiling;
    const pooledKey = this.pooledKey.fill(0);
    const pooledValue = this.pooledValue.fill(0);
    for (let c = 0; c < ck; c++) {
      const row = c * P;
      for (let p = 0; p < P; p++) {
        const at = (blockOf[p] as number) * ck + c;
        pooledKey[at] = (pooledKey[at] as number) + (key[row + p] as number);
      }
    }
    for (let c = 0; c < cv; c++) {
      const row = c * P;
      for (let p = 0; p < P; p++) {
        const at = (blockOf[p] as number) * cv + c;
        pooledValue[at] = (pooledValue[at] as number) + (value[row + p] as number);
      }
    }
    const scale = 1 / Math.sqrt(ck);
    for (let g = 0; g < G; g++) {
      const inverse = 1 / (blockSize[g] as number);
      let norm = 0;
      for (let c = 0; c < ck; c++) {
        const v = (pooledKey[g * ck + c] as number) * inverse;
        pooledKey[g * ck + c] = v;
        norm += v * v;
      }
      for (let c = 0; c < cv; c++) pooledValue[g * cv + c] = (pooledValue[g * cv + c] as number) * inverse;
      this.pooledNorms[g] = norm * scale;
    }
  }

  /** Removes the frame at `index` in insertion order (0 = oldest); the last slot moves into its place. */
  remove(index: number): void {
    if (index < 0 || index >= this.order.length) throw new Error(`readout: no memory frame ${index}`);
    const [slot] = this.order.splice(index, 1) as [number];
    const last = this.order.length;
    if (slot !== last) {
      this.moveSlot(last, slot);
      this.order[this.order.indexOf(last)] = slot;
    }
    this.emptySlot(last);
  }

  clear(): void {
    for (const slot of this.order) this.emptySlot(slot);
    this.order.length = 0;
  }

  /** The bank as a `ReadoutKernel` takes it (the memory's own arrays, not copies); with one tile, only the filled slots. */
  tensors(): MemoryTensors {
    const { tiles, queriesPerTile, slotWidth: W } = this.tiling;
    const { keyDim: ck, valueDim: cv } = this.dims;
    if (tiles === 1) {
      const columns = Math.max(1, this.order.length) * W;
      return { keys: this.keys.subarray(0, columns * ck), norms: this.norms.subarray(0, columns), values: this.values.subarray(0, columns * cv), offsets: this.offsets, tiles, queriesPerTile, columns };
    }
    return { keys: this.keys, norms: this.norms, values: this.values, offsets: this.offsets, tiles, queriesPerTile, columns: this.slots * W };
  }

  /**
   * The read-out computed by `kernel` (e.g. ONNX Runtime); Cv × P, channel-major, in a buffer the
   * memory reuses: valid until the next read.
   */
  async readWith(kernel: ReadoutKernel, queryKey: Float32Array, topK: number = DEFAULT_TOP_K): Promise<Float32Array> {
    const k = this.checkRead(queryKey, topK);
    const { keyDim: ck } = this.dims;
    const { queryAt } = this.tiling;
    const query = this.query;
    const P = this.dims.positions;
    const scale = 2 / Math.sqrt(ck);
    for (let i = 0; i < queryAt.length; i++) {
      const p = queryAt[i] as number;
      const base = i * ck;
      for (let c = 0; c < ck; c++) query[base + c] = (queryKey[c * P + p] as number) * scale;
    }
    const tiled = await kernel(query, this.tensors(), this.dims, k);
    checkLength('kernel read-out', tiled, queryAt.length * this.dims.valueDim);
    return this.untile(tiled);
  }

  /** Read-out for one query key frame (Ck × P, channel-major) → Cv × P, channel-major (a new array). */
  read(queryKey: Float32Array, topK: number = DEFAULT_TOP_K): Float32Array {
    const k = this.checkRead(queryKey, topK);
    const { keyDim: ck, valueDim: cv, positions: P } = this.dims;
    const { tiles, queriesPerTile: Q, queryAt } = this.tiling;
    const columns = this.slots * this.tiling.slotWidth;
    const result = new Float32Array(cv * P);
    const scores = new Float64Array(columns);
    // The query's channels side by side, so that each dot product reads two contiguous rows.
    const query = new Float64Array(ck);
    const selector = new TopK(k);
    const weights = new Float64Array(k);
    const acc = new Float64Array(cv);
    const slotColumns = this.usedColumns();
    for (let t = 0; t < tiles; t++) {
      for (let i = 0; i < Q; i++) {
        const p = queryAt[t * Q + i] as number;
        for (let c = 0; c < ck; c++) query[c] = queryKey[c * P + p] as number;
        for (const [from, to] of slotColumns) {
          for (let n = from; n < to; n++) {
            const base = (t * columns + n) * ck;
            let dot = 0;
            for (let c = 0; c < ck; c++) dot += (query[c] as number) * (this.keys[base + c] as number);
            scores[n] = dot;
          }
        }
        selector.reset();
        for (const [from, to] of slotColumns) for (let n = from; n < to; n++) selector.offer(2 * (scores[n] as number) / Math.sqrt(ck) - (this.norms[t * columns + n] as number), n);
        let max = -Infinity;
        for (let j = 0; j < selector.count; j++) max = Math.max(max, selector.values[j] as number);
        let sum = 0;
        for (let j = 0; j < selector.count; j++) sum += weights[j] = Math.exp((selector.values[j] as number) - max);
        acc.fill(0);
        for (let j = 0; j < selector.count; j++) {
          const base = (t * columns + (selector.indices[j] as number)) * cv;
          const w = (weights[j] as number) / sum;
          for (let c = 0; c < cv; c++) acc[c] = (acc[c] as number) + w * (this.values[base + c] as number);
        }
        for (let c = 0; c < cv; c++) result[c * P + p] = acc[c] as number;
      }
    }
    return result;
  }

  private checkRead(queryKey: Float32Array, topK: number): number {
    checkLength('query key', queryKey, this.dims.keyDim * this.dims.positions);
    if (this.order.length === 0) throw new Error('readout: the memory is empty');
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`readout: top-k must be a positive integer, got ${topK}`);
    return Math.min(topK, this.visiblePositions);
  }

  /** tiles × Q × Cv → Cv × P into the reused result (overlapping edge tiles write the same value twice). */
  private untile(tiled: Float32Array): Float32Array {
    const { valueDim: cv, positions: P } = this.dims;
    const { queryAt } = this.tiling;
    const result = this.result;
    for (let i = 0; i < queryAt.length; i++) {
      const p = queryAt[i] as number;
      const base = i * cv;
      for (let c = 0; c < cv; c++) result[c * P + p] = tiled[base + c] as number;
    }
    return result;
  }

  /** [from, to) column ranges of the slots that hold a frame. */
  private usedColumns(): [number, number][] {
    const W = this.tiling.slotWidth;
    return this.order.map((slot) => [slot * W, (slot + 1) * W]);
  }

  private moveSlot(from: number, to: number): void {
    const { keyDim: ck, valueDim: cv } = this.dims;
    const { tiles, slotWidth: W } = this.tiling;
    const columns = this.slots * W;
    for (let t = 0; t < tiles; t++) {
      const source = t * columns + from * W;
      const target = t * columns + to * W;
      this.keys.copyWithin(target * ck, source * ck, (source + W) * ck);
      this.norms.copyWithin(target, source, source + W);
      this.values.copyWithin(target * cv, source * cv, (source + W) * cv);
    }
  }

  private emptySlot(slot: number): void {
    const { tiles, slotWidth: W } = this.tiling;
    const columns = this.slots * W;
    for (let t = 0; t < tiles; t++) this.norms.fill(EMPTY_NORM, t * columns + slot * W, t * columns + (slot + 1) * W);
  }

  private allocate(slots: number): [Float32Array, Float32Array, Float32Array, BigInt64Array] {
    const { keyDim: ck, valueDim: cv } = this.dims;
    const { tiles, slotWidth: W } = this.tiling;
    const columns = slots * W;
    const offsets = new BigInt64Array(tiles);
    for (let t = 0; t < tiles; t++) offsets[t] = BigInt(t * columns);
    return [new Float32Array(tiles * ck * columns), new Float32Array(tiles * columns).fill(EMPTY_NORM), new Float32Array(tiles * columns * cv), offsets];
  }

  /** More slots: each tile's rows are copied to the front of their longer rows. */
  private grow(slots: number): void {
    const { keyDim: ck, valueDim: cv } = this.dims;
    const { tiles, slotWidth: W } = this.tiling;
    const before = this.slots * W;
    const after = slots * W;
    const [keys, norms, values, offsets] = this.allocate(slots);
    for (let t = 0; t < tiles; t++) {
      keys.set(this.keys.subarray(t * before * ck, (t + 1) * before * ck), t * after * ck);
      norms.set(this.norms.subarray(t * before, (t + 1) * before), t * after);
      values.set(this.values.subarray(t * before * cv, (t + 1) * before * cv), t * after * cv);
    }
    [this.keys, this.norms, this.values, this.offsets, this.slots] = [keys, norms, values, offsets, slots];
  }
}

/**
 * Functional form over channel-major tensors, as in the Python reference: qk Ck × P, mk Ck × N,
 * mv Cv × N with N = T·P (frames concatenated along N); every query sees every position.
 */
export function readout(
  queryKey: Float32Array,
  memoryKeys: Float32Array,
  memoryValues: Float32Array,
  dims: ReadoutDims,
  topK: number = DEFAULT_TOP_K,
): Float32Array {
  const { keyDim: ck, valueDim: cv, positions: P } = dims;
  const total = memoryKeys.length / ck;
  if (!Number.isInteger(total) || total % P !== 0 || total === 0) throw new Error('readout: memory keys are not Ck × (T·P)');
  checkLength('memory values', memoryValues, cv * total);
  const frames = total / P;
  const memory = new ReadoutMemory(dims, { capacity: frames });
  for (let t = 0; t < frames; t++) {
    const key = new Float32Array(ck * P);
    const value = new Float32Array(cv * P);
    for (let c = 0; c < ck; c++) key.set(memoryKeys.subarray(c * total + t * P, c * total + (t + 1) * P), c * P);
    for (let c = 0; c < cv; c++) value.set(memoryValues.subarray(c * total + t * P, c * total + (t + 1) * P), c * P);
    memory.add(key, value);
  }
  return memory.read(queryKey, topK);
}
