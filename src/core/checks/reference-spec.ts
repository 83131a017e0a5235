// The names and parameters of the built-in references (`--reference huber:1.5`): a module with no
// tfjs in it, so that the CLI's argument parsing and the editor's run settings do not load tfjs.

export const REFERENCE_NAMES = ['mse', 'mae', 'huber', 'logcosh', 'bce', 'cce', 'sparse-cce', 'hinge', 'kld', 'poisson', 'cosine'] as const;
export type ReferenceName = (typeof REFERENCE_NAMES)[number];

/** The one numeric parameter a built-in takes (`--reference huber:1.5`), its name and default. */
export const REFERENCE_PARAMETERS: Partial<Record<ReferenceName, { name: string; symbol: string; default: number }>> = {
  huber: { name: 'delta', symbol: 'δ', default: 1 },
};

export interface ReferenceSpec {
  name: ReferenceName;
  /** The built-in's parameter; undefined: its default. */
  param?: number;
}

/** `NAME` or `NAME:PARAM` (`huber:1.5`); otherwise what is wrong, to follow "--reference ". */
export function parseReference(text: string): ReferenceSpec | string {
  const [name, param, ...rest] = text.split(':');
  if (!(REFERENCE_NAMES as readonly string[]).includes(name ?? '') || rest.length > 0) return `must be one of ${REFERENCE_NAMES.join(', ')}, optionally with :PARAM (huber:1.5), not '${text}'`;
  const spec = { name: name as ReferenceName };
  if (param === undefined) return spec;
  const parameter = REFERENCE_PARAMETERS[spec.name];
  if (!parameter) return `'${text}': ${spec.name} takes no parameter`;
  const value = Number(param);
  if (param.trim() === '' || !Number.isFinite(value) || value <= 0) return `'${text}': ${spec.name}'s ${parameter.name} must be a positive number`;
  return { ...spec, param: value };
}

export function formatReference(spec: ReferenceSpec): string {
  const parameter = REFERENCE_PARAMETERS[spec.name];
  return parameter && spec.param !== undefined ? `${spec.name} (${parameter.symbol} = ${spec.param})` : spec.name;
}
