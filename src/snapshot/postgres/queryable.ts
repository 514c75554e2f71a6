/** The one thing collectors need from a Postgres session; pg's Client and our PgSession both fit. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{rows: R[]}>
}
