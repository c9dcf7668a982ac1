// The shape of Vigil's YAML configuration: zod schemas that reject unknown keys, with defaults.
import { z } from 'zod';
import { recordingSchema } from './recording.js';
import { liveSchema } from './live.js';
import { dutySchema } from './duty.js';
import { reportsSchema } from './reports.js';
import { incidentsSchema } from './incidents.js';
import { roadsSchema } from './roads.js';
import { plansSchema } from './plans.js';
import { toursSchema } from './tours.js';
import { mapSchema } from './map.js';
import { interceptionSchema } from './interception.js';
import { cameraHealthSchema, healthSchema } from './health.js';
import { clusterSchema } from './cluster.js';
import { metricsSchema } from './metrics.js';
import { accountsSchema } from './accounts.js';
import { DUTY_LEVELS, SUBJECT_CATEGORIES } from '../domain/face-watchlist.js';
import { isProxyEntry } from '../lib/client-address.js';

const latLon = {
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
};

export const regionSchema = z.strictObject({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  width: z.number().gt(0).max(1),
  height: z.number().gt(0).max(1),
});

export const cameraSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    name: z.string().min(1),
    source: z.string().regex(/^(rtsp|rtsps|file):\/\//, 'an rtsp://, rtsps:// or file:// URL'),
    kind: z.enum(['street', 'checkpoint']),
    checkpointLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
    ...latLon,
    heading: z.number().min(0).lt(360).optional(),
    /** Compass direction the camera looks (degrees): with it, a plate's travel is told from its box growing or shrinking. */
    facing: z.number().min(0).lt(360).optional(),
    lanes: z.number().int().min(1).max(16).default(1),
    district: z.string().min(1),
    grid: z.string().min(1).optional(),
    enabled: z.boolean().default(true),
    analysis: z
      .strictObject({
        plates: z.boolean().default(true),
        faces: z.boolean().default(false),
        objects: z.boolean().default(false),
        fps: z.number().gt(0).max(30).default(5),
        width: z.number().int().min(64).max(3840).default(1280),
        height: z.number().int().min(64).max(2160).default(720),
        roi: regionSchema.optional(),
        /**
         * Run object detection only where the picture changes (and on live tracks). On a camera that reads plates on
         * its ROI (checkpoints), plates are read only when the lanes change: see `trigger`.
         */
        motionGate: z.boolean().default(true),
        /** When a checkpoint (ROI plate reading with motionGate on) reads plates; src/pipeline/checkpoint-trigger.ts. */
        trigger: z
          .strictObject({
            /** Frames are read this long after the last change in the ROI (a vehicle leaving). Default 1 s. */
            holdSeconds: z.number().min(0).max(60).default(1),
            /** A frame with a plate keeps reading for holdSeconds more, up to this long after the last change (a vehicle stopped at the barrier). Default 5 s. */
            stillReadSeconds: z.number().min(0).max(600).default(5),
            /** With nothing changing, one frame in this long is read anyway; 0 never. Default 10 s. */
            idleCheckSeconds: z.number().min(0).max(3600).default(10),
            /** Width of the grey copy the change detector compares (about 1 ms a frame at 96). Default 96. */
            analysisWidth: z.number().int().min(16).max(640).default(96),
            /** Grey-level change (0-255) that counts as change; lower is more sensitive. Default 20. */
            threshold: z.number().min(1).max(255).default(20),
          })
          .prefault({}),
      })
      .prefault({}),
    /** This camera's own image-fault thresholds over the global `health:` ones (src/config/health.ts). */
    health: cameraHealthSchema.optional(),
  })
  .refine((c) => c.kind !== 'checkpoint' || c.checkpointLevel !== undefined, {
    message: 'a checkpoint camera needs checkpointLevel (1, 2 or 3)',
    path: ['checkpointLevel'],
  });

export const unitTypeSchema = z.enum(['car', 'motorbike', 'foot', 'post']);

export const unitSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
  callsign: z.string().min(1),
  type: unitTypeSchema,
  homeGrid: z.string().min(1),
  /** The district whose command room the unit answers to (scoped operators see its units); default: the district of the cameras in its home grid. */
  district: z.string().min(1).optional(),
});

const demoSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Fixture videos served by an embedded RTSP server: mount name -> file path. */
  rtspPort: z.number().int().min(1).max(65535).default(8554),
  streams: z.array(z.strictObject({ mount: z.string().min(1), file: z.string().min(1) })).default([]),
  hotlist: z
    .array(
      z.strictObject({
        plate: z.string().min(1),
        category: z.string().min(1),
        reason: z.string().min(1),
        priority: z.number().int().min(1).max(5).default(2),
      }),
    )
    .default([]),
  positions: z.array(z.strictObject({ unit: z.string().min(1), ...latLon })).default([]),
});

const cosine = z.number().min(-1).max(1);
const score = z.number().min(-1).max(100);

/** Thresholds of one duty level, in the units of `faces.score`: a default and, optionally, one per subject category. */
const levelThresholds = z.strictObject({
  default: score.optional(),
  ...Object.fromEntries(SUBJECT_CATEGORIES.map((c) => [c, score.optional()])),
} as Record<'default' | (typeof SUBJECT_CATEGORIES)[number], z.ZodOptional<typeof score>>);

/**
 * Default hit thresholds per scoring, for the 68-landmark chip (face-chip.ts). Each keeps false accepts
 * at 1% or under on every face set `npm run bench faces` reports (2026-12-04): the faceapi open-set
 * evaluation (8 people, 40 photos, 200 non-mated probes against the whole gallery; `vigil faces eval`),
 * the faceapi pairs (700 impostor pairs) and the npm group photos (37 impostor pairs). s-norm 2.26: the
 * evaluation needs 2.254 (the pairs 1.89, the group photos 2.0); 2.15, right for the box chip, let 3% of
 * non-mated probes through; at 2.26 every enrolled person's photos are accepted there. Cosine 0.935
 * still holds (0% false accepts on all three; the group photos need 0.929) and accepts 92.5% (box chip 84%).
 */
export const DEFAULT_FACE_THRESHOLD = { snorm: 2.26, cosine: 0.935 } as const;

export const facesSchema = z
  .strictObject({
    /** Manifest name of the embedder; enrolled photos of another model do not match until enrolled again. */
    embedder: z.string().min(1).default('faceapi-recognition'),
    /**
     * What a threshold compares: 'snorm' (cosine normalised against a cohort of strangers' faces, see
     * src/matching/face-cohort.ts; one threshold fits every subject) or the raw 'cosine'.
     */
    score: z.enum(['snorm', 'cosine']).default('snorm'),
    /** Photos of strangers for s-norm (every image in the folder); default: about 150 faces shipped in npm packages. */
    cohortDir: z.string().min(1).optional(),
    /** Score a face must reach to be a hit unless `thresholds` says otherwise; default DEFAULT_FACE_THRESHOLD[score]. */
    threshold: score.optional(),
    /** Per duty level and category; a level or category left out falls back to normal, then to `threshold`. */
    thresholds: z.partialRecord(z.enum(DUTY_LEVELS), levelThresholds).default({}),
    /** In-process gallery back end, rebuilt from the enrolled photos at start: exact (SIMD scan) or hnsw. */
    gallery: z.enum(['exact', 'hnsw']).default('exact'),
    /** Distinct people who must confirm a face hit before a unit is sent: 1, or 2 (four eyes); duty.<level>.faceConfirmations overrides per level. */
    confirmations: z.union([z.literal(1), z.literal(2)]).default(1),
    retention: z
      .strictObject({
        /** Unmatched face crops and embeddings are kept this long after their track ends; 0: not stored at all. */
        unmatchedSeconds: z
          .number()
          .int()
          .min(0)
          .max(31 * 24 * 3600)
          .default(0),
        /** How often the purge job runs. */
        purgeEverySeconds: z
          .number()
          .int()
          .min(10)
          .max(24 * 3600)
          .default(300),
      })
      .prefault({}),
    track: z
      .strictObject({
        /** Usable frames of a face track before its first decision. */
        minFrames: z.number().int().min(1).max(50).default(3),
        /** A later frame this much better (relative quality) sends the track again (an upgrade). */
        upgradeGain: z.number().min(0).max(5).default(0.15),
        /** Faces below this quality (0..1) are tracked but not used for the decision. */
        minQuality: z.number().min(0).max(1).default(0.25),
        /** A face track unseen this long has ended. */
        endAfterMs: z.number().int().min(100).max(60_000).default(2000),
      })
      .prefault({}),
    enrol: z
      .strictObject({
        /** Largest photo accepted, bytes. */
        maxPhotoBytes: z
          .number()
          .int()
          .min(1024)
          .max(50 * 1024 * 1024)
          .default(10 * 1024 * 1024),
        /** Largest photo accepted, pixels (width x height), checked before decoding. */
        maxPixels: z.number().int().min(10_000).max(100_000_000).default(40_000_000),
        /** Narrowest face accepted, pixels. */
        minFaceWidth: z.number().int().min(16).max(1000).default(60),
        /** Sharpness floor: variance of the Laplacian of the grey face box at 112 px (clean photos 33-2500, blurred sigma 2.5: mostly 6-40). */
        minSharpness: z.number().min(0).default(20),
      })
      .prefault({}),
    search: z
      .strictObject({
        /** Most results one retrospective search returns. */
        maxResults: z.number().int().min(1).max(500).default(50),
        /**
         * Lowest cosine a search result may have (investigators see candidates, not just hits). 0.92:
         * 0.9% false accepts and 92.5% true accepts on the faceapi pairs; 0.85 let half of all
         * strangers through (their median cosine is 0.86), so every search came back full
         * (`npm run bench faces`, verification). On group photos of similar-looking people even 0.92
         * admits 40% of pairs: results are candidates for a person to judge.
         */
        minScore: cosine.default(0.92),
      })
      .prefault({}),
  })
  .refine((f) => f.score !== 'cosine' || allThresholds(f).every((t) => cosine.safeParse(t).success), {
    message: "with score 'cosine', every threshold is a cosine between -1 and 1",
    path: ['thresholds'],
  });

function allThresholds(f: {
  threshold?: number;
  thresholds: Partial<Record<string, Partial<Record<string, number>>>>;
}): number[] {
  const levels = Object.values(f.thresholds).flatMap((l) => Object.values(l ?? {}));
  return [...(f.threshold === undefined ? [] : [f.threshold]), ...levels.filter((t): t is number => t !== undefined)];
}

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      timezone: z.string().default('Asia/Shanghai'),
      /** Largest request body the API accepts, bytes (CSV imports are the big ones). */
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .default(20 * 1024 * 1024),
      /**
       * Reverse proxies (addresses or CIDRs, e.g. 10.0.0.0/8) whose X-Forwarded-For is believed: from such a
       * peer the client is the rightmost forwarded hop not listed here. Empty (default): the TCP peer, always.
       */
      trustedProxies: z
        .array(z.string().refine(isProxyEntry, 'an IP address or CIDR, e.g. 10.0.0.5 or 10.0.0.0/8'))
        .default([]),
    })
    .prefault({}),
  /** Where the embedded database, Redis data and recordings live; relative to the config file's project. */
  dataDir: z.string().default('data'),
  plates: z
    .strictObject({
      /** Extra plate formats for other countries: name + regular expression over the normalised text. */
      formats: z.array(z.strictObject({ name: z.string().min(1), pattern: z.string().min(1) })).default([]),
      /** Reads of one plate on one camera closer together than this are one pass. */
      fuseWindowSeconds: z.number().gt(0).max(600).default(10),
      /** Reads below this mean character confidence are dropped. */
      minConfidence: z.number().min(0).max(1).default(0.7),
      /** Plate detection runs on the region of interest scaled so its longest side is at most this
       *  (recognition still reads the full-resolution crop): 640 costs a third of 1024 here. */
      detectMaxSide: z.number().int().min(256).max(4096).default(640),
      /** ORT intra-op threads for the plate models. */
      threads: z.number().int().min(1).max(16).default(1),
      /**
       * The recognition model in int8 (built and cached in models/cache/ at first load, about 5 s)
       * or fp32: int8 takes 0.67x the time a crop and read the same 486/500 CCPD crops. Default int8.
       */
      recPrecision: z.enum(['int8', 'fp32']).default('int8'),
    })
    .prefault({}),
  vision: z
    .strictObject({
      /** Manifest name of the object detector (centernet, or a YOLO ONNX added to models/manifest.yaml). */
      objectModel: z.string().min(1).default('centernet'),
      /** Detections below this score are ignored (centernet's scores run low: 0.2-0.3). */
      objectScore: z.number().min(0).max(1).default(0.25),
      /** ORT intra-op threads for the vision models. */
      threads: z.number().int().min(1).max(16).default(1),
      /**
       * Worker threads that run the cameras' analysis, each with its own model sessions (cameras go to the least
       * loaded; a thread starts when a camera finds every running one busy). Default: one per CPU core. 0 or 1:
       * analysis on the node's main thread (tools, small tests).
       */
      analysisThreads: z.number().int().min(0).max(64).optional(),
      /** Where ONNX models run: cpu (default), or cuda on a GPU node with onnxruntime-node's CUDA files. */
      executionProvider: z.enum(['cpu', 'cuda']).default('cpu'),
    })
    .prefault({}),
  hotlist: z
    .strictObject({
      ocrEquivalent: z.number().int().min(0).max(8).default(1),
      // The index supports one other difference: beyond that, nearly every read matches something.
      otherDifferences: z.number().int().min(0).max(1).default(0),
      softProvince: z.boolean().default(false),
    })
    .prefault({}),
  dispatch: z
    .strictObject({
      /**
       * A unit that has not acknowledged within this time is passed over for the next nearest: the normal
       * duty level's timeout; enhanced and wartime default to 2/3 and 1/3 of it (duty.<level>.ackTimeoutSeconds overrides).
       */
      ackTimeoutSeconds: z.number().gt(0).max(3600).default(30),
      /** Positions older than this are stale; such units are not chosen. */
      staleAfterSeconds: z.number().gt(0).default(300),
      /** How many units an alert may be offered to before it is left to the command room. */
      maxAttempts: z.number().int().min(1).max(20).default(3),
      /** Signed webhook for each delivery; the secret comes from VIGIL_WEBHOOK_SECRET. */
      webhookUrl: z.url().optional(),
      /** MQTT broker for deliveries (topic <prefix>/units/<id>/alerts). */
      mqttUrl: z
        .string()
        .regex(/^mqtts?:\/\//, 'an mqtt:// or mqtts:// URL')
        .optional(),
      mqttTopicPrefix: z.string().min(1).default('vigil'),
    })
    .prefault({}),
  faces: facesSchema.prefault({}),
  /** Duty levels (normal, enhanced, wartime) and what each changes (src/config/duty.ts); the live level is switched at run time. */
  duty: dutySchema.prefault({}),
  /** Continuous recording, retention and exports (src/config/recording.ts has every key). */
  recording: recordingSchema.prefault({}),
  /** Checkpoint interception orders (src/config/interception.ts has every key). */
  interception: interceptionSchema.prefault({}),
  /** Road graph and unit speeds for travel times (src/config/roads.ts). */
  roads: roadsSchema.prefault({}),
  /** The command-room map's offline base: district outlines and the road graph's streets (src/config/map.ts). */
  map: mapSchema.prefault({}),
  /** Shifts of the response-time report (src/config/reports.ts). */
  reports: reportsSchema.prefault({}),
  /** Patrol plans, coverage from unit tracks and the situation reports (src/config/plans.ts has every key). */
  plans: plansSchema.prefault({}),
  /** Video patrol tour plans seeded at start (src/config/tours.ts). */
  tours: toursSchema.prefault({}),
  /** Incidents: the response per duty level and severity, 1-3-5 targets (src/config/incidents.ts has every key). */
  incidents: incidentsSchema.prefault({}),
  /** The command room's live camera view (src/config/live.ts has every key). */
  live: liveSchema.prefault({}),
  /** Camera image diagnostics, work orders and the four rates (src/config/health.ts has every key). */
  health: healthSchema.prefault({}),
  /** Several nodes sharing the cameras by lease (src/config/cluster.ts has every key). */
  cluster: clusterSchema.prefault({}),
  /** Prometheus metrics server, readiness and Redis time bounds (src/config/metrics.ts has every key). */
  metrics: metricsSchema.prefault({}),
  /** User accounts: passwords, lockout, sessions, TOTP, OpenID Connect (src/config/accounts.ts has every key). */
  accounts: accountsSchema.prefault({}),
  cameras: z.array(cameraSchema).default([]),
  units: z.array(unitSchema).default([]),
  demo: demoSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type CameraConfig = z.infer<typeof cameraSchema>;
export type UnitConfig = z.infer<typeof unitSchema>;
export type UnitType = z.infer<typeof unitTypeSchema>;
export type FacesConfig = z.infer<typeof facesSchema>;
