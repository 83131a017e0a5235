import * as assert from 'node:assert/strict';
import { checksForPanel, clip, dispatch, hostMessage, pageMessage, parseMessage, type Handlers, type HostMessage, type PageMessage } from './protocol';

const loss = {
  uri: 'file:///w/losses.ts',
  file: 'losses.ts',
  name: 'huber',
  exportName: 'huber',
  kind: 'factory',
  task: 'regression',
  params: [{ name: 'delta', defaultText: '1.0', value: 1 }],
  code: '(() => {})();',
  checks: [{ id: 'gradcheck', status: 'pass', message: 'ok', ms: 3 }],
  version: 4,
};

describe('the host ↔ panel protocol', () => {
  it('accepts a well-formed loss message and keeps its fields', () => {
    const parsed = parseMessage(hostMessage, { type: 'loss', loss });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.message, { type: 'loss', loss });
  });

  it('names the field that is wrong', () => {
    const parsed = parseMessage(hostMessage, { type: 'loss', loss: { ...loss, task: 'ranking' } });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /^dropped a 'loss' message: loss\.task: /);
  });

  it('rejects unknown types, non-objects, NaN defaults, unknown check ids and oversized strings', () => {
    for (const bad of [
      { type: 'eval', code: '1' },
      'ready',
      null,
      { type: 'loss', loss: { ...loss, params: [{ name: 'delta', defaultText: 'NaN', value: NaN }] } },
      { type: 'loss', loss: { ...loss, checks: [{ id: 'made-up', status: 'pass', message: '', ms: 0 }] } },
      { type: 'loss', loss: { ...loss, name: 'x'.repeat(201) } },
      { type: 'settings', settings: { backend: 'tpu', seed: 1, timeoutMs: 5000 } },
      { type: 'log', level: 'debug', message: 'hi' },
    ]) {
      assert.equal(parseMessage(hostMessage, bad).ok || parseMessage(pageMessage, bad).ok, false, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it('calls the handler of the message type and drops the rest with a reason', () => {
    const seen: string[] = [];
    const dropped: string[] = [];
    const handlers: Handlers<PageMessage> = { ready: () => seen.push('ready'), log: (m) => seen.push(`${m.level}: ${m.message}`), manageTrust: () => seen.push('manageTrust') };
    for (const data of [{ type: 'ready' }, { type: 'log', level: 'warn', message: 'slow' }, { type: 'ready', extra: 1 }, { type: 'reveal' }]) {
      dispatch(pageMessage, handlers, data, (error) => dropped.push(error));
    }
    // Unknown keys are stripped, not trusted: the message still is a 'ready'.
    assert.deepEqual(seen, ['ready', 'warn: slow', 'ready']);
    assert.deepEqual(dropped.length, 1);
    assert.match(dropped[0] ?? '', /dropped a 'reveal' message/);
  });

  it('types a handler table over every host message', () => {
    const handlers: Handlers<HostMessage> = { init: () => undefined, loss: () => undefined, noLoss: () => undefined, settings: () => undefined, train: () => undefined, reveal: () => undefined };
    assert.deepEqual(Object.keys(handlers).sort(), [...hostMessage.def.options.map((o) => o.def.shape.type.def.values[0] as string)].sort());
  });

  it("carries the host's checks even when a value is infinite or a message too long", () => {
    const checks = checksForPanel([
      { id: 'non-negative', status: 'pass', message: 'lowest -Infinity', value: -Infinity, ms: 1 },
      { id: 'runs', status: 'fail', message: 'x'.repeat(9000), ms: 2 },
    ]);
    assert.deepEqual(checks[0], { id: 'non-negative', status: 'pass', message: 'lowest -Infinity', ms: 1 });
    assert.equal(checks[1]?.message.length, 5000);
    assert.ok(checks[1]?.message.endsWith('…'));
    assert.ok(parseMessage(hostMessage, { type: 'loss', loss: { ...loss, checks } }).ok);
    assert.equal(clip('short', 10), 'short');
  });
});
