// snake_case names read as camelCase, for the one release the old names are still accepted (aliases.ts).

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/** `include_inactive` -> `includeInactive`; a name that is not snake_case is returned as it is. */
export function camelName(name: string): string {
  return SNAKE.test(name) ? name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase()) : name;
}

/** A copy of a JSON value with snake_case keys renamed (a camelCase key sent as well wins); `used` collects the old names. */
export function camelKeys(value: unknown, used: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => camelKeys(v, used));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, v] of entries) {
    const name = camelName(key);
    if (name !== key) {
      used.add(key);
      if (Object.hasOwn(value, name)) continue;
    }
    out[name] = camelKeys(v, used);
  }
  return out;
}
