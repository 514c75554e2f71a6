// Mocha's spec reporter plus one plain closing line that any CI log reader understands.
const Mocha = require('mocha')

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const {failures, passes, pending} = runner.stats
      process.stdout.write(`\ntests: ${passes} passed, ${failures} failed, ${pending} skipped\n`)
    })
  }
}

module.exports = SpecWithTotals
