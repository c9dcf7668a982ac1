// The shipped manifest loads, its sources exist, and malformed manifests fail with the offending key.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { decoderOutputs, DEFAULT_MANIFEST, findModel, loadManifest, ManifestError, resolveSource } from './manifest.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function writeManifest(doc: unknown): string {
  dirs.push(mkdtempSync(path.join(tmpdir(), 'vigil-manifest-')));
  const file = path.join(dirs.at(-1)!, 'manifest.yaml');
  writeFileSync(file, typeof doc === 'string' ? doc : stringify(doc));
  return file;
}

const shipped = loadManifest();
const entry = (name: string) => structuredClone(findModel(shipped, name));

describe('models/manifest.yaml', () => {
  it('lists the Human models and PP-OCRv4 det/rec with existing sources', () => {
    expect(shipped.models.map((m) => m.name)).toEqual(['centernet', 'blazeface', 'faceres', 'faceapi-recognition', 'faceapi-landmarks', 'ppocr-det', 'ppocr-rec']);
    for (const m of shipped.models) expect(resolveSource(m.source, DEFAULT_MANIFEST)).toMatch(/\.(json|onnx)$/);
  });

  it('carries labels and thresholds the decoders need', () => {
    const centernet = findModel(shipped, 'centernet');
    expect(centernet.labels).toHaveLength(80);
    expect((centernet.labels as string[])[2]).toBe('car');
    expect(findModel(shipped, 'ppocr-det').thresholds).toEqual({ binarise: 0.3, box: 0.6 });
    expect(findModel(shipped, 'blazeface').output).toMatchObject({ decode: 'blazeface', strides: [16, 32], anchorsPerCell: [2, 6] });
  });
});

describe('ONNX sources', () => {
  it('have the input and decoder outputs the manifest names', async () => {
    for (const m of shipped.models.filter((e) => e.format === 'onnx')) {
      const session = await ort.InferenceSession.create(resolveSource(m.source));
      expect(session.inputNames, m.name).toEqual([m.input.tensor]);
      for (const name of decoderOutputs(m)) expect(session.outputNames, m.name).toContain(name);
      await session.release();
    }
  });
});

describe('loadManifest', () => {
  it('refuses an unknown key and names where it is', () => {
    const bad = entry('blazeface') as Record<string, unknown>;
    (bad.input as Record<string, unknown>).colur = 'rgb';
    expect(() => loadManifest(writeManifest({ models: [bad] }))).toThrow(/models\.0\.input: Unrecognized key: "colur"/);
  });

  it('refuses output keys that belong to another decoder family', () => {
    const bad = entry('centernet') as Record<string, unknown>;
    bad.output = { decode: 'centernet', detections: 'x', unclipRatio: 2 };
    expect(() => loadManifest(writeManifest({ models: [bad] }))).toThrow(ManifestError);
  });

  it('refuses duplicate names and a tfjs-graph source that is not a model.json', () => {
    const a = entry('faceres');
    expect(() => loadManifest(writeManifest({ models: [a, a] }))).toThrow(/names must be unique/);
    const b = { ...entry('faceres'), source: { npm: '@vladmandic/human/models/faceres.bin' } };
    expect(() => loadManifest(writeManifest({ models: [b] }))).toThrow(/must point at its model.json/);
  });

  it('refuses an unknown task and a malformed hash', () => {
    expect(() => loadManifest(writeManifest({ models: [{ ...entry('faceres'), task: 'faces' }] }))).toThrow(/models\.0\.task/);
    expect(() => loadManifest(writeManifest({ models: [{ ...entry('faceres'), sha256: 'abc' }] }))).toThrow(/models\.0\.sha256/);
  });
});

describe('resolveSource', () => {
  it('finds npm sources by path despite package export maps, and files relative to the manifest', () => {
    expect(resolveSource({ npm: '@vladmandic/human/models/blazeface.json' })).toMatch(/node_modules\/@vladmandic\/human\/models\/blazeface\.json$/);
    expect(resolveSource({ file: 'local/model.onnx' }, '/srv/vigil/models/manifest.yaml')).toBe('/srv/vigil/models/local/model.onnx');
  });

  it('says which package is missing', () => {
    expect(() => resolveSource({ npm: '@nobody/absent-models/m.onnx' })).toThrow(/npm:@nobody\/absent-models\/m\.onnx not found/);
  });
});
