// Puts process.env back to a saved copy in place: deletes what was added, sets back what was changed.
// Never `process.env = saved`: that swaps Node's environment object for a plain one, which later code in
// the same worker (vi.stubEnv, child processes) no longer sees as the environment.

export function restoreEnv(saved: Readonly<Record<string, string | undefined>>): void {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
