// The codes that have a quick fix: a module of its own, so that the editor can ask without loading
// TypeScript (the fixes themselves are computed in the analysis worker).
import type { DiagnosticCode } from '../report';

export const FIXABLE_CODES: readonly DiagnosticCode[] = ['LL100', 'LL200', 'LL204', 'LL205', 'LL300', 'LL301', 'LL302', 'LL303'];
