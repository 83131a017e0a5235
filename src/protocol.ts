// The messages between the extension host and the preview panel's page, one union per direction,
// checked on arrival by both sides (STYLE.md §4): the page's messages come from a browser context
// and the host's carry user code, so neither side trusts the shape of what it receives. Payloads
// are JSON, never tensors. Imported by the extension bundle and the webview bundle.
import * as z from 'zod/mini';
import { CHECK_IDS, TASKS, type CheckResult } from './core/report';

// No compiled validators: they need Function(), which the webview's CSP forbids (and zod's probe for it would log a violation).
z.config({ jitless: true });

export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];
export const BACKEND_CHOICES = ['auto', ...BACKENDS] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Strings and lists have a length limit: a message is never allowed to be unbounded. */
export const text = (max: number) => z.string().check(z.maxLength(max));
export const list = <T extends z.ZodMiniType>(item: T, max: number) => z.array(item).check(z.maxLength(max));
const finite = z.number().check(z.refine(Number.isFinite, 'a finite number'));

const factoryParam = z.object({
  name: text(200),
  defaultText: text(500),
  /** The default when it is a number literal: numeric parameters become sliders. */
  value: z.optional(finite),
});

const checkResult = z.object({
  id: z.enum(CHECK_IDS),
  status: z.enum(['pass', 'warn', 'fail', 'skip']),
  message: text(5000),
  value: z.optional(z.number()),
  ms: z.number(),
});

/** The loss the panel shows: where it lives, how to call it, and its bundled module when it may run. */
const panelLoss = z.object({
  /** The document's URI, and the path shown to the user. */
  uri: text(5000),
  file: text(5000),
  name: text(200),
  /** The key of the loss in the bundle's exports. */
  exportName: text(300),
  kind: z.enum(['loss', 'factory']),
  task: z.enum(TASKS),
  params: list(factoryParam, 50),
  /** The module bundled by core/run/bundle.ts; null when it may not run (untrusted) or does not build. */
  code: z.nullable(text(20_000_000)),
  /** Why there is no code, said to the user. */
  problem: z.optional(text(5000)),
  /** The workspace is not trusted: the page offers VS Code's Manage Workspace Trust instead of charts. */
  untrusted: z.optional(z.boolean()),
  /** The codes of the error diagnostics on the loss (LL200…): the page never says the checks pass alone beside them. */
  errors: z.optional(list(text(20), 50)),
  /** The host's last runtime checks of this loss, if any ran. */
  checks: list(checkResult, CHECK_IDS.length),
  /** Increases with every edit of the document: the page drops stale work. */
  version: z.int(),
});
export type PanelLoss = z.infer<typeof panelLoss>;

const panelSettings = z.object({
  /** The training backend the user pinned (lossLab.panel.backend), or 'auto' to measure and pick. */
  backend: z.enum(BACKEND_CHOICES),
  seed: z.int().check(z.minimum(0)),
  /** Per-request limit for the page's worker: a loss that runs longer is stopped and reported. */
  timeoutMs: z.int().check(z.minimum(100)),
});
export type PanelSettings = z.infer<typeof panelSettings>;

/** Host → page. */
export const hostMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    /** Webview URIs of the worker script and the folder of tfjs's .wasm files. */
    workerUrl: text(5000),
    wasmUrl: text(5000),
    settings: panelSettings,
  }),
  z.object({ type: z.literal('loss'), loss: panelLoss }),
  z.object({ type: z.literal('noLoss'), reason: text(2000) }),
  z.object({ type: z.literal('settings'), settings: panelSettings }),
  /** The Train command: show the training section and start a run. */
  z.object({ type: z.literal('train') }),
  /** Scrolls a section into view (the Gradient check CodeLens shows the gradient check). */
  z.object({ type: z.literal('reveal'), section: z.enum(['curves', 'gradcheck', 'training']) }),
]);
export type HostMessage = z.infer<typeof hostMessage>;

/** Page → host. */
export const pageMessage = z.discriminatedUnion('type', [
  /** The page listens: the host sends init and the current loss only after this. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: text(5000) }),
  /** The user pressed Manage Workspace Trust in an untrusted workspace's panel. */
  z.object({ type: z.literal('manageTrust') }),
]);
export type PageMessage = z.infer<typeof pageMessage>;

/** A text cut to fit a field's limit, marked as cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The host's check results as the panel's schema takes them: JSON has no Infinity (a loss of −Infinity is a
 * value the checks report), and messages have a length limit. */
export function checksForPanel(checks: readonly CheckResult[]): PanelLoss['checks'] {
  return checks.map((c) => ({ id: c.id, status: c.status, message: clip(c.message, 5000), ms: Number.isFinite(c.ms) ? c.ms : 0, ...(c.value !== undefined && Number.isFinite(c.value) ? { value: c.value } : {}) }));
}

type MessageOf<M extends { type: string }, T extends M['type']> = Extract<M, { type: T }>;
/** One handler per message type: a missing one is a compile error. */
export type Handlers<M extends { type: string }> = { [T in M['type']]: (message: MessageOf<M, T>) => void };

export type Parsed<M> = { ok: true; message: M } | { ok: false; error: string };

/** Checks a message against its schema; the error names the field, for the log. */
export function parseMessage<M>(schema: z.ZodMiniType<M>, data: unknown): Parsed<M> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'message';
  const type = typeof data === 'object' && data !== null && 'type' in data ? String((data as { type: unknown }).type).slice(0, 40) : typeof data;
  return { ok: false, error: `dropped a '${type}' message: ${where}: ${issue?.message ?? 'invalid'}` };
}

/** Validates, then calls the handler of the message's type; invalid messages go to `dropped`. */
export function dispatch<M extends { type: string }>(schema: z.ZodMiniType<M>, handlers: Handlers<M>, data: unknown, dropped: (error: string) => void): void {
  const parsed = parseMessage(schema, data);
  if (!parsed.ok) return dropped(parsed.error);
  const handler = handlers[parsed.message.type as M['type']] as (message: M) => void;
  handler(parsed.message);
}
