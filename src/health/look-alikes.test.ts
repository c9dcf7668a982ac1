// Faults that look like others, on generated frames and measures: a camera turned over a busy road (the layout
// is judged on what stands through the traffic), a colour cast over a flat wall (a change of hue, not a cover),
// and a washed-out picture that keeps some contrast (an exposure fault, never a cover).
import { describe, expect, it } from 'vitest';
import { HEALTH_DEFAULTS } from '../config/health.js';
import type { RgbImage } from '../domain/frame.js';
import type { BaselineValues } from './baseline.js';
import { coverView } from './cover.js';
import { CELL_COLS, CELL_ROWS, exposure } from './features.js';
import type { FaultKind } from './fault-kinds.js';
import type { SampleMeasures } from './measures.js';
import { CameraHealthMonitor } from './monitor.js';
import { sampleFrame } from './sample.js';
import { cover, mapPixels, shift, SyntheticScene, type SceneOptions } from './synthetic-frames.js';

const NOON = Date.UTC(2026, 5, 21, 4, 0, 0); // 12:00 in Shenzhen
const LEARN_S = 20;
const FROM = LEARN_S + 15;

type Fault = (frame: RgbImage, index: number) => RgbImage;

/** One frame a second for `seconds`, the fault from FROM on (to `to`); the faults raised, with seconds into the fault. */
function play(scene: SyntheticScene, seconds: number, fault?: Fault, to = Infinity): { kind: FaultKind; s: number }[] {
  const m = new CameraHealthMonitor({
    lat: 22.5431,
    lon: 114.0579,
    thresholds: HEALTH_DEFAULTS,
    sampleEverySeconds: 1,
    learnSeconds: LEARN_S,
    adaptSeconds: 3600,
  });
  const raised: { kind: FaultKind; s: number }[] = [];
  for (let i = 0; i < seconds; i++) {
    const clean = scene.frame(i);
    const tick = m.onFrame(fault && i >= FROM && i < to ? fault(clean, i) : clean, NOON + i * 1000);
    for (const tr of tick?.transitions ?? [])
      if (tr.change === 'raised') raised.push({ kind: tr.status.kind, s: i - FROM });
  }
  return raised;
}

// Six cars crossing fast, and no slow lorry (one that stands in a place for most of the background's window is
// part of the layout while it stands).
const busyRoad: SceneOptions = { width: 320, height: 180, kind: 'road', noise: 2, moving: false, traffic: 4 };

describe('moved: the layout that stands through passing traffic', () => {
  it('raises nothing on a busy road (a car in every lane, one after another)', () => {
    expect(play(new SyntheticScene(busyRoad), 150)).toEqual([]);
  });

  it('raises moved, and only moved, when the camera over the busy road turns', () => {
    const raised = play(new SyntheticScene(busyRoad), FROM + 60, (f) => shift(f, 40, 25));
    expect(raised.map((r) => r.kind)).toEqual(['moved']);
    expect(raised[0].s).toBeLessThanOrEqual(60);
  });
});

/** A flat, almost white wall over the top half, a textured reddish floor below (the person walk-through's room). */
function wallAndFloor(frame: RgbImage): RgbImage {
  const data = Buffer.from(frame.data);
  for (let i = 0; i < data.length; i += 3) {
    if (i / 3 < (frame.width * frame.height) / 2) {
      // A neutral wall of about 200 with a little sensor noise (the low bits of the noisy frame's pixel).
      data[i] = data[i + 1] = data[i + 2] = 199 + ((frame.data[i] + frame.data[i + 1] + frame.data[i + 2]) & 3);
    } else {
      data[i] = Math.min(255, data[i] * 0.6 + 80);
      data[i + 1] = data[i + 1] * 0.6 + 30;
      data[i + 2] = data[i + 2] * 0.4 + 10;
    }
  }
  return { data, width: frame.width, height: frame.height };
}

/** The bench's colour cast: green to 55%, blue to 45% (ffmpeg colorchannelmixer=gg=0.55:bb=0.45). */
const cast: Fault = (f) => mapPixels(f, (r, g, b) => [r, g * 0.55, b * 0.45]);

class Room extends SyntheticScene {
  override frame(index: number): RgbImage {
    return wallAndFloor(super.frame(index));
  }
}

describe('colour cast: a change of hue, never a cover', () => {
  it('raises colour, not covered, for a cast over a flat neutral wall and a reddish floor', () => {
    const raised = play(new Room({ width: 320, height: 180 }), FROM + 60, cast);
    expect(raised.map((r) => r.kind)).toEqual(['colour']);
  });

  it('still raises covered for a cover of the same room', () => {
    const raised = play(new Room({ width: 320, height: 180 }), FROM + 40, (f, i) => cover(f, 0.6, 2, i + 1));
    expect(raised.map((r) => r.kind)).toEqual(['covered']);
  });

  // The measures of the person walk-through at 47 s into the bench's colour-cast clip, simplified: a neutral
  // wall (top 40%) dimmed by the cast more than the reddish floor that sets the light's gain, and a few wall
  // cells flatter than they were (a person stood there while the baseline was learnt).
  it('does not read a wall dimmed by a cast, with a few cells that lost detail, as replaced', () => {
    const n = CELL_COLS * CELL_ROWS;
    const wall = (i: number) => i < 0.4 * n;
    const base = baselineOf(
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? (i % 10 === 0 ? 20 : 2) : 20)),
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 200 : 120)),
      40,
    );
    const now = measuresOf(
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? (i % 10 === 0 ? 0.8 : 1.3) : 18)),
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 134 : 110)),
      { r: 1.5, g: 0.825, b: 0.675 },
    );
    const v = coverView(now, base, HEALTH_DEFAULTS.covered);
    expect(v.share).toBe(0);
    expect(v.changedShare).toBeLessThan(HEALTH_DEFAULTS.covered.minChangedShare);
    // The same wall replaced by a grey board, without a cast, is a cover.
    const board = measuresOf(now.cells, now.cellMeans, { r: 1, g: 1, b: 1 });
    expect(coverView(board, base, HEALTH_DEFAULTS.covered).share).toBeGreaterThanOrEqual(0.35);
  });
});

describe('brighter light on a near-white wall: highlights compressed, never a cover', () => {
  // The person walk-through under the bench's clouds (the clip's own exposure brightening too): the textured
  // floor brightens by the light's gain 1.19, the white wall above by less (212 -> 238, 242 -> 251), as a
  // camera's tone curve gives near white. That wall is neither changed beyond the light nor flatter than it.
  const n = CELL_COLS * CELL_ROWS;
  const wallRows = Math.round(0.3 * CELL_ROWS);
  const row = (i: number) => Math.floor(i / CELL_COLS);
  const wall = (i: number) => row(i) < wallRows;
  const wallWas = (i: number) => 242 - (30 * row(i)) / wallRows;
  const base = baselineOf(
    Float32Array.from({ length: n }, (_, i) => (wall(i) ? 2 : 20)),
    Float32Array.from({ length: n }, (_, i) => (wall(i) ? wallWas(i) : 120)),
    20,
  );

  it('does not read the brightened wall as replaced', () => {
    const now = measuresOf(
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 1.6 : 23)),
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 238 + (wallWas(i) - 212) * 0.45 : 143)),
      { r: 1, g: 1, b: 1 },
    );
    const v = coverView(now, base, HEALTH_DEFAULTS.covered);
    expect(v.gain).toBeCloseTo(143 / 121 + 1 / 121, 1);
    expect(v.share).toBe(0);
  });

  it('does not read a wall the brighter light clips to white as flattened', () => {
    // The wall (176-240) brightens by 1.3 where the floor says 1.19: most of it reaches white, so its cells
    // are flatter than the floor's gain predicts; that is the clip's doing, not a cover's.
    const was = (i: number) => 240 - (80 * row(i)) / wallRows;
    const clipBase = { ...base, cellMeans: Float32Array.from({ length: n }, (_, i) => (wall(i) ? was(i) : 120)) };
    const now = measuresOf(
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 1.6 : 23)),
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? Math.min(255, 1.3 * was(i)) : 143)),
      { r: 1, g: 1, b: 1 },
    );
    expect(coverView(now, clipBase, HEALTH_DEFAULTS.covered).share).toBe(0);
  });

  it('still reads the same wall hidden by a dark board as covered', () => {
    const now = measuresOf(
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 0.5 : 23)),
      Float32Array.from({ length: n }, (_, i) => (wall(i) ? 90 : 143)),
      { r: 1, g: 1, b: 1 },
    );
    expect(coverView(now, base, HEALTH_DEFAULTS.covered).share).toBeGreaterThanOrEqual(0.25);
  });
});

describe('brighter light: contrast up only until the highlights clip, never a blur', () => {
  // A light scene with white marks (lane lines, plate characters) in light 25% brighter than when it was
  // learnt: the marks clip at white and the textured cells say gain 1.13, so the Laplacian falls to 0.34 of
  // the usual, 0.27 once divided by the gain's square (a blur below 0.3).
  const bright: Fault = (f) => mapPixels(f, (r, g, b) => [r * 1.25, g * 1.25, b * 1.25]);

  class Marked extends SyntheticScene {
    override frame(index: number): RgbImage {
      return mapPixels(super.frame(index), (r, g, b) =>
        r + g + b > 370 ? [250, 250, 250] : [0.35 * r + 135, 0.35 * g + 135, 0.35 * b + 135],
      );
    }
  }

  it('raises nothing', () => {
    expect(play(new Marked({ width: 320, height: 180 }), FROM + 60, bright)).toEqual([]);
  });
});

/** A learnt baseline with these cells' detail and brightness (the rest as a plain textured scene's). */
function baselineOf(cells: Float32Array, cellMeans: Float32Array, chroma: number): BaselineValues {
  return {
    sharpness: 100,
    contrast: 50,
    noise: 1,
    chroma,
    cast: { r: 1, g: 1, b: 1 },
    cells,
    cellMeans,
    reference: null,
    structure: 0.9,
  };
}

function measuresOf(cells: Float32Array, cellMeans: Float32Array, c: SampleMeasures['cast']): SampleMeasures {
  const img = sampleFrame({ data: Buffer.alloc(32 * 18 * 3, 100), width: 32, height: 18 }, 0);
  return {
    at: 0,
    exposure: exposure(img.fine),
    sharpness: 100,
    noise: 1,
    change: 1,
    cells,
    cellMeans,
    colour: img.colour,
    cast: c,
    structure: 0.9,
  };
}

/** The street scene with its contrast doubled (std about 58): a washed-out picture keeps more std than 12. */
class Contrasty extends SyntheticScene {
  override frame(index: number): RgbImage {
    return mapPixels(super.frame(index), (r, g, b) => [2 * r - 110, 2 * g - 110, 2 * b - 110]);
  }
}

describe('washed out: an exposure fault that explains the flat picture', () => {
  // Brighter and with 22% of its contrast (as the bench's eq=brightness=0.45:contrast=0.3 does to footage of
  // strong contrast): the std stays above the absolute 12 grey levels, and fewer than 60% of pixels reach white.
  const washed: Fault = (f) =>
    mapPixels(f, (r, g, b) => [0.22 * (r - 128) + 228, 0.22 * (g - 128) + 228, 0.22 * (b - 128) + 228]);

  it('is a picture the absolute thresholds alone would pass', () => {
    const e = exposure(sampleFrame(washed(new Contrasty({ width: 320, height: 180 }).frame(0), 0), 0).fine);
    expect(e.std).toBeGreaterThan(HEALTH_DEFAULTS.overexposed.washedMaxStd);
    expect(e.whiteShare).toBeLessThan(HEALTH_DEFAULTS.overexposed.minWhiteShare);
    expect(e.mean).toBeGreaterThanOrEqual(HEALTH_DEFAULTS.overexposed.washedMean);
  });

  it("raises overexposed within its raise time (against the camera's usual contrast) and never covered", () => {
    const raised = play(new Contrasty({ width: 320, height: 180 }), FROM + 60, washed, FROM + 50);
    expect(raised.map((r) => r.kind)).toEqual(['overexposed']);
    expect(raised[0].s).toBeLessThanOrEqual(HEALTH_DEFAULTS.overexposed.raiseAfterSeconds + 3);
  });
});
