// The analysis in a worker thread, so that TypeScript (4 MB of code, and its checker's time) never
// loads into or blocks the editor's thread. Requests: analyse a text, or compute the quick fixes of
// a finding.
import { parentPort } from 'worker_threads';
import { Analyzer, type AnalyzeOptions, type FileAnalysis } from '.';
import { fixesFor, type Fix } from '../fixes';
import type { Diagnostic } from '../report';

export type AnalysisRequest =
  | { id: number; kind: 'analyze'; file: string; text: string; options: AnalyzeOptions }
  | { id: number; kind: 'fixes'; file: string; text: string; diagnostic: Diagnostic };
export type AnalysisReply = { id: number; analysis: FileAnalysis } | { id: number; fixes: Fix[] } | { id: number; error: string };

const analyzer = new Analyzer();

parentPort?.on('message', (request: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    reply =
      request.kind === 'analyze'
        ? { id: request.id, analysis: analyzer.analyze(request.file, request.text, request.options) }
        : { id: request.id, fixes: fixesFor(request.file, request.text, request.diagnostic) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(reply);
});
