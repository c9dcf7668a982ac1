// The landmark net on blazeface boxes of real photos: its eyes agree with blazeface's, and the chip square it gives.
import { describe, expect, it } from 'vitest';
import { landmarkSquare } from './chip-square.js';
import { createFaceDetector } from './face-detector.js';
import { createFaceLandmarker } from './face-landmarks.js';
import { decodeImage, type Point } from './image.js';
import { resolveSource } from './models/manifest.js';

const centroid = (pts: Point[]): Point => [
  pts.reduce((s, p) => s + p[0], 0) / pts.length,
  pts.reduce((s, p) => s + p[1], 0) / pts.length,
];

describe('createFaceLandmarker', () => {
  it("puts the eyes where blazeface's keypoints are, on every face of a group photo", async () => {
    const image = await decodeImage(resolveSource({ npm: '@vladmandic/face-api/demo/sample1.jpg' }));
    const [detector, landmarker] = await Promise.all([createFaceDetector(), createFaceLandmarker()]);
    // The three faces of sample1.jpg (the boxes face-api's own detector gives); blazeface also finds two non-faces.
    const regions = [
      [394, 410, 610, 608],
      [812, 452, 1048, 669],
      [1450, 228, 1669, 452],
    ];
    const faces = (await detector.detect(image)).filter((f) => {
      const [cx, cy] = [(f.box[0] + f.box[2]) / 2, (f.box[1] + f.box[3]) / 2];
      return regions.some(([x1, y1, x2, y2]) => x1 <= cx && cx <= x2 && y1 <= cy && cy <= y2);
    });
    expect(faces).toHaveLength(3);
    for (const face of faces) {
      const points = await landmarker.landmarks(image, face);
      expect(points).toHaveLength(68);
      const width = face.box[2] - face.box[0];
      const eyes = [centroid(points.slice(36, 42)), centroid(points.slice(42, 48))].sort((a, b) => a[0] - b[0]);
      const keypoints = face.landmarks.slice(0, 2).sort((a, b) => a[0] - b[0]);
      // Two nets, two ideas of an eye's centre: within a sixth of the face's width of each other.
      for (const [i, eye] of eyes.entries())
        expect(Math.hypot(eye[0] - keypoints[i][0], eye[1] - keypoints[i][1])).toBeLessThan(width / 6);
      const square = landmarkSquare(points)!;
      // face-api's dlib square is about as wide as blazeface's box (measured 1.1-1.3 x here), centred on it.
      expect(square.side).toBeGreaterThan(0.9 * width);
      expect(square.side).toBeLessThan(1.6 * width);
      expect(square.cx).toBeGreaterThan(face.box[0]);
      expect(square.cx).toBeLessThan(face.box[2]);
    }
  });

  it('gives no square for points that are not 68', () => {
    expect(landmarkSquare([[1, 2]])).toBeNull();
  });
});
