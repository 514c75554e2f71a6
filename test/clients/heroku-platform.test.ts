import {APIClient} from '@heroku-cli/command'
import {Config} from '@oclif/core'
import {expect} from 'chai'

import {getAddon, getApp, getConfigVars, INVALID_TOKEN_MESSAGE, listAddons} from '../../src/clients/heroku-platform.js'
import {CollectError, GuardError, UsageError} from '../../src/errors.js'
import {type FakeHeroku, startFakeHeroku} from '../../src/sandbox/heroku/server.js'

const TOKEN = 'hcg-test-heroku-token'

async function rejection(promise: Promise<unknown>): Promise<GuardError> {
  try {
    await promise
  } catch (error) {
    expect(error).to.be.instanceOf(GuardError)
    expect((error as Error).message).not.to.include(TOKEN)
    expect(String((error as GuardError).hint ?? '')).not.to.include(TOKEN)
    return error as GuardError
  }

  throw new Error('expected a rejection')
}

describe('Heroku Platform client (real APIClient against the fake)', () => {
  let heroku: FakeHeroku
  let client: APIClient
  const saved = {host: process.env.HEROKU_HOST, particleboard: process.env.HEROKU_PARTICLEBOARD_URL}

  before(async () => {
    expect(process.env.HEROKU_API_KEY).to.equal(TOKEN)
    heroku = await startFakeHeroku({
      apiKey: TOKEN,
      apps: [{
        addons: [{name: 'herokuconnect-cubed-12345', plan: 'demo', service: 'herokuconnect'}],
        configVars: {DATABASE_URL: 'postgres://u:secret@db:5432/d'},
        id: '11111111-2222-4333-8444-555555555555',
        name: 'acme-prod',
        region: 'us',
      }],
    })
    process.env.HEROKU_HOST = heroku.url
    process.env.HEROKU_PARTICLEBOARD_URL = heroku.url
    const config = await Config.load(process.cwd())
    client = new APIClient(config)
  })

  afterEach(() => heroku.server.clearFaults())

  after(async () => {
    await heroku.close()
    if (saved.host === undefined) delete process.env.HEROKU_HOST
    else process.env.HEROKU_HOST = saved.host
    if (saved.particleboard === undefined) delete process.env.HEROKU_PARTICLEBOARD_URL
    else process.env.HEROKU_PARTICLEBOARD_URL = saved.particleboard
  })

  it('reads the app, its config vars and add-ons with the token as Bearer', async () => {
    const app = await getApp(client, 'acme-prod')
    expect(app).to.deep.include({id: '11111111-2222-4333-8444-555555555555', name: 'acme-prod'})
    expect(app.region.name).to.equal('us')
    expect(await getConfigVars(client, 'acme-prod')).to.deep.equal({DATABASE_URL: 'postgres://u:secret@db:5432/d'})
    const addons = await listAddons(client, 'acme-prod')
    expect(addons.map(a => [a.name, a.plan.name])).to.deep.equal([['herokuconnect-cubed-12345', 'herokuconnect:demo']])
    expect((await getAddon(client, addons[0].id)).name).to.equal('herokuconnect-cubed-12345')
    const last = heroku.server.log.at(-1)!
    expect(last.headers.authorization).to.equal(`Bearer ${TOKEN}`)
    expect(last.headers.accept).to.equal('application/vnd.heroku+json; version=3')
  })

  it('maps 404 on an app to a usage error naming the app', async () => {
    const error = await rejection(getApp(client, 'nope'))
    expect(error).to.be.instanceOf(UsageError)
    expect(error.message).to.equal('app nope not found, or you have no access')
    expect(error.exitCode).to.equal(2)
  })

  it('maps 401 to the login hint without prompting', async () => {
    heroku.server.inject({body: {id: 'unauthorized', message: 'Invalid credentials provided.'}, pathPrefix: '/apps', status: 401, times: 1})
    const error = await rejection(getApp(client, 'acme-prod'))
    expect(error).to.be.instanceOf(CollectError)
    expect(error.message).to.equal(INVALID_TOKEN_MESSAGE)
    expect(error.exitCode).to.equal(3)
  })

  it('maps 403, 429 and 5xx to collect errors with the server message', async () => {
    heroku.server.inject({body: {id: 'forbidden', message: 'You do not have access to the app acme-prod.'}, pathPrefix: '/apps', status: 403, times: 1})
    const forbidden = await rejection(getConfigVars(client, 'acme-prod'))
    expect(forbidden.message).to.match(/denied access to app acme-prod \(403\): You do not have access/)

    heroku.server.inject({body: {id: 'rate_limit', message: 'Your account reached the API rate limit'}, pathPrefix: '/apps', status: 429, times: 1})
    expect((await rejection(listAddons(client, 'acme-prod'))).message).to.match(/rate limit is exhausted \(429\)/)

    heroku.server.inject({body: {id: 'internal_server_error', message: 'Internal server error.'}, pathPrefix: '/apps', status: 503, times: 1})
    const unavailable = await rejection(getApp(client, 'acme-prod'))
    expect(unavailable).to.be.instanceOf(CollectError)
    expect(unavailable.message).to.equal('the Heroku API failed with 503 on GET /apps/acme-prod: Internal server error.')

    heroku.server.inject({body: '', pathPrefix: '/apps', status: 500, times: 1})
    expect((await rejection(getApp(client, 'acme-prod'))).message).to.match(/failed with 500/)
  })

  it('maps a dropped connection to a network error', async () => {
    heroku.server.inject({drop: true, pathPrefix: '/apps', times: Number.POSITIVE_INFINITY})
    const error = await rejection(getApp(client, 'acme-prod'))
    expect(error).to.be.instanceOf(CollectError)
    expect(error.message).to.match(/could not reach the Heroku API at http:\/\/127\.0\.0\.1:\d+ \(ECONNRESET\)/)
  }).timeout(30_000)
})
