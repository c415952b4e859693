// The environment serve mode's server starts with (npm run serve, npm start's fallback, the e2e
// journeys, the benchmarks). On Linux glibc is asked to back its large allocations with transparent huge pages
// (GLIBC_TUNABLES glibc.malloc.hugetlb=1, glibc ≥ 2.35; older ones ignore it): an opened volume's
// voxel buffer is fresh memory, and faulting it in 4 KiB pages cost ~350 ms for the 90 MiB knee on
// the dev machine, a third of the open. Opening the knee, open → drawn in three views fell from a
// median 905 to 700 ms (README, issue 19). A tunable the user set already is left as it is (set
// glibc.malloc.hugetlb=0 to turn it off); the setting must be in place before the process starts,
// so the launchers set it, not the server.
const TUNABLE = 'glibc.malloc.hugetlb';

/** `env` with the huge-page tunable added where it applies; never modifies `env`. */
export function serverEnvironment(env = process.env, platform = process.platform) {
  if (platform !== 'linux') return { ...env };
  const current = env.GLIBC_TUNABLES ?? '';
  if (current.split(':').some((entry) => entry.split('=')[0] === TUNABLE)) return { ...env };
  return { ...env, GLIBC_TUNABLES: current === '' ? `${TUNABLE}=1` : `${current}:${TUNABLE}=1` };
}
