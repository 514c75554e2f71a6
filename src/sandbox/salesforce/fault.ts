import type {FakeResponse} from '../http.js'

// Salesforce answers every REST failure with a JSON array of {message, errorCode[, fields]}.
// Handlers throw a SalesforceFault anywhere and the router turns it into that shape, so the
// status code and error code travel together and cannot drift apart.

export class SalesforceFault extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message)
    this.name = 'SalesforceFault'
  }

  get body(): Array<Record<string, unknown>> {
    const entry: Record<string, unknown> = {errorCode: this.errorCode, message: this.message}
    if (this.fields) entry.fields = this.fields
    return [entry]
  }
}

export function faultResponse(fault: SalesforceFault): FakeResponse {
  return {body: fault.body, status: fault.status}
}

export const notFound = (): SalesforceFault => new SalesforceFault(404, 'NOT_FOUND', 'The requested resource does not exist')
