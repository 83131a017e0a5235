// LL100 fix: move the parameters after (yTrue, yPred) into a factory that returns the loss.
//   function huber(yTrue, yPred, delta = 1) { … }  →  function huber(delta = 1) { return (yTrue, yPred) => { … }; }
import ts from 'typescript';
import type { Diagnostic } from '../report';
import { findNode, offsetOf, replace, type Fix } from './shared';

type Fn = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;

export function wrapInFactory(sf: ts.SourceFile, diagnostic: Diagnostic): Fix | undefined {
  const start = offsetOf(sf, diagnostic.range.start);
  const param = findNode(sf, start, start, ts.isParameter);
  const fn = param?.parent;
  if (!fn || !(ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) || !fn.body || fn.parameters.length <= 2) return undefined;
  const extra = fn.parameters.slice(2).map((p) => withDefault(sf, p));
  if (extra.some((e) => e === undefined)) return undefined;
  const inner = fn.parameters.slice(0, 2).map((p) => p.getText(sf)).join(', ');
  const returnType = fn.type ? `: ${fn.type.getText(sf)}` : '';
  const open = (fn.parameters.pos ?? 0) - 1; // the "(" of the parameter list
  const closeParen = sf.text.indexOf(')', fn.parameters.end);
  const edits = isArrow(fn)
    ? [replace(sf, open, (fn.type?.getEnd() ?? closeParen + 1), `(${extra.join(', ')}) => (${inner})${returnType}`)]
    : [
        replace(sf, open, fn.body.getStart(sf), `(${extra.join(', ')}) {\n  return (${inner})${returnType} => `),
        replace(sf, fn.body.getEnd(), fn.body.getEnd(), ';\n}'),
      ];
  return { title: `Move ${extra.map((e) => (e ?? '').split(/\s*[=:]/)[0]).join(', ')} into a factory`, code: 'LL100', edits, preferred: true };
}

function isArrow(fn: Fn): fn is ts.ArrowFunction {
  return ts.isArrowFunction(fn);
}

/** A factory's parameters all need defaults (that is how Loss Lab calls it); numbers get 1. */
function withDefault(sf: ts.SourceFile, p: ts.ParameterDeclaration): string | undefined {
  if (p.initializer || p.questionToken) return p.getText(sf).replace('?', '');
  const type = p.type?.getText(sf);
  if (type !== undefined && type !== 'number') return undefined;
  return `${p.getText(sf)} = 1`;
}
