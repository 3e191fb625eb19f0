/**
 * Checks that a payload has the shape the API's contract (types/api.gen.ts) promises. A payload that
 * does not is a contract drift: it throws a ContractError in development and tests, so it shows up
 * as a failure instead of a silent default; a production build reports it on the console and
 * goes on with the payload as sent.
 */

export class ContractError extends Error {
  constructor(message: string) {
    super(`API contract: ${message}`);
    this.name = "ContractError";
  }
}

/** A JSON kind, or kinds joined by "|"; a trailing "?" allows the key to be absent. */
type Kind = "string" | "number" | "boolean" | "array" | "object" | "null";
export type Check = Kind | `${Kind}|${Kind}` | `${Kind}?` | `${Kind}|${Kind}?`;
/** One check for every key of the generated type `T`: a key the schema adds fails the type check. */
export type Spec<T> = { [K in keyof T]-?: Check };

export function contractBroken(message: string): void {
  if (process.env.NODE_ENV === "production") {
    console.error(new ContractError(message).message);
    return;
  }
  throw new ContractError(message);
}

function kindOf(value: unknown): Kind | "undefined" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const kind = typeof value;
  if (kind === "string" || kind === "number" || kind === "boolean" || kind === "object" || kind === "undefined") return kind;
  return "object";
}

function matches(value: unknown, check: Check): boolean {
  const optional = check.endsWith("?");
  const kinds = (optional ? check.slice(0, -1) : check).split("|");
  const kind = kindOf(value);
  if (kind === "undefined") return optional;
  return kinds.includes(kind);
}

/** `raw` as the generated type `T`, after checking every key `spec` names. */
export function expectShape<T>(raw: unknown, spec: Spec<T>, name: string): T {
  if (kindOf(raw) !== "object") {
    contractBroken(`${name}: expected an object, got ${kindOf(raw)}`);
    return raw as T;
  }
  const record = raw as Record<string, unknown>;
  for (const [key, check] of Object.entries(spec) as [string, Check][]) {
    if (!matches(record[key], check)) contractBroken(`${name}.${key}: expected ${check}, got ${kindOf(record[key])}`);
  }
  return raw as T;
}

/** `value` when it is one of `allowed` (the server's vocabulary), else a contract failure. */
export function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) contractBroken(`${name}: ${JSON.stringify(value)} is not one of ${allowed.join(", ")}`);
  return value as T;
}

export function expectArray(raw: unknown, name: string): unknown[] {
  if (!Array.isArray(raw)) {
    contractBroken(`${name}: expected an array, got ${kindOf(raw)}`);
    return [];
  }
  return raw;
}
