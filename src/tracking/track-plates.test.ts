import { describe, expect, it } from 'vitest';
import type { Box } from '../domain/frame.js';
import { TrackPlates, paddedCrop } from './track-plates.js';
import type { TrackView } from './tracker.js';

const size = { width: 1280, height: 720 };

const track = (id: string, box: Box = [100, 100, 400, 300], label = 'car'): TrackView => ({
  id,
  label,
  firstSeen: 0,
  lastSeen: 0,
  box,
  score: 0.8,
  hits: 3,
  bestShot: { box, score: 0.8, quality: 0.5, capturedAt: 0 },
});

/** Calls due() for n frames with the same tracks; returns which frames (1-based) requested which ids. */
function frames(plates: TrackPlates, n: number, tracks: TrackView[]): string[][] {
  return Array.from({ length: n }, () => plates.due(tracks, size).map((r) => r.trackId));
}

describe('paddedCrop', () => {
  it('pads each side by a fraction of the box and stays inside the frame', () => {
    expect(paddedCrop([100, 100, 300, 200], 0.1, size)).toEqual([80, 90, 320, 210]);
    expect(paddedCrop([0, 650, 200, 720], 0.1, size)).toEqual([0, 643, 220, 720]);
  });
});

describe('TrackPlates', () => {
  it('reads a new vehicle at once, then at most every K frames until a confident read, then never', () => {
    const plates = new TrackPlates({ everyFrames: 3, minConfidence: 0.9 });
    const cars = [track('a')];
    expect(plates.due(cars, size)).toEqual([{ trackId: 'a', cropBox: [70, 80, 430, 320] }]);
    plates.record('a', { text: '粤B4E7K2', confidence: 0.6 });
    expect(frames(plates, 5, cars)).toEqual([[], [], ['a'], [], []]);
    plates.record('a', null);
    expect(plates.plate('a')).toEqual({ text: '粤B4E7K2', confidence: 0.6, settled: false, reads: 2 });
    expect(frames(plates, 1, cars)).toEqual([['a']]);
    plates.record('a', { text: '粤B4E7K2', confidence: 0.95, format: 'ordinary' });
    expect(frames(plates, 20, cars).flat()).toEqual([]);
    expect(plates.plate('a')).toEqual({
      text: '粤B4E7K2',
      confidence: 0.95,
      format: 'ordinary',
      settled: true,
      reads: 3,
    });
  });

  it('keeps the most confident text when a later read is worse', () => {
    const plates = new TrackPlates();
    plates.due([track('a')], size);
    plates.record('a', { text: '京A12345', confidence: 0.8 });
    plates.record('a', { text: '京A1234', confidence: 0.5 });
    expect(plates.plate('a')).toMatchObject({ text: '京A12345', confidence: 0.8, reads: 2 });
  });

  it('spreads reads over frames when many vehicles are due, longest-waiting first', () => {
    const plates = new TrackPlates({ maxPerFrame: 2, everyFrames: 3 });
    const cars = ['a', 'b', 'c', 'd', 'e'].map((id) => track(id));
    const asked = frames(plates, 6, cars);
    // Frame 3 has only e left: a and b were read two frames ago.
    expect(asked.map((ids) => ids.length)).toEqual([2, 2, 1, 2, 2, 1]);
    expect(new Set(asked.slice(0, 3).flat())).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
    // Nobody is read twice within everyFrames.
    for (let f = 0; f < asked.length; f++) {
      for (const id of asked[f]) expect(asked.slice(f + 1, f + 3).flat()).not.toContain(id);
    }
  });

  it('prefers the nearest (widest) vehicle among those never read', () => {
    const plates = new TrackPlates({ maxPerFrame: 1 });
    const asked = plates.due([track('far', [0, 0, 100, 60]), track('near', [0, 0, 500, 300])], size);
    expect(asked.map((r) => r.trackId)).toEqual(['near']);
  });

  it('ignores tracks without plates and vehicles too far away to read', () => {
    const plates = new TrackPlates({ minWidth: 80 });
    expect(plates.due([track('p', [0, 0, 200, 400], 'person'), track('far', [0, 0, 60, 40])], size)).toEqual([]);
    expect(plates.due([track('far', [0, 0, 120, 80])], size).map((r) => r.trackId)).toEqual(['far']);
  });

  it('release returns the plate and forgets the track; late reads for it are ignored', () => {
    const plates = new TrackPlates();
    plates.due([track('a')], size);
    plates.record('a', { text: '粤B4E7K2', confidence: 0.97 });
    expect(plates.release('a')).toMatchObject({ text: '粤B4E7K2', settled: true });
    expect(plates.plate('a')).toBeUndefined();
    expect(plates.record('a', { text: 'X', confidence: 1 })).toBeUndefined();
    expect(plates.release('b')).toBeUndefined();
  });
});
