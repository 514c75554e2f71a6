// Loaded by mocha before any test: a hermetic environment. No real Heroku credentials, no
// colour, no version checks; every test talks only to loopback peers it starts itself.
process.env.HEROKU_API_KEY = 'hcg-test-heroku-token'
process.env.HEROKU_SKIP_NEW_VERSION_CHECK = 'true'
// the heroku CLI would otherwise start a worker that sends telemetry after each command
process.env.DISABLE_TELEMETRY = 'true'
process.env.NO_COLOR = '1'
process.env.COLUMNS = '160'
process.env.TZ = 'UTC'
delete process.env.HTTP_PROXY
delete process.env.HTTPS_PROXY
delete process.env.http_proxy
delete process.env.https_proxy
delete process.env.SF_ACCESS_TOKEN
delete process.env.SF_INSTANCE_URL
delete process.env.DATABASE_URL
delete process.env.CONNECT_DISCOVERY_SERVER

export {mochaHooks} from './postgres.js'
