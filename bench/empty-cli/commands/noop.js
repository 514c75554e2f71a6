import {Command} from '@oclif/core'

export default class Noop extends Command {
  static description = 'does nothing'

  async run() {}
}
