// A tiny YOLOv8-layout ONNX model for tests: "red" and "blue" candidates per 16 px cell of a 64x64 input, output [1,6,32].
import { DType, GraphBuilder } from '../../src/convert/onnx-builder.js';

/** What the toy model detects, in its label order. */
export const TOY_LABELS = ['red', 'blue'] as const;
export const TOY_SIZE = 64;
export const TOY_CELL = 16;

/**
 * Input `images` [1,3,64,64] (RGB / 255). Each 16 px cell (row-major) yields two candidates with
 * the cell's box (cx, cy, w, h in input pixels): the first 16 score "red" by the cell's mean red
 * (blue 0), the last 16 score "blue" by its mean blue (red 0). A red square filling one cell is
 * one "red" detection with exactly that cell's box; a magenta square is a red and a blue
 * candidate on the same box, which class-aware NMS must both keep.
 */
export function buildToyYolo(): Uint8Array {
  const g = new GraphBuilder();
  const cells = TOY_SIZE / TOY_CELL;
  const n = cells * cells;
  g.inputs.push({ name: 'images', dtype: DType.float, dims: [1, 3, TOY_SIZE, TOY_SIZE] });
  const pooled = g.add('AveragePool', ['images'], ['cell_means'], {
    kernel_shape: { ints: [TOY_CELL, TOY_CELL] },
    strides: { ints: [TOY_CELL, TOY_CELL] },
  });
  const redBlue = g.add('Gather', [pooled, g.int64('red_blue', [0, 2])], ['red_blue_means'], { axis: { i: 1 } });
  const means = g.add('Reshape', [redBlue, g.int64('score_shape', [1, 2, n])], ['means']);
  const redOnly = g.add('Mul', [means, g.float('red_mask', [1, 0], [1, 2, 1])], ['red_scores']);
  const blueOnly = g.add('Mul', [means, g.float('blue_mask', [0, 1], [1, 2, 1])], ['blue_scores']);
  const scores = g.add('Concat', [redOnly, blueOnly], ['scores'], { axis: { i: 2 } });
  // Box rows: all centres x, all centres y, all widths, all heights (the v8 column layout), twice.
  const boxes: number[] = [];
  for (const pick of [
    (r: number, c: number) => TOY_CELL * (c + 0.5),
    (r: number) => TOY_CELL * (r + 0.5),
    () => TOY_CELL,
    () => TOY_CELL,
  ]) {
    for (let copy = 0; copy < 2; copy++)
      for (let r = 0; r < cells; r++) for (let c = 0; c < cells; c++) boxes.push(pick(r, c));
  }
  const boxTensor = g.float('cell_boxes', boxes, [1, 4, 2 * n]);
  g.add('Concat', [boxTensor, scores], ['output0'], { axis: { i: 1 } });
  g.outputs.push({ name: 'output0', dtype: DType.float, dims: [1, 4 + TOY_LABELS.length, 2 * n] });
  return g.encode({ name: 'vigil-toy-yolo', version: '1' });
}
