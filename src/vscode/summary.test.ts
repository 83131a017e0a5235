import * as assert from 'node:assert/strict';
import type { CheckResult, Diagnostic } from '../core/report';
import { describeChecks, statusLine, summarizeLoss } from './summary';

const check = (id: CheckResult['id'], status: CheckResult['status']): CheckResult => ({ id, status, message: '', ms: 1 });
const range = { start: { line: 3, character: 2 }, end: { line: 3, character: 9 } };
const ll200: Diagnostic = { code: 'LL200', severity: 'error', message: 'a tensor in an if', range };

describe('the words for check results', () => {
  it('says warn as warn and skip as skip', () => {
    assert.equal(describeChecks([check('runs', 'pass'), check('shape', 'warn'), check('reference', 'skip')]), '1 check passes, 1 warns (shape), 1 skipped (reference)');
  });

  it('puts failures first', () => {
    assert.equal(describeChecks([check('runs', 'pass'), check('gradient', 'fail')]), '1 failed (gradient), 1 check passes');
  });

  it('never says the checks pass alone beside an error in the code', () => {
    assert.equal(summarizeLoss('huber', [check('runs', 'pass'), check('finite', 'pass')], [ll200]), 'huber: 2 checks pass; 1 error in the code (LL200)');
  });

  it('counts only the losses that ran in the status bar', () => {
    const line = statusLine([{ checks: [check('runs', 'pass')], errors: [] }, { checks: undefined, errors: [ll200] }, { checks: undefined, errors: [] }, { checks: undefined, errors: [] }]);
    assert.equal(line.text, '4 losses: 1 of 4 checked, no check failed; 1 error in the code');
    assert.equal(line.level, 'error');
    assert.equal(statusLine([{ checks: [check('runs', 'pass')], errors: [] }]).text, '1 loss: 1 of 1 checked, checks pass');
    assert.equal(statusLine([{ checks: undefined, errors: [] }]).text, '1 loss: not checked');
  });
});
