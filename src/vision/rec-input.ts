// What the rec model is fed: a text line widened with its own edges, scaled to height 48, BGR, (x/255-0.5)/0.5.
import ort from 'onnxruntime-node';
import type { RgbImage } from '../domain/frame.js';
import { padImage, resizeImage, toTensor } from './image.js';

/** The rec model's input height. */
export const REC_HEIGHT = 48;
/** Longest rec input; a wider crop is a text line, not a plate. */
const REC_MAX_WIDTH = 640;
const REC_NORM = {
  mean: [0.5, 0.5, 0.5] as [number, number, number],
  std: [0.5, 0.5, 0.5] as [number, number, number],
  bgr: true,
};

/**
 * The line widened left and right with its own edge pixels, by `share` of its height (at least 2 px): the rec
 * model drops the last character of a tight crop (it was trained on text lines with margins).
 */
export function widenSideways(line: RgbImage, share: number): RgbImage {
  return padImage(line, Math.max(2, Math.round(line.height * share)), 0);
}

/** A line as the rec model's input tensor: height 48, width in proportion (at most 640). */
export async function recInput(line: RgbImage): Promise<ort.Tensor> {
  const width = Math.min(REC_MAX_WIDTH, Math.max(REC_HEIGHT, Math.round((line.width * REC_HEIGHT) / line.height)));
  const resized = await resizeImage(line, width, REC_HEIGHT);
  return new ort.Tensor('float32', toTensor(resized, REC_NORM), [1, 3, REC_HEIGHT, width]);
}
