// fio's completion-latency log: a log-linear histogram (fio's io_u_plat: 64 linear buckets per
// power of two, values in ns) plus min, max, sum and sum of squares, for fio-style percentiles.


const PLAT_BITS = 6;
const PLAT_VAL = 1 << PLAT_BITS;
/** 34 groups: up to 2^39 ns (~550 s); slower commands land in the last bucket. */
const PLAT_GROUPS = 34;
export const PLAT_NR = PLAT_GROUPS * PLAT_VAL;

/** fio's default percentile list. */
export const FIO_PERCENTILES = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

function platIndex(ns: number): number {
  const hi = Math.floor(ns / 4294967296);
  const msb = hi > 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(ns >>> 0);
  if (msb <= PLAT_BITS) return ns >>> 0;
  const errorBits = msb - PLAT_BITS;
  const base = (errorBits + 1) << PLAT_BITS;
  const offset = (PLAT_VAL - 1) & Math.floor(ns / 2 ** errorBits);
  return Math.min(base + offset, PLAT_NR - 1);
}

/** The value a bucket stands for (its midpoint), in ns, as fio's plat_idx_to_val. */
export function platValueNs(index: number): number {
  if (index < PLAT_VAL << 1) return index;
  const errorBits = (index >> PLAT_BITS) - 1;
  const base = 2 ** (errorBits + PLAT_BITS);
  const k = index % PLAT_VAL;
  return base + (k + 0.5) * 2 ** errorBits;
}

export class LatencyLog {
  readonly buckets = new Float64Array(PLAT_NR);
  samples = 0;
  minUs = Infinity;
  maxUs = 0;
  sumUs = 0;
  sumSqUs = 0;

  add(us: number): void {
    this.buckets[platIndex(Math.max(0, Math.round(us * 1000)))]++;
    this.samples++;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
    this.sumUs += us;
    this.sumSqUs += us * us;
  }

  get meanUs(): number {
    return this.samples > 0 ? this.sumUs / this.samples : 0;
  }

  /** Sample standard deviation, µs. */
  get stdevUs(): number {
    if (this.samples < 2) return 0;
    const n = this.samples;
    return Math.sqrt(Math.max(0, (this.sumSqUs - (this.sumUs * this.sumUs) / n) / (n - 1)));
  }

  /** Percentiles (fio's calc_clat_percentiles), in ns: bucket midpoints. */
  percentilesNs(list: readonly number[] = FIO_PERCENTILES): number[] {
    const out = new Array<number>(list.length).fill(0);
    if (this.samples === 0) return out;
    let sum = 0;
    let j = 0;
    for (let i = 0; i < PLAT_NR && j < list.length; i++) {
      sum += this.buckets[i];
      while (j < list.length && sum >= (list[j] / 100) * this.samples) out[j++] = platValueNs(i);
    }
    return out;
  }
}

export class DirectionStats {
  /** Commands completed successfully, and their bytes. */
  ios = 0;
  bytes = 0;
  /** Commands that failed back to the issuer. */
  errors = 0;
  readonly lat = new LatencyLog();
}

