/**
 * Debezium's semantic types, named in the `{schema, payload}` wrapper of Kafka Connect's
 * JsonConverter, decoded into text the NDJSON reader converts into the table's types (and,
 * for a new table, infers or is told: `semanticHints`):
 *
 * | schema `name` | JSON value | becomes |
 * |---|---|---|
 * | `org.apache.kafka.connect.data.Decimal` (parameter `scale`) | base64 of the big-endian two's-complement unscaled integer | decimal text (`-12.34`) |
 * | `io.debezium.data.VariableScaleDecimal` | `{scale, value}` (value as above) | decimal text |
 * | `io.debezium.time.Date`, `org.apache.kafka.connect.data.Date` | days since 1970-01-01 | `YYYY-MM-DD` |
 * | `io.debezium.time.Timestamp`, `org.apache.kafka.connect.data.Timestamp` | ms since the epoch | ISO timestamp |
 * | `io.debezium.time.MicroTimestamp` | µs | ISO timestamp (µs) |
 * | `io.debezium.time.NanoTimestamp` | ns | ISO timestamp (µs: Delta keeps microseconds; the rest is dropped) |
 * | `io.debezium.time.ZonedTimestamp` | ISO text with offset | as is |
 *
 * Debezium's (non-zoned) timestamps are wall-clock values written as if UTC: they get a `Z`,
 * unless the table column is `timestamp_ntz`, which gets them without a zone.
 */
import * as arrow from 'apache-arrow';

type Decode = (v: unknown) => unknown;

interface ConnectField {
  field?: unknown;
  name?: unknown;
  type?: unknown;
  fields?: unknown;
  parameters?: unknown;
}

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const VARIABLE_DECIMAL = 'io.debezium.data.VariableScaleDecimal';
const DATES = new Set(['io.debezium.time.Date', 'org.apache.kafka.connect.data.Date']);
const MICROS_PER: Record<string, bigint> = {
  'io.debezium.time.Timestamp': 1000n,
  'org.apache.kafka.connect.data.Timestamp': 1000n,
  'io.debezium.time.MicroTimestamp': 1n,
};
const NANO = 'io.debezium.time.NanoTimestamp';
const ZONED = 'io.debezium.time.ZonedTimestamp';

/** A two's-complement big-endian integer, base64-encoded, with `scale` digits after the point. */
export function decodeConnectDecimal(base64: string, scale: number): string {
  const bytes = Buffer.from(base64, 'base64');
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  if (bytes.length > 0 && bytes[0]! & 0x80) n -= 1n << BigInt(bytes.length * 8);
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

function integer(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return undefined;
}

/** Microseconds since the epoch as ISO-8601 (`Z`, or zoneless for timestamp_ntz). */
export function isoFromMicros(us: bigint, zone: boolean): string {
  let ms = us / 1000n;
  let rest = us % 1000n;
  if (rest < 0n) {
    rest += 1000n;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // 2024-01-02T03:04:05.123Z
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}${zone ? 'Z' : ''}`;
}

function decoderFor(f: ConnectField, target: arrow.DataType | undefined): Decode | undefined {
  const name = typeof f.name === 'string' ? f.name : undefined;
  if (name === undefined) return undefined;
  if (name === DECIMAL) {
    const scale = Number((f.parameters as Record<string, unknown> | undefined)?.['scale'] ?? 0);
    return (v) => (typeof v === 'string' ? decodeConnectDecimal(v, scale) : v);
  }
  if (name === VARIABLE_DECIMAL)
    return (v) => {
      const o = v as { scale?: unknown; value?: unknown } | null;
      return o && typeof o.value === 'string' ? decodeConnectDecimal(o.value, Number(o.scale ?? 0)) : v;
    };
  if (DATES.has(name))
    return (v) => {
      const days = integer(v);
      return days === undefined ? v : isoFromMicros(days * 86_400_000_000n, false).slice(0, 10);
    };
  const zone = !(target instanceof arrow.Timestamp && !target.timezone);
  const per = MICROS_PER[name];
  if (per !== undefined || name === NANO)
    return (v) => {
      const n = integer(v);
      if (n === undefined) return v;
      return isoFromMicros(per !== undefined ? n * per : n / 1000n - (n % 1000n < 0n ? 1n : 0n), zone);
    };
  return undefined;
}

/** The row struct's fields in a wrapper schema (`after`, else `before`). */
function rowFields(schema: unknown): ConnectField[] {
  const top = (schema as ConnectField | null)?.fields;
  if (!Array.isArray(top)) return [];
  for (const which of ['after', 'before']) {
    const f = (top as ConnectField[]).find((x) => x?.field === which);
    if (f && Array.isArray(f.fields)) return f.fields as ConnectField[];
  }
  return [];
}

/**
 * Decoders of the row fields with a semantic type, by field name (empty for a schema without
 * any). `target` is the table's schema, when there is one.
 */
export function semanticDecoders(schema: unknown, target?: arrow.Schema): Map<string, Decode> {
  const out = new Map<string, Decode>();
  for (const f of rowFields(schema)) {
    if (typeof f.field !== 'string') continue;
    const d = decoderFor(f, target?.fields.find((x) => x.name === f.field)?.type);
    if (d) out.set(f.field, d);
  }
  return out;
}

/** A row image with its semantic values decoded. */
export function decodeSemantic(row: Record<string, unknown>, decoders: ReadonlyMap<string, Decode>): void {
  for (const [name, decode] of decoders) {
    const v = row[name];
    if (v !== null && v !== undefined) row[name] = decode(v);
  }
}

const PLAIN: Record<string, () => arrow.DataType> = {
  int8: () => new arrow.Int8(),
  int16: () => new arrow.Int16(),
  int32: () => new arrow.Int32(),
  int64: () => new arrow.Int64(),
  float32: () => new arrow.Float32(),
  float64: () => new arrow.Float64(),
  boolean: () => new arrow.Bool(),
  string: () => new arrow.Utf8(),
};

function hintType(f: ConnectField): arrow.DataType | undefined {
  const name = typeof f.name === 'string' ? f.name : undefined;
  if (name === DECIMAL) {
    const p = (f.parameters ?? {}) as Record<string, unknown>;
    const scale = Number(p['scale'] ?? 0);
    const precision = Math.min(38, Number(p['connect.decimal.precision'] ?? 38));
    return new arrow.Decimal(scale, Math.max(precision, scale), 128);
  }
  if (name !== undefined && DATES.has(name)) return new arrow.DateDay();
  if (name !== undefined && (MICROS_PER[name] !== undefined || name === NANO || name === ZONED))
    return new arrow.TimestampMicrosecond('UTC');
  if (name === VARIABLE_DECIMAL) return new arrow.Utf8(); // its scale varies row by row
  return typeof f.type === 'string' ? PLAIN[f.type]?.() : undefined;
}

/**
 * The types a new table takes from the wrapper schema, in the row's order: Connect's
 * primitive types, decimals with their precision and scale, dates, timestamps. Fields of
 * other types (structs, arrays, bytes) are left to inference.
 */
export function semanticHints(schema: unknown): arrow.Field[] {
  return rowFields(schema).flatMap((f) => {
    const type = typeof f.field === 'string' ? hintType(f) : undefined;
    return type ? [new arrow.Field(f.field as string, type, true)] : [];
  });
}
