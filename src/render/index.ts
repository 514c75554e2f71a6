import {type AuditReport, toJson} from '../workflows/audit/report.js'
import {renderJunit} from './junit.js'
import {renderMarkdown} from './markdown.js'
import {renderSarif} from './sarif.js'
import {renderTable} from './table.js'

export type OutputFormat = 'json' | 'junit' | 'markdown' | 'sarif' | 'table'

/** For `--format` flag options; table first because it is the default for people. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'markdown', 'sarif', 'junit']

export interface RenderOptions {
  /** colour for the table; the caller decides from the TTY, --no-color and NO_COLOR */
  color: boolean
  /** the plugin's version, recorded in SARIF */
  toolVersion: string
  /** the Connect export file the report was built from, if any (SARIF points results at it) */
  artifactPath?: string
  /** terminal width for the table; 80 when unknown */
  width?: number
  /** table only: print the summary table alone */
  summary?: boolean
}

/** The whole output for one format, without a trailing newline (the command's log adds it). */
export function renderReport(report: AuditReport, format: OutputFormat, options: RenderOptions): string {
  switch (format) {
    case 'json': {
      return JSON.stringify(toJson(report), null, 2)
    }

    case 'junit': {
      return renderJunit(report)
    }

    case 'markdown': {
      return renderMarkdown(report)
    }

    case 'sarif': {
      return JSON.stringify(renderSarif(report, {artifactPath: options.artifactPath, toolVersion: options.toolVersion}), null, 2)
    }

    case 'table': {
      const lines: string[] = []
      renderTable(report, {color: options.color, summaryOnly: options.summary, width: options.width, write: line => lines.push(line)})
      return lines.join('\n')
    }
  }
}

export {renderJunit} from './junit.js'
export {renderMarkdown} from './markdown.js'
export {renderSarif} from './sarif.js'
export {renderTable} from './table.js'
