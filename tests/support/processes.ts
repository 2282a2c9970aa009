/** Whether processes still run, for tests that check nothing outlived them. */

/** @return {boolean} whether `pid` runs (signal 0 checks without sending) */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls until none of `pids` runs, for at most `ms`. @return {Promise<number[]>} the ones still running */
export const stillRunning = async (pids: number[], ms: number): Promise<number[]> => {
  const deadline = Date.now() + ms
  for (let polls = 0; polls < 1_000 && Date.now() <= deadline; polls++) {
    if (!pids.some(alive)) return []
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return pids.filter(alive)
}
