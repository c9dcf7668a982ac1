// Face tracks (one decision per track, quality-weighted, upgraded by a better frame) and the camera's face path with fakes.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import type { Box, Frame } from '../domain/frame.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { ChipFace } from '../vision/face-chip.js';
import type { ObjectDetector } from '../vision/object-detector.js';
import { CameraPipeline } from './camera-pipeline.js';
import { FaceTracks, type FaceObservation } from './face-tracks.js';
import { FaceWatch } from './face-watch.js';

const opts = { minFrames: 3, upgradeGain: 0.15, minQuality: 0.25, endAfterMs: 2000 };
const crop = { data: Buffer.alloc(3 * 4 * 4), width: 4, height: 4 };
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from([...v.map((x) => x / n), ...new Array(128 - v.length).fill(0)]);
};
const face = (x: number, quality: number, embedding = unit(1, 0)): FaceObservation => ({
  box: [x, 100, x + 60, 160],
  quality,
  embedding,
  crop,
});

describe('FaceTracks', () => {
  it('decides once after minFrames usable frames, then only on a clearly better frame', () => {
    const tracks = new FaceTracks(opts);
    expect(tracks.observe([face(100, 0.5)], 0)).toEqual([]);
    expect(tracks.observe([face(102, 0.1)], 200)).toEqual([]); // too poor to vote
    expect(tracks.observe([face(104, 0.5)], 400)).toEqual([]);
    const [first] = tracks.observe([face(106, 0.52)], 600);
    expect(first).toMatchObject({ version: 1, frames: 3, quality: 0.52, capturedAt: 600, final: false });
    expect(tracks.observe([face(108, 0.55)], 800)).toEqual([]); // 6% better: not worth a new decision
    const [upgrade] = tracks.observe([face(110, 0.8)], 1000);
    expect(upgrade).toMatchObject({ trackId: first.trackId, version: 2, frames: 5, quality: 0.8 });
  });

  it('weights frames by quality squared in the track embedding', () => {
    // Orthogonal on purpose, so the ratio shows the weights; no appearance split for this one.
    const tracks = new FaceTracks({ ...opts, minFrames: 2, splitCosine: -1 });
    tracks.observe([face(100, 0.9, unit(1, 0))], 0);
    const [d] = tracks.observe([face(101, 0.3, unit(0, 1))], 200);
    // 0.81 against 0.09: the good frame dominates.
    expect(d.embedding[0] / d.embedding[1]).toBeCloseTo(9, 3);
  });

  it('gives a short track its one decision when it ends, and keeps two faces apart', () => {
    const tracks = new FaceTracks(opts);
    tracks.observe([face(100, 0.6), face(400, 0.7)], 0);
    expect(tracks.size).toBe(2);
    const ended = tracks.expire(2500);
    expect(ended.map((d) => [d.box[0], d.final, d.frames]).sort()).toEqual([
      [100, true, 1],
      [400, true, 1],
    ]);
    expect(tracks.size).toBe(0);
  });

  it('wants embeddings only for undecided tracks and for frames that could upgrade a decision', () => {
    const tracks = new FaceTracks({ ...opts, minFrames: 1 });
    expect(
      tracks.wants([
        { box: face(100, 0.5).box, quality: 0.5 },
        { box: face(400, 0.1).box, quality: 0.1 },
      ]),
    ).toEqual([true, false]);
    tracks.observe([face(100, 0.5)], 0);
    expect(tracks.wants([{ box: face(101, 0.55).box, quality: 0.55 }])).toEqual([false]);
    expect(tracks.wants([{ box: face(101, 0.7).box, quality: 0.7 }])).toEqual([true]);
    // A face seen without an embedding keeps its track alive.
    tracks.observe([{ ...face(102, 0.55), embedding: null }], 1500);
    expect(tracks.expire(3000)).toEqual([]);
    expect(tracks.size).toBe(1);
  });

  it('splits a track whose face changed into another person, and matches the newcomer too', () => {
    const tracks = new FaceTracks({ ...opts, minFrames: 2 });
    const a = unit(1, 0.1);
    const b = unit(0.3, 1);
    tracks.observe([face(100, 0.6, a)], 0);
    const [first] = tracks.observe([face(101, 0.6, a)], 200);
    expect(first.version).toBe(1);
    // Same place, same quality: a decided track skips the net, but not for longer than recheckMs.
    expect(tracks.wants([{ box: face(101, 0.6).box, quality: 0.6 }], 600)).toEqual([false]);
    expect(tracks.wants([{ box: face(101, 0.6).box, quality: 0.6 }], 1200)).toEqual([true]);
    expect(tracks.observe([face(102, 0.6, b)], 1200)).toEqual([]);
    const [second] = tracks.observe([face(103, 0.6, b)], 1400);
    expect(second.trackId).not.toBe(first.trackId);
    expect(second).toMatchObject({ version: 1, frames: 2, firstSeen: 1200 });
    expect(second.embedding[1]).toBeGreaterThan(second.embedding[0]);
    expect(tracks.size).toBe(1);
  });

  it('ends an undecided track with its decision when someone else takes its place', () => {
    const tracks = new FaceTracks({ ...opts, minFrames: 3 });
    tracks.observe([face(100, 0.6, unit(1, 0))], 0);
    const [ended] = tracks.observe([face(101, 0.6, unit(0, 1))], 200);
    expect(ended).toMatchObject({ final: true, frames: 1, firstSeen: 0 });
    expect(tracks.size).toBe(1);
  });

  it('forgets everything unsent on drop()', () => {
    const tracks = new FaceTracks(opts);
    tracks.observe([face(100, 0.6)], 0);
    tracks.drop();
    expect(tracks.flush()).toEqual([]);
  });
});

describe('camera face path', () => {
  const frame = (seq: number): Frame => ({
    data: Buffer.alloc(640 * 480 * 3, 90),
    width: 640,
    height: 480,
    cameraId: 'c1',
    seq,
    capturedAt: 1_000_000 + seq * 200,
  });
  const chip = (box: Box): ChipFace => ({
    box,
    score: 0.9,
    landmarks: [],
    quality: 0.7,
    embedding: unit(1, 0),
    width: box[2] - box[0],
    sharpness: 100,
    chip: crop,
  });

  function fakes(authorised: boolean) {
    const calls: { regions?: Box[]; tile?: boolean }[] = [];
    const embedded: Box[] = [];
    const sent: { name: string; payload: Record<string, unknown>; opts: Record<string, unknown> }[] = [];
    const analyzer = {
      model: 'faceapi-recognition',
      async detect(_img: unknown, o: { regions?: Box[]; tile?: boolean } = {}) {
        calls.push(o);
        const { embedding: _e, chip: _c, ...sighting } = chip([300, 90, 360, 150]);
        return [sighting];
      },
      async embed(_img: unknown, f: { box: Box }) {
        embedded.push(f.box);
        return chip(f.box);
      },
    };
    const queues = {
      add: async (name: string, payload: Record<string, unknown>, o: Record<string, unknown>) =>
        void sent.push({ name, payload, opts: o }),
    } as unknown as QueueSet;
    return {
      calls,
      embedded,
      sent,
      queues,
      deps: { analyzer, gate: { covers: () => authorised }, track: { ...opts, minFrames: 2 } },
    };
  }

  it('detects no face and sends nothing without an authorisation', async () => {
    const f = fakes(false);
    const watch = new FaceWatch('c1', undefined, f.deps, f.queues);
    for (let i = 0; i < 4; i++)
      expect(await watch.onFrame(frame(i), null)).toEqual({ authorised: false, faces: 0, embedded: 0, sent: 0 });
    await watch.flush();
    expect(f.calls).toHaveLength(0);
    expect(f.sent).toHaveLength(0);
  });

  it('searches the head regions of the detected people, untiled, and sends one event that Redis drops when done', async () => {
    const f = fakes(true);
    const person: Box = [280, 80, 380, 400];
    const detector: ObjectDetector = {
      model: 'fake',
      labels: ['person', 'car'],
      detect: async () => [
        { label: 'person', score: 0.8, box: person },
        { label: 'car', score: 0.9, box: [0, 300, 200, 470] },
      ],
    };
    const config = configSchema.parse({
      cameras: [
        {
          id: 'c1',
          name: 'C1',
          source: 'rtsp://x/y',
          kind: 'street',
          lat: 0,
          lon: 0,
          district: 'd',
          analysis: { objects: true, faces: true, plates: false, motionGate: false },
        },
      ],
    });
    const pipeline = new CameraPipeline(
      config.cameras[0],
      config,
      { plates: null, objects: detector },
      f.queues,
      f.deps,
    );
    for (let i = 0; i < 4; i++) await pipeline.onFrame(frame(i));
    // Embedded until the track's decision (2 frames); later frames of the same quality skip the net.
    expect(f.calls).toHaveLength(4);
    expect(f.embedded).toHaveLength(2);
    expect(f.calls[0].tile).toBe(false);
    expect(f.calls[0].regions).toHaveLength(1);
    const [hx1, hy1, hx2, hy2] = f.calls[0].regions![0];
    expect(hx1).toBeLessThan(person[0]);
    expect(hx2).toBeGreaterThan(person[2]);
    expect(hy1).toBeLessThanOrEqual(person[1]);
    expect(hy2).toBeLessThan(person[1] + 0.5 * (person[3] - person[1]));
    const faces = f.sent.filter((s) => s.name === 'faces');
    expect(faces).toHaveLength(1);
    expect(faces[0].payload).toMatchObject({ cameraId: 'c1', version: 1, frames: 2, model: 'faceapi-recognition' });
    expect(faces[0].opts).toMatchObject({ removeOnComplete: true, removeOnFail: true });
  });
});
