// Face bench helper: the labelled and stranger face sets that can be built here without downloading anything.
//
// - faceapi: ../shared/data/faces/faceapi, 8 identities x 5 close crops (150 px, grey background).
// - bbtScenes: the same 8 people's faces inside the five group scenes beside them (bbt1-5.jpg),
//   labelled here by hand (a face = the blazeface detection whose box holds the labelled point).
//   Faces 45-117 px wide in real scenes, beards and glasses that the close crops lack: the cross-domain set.
// - strangers: people who are none of the 8: the seven expression photos beside them, and the
//   faces in group photos shipped in npm packages, split into two folds so that s-norm's cohort
//   never holds the strangers it is evaluated against.
import path from 'node:path';
import { resolveSource } from '../src/vision/models/manifest.js';

/** Hand labels of the scene faces: file, a point inside the face (image pixels), identity. */
export const BBT_SCENE_LABELS: { file: string; x: number; y: number; identity: string }[] = [
  { file: 'bbt1.jpg', x: 262, y: 203, identity: 'raj' },
  { file: 'bbt1.jpg', x: 520, y: 222, identity: 'leonard' },
  { file: 'bbt1.jpg', x: 777, y: 205, identity: 'howard' },
  { file: 'bbt1.jpg', x: 1053, y: 154, identity: 'sheldon' },
  { file: 'bbt2.jpg', x: 130, y: 185, identity: 'leonard' },
  { file: 'bbt2.jpg', x: 423, y: 181, identity: 'sheldon' },
  { file: 'bbt3.jpg', x: 62, y: 69, identity: 'sheldon' },
  { file: 'bbt3.jpg', x: 178, y: 127, identity: 'howard' },
  { file: 'bbt3.jpg', x: 280, y: 135, identity: 'penny' },
  { file: 'bbt3.jpg', x: 394, y: 145, identity: 'raj' },
  { file: 'bbt3.jpg', x: 518, y: 139, identity: 'leonard' },
  { file: 'bbt4.jpg', x: 104, y: 327, identity: 'leonard' },
  { file: 'bbt4.jpg', x: 121, y: 84, identity: 'amy' },
  { file: 'bbt4.jpg', x: 277, y: 105, identity: 'raj' },
  { file: 'bbt4.jpg', x: 299, y: 294, identity: 'penny' },
  { file: 'bbt4.jpg', x: 515, y: 246, identity: 'sheldon' },
  { file: 'bbt4.jpg', x: 617, y: 126, identity: 'bernadette' },
  { file: 'bbt5.jpg', x: 149, y: 219, identity: 'raj' },
  { file: 'bbt5.jpg', x: 255, y: 92, identity: 'penny' },
  { file: 'bbt5.jpg', x: 483, y: 211, identity: 'sheldon' },
  { file: 'bbt5.jpg', x: 614, y: 109, identity: 'leonard' },
  { file: 'bbt5.jpg', x: 761, y: 165, identity: 'howard' },
];

/** The expression photos beside the faceapi identities: seven strangers, one face each. */
export const EXPRESSION_PHOTOS = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'].map(
  (n) => `${n}.jpg`,
);

/**
 * Group photos in npm packages, in two folds. Each fold's photos are the strangers while the other
 * fold is the s-norm cohort. screenshot-facematch.jpg is left out: its grid repeats one man many times.
 */
export const STRANGER_FOLDS: Record<'faceapiDemo' | 'humanAssets', string[]> = {
  faceapiDemo: [1, 2, 3, 4, 5, 6].map((i) => `@vladmandic/face-api/demo/sample${i}.jpg`),
  humanAssets: ['samples.jpg', 'screenshot-facedetect.jpg', 'screenshot-faceid.jpg', 'screenshot-vrm.jpg'].map(
    (f) => `@vladmandic/human/assets/${f}`,
  ),
};

export const strangerFiles = (fold: keyof typeof STRANGER_FOLDS): string[] =>
  STRANGER_FOLDS[fold].map((npm) => resolveSource({ npm }));

export const faceapiDir = (dataDir: string): string => path.join(dataDir, 'faces/faceapi');
