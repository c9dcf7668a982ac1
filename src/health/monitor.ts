// One camera's image diagnostics: sees every analysis frame (frame rate), samples about one a second,
// measures it, judges every fault against thresholds and the camera's own baseline, and runs the fault states.
import type { FaultThresholds } from '../config/health.js';
import type { RgbImage } from '../domain/frame.js';
import { Baseline, type BaselineSnapshot } from './baseline.js';
import { detect, type Conditions } from './detect.js';
import { FAULT_KINDS, FRAME_FAULT_KINDS, type FaultKind } from './fault-kinds.js';
import { FaultState, type FaultStatus, type FaultTransition } from './fault-state.js';
import { FrameRateWindow } from './frame-rate.js';
import { ncc } from './features.js';
import { measure, SceneBackground, type SampleMeasures } from './measures.js';
import { isNight } from './night.js';
import { frameFingerprint, sampleFrame, type HealthSample } from './sample.js';

export interface MonitorOptions {
  lat: number;
  lon: number;
  thresholds: FaultThresholds;
  /** Seconds between diagnosed samples. */
  sampleEverySeconds: number;
  /** Seconds of healthy samples that make a baseline. */
  learnSeconds: number;
  /** Time constant of the baseline's drift, seconds. */
  adaptSeconds: number;
}

export type LightMode = 'day' | 'night';

/** What one diagnosed sample gave: the measures, the conditions, and any fault raised or cleared. */
export interface HealthTick {
  at: number;
  mode: LightMode;
  measures: SampleMeasures;
  conditions: Conditions;
  transitions: FaultTransition[];
  /** The sampled frame, for the evidence picture of a raised fault. */
  frame: RgbImage;
}

/** Frames further apart than this are a break in the stream (restart, outage): change is not compared across it. */
const BREAK_MS = 5000;
/** A change this many times the freeze's threshold is real motion, not a keyframe's flicker. */
const FROZEN_RESET_FACTOR = 10;
/** Samples between the two background edge maps whose similarity says how stable the scene's layout is. */
const STRUCTURE_LAG = 10;

export class CameraHealthMonitor {
  private readonly states = new Map<FaultKind, FaultState>();
  private readonly baselines: Record<LightMode, Baseline>;
  private readonly background = new SceneBackground();
  private readonly frameRate = new FrameRateWindow();
  private previous: HealthSample | null = null;
  private lastFrameAt: number | null = null;
  private nextSampleAt = 0;
  /** The background's edge maps of the last STRUCTURE_LAG samples, oldest first. */
  private edgeHistory: Float32Array[] = [];
  /** The camera's clock minus the node's, ms, as the latest frame carried it (none: not known now). */
  private clockOffsetMs: number | null = null;

  constructor(private readonly opts: MonitorOptions) {
    for (const kind of FAULT_KINDS) this.states.set(kind, new FaultState(kind, opts.thresholds[kind]));
    const learn = {
      learnSamples: Math.max(1, Math.round(opts.learnSeconds / opts.sampleEverySeconds)),
      adaptWeight: opts.sampleEverySeconds / opts.adaptSeconds,
    };
    this.baselines = { day: new Baseline(learn), night: new Baseline(learn) };
  }

  /** Every analysis frame goes through here; most return null (not a sample). */
  onFrame(frame: RgbImage & { clockOffsetMs?: number }, at: number): HealthTick | null {
    if (this.lastFrameAt !== null && at - this.lastFrameAt > BREAK_MS) this.streamBreak();
    this.lastFrameAt = at;
    this.clockOffsetMs = frame.clockOffsetMs ?? null;
    this.frameRate.add(at, frameFingerprint(frame));
    if (at < this.nextSampleAt) return null;
    this.nextSampleAt = at + this.opts.sampleEverySeconds * 1000;
    return this.diagnose(frame, at);
  }

  /** Faults raised now. */
  raised(): FaultStatus[] {
    return [...this.states.values()].map((s) => s.status).filter((s) => s.phase === 'raised');
  }

  /** Every fault's state, pending ones included. */
  statuses(): FaultStatus[] {
    return [...this.states.values()].map((s) => s.status);
  }

  baselineReady(mode: LightMode): boolean {
    return this.baselines[mode].ready;
  }

  /** A maintainer confirmed the camera's present view: it becomes the reference (both light modes). */
  relearnReference(): void {
    for (const b of Object.values(this.baselines)) b.relearnReference();
    this.background.reset();
    this.edgeHistory = [];
  }

  snapshot(): Partial<Record<LightMode, BaselineSnapshot>> {
    const out: Partial<Record<LightMode, BaselineSnapshot>> = {};
    for (const mode of ['day', 'night'] as const) {
      const s = this.baselines[mode].snapshot();
      if (s) out[mode] = s;
    }
    return out;
  }

  restore(snapshot: Partial<Record<LightMode, BaselineSnapshot>>): void {
    for (const mode of ['day', 'night'] as const) {
      const s = snapshot[mode];
      if (s) this.baselines[mode].restore(s);
    }
  }

  private diagnose(frame: RgbImage, at: number): HealthTick {
    const t = this.opts.thresholds;
    const mode: LightMode = isNight(at, this.opts.lat, this.opts.lon, t.colour.nightSunBelowDeg) ? 'night' : 'day';
    const sample = sampleFrame(frame, at);
    const measures = measure(sample, this.previous);
    this.previous = sample;
    this.background.add(sample.coarse);
    const edges = this.background.edges();
    measures.structure = this.structureOf(edges);
    const baseline = this.baselines[mode];
    const raisedNow = (k: FaultKind) => this.states.get(k)?.status.phase === 'raised';
    const conditions = detect(
      measures,
      {
        baseline: baseline.current,
        edges,
        night: mode === 'night',
        frameRate: this.frameRate.view(at),
        frozenNow: raisedNow('frozen'),
        exposureNow: raisedNow('black') || raisedNow('overexposed'),
        coveredNow: raisedNow('covered'),
      },
      t,
    );
    const transitions: FaultTransition[] = [];
    for (const kind of FRAME_FAULT_KINDS) {
      const c = conditions[kind];
      const state = this.states.get(kind) as FaultState;
      // A sample with real change ends a pending freeze at once: an irregular stream's bursts between still
      // stretches are no frozen picture (the frame-rate fault tells them).
      if (
        kind === 'frozen' &&
        state.status.phase === 'pending' &&
        (measures.change ?? 0) > FROZEN_RESET_FACTOR * t.frozen.maxChange
      )
        state.reset();
      const tr = state.observe(at, c.held ? 'held' : t[kind].enabled && c.present, c.detail, c.value);
      if (tr) transitions.push(tr);
    }
    const clockTr = this.judgeClock(at);
    if (clockTr) transitions.push(clockTr);
    // The camera's clock says nothing about its picture: a drifting camera still learns its baseline.
    const quiet =
      FRAME_FAULT_KINDS.every((k) => !conditions[k].present) &&
      this.statuses().every((s) => s.phase === 'clear' || s.kind === 'clockDrift');
    if (quiet) baseline.learn(measures, edges);
    return { at, mode, measures, conditions, transitions, frame };
  }

  /** Clock drift, judged at each sample from the frame's reading; without one (no sender report yet), not at all. */
  private judgeClock(at: number): FaultTransition | null {
    const t = this.opts.thresholds.clockDrift;
    if (this.clockOffsetMs === null) return null;
    const offsetS = this.clockOffsetMs / 1000;
    const present = t.enabled && Math.abs(offsetS) > t.maxOffsetSeconds;
    const detail = `camera clock ${Math.abs(offsetS).toFixed(1)} s ${offsetS >= 0 ? 'ahead of' : 'behind'} the node's`;
    return (this.states.get('clockDrift') as FaultState).observe(at, present, detail, Number(offsetS.toFixed(2)));
  }

  private structureOf(edges: Float32Array | null): number | null {
    if (!edges) return null;
    this.edgeHistory.push(edges);
    if (this.edgeHistory.length <= STRUCTURE_LAG) return null;
    const old = this.edgeHistory.shift() as Float32Array;
    return ncc(old, edges);
  }

  /** After a break, nothing pending carries over and the next frames are compared among themselves. */
  private streamBreak(): void {
    this.previous = null;
    this.frameRate.reset();
    for (const s of this.states.values()) if (s.status.phase === 'pending') s.reset();
  }
}
