// Public surface of the TFJS graph -> ONNX converter.
export {
  convertTfjsGraph,
  convertGraph,
  CONVERTER_VERSION,
  OPS,
  type ConvertOptions,
  type ConvertProgress,
} from './convert.js';
export { ConversionError, UnsupportedAttributeError, UnsupportedOpError } from './errors.js';
export { loadTfjsGraph, tfjsModelFiles, type TfjsGraph, type TfNode } from './tfjs-model.js';
