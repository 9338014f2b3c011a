/** `@cachet/cli`: the `cachet` command, and its dashboard server for embedding in other tools. */
export type { EntryInfo, FunctionSummary, Progress, StatsPoint, StatsTotal } from './cache.js';
export { CliError, EXIT, type ExitCode } from './errors.js';
export { type Io, type Output, processIo } from './io.js';
export { commands, main } from './main.js';
export type { FunctionReport, Series, Totals } from './report.js';
export { type Dashboard, type DashboardOptions, startDashboard } from './serve/server.js';
