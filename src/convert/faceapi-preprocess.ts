// face-api's net inputs in plain TypeScript: a face crop zero-padded to a centred square, resized (150x150 recognition, 112x112 landmarks).
//
// Mirrors face-api's `NetInput.toBatchTensor(150, true)` for tensor inputs: `padToSquare` (black
// padding on the short side, round(diff / 2) after the image and the rest before it), then
// `tf.image.resizeBilinear(.., alignCorners=false, halfPixelCenters=false)`, TFJS's legacy sampling
// (source = destination x in/out, no half-pixel offset). Other resizers (sharp, OpenCV) sample at
// half-pixel centres and shift the face by up to half a source pixel: close, but not face-api's numbers.
import { FACEAPI_RECOGNITION } from './faceapi-recognition.js';

/** Interleaved 8-bit (or float 0..255) pixels, RGB or RGBA, row by row. */
export interface RgbImage {
  data: Uint8Array | Uint8ClampedArray | Float32Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** A region of an image in whole pixels (face-api floors its boxes after clipping them to the image). */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The graph's input for one face: float32 RGB 0..255, 150x150, in `layout` (default NHWC, as the
 * ONNX graph's default input). `box` selects the face within `image` (default: the whole image).
 */
export function faceApiRecognitionInput(
  image: RgbImage,
  box?: PixelBox,
  layout: 'nhwc' | 'nchw' = 'nhwc',
): Float32Array {
  return faceApiNetInput(image, FACEAPI_RECOGNITION.size, box, layout);
}

/** As faceApiRecognitionInput, for a net of input side `size` (face-api's `toBatchTensor(size, true)`). */
export function faceApiNetInput(
  image: RgbImage,
  size: number,
  box?: PixelBox,
  layout: 'nhwc' | 'nchw' = 'nhwc',
): Float32Array {
  const region = box ?? { x: 0, y: 0, width: image.width, height: image.height };
  checkBox(image, region);
  const side = Math.max(region.width, region.height);
  const diff = Math.abs(region.height - region.width);
  // padToSquare puts round(diff / 2) zeros after the image and the remainder before it.
  const before = diff - Math.round(diff * 0.5);
  const padTop = region.height < region.width ? before : 0;
  const padLeft = region.width < region.height ? before : 0;

  /** Channel c of the padded square at (py, px); zero outside the crop. */
  const at = (py: number, px: number, c: number): number => {
    const y = py - padTop;
    const x = px - padLeft;
    if (y < 0 || x < 0 || y >= region.height || x >= region.width) return 0;
    return image.data[((region.y + y) * image.width + region.x + x) * image.channels + c];
  };

  const out = new Float32Array(size * size * 3);
  const put =
    layout === 'nhwc'
      ? (y: number, x: number, c: number) => (y * size + x) * 3 + c
      : (y: number, x: number, c: number) => (c * size + y) * size + x;
  // Float32 at every step, as TFJS's wasm kernel computes it, so the pixels match it bit for bit or nearly.
  // (TFJS skips the resize when the square already has the input size; the sampling gives the same then.)
  const f = Math.fround;
  const scale = f(side / size);
  for (let y = 0; y < size; y++) {
    const sy = f(scale * y);
    const y0 = Math.floor(sy);
    const y1 = Math.min(Math.ceil(sy), side - 1);
    const dy = f(sy - y0);
    for (let x = 0; x < size; x++) {
      const sx = f(scale * x);
      const x0 = Math.floor(sx);
      const x1 = Math.min(Math.ceil(sx), side - 1);
      const dx = f(sx - x0);
      for (let c = 0; c < 3; c++) {
        const [tl, tr, bl, br] = [at(y0, x0, c), at(y0, x1, c), at(y1, x0, c), at(y1, x1, c)];
        const top = f(tl + f(f(tr - tl) * dx));
        const bottom = f(bl + f(f(br - bl) * dx));
        out[put(y, x, c)] = f(top + f(f(bottom - top) * dy));
      }
    }
  }
  return out;
}

function checkBox(image: RgbImage, b: PixelBox): void {
  const whole = [b.x, b.y, b.width, b.height].every(Number.isInteger);
  const inside =
    b.x >= 0 &&
    b.y >= 0 &&
    b.width > 0 &&
    b.height > 0 &&
    b.x + b.width <= image.width &&
    b.y + b.height <= image.height;
  if (!whole || !inside) {
    throw new RangeError(
      `face box ${JSON.stringify(b)} is not whole pixels inside the ${image.width}x${image.height} image`,
    );
  }
  if (image.data.length < image.width * image.height * image.channels) {
    throw new RangeError(
      `image data holds ${image.data.length} values, ${image.width}x${image.height}x${image.channels} needs more`,
    );
  }
}
