// A patrol plan made ready for scoring many fixes: lines split into short segments, everything projected
// to metres, and a uniform grid of cells naming the segments and points near each cell.
import { inRing, localProjection, type Projection } from './geometry.js';
import type { PatrolArea, PatrolPlan } from './plan.js';

/** Cell keys pack two cell indices (each within +-32k cells) into one safe integer. */
const OFFSET = 32_768;
const SPAN = 65_536;

export interface PreparedArea {
  area: PatrolArea;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  rings: { xs: Float64Array; ys: Float64Array }[];
}

export class PreparedPlan {
  readonly proj: Projection;
  readonly cellM: number;
  /** Segment s runs (ax[s], ay[s])-(bx[s], by[s]), is lenM[s] long, belongs to line lineOf[s], and counts within half[s]. */
  readonly ax: Float64Array;
  readonly ay: Float64Array;
  readonly bx: Float64Array;
  readonly by: Float64Array;
  readonly lenM: Float64Array;
  readonly half: Float64Array;
  readonly lineOf: Int32Array;
  readonly lineLengthM: Float64Array;
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly r2: Float64Array;
  readonly areas: PreparedArea[];
  private readonly segCells = new Map<number, number[]>();
  private readonly pointCells = new Map<number, number[]>();

  constructor(
    readonly plan: PatrolPlan,
    segmentM: number,
  ) {
    const all = [...plan.points, ...plan.lines.flatMap((l) => l.path), ...plan.areas.flatMap((a) => a.rings[0] ?? [])];
    const lat0 = all.length ? all.reduce((s, p) => s + p.lat, 0) / all.length : 0;
    const lon0 = all.length ? all.reduce((s, p) => s + p.lon, 0) / all.length : 0;
    this.proj = localProjection(lat0, lon0);
    const maxReach = Math.max(0, ...plan.lines.map((l) => l.corridorM / 2), ...plan.points.map((p) => p.radiusM));
    this.cellM = Math.max(50, segmentM, maxReach);

    const segs: { ax: number; ay: number; bx: number; by: number; line: number; half: number }[] = [];
    this.lineLengthM = new Float64Array(plan.lines.length);
    plan.lines.forEach((line, li) => {
      for (let k = 1; k < line.path.length; k++) {
        const [ax, ay] = [this.proj.x(line.path[k - 1].lon), this.proj.y(line.path[k - 1].lat)];
        const [bx, by] = [this.proj.x(line.path[k].lon), this.proj.y(line.path[k].lat)];
        const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / segmentM));
        for (let i = 0; i < n; i++) {
          segs.push({
            ax: ax + ((bx - ax) * i) / n,
            ay: ay + ((by - ay) * i) / n,
            bx: ax + ((bx - ax) * (i + 1)) / n,
            by: ay + ((by - ay) * (i + 1)) / n,
            line: li,
            half: line.corridorM / 2,
          });
        }
      }
    });
    const n = segs.length;
    [this.ax, this.ay, this.bx, this.by, this.lenM, this.half] = Array.from({ length: 6 }, () => new Float64Array(n));
    this.lineOf = new Int32Array(n);
    segs.forEach((s, i) => {
      this.ax[i] = s.ax;
      this.ay[i] = s.ay;
      this.bx[i] = s.bx;
      this.by[i] = s.by;
      this.lenM[i] = Math.hypot(s.bx - s.ax, s.by - s.ay);
      this.half[i] = s.half;
      this.lineOf[i] = s.line;
      this.lineLengthM[s.line] += this.lenM[i];
      this.index(
        this.segCells,
        i,
        Math.min(s.ax, s.bx) - s.half,
        Math.max(s.ax, s.bx) + s.half,
        Math.min(s.ay, s.by) - s.half,
        Math.max(s.ay, s.by) + s.half,
      );
    });

    const np = plan.points.length;
    [this.px, this.py, this.r2] = [new Float64Array(np), new Float64Array(np), new Float64Array(np)];
    plan.points.forEach((p, i) => {
      this.px[i] = this.proj.x(p.lon);
      this.py[i] = this.proj.y(p.lat);
      this.r2[i] = p.radiusM * p.radiusM;
      this.index(
        this.pointCells,
        i,
        this.px[i] - p.radiusM,
        this.px[i] + p.radiusM,
        this.py[i] - p.radiusM,
        this.py[i] + p.radiusM,
      );
    });

    this.areas = plan.areas.map((area) => {
      const rings = area.rings.map((r) => ({
        xs: Float64Array.from(r, (p) => this.proj.x(p.lon)),
        ys: Float64Array.from(r, (p) => this.proj.y(p.lat)),
      }));
      const outer = rings[0];
      return {
        area,
        rings,
        minX: Math.min(...outer.xs),
        maxX: Math.max(...outer.xs),
        minY: Math.min(...outer.ys),
        maxY: Math.max(...outer.ys),
      };
    });
  }

  get segmentCount(): number {
    return this.lineOf.length;
  }

  key(x: number, y: number): number {
    return (Math.floor(x / this.cellM) + OFFSET) * SPAN + (Math.floor(y / this.cellM) + OFFSET);
  }

  /** Segments whose corridor may hold (x, y); undefined for none. */
  segmentsNear(key: number): number[] | undefined {
    return this.segCells.get(key);
  }

  pointsNear(key: number): number[] | undefined {
    return this.pointCells.get(key);
  }

  /** Whether (x, y) is inside the area: in the outer ring and in no hole. */
  inArea(a: PreparedArea, x: number, y: number): boolean {
    if (x < a.minX || x > a.maxX || y < a.minY || y > a.maxY) return false;
    if (!inRing(x, y, a.rings[0].xs, a.rings[0].ys)) return false;
    for (let h = 1; h < a.rings.length; h++) if (inRing(x, y, a.rings[h].xs, a.rings[h].ys)) return false;
    return true;
  }

  private index(
    cells: Map<number, number[]>,
    item: number,
    minX: number,
    maxX: number,
    minY: number,
    maxY: number,
  ): void {
    for (let i = Math.floor(minX / this.cellM); i <= Math.floor(maxX / this.cellM); i++) {
      for (let j = Math.floor(minY / this.cellM); j <= Math.floor(maxY / this.cellM); j++) {
        const key = (i + OFFSET) * SPAN + (j + OFFSET);
        const list = cells.get(key);
        if (list) list.push(item);
        else cells.set(key, [item]);
      }
    }
  }
}
