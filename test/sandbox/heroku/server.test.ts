import {expect} from 'chai'

import {type FakeHeroku, startFakeHeroku} from '../../../src/sandbox/heroku/server.js'

describe('fake Heroku Platform API', () => {
  let heroku: FakeHeroku
  const get = (path: string, token = 'k3y') =>
    fetch(`${heroku.url}${path}`, {headers: {Accept: 'application/vnd.heroku+json; version=3', Authorization: `Bearer ${token}`}})

  before(async () => {
    heroku = await startFakeHeroku({
      apiKey: 'k3y',
      apps: [{
        addons: [
          {name: 'herokuconnect-cubed-12345', plan: 'herokuconnect:enterprise', service: 'herokuconnect'},
          {name: 'postgresql-round-67890', plan: 'standard-0', service: 'heroku-postgresql'},
        ],
        configVars: {DATABASE_URL: 'postgres://u:p@h:5432/d', OTHER: 'x'},
        id: '11111111-2222-4333-8444-555555555555',
        name: 'acme-prod',
        region: 'eu',
      }],
    })
  })

  after(async () => {
    await heroku.close()
  })

  it('serves an app by name or id in the v3 shape', async () => {
    const byName = await (await get('/apps/acme-prod')).json()
    expect(byName).to.deep.include({id: '11111111-2222-4333-8444-555555555555', name: 'acme-prod'})
    expect(byName.region.name).to.equal('eu')
    expect(byName.stack.name).to.equal('heroku-24')
    expect(byName.owner.email).to.be.a('string')
    const byId = await (await get('/apps/11111111-2222-4333-8444-555555555555')).json()
    expect(byId.name).to.equal('acme-prod')
  })

  it('serves config vars and add-ons', async () => {
    expect(await (await get('/apps/acme-prod/config-vars')).json()).to.deep.equal({DATABASE_URL: 'postgres://u:p@h:5432/d', OTHER: 'x'})
    const addons = await (await get('/apps/acme-prod/addons')).json()
    expect(addons.map((a: {addon_service: {name: string}}) => a.addon_service.name)).to.deep.equal(['herokuconnect', 'heroku-postgresql'])
    expect(addons[1].plan.name).to.equal('heroku-postgresql:standard-0')
    expect(addons[1].config_vars).to.deep.equal(['DATABASE_URL'])
    expect(addons[0]).to.deep.include({app: {id: '11111111-2222-4333-8444-555555555555', name: 'acme-prod'}, state: 'provisioned'})
    const one = await (await get(`/addons/${addons[0].id}`)).json()
    expect(one.name).to.equal('herokuconnect-cubed-12345')
    expect((await get('/addons/herokuconnect-cubed-12345')).status).to.equal(200)
  })

  it('answers 401 without the right token and 404 for unknown apps, with Heroku error bodies', async () => {
    const unauthorized = await get('/apps/acme-prod', 'wrong')
    expect(unauthorized.status).to.equal(401)
    expect(await unauthorized.json()).to.deep.equal({id: 'unauthorized', message: 'Invalid credentials provided.'})
    const missing = await get('/apps/nope/config-vars')
    expect(missing.status).to.equal(404)
    expect(await missing.json()).to.deep.equal({id: 'not_found', message: "Couldn't find that app.", resource: 'app'})
    expect((await get('/addons/nope')).status).to.equal(404)
  })

  it('lists apps (all, and the user\'s own) and add-on attachments, attached under their config var', async () => {
    for (const listing of ['/apps', '/users/~/apps']) {
      expect((await (await get(listing)).json()).map((a: {name: string}) => a.name)).to.deep.equal(['acme-prod'])
    }

    const attachments = await (await get('/apps/acme-prod/addon-attachments')).json()
    expect(attachments.map((a: {addon: {name: string}; name: string}) => [a.addon.name, a.name])).to.deep.equal([
      ['herokuconnect-cubed-12345', 'HEROKUCONNECT'],
      ['postgresql-round-67890', 'DATABASE'],
    ])
    expect(attachments[1].app).to.deep.equal({id: '11111111-2222-4333-8444-555555555555', name: 'acme-prod'})
    const addons = await (await get('/apps/acme-prod/addons')).json()
    expect(attachments[1].addon.id).to.equal(addons[1].id)
    expect(await (await get('/addon-attachments')).json()).to.deep.equal(attachments)
  })

  it('serves the account', async () => {
    const account = await (await get('/account')).json()
    expect(account.email).to.equal('sandbox-user@example.com')
    expect(account.id).to.match(/^[\da-f-]{36}$/)
  })
})
