import path from 'node:path'

// The real heroku CLI (npm package heroku, a dev dependency), run the way a user would but in a
// throwaway HOME so the user's own CLI config, plugins and caches are never touched.

export const HEROKU_BIN = path.resolve('node_modules/.bin/heroku')

export function herokuEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
    HOME: home,
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    ...extra,
  }
}
