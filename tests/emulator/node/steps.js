'use strict';
// What the step scripts (lifecycle.js, nodepool.js) share: a step's failure and a bounded wait.

class StepError extends Error {}

function check(ok, why) {
  if (!ok) throw new StepError(why);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// fn() -> {done, value} until done (then value), for at most `seconds`
async function until(what, fn, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (let pause = 10; Date.now() < deadline; pause = Math.min(pause * 2, 500)) {
    last = await fn();
    if (last.done) return last.value;
    await sleep(pause);
  }
  throw new StepError(`${what} not reached within ${seconds}s (last: ${JSON.stringify(last.value)})`);
}

module.exports = { StepError, check, until };
