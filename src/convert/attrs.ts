// Typed reads of a TF node's attributes as they appear in model.json (base64 strings, int64 as strings).
import { UnsupportedAttributeError } from './errors.js';
import type { TfNode } from './tfjs-model.js';

type Raw = Record<string, unknown>;
interface RawList {
  s?: string[];
  i?: (string | number)[];
  f?: number[];
  b?: boolean[];
}

export class Attrs {
  constructor(readonly node: TfNode) {}

  get names(): string[] {
    return Object.keys(this.node.attr ?? {});
  }

  private raw(name: string): Raw | undefined {
    return this.node.attr?.[name];
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** Throws the converter's named error for this node. */
  fail(attribute: string, detail: string): never {
    throw new UnsupportedAttributeError(this.node.op, this.node.name, attribute, detail);
  }

  str(name: string, fallback?: string): string {
    const v = this.raw(name)?.s;
    if (typeof v === 'string') return Buffer.from(v, 'base64').toString('utf8');
    return this.orDefault(name, fallback);
  }

  int(name: string, fallback?: number): number {
    const v = this.raw(name)?.i;
    if (typeof v === 'string' || typeof v === 'number') return Number(v);
    return this.orDefault(name, fallback);
  }

  float(name: string, fallback?: number): number {
    const v = this.raw(name)?.f;
    if (typeof v === 'number') return v;
    return this.orDefault(name, fallback);
  }

  bool(name: string, fallback?: boolean): boolean {
    const v = this.raw(name)?.b;
    if (typeof v === 'boolean') return v;
    // proto3 JSON omits false values, so an attribute present without `b` is false.
    if (this.has(name)) return false;
    return this.orDefault(name, fallback);
  }

  ints(name: string, fallback?: number[]): number[] {
    const list = this.raw(name)?.list as RawList | undefined;
    if (list) return (list.i ?? []).map(Number);
    return this.orDefault(name, fallback);
  }

  strs(name: string, fallback?: string[]): string[] {
    const list = this.raw(name)?.list as RawList | undefined;
    if (list) return (list.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
    return this.orDefault(name, fallback);
  }

  /** TF dtype enum name, e.g. 'DT_FLOAT'. */
  type(name: string, fallback?: string): string {
    const v = this.raw(name)?.type;
    if (typeof v === 'string') return v;
    return this.orDefault(name, fallback);
  }

  /** Static shape of a Placeholder; -1 marks an unknown dimension. */
  shape(name: string): number[] | null {
    const shape = this.raw(name)?.shape as { dim?: { size?: string | number }[]; unknownRank?: boolean } | undefined;
    if (!shape || shape.unknownRank) return null;
    return (shape.dim ?? []).map((d) => Number(d.size ?? -1));
  }

  /** Fails unless the attribute is absent or equals one of the values the mapping handles. */
  expect(name: string, allowed: (string | number | boolean)[], read: (n: string) => string | number | boolean): void {
    if (!this.has(name)) return;
    const value = read.call(this, name);
    if (!allowed.includes(value)) this.fail(name, `value ${JSON.stringify(value)} (supported: ${allowed.join(', ')})`);
  }

  private orDefault<T>(name: string, fallback: T | undefined): T {
    if (fallback === undefined) this.fail(name, 'missing or of an unexpected kind');
    return fallback;
  }
}
