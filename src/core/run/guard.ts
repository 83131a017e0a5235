// What the checks judge with, kept out of the loss's reach. The loss runs in the same process as the
// checks (it must: they share tfjs's engine), so it can replace `Number.isFinite`, a tensor method
// or tfjs's engine. The guard captures the methods of the objects the checks rely on before the
// user's module loads, and puts back whatever user code replaced each time it has run: a patch lives
// only while the loss itself runs, and the verdicts are computed with the originals.
//
// It runs after every call of the loss (a few hundred per check run), so it must be cheap: one read
// per guarded method tells whether it changed (reading descriptors would allocate, and making the
// methods non-configurable would turn Array.prototype and Math into slow dictionaries, ten times
// slower to call). A getter a loss installs in place of a method is seen by the value it returns.
// Only functions and objects are guarded; numbers and strings are state (tfjs's engine counts tensors
// in them). A property user code adds is removed only where it hides one further up the prototype
// chain (a tensor method shadowed on Variable.prototype); helpers a module adds
// (`Array.prototype.sum`) stay, for the loss that uses them.
import { ownPatches } from '../checks/own-patches';

// The guard's own tools, captured before any user code runs.
const { apply, ownKeys, getPrototypeOf, setPrototypeOf, deleteProperty, defineProperty } = Reflect;
const getDescriptor = Object.getOwnPropertyDescriptor;
const hasOwn = Object.hasOwn;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapHas = Map.prototype.has;
const mapForEach = Map.prototype.forEach;
const setAdd = Set.prototype.add;
const weakHas = WeakSet.prototype.has;
const toName = String;

interface Captured {
  target: object;
  label: string;
  /** Guarded data properties: keys, values and descriptors, in parallel arrays. */
  keys: PropertyKey[];
  values: unknown[];
  descriptors: PropertyDescriptor[];
  /** Guarded accessors (getters of classes): compared by descriptor. */
  accessorKeys: PropertyKey[];
  accessors: PropertyDescriptor[];
  /** Every key at capture time, to tell added ones. */
  known: Map<PropertyKey, true>;
  keyCount: number;
  proto: object | null;
  /** Whether an added key could hide a guarded one: the prototype is itself guarded (not Object's). */
  scanAdded: boolean;
}

interface CapturedMap {
  map: Map<unknown, unknown>;
  label: string;
  entries: [unknown, unknown][];
}

/**
 * Objects to guard, with a name for messages (`Number`, `tf.Tensor.prototype`). `functions`: guard
 * only its methods, for objects whose other properties are live state (tfjs's engine, a backend,
 * Node's process); `data`: no accessors, for the global object, whose getters Node replaces on
 * first use.
 */
export type Roots = ReadonlyArray<readonly [label: string, target: unknown, only?: 'functions' | 'data']>;

export class IntrinsicsGuard {
  private readonly objects: Captured[] = [];
  private readonly maps: CapturedMap[] = [];
  /** Names of the properties user code replaced so far, for the report. */
  readonly replaced = new Set<string>();

  constructor(roots: Roots, maps: Roots = []) {
    const seen = new Map<object, true>();
    for (const [label, target, only] of roots) {
      if ((typeof target !== 'object' && typeof target !== 'function') || target === null || apply(mapHas, seen, [target])) continue;
      apply(mapSet, seen, [target, true]);
      this.objects.push(capture(target, label, only));
    }
    for (const captured of this.objects) {
      const { proto } = captured;
      captured.scanAdded = proto !== null && proto !== Object.prototype && proto !== Function.prototype && apply(mapHas, seen, [proto]);
    }
    for (const [label, map] of maps) {
      if (!(map instanceof Map)) continue;
      const entries: [unknown, unknown][] = [];
      apply(mapForEach, map, [(value: unknown, key: unknown) => entries.push([key, value])]);
      this.maps.push({ map, label, entries });
    }
  }

  /**
   * Puts back what user code replaced since the capture. Returns the names it could not put back (the
   * user made them read-only, or froze the object): the checks cannot be trusted with them.
   */
  restore(): string[] {
    const stuck: string[] = [];
    for (let i = 0; i < this.objects.length; i++) restoreObject(this.objects[i] as Captured, this.replaced, stuck);
    for (let i = 0; i < this.maps.length; i++) restoreMap(this.maps[i] as CapturedMap, this.replaced);
    return stuck;
  }
}

function capture(target: object, label: string, only: 'functions' | 'data' | undefined): Captured {
  const all = ownKeys(target);
  const captured: Captured = { target, label, keys: [], values: [], descriptors: [], accessorKeys: [], accessors: [], known: new Map(), keyCount: all.length, proto: getPrototypeOf(target), scanAdded: false };
  for (let i = 0; i < all.length; i++) {
    const key = all[i] as PropertyKey;
    apply(mapSet, captured.known, [key, true]);
    const descriptor = getDescriptor(target, key);
    if (!descriptor) continue;
    if (!hasOwn(descriptor, 'value')) {
      // What can never change needs no watching (esbuild's and tfjs's export getters).
      if (only === undefined && descriptor.configurable) {
        captured.accessorKeys.push(key);
        captured.accessors.push(descriptor);
      }
      continue;
    }
    const value: unknown = descriptor.value;
    if (typeof value !== 'function' && (only === 'functions' || typeof value !== 'object' || value === null)) continue;
    if (!descriptor.writable && !descriptor.configurable) continue; // fixed for good
    captured.keys.push(key);
    captured.values.push(value);
    captured.descriptors.push(descriptor);
  }
  return captured;
}

function restoreObject(captured: Captured, replaced: Set<string>, stuck: string[]): void {
  const { target, keys, values, descriptors, accessorKeys, accessors } = captured;
  const record = target as Record<PropertyKey, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as PropertyKey;
    const value = values[i];
    const current = record[key];
    if (current === value || isOwnPatch(current)) continue;
    const name = `${captured.label}.${toName(key)}`;
    apply(setAdd, replaced, [name]);
    if (!defineProperty(target, key, descriptors[i] as PropertyDescriptor)) stuck[stuck.length] = name;
  }
  for (let i = 0; i < accessorKeys.length; i++) {
    const key = accessorKeys[i] as PropertyKey;
    const original = accessors[i] as PropertyDescriptor;
    const current = getDescriptor(target, key);
    if (current && current.get === original.get && current.set === original.set && current.configurable === original.configurable && current.enumerable === original.enumerable) continue;
    const name = `${captured.label}.${toName(key)}`;
    apply(setAdd, replaced, [name]);
    if (!defineProperty(target, key, original)) stuck[stuck.length] = name;
  }
  // Added keys are looked for where they could hide a guarded method, and only when the count changed.
  const now = captured.scanAdded ? ownKeys(target) : undefined;
  if (now && now.length !== captured.keyCount) {
    for (let i = 0; i < now.length; i++) {
      const key = now[i] as PropertyKey;
      if (apply(mapGet, captured.known, [key])) continue;
      // An added property that hides an inherited one (a tensor method shadowed on Variable.prototype).
      const proto = getPrototypeOf(target);
      if (proto === null || !(key in proto) || isOwnPatch(getDescriptor(target, key)?.value)) continue;
      const name = `${captured.label}.${toName(key)}`;
      apply(setAdd, replaced, [name]);
      if (!deleteProperty(target, key)) stuck[stuck.length] = name;
    }
  }
  if (getPrototypeOf(target) !== captured.proto) {
    const name = `${captured.label} (its prototype)`;
    apply(setAdd, replaced, [name]);
    if (!setPrototypeOf(target, captured.proto)) stuck[stuck.length] = name;
  }
}

function isOwnPatch(value: unknown): boolean {
  return typeof value === 'function' && apply(weakHas, ownPatches, [value]);
}

function restoreMap(captured: CapturedMap, replaced: Set<string>): void {
  // Entries user code added (a kernel or gradient of its own) stay; replaced or deleted ones come back.
  // The usual case, nothing changed, is one pass in insertion order with no lookups.
  const { map, entries } = captured;
  let i = 0;
  let same = true;
  apply(mapForEach, map, [
    (value: unknown, key: unknown) => {
      const entry = entries[i++];
      if (entry && (entry[0] !== key || entry[1] !== value)) same = false;
    },
  ]);
  if (same && i >= entries.length) return;
  for (let j = 0; j < entries.length; j++) {
    const [key, value] = entries[j] as [unknown, unknown];
    if (apply(mapHas, map, [key]) && apply(mapGet, map, [key]) === value) continue;
    apply(setAdd, replaced, [`${captured.label}[${toName(key)}]`]);
    apply(mapSet, map, [key, value]);
  }
}
