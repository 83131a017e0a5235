// `loss-lab check --format sarif`: the report as SARIF 2.1.0, as code scanning (GitHub, Azure
// DevOps, …) reads it. One rule per diagnostic code and per check id, each with its help link;
// diagnostics at their exact region, failed and warning checks at the loss; skips and passes are
// not results. A file that could not be read is a tool execution notification with its reason.
import * as path from 'path';
import { pathToFileURL } from 'url';
import type * as Sarif from 'sarif';
import type { CheckId, CheckReport, CheckResult, Diagnostic, DiagnosticCode, Range, Severity } from '../report';
import { CHECK_IDS, CHECK_SUMMARIES, checkHelpUri, CODE_SUMMARIES, codeHelpUri, DIAGNOSTIC_CODES, HOME_PAGE } from './rules';

const LEVELS: Record<Severity, Sarif.ReportingConfiguration.level> = { error: 'error', warning: 'warning', info: 'note' };
const SRCROOT = 'SRCROOT';

export interface SarifOptions {
  /** The folder that relative file paths are relative to (the repository's root in CI). */
  cwd: string;
  version: string;
}

export function formatSarif(report: CheckReport, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

export function toSarif(report: CheckReport, options: SarifOptions): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = [
    ...DIAGNOSTIC_CODES.map((code) => ({
      id: code,
      shortDescription: { text: CODE_SUMMARIES[code] },
      helpUri: codeHelpUri(code),
      defaultConfiguration: { level: LEVELS[defaultSeverity(code)] },
    })),
    ...CHECK_IDS.map((id) => ({
      id,
      shortDescription: { text: CHECK_SUMMARIES[id] },
      helpUri: checkHelpUri(id),
      defaultConfiguration: { level: 'error' as const },
    })),
  ];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results: Sarif.Result[] = [];
  const notifications: Sarif.Notification[] = [];
  for (const file of report.files) {
    const artifactLocation = artifactFor(file.file, options.cwd);
    if (file.unreadable !== undefined) {
      notifications.push({
        level: 'error',
        message: { text: file.unreadable },
        descriptor: { id: 'unreadable' },
        locations: [{ physicalLocation: { artifactLocation } }],
      });
      continue;
    }
    const diagnostic = (d: Diagnostic, logicalName?: string): Sarif.Result => ({
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: LEVELS[d.severity],
      message: { text: d.message },
      locations: [location(artifactLocation, d.range, logicalName)],
    });
    results.push(...file.diagnostics.map((d) => diagnostic(d)));
    for (const loss of file.losses) {
      results.push(...loss.diagnostics.map((d) => diagnostic(d, loss.name)));
      for (const check of loss.checks.filter(isFinding)) {
        results.push({
          ruleId: check.id,
          ruleIndex: ruleIndex.get(check.id)!,
          level: check.status === 'fail' ? 'error' : 'warning',
          message: { text: `${loss.name}: ${check.message}` },
          locations: [location(artifactLocation, loss.range, loss.name)],
        });
      }
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Loss Lab', informationUri: HOME_PAGE, version: options.version, semanticVersion: options.version, rules } },
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(options.cwd + path.sep).href } },
        // TypeScript's characters are UTF-16 code units, as SARIF's default columns.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function isFinding(check: CheckResult): check is CheckResult & { id: CheckId } {
  return check.status === 'fail' || check.status === 'warn';
}

function defaultSeverity(code: DiagnosticCode): Severity {
  return code === 'LL203' || code === 'LL205' || code === 'LL303' ? 'warning' : 'error';
}

/** A relative path stays relative to SRCROOT (code scanning maps it onto the repository). */
function artifactFor(file: string, cwd: string): Sarif.ArtifactLocation {
  const relative = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  if (relative.startsWith('..') || path.isAbsolute(relative)) return { uri: pathToFileURL(path.resolve(cwd, file)).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/** SARIF regions are 1-based; the report's ranges are 0-based. */
function location(artifactLocation: Sarif.ArtifactLocation, range: Range, logicalName?: string): Sarif.Location {
  return {
    physicalLocation: {
      artifactLocation,
      region: {
        startLine: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLine: range.end.line + 1,
        endColumn: range.end.character + 1,
      },
    },
    ...(logicalName === undefined ? {} : { logicalLocations: [{ name: logicalName, kind: 'function' }] }),
  };
}
