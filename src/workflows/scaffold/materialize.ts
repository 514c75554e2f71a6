import {qualified, quoteIdent, quoteLiteral} from '../../sql.js'
import {doBlock} from './move.js'

// A view over a big child table re-aggregates it on every read. Where that is too slow the plan
// also creates a materialized copy of the view, `<view>_mat`, with a unique index on sfid so
// `REFRESH MATERIALIZED VIEW CONCURRENTLY` can run without blocking readers; the plain view stays
// as the always-current definition the copy is refreshed from.
//
// The criterion: --materialize asks for every view; otherwise a view is materialized when one of
// its roll-ups aggregates a child table the planner estimates (pg_class.reltuples) at
// MATERIALIZE_CHILD_ROWS rows or more. A table never analysed has no estimate and is not counted.

export const MATERIALIZE_CHILD_ROWS = 100_000

export interface MaterializedView {
  /** the plain view, `helper.view` */
  view: string
  /** the materialized copy, `helper.view_mat` */
  copy: string
  reason: string
  /** the statement to run on a schedule */
  refresh: string
}

export const materializedName = (view: string) => `${view}_mat`

/** Creates the copy once; a copy whose columns no longer match the view (a field added since) is re-created. */
export function materializeStatements(helper: string, view: string): string[] {
  const copy = qualified(helper, materializedName(view))
  const columns = (relation: string) => `ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass(${quoteLiteral(relation)}) AND attnum > 0 AND NOT attisdropped ORDER BY attnum)`
  return [
    doBlock(`IF to_regclass(${quoteLiteral(copy)}) IS NOT NULL AND ${columns(copy)} IS DISTINCT FROM ${columns(qualified(helper, view))} THEN DROP MATERIALIZED VIEW ${copy}; END IF;`),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${copy} AS SELECT * FROM ${qualified(helper, view)} WITH DATA;`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(`${materializedName(view)}_sfid`)} ON ${copy} (sfid);`,
  ]
}

export function refreshStatement(helper: string, view: string): string {
  return `REFRESH MATERIALIZED VIEW CONCURRENTLY ${qualified(helper, materializedName(view))};`
}

/** How to run the refreshes on a schedule: a Heroku Scheduler job running psql on the dyno. */
export function scheduleAdvice(refreshes: string[], volatile: boolean): string {
  const commands = refreshes.map(sql => `-c '${sql.replaceAll("'", String.raw`'\''`)}'`).join(' ')
  return `refresh the materialized copies on a schedule, e.g. a Heroku Scheduler job (heroku addons:create scheduler:standard; every 10 minutes${volatile ? ', and at least daily since a formula reads TODAY()' : ''}): psql "$DATABASE_URL" ${commands}`
}

/** For a view left plain: how to materialize it later, with this command or by hand. */
export function manualAdvice(helper: string, view: string): string {
  const copy = qualified(helper, materializedName(view))
  return `${helper}.${view} is a plain view, always current; if reading it is too slow, run again with --materialize, or by hand: CREATE MATERIALIZED VIEW IF NOT EXISTS ${copy} AS SELECT * FROM ${qualified(helper, view)}; CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(`${materializedName(view)}_sfid`)} ON ${copy} (sfid); and refresh it on a schedule: ${refreshStatement(helper, view)}`
}
