// Named errors of the TFJS graph -> ONNX converter, so callers can tell an unsupported graph from an I/O fault.

/** Base class: the model cannot be converted as it stands (retrying will not help). */
export class ConversionError extends Error {
  override name = 'ConversionError';
}

/** The graph uses a TensorFlow op the converter has no mapping for. */
export class UnsupportedOpError extends ConversionError {
  override name = 'UnsupportedOpError';
  constructor(
    readonly op: string,
    readonly node: string,
  ) {
    super(`unsupported op '${op}' at node '${node}'`);
  }
}

/** A known op carries an attribute (or an attribute value) the mapping cannot express. */
export class UnsupportedAttributeError extends ConversionError {
  override name = 'UnsupportedAttributeError';
  constructor(
    readonly op: string,
    readonly node: string,
    readonly attribute: string,
    detail: string,
  ) {
    super(`unsupported attribute '${attribute}' on op '${op}' at node '${node}': ${detail}`);
  }
}
