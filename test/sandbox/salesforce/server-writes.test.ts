import type {Connection} from '@jsforce/jsforce-node'

import {expect} from 'chai'

import {extraObjects, jsforceConnection, rejection, startTestOrg, type TestOrg} from './fixtures.js'

type Row = Record<string, unknown>
interface SubResponse {body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string}

describe('fake Salesforce: composite, collections, records and Bulk API 2.0', () => {
  let t: TestOrg
  let conn: Connection

  before(async () => {
    t = await startTestOrg(extraObjects(30))
    conn = await jsforceConnection(t.sf.url)
  })

  after(async () => t.sf.close())
  beforeEach(() => {
    t.org.calls.reset()
    t.store.tables.clear()
    t.sf.server.clearFaults()
  })

  const composite = (body: object) => conn.requestPost<{compositeResponse: SubResponse[]}>('/composite', body)

  it('runs 25 describes in one /composite call, counted as ONE API call', async () => {
    const names = extraObjects(24).map(o => o.name)
    const compositeRequest = [...names, 'Nope__c'].map((name, i) => ({method: 'GET', referenceId: `d${i}`, url: `/services/data/v62.0/sobjects/${name}/describe`}))
    const {compositeResponse} = await composite({allOrNone: false, compositeRequest})
    expect(compositeResponse).to.have.length(25)
    expect(compositeResponse[0]).to.include({httpStatusCode: 200, referenceId: 'd0'})
    expect((compositeResponse[0].body as {name: string}).name).to.equal('Extra01__c')
    expect(compositeResponse[24]).to.deep.equal({
      body: [{errorCode: 'NOT_FOUND', message: 'The requested resource does not exist'}], httpHeaders: {}, httpStatusCode: 404, referenceId: 'd24',
    })
    expect(t.org.calls.byKind).to.include({composite: 1, rest: 0})
  })

  it('refuses more than 25 subrequests or more than 5 queries', async () => {
    const many = Array.from({length: 26}, (_, i) => ({method: 'GET', referenceId: `r${i}`, url: '/services/data/v62.0/sobjects/Account/describe'}))
    expect((await composite({compositeRequest: many}).catch(error => error)).errorCode).to.equal('LIMIT_EXCEEDED')
    const queries = Array.from({length: 6}, (_, i) => ({method: 'GET', referenceId: `q${i}`, url: '/services/data/v62.0/query?q=SELECT+Id+FROM+Account'}))
    expect((await composite({compositeRequest: queries}).catch(error => error)).errorCode).to.equal('LIMIT_EXCEEDED')
  })

  it('resolves @{ref} references and rolls everything back under allOrNone', async () => {
    const ok = await composite({
      allOrNone: true,
      compositeRequest: [
        {body: {Name: 'Parent'}, method: 'POST', referenceId: 'acct', url: '/services/data/v62.0/sobjects/Account'},
        {body: {AccountId: '@{acct.id}', LastName: 'Child'}, method: 'POST', referenceId: 'kid', url: '/services/data/v62.0/sobjects/Contact'},
        {method: 'GET', referenceId: 'q', url: '/services/data/v62.0/query?q=SELECT+Account.Name+FROM+Contact'},
      ],
    })
    expect(ok.compositeResponse.map(r => r.httpStatusCode)).to.deep.equal([201, 201, 200])
    expect(ok.compositeResponse[0].httpHeaders.Location).to.match(/^\/services\/data\/v62\.0\/sobjects\/Account\/001\w{15}$/)
    expect(((ok.compositeResponse[2].body as {records: Row[]}).records[0].Account as Row).Name).to.equal('Parent')

    const failed = await composite({
      allOrNone: true,
      compositeRequest: [
        {body: {Name: 'Rolled back'}, method: 'POST', referenceId: 'acct', url: '/services/data/v62.0/sobjects/Account'},
        {body: {FirstName: 'No last name'}, method: 'POST', referenceId: 'bad', url: '/services/data/v62.0/sobjects/Contact'},
        {method: 'GET', referenceId: 'never', url: '/services/data/v62.0/sobjects/Account/describe'},
      ],
    })
    expect(failed.compositeResponse.map(r => [r.httpStatusCode, (r.body as Row[])[0].errorCode])).to.deep.equal([
      [400, 'PROCESSING_HALTED'], [400, 'REQUIRED_FIELD_MISSING'], [400, 'PROCESSING_HALTED'],
    ])
    expect(await t.store.count('Account')).to.equal(1)
    expect(t.org.calls.byKind.composite).to.equal(2)
  })

  it('counts each /composite/batch subrequest against the limit', async () => {
    const result = await conn.requestPost<{hasErrors: boolean; results: Array<{statusCode: number}>}>('/composite/batch', {
      batchRequests: [{method: 'GET', url: 'v62.0/limits'}, {method: 'GET', url: 'v62.0/sobjects/Nope/describe'}, {method: 'GET', url: 'v62.0/sobjects/Account/describe'}],
      haltOnError: true,
    })
    expect(result.hasErrors).to.equal(true)
    expect(result.results.map(r => r.statusCode)).to.deep.equal([200, 404, 412])
    expect(t.org.calls.byKind.composite).to.equal(3)
  })

  it('creates, updates, upserts and deletes through sObject Collections with per-record errors', async () => {
    const created = await conn.sobject('Contact').create([{External_Id__c: 'e1', LastName: 'One'}, {FirstName: 'Nobody'}], {allOrNone: false})
    expect(created.map(r => r.success)).to.deep.equal([true, false])
    expect(created[1].errors[0]).to.deep.include({fields: ['LastName'], statusCode: 'REQUIRED_FIELD_MISSING'})
    const id = created[0].id!
    const updated = await conn.sobject('Contact').update([{Id: id, LastName: 'Uno'}])
    expect(updated[0].success).to.equal(true)
    const upserted = await conn.sobject('Contact').upsert([{External_Id__c: 'e1', LastName: 'Eins'}, {External_Id__c: 'e2', LastName: 'Zwei'}], 'External_Id__c')
    expect(upserted.map(r => (r as {created?: boolean}).created)).to.deep.equal([false, true])
    const rows = await conn.query<Row>('SELECT LastName FROM Contact ORDER BY LastName')
    expect(rows.records.map(r => r.LastName)).to.deep.equal(['Eins', 'Zwei'])
    const deleted = await conn.sobject('Contact').destroy([id])
    expect(deleted[0].success).to.equal(true)
    expect(await t.store.count('Contact')).to.equal(1)
    expect(t.org.calls.byKind.rest).to.equal(5)
  })

  it('rolls a collection back under allOrNone', async () => {
    const results = await conn.sobject('Contact').create([{LastName: 'Fine'}, {FirstName: 'Broken'}], {allOrNone: true}).catch(error => error)
    const body = Array.isArray(results) ? results : results.data
    expect(JSON.stringify(body)).to.contain('ALL_OR_NONE_OPERATION_ROLLED_BACK')
    expect(await t.store.count('Contact')).to.equal(0)
  })

  it('answers single-record create / read / update / upsert with the REST shapes', async () => {
    const created = await conn.sobject('Account').create({External_Id__c: 'x1', Name: 'Solo'})
    expect(created).to.deep.include({success: true})
    const read = await conn.sobject('Account').retrieve(created.id!)
    expect(read).to.deep.include({External_Id__c: 'x1', Name: 'Solo'})
    const error = await conn.sobject('Account').create({NumberOfEmployees: 3}).catch(error_ => error_)
    expect(error.errorCode).to.equal('REQUIRED_FIELD_MISSING')
    const missing = await conn.sobject('Account').retrieve('001Hs0000000zzzAAA').catch(error_ => error_)
    expect(missing.errorCode).to.equal('NOT_FOUND')
    t.store.seed('Account', [{External_Id__c: 'twin', Name: 'A'}, {External_Id__c: 'twin', Name: 'B'}])
    const ambiguous = await conn.sobject('Account').upsert({External_Id__c: 'twin', Name: 'C'}, 'External_Id__c').catch(error_ => error_)
    expect(ambiguous.errorCode).to.equal('MULTIPLE_CHOICES')
  })

  it('runs a Bulk API 2.0 ingest through jsforce: one row fails on a required field', async () => {
    const results = await conn.bulk2.loadAndWaitForResults({
      input: [
        {Email: 'a@x.io', LastName: 'Alpha'},
        {Email: 'b@x.io', LastName: null},
        {Email: 'c@x.io', LastName: 'Gamma'},
      ] as unknown as Row[],
      object: 'Contact',
      operation: 'insert',
      pollInterval: 10,
      pollTimeout: 5000,
    })
    expect(results.successfulResults).to.have.length(2)
    expect(results.successfulResults[0]).to.include({LastName: 'Alpha', sf__Created: 'true'})
    expect(results.failedResults).to.have.length(1)
    expect(results.failedResults[0].sf__Error).to.equal('REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --')
    expect(results.unprocessedRecords).to.deep.equal([])
    expect(await t.store.count('Contact')).to.equal(2)
    // create, upload, close, poll, three result fetches: every request is a Bulk call
    expect(t.org.calls.byKind.bulk).to.equal(7)
  })

  it('fails a Bulk ingest job whose CSV names an unknown field', async () => {
    const job = conn.bulk2.createJob({object: 'Contact', operation: 'insert'})
    await job.open()
    await job.uploadData('LastName,Nope__c\nA,1\n')
    await job.close()
    const error = await job.poll(10, 2000).catch(error_ => error_)
    expect(error.message).to.contain('InvalidBatch : Field name not found : Nope__c')
  })

  it('runs a Bulk API 2.0 query through jsforce', async () => {
    t.store.seed('Widget__c', Array.from({length: 120}, (_, i) => ({Name: `W${i}`, Rank__c: i})))
    const stream = await conn.bulk2.query('SELECT Name, Rank__c FROM Widget__c WHERE Rank__c < 100', {pollInterval: 10, pollTimeout: 5000})
    const records: Row[] = []
    for await (const record of stream) records.push(record as Row)
    expect(records).to.have.length(100)
    expect(records[5]).to.deep.equal({Name: 'W5', Rank__c: '5'})
  })

  it('only answers 5xx when a test injects it, and then jsforce retries can be turned off', async () => {
    t.sf.server.inject({pathPrefix: '/services/data/v62.0/limits', status: 503, times: 1})
    const error = await rejection(conn.request('/limits', {retry: {maxRetries: 0}}))
    expect(error.errorCode).to.equal('ERROR_HTTP_503')
    expect(t.sf.server.log.filter(e => e.path === '/services/data/v62.0/limits' && e.status === 503)).to.have.length(1)
    expect((await conn.limits()).DailyApiRequests.Max).to.equal(15_000)
  })
})
